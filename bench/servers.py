"""Start, probe and stop the SPARQL servers under test, all on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

HOST = "127.0.0.1"
PROBE = "ASK { ?s ?p ?o }"
READY_TIMEOUT_S = 300.0


@dataclass
class Server:
    """A server process under test and how long it took to answer its first query."""

    name: str
    endpoint: str
    process: subprocess.Popen[bytes]
    log: Path
    startup_s: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        """The server's root URL (the endpoint without ``/sparql``)."""
        return self.endpoint.rsplit("/", 1)[0]

    def rss_mb(self) -> dict[str, float]:
        """Memory of the server's process tree, in MB, by role: resident memory, except for
        icj-graph's query workers, forked from the process holding the store: their unique
        memory (what is theirs alone; the pages they still share are the holder's)."""
        try:
            root = psutil.Process(self.process.pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return {}
        found: dict[str, float] = {}
        for index, proc in enumerate(tree):
            try:
                ours = "icj_graph.forking" in " ".join(proc.cmdline())
                forked = ours and proc.ppid() != root.pid
                role = (
                    "main" if index == 0 else "worker" if forked else "holder" if ours else "helper"
                )
                info = proc.memory_full_info() if forked else proc.memory_info()
                size = (info.uss if forked else info.rss) / 2**20
            except psutil.NoSuchProcess:
                continue
            found[f"{role}-{index}" if role != "main" else role] = round(size, 1)
        return found

    def stop(self) -> None:
        """Stop the server and everything it started (its own process group)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def launch(name: str, command: list[str], endpoint: str, logs: Path, **popen: object) -> Server:
    """Start `command`, wait until `endpoint` answers an ASK query, and time it."""
    log = logs / f"{name}.log"
    start = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, **popen)  # type: ignore[call-overload]
    server = Server(name, endpoint, process, log)
    try:
        wait_ready(server)
    except Exception:
        server.stop()
        raise
    server.startup_s = round(time.perf_counter() - start, 2)
    return server


def wait_ready(server: Server, timeout_s: float = READY_TIMEOUT_S) -> None:
    """Poll the endpoint with an ASK query until it answers 200 (or the process dies)."""
    deadline = time.monotonic() + timeout_s
    with httpx.Client(timeout=5) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                tail = server.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{server.name} exited ({server.process.returncode}): {tail}")
            try:
                answer = client.post(
                    server.endpoint,
                    data={"query": PROBE},
                    headers={"Accept": "application/sparql-results+json"},
                )
                if answer.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
    raise TimeoutError(f"{server.name} did not answer within {timeout_s} s")


def start_icj(
    store: Path, logs: Path, workers: int, *, cache: bool = True, name: str = ""
) -> Server:
    """``icj-graph serve`` on a built store (in-memory copy in each worker), its result cache
    on (the default) or off (``ICJ_GRAPH_CACHE_BYTES=0``: every query is evaluated)."""
    port = free_port()
    command = ["icj-graph", "serve", "--host", HOST, "--port", str(port)]
    command += ["--workers", str(workers), "--store", str(store)]
    name = name or ("icj-graph" if cache else "icj-graph (cache off)")
    env = os.environ | ({} if cache else {"ICJ_GRAPH_CACHE_BYTES": "0"})
    began = time.perf_counter()
    server = launch(name, command, f"http://{HOST}:{port}/sparql", logs, env=env)
    # It answers from the on-disk store while an in-memory copy loads: measure it as served.
    with httpx.Client(timeout=5) as client:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while client.get(f"{server.base}/readyz").json().get("storage") == "loading":
            if time.monotonic() > deadline:
                server.stop()
                raise TimeoutError(f"{name} still loads its in-memory copy")
            time.sleep(0.05)
    settled = time.perf_counter() - began
    if settled - server.startup_s > 0.1:
        server.notes.append(f"serves from memory after {settled:.1f} s")
    return server


def start_oxigraph(build: Path, logs: Path) -> Server:
    """``oxigraph serve-read-only`` on the build's RocksDB store, union default graph."""
    port = free_port()
    command = ["oxigraph", "serve-read-only", "--location", str(build / "oxigraph")]
    command += ["--bind", f"{HOST}:{port}", "--union-default-graph"]
    return launch("oxigraph", command, f"http://{HOST}:{port}/query", logs)


def start_rdflib(build: Path, logs: Path) -> Server:
    """``rdflib-endpoint serve`` on the build's N-Quads (an rdflib Dataset, union default)."""
    port = free_port()
    command = ["rdflib-endpoint", "serve", "--host", HOST, "--port", str(port)]
    command.append(str(build / "dataset.nq"))
    return launch("rdflib-endpoint", command, f"http://{HOST}:{port}/", logs)


VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = {host}:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {data}
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
MaxQueryMem = 2G
CaseMode = 2
[HTTPServer]
ServerPort = {host}:{http_port}
ServerRoot = {db}
ServerThreads = 16
MaxClientConnections = 16
MaxKeepAlives = 16
EnabledGzipContent = 0
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
"""


def start_virtuoso(build: Path, logs: Path, workdir: Path) -> Server | None:
    """Virtuoso (Debian's virtuoso-opensource), the build's N-Quads bulk-loaded; None if absent."""
    if not shutil.which("virtuoso-t") or not shutil.which("isql-vt"):
        return None
    db = workdir / "virtuoso"
    shutil.rmtree(db, ignore_errors=True)
    db.mkdir(parents=True)
    sql_port, http_port = free_port(), free_port()
    ini = db / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(db=db, data=build, host=HOST, sql_port=sql_port, http_port=http_port)
    )
    command = ["virtuoso-t", "+foreground", "+configfile", str(ini)]
    server = launch("virtuoso", command, f"http://{HOST}:{http_port}/sparql", logs, cwd=db)
    start = time.perf_counter()
    load = (
        f"ld_dir('{build}', 'dataset.nq', 'urn:icj-graph:default'); rdf_loader_run(); checkpoint;"
    )
    subprocess.run(
        ["isql-vt", f"{HOST}:{sql_port}", "dba", "dba", f"exec={load}"],
        check=True,
        capture_output=True,
        timeout=1800,
    )
    server.notes.append(f"bulk load (ld_dir + rdf_loader_run): {time.perf_counter() - start:.1f} s")
    return server
