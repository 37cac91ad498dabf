"""Descriptions of the service and the dataset, as RDF: the SPARQL service description and the
VoID/DCAT description of the dataset (with its dumps)."""

from __future__ import annotations

from typing import Any

from pyoxigraph import BlankNode, RdfFormat, Triple, parse

from icj_graph.formats import GRAPHS, RESULTS
from icj_graph.search import FOLD_FUNCTION
from icj_graph.store import BuildInfo

_SERVICE = """
PREFIX sd:      <http://www.w3.org/ns/sparql-service-description#>
PREFIX void:    <http://rdfs.org/ns/void#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX fmt:     <http://www.w3.org/ns/formats/>
PREFIX rdfs:    <http://www.w3.org/2000/01/rdf-schema#>
<{endpoint}>
    a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph , sd:BasicFederatedQuery ;
    sd:resultFormat {formats} ;
    sd:defaultDataset <{dataset}> .
<{dataset}>
    a sd:Dataset , void:Dataset ;
    dcterms:title "icj-graph: the knowledge graph of international criminal justice"@en ;
    dcterms:hasVersion "{version}" ;
    dcterms:modified "{built_at}" ;
    void:triples {triples} ;
    void:sparqlEndpoint <{endpoint}> ;
    sd:defaultGraph [ a sd:Graph ; void:triples {triples} ] ;
{named_graphs}    rdfs:seeAlso <{void}> .
"""
_NAMED_GRAPH = (
    "    sd:namedGraph [ a sd:NamedGraph ; sd:name <{name}> ;"
    " sd:graph [ a sd:Graph ; void:triples {triples} ] ] ;\n"
)
SD_PREFIXES = {
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "void": "http://rdfs.org/ns/void#",
    "dcterms": "http://purl.org/dc/terms/",
    "fmt": "http://www.w3.org/ns/formats/",
}
_FORMAT_IRIS = {
    "application/sparql-results+json": "fmt:SPARQL_Results_JSON",
    "application/sparql-results+xml": "fmt:SPARQL_Results_XML",
    "text/csv": "fmt:SPARQL_Results_CSV",
    "text/tab-separated-values": "fmt:SPARQL_Results_TSV",
    "text/turtle": "fmt:Turtle",
    "application/n-triples": "fmt:N-Triples",
    "application/ld+json": "fmt:JSON-LD",
    "application/rdf+xml": "fmt:RDF_XML",
}


def service_description(endpoint: str, info: BuildInfo, *, federation: bool) -> list[Triple]:
    """Return the SPARQL 1.1 service description of the endpoint at `endpoint`."""
    text = _SERVICE.format(
        endpoint=endpoint,
        void=endpoint.rsplit("/sparql", 1)[0] + "/.well-known/void",
        formats=" , ".join(_FORMAT_IRIS[f.media_type] for f in RESULTS + GRAPHS),
        dataset=DATASET_IRI,
        named_graphs="".join(
            _NAMED_GRAPH.format(name=name, triples=count) for name, count in info.graphs.items()
        ),
        version=info.version,
        built_at=info.built_at,
        triples=info.triples,
    )
    if not federation:
        text = text.replace(" , sd:BasicFederatedQuery", "")
    return _parse(text)


