"""The published JSON-LD context, and items compacted against it (pyld).

The context is generated from the ontology at build time: every ``icj:`` property becomes a
short key (object properties as IRIs, dated ones typed), plus the reused vocabularies' terms and
reverse keys (``charges``, ``judgments``, ...) that let a case embed what points to it.

One key per property, one JSON shape per key, whatever the item:

- a property that can hold several values is always an array (``"@container": "@set"``):
  ``type``, ``source``, ``accused``, ``nationality``, ``caseNumber``, the reverse keys, ...;
- a single-valued one is a scalar: those the shapes allow once (``sh:maxCount 1``: dates,
  ``tribunal``, ``outcome``, ``countNumber``, ...; listed in SINGLE_VALUED, a test keeps the list
  equal to the shapes) or declares ``owl:FunctionalProperty``, and the English names the shapes
  allow once per language (``label``, ``prefLabel``);
- ``altLabel`` is a language map of arrays, every language under the one key:
  ``{"en": ["Ratko Mladic"], "sr-cyrl": ["Ратко Младић"]}`` (tags in lower case).
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
SET = {"@container": "@set"}
#: Terms with one value per item: a scalar. Every other term is an array. These are the
#: properties every shape that constrains them allows once (``sh:maxCount 1``), and the English
#: names allowed once per language (``sh:uniqueLang``); tests/web/test_api_shapes.py checks it.
SINGLE_VALUED = frozenset(
    {
        *("label", "prefLabel", "notation", "birthDate", "deathDate", "subOrganizationOf"),
        *("case", "tribunal", "situation", "instrument", "state", "outcome", "judgment"),
        *("decidedIn", "imposedIn", "partOf", "organization", "role", "subject"),
        *("regionalGroup", "sentenceKind", "triggerType", "countNumber", "number"),
        *("situationNumber", "iso3166Alpha2", "iso3166Alpha3", "amount", "currency"),
        *("termYears", "granted", "date", "startDate", "endDate", "adoptionDate"),
        *("closingDate", "decisionDate", "effectiveDate", "entryIntoForceDate"),
        *("foundingDate", "indictmentDate", "investigationOpeningDate", "revocationDate"),
        "terminationDate",
    }
)
#: Terms of reused vocabularies, with how their values read.
REUSED: dict[str, dict[str, Any]] = {
    "label": {"@id": "rdfs:label", "@language": "en"},
    "comment": {"@id": "rdfs:comment", "@language": "en"},
    "prefLabel": {"@id": "skos:prefLabel", "@language": "en"},
    "altLabel": {"@id": "skos:altLabel", "@container": ["@language", "@set"]},
    "definition": {"@id": "skos:definition", "@language": "en"},
    "notation": {"@id": "skos:notation"},
    "broader": {"@id": "skos:broader", "@type": "@id"},
    "inScheme": {"@id": "skos:inScheme", "@type": "@id"},
    "topConceptOf": {"@id": "skos:topConceptOf", "@type": "@id"},
    "exactMatch": {"@id": "skos:exactMatch", "@type": "@id"},
    "title": {"@id": "dcterms:title", "@language": "en"},
    "description": {"@id": "dcterms:description", "@language": "en"},
    "identifier": {"@id": "dcterms:identifier"},
    "creator": {"@id": "dcterms:creator", "@type": "@id"},
    "source": {"@id": "dcterms:source", "@type": "@id"},
    "sameAs": {"@id": "owl:sameAs", "@type": "@id"},
    "subOrganizationOf": {"@id": "org:subOrganizationOf", "@type": "@id"},
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
    types: dict[str, set[str]] = {}
    ranges: dict[str, str] = {}
    for t in ontology:
        s = t.subject.value if isinstance(t.subject, NamedNode) else ""
        if not s.startswith(NS) or not isinstance(t.object, NamedNode):
            continue
        if t.predicate.value == RDF_TYPE:
            types.setdefault(s, set()).add(t.object.value)
        elif t.predicate.value == RDFS_RANGE:
            ranges[s] = t.object.value
    prefixes = ("rdfs", "skos", "dcterms", "owl", "org", "schema", "xsd", "prov", "foaf", "eli")
    terms: dict[str, Any] = {
        "@version": 1.1,
        "@vocab": NS,
        "id": "@id",
        "type": {"@id": "@type", **SET},
        **{p: PREFIXES[p] for p in prefixes},
        **{name: _sized(name, term) for name, term in REUSED.items()},
    }
    for iri, kinds in sorted(types.items()):
        name = iri.removeprefix(NS)
        term = _term(iri, kinds, ranges.get(iri, ""))
        if term is not None:
            terms[name] = _sized(name, term, functional=OWL + "FunctionalProperty" in kinds)
    for key in REVERSE:
        terms[key] = {"@reverse": f"{NS}case", "@type": "@id", **SET}
    return {"@context": {**terms, **_COLLECTION_TERMS}}


#: The API's list envelope, in the Hydra vocabulary.
_COLLECTION_TERMS = {
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "Collection": "hydra:Collection",
    "items": {"@id": "hydra:member", **SET},
    "totalItems": "hydra:totalItems",
    "page": "hydra:pageIndex",
    "perPage": "hydra:limit",
}


def _term(iri: str, kinds: set[str], datatype: str) -> dict[str, Any] | None:
    """How a property's values read: IRIs, English text, typed literals or plain strings."""
    if OWL + "ObjectProperty" in kinds:
        return {"@id": iri, "@type": "@id"}
    if OWL + "DatatypeProperty" not in kinds:
        return None
    if datatype.endswith("#langString"):
        return {"@id": iri, "@language": "en"}
    if datatype.startswith(PREFIXES["xsd"]) and not datatype.endswith("#string"):
        return {"@id": iri, "@type": datatype}
    return {"@id": iri}


