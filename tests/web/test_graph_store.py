"""The read side of the SPARQL 1.1 Graph Store HTTP Protocol (`/graph-store`), on both backends."""

from __future__ import annotations

import httpx
import pytest
from rdflib import Graph, Literal, URIRef

GRAPHS = "https://w3id.org/icj-graph/graph/"
GORING = URIRef("https://w3id.org/icj-graph/id/person/hermann-goring")
LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
TRIBUNAL_CLASS = URIRef("https://w3id.org/icj-graph/ontology#Tribunal")


def parsed(response: httpx.Response, rdf_format: str) -> Graph:
    assert response.status_code == 200, response.text
    return Graph().parse(data=response.text, format=rdf_format)


def test_a_named_graph_by_its_iri_is_that_file_and_nothing_else(client: httpx.Client) -> None:
    response = client.get(
        "/graph-store", params={"graph": GRAPHS + "data/imt"}, headers={"Accept": "text/turtle"}
    )
    graph = parsed(response, "turtle")
    assert (GORING, LABEL, Literal("Hermann Göring", lang="en")) in graph
    assert (None, None, TRIBUNAL_CLASS) not in graph  # the ontology is another graph
    direct = parsed(client.get("/graph/data/imt", headers={"Accept": "text/turtle"}), "turtle")
    assert len(graph) == len(direct) > 100


def test_a_named_graph_by_its_iri_on_this_host(client: httpx.Client) -> None:
    here = f"{client.base_url}".rstrip("/") + "/graph/data/imt"
    response = client.get(
        "/graph-store", params={"graph": here}, headers={"Accept": "application/n-triples"}
    )
    assert (GORING, LABEL, None) in parsed(response, "nt")


def test_the_default_graph_is_the_union_of_all_graphs(client: httpx.Client) -> None:
    response = client.get("/graph-store?default", headers={"Accept": "application/n-triples"})
    graph = parsed(response, "nt")
    assert (GORING, LABEL, None) in graph  # from data/imt
    assert (TRIBUNAL_CLASS, LABEL, None) in graph  # from the ontology
    count = client.post(
        "/sparql",
        data={"query": "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"},
    ).json()["results"]["bindings"][0]["n"]["value"]
    assert len(graph) == int(count)


def test_an_answer_can_be_revalidated(client: httpx.Client) -> None:
    first = client.get("/graph-store", params={"graph": GRAPHS + "data/tribunals"})
    assert first.status_code == 200 and first.headers["etag"]
    again = client.get(
        "/graph-store",
        params={"graph": GRAPHS + "data/tribunals"},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize("query", ["", "?graph=https://w3id.org/icj-graph/graph/data/imt&default"])
def test_neither_or_both_graph_and_default_is_a_bad_request(
    client: httpx.Client, query: str
) -> None:
    response = client.get(f"/graph-store{query}", headers={"Accept": "text/plain"})
    assert response.status_code == 400
    assert response.text == "400 Name one graph: ?graph=<IRI of a named graph>, or ?default.\n"


def test_an_unknown_graph_is_not_found_and_the_answer_says_which_exist(
    client: httpx.Client,
) -> None:
    response = client.get(
        "/graph-store", params={"graph": "http://example.org/g"}, headers={"Accept": "text/plain"}
    )
    assert response.status_code == 404
    assert response.text.startswith("404 No graph <http://example.org/g> is served here")
    assert GRAPHS + "data/<file>" in response.text
    unknown_file = client.get("/graph-store", params={"graph": GRAPHS + "data/no-such-file"})
    assert unknown_file.status_code == 404 and "graph/data/no-such-file" in unknown_file.text
    assert GRAPHS + "data/<file>" in unknown_file.text  # a misspelt file's graph: named too
    assert GRAPHS + "data/<file>" in client.get("/graph/data/no-such-file").text


@pytest.mark.parametrize("method", ["PUT", "POST", "DELETE", "PATCH"])
def test_writes_are_refused_as_the_store_is_read_only(client: httpx.Client, method: str) -> None:
    response = client.request(
        method,
        "/graph-store?default",
        content=b"<a:b> <a:c> <a:d> .",
        headers={"Content-Type": "application/n-triples"},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
