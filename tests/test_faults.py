"""Faults: kill -9 during a build, a failed build under a running server, kill -9 of the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from icj_graph.build import build
from icj_graph.settings import Settings
from icj_graph.store import current_build, read_build_info
from tests.conftest import (
    FIXTURES,
    REPO,
    free_port,
    make_source,
    serve_cli,
    wait_until_settled,
    wait_until_up,
)

MINIMAL = [FIXTURES / "minimal" / "minimal.ttl", REPO / "data" / "vocabularies.ttl"]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def cli(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "icj_graph", *args], text=True, **kwargs
    )


def triples(base: str) -> int:
    answer = httpx.get(f"{base}/sparql", params={"query": COUNT}, timeout=30).json()
    return int(answer["results"]["bindings"][0]["n"]["value"])


def test_kill_9_during_build_leaves_the_last_good_store(tmp_path: Path) -> None:
    source = make_source(tmp_path / "src", MINIMAL)
    store = tmp_path / "store"
    good = build(Settings(source_dir=source, store_path=store))
    (source / "data" / "more.ttl").write_text((REPO / "data" / "states.ttl").read_text("utf-8"))
    process = cli("build", "--source", str(source), "--store", str(store), stderr=subprocess.PIPE)
    assert process.stderr is not None
    for line in process.stderr:  # kill it in the middle of the work, once validation started
        if line.startswith("validate"):
            break
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert current_build(store) == good.path
    assert read_build_info(current_build(store)) == good.info


def test_a_failed_build_leaves_the_running_server_serving(tmp_path: Path) -> None:
    source = make_source(tmp_path / "src", MINIMAL)
    store = tmp_path / "store"
    port = free_port()
    server = serve_cli(source, store, port, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, timeout_s=120)
        before = wait_until_settled(base, timeout_s=120)
        assert before["storage"] == "memory"
        (source / "data" / "broken.ttl").write_text("PREFIX x: <http://x/>\nx:a x:b .\n")
        failed = cli(
            "build", "--source", str(source), "--store", str(store), stderr=subprocess.PIPE
        )
        _, errors = failed.communicate(timeout=120)
        assert failed.returncode == 1 and "data/broken.ttl:2:" in errors
        assert httpx.get(f"{base}/readyz").json() == before
        assert triples(base) > 0
    finally:
        server.kill()
        server.wait(30)


def test_kill_9_of_the_server_and_restart_serve_the_same_data(tmp_path: Path) -> None:
    source = make_source(tmp_path / "src", MINIMAL)
    store = tmp_path / "store"
    build(Settings(source_dir=source, store_path=store))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    answers = []
    for _ in range(2):
        server = serve_cli(
            source, store, port, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until_up(base, timeout_s=120)
        ready = httpx.get(f"{base}/readyz").json()
        answers.append((triples(base), ready["content_hash"], ready["triples"]))
        os.kill(server.pid, signal.SIGKILL)
        server.wait(30)
        time.sleep(0.5)
    assert answers[0] == answers[1]
    assert answers[0][0] > 0
