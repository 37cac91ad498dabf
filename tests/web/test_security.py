"""Hostile input, limits, probes and logs, over HTTP on loopback."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import FIXTURES, REPO, VERSION

MINIMAL = [FIXTURES / "minimal" / "minimal.ttl", REPO / "data" / "vocabularies.ttl"]


def test_health_and_readiness(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["version"] == VERSION and ready["triples"] > 0


@pytest.mark.parametrize("path", ["/", "/sparql?query=ASK%7B%7D", "/api/tribunals", "/nowhere"])
def test_security_headers_on_every_response(client: httpx.Client, path: str) -> None:
    headers = client.get(path).headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_long_get_query_gets_414_and_post_gets_413(serve_fixture: Callable[..., str]) -> None:
    base = serve_fixture(MINIMAL, max_query_bytes=1_000)
    query = "ASK {}" + " " * 2_000
    with httpx.Client(base_url=base) as client:
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 414
        assert "POST it instead" in response.text and "ICJ_GRAPH_MAX_QUERY_BYTES" in response.text
        response = client.post("/sparql", data={"query": query})
        assert response.status_code == 413 and "ICJ_GRAPH_MAX_QUERY_BYTES" in response.text


def test_oversized_headers_are_refused_and_the_server_lives(client: httpx.Client) -> None:
    # Past ICJ_GRAPH_MAX_HEADER_BYTES the parser answers 400 and closes, often before the
    # client has finished sending, which the client then sees as a reset connection.
    try:
        status = client.get("/healthz", headers={"X-Big": "x" * 1_000_000}).status_code
    except httpx.TransportError:
        status = 400
    assert status == 400
    assert client.get("/healthz").status_code == 200


def test_header_limit_counts_the_headers_only(serve_fixture: Callable[..., str]) -> None:
    # The limit is ours (the httptools parser has none): headers under it pass, headers over
    # it get a 400 naming the setting, and a body, however long, does not count.
    base = serve_fixture(MINIMAL, max_header_bytes=4_096)
    with httpx.Client(base_url=base) as client:
        assert client.get("/healthz", headers={"X-Pad": "x" * 3_000}).status_code == 200
        refused = client.get("/healthz", headers={"X-Pad": "x" * 8_000})
        assert refused.status_code == 400
        assert "over 4096 bytes (ICJ_GRAPH_MAX_HEADER_BYTES)" in refused.text
        answered = client.post("/sparql", data={"query": "ASK {}", "pad": "x" * 500_000})
        assert answered.status_code == 200 and answered.json()["boolean"] is True
        assert client.get("/healthz").status_code == 200


def test_runaway_property_path_is_stopped(client: httpx.Client) -> None:
    runaway = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a (<http://e/p>|!<http://e/p>)* ?b . "
        "?c (<http://e/p>|!<http://e/p>)* ?d }"
    )
    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(client.get, "/sparql", params={"query": runaway})
        assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200
        assert slow.result().status_code == 503


def test_access_log_is_one_json_line_without_the_query(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "SELECT ?secretVariable WHERE { ?secretVariable ?p ?o } LIMIT 1"
    with caplog.at_level(logging.INFO, logger="icj_graph.access"):
        client.get("/sparql", params={"query": secret})
        deadline = time.monotonic() + 5  # the line is written once the response has gone out
        while not (lines := _access_lines(caplog, "/sparql")) and time.monotonic() < deadline:
            time.sleep(0.05)
    line = lines[0]
    assert line["method"] == "GET" and line["status"] == 200 and line["duration_ms"] >= 0
    assert len(line["query_hash"]) == 12
    assert "secretVariable" not in caplog.text


def _access_lines(caplog: pytest.LogCaptureFixture, path: str) -> list[dict[str, object]]:
    records = [r for r in caplog.records if r.name == "icj_graph.access"]
    return [e for e in (json.loads(r.getMessage()) for r in records) if e["path"] == path]


def test_rate_limit_answers_429_with_retry_after(serve_fixture: Callable[..., str]) -> None:
    base = serve_fixture(MINIMAL, rate_limit_per_s=0.5, rate_limit_burst=3)
    with httpx.Client(base_url=base) as client:
        statuses = [client.get("/healthz").status_code for _ in range(6)]
        assert statuses[0] == 200 and statuses[-1] == 429 and statuses.count(200) >= 2
        limited = client.get("/healthz")
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1
        assert "retry in" in limited.text


def test_html_pages_escape_what_comes_from_data(serve_fixture: Callable[..., str]) -> None:
    base = serve_fixture([*MINIMAL, FIXTURES / "hostile" / "script-label.ttl"])
    with httpx.Client(base_url=base, follow_redirects=True) as client:
        for page in (
            client.get("/id/person/hostile-person", headers={"Accept": "text/html"}),
            client.get("/search", params={"q": "hostile"}),
        ):
            assert page.status_code == 200
            assert "<script>alert" not in page.text
            assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt; Hostile" in page.text
            assert "<img src=x" not in page.text
