"""The SPARQL clients scholars use, pointed at the real endpoint: SPARQLWrapper and rdflib.

Each client sends its own mix of Accept headers and ``format``/``output`` parameters (SPARQLWrapper
repeats the format name in both, as ``n3`` or ``rdf+xml``); these tests check that every return
format such a client offers gets an answer it can read, on both backends.
"""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from icj_graph.client import Graph as IcjGraph
from tests.conftest import VERSION

ICJ = "https://w3id.org/icj-graph/ontology#"
KARADZIC = URIRef("https://w3id.org/icj-graph/id/person/radovan-karadzic")
TRIBUNALS = f"SELECT ?t WHERE {{ ?t a <{ICJ}Tribunal> }} ORDER BY ?t"
ABOUT_KARADZIC = f"CONSTRUCT {{ <{KARADZIC}> ?p ?o }} WHERE {{ <{KARADZIC}> ?p ?o }}"


def wrapper(server: str, query: str, return_format: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(f"{server}/sparql")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_reads_select_results_as_json(server: str, method: str) -> None:
    result = wrapper(server, TRIBUNALS, JSON, method).query().convert()
    tribunals = [b["t"]["value"] for b in result["results"]["bindings"]]
    assert "https://w3id.org/icj-graph/id/tribunal/icc" in tribunals


def test_sparqlwrapper_reads_select_results_as_xml(server: str) -> None:
    document = wrapper(server, TRIBUNALS, XML).query().convert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert "https://w3id.org/icj-graph/id/tribunal/ictr" in uris


@pytest.mark.parametrize(("return_format", "separator"), [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_reads_select_results_as_tables(
    server: str, return_format: str, separator: str
) -> None:
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    query = f"SELECT ?name WHERE {{ <{KARADZIC}> <{label}> ?name }}"
    table = wrapper(server, query, return_format).query().convert().decode()
    header, *rows = table.splitlines()
    assert header.lstrip("?") == "name" and any("Karad" in row for row in rows), table
    assert separator not in header


@pytest.mark.parametrize("return_format", [TURTLE, N3, XML, RDFXML, JSONLD])
def test_sparqlwrapper_reads_graphs_in_each_format_it_asks_for(
    server: str, return_format: str
) -> None:
    """SPARQLWrapper sends ``format=n3`` or ``format=rdf+xml``: Turtle and RDF/XML answer them."""
    answer = wrapper(server, ABOUT_KARADZIC, return_format).query().convert()
    graph = answer if isinstance(answer, Graph) else Graph().parse(data=answer, format="turtle")
    assert (KARADZIC, URIRef("https://schema.org/birthDate"), None) in graph
    assert len(graph) > 5


def test_sparqlwrapper_reports_a_malformed_query_with_our_message(server: str) -> None:
    with pytest.raises(QueryBadFormed) as caught:
        wrapper(server, "SELECT * WHERE { ?s ?p }", JSON).query()
    assert "Malformed SPARQL query: line 1, column 25" in str(caught.value)


def test_rdflib_sparqlstore_queries_and_walks_triples(server: str) -> None:
    """With its default Accept header, which names both SPARQL XML results and RDF/XML."""
    graph = Graph(store=SPARQLStore(f"{server}/sparql"))
    tribunals = {row[0] for row in graph.query(TRIBUNALS)}  # type: ignore[index]
    assert URIRef("https://w3id.org/icj-graph/id/tribunal/icty") in tribunals
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True
    birth = graph.value(KARADZIC, URIRef("https://schema.org/birthDate"))
    assert birth == Literal("1945-06-19", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date"))
    assert len(graph.query(ABOUT_KARADZIC).graph) > 5  # type: ignore[arg-type]


def test_a_citation_made_through_our_endpoint_names_the_build(server: str) -> None:
    citation = IcjGraph.open(endpoint=f"{server}/sparql").cite("ASK {}")
    named = rf"icj-graph dataset, version {re.escape(VERSION)} \(build [0-9a-f]{{16}}, "
    assert re.match(named, citation)
    assert f"via {server}/sparql" in citation
