"""/sparql over HTTP: formats, negotiation, the read-only policy and the errors users see."""

from __future__ import annotations

import csv
import http.server
import io
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import rdflib
from pyoxigraph import QueryResultsFormat, parse_query_results

from tests.conftest import TEST_TIMEOUT_S

ICJ = "PREFIX icj: <https://w3id.org/icj-graph/ontology#>\n"
TRIBUNALS = (
    ICJ + "SELECT ?t ?founded WHERE { ?t a icj:Tribunal ; icj:foundingDate ?founded } ORDER BY ?t"
)
ICTY_CONSTRUCT = (
    "CONSTRUCT { ?s ?p ?o } WHERE { BIND(<https://w3id.org/icj-graph/id/tribunal/icty> AS ?s) "
    "GRAPH <https://w3id.org/icj-graph/graph/data/tribunals> { ?s ?p ?o } }"
)
RESULT_TYPES = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def rows_of(body: bytes, fmt: QueryResultsFormat) -> list[tuple[str, ...]]:
    if fmt == QueryResultsFormat.CSV:  # lossy by design: the engine will not parse it back
        return [tuple(row) for row in csv.reader(io.StringIO(body.decode()))][1:]
    results = parse_query_results(body, format=fmt)
    return [tuple(term.value for term in row) for row in results]  # type: ignore[union-attr]


def test_select_answers_json_by_default(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": TRIBUNALS})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert "accept" in response.headers["vary"].lower()
    bindings = response.json()["results"]["bindings"]
    founded = {b["t"]["value"].rsplit("/", 1)[1]: b["founded"]["value"] for b in bindings}
    assert founded["icty"] == "1993-05-25"
    assert founded["icc"] == "2002-07-01"


def test_every_results_format_holds_the_same_rows(client: httpx.Client) -> None:
    expected = None
    for media_type, fmt in RESULT_TYPES.items():
        response = client.get(
            "/sparql", params={"query": TRIBUNALS}, headers={"Accept": media_type}
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media_type)
        rows = rows_of(response.content, fmt)
        expected = expected or rows
        assert rows == expected and len(rows) == 7


def test_every_rdf_format_holds_the_same_triples(client: httpx.Client) -> None:
    graphs = []
    for media_type, rdflib_format in GRAPH_TYPES.items():
        response = client.get(
            "/sparql", params={"query": ICTY_CONSTRUCT}, headers={"Accept": media_type}
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media_type)
        graphs.append(set(rdflib.Graph().parse(data=response.content, format=rdflib_format)))
    assert all(g == graphs[0] for g in graphs) and len(graphs[0]) > 10


def test_ask_answers_a_boolean(client: httpx.Client) -> None:
    response = client.post(
        "/sparql",
        content=ICJ + "ASK { ?p a icj:Person }",
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+xml",
        },
    )
    assert response.status_code == 200
    assert parse_query_results(response.content, format=QueryResultsFormat.XML)  # type: ignore[truthy-bool]


def test_accept_with_q_values_and_wildcards(client: httpx.Client) -> None:
    accept = "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1"
    response = client.get("/sparql", params={"query": TRIBUNALS}, headers={"Accept": accept})
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    response = client.get("/sparql", params={"query": ICTY_CONSTRUCT}, headers={"Accept": "text/*"})
    assert response.headers["content-type"].startswith("text/turtle")


