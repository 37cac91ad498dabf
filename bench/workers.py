"""What a query worker costs to start and to replace, forked from the store's holder, against
what it cost as a new interpreter that loads the store itself (the peer: a worker spawned
fresh, as icj-graph did before release 0.6.0).

``python bench/workers.py BUILD_DIR [--in-memory | --on-disk]`` prints the figures as JSON;
``bench/run.py`` runs it on every dataset it builds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from icj_graph.errors import QueryTimeout
from icj_graph.sparql import QueryJob
from icj_graph.workers import StoreSpec, Task, WorkerPool

ROUNDS = 5
TIMEOUT_S = 0.5
SCAN = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: Runs for minutes on any of our datasets: it is stopped at the timeout.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
ASK = "ASK { ?s ?p ?o }"


def fresh_interpreter_s(build: Path, *, in_memory: bool) -> float:
    """Seconds for a new Python process to import the engine and open the store (the cost of a
    replacement without the holder)."""
    code = (
        "import sys; from pathlib import Path; from icj_graph.store import open_store; "
        f"open_store(Path(sys.argv[1]), in_memory={in_memory})"
    )
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(build)], check=True)  # noqa: S603
    return time.perf_counter() - began


async def pool_figures(build: Path, *, in_memory: bool, size: int = 2) -> dict[str, Any]:
    """Start-up of a pool (its first answer, which comes from the on-disk store while an
    in-memory copy loads; then every worker on the store as specified), how soon a query past
    its timeout is followed by the next answer (its worker killed and replaced), and the memory
    of the holder and of each worker after every worker has scanned the whole store once.

    Only the pool's public face is used; the processes are found as the holder (our child) and
    its forks."""
    pool = WorkerPool(StoreSpec(build, in_memory), size=size, timeout_s=TIMEOUT_S)
    began = time.perf_counter()
    await pool.start()
    first = time.perf_counter() - began
    await pool.settled.wait()  # a store served from memory: its copy has loaded
    holder = _holder()
    while len(holder.children()) < size + 1:  # the workers, and the one kept for our queries
        await asyncio.sleep(0.01)
    everyone = time.perf_counter() - began
    try:
        back = [await _back_after_timeout(pool) for _ in range(ROUNDS)]
        scans = [pool.run(QueryJob(SCAN, "SELECT"), Task(SCAN, "text/csv")) for _ in range(size)]
        for stream in await asyncio.gather(*scans):  # one per worker: each reads the whole store
            await stream.read_all()
        forks = holder.children()
        unique = sorted((w.memory_full_info().uss / 2**20 for w in forks), reverse=True)[:size]
        resident = sorted((w.memory_info().rss / 2**20 for w in forks), reverse=True)[:size]
        return {
            "in_memory": in_memory,
            "startup_first_s": round(first, 3),
            "startup_all_s": round(everyone, 3),
            "replace_ms": round(statistics.median(back) * 1000, 1),
            "holder_rss_mb": round(holder.memory_info().rss / 2**20, 1),
            "worker_unique_mb": [round(u, 1) for u in unique],
            "worker_rss_mb": [round(r, 1) for r in resident],
        }
    finally:
        await pool.close()


def _holder() -> psutil.Process:
    """The process holding the store: our only child running icj_graph.forking."""
    (holder,) = [
        child
        for child in psutil.Process().children()
        if "icj_graph.forking" in " ".join(child.cmdline())
    ]
    return holder


async def _back_after_timeout(pool: WorkerPool) -> float:
    """Seconds from the timeouts of queries that kept every worker busy to the next query's
    answer: the time to kill those workers and fork their replacements."""
    idle = [pool.run(QueryJob(SLOW, "SELECT"), Task(SLOW, "text/csv")) for _ in range(pool.size)]
    results = await asyncio.gather(*idle, return_exceptions=True)
    assert all(isinstance(r, QueryTimeout) for r in results), results
    timed_out = time.perf_counter()
    stream = await pool.run(QueryJob(ASK, "ASK"), Task(ASK, "text/csv"))
    await stream.read_all()
    return time.perf_counter() - timed_out


def measure_workers(build: Path, *, in_memory: bool) -> dict[str, Any]:
    """Both sides, on one build."""
    figures = asyncio.run(pool_figures(build, in_memory=in_memory))
    spawned = [fresh_interpreter_s(build, in_memory=in_memory) for _ in range(3)]
    figures["fresh_interpreter_ms"] = round(statistics.median(spawned) * 1000, 1)
    return figures


def main() -> None:
    """Command line: measure one build folder and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("build", type=Path, help="a build folder (holding build.json)")
    parser.add_argument("--in-memory", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    print(json.dumps(measure_workers(args.build, in_memory=args.in_memory), indent=2))  # noqa: T201


if __name__ == "__main__":
    main()
