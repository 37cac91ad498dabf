"""Shared fixtures: the repository's store built once, and the real app on a loopback port."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from pyoxigraph import RdfFormat, parse

from icj_graph.build import build
from icj_graph.remote import load_into
from icj_graph.settings import Settings
from icj_graph.store import DATASET_FILE, current_build
from icj_graph.web.app import server_config

REPO = Path(__file__).resolve().parent.parent
#: The data the served store is built from: the repository (a developer may point elsewhere).
SOURCE = Path(os.environ.get("ICJ_GRAPH_TEST_SOURCE", REPO))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
#: The data's version, as the ontology states it (owl:versionInfo).
VERSION = re.search(
    r'owl:versionInfo "([^"]+)"', (REPO / "ontology" / "icj.ttl").read_text(encoding="utf-8")
).group(1)  # type: ignore[union-attr]
#: Short enough for the timeout tests to be quick; every real query here takes far less.
TEST_TIMEOUT_S = 4.0


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's data, built once into a temporary store."""
    store = tmp_path_factory.mktemp("store") / "store"
    build(Settings(source_dir=SOURCE, store_path=store))
    return store


def serve_in_thread(settings: Settings) -> tuple[str, uvicorn.Server, threading.Thread]:
    """Start the real app under uvicorn on a free loopback port; return its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(server_config(settings, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    wait_until_up(base, timeout_s=60)
    return base, server, thread


def wait_until_up(base: str, *, timeout_s: float) -> None:
    """Poll the endpoint until it answers; fail the test run if it never does."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/sparql", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the server at {base} did not come up within {timeout_s} s")


def wait_until_settled(base: str, *, timeout_s: float) -> dict[str, object]:
    """Poll ``/readyz`` until the store is served as configured (not from disk while an
    in-memory copy loads); return its answer."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ready: dict[str, object] = httpx.get(f"{base}/readyz", timeout=5).json()
        if ready.get("storage") != "loading":
            return ready
        time.sleep(0.1)
    pytest.fail(f"the server at {base} still loads its in-memory copy after {timeout_s} s")


@pytest.fixture(scope="session")
def oxigraph_server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Oxigraph server (PyPI ``oxigraph``) on loopback, loaded with the built data
    through the Graph Store Protocol; its default graph is the union of the graphs."""
    port = free_port()
    process = subprocess.Popen(
        [
            "oxigraph",
            "serve",
            "--location",
            str(tmp_path_factory.mktemp("oxigraph")),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
            "--timeout-s",
            "20",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/query", params={"query": "ASK {}"}, timeout=2)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    quads = parse(path=current_build(built_store) / DATASET_FILE, format=RdfFormat.N_QUADS)
    load_into(f"{url}/store", quads)
    yield url
    process.kill()
    process.wait(10)


@pytest.fixture(scope="session", params=["embedded", "oxigraph"])
def server(request: pytest.FixtureRequest, built_store: Path) -> Iterator[str]:
    """The base URL of the real app serving the repository's data, on each store backend:
    the embedded store's workers, and a remote Oxigraph server (the same tests run on both)."""
    store_url = None
    if request.param == "oxigraph":
        store_url = request.getfixturevalue("oxigraph_server") + "/query"
    settings = Settings(
        source_dir=SOURCE,
        store_path=built_store,
        store_url=store_url,
        workers=2,
        query_timeout_s=TEST_TIMEOUT_S,
    )
    base, srv, thread = serve_in_thread(settings)
    yield base
    srv.should_exit = True
    thread.join(10)


@pytest.fixture()
def client(server: str) -> Iterator[httpx.Client]:
    """An HTTP client on the running app."""
    with httpx.Client(base_url=server, timeout=30) as http:
        yield http


def make_source(tmp: Path, data_files: list[Path]) -> Path:
    """A source folder: the repository's ontology and shapes, with the given data files."""
    shutil.copytree(REPO / "ontology", tmp / "ontology")
    shutil.copytree(REPO / "shapes", tmp / "shapes")
    (tmp / "data").mkdir()
    for path in data_files:
        shutil.copy(path, tmp / "data" / path.name)
    return tmp


@pytest.fixture()
def serve_fixture(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Start the app on a dataset of fixture files, with settings of the test's choosing."""
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(data_files: list[Path], **settings: object) -> str:
        source = make_source(tmp_path / f"src{len(servers)}", data_files)
        store = tmp_path / f"store{len(servers)}"
        build(Settings(source_dir=source, store_path=store))
        options = {"workers": 1, "query_timeout_s": TEST_TIMEOUT_S, **settings}
        base, server, thread = serve_in_thread(
            Settings(source_dir=source, store_path=store, **options)  # type: ignore[arg-type]
        )
        servers.append((server, thread))
        return base

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(10)


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve_cli(source: Path, store: Path, port: int, **popen: Any) -> subprocess.Popen[str]:
    """Run ``icj-graph serve`` as a user does, in a subprocess, on one worker."""
    command = ["serve", "--port", str(port), "--workers", "1"]
    command += ["--source", str(source), "--store", str(store)]
    return subprocess.Popen([sys.executable, "-m", "icj_graph", *command], text=True, **popen)


def run_cli(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Run ``icj-graph`` with `args` as a user does and collect what it prints."""
    return subprocess.run(
        [sys.executable, "-m", "icj_graph", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
