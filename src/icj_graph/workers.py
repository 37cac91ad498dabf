"""Killable query workers: each query runs in a worker process that can be killed at the timeout.

pyoxigraph cannot cancel a running query, so a query that runs past ``query_timeout_s`` is
stopped the only sure way: its worker process is killed and a fresh one takes its place. Each
worker holds the store (in memory, or the on-disk store read-only), runs one query at a time
and streams the serialized result back over a pipe in chunks, so large results are never held
whole. The event loop never waits on the engine: it reads a worker's pipe only once the pipe is
readable (``loop.add_reader``), so a query costs no thread hop.

Wire protocol, worker → parent, one message per ``send_bytes``: ``R`` ready; ``D`` + bytes (a
chunk); ``Z`` (done); ``A`` + bytes (the whole output of a small result, in one message);
``S`` + text (syntax error); ``F`` + text (failure).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import multiprocessing
import os
import time
from collections.abc import AsyncIterator, Coroutine
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import IO, Any, cast

from icj_graph.errors import QueryFailed, QueryTimeout, StoreUnavailable
from icj_graph.search import local_fold
from icj_graph.sparql import UNION, Dataset, QueryJob, syntax_error

CHUNK_BYTES = 64 * 1024
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
START_TIMEOUT_S = 120.0
#: A worker whose resident memory grew by more than this during one query gives the memory the
#: query freed back to the system (the allocator keeps it otherwise, and the worker looks big).
TRIM_GROWTH_BYTES = 64 * 1024 * 1024


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


class Resident:
    """A process's resident memory, read from ``/proc/<pid>/statm`` through a descriptor kept
    open (a read is then about a microsecond, not an open and a close)."""

    def __init__(self, pid: int | str = "self") -> None:
        try:
            self._fd = os.open(f"/proc/{pid}/statm", os.O_RDONLY)
        except OSError:  # no /proc, or the process is gone
            self._fd = -1

    def bytes(self) -> int:
        """The resident memory in bytes (0 where there is none to read)."""
        if self._fd < 0:
            return 0
        try:
            return int(os.pread(self._fd, 128, 0).split()[1]) * _PAGE_BYTES
        except (OSError, ValueError, IndexError):
            return 0

    def close(self) -> None:
        """Close the descriptor."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection, *, kept: bool) -> None:
        self.process = process
        self.conn = conn
        self.kept = kept  # kept for our own queries
        self.resident = Resident(process.pid or 0)

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(5)
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
        self._ctx = multiprocessing.get_context("spawn")
        # The worker that finished last takes the next query: its caches (the on-disk store's
        # block cache, the CPU's) are the warmest, so a lone client does not cycle cold workers.
        self._idle: asyncio.LifoQueue[_Worker] = asyncio.LifoQueue()
        self._kept: asyncio.Queue[_Worker] = asyncio.Queue()  # the worker kept for our queries
        self._all: set[_Worker] = set()
        self._pending: set[asyncio.Task[None]] = set()
        self._closed = False

    async def start(self) -> None:
        """Start the workers; return once the first has opened the store (the others join as
        they come up, so start-up does not wait for every worker)."""
        self._idle.put_nowait(await self._spawn(kept=False))
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

    async def run(self, job: QueryJob, task: Task) -> QueryStream:
        """Run a task; return once its first chunk is in, raising its error if it failed."""
        deadline = time.monotonic() + self.timeout_s
        if task.internal and not self._kept.empty():
            worker = self._kept.get_nowait()
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
        raise _Reported(QueryFailed(f"The query failed while running: {text}"))

    def _release(self, worker: _Worker) -> None:
        """Put a worker that finished its query back where it came from, or replace it if the
        query left it over the memory limit (an idle worker is safe to kill)."""
        if self.max_rss_bytes and worker.resident.bytes() > self.max_rss_bytes:
            self.recycled += 1
            self._replace(worker)
            return
        self._put_back(worker)

    def _put_back(self, worker: _Worker) -> None:
        (self._kept if worker.kept else self._idle).put_nowait(worker)

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
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=worker_main, args=(self.spec, child), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent, kept=kept)
        self._all.add(worker)
        ready = await asyncio.to_thread(_recv, parent, START_TIMEOUT_S)
        if ready != b"R":
            self._all.discard(worker)
            worker.kill()
            detail = (ready or b" no answer")[1:].decode("utf-8", "replace")
            raise StoreUnavailable(f"A query worker could not open the store:{detail}")
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
    return _recv(conn, 0)


