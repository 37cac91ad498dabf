"""The JSON-LD API: collections with filters, search and paging; items that expand to the graph."""

from __future__ import annotations

import json
from typing import Any

import httpx
import rdflib
from pyld import jsonld

CANONICAL = "https://w3id.org/icj-graph/"


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"].rsplit("/", 1)[1] for item in page["items"]]


def test_persons_filtered_by_tribunal_crime_and_outcome(client: httpx.Client) -> None:
    response = client.get(
        "/api/persons", params={"tribunal": "icty", "crime": "genocide", "outcome": "convicted"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    page = response.json()
    assert {"ratko-mladic", "radovan-karadzic", "radislav-krstic"} <= set(ids(page))
    assert "slobodan-milosevic" not in ids(page)
    assert page["totalItems"] == len(page["items"])


def test_search_ignores_case_and_accents(client: httpx.Client) -> None:
    for q in ("Mladic", "mladić", "MLADIĆ"):
        assert "ratko-mladic" in ids(client.get("/api/persons", params={"q": q}).json())
    assert "it-09-92" in ids(client.get("/api/cases", params={"q": "IT-09-92"}).json())


def test_pagination_links_and_totals(client: httpx.Client) -> None:
    first = client.get("/api/states", params={"per_page": 50})
    total = int(first.headers["x-total-count"])
    assert total == first.json()["totalItems"] >= 190
    assert 'rel="next"' in first.headers["link"] and 'rel="prev"' not in first.headers["link"]
    second = client.get("/api/states", params={"per_page": 50, "page": 2}).json()
    assert not set(ids(first.json())) & set(ids(second))
    last = client.get("/api/states", params={"per_page": 50, "page": -(-total // 50)})
    assert 'rel="next"' not in last.headers["link"]
    assert client.get("/api/states", params={"per_page": 5000}).json()["perPage"] == 100


def test_sorting(client: httpx.Client) -> None:
    up = [i["label"] for i in client.get("/api/tribunals").json()["items"]]
    down = [
        i["label"] for i in client.get("/api/tribunals", params={"sort": "-label"}).json()["items"]
    ]
    assert up == sorted(up) and down == list(reversed(up))


def test_bad_filters_are_explained(client: httpx.Client) -> None:
    response = client.get("/api/persons", params={"colour": "red"})
    assert (
        response.status_code == 400
        and "filters: crime, nationality, outcome, tribunal" in response.text
    )
    response = client.get("/api/persons", params={"tribunal": "ICTY!"})
    assert response.status_code == 400 and "give a slug" in response.text
    assert client.get("/api/planets").status_code == 404


def test_case_embeds_its_charges_judgments_and_sentences(client: httpx.Client) -> None:
    item = client.get("/api/cases/it-09-92").json()
    assert item["caseNumber"] == "IT-09-92"
    assert item["tribunal"] == CANONICAL + "id/tribunal/icty"
    counts = {c["countNumber"]: c for c in item["charges"]}
    assert counts["1"]["outcome"] == CANONICAL + "id/outcome/acquitted"
    assert all(c["id"].startswith(CANONICAL + "id/charge/") for c in item["charges"])
    assert {j["id"].rsplit("/", 1)[1] for j in item["judgments"]} >= {
        "it-09-92-trial",
        "it-09-92-appeal",
    }
    assert item["sentences"] and all("id" in s for s in item["sentences"])


def test_item_expands_to_triples_the_graph_holds(client: httpx.Client) -> None:
    item = client.get("/api/cases/it-09-92").json()
    context = client.get("/context.jsonld").json()

    def loader(url: str, options: dict[str, Any]) -> dict[str, Any]:
        return {"contextUrl": None, "documentUrl": url, "document": context}

    nquads = jsonld.to_rdf(item, {"format": "application/n-quads", "documentLoader": loader})
    from_api = set(rdflib.Graph().parse(data=nquads, format="nt"))
    subjects = {str(s) for s, _, _ in from_api}
    values = " ".join(f"<{s}>" for s in subjects)
    graph = client.get(
        "/sparql",
        params={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"},
        headers={"Accept": "application/n-triples"},
    )
    held = set(rdflib.Graph().parse(data=graph.content, format="nt"))
    assert len(from_api) > 50
    assert from_api <= held


def test_context_is_published(client: httpx.Client) -> None:
    context = json.loads(client.get("/context.jsonld").text)["@context"]
    assert context["@vocab"] == CANONICAL + "ontology#"  # caseNumber and other strings
    assert context["tribunal"] == {"@id": CANONICAL + "ontology#tribunal", "@type": "@id"}
    assert context["date"]["@type"] == "http://www.w3.org/2001/XMLSchema#date"
    assert context["charges"] == {"@reverse": CANONICAL + "ontology#case", "@type": "@id"}


def test_openapi_lists_the_api(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/{collection}" in paths and "/api/{collection}/{slug}" in paths
