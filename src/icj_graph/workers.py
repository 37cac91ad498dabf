"""Killable query workers: each query runs in a worker process that can be killed at the timeout.

pyoxigraph cannot cancel a running query, so a query that runs past ``query_timeout_s`` is
stopped the only sure way: its worker process is killed and a fresh one takes its place, forked
from the process that holds the store (``forking``), so a replacement costs milliseconds. Each
worker holds the store (in memory, or the on-disk store read-only), runs one query at a time
and streams the serialized result back over a pipe in chunks (``worker_process``), so large
results are never held whole. The event loop never waits on the engine: it reads a worker's
pipe only once the pipe is readable (``loop.add_reader``), so a query costs no thread hop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import time
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from icj_graph.errors import QueryTimeout, StoreUnavailable
from icj_graph.forking import Forker, kill, wait_ready
from icj_graph.search import local_fold
from icj_graph.sparql import UNION, Dataset, QueryJob, evaluation_error, syntax_error
from icj_graph.worker_process import Resident

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreSpec:
    """What a worker opens: a build folder, in memory or not."""

    build: Path
    in_memory: bool


@dataclass(frozen=True)
class Task:
    """A job for one worker: the query, its output format and its dataset."""

    text: str
    media_type: str
    dataset: Dataset = UNION
    #: One of our own queries (documents, pages): it may use the worker kept for them.
    internal: bool = False


class QueryStream:
    """A running query's output: the first chunk is already here; the rest, if any, streams."""

    def __init__(self, first: bytes, rest: AsyncIterator[bytes] | None = None) -> None:
        self.first = first
        self._rest = rest

    @property
    def complete(self) -> bool:
        """Whether `first` is the whole output (a small result, or one from the cache)."""
        return self._rest is None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        if self.first:
            yield self.first
        if self._rest is not None:
            async for chunk in self._rest:
                yield chunk

    async def read_all(self) -> bytes:
        """Collect the whole output (for small internal queries)."""
        return b"".join([chunk async for chunk in self])


class Fetching:
    """``fetch`` for any engine with ``run``: our own queries, over the whole dataset."""

    async def run(self, job: QueryJob, task: Task) -> QueryStream:
        """Run a checked query; return once its first chunk is in."""
        raise NotImplementedError

    async def fetch(self, text: str, media_type: str) -> bytes:
        """Run one of our own queries over the whole dataset and return its whole output."""
        form = text.lstrip().split(None, 1)[0].upper()
        job = QueryJob(text, form)  # type: ignore[arg-type]
        stream = await self.run(job, Task(text, media_type, internal=True))
        return await stream.read_all()


class _Worker:
    def __init__(
        self, pid: int, pid_fd: int, conn: Connection, forker: Forker, *, kept: bool
    ) -> None:
        self.forker = forker  # the holder it was forked from
        self.pid = pid
        self.pid_fd = pid_fd
        self.conn = conn
        self.kept = kept  # kept for our own queries
        self.resident = Resident(pid)

    def kill(self) -> None:
        kill(self.pid, self.pid_fd)
        self.conn.close()
        self.resident.close()


