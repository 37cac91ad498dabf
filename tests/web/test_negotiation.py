"""Content negotiation across routes: the same names and aliases everywhere, browsers sent to
pages, and error bodies in the client's kind of format."""

from __future__ import annotations

import httpx
import pytest

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CONSTRUCT = (
    "CONSTRUCT { ?s ?p ?o } "
    "WHERE { ?s a <https://w3id.org/icj-graph/ontology#Tribunal> ; ?p ?o } LIMIT 3"
)


def test_accept_is_matched_case_insensitively(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "TEXT/CSV"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")


def test_format_json_for_a_graph_query_is_json_ld(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT, "format": "json"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/ld+json")


@pytest.mark.parametrize(
    ("query", "name", "filename"),
    [("ASK {}", "csv", "icj-graph-results.csv"), (CONSTRUCT, "nt", "icj-graph-results.nt")],
)
def test_a_format_parameter_names_the_file_it_downloads(
    client: httpx.Client, query: str, name: str, filename: str
) -> None:
    response = client.get("/sparql", params={"query": query, "format": name})
    assert response.headers["content-disposition"] == f'inline; filename="{filename}"'
    negotiated = client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"})
    assert "content-disposition" not in negotiated.headers


def test_an_unknown_format_name_is_a_bad_request_naming_the_choices(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}", "format": "bogus"})
    assert response.status_code == 400
    assert "Unknown format 'bogus'" in response.text and "tsv" in response.text


def test_a_format_of_the_other_query_form_is_not_acceptable(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT, "format": "csv"})
    assert response.status_code == 406


def test_a_browser_at_the_endpoint_is_sent_to_the_query_page(client: httpx.Client) -> None:
    response = client.get("/sparql", headers={"Accept": BROWSER})
    assert response.status_code == 303
    assert response.headers["location"] == "/query"
    rdf = client.get("/sparql", headers={"Accept": "*/*"})
    assert rdf.status_code == 200 and rdf.headers["content-type"].startswith("text/turtle")


def test_a_browser_gets_the_dataset_description_as_a_page(client: httpx.Client) -> None:
    page = client.get("/.well-known/void", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    rdf = client.get("/.well-known/void", headers={"Accept": "*/*"})
    assert rdf.status_code == 200 and rdf.headers["content-type"].startswith("text/turtle")
    assert page.headers["etag"] != rdf.headers["etag"]


@pytest.mark.parametrize(
    ("accept", "query"),
    [
        ("application/json", "SELECT"),
        ("application/sparql-results+json", "SELECT"),
        ("application/ld+json", "CONSTRUCT { ?s ?p }"),
    ],
)
def test_json_clients_get_json_errors(client: httpx.Client, accept: str, query: str) -> None:
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and error["type"] == "QuerySyntaxError"


def test_api_errors_are_json_by_default(client: httpx.Client) -> None:
    response = client.get("/api/persons/no-such-person")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "UnknownEntity"
    invalid = client.get("/api/persons", params={"page": 0}).json()["error"]
    assert invalid["status"] == 400 and invalid["type"] == "BadRequest"


def test_errors_of_the_framework_carry_a_type_too(client: httpx.Client) -> None:
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.json()["error"] == {
        "status": 404,
        "message": "Not Found",
        "type": "NotFound",
    }
