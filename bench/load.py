"""Load test of a running icj-graph server: mixed SPARQL, /api and /doc traffic, 5% malformed.

``python bench/load.py --base http://127.0.0.1:8000 [--seconds 60] [--concurrency 32] [--pid PID]``

Every request loop is bounded by time and count and targets the given loopback server only.
Reports the answers per kind and status, 5xx answers (there must be none), failed connections,
p50/p99 latency, and the growth of the server's resident memory (its whole process tree).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import psutil
from queries import Query, query_set

MAX_REQUESTS = 200_000
REQUEST_TIMEOUT_S = 60.0
#: Share of each kind of request in the mix (malformed: 5%).
MIX = {"sparql": 0.50, "api": 0.20, "doc": 0.25, "malformed": 0.05}
_SLUGS = """PREFIX icj: <https://w3id.org/icj-graph/ontology#>
SELECT ?e WHERE {{ ?e a icj:{cls} }} LIMIT 300"""


@dataclass(frozen=True)
class Request:
    """One request of the mix: what kind, method, path, body and headers."""

    kind: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] | None = None


@dataclass
class LoadReport:
    """What the load test saw."""

    seconds: float
    concurrency: int
    statuses: dict[str, Counter[int]]
    latencies_ms: dict[str, list[float]]
    failures: Counter[str]
    memory_mb: list[float]

    def summary(self) -> dict[str, object]:
        """A JSON-ready summary: counts, 5xx, failures, p50/p99 per kind, memory growth."""
        every = [ms for values in self.latencies_ms.values() for ms in values]
        start, end = (self.memory_mb[0], self.memory_mb[-1]) if self.memory_mb else (0.0, 0.0)
        return {
            "seconds": self.seconds,
            "concurrency": self.concurrency,
            "requests": sum(sum(c.values()) for c in self.statuses.values()),
            "per_s": round(len(every) / self.seconds, 1) if self.seconds else 0,
            "status_5xx": sum(n for c in self.statuses.values() for s, n in c.items() if s >= 500),
            "connection_failures": sum(self.failures.values()),
            "failure_kinds": dict(self.failures),
            "p50_ms": round(_pct(every, 50), 1),
            "p99_ms": round(_pct(every, 99), 1),
            "kinds": {
                kind: {
                    "statuses": dict(sorted(self.statuses[kind].items())),
                    "p50_ms": round(_pct(self.latencies_ms[kind], 50), 1),
                    "p99_ms": round(_pct(self.latencies_ms[kind], 99), 1),
                }
                for kind in sorted(self.statuses)
            },
            "memory_start_mb": round(start, 1),
            "memory_peak_mb": round(max(self.memory_mb, default=0.0), 1),
            "memory_end_mb": round(end, 1),
            "memory_growth_pct": round((end - start) / start * 100, 1) if start else None,
        }


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] if ordered else 0.0


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    try:
        root = psutil.Process(pid)
        tree = [root, *root.children(recursive=True)]
        return float(sum(p.memory_info().rss for p in tree)) / 2**20
    except psutil.NoSuchProcess:
        return 0.0


def discover(client: httpx.Client) -> dict[str, list[str]]:
    """Slugs of persons and cases the server holds (asked through its own /sparql)."""
    found = {}
    for kind, cls in (("person", "Person"), ("case", "Case")):
        answer = client.post(
            "/sparql",
            data={"query": _SLUGS.format(cls=cls)},
            headers={"Accept": "application/sparql-results+json"},
        )
        answer.raise_for_status()
        rows = json.loads(answer.content)["results"]["bindings"]
        found[kind] = [r["e"]["value"].rsplit("/", 1)[1] for r in rows]
    return found


def request_maker(
    queries: list[Query], slugs: dict[str, list[str]], rng: random.Random
) -> Callable[[], Request]:
    """A function that draws the next request of the mix."""
    json_accept = {"Accept": "application/sparql-results+json"}

    def sparql(q: Query) -> Request:
        return Request("sparql", "POST", "/sparql", {"Accept": q.accept}, {"query": q.text})

    def api() -> Request:
        person, case = rng.choice(slugs["person"]), rng.choice(slugs["case"])
        name = person.rsplit("-", 1)[0].split("-")[-1]
        return rng.choice(
            [
                Request("api", "GET", f"/api/persons?q={name}"),
                Request("api", "GET", "/api/cases?tribunal=icty&per_page=50"),
                Request("api", "GET", "/api/charges?crime=genocide&outcome=convicted"),
                Request("api", "GET", f"/api/cases/{case}"),
                Request("api", "GET", f"/api/persons/{person}"),
            ]
        )

    def doc() -> Request:
        person, case = rng.choice(slugs["person"]), rng.choice(slugs["case"])
        return rng.choice(
            [
                Request("doc", "GET", f"/doc/person/{person}.ttl"),
                Request("doc", "GET", f"/doc/case/{case}.jsonld"),
                Request("doc", "GET", f"/doc/person/{person}", {"Accept": "text/html"}),
                Request("doc", "GET", f"/id/case/{case}", {"Accept": "text/turtle"}),
            ]
        )

    def malformed() -> Request:
        person = rng.choice(slugs["person"])
        deep = "SELECT * WHERE " + "{" * 400 + "?s ?p ?o" + "}" * 400
        return rng.choice(
            [
                Request("malformed", "POST", "/sparql", json_accept, {"query": "SELECT WHERE {"}),
                Request(
                    "malformed", "POST", "/sparql", {"Accept": "image/png"}, {"query": "ASK{}"}
                ),
                Request("malformed", "POST", "/sparql", json_accept, {"query": deep}),
                Request("malformed", "POST", "/sparql", json_accept, {"update": "DROP ALL"}),
                Request("malformed", "GET", f"/doc/person/{person}", {"Accept": "image/png"}),
            ]
        )

    makers: dict[str, Callable[[], Request]] = {
        "sparql": lambda: sparql(rng.choice(queries)),
        "api": api,
        "doc": doc,
        "malformed": malformed,
    }
    kinds, weights = list(MIX), list(MIX.values())
    return lambda: makers[rng.choices(kinds, weights)[0]]()


async def _load(base: str, seconds: float, concurrency: int, pid: int | None) -> LoadReport:
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S) as sync_client:
        slugs = discover(sync_client)
    draw = request_maker(query_set(), slugs, random.Random(11))
    statuses: dict[str, Counter[int]] = {kind: Counter() for kind in MIX}
    latencies: dict[str, list[float]] = {kind: [] for kind in MIX}
    failures: Counter[str] = Counter()
    issued = 0
    memory = [tree_rss_mb(pid)] if pid else []
    deadline = time.monotonic() + seconds

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal issued
        while time.monotonic() < deadline and issued < MAX_REQUESTS:
            issued += 1
            req = draw()
            start = time.perf_counter()
            try:
                answer = await client.request(
                    req.method, req.path, headers=req.headers, data=req.data
                )
                await answer.aread()
            except httpx.HTTPError as err:
                failures[type(err).__name__] += 1
                continue
            latencies[req.kind].append((time.perf_counter() - start) * 1000)
            statuses[req.kind][answer.status_code] += 1

    async def sample_memory() -> None:
        while pid and time.monotonic() < deadline:
            await asyncio.sleep(1.0)
            memory.append(tree_rss_mb(pid))

    started = time.monotonic()
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S, limits=limits) as client:
        await asyncio.gather(sample_memory(), *(client_loop(client) for _ in range(concurrency)))
    if pid:
        memory.append(tree_rss_mb(pid))
    elapsed = round(time.monotonic() - started, 1)
    return LoadReport(elapsed, concurrency, statuses, latencies, failures, memory)


def run_load(base: str, seconds: float, concurrency: int, pid: int | None) -> dict[str, object]:
    """Run the load test against `base` and return its summary."""
    return asyncio.run(_load(base, seconds, concurrency, pid)).summary()


def main() -> None:
    """Command line: run the load test against a running server."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--base", required=True, help="server root, e.g. http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--pid", type=int, help="server process id, for its memory")
    args = parser.parse_args()
    if not args.base.startswith(("http://127.", "http://localhost", "http://[::1]")):
        parser.error("the load test only targets loopback addresses")
    summary = run_load(args.base, args.seconds, args.concurrency, args.pid)
    print(json.dumps(summary, indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
