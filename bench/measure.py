"""Latency (sequential) and throughput (concurrent) measurements, over HTTP and in process."""

from __future__ import annotations

import asyncio
import io
import json
import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx
from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat, Store, serialize
from queries import SELECT_TYPES, Query

REQUEST_TIMEOUT_S = 30.0
RECOVER_S = 60.0


@dataclass(frozen=True)
class Plan:
    """How much to measure: runs per query, warm-ups, a time budget per query, throughput."""

    runs: int = 20
    warmups: int = 2
    budget_s: float = 5.0
    concurrency: int = 8
    throughput_s: float = 20.0
    max_requests: int = 20_000


@dataclass
class Timing:
    """One query on one server: latencies in ms, result size, or the error it got."""

    samples_ms: list[float]
    results: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether every run answered."""
        return self.error is None and bool(self.samples_ms)

    def percentile(self, q: float) -> float:
        """The q-th percentile (0-100) of the samples, nearest rank."""
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def geomean(values: Sequence[float]) -> float:
    """Geometric mean of positive values (nan when empty)."""
    return math.exp(statistics.fmean(math.log(v) for v in values)) if values else math.nan


def count_results(body: bytes, query: Query) -> int:
    """Rows of a SPARQL JSON result (or 1 for ASK), or lines of N-Triples."""
    if query.graph_result:
        return sum(1 for line in body.splitlines() if line.strip() and not line.startswith(b"#"))
    data = json.loads(body)
    return len(data["results"]["bindings"]) if "results" in data else 1


def time_calls(run: Callable[[], bytes], query: Query, plan: Plan) -> Timing:
    """Warm up, then time `run` up to plan.runs times or until plan.budget_s is spent.

    At least 3 timed runs; a query whose first warm-up took over a third of the budget gets
    that one warm-up and one timed run.
    """
    try:
        start = time.perf_counter()
        body = run()
        slow = time.perf_counter() - start > plan.budget_s / 3
        for _ in range(plan.warmups - 1 if not slow else 0):
            body = run()
        least = 1 if slow else 3
        timing = Timing([], count_results(body, query) if body else None)
        spent = time.perf_counter()
        while len(timing.samples_ms) < plan.runs and (
            len(timing.samples_ms) < least or time.perf_counter() - spent < plan.budget_s
        ):
            start = time.perf_counter()
            run()
            timing.samples_ms.append((time.perf_counter() - start) * 1000)
        return timing
    except Exception as err:  # a server's failure is a result, reported per query
        return Timing([], error=f"{type(err).__name__}: {str(err)[:160]}")


def http_runner(client: httpx.Client, endpoint: str, query: Query) -> Callable[[], bytes]:
    """A call that POSTs the query (form-encoded) and returns the whole body, or raises."""

    def run() -> bytes:
        answer = client.post(endpoint, data={"query": query.text}, headers={"Accept": query.accept})
        if answer.status_code != 200:
            raise RuntimeError(f"HTTP {answer.status_code}: {answer.text[:120]}")
        return answer.content

    return run


def store_runner(store: Store, query: Query) -> Callable[[], bytes]:
    """A call that runs the query on a pyoxigraph store and serializes it as the servers do."""

    def run() -> bytes:
        result = store.query(query.text, use_default_graph_as_union=True)
        out = io.BytesIO()
        if isinstance(result, QuerySolutions | QueryBoolean):
            result.serialize(out, QueryResultsFormat.JSON)
        else:
            serialize(result, out, RdfFormat.N_TRIPLES)
        return out.getvalue()

    return run


def latency_http(endpoint: str, queries: Sequence[Query], plan: Plan) -> dict[str, Timing]:
    """Sequential latency of every query against one HTTP endpoint.

    After a query fails, the server gets RECOVER_S to answer a trivial query again (a server
    may go on evaluating a query its client abandoned); if it does not, the queries left are
    marked as not run rather than each waiting for its own timeout.
    """
    timings: dict[str, Timing] = {}
    with httpx.Client(timeout=REQUEST_TIMEOUT_S) as client:
        for query in queries:
            timing = time_calls(http_runner(client, endpoint, query), query, plan)
            timings[query.name] = timing
            if not timing.ok and not _recovers(client, endpoint):
                busy = f"not run: server still busy {RECOVER_S:.0f} s after an abandoned query"
                timings |= {
                    q.name: Timing([], error=busy) for q in queries if q.name not in timings
                }
                break
    return timings


def _recovers(client: httpx.Client, endpoint: str) -> bool:
    deadline = time.monotonic() + RECOVER_S
    while time.monotonic() < deadline:
        try:
            answer = client.post(
                endpoint, data={"query": "ASK {}"}, headers={"Accept": SELECT_TYPES}, timeout=5
            )
            if answer.status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return False


def latency_store(
    store: Store, queries: Sequence[Query], plan: Plan, skip: dict[str, str]
) -> dict[str, Timing]:
    """Sequential latency of every query on an in-process store, but those in `skip`.

    pyoxigraph cannot cancel a query, so a query its server counterpart could not answer
    within the HTTP timeout is skipped rather than run unbounded.
    """
    return {
        q.name: Timing([], error=skip[q.name])
        if q.name in skip
        else time_calls(store_runner(store, q), q, plan)
        for q in queries
    }


def open_memory_store(build: Path) -> Store:
    """The build's dataset in an in-memory store, as icj-graph's workers hold it."""
    store = Store()
    store.bulk_load(path=build / "dataset.nq", format=RdfFormat.N_QUADS)
    return store


@dataclass(frozen=True)
class Throughput:
    """A fixed mixed workload at a given concurrency: answers per second and failures."""

    requests: int
    ok: int
    errors: int
    seconds: float

    @property
    def per_s(self) -> float:
        """Successful answers per second."""
        return round(self.ok / self.seconds, 1) if self.seconds else 0.0


def throughput(endpoint: str, queries: Sequence[Query], plan: Plan) -> Throughput:
    """Run the queries round-robin from plan.concurrency clients for plan.throughput_s seconds."""
    return asyncio.run(_throughput(endpoint, queries, plan))


async def _throughput(endpoint: str, queries: Sequence[Query], plan: Plan) -> Throughput:
    issued = ok = errors = 0
    deadline = time.monotonic() + plan.throughput_s
    limits = httpx.Limits(max_connections=plan.concurrency)

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal issued, ok, errors
        while time.monotonic() < deadline and issued < plan.max_requests:
            query = queries[issued % len(queries)]
            issued += 1
            try:
                answer = await client.post(
                    endpoint, data={"query": query.text}, headers={"Accept": query.accept}
                )
                await answer.aread()
                ok += answer.status_code == 200
                errors += answer.status_code != 200
            except httpx.HTTPError:
                errors += 1

    start = time.monotonic()
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT_S, limits=limits) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(plan.concurrency)))
    return Throughput(issued, ok, errors, round(time.monotonic() - start, 2))