DATASET_IRI = "https://w3id.org/icj-graph/dataset"
EXAMPLES = ("tribunal/icc", "case/it-09-92", "person/ratko-mladic", "crime/genocide")
_VOID = """
PREFIX void:    <http://rdfs.org/ns/void#>
PREFIX dcat:    <http://www.w3.org/ns/dcat#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX xsd:     <http://www.w3.org/2001/XMLSchema#>
PREFIX spdx:    <http://spdx.org/rdf/terms#>
<{dataset}>
    a void:Dataset , dcat:Dataset ;
    dcterms:title "icj-graph: the knowledge graph of international criminal justice"@en ;
    dcterms:description "Tribunals, instruments and provisions, crimes, persons, States, \
situations, cases, charges, warrants, custody events, judgments, sentences and treaty actions, \
each fact with its source."@en ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    dcterms:hasVersion "{version}" ;
    owl:versionInfo "{version}" ;
    dcterms:issued "{released}"^^xsd:date ;
    dcterms:modified "{built_at}"^^xsd:dateTime ;
    void:triples {triples} ;
    void:uriSpace "https://w3id.org/icj-graph/id/" ;
    void:sparqlEndpoint <{base}sparql> ;
    void:vocabulary <https://w3id.org/icj-graph/ontology> ;
    void:exampleResource {examples} ;
    void:rootResource <https://w3id.org/icj-graph/id/tribunal/icc> ;
{partitions}{distributions}.
"""
_DISTRIBUTION = (
    "    void:dataDump <{base}dumps/{file}> ;\n"
    "    dcat:distribution [ a dcat:Distribution ; dcat:downloadURL <{base}dumps/{file}> ;"
    ' dcat:mediaType "{media_type}" ;{compression} dcat:byteSize {bytes} ;'
    " spdx:checksum [ spdx:algorithm spdx:checksumAlgorithm_sha256 ;"
    ' spdx:checksumValue "{sha256}" ] ] ;\n'
)
#: DCAT's way to say a dump is compressed: its media type stays that of the data inside.
_COMPRESSION = {"gzip": ' dcat:compressFormat "application/gzip" ;'}


def void_description(base: str, info: BuildInfo) -> list[Triple]:
    """Return the VoID and DCAT description of the dataset, its class partitions and dumps."""
    partitions = "".join(
        f"    void:classPartition [ void:class <https://w3id.org/icj-graph/ontology#{name}> ; "
        f"void:entities {count} ] ;\n"
        for name, count in info.classes.items()
    )
    distributions = "".join(
        _DISTRIBUTION.format(
            base=base, compression=_COMPRESSION.get(str(dump["encoding"]), ""), **dump
        )
        for dump in info.dumps
    )
    text = _VOID.format(
        dataset=DATASET_IRI,
        version=info.version,
        released=info.released,
        built_at=info.built_at,
        triples=info.triples,
        base=base,
        examples=" , ".join(f"<https://w3id.org/icj-graph/id/{e}>" for e in EXAMPLES),
        partitions=partitions,
        distributions=distributions,
    )
    return _parse("PREFIX owl: <http://www.w3.org/2002/07/owl#>\n" + text)


_FUNCTIONS = """
PREFIX sd:   <http://www.w3.org/ns/sparql-service-description#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
<{fold}>
    a sd:Function ;
    rdfs:label "fold"@en ;
    rdfs:comment "Lower-cases a string and strips its diacritics, so that \
FILTER(CONTAINS(icjf:fold(?name), \\"mladic\\")) finds \\"Mladić\\" \
(PREFIX icjf: <https://w3id.org/icj-graph/function#>). Offered on the embedded store."@en .
"""


def function_descriptions() -> list[Triple]:
    """Return the description of the endpoint's extension functions (``icjf:fold``)."""
    return _parse(_FUNCTIONS.format(fold=FOLD_FUNCTION))


def _parse(turtle: str) -> list[Triple]:
    """The triples of `turtle`, its blank nodes labelled by order of appearance, so that the
    same description serializes to the same bytes (its ETag names one byte sequence).

    >>> [str(t.subject) for t in _parse("[ a <http://e/C> ] . [ a <http://e/D> ] .")]
    ['_:b0', '_:b1']
    """
    labels: dict[BlankNode, BlankNode] = {}

    def stable(term: Any) -> Any:
        if isinstance(term, BlankNode):
            return labels.setdefault(term, BlankNode(f"b{len(labels)}"))
        return term

    return [
        Triple(stable(t.subject), t.predicate, stable(t.object))
        for t in parse(turtle, format=RdfFormat.TURTLE)
    ]
