"""The store holder: one process that loads the store once and forks every query worker.

A worker is then started by a fork (milliseconds) instead of a new interpreter that imports the
engine and loads the store (3.5 s for a store of a million triples held in memory). So a worker
killed at its query's timeout is back almost at once, and a pool of N workers starts in the
time of one load. Forked workers share the holder's copy of the store until they touch it
(copy-on-write; the engine's reads update reference counts, so a busy worker ends up with its
own copy of what it read: sharing saves loading, not steady-state memory).

The on-disk (RocksDB) store is not opened in the holder: it runs threads, which a fork does not
copy. A worker forked for it opens it read-only itself (milliseconds).

The pool hands the holder one end of a new socket pair per worker (``SCM_RIGHTS``); the holder
forks, and answers with the worker's process id and, on Linux, a pidfd, so the pool can kill
exactly that process later, even after the holder has reaped it and its id was reused (elsewhere,
e.g. macOS, the pool kills by process id).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from multiprocessing.reduction import recv_handle, send_handle
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icj_graph.errors import StoreUnavailable
from icj_graph.worker_process import open_or_report, serve

if TYPE_CHECKING:
    from icj_graph.workers import StoreSpec

START_TIMEOUT_S = 120.0


class Forker:
    """The pool's handle on the store holder: start it, fork workers from it, stop it."""

    def __init__(self, spec: StoreSpec) -> None:
        self.spec = spec
        self._process: subprocess.Popen[bytes] | None = None
        self._control: Connection | None = None
        self._lock = asyncio.Lock()  # one fork request on the control pipe at a time
        self._stopped = False

    async def start(self) -> None:
        """Start the holder; return once it holds the store (raise StoreUnavailable if not).

        It is a plain subprocess, not a ``multiprocessing`` one, whose liveness pipe its forked
        workers would inherit and keep open (``join`` would then wait for them all)."""
        ours, theirs = socket.socketpair()
        where = "memory" if self.spec.in_memory else "disk"
        command = [sys.executable, "-c", "from icj_graph.forking import main; main()"]
        with theirs:
            fd = theirs.fileno()
            process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
                [*command, str(fd), str(self.spec.build), where], pass_fds=(fd,)
            )
        self._process, self._control = process, Connection(ours.detach())
        try:
            await wait_ready(self._control, "The store holder")
        except BaseException:  # not ready, or the pool closed meanwhile
            self.close()
            raise

    async def fork(self, conn: Connection) -> tuple[int, int]:
        """Fork a worker that serves on `conn` (the worker's end of its pipe, closed here);
        return its process id and a pidfd for it (-1 without pidfds). A holder that died is
        started again; one that was stopped raises StoreUnavailable."""
        async with self._lock:
            try:
                if self._stopped:
                    raise StoreUnavailable("The store holder was stopped.")
                if self._process is None or self._process.poll() is not None:
                    self.close()
                    await self.start()
                assert self._control is not None
                return await asyncio.to_thread(_request_fork, self._control, conn)
            except (EOFError, OSError) as err:
                raise StoreUnavailable(f"The store holder did not fork a worker: {err}") from None
            finally:
                conn.close()

    async def stop(self) -> None:
        """Stop the holder for good, once a fork under way is done."""
        async with self._lock:
            self._stopped = True
            self.close()

    def close(self) -> None:
        """Stop the holder (its workers live on until their pipes close)."""
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._process is not None:
            self._process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(5)
            self._process = None


def kill(pid: int, pid_fd: int) -> None:
    """Kill the worker behind `pid_fd` (if it still runs) and close the descriptor; by its
    process id `pid` where there is no descriptor (-1)."""
    with contextlib.suppress(ProcessLookupError, OSError):
        if pid_fd < 0:
            os.kill(pid, signal.SIGKILL)
            return
        signal.pidfd_send_signal(pid_fd, signal.SIGKILL)
    if pid_fd >= 0:
        os.close(pid_fd)


async def wait_ready(conn: Connection, who: str) -> None:
    """Wait for the ``R`` (ready) that a holder or a worker sends on `conn` once it has opened
    the store; raise StoreUnavailable with the reason it gave instead, or on no answer."""
    ready = await asyncio.to_thread(_first_message, conn)
    if ready != b"R":
        detail = ready[1:].decode("utf-8", "replace") if ready else "no answer"
        raise StoreUnavailable(f"{who} could not open the store: {detail}")


def _first_message(conn: Connection) -> bytes | None:
    try:
        if not conn.poll(START_TIMEOUT_S):
            return None
        return conn.recv_bytes()
    except (EOFError, OSError):
        return b"Fit exited"


def _request_fork(control: Connection, conn: Connection) -> tuple[int, int]:
    send_handle(control, conn.fileno(), 0)
    pid, has_fd = map(int, control.recv_bytes().split())
    return pid, recv_handle(control) if has_fd else -1


# --- the holder process ---------------------------------------------------------------------


def main() -> None:
    """The holder's entry point: ``<control fd> <build folder> memory|disk``."""
    fd, build, where = sys.argv[1:4]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's; the pipes end us
    holder_main(Path(build), in_memory=where == "memory", control=Connection(int(fd)))


def holder_main(build: Path, *, in_memory: bool, control: Connection) -> None:
    """Load the store if it is held in memory, then fork a worker for each socket the pool
    sends on `control`, until `control` closes."""
    store = None
    if in_memory:
        store = open_or_report(build, in_memory=True, conn=control)
        if store is None:
            return
    signal.signal(signal.SIGCHLD, _reap)
    control.send_bytes(b"R")
    while True:
        try:
            worker_fd = recv_handle(control)
        except (EOFError, OSError):
            return
        # SIGCHLD waits until the pidfd is open, so the child cannot be reaped before it.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        pid = os.fork()
        if pid == 0:  # the worker
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
            control.close()
            try:
                serve(store, build, Connection(worker_fd))
            finally:
                os._exit(0)
        os.close(worker_fd)
        pid_fd = _open_pid_fd(pid)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        control.send_bytes(f"{pid} {int(pid_fd >= 0)}".encode())
        if pid_fd >= 0:
            send_handle(control, pid_fd, 0)
            os.close(pid_fd)


def _open_pid_fd(pid: int) -> int:
    """A pidfd for `pid` (Linux 5.3 and later), else -1."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return -1


def _reap(signum: int, frame: Any) -> None:
    """Collect every worker that has exited (the pool killed it, or its pipe closed)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
