"""The icj-graph command line, run as a user runs it: exit codes and the messages they read."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import httpx

from tests.conftest import (
    FIXTURES,
    REPO,
    free_port,
    make_source,
    run_cli,
    serve_cli,
    wait_until_up,
)

MINIMAL = [FIXTURES / "minimal" / "minimal.ttl", REPO / "data" / "vocabularies.ttl"]


def test_validate_passes_on_the_repository() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("valid: ")


def test_validate_reports_file_focus_and_message(tmp_path: Path) -> None:
    broken = FIXTURES / "broken" / "SentenceShape--life-with-term.ttl"
    source = make_source(tmp_path, [*MINIMAL, broken])
    result = run_cli("validate", "--source", str(source))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: 1 SHACL violation(s):")
    assert (
        "data/SentenceShape--life-with-term.ttl: "
        "<https://w3id.org/icj-graph/id/sentence/ex-01-example-person-appeal>"
    ) in result.stderr
    assert "A sentence of imprisonment needs icj:termYears" in result.stderr


def test_build_refuses_invalid_turtle_with_its_position(tmp_path: Path) -> None:
    source = make_source(tmp_path / "src", MINIMAL)
    (source / "data" / "bad.ttl").write_text("PREFIX x: <http://x/>\nx:a x:b .\n", encoding="utf-8")
    result = run_cli("build", "--source", str(source), "--store", str(tmp_path / "store"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith("error: data/bad.ttl:2:")
    assert not (tmp_path / "store").exists()


def test_unknown_command_is_a_usage_error() -> None:
    result = run_cli("frobnicate")
    assert result.returncode == 2
    assert "No such command" in result.stderr


def test_serve_builds_when_there_is_no_store_and_answers(tmp_path: Path) -> None:
    source = make_source(tmp_path / "src", MINIMAL)
    store = tmp_path / "store"
    port = free_port()
    process = serve_cli(source, store, port, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base, timeout_s=120)
        answer = httpx.get(
            f"{base}/sparql",
            params={
                "query": "SELECT ?l WHERE { <https://w3id.org/icj-graph/id/case/ex-01> "
                "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
            },
            headers={"Accept": "text/csv"},
        )
        assert answer.status_code == 200
        assert answer.text.splitlines() == ["l", "Prosecutor v. Example Person"]
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "building it first" in output


def test_serve_refuses_a_store_that_cannot_be_opened_in_one_line(
    built_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(built_store.resolve(), store)
    (store / "oxigraph" / "CURRENT").write_text("not a manifest\n")
    done = run_cli("serve", "--store", str(store), "--port", str(free_port()))
    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"error: The store at {store} cannot be opened: Corruption: CURRENT file corrupted"
    ), done.stderr