def _sized(name: str, term: dict[str, Any], *, functional: bool = False) -> dict[str, Any]:
    """The term as a scalar if single-valued, else as an array (``@set``).

    >>> _sized("tribunal", {"@id": "icj:tribunal"})
    {'@id': 'icj:tribunal'}
    >>> _sized("accused", {"@id": "icj:accused"})
    {'@id': 'icj:accused', '@container': '@set'}
    """
    if functional or name in SINGLE_VALUED or "@container" in term:
        return term
    return {**term, **SET}


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


def document(iri: str, ntriples: bytes, context: Mapping[str, Any]) -> dict[str, Any]:
    """An entity document as compact JSON-LD: the entity's node first, then the nodes it links
    to or that link to it, under the part of the context they use (inline, so that any JSON-LD
    parser reads it without fetching anything)."""
    nodes = sorted(compact_nodes(ntriples, context), key=lambda n: (n["id"] != iri, n["id"]))
    return {"@context": used_context(context, nodes), "@graph": nodes}


def used_context(context: Mapping[str, Any], nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """The context cut down to its keywords, prefixes and the terms `nodes` use as keys.

    >>> used_context({"@context": {"@vocab": "v#", "id": "@id", "xsd": "x#", "page": "v#p",
    ...  "date": {"@id": "v#date"}, "accused": {"@id": "v#accused"}}}, [{"id": "a", "date": "1"}])
    {'@vocab': 'v#', 'id': '@id', 'xsd': 'x#', 'date': {'@id': 'v#date'}}
    """
    used = {key for node in nodes for key in node}

    def needed(term: str, value: Any) -> bool:
        if term.startswith("@") or term in used:
            return True
        return isinstance(value, str) and (value.startswith("@") or value.endswith(("#", "/")))

    terms: dict[str, Any] = context["@context"]
    return {k: v for k, v in terms.items() if needed(k, v)}


def embed(iri: str, nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """The node `iri` with the nodes pointing to it by ``case`` embedded under REVERSE keys."""
    by_id = {node["id"]: node for node in nodes}
    item = dict(by_id[iri])
    for key, kind in REVERSE.items():
        children = [n for n in nodes if n.get("case") == iri and kind in n.get("type", [])]
        if children:
            item[key] = sorted(children, key=_in_count_order)
    return item


def _in_count_order(node: dict[str, Any]) -> tuple[int, str, str]:
    """Counts 1, 2, ..., 10 in that order (then unnumbered ones), ties by id.

    >>> [n["id"] for n in sorted([{"id": "c10", "countNumber": "10"}, {"id": "c2",
    ...  "countNumber": "2"}, {"id": "a"}], key=_in_count_order)]
    ['c2', 'c10', 'a']
    """
    count = str(node.get("countNumber", ""))
    return (int(count) if count.isdigit() else 2**31, count, str(node["id"]))