def _readable(conn: Connection) -> bool:
    try:
        return conn.poll(0)
    except (EOFError, OSError):
        return True  # recv_bytes will tell


def _recv(conn: Connection, timeout_s: float) -> bytes | None:
    """The next message, after waiting up to `timeout_s` (0: it is known to be there)."""
    try:
        if timeout_s > 0 and not conn.poll(timeout_s):
            return None
        return conn.recv_bytes()
    except (EOFError, OSError):
        return b"Fthe query worker died"


# --- the worker process -------------------------------------------------------------------


class _PipeWriter:
    """A binary file-like object that sends what it is given in chunks."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.buffer = bytearray()
        self.sent = False

    def write(self, data: Any) -> int:
        self.buffer += data
        if len(self.buffer) >= CHUNK_BYTES:
            self._send_chunk()
        return len(data)

    def flush(self) -> None:
        """Nothing: the serializer's flushes must not cut a small output into messages."""

    def _send_chunk(self) -> None:
        if self.buffer:
            self.conn.send_bytes(b"D" + bytes(self.buffer))
            self.buffer.clear()
            self.sent = True

    def finish(self) -> None:
        """Send what is left and the end: one message (``A``) when the output is small."""
        if self.sent:
            self._send_chunk()
            self.conn.send_bytes(b"Z")
        else:
            self.conn.send_bytes(b"A" + bytes(self.buffer))


def worker_main(spec: StoreSpec, conn: Connection) -> None:
    """Open the store, then run tasks from `conn` until the pipe closes."""
    from icj_graph.store import execute, open_store

    try:
        store = open_store(spec.build, in_memory=spec.in_memory)
    except Exception as err:  # reported to the parent, which refuses to start
        conn.send_bytes(b"F" + str(err).encode())
        return
    conn.send_bytes(b"R")
    heap = Heap()
    while True:
        try:
            task: Task = conn.recv()
        except (EOFError, OSError):
            return
        pipe = _PipeWriter(conn)
        writer = cast(IO[bytes], pipe)
        ending = b""
        heap.start()
        try:
            execute(store, task.text, task.media_type, writer, dataset=task.dataset)
        except SyntaxError as err:
            ending = b"S" + str(err).encode()
        except Exception as err:  # the engine's evaluation error, reported to the client
            pipe.buffer.clear()
            ending = b"F" + str(err).encode()
        heap.trim_if_grown()  # before the end goes out, so the parent sees what is left
        if ending:
            conn.send_bytes(ending)
        else:
            pipe.finish()


class Heap:
    """This process's heap, given back to the system after a query that made it grow.

    The growth is counted per query: what stays resident across queries (the on-disk store's
    block cache) must not make every later query pay for a trim."""

    def __init__(self) -> None:
        self._resident = Resident()
        # glibc's malloc_trim, from the symbols already loaded (none elsewhere, e.g. musl)
        self._trim = getattr(ctypes.CDLL(None), "malloc_trim", None)
        self._before = 0

    def start(self) -> None:
        """A query starts: remember the resident memory."""
        self._before = self._resident.bytes()

    def trim_if_grown(self) -> None:
        """Release the memory the query freed (glibc's ``malloc_trim``) if the process grew by
        more than TRIM_GROWTH_BYTES during it; a few ms, and only then."""
        if self._trim is not None and self._resident.bytes() - self._before > TRIM_GROWTH_BYTES:
            self._trim(0)
