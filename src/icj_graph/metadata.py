"""Descriptions of the service and the dataset, as RDF: the SPARQL service description."""

from __future__ import annotations

from pyoxigraph import RdfFormat, Triple, parse

from icj_graph.formats import GRAPHS, RESULTS
from icj_graph.store import BuildInfo

_SERVICE = """
PREFIX sd:      <http://www.w3.org/ns/sparql-service-description#>
PREFIX void:    <http://rdfs.org/ns/void#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX fmt:     <http://www.w3.org/ns/formats/>
<{endpoint}>
    a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph , sd:BasicFederatedQuery ;
    sd:resultFormat {formats} ;
    sd:defaultDataset [
        a sd:Dataset , void:Dataset ;
        dcterms:title "icj-graph: the knowledge graph of international criminal justice"@en ;
        dcterms:hasVersion "{version}" ;
        dcterms:modified "{built_at}" ;
        void:triples {triples} ;
        void:sparqlEndpoint <{endpoint}> ;
        sd:defaultGraph [ a sd:Graph ; void:triples {triples} ] ;
    ] ;
.
"""
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
        formats=" , ".join(_FORMAT_IRIS[f.media_type] for f in RESULTS + GRAPHS),
        version=info.version,
        built_at=info.built_at,
        triples=info.triples,
    )
    if not federation:
        text = text.replace(" , sd:BasicFederatedQuery", "")
    return list(parse(text, format=RdfFormat.TURTLE))
