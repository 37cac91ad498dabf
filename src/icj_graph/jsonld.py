"""The published JSON-LD context, and items compacted against it (pyld).

The context is generated from the ontology at build time: every ``icj:`` property becomes a
short key (object properties as IRIs, dated ones typed), plus the reused vocabularies' terms and
reverse keys (``charges``, ``judgments``, ...) that let a case embed what points to it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pyld import jsonld
from pyoxigraph import NamedNode, Triple

from icj_graph.vocab import NS, PREFIXES, RDF_TYPE

CONTEXT_FILE = "context.jsonld"
OWL = "http://www.w3.org/2002/07/owl#"
RDFS_RANGE = "http://www.w3.org/2000/01/rdf-schema#range"
#: Terms of reused vocabularies, with how their values read.
REUSED: dict[str, dict[str, str]] = {
    "label": {"@id": "rdfs:label", "@language": "en"},
    "prefLabel": {"@id": "skos:prefLabel", "@language": "en"},
    "altLabel": {"@id": "skos:altLabel", "@language": "en", "@container": "@set"},
    "definition": {"@id": "skos:definition", "@language": "en"},
    "notation": {"@id": "skos:notation"},
    "broader": {"@id": "skos:broader", "@type": "@id"},
    "inScheme": {"@id": "skos:inScheme", "@type": "@id"},
    "topConceptOf": {"@id": "skos:topConceptOf", "@type": "@id"},
    "title": {"@id": "dcterms:title", "@language": "en"},
    "identifier": {"@id": "dcterms:identifier"},
    "source": {"@id": "dcterms:source", "@type": "@id", "@container": "@set"},
    "sameAs": {"@id": "owl:sameAs", "@type": "@id"},
    "birthDate": {"@id": "schema:birthDate", "@type": "xsd:date"},
    "deathDate": {"@id": "schema:deathDate", "@type": "xsd:date"},
    "nationality": {"@id": "schema:nationality", "@type": "@id"},
}
#: Keys under which an item embeds the entities that point to it with icj:case.
REVERSE: dict[str, str] = {
    "prosecutions": "Prosecution",
    "charges": "Charge",
    "warrants": "ArrestWarrant",
    "judgments": "Judgment",
    "sentences": "Sentence",
}


def make_context(ontology: Iterable[Triple]) -> dict[str, Any]:
    """Build the context from the ontology's property declarations."""
    kinds: dict[str, str] = {}
    ranges: dict[str, str] = {}
    for t in ontology:
        s = t.subject.value if isinstance(t.subject, NamedNode) else ""
        if not s.startswith(NS):
            continue
        if t.predicate.value == RDF_TYPE:
            kinds[s] = t.object.value  # type: ignore[union-attr]
        elif t.predicate.value == RDFS_RANGE:
            ranges[s] = t.object.value  # type: ignore[union-attr]
    terms: dict[str, Any] = {
        "@version": 1.1,
        "@vocab": NS,
        "id": "@id",
        "type": "@type",
        **{p: PREFIXES[p] for p in ("rdfs", "skos", "dcterms", "owl", "schema", "xsd", "prov")},
        **REUSED,
    }
    for iri, kind in sorted(kinds.items()):
        name = iri.removeprefix(NS)
        if kind == OWL + "ObjectProperty":
            terms[name] = {"@id": f"{NS}{name}", "@type": "@id"}
        elif kind == OWL + "DatatypeProperty":
            datatype = ranges.get(iri, "")
            if datatype.endswith("#langString"):
                terms[name] = {"@id": f"{NS}{name}", "@language": "en"}
            elif datatype.startswith(PREFIXES["xsd"]) and not datatype.endswith("#string"):
                terms[name] = {"@id": f"{NS}{name}", "@type": datatype}
    for key in REVERSE:
        terms[key] = {"@reverse": f"{NS}case", "@type": "@id"}
    return {"@context": terms}


def write_context(build: Path, ontology: Iterable[Triple]) -> None:
    """Write the build's context.jsonld."""
    (build / CONTEXT_FILE).write_text(json.dumps(make_context(ontology), indent=1), "utf-8")


def read_context(build: Path) -> dict[str, Any]:
    """Read the build's context."""
    context: dict[str, Any] = json.loads((build / CONTEXT_FILE).read_text("utf-8"))
    return context


def compact_nodes(ntriples: bytes, context: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Turn N-Triples into compact JSON-LD nodes: one plain object per node, keyed by ``id``."""
    expanded = jsonld.from_rdf(ntriples.decode("utf-8"), {"format": "application/n-quads"})
    flat = jsonld.flatten(expanded, dict(context))
    nodes: list[dict[str, Any]] = flat.get("@graph", [])
    for node in nodes:
        node.pop("@context", None)
    return nodes


def embed(iri: str, nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """The node `iri` with the nodes pointing to it by ``case`` embedded under REVERSE keys."""
    by_id = {node["id"]: node for node in nodes}
    item = dict(by_id[iri])
    for key, kind in REVERSE.items():
        children = [n for n in nodes if n.get("case") == iri and kind in _as_list(n.get("type"))]
        if children:
            item[key] = sorted(children, key=lambda n: str(n["id"]))
    return item


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
