"""The query workers on their own: memory recycling of on-disk workers."""

from __future__ import annotations

import asyncio
from pathlib import Path

from icj_graph.sparql import QueryJob
from icj_graph.store import current_build
from icj_graph.workers import StoreSpec, Task, WorkerPool

ASK = Task("ASK { ?s ?p ?o }", "application/sparql-results+json", (), ())


def run_twice(built_store: Path, max_rss_bytes: int) -> tuple[list[bytes], int, set[int]]:
    """Two queries in a row on a one-worker pool: their answers, the recycled count and the
    process ids that answered."""

    async def scenario() -> tuple[list[bytes], int, set[int]]:
        spec = StoreSpec(current_build(built_store), in_memory=False)
        pool = WorkerPool(spec, size=1, timeout_s=30, max_rss_bytes=max_rss_bytes)
        await pool.start()
        answers, pids = [], set()
        try:
            for _ in range(2):
                pids |= {w.process.pid for w in pool._all if not w.kept and w.process.pid}
                stream = await pool.run(QueryJob(ASK.text, "ASK"), ASK)
                answers.append(await stream.read_all())
                await asyncio.sleep(0)  # let a replacement start
            await asyncio.sleep(1)
            pids |= {w.process.pid for w in pool._all if not w.kept and w.process.pid}
            return answers, pool.recycled, pids
        finally:
            await pool.close()

    return asyncio.run(scenario())


def test_a_worker_over_the_memory_limit_is_replaced_and_the_pool_answers_on(
    built_store: Path,
) -> None:
    answers, recycled, pids = run_twice(built_store, max_rss_bytes=1)  # every worker is over
    assert all(b'"boolean":true' in a for a in answers)
    assert recycled == 2 and len(pids) >= 2


def test_without_a_limit_the_same_worker_answers(built_store: Path) -> None:
    answers, recycled, pids = run_twice(built_store, max_rss_bytes=0)
    assert all(b'"boolean":true' in a for a in answers)
    assert recycled == 0 and len(pids) == 1
