"""The query side of the W3C SPARQL 1.1 Protocol tests, one test per W3C test id.

The cases follow ../shared/w3c-sparql11-protocol/manifest.ttl. The dataset tests use this
store's own named graphs in place of the manifest's data graphs; update tests are answered by
a refusal, since the endpoint is read-only.
"""

from __future__ import annotations

import httpx
import pytest

ASK = "ASK {}"
GRAPH = "https://w3id.org/icj-graph/graph/data/"
TRIBUNAL_COUNT = (
    "SELECT (COUNT(?t) AS ?n) WHERE { ?t a <https://w3id.org/icj-graph/ontology#Tribunal> }"
)


def count(response: httpx.Response) -> int:
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_query_get(client: httpx.Client) -> None:
    response = client.get("/sparql/", params={"query": ASK})
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_query_post_form(client: httpx.Client) -> None:
    response = client.post("/sparql/", data={"query": ASK})
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_query_post_direct(client: httpx.Client) -> None:
    response = client.post(
        "/sparql/", content=ASK, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 200 and response.json()["boolean"] is True


def test_query_dataset_default_graphs_get(client: httpx.Client) -> None:
    # Only the tribunals file as default graph: its seven tribunals, no inferred types.
    query = (
        "SELECT (COUNT(?t) AS ?n) WHERE { ?t a ?kind . FILTER(STRSTARTS(STR(?t), "
        '"https://w3id.org/icj-graph/id/tribunal/")) }'
    )
    params = {"query": query, "default-graph-uri": GRAPH + "tribunals"}
    assert count(client.get("/sparql", params=params)) == 7


def test_query_dataset_default_graphs_post(client: httpx.Client) -> None:
    data = {"query": TRIBUNAL_COUNT, "default-graph-uri": [GRAPH + "icty", GRAPH + "ictr"]}
    assert count(client.post("/sparql", data=data)) == 0


def test_query_dataset_named_graphs_get(client: httpx.Client) -> None:
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    params = {"query": query, "named-graph-uri": [GRAPH + "icty", GRAPH + "ictr"]}
    assert count(client.get("/sparql", params=params)) == 2


def test_query_dataset_named_graphs_post(client: httpx.Client) -> None:
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    data = {"query": query, "named-graph-uri": GRAPH + "icc"}
    assert count(client.post("/sparql", data=data)) == 1


def test_query_dataset_full(client: httpx.Client) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o GRAPH ?g { ?x ?y ?z } }"
    params = {
        "query": query.replace("COUNT(*)", "COUNT(DISTINCT ?g)"),
        "default-graph-uri": GRAPH + "tribunals",
        "named-graph-uri": GRAPH + "icc",
    }
    assert count(client.get("/sparql", params=params)) == 1


def test_query_multiple_dataset(client: httpx.Client) -> None:
    # The protocol's dataset wins over FROM in the query.
    query = (
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) FROM NAMED <{GRAPH}icty> "
        "WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    params = {"query": query, "named-graph-uri": [GRAPH + "icc", GRAPH + "ictr"]}
    assert count(client.get("/sparql", params=params)) == 2


def test_from_in_the_query_names_the_default_graph(client: httpx.Client) -> None:
    # With FROM, the default graph is the merge of the graphs it names, not the union of all.
    triples = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"
    union = count(client.get("/sparql", params={"query": triples.format("")}))
    tribunals = count(
        client.get("/sparql", params={"query": triples.format(f"FROM <{GRAPH}tribunals>")})
    )
    both = f"FROM <{GRAPH}tribunals> FROM <{GRAPH}icty>"
    merged = count(client.post("/sparql", data={"query": triples.format(both)}))
    assert 0 < tribunals < merged < union


def test_from_named_alone_leaves_the_default_graph_empty(client: httpx.Client) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{GRAPH}icc> WHERE {{ ?s ?p ?o }}"
    assert count(client.get("/sparql", params={"query": query})) == 0
    in_graph = query.replace("{ ?s ?p ?o }", "{ GRAPH ?g { ?s ?p ?o } }")
    assert count(client.get("/sparql", params={"query": in_graph})) > 0


