"""One JSON shape per key of the JSON-LD API: arrays for what can hold several values, scalars
for what the shapes allow once, every language of a name under one key."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import httpx
from pyoxigraph import Literal, NamedNode, Triple

from icj_graph.infer import INFERRED_GRAPH
from icj_graph.jsonld import REVERSE, SINGLE_VALUED, make_context
from icj_graph.load import load_shapes, parse_file, source_files
from icj_graph.vocab import NS, PREFIXES, RDF_TYPE
from tests.conftest import REPO

SH = PREFIXES["sh"]
OWL = PREFIXES["owl"]
CONTEXT = make_context(
    [t for source in source_files(REPO, ("ontology",)) for t in parse_file(source)]
)["@context"]


def expand(iri: str) -> str:
    prefix, _, local = iri.partition(":")
    return PREFIXES[prefix] + local if prefix in PREFIXES and not local.startswith("//") else iri


def capped_by_the_shapes() -> set[str]:
    """The terms whose every shape constraint allows one value: sh:maxCount 1, or one per
    language (sh:uniqueLang) for a term that reads one language."""
    terms = {
        expand(term["@id"]): name
        for name, term in CONTEXT.items()
        if isinstance(term, dict) and "@id" in term
    }
    constraints: dict[Any, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for t in load_shapes(REPO):
        constraints[t.subject][t.predicate.value].append(t.object)
    caps: dict[str, list[bool]] = defaultdict(list)
    for c in constraints.values():
        for path in c.get(SH + "path", []):
            if isinstance(path, NamedNode) and path.value in terms:
                term = CONTEXT[terms[path.value]]
                once = c.get(SH + "maxCount") == [Literal(1)]
                per_language = c.get(SH + "uniqueLang") == [Literal(True)] and "@language" in term
                caps[terms[path.value]].append(once or per_language)
    return {name for name, cap in caps.items() if all(cap)}


def test_single_valued_terms_are_those_the_shapes_allow_once() -> None:
    assert capped_by_the_shapes() == SINGLE_VALUED


def test_context_marks_every_other_term_as_an_array() -> None:
    for name, term in CONTEXT.items():
        if isinstance(term, dict) and name not in SINGLE_VALUED:
            assert "@set" in term.get("@container", []), name
    assert CONTEXT["type"] == {"@id": "@type", "@container": "@set"}
    assert CONTEXT["altLabel"]["@container"] == ["@language", "@set"]
    assert all("@set" in CONTEXT[key]["@container"] for key in REVERSE)


def test_an_ontology_functional_property_is_a_scalar() -> None:
    iri = NamedNode(NS + "stamp")
    declared = [
        Triple(iri, NamedNode(RDF_TYPE), NamedNode(OWL + "ObjectProperty")),
        Triple(iri, NamedNode(RDF_TYPE), NamedNode(OWL + "FunctionalProperty")),
    ]
    assert "@container" not in make_context(declared)["@context"]["stamp"]
    assert make_context(declared[:1])["@context"]["stamp"]["@container"] == "@set"


def test_the_graph_holds_one_value_of_each_single_valued_term(client: httpx.Client) -> None:
    iris = " ".join(f"<{expand(CONTEXT[n]['@id'])}>" for n in sorted(SINGLE_VALUED))
    query = (
        "SELECT ?s ?p WHERE { GRAPH ?g { ?s ?p ?o } VALUES ?p { " + iris + " } "
        f"FILTER(?g != <{INFERRED_GRAPH.value}>) }} "
        "GROUP BY ?s ?p (LANG(?o)) HAVING (COUNT(DISTINCT ?o) > 1) LIMIT 5"
    )
    answer = client.get("/sparql", params={"query": query})
    assert answer.json()["results"]["bindings"] == []


def assert_one_shape_per_key(node: dict[str, Any], context: dict[str, Any]) -> None:
    """Every key of a node (and of the nodes it embeds) is a term of the context, an array
    if the context says @set, a language map of arrays for altLabel, else a scalar."""
    for key, value in node.items():
        if key in ("@context", "id"):
            continue
        assert key in context, f"{node['id']}: no term for {key}"
        container = context[key].get("@container", [])
        if "@language" in container:
            assert all(isinstance(v, list) for v in value.values()), (node["id"], key)
            continue
        assert isinstance(value, list) == ("@set" in container), (node["id"], key)
        for child in value if isinstance(value, list) else [value]:
            if isinstance(child, dict):
                assert_one_shape_per_key(child, context)


def test_every_key_has_one_shape_whatever_the_item(client: httpx.Client) -> None:
    context = client.get("/context.jsonld").json()["@context"]
    paths = ["/api/cases/icc-01-04-01-06", "/api/cases/imt-main", "/api/persons/ratko-mladic"]
    for collection in client.get("/api/").json():
        page = client.get(f"/api/{collection}", params={"per_page": 3}).json()
        assert all(isinstance(i["type"], list) for i in page["items"])
        paths += [f"/api/{collection}/{i['id'].rsplit('/', 1)[1]}" for i in page["items"]]
    for path in paths:
        assert_one_shape_per_key(client.get(path).json(), context)


def test_charges_and_cases_read_alike(client: httpx.Client) -> None:
    lubanga = client.get("/api/cases/icc-01-04-01-06").json()
    imt = client.get("/api/cases/imt-main").json()
    charge = lubanga["charges"][0]
    assert isinstance(charge["type"], list) and isinstance(lubanga["type"], list)
    assert isinstance(lubanga["accused"], list) and len(lubanga["accused"]) == 1
    assert isinstance(imt["accused"], list) and len(imt["accused"]) > 1
    assert isinstance(lubanga["label"], str) and isinstance(lubanga["tribunal"], str)
    assert isinstance(charge["countNumber"], str) and isinstance(charge["outcome"], str)
    page = client.get("/api/charges", params={"per_page": 1}).json()
    assert page["type"] == ["Collection"] and page["items"][0]["type"] == ["Charge"]


def test_alternative_names_are_one_language_map(client: httpx.Client) -> None:
    person = client.get("/api/persons/ratko-mladic").json()
    assert person["altLabel"] == {"en": ["Ratko Mladic"], "sr-cyrl": ["Ратко Младић"]}
    assert not [key for key in person if ":" in key]
    assert person["label"] == "Ratko Mladić"