def test_format_parameter_overrides_accept(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": TRIBUNALS, "format": "tsv"})
    assert response.headers["content-type"].startswith("text/tab-separated-values")


def test_unsatisfiable_accept_gets_406_listing_the_offer(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": TRIBUNALS}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text
    assert "text/tab-separated-values" in response.text


def test_malformed_query_gets_400_with_position(client: httpx.Client) -> None:
    response = client.get(
        "/sparql",
        params={"query": "SELECT * WHERE {\n  ?s ?p }"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"].startswith("Malformed SPARQL query: line 2, column")
    assert (error["line"], error["type"]) == (2, "QuerySyntaxError")


def test_a_function_the_endpoint_lacks_is_the_clients_mistake(client: httpx.Client) -> None:
    response = client.get(
        "/sparql",
        params={"query": "SELECT (<http://example.org/f>(1) AS ?x) WHERE {}"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "<http://example.org/f>" in response.json()["error"]["message"]


def test_an_undeclared_prefix_is_named_at_its_place(client: httpx.Client) -> None:
    query = "SELECT ?c WHERE {\n  ?c a icj:Case }"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "text/plain"})
    assert response.status_code == 400
    assert response.text == (
        "400 Malformed SPARQL query: line 2, column 8: the prefix icj: is not declared "
        "(add PREFIX icj: <...> before the query).\n"
    )


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        pytest.param(
            "POST",
            {"content": "CLEAR ALL", "headers": {"Content-Type": "application/sparql-update"}},
            id="direct",
        ),
        pytest.param("POST", {"data": {"update": "CLEAR ALL"}}, id="form"),
        pytest.param(
            "GET", {"params": {"query": "INSERT DATA { <a:a> <a:b> <a:c> }"}}, id="in-query"
        ),
        pytest.param("GET", {"params": {"query": "LOAD <http://127.0.0.1:9/x>"}}, id="load"),
    ],
)
def test_updates_are_refused(client: httpx.Client, method: str, kwargs: dict[str, object]) -> None:
    response = client.request(method, "/sparql", **kwargs)  # type: ignore[arg-type]
    assert response.status_code == 403
    assert "read-only" in response.text


class _Canary(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def canary() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Canary)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Canary.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    server.shutdown()
    server.server_close()


def test_service_is_refused_and_never_called(client: httpx.Client, canary: str) -> None:
    for query in (
        f"SELECT * WHERE {{ SERVICE <{canary}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{canary}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{canary}> {{ ?s ?p ?o }} }}",
    ):
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 403
        assert "SERVICE" in response.text and "ICJ_GRAPH_ALLOW_SERVICE" in response.text
    response = client.get(
        "/sparql", params={"query": f"SELECT * FROM <{canary}> WHERE {{ ?s ?p ?o }} LIMIT 1"}
    )
    assert response.status_code == 200
    assert _Canary.hits == []


def test_runaway_query_times_out_while_others_answer(client: httpx.Client) -> None:
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(client.get, "/sparql", params={"query": runaway})
        quick = pool.submit(client.get, "/sparql", params={"query": "ASK {}"}).result()
        assert quick.status_code == 200 and not slow.done()
        slow_response = slow.result()
    assert slow_response.status_code == 503
    assert f"longer than {TEST_TIMEOUT_S:g} s" in slow_response.text
    assert "ICJ_GRAPH_QUERY_TIMEOUT_S" in slow_response.text
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_documents_answer_while_every_worker_runs_a_slow_query(client: httpx.Client) -> None:
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with ThreadPoolExecutor(3) as pool:  # the test server has two workers for users' queries
        slow = [pool.submit(client.get, "/sparql", params={"query": runaway}) for _ in range(2)]
        time.sleep(0.5)  # both have started
        # an entity no other test asks for, so the result cache cannot answer for the workers
        document = client.get("/doc/person/saif-suleiman-sneidel.ttl")
        assert document.status_code == 200 and not any(s.done() for s in slow)
        assert all(s.result().status_code == 503 for s in slow)


def test_deep_nesting_is_refused_and_the_server_lives(client: httpx.Client) -> None:
    query = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    response = client.post(
        "/sparql", content=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 400
    assert "ICJ_GRAPH_MAX_NESTING_DEPTH" in response.text
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_oversized_query_and_body_get_413(client: httpx.Client) -> None:
    long_query = "ASK {}" + " " * 200_000
    response = client.post(
        "/sparql", content=long_query, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413
    assert "ICJ_GRAPH_MAX_QUERY_BYTES" in response.text
    huge = "ASK {}" + "#" * 5_000_000
    response = client.post(
        "/sparql", content=huge, headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413
    assert "ICJ_GRAPH_MAX_BODY_BYTES" in response.text


def test_nul_and_invalid_utf8_get_400(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "ASK {}\x00"})
    assert response.status_code == 400 and "NUL" in response.text
    response = client.post(
        "/sparql", content=b"ASK {\xff}", headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 400 and "UTF-8" in response.text


def test_no_query_returns_the_service_description(client: httpx.Client) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = rdflib.URIRef(f"{client.base_url}/sparql")
    assert (endpoint, sd.endpoint, endpoint) in graph
    assert (endpoint, sd.feature, sd.UnionDefaultGraph) in graph
    assert (endpoint, sd.feature, sd.BasicFederatedQuery) not in graph
    dataset = rdflib.URIRef("https://w3id.org/icj-graph/dataset")
    assert (endpoint, sd.defaultDataset, dataset) in graph
    names = {str(graph.value(g, sd.name)) for g in graph.objects(dataset, sd.namedGraph)}
    assert "https://w3id.org/icj-graph/graph/data/icc" in names
    assert "https://w3id.org/icj-graph/graph/inferred" in names


def test_cors_is_open_for_reads(client: httpx.Client) -> None:
    response = client.get(
        "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


def test_cors_lets_scripts_page_and_revalidate(client: httpx.Client) -> None:
    response = client.get("/api/persons", headers={"Origin": "https://example.org"})
    exposed = {
        h.strip().lower() for h in response.headers["access-control-expose-headers"].split(",")
    }
    assert {"link", "x-total-count", "etag", "content-disposition"} <= exposed
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 200, preflight.text


@pytest.mark.parametrize(
    "path",
    ["/sparql?query=ASK%20%7B%7D", "/id/state/nld", "/doc/state/nld.ttl", "/api/persons", "/"],
)
def test_head_answers_like_get_without_a_body(client: httpx.Client, path: str) -> None:
    head, get = client.head(path), client.get(path)
    assert head.status_code == get.status_code, head.text
    assert head.content == b""
    for header in ("content-type", "location", "etag"):
        assert head.headers.get(header) == get.headers.get(header)


def test_a_wrong_method_lists_the_allowed_ones(client: httpx.Client) -> None:
    response = client.put("/sparql", content="x")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"
    assert client.delete("/id/state/nld").headers["allow"] == "GET, HEAD"


def test_openapi_documents_the_endpoint(client: httpx.Client) -> None:
    schema = client.get("/openapi.json").json()
    assert {"get", "post"} <= set(schema["paths"]["/sparql"])
    parameters = {p["name"] for p in schema["paths"]["/sparql"]["get"]["parameters"]}
    assert parameters == {"query", "default-graph-uri", "named-graph-uri", "format"}
    # every status the error tree maps to is documented, with the error body's schema
    responses = schema["paths"]["/sparql"]["get"]["responses"]
    assert {"400", "403", "406", "413", "414", "429", "500", "503"} <= responses.keys()
    assert "ErrorBody" in json.dumps(responses["500"])
    assert client.get("/docs").status_code == 200


def test_errors_show_no_traceback_or_paths(client: httpx.Client) -> None:
    for response in (
        client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"}),
        client.post("/sparql", content="x", headers={"Content-Type": "text/plain"}),
        client.get("/nowhere"),
    ):
        assert 400 <= response.status_code < 500
        assert "Traceback" not in response.text and "/site-packages/" not in response.text


def test_a_result_of_many_chunks_streams_whole(client: httpx.Client) -> None:
    count = client.get(
        "/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }"},
    ).json()["results"]["bindings"][0]["n"]["value"]
    response = client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
    )
    assert response.status_code == 200 and len(response.content) > 1_000_000
    assert len(response.text.splitlines()) == int(count)


def test_get_answers_carry_a_validator_and_repeat_from_cache(client: httpx.Client) -> None:
    params = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?o }"}
    first = client.get("/sparql", params=params)
    assert first.headers["cache-control"].startswith("public")
    again = client.get("/sparql", params=params, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    other = client.get("/sparql", params=params, headers={"Accept": "text/csv"})
    assert other.headers["etag"] != first.headers["etag"]
    assert client.get("/sparql", params=params).content == first.content
