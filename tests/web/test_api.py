"""The JSON-LD API: collections with filters, search and paging; items that expand to the graph."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import rdflib
from pyld import jsonld

from icj_graph.search import fold
from icj_graph.settings import Settings
from tests.conftest import SOURCE, serve_in_thread

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
    assert item["caseNumber"] == ["IT-09-92"]
    assert item["tribunal"] == CANONICAL + "id/tribunal/icty"
    counts = {c["countNumber"]: c for c in item["charges"]}
    assert [c["countNumber"] for c in item["charges"]] == [str(n) for n in range(1, 12)]
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
    assert context["charges"] == {
        "@reverse": CANONICAL + "ontology#case",
        "@type": "@id",
        "@container": "@set",
    }


def test_a_list_reads_as_a_hydra_collection(client: httpx.Client) -> None:
    page = client.get("/api/persons", params={"q": "mladic"}).json()
    context = json.loads(client.get("/context.jsonld").text)
    expanded = jsonld.expand({**page, "@context": context["@context"]})[0]
    hydra = "http://www.w3.org/ns/hydra/core#"
    assert expanded["@type"] == [hydra + "Collection"]
    assert expanded[hydra + "totalItems"][0]["@value"] == page["totalItems"]
    members = [m["@id"] for m in expanded[hydra + "member"]]
    assert CANONICAL + "id/person/ratko-mladic" in members


def test_openapi_lists_the_api(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/{collection}" in paths and "/api/{collection}/{slug}" in paths


def test_unknown_filter_values_are_400_listing_the_valid_ones(client: httpx.Client) -> None:
    for params in ({"tribunal": "nope"}, {"tribunal": "ICTY"}):
        response = client.get("/api/persons", params=params)
        assert response.status_code == 400
        assert "one of eccc, icc, ictr, icty, imt, imtfe, irmct." in response.text
    response = client.get("/api/charges", params={"outcome": "banana"})
    assert response.status_code == 400 and "acquitted, convicted," in response.text
    closed = {"crime": "persons", "trigger": "situations", "broader": "crimes"}
    for key, collection in {**closed, "instrument": "provisions"}.items():
        response = client.get(f"/api/{collection}", params={key: "nope"})
        assert response.status_code == 400 and "give a slug, one of " in response.text
    for key, collection in {"person": "cases", "case": "charges", "nationality": "persons"}.items():
        response = client.get(f"/api/{collection}", params={key: "nope"})
        assert response.status_code == 400, key
        assert f"names no {key if key != 'nationality' else 'state'} in the graph" in response.text
    assert client.get("/api/cases", params={"person": "ratko-mladic"}).json()["totalItems"] == 1


def test_unknown_collections_are_404_listing_the_collections(client: httpx.Client) -> None:
    collections = list(client.get("/api/").json())
    for path in ("/api/judgments", "/api/judgments/it-09-92-trial"):
        response = client.get(path, headers={"Accept": "application/json"})
        assert response.status_code == 404
        message = response.json()["error"]["message"]
        assert "No collection 'judgments'" in message and ", ".join(collections) in message


def test_pages_past_the_last_are_404(client: httpx.Client) -> None:
    total = client.get("/api/tribunals").json()["totalItems"]
    response = client.get("/api/tribunals", params={"page": 9999})
    assert response.status_code == 404
    assert f"past the last page of this list, 1 ({total} items" in response.text
    last_page = -(-int(client.get("/api/states").headers["x-total-count"]) // 50)
    last = client.get("/api/states", params={"per_page": 50, "page": last_page})
    assert last.status_code == 200 and 'rel="prev"' in last.headers["link"]
    past = client.get("/api/states", params={"per_page": 50, "page": last_page + 1})
    assert past.status_code == 404
    empty = client.get("/api/persons", params={"q": "zzqqxx"})
    assert empty.status_code == 200 and empty.json()["items"] == []
    assert 'rel="prev"' not in empty.headers["link"]


def test_search_text_without_letters_or_digits_is_400(client: httpx.Client) -> None:
    for q in ('"', ")", " - ", ""):
        response = client.get("/api/persons", params={"q": q})
        assert response.status_code == 400, q
        assert "has no letters or digits" in response.text
    assert client.get("/api/suggest", params={"q": ")"}).json() == []


def test_openapi_documents_collections_and_filters(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/" in paths
    operation = paths["/api/{collection}"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["collection"]["schema"]["enum"] == list(client.get("/api/").json())
    for name in ("tribunal", "crime", "outcome", "q", "page", "per_page"):
        assert parameters[name].get("description"), name
    assert "400, listing the valid ones" in parameters["tribunal"]["description"]
    assert "at most 100" in parameters["per_page"]["description"]
    assert "altLabel" in paths["/api/{collection}/{slug}"]["get"]["description"]


def test_compacting_large_items_does_not_hold_up_other_requests(built_store: Path) -> None:
    """JSON-LD compaction of a large case (pure Python, most of a second) runs off the event
    loop: a health probe sent while four of them are being compacted answers before any."""
    base, server, thread = serve_in_thread(
        Settings(source_dir=SOURCE, store_path=built_store, workers=2, cache_bytes=0)
    )
    finished: list[str] = []

    def fetch(path: str) -> None:
        assert httpx.get(base + path, timeout=60).status_code == 200
        finished.append(path)

    try:
        with ThreadPoolExecutor(max_workers=5) as pool:
            items = [pool.submit(fetch, "/api/cases/imtfe-main") for _ in range(4)]
            time.sleep(0.3)  # let the four reach the server first
            probe = pool.submit(fetch, "/healthz")
            for future in [*items, probe]:
                future.result()
    finally:
        server.should_exit = True
        thread.join(10)
    assert finished[0] == "/healthz", finished


def test_lists_sort_alphabetically_accents_aside(client: httpx.Client) -> None:
    labels: list[str] = []
    page = 1
    while True:
        answer = client.get("/api/persons", params={"per_page": 100, "page": page})
        labels += [item["label"] for item in answer.json()["items"]]
        if 'rel="next"' not in answer.headers.get("link", ""):
            break
        page += 1
    assert [fold(label) for label in labels] == sorted(fold(label) for label in labels)
    assert "Élie Ndayambaje" in labels
