"""What runs inside a query worker process: take a task from the pipe, run it on the store, send
the serialized result back in chunks, give back the memory a big query freed.

Wire protocol, worker → parent, one message per ``send_bytes``: ``R`` ready; ``D`` + bytes (a
chunk); ``Z`` (done); ``A`` + bytes (the whole output of a small result, in one message);
``S`` + text (syntax error); ``F`` + text (failure).
"""

from __future__ import annotations

import ctypes
import os
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from pyoxigraph import Store

    from icj_graph.workers import Task

CHUNK_BYTES = 64 * 1024
_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
#: A worker whose resident memory grew by more than this during one query gives the memory the
#: query freed back to the system (the allocator keeps it otherwise, and the worker looks big).
TRIM_GROWTH_BYTES = 64 * 1024 * 1024


def serve(store: Store | None, build: Path, conn: Connection) -> None:
    """Say ready, then run tasks from `conn` until the pipe closes. Without a `store` (the
    holder keeps none on disk: a fork does not copy the engine's threads), open the on-disk
    store of `build` read-only first."""
    from icj_graph.store import execute

    if store is None:
        store = open_or_report(build, in_memory=False, conn=conn)
        if store is None:
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


def open_or_report(build: Path, *, in_memory: bool, conn: Connection) -> Store | None:
    """Open the store of `build`; if it cannot be opened, say why on `conn` (the parent then
    refuses to start) and return None."""
    from icj_graph.store import open_store

    try:
        return open_store(build, in_memory=in_memory)
    except Exception as err:  # any failure to open: the reason goes to the parent
        conn.send_bytes(b"F" + str(err).encode())
        return None


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
