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

from icj_graph.sparql import QueryJob
from icj_graph.workers import StoreSpec, Task, WorkerPool

ROUNDS = 5
SCAN = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


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
    in-memory copy loads; then every worker on the store as specified), the time to replace a
    worker, and the memory of the holder and of each worker after every worker has scanned the
    whole store once."""
    pool = WorkerPool(StoreSpec(build, in_memory), size=size, timeout_s=600)
    began = time.perf_counter()
    await pool.start()
    first = time.perf_counter() - began
    await pool.settled.wait()  # a store served from memory: its copy has loaded
    while pool._idle.qsize() + pool._kept.qsize() < size + 1:
        await asyncio.sleep(0.01)
    everyone = time.perf_counter() - began
    try:
        replace = []
        for _ in range(ROUNDS):
            began = time.perf_counter()
            worker = await pool._spawn(kept=False)
            replace.append(time.perf_counter() - began)
            pool._all.discard(worker)  # killed without a replacement: the pool keeps its size
            worker.kill()
        held = [pool._idle.get_nowait() for _ in range(size)]
        for worker in held:  # every worker reads the whole store once
            pool._put_back(worker)
            stream = await pool.run(QueryJob(SCAN, "SELECT"), Task(SCAN, "text/csv"))
            await stream.read_all()
            pool._idle.get_nowait()
        holder = psutil.Process(pool._forker._process.pid)  # type: ignore[union-attr]
        unique = [psutil.Process(w.pid).memory_full_info().uss / 2**20 for w in held]
        resident = [psutil.Process(w.pid).memory_info().rss / 2**20 for w in held]
        for worker in held:
            pool._put_back(worker)
        return {
            "in_memory": in_memory,
            "startup_first_s": round(first, 3),
            "startup_all_s": round(everyone, 3),
            "replace_ms": round(statistics.median(replace) * 1000, 1),
            "holder_rss_mb": round(holder.memory_info().rss / 2**20, 1),
            "worker_unique_mb": [round(u, 1) for u in unique],
            "worker_rss_mb": [round(r, 1) for r in resident],
        }
    finally:
        await pool.close()


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
