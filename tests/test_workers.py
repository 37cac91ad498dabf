"""The query workers on their own: memory given back, and recycling of on-disk workers."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from icj_graph.sparql import QueryJob
from icj_graph.store import current_build
from icj_graph.workers import Heap, StoreSpec, Task, WorkerPool

ASK = Task("ASK { ?s ?p ?o }", "application/sparql-results+json")
_VALUES = " ".join(str(i) for i in range(1_200))
#: Sorts 1.44 million rows: the worker's heap grows by well over 100 MB, then frees it.
SORT = Task(
    f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {_VALUES} }} VALUES ?b {{ {_VALUES} }} }} "
    "ORDER BY DESC(?a) ?b LIMIT 1",
    "text/csv",
)


def run_twice(
    built_store: Path, max_rss_bytes: int, first: Task = ASK
) -> tuple[list[bytes], int, set[int]]:
    """Two queries in a row (`first`, then ASK) on a one-worker pool: their answers, the
    recycled count and the process ids that answered."""

    async def scenario() -> tuple[list[bytes], int, set[int]]:
        spec = StoreSpec(current_build(built_store), in_memory=False)
        pool = WorkerPool(spec, size=1, timeout_s=30, max_rss_bytes=max_rss_bytes)
        await pool.start()
        answers, pids = [], set()
        try:
            for task in (first, ASK):
                pids |= {w.process.pid for w in pool._all if not w.kept and w.process.pid}
                form = "ASK" if task is ASK else "SELECT"
                stream = await pool.run(QueryJob(task.text, form), task)
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


def test_a_worker_gives_back_what_a_big_query_freed_and_is_kept(built_store: Path) -> None:
    # Without malloc_trim the sort leaves the worker's heap at ~150 MB over its start, past
    # the 100 MB limit, and the worker would be replaced (recycled == 1, two pids).
    answers, recycled, pids = run_twice(built_store, max_rss_bytes=100 * 1024 * 1024, first=SORT)
    assert answers[0].splitlines()[1] == b"1199,0"
    assert b'"boolean":true' in answers[1]
    assert recycled == 0 and len(pids) == 1


def test_without_a_limit_the_same_worker_answers(built_store: Path) -> None:
    answers, recycled, pids = run_twice(built_store, max_rss_bytes=0)
    assert all(b'"boolean":true' in a for a in answers)
    assert recycled == 0 and len(pids) == 1


class _NonBlockingWatchLoop(asyncio.SelectorEventLoop):
    """Like uvloop: an fd the loop watches is left non-blocking."""

    def add_reader(self, fd: Any, callback: Any, *args: Any) -> None:
        os.set_blocking(fd, False)
        super().add_reader(fd, callback, *args)


def test_a_long_stream_arrives_whole_on_a_loop_that_leaves_pipes_non_blocking(
    built_store: Path,
) -> None:
    # A message still being written must not be taken for a dead worker ("the query worker
    # died" halfway through a large result, as uvicorn with uvloop did).
    values = " ".join(str(i) for i in range(300))
    text = f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} }}"
    task = Task(text, "text/csv")

    async def scenario() -> bytes:
        pool = WorkerPool(
            StoreSpec(current_build(built_store), in_memory=False), size=1, timeout_s=30
        )
        await pool.start()
        try:
            stream = await pool.run(QueryJob(text, "SELECT"), task)
            return await stream.read_all()
        finally:
            await pool.close()

    with asyncio.Runner(loop_factory=_NonBlockingWatchLoop) as runner:
        body = runner.run(scenario())
    rows = body.splitlines()
    assert rows[0] == b"a,b" and len(rows) == 1 + 300 * 300 and len(set(rows)) == len(rows)


def test_memory_is_trimmed_after_a_query_that_grew_it_not_after_every_later_one() -> None:
    # What stays resident between queries (an on-disk store's block cache) must not make every
    # later query pay for a trim: the growth is counted per query.
    heap = Heap()
    trims: list[int] = []
    heap._trim = trims.append  # count the calls instead of trimming
    heap.start()
    kept = bytearray(200 * 1024 * 1024)  # stays resident, like a block cache
    heap.trim_if_grown()
    assert trims == [0]
    heap.start()
    heap.trim_if_grown()  # a small query after it: nothing grew
    assert trims == [0] and len(kept) > 0