def test_from_of_an_unknown_graph_gives_an_empty_default_graph(client: httpx.Client) -> None:
    query = "SELECT (COUNT(*) AS ?n) FROM <http://example.org/no-such-graph> WHERE { ?s ?p ?o }"
    assert count(client.get("/sparql", params={"query": query})) == 0


def test_the_protocols_default_graph_alone_leaves_no_named_graphs(client: httpx.Client) -> None:
    # SPARQL 1.1 Protocol 2.1.4: the two parameters together are the dataset, so with only
    # default-graph-uri there is no named graph for GRAPH to match (as on Oxigraph's server).
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    alone = {"query": query, "default-graph-uri": f"{GRAPH}icc"}
    assert count(client.get("/sparql", params=alone)) == 0
    named = {"query": query, "named-graph-uri": f"{GRAPH}icc"}
    assert count(client.get("/sparql", params=named)) > 0


@pytest.mark.parametrize(
    ("query", "allowed"),
    [
        pytest.param(
            "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
            (
                "application/sparql-results+xml",
                "application/sparql-results+json",
                "text/csv",
                "text/tab-separated-values",
            ),
            id="query_content_type_select",
        ),
        pytest.param(
            ASK,
            ("application/sparql-results+xml", "application/sparql-results+json"),
            id="query_content_type_ask",
        ),
        pytest.param(
            "DESCRIBE <https://w3id.org/icj-graph/id/tribunal/icc>",
            ("application/rdf+xml", "text/turtle", "application/n-triples"),
            id="query_content_type_describe",
        ),
        pytest.param(
            "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1",
            ("application/rdf+xml", "text/turtle", "application/n-triples"),
            id="query_content_type_construct",
        ),
    ],
)
def test_query_content_type(client: httpx.Client, query: str, allowed: tuple[str, ...]) -> None:
    accept = ", ".join(allowed)
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] in allowed


def test_bad_query_method(client: httpx.Client) -> None:
    response = client.put("/sparql/", params={"query": ASK})
    assert 400 <= response.status_code < 500


def test_bad_multiple_queries(client: httpx.Client) -> None:
    response = client.get("/sparql/", params={"query": [ASK, "SELECT * {}"]})
    assert response.status_code == 400 and "exactly one query" in response.text


def test_bad_query_wrong_media_type(client: httpx.Client) -> None:
    response = client.post("/sparql/", content=ASK, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415 and "application/sparql-query" in response.text


def test_bad_query_missing_form_type(client: httpx.Client) -> None:
    response = client.post("/sparql/", content="query=ASK%20%7B%7D", headers={"Content-Type": ""})
    assert 400 <= response.status_code < 500


def test_bad_query_missing_direct_type(client: httpx.Client) -> None:
    response = client.post("/sparql/", content=ASK, headers={"Content-Type": ""})
    assert 400 <= response.status_code < 500


def test_bad_query_non_utf8(client: httpx.Client) -> None:
    response = client.post(
        "/sparql/",
        content=ASK.encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert response.status_code == 415 and "UTF-8" in response.text


def test_bad_query_syntax(client: httpx.Client) -> None:
    response = client.get("/sparql/", params={"query": "ASK {"})
    assert response.status_code == 400 and "Malformed SPARQL query" in response.text


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        pytest.param("GET", {"params": {"update": "CLEAR ALL"}}, id="bad_update_get"),
        pytest.param(
            "POST", {"data": {"update": ["CLEAR ALL", "CLEAR ALL"]}}, id="bad_multiple_updates"
        ),
        pytest.param(
            "POST",
            {"content": "CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
            id="update_post_direct",
        ),
        pytest.param("POST", {"data": {"update": "CLEAR ALL"}}, id="update_post_form"),
    ],
)
def test_updates_get_a_clear_refusal(
    client: httpx.Client, method: str, kwargs: dict[str, object]
) -> None:
    response = client.request(method, "/sparql/", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 403
    assert "read-only" in response.text
