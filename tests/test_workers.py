"""The query workers on their own: memory given back, and recycling of on-disk workers."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest

from icj_graph import forking
from icj_graph.errors import QueryTimeout, StoreUnavailable
from icj_graph.sparql import QueryJob
from icj_graph.store import current_build
from icj_graph.worker_process import Heap
from icj_graph.workers import StoreSpec, Task, WorkerPool

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
                pids |= {w.pid for w in pool._all if not w.kept}
                form = "ASK" if task is ASK else "SELECT"
                stream = await pool.run(QueryJob(task.text, form), task)
                answers.append(await stream.read_all())
                await asyncio.sleep(0)  # let a replacement start
            await asyncio.sleep(1)
            pids |= {w.pid for w in pool._all if not w.kept}
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


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _parent(pid: int) -> int:
    """The parent process id of `pid` (0 once it is gone)."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _gone(pid: int, within_s: float = 10.0) -> bool:
    """Whether `pid` has exited and been reaped (waits up to `within_s` for it)."""
    deadline = time.monotonic() + within_s
    while Path(f"/proc/{pid}").exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


async def _until_idle(pool: WorkerPool, workers: int, within_s: float = 60.0) -> None:
    """Wait until `workers` workers are idle (the kept one included: all have come up)."""
    deadline = time.monotonic() + within_s
    while pool._idle.qsize() + pool._kept.qsize() < workers and time.monotonic() < deadline:
        await asyncio.sleep(0.05)


def test_workers_are_forked_from_one_holder_and_a_timed_out_one_is_replaced_from_it(
    built_store: Path,
) -> None:
    # The in-memory store is loaded once, by the holder; every worker, and the one that
    # replaces a worker killed at the timeout, is its child (no second load).
    async def scenario() -> tuple[int, set[int], set[int], set[int], bytes]:
        pool = WorkerPool(
            StoreSpec(current_build(built_store), in_memory=True), size=2, timeout_s=1
        )
        await pool.start()
        try:
            await asyncio.wait_for(pool.settled.wait(), 60)  # the in-memory copy has loaded
            await _until_idle(pool, 3)  # the workers forked from it have come up
            holder = pool._forker._process.pid  # type: ignore[union-attr]
            before = {w.pid for w in pool._all}
            try:
                stream = await pool.run(QueryJob(RUNAWAY, "SELECT"), Task(RUNAWAY, "text/csv"))
                await stream.read_all()
            except QueryTimeout:
                pass
            await _until_idle(pool, 3)  # the replacement comes up
            after = {w.pid for w in pool._all}
            parents = {_parent(pid) for pid in after}
            answer = await (await pool.run(QueryJob(ASK.text, "ASK"), ASK)).read_all()
            return holder or 0, before, after, parents, answer
        finally:
            await pool.close()

    holder, before, after, parents, answer = asyncio.run(scenario())
    assert len(before) == 3 and parents == {holder}
    assert b'"boolean":true' in answer
    assert len(after) == 3 and len(after - before) == 1  # exactly one was replaced
    assert all(_gone(pid) for pid in before - after)  # killed, and reaped by the holder


def test_a_holder_that_died_is_started_again_when_a_worker_is_needed(built_store: Path) -> None:
    async def scenario() -> tuple[int, int, bytes]:
        pool = WorkerPool(
            StoreSpec(current_build(built_store), in_memory=False), size=1, timeout_s=1
        )
        await pool.start()
        assert pool.storage == "disk"
        try:
            first = pool._forker._process.pid  # type: ignore[union-attr]
            os.kill(first or 0, signal.SIGKILL)
            with contextlib.suppress(QueryTimeout):  # the worker is killed: a new one is needed
                await (
                    await pool.run(QueryJob(RUNAWAY, "SELECT"), Task(RUNAWAY, "text/csv"))
                ).read_all()
            await _until_idle(pool, 2)
            answer = await (await pool.run(QueryJob(ASK.text, "ASK"), ASK)).read_all()
            second = pool._forker._process.pid  # type: ignore[union-attr]
            return first or 0, second or 0, answer
        finally:
            await pool.close()

    first, second, answer = asyncio.run(scenario())
    assert b'"boolean":true' in answer and second not in (0, first)


def test_a_pool_in_memory_answers_from_disk_until_its_copy_loads_then_only_from_memory(
    built_store: Path,
) -> None:
    async def scenario() -> tuple[bytes, int, int, set[int], bytes]:
        pool = WorkerPool(
            StoreSpec(current_build(built_store), in_memory=True), size=2, timeout_s=30
        )
        await pool.start()
        try:
            disk = pool._forker._process.pid  # type: ignore[union-attr]
            early = await (await pool.run(QueryJob(ASK.text, "ASK"), ASK)).read_all()
            await asyncio.wait_for(pool.settled.wait(), 60)
            await _until_idle(pool, 3)
            memory = pool._forker._process.pid  # type: ignore[union-attr]
            parents = {_parent(w.pid) for w in pool._all}
            late = await (await pool.run(QueryJob(ASK.text, "ASK"), ASK)).read_all()
            assert pool.storage == "memory"
            return early, disk or 0, memory or 0, parents, late
        finally:
            await pool.close()

    early, disk, memory, parents, late = asyncio.run(scenario())
    assert b'"boolean":true' in early and b'"boolean":true' in late
    assert memory != disk and parents == {memory}  # every disk worker was replaced
    assert _gone(disk)  # and the on-disk store's holder stopped


def test_without_pidfds_a_worker_is_killed_by_its_process_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Where os.pidfd_open is missing (macOS) the holder answers with no descriptor, and the
    # pool kills by process id.
    monkeypatch.delattr(os, "pidfd_open")
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    assert forking._open_pid_fd(child.pid) == -1
    ours, theirs = socket.socketpair()
    with ours, theirs:
        holder, pool = Connection(os.dup(theirs.fileno())), Connection(os.dup(ours.fileno()))
        worker_end = Connection(os.dup(ours.fileno()))
        holder.send_bytes(f"{child.pid} 0".encode())  # what the holder answers without pidfds
        pid, pid_fd = forking._request_fork(pool, worker_end)
        forking.kill(pid, pid_fd)
        assert child.wait(10) == -signal.SIGKILL and (pid, pid_fd) == (child.pid, -1)
        for conn in (holder, pool, worker_end):
            conn.close()


@pytest.mark.parametrize("in_memory", [True, False])
def test_a_store_that_cannot_be_opened_stops_the_pool_with_the_reason(
    built_store: Path, tmp_path: Path, in_memory: bool
) -> None:
    """The holder (in memory) or the first worker (on disk) reports why it could not open the
    store, and the pool refuses to start with that reason instead of serving nothing."""
    import shutil

    broken = tmp_path / "build"
    shutil.copytree(current_build(built_store), broken)
    (broken / "oxigraph" / "CURRENT").write_text("not a manifest\n")
    pool = WorkerPool(StoreSpec(broken, in_memory=in_memory), size=1, timeout_s=30)
    with pytest.raises(StoreUnavailable, match=r"could not open the store: \S") as caught:
        asyncio.run(pool.start())
    assert "CURRENT" in str(caught.value) or "MANIFEST" in str(caught.value), caught.value