class WorkerPool(Fetching):
    """A fixed number of worker processes; each query borrows one, and a timeout kills it.

    One more worker is kept for our own queries (entity documents, pages), so that users'
    slow queries, however many, cannot hold up dereferencing; our queries use the shared
    workers too when it is busy.
    """

    #: The embedded store has our accent-folding function.
    fold = staticmethod(local_fold)

    def __init__(
        self, spec: StoreSpec, *, size: int, timeout_s: float, max_rss_bytes: int = 0
    ) -> None:
        self.spec = spec
        self.size = size
        self.timeout_s = timeout_s
        self.max_rss_bytes = max_rss_bytes  # a worker over it after a query is replaced
        self.recycled = 0
        self._forker = Forker(spec)
        # The worker that finished last takes the next query: its caches (the on-disk store's
        # block cache, the CPU's) are the warmest, so a lone client does not cycle cold workers.
        self._idle: asyncio.LifoQueue[_Worker] = asyncio.LifoQueue()
        self._kept: asyncio.Queue[_Worker] = asyncio.Queue()  # the worker kept for our queries
        self._all: set[_Worker] = set()
        self._pending: set[asyncio.Task[None]] = set()
        self._closed = False
        #: Set once the workers come from the holder of `spec` (at first, a store served from
        #: memory answers from the on-disk store while its in-memory copy loads).
        self.settled = asyncio.Event()

    @property
    def storage(self) -> str:
        """What answers queries now (see QueryEngine.storage)."""
        if not self.spec.in_memory:
            return "disk"
        return "memory" if self.settled.is_set() else "loading"

    async def start(self) -> None:
        """Start the store's holder and the workers; return once the first worker answers (the
        others join as they come up, so start-up does not wait for every worker). A store
        served from memory answers from the on-disk store until its in-memory copy has loaded,
        so start-up does not wait for the load either."""
        if self.spec.in_memory:
            self._forker = Forker(StoreSpec(self.spec.build, in_memory=False))
        await self._forker.start()
        if self.spec.in_memory:
            self._background(self._load_into_memory())
        else:
            self.settled.set()
        try:
            self._idle.put_nowait(await self._spawn(kept=False))
        except BaseException:  # no worker could open the store: leave no holder behind
            await self.close()
            raise
        for _ in range(self.size - 1):
            self._background(self._respawn(kept=False))
        self._background(self._respawn(kept=True))

    async def close(self) -> None:
        """Kill every worker."""
        self._closed = True
        for task in list(self._pending):
            task.cancel()
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        await self._forker.stop()

    async def run(self, job: QueryJob, task: Task) -> QueryStream:
        """Run a task; return once its first chunk is in, raising its error if it failed."""
        deadline = time.monotonic() + self.timeout_s
        if task.internal and not self._kept.empty():
            worker = self._kept.get_nowait()
        elif not self._idle.empty():  # the usual case: no timer, no task to wait in
            worker = self._idle.get_nowait()
        else:
            try:
                worker = await asyncio.wait_for(self._idle.get(), self.timeout_s)
            except TimeoutError:
                raise QueryTimeout(self.timeout_s) from None
        try:
            worker.conn.send(task)
            first, done = await self._receive(worker, deadline)
        except _Reported as reported:  # the worker survived its query's error
            self._release(worker)
            raise reported.error from None
        except BaseException:
            self._replace(worker)
            raise
        if done:  # the whole output came in one message
            self._release(worker)
            return QueryStream(first)
        return QueryStream(first, self._rest(worker, deadline))

    async def _rest(self, worker: _Worker, deadline: float) -> AsyncIterator[bytes]:
        finished = False
        try:
            while not finished:
                chunk, finished = await self._receive(worker, deadline)
                if chunk:
                    yield chunk
        except _Reported as reported:  # failed mid-stream; the worker is fine
            finished = True
            raise reported.error from None
        finally:  # on a timeout or error mid-stream, the exception cuts the response short,
            # so the client sees an incomplete body rather than a complete-looking one
            if finished:
                self._release(worker)
            else:  # timed out or the client went away mid-stream: the worker may be busy
                self._replace(worker)

    async def _receive(self, worker: _Worker, deadline: float) -> tuple[bytes, bool]:
        """The next chunk of output, and whether it is the last."""
        message = await _next_message(worker.conn, deadline - time.monotonic())
        if message is None:
            raise QueryTimeout(self.timeout_s)
        tag, body = message[:1], message[1:]
        if tag in (b"D", b"A", b"Z"):
            return body, tag != b"D"
        text = body.decode("utf-8", "replace")
        if tag == b"S":
            raise _Reported(syntax_error(text))
        raise _Reported(evaluation_error(text))

    def _release(self, worker: _Worker) -> None:
        """Put a worker that finished its query back where it came from, or replace it if the
        query left it over the memory limit (an idle worker is safe to kill)."""
        if self.max_rss_bytes and worker.resident.bytes() > self.max_rss_bytes:
            self.recycled += 1
            self._replace(worker)
            return
        self._put_back(worker)

    def _put_back(self, worker: _Worker) -> None:
        if worker.forker is not self._forker:  # forked from the on-disk store's holder
            self._replace(worker)
            return
        (self._kept if worker.kept else self._idle).put_nowait(worker)

    async def _load_into_memory(self) -> None:
        """Load the in-memory copy in a new holder, then replace the workers on disk by its
        forks: the idle ones now, the busy ones when their query ends."""
        memory = Forker(self.spec)
        try:
            await memory.start()
        except StoreUnavailable:
            _log.exception("The in-memory copy did not load; serving from the on-disk store.")
            return
        if self._closed:
            await memory.stop()
            return
        disk, self._forker = self._forker, memory
        for queue in (self._idle, self._kept):
            while not queue.empty():
                self._replace(queue.get_nowait())
        await disk.stop()
        self.settled.set()

    def _replace(self, worker: _Worker) -> None:
        self._all.discard(worker)
        worker.kill()
        if not self._closed:
            self._background(self._respawn(kept=worker.kept))

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._pending.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._pending.discard)

    async def _respawn(self, *, kept: bool) -> None:
        with contextlib.suppress(StoreUnavailable):
            self._put_back(await self._spawn(kept=kept))

    async def _spawn(self, *, kept: bool) -> _Worker:
        ours, theirs = multiprocessing.Pipe()
        forker = self._forker
        try:
            pid, pid_fd = await forker.fork(theirs)
        except BaseException as err:
            ours.close()
            if isinstance(err, StoreUnavailable) and forker is not self._forker:
                return await self._spawn(kept=kept)  # its holder was replaced meanwhile
            raise
        worker = _Worker(pid, pid_fd, ours, forker, kept=kept)
        self._all.add(worker)
        try:
            await wait_ready(ours, "A query worker")
        except StoreUnavailable:
            self._all.discard(worker)
            worker.kill()
            raise
        return worker


class _Reported(Exception):
    """An error the worker reported about its query, and survived."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


async def _next_message(conn: Connection, timeout_s: float) -> bytes | None:
    """The next message on `conn`, read once the pipe is readable; None at the timeout."""
    if timeout_s <= 0:
        return None
    if not _readable(conn):
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[bool] = loop.create_future()

        def settle(readable: bool) -> None:
            if not ready.done():
                ready.set_result(readable)

        fd = conn.fileno()
        loop.add_reader(fd, settle, True)
        timer = loop.call_later(timeout_s, settle, False)
        try:
            if not await ready:
                return None
        finally:
            timer.cancel()
            loop.remove_reader(fd)
            # Some loops (uvloop) leave a watched fd non-blocking, and the Connection then
            # mistakes a message still being written for a dead worker.
            os.set_blocking(fd, True)
    try:
        return conn.recv_bytes()
    except (EOFError, OSError):
        return b"Fthe query worker died"


def _readable(conn: Connection) -> bool:
    try:
        return conn.poll(0)
    except (EOFError, OSError):
        return True  # recv_bytes will tell
