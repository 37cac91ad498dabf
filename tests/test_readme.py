"""The README tells the truth: its settings, its set-up commands and its curl examples."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from icj_graph.settings import Settings
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
CURLS = [line for line in README.splitlines() if line.startswith("curl ")]
TEST_COMMAND = "pip install -e '.[test]' && ruff check src tests && mypy src && python -m pytest"


def test_every_setting_is_documented() -> None:
    for name in Settings.model_fields:
        assert f"ICJ_GRAPH_{name.upper()}" in README, f"README lacks ICJ_GRAPH_{name.upper()}"


def test_the_two_set_up_commands_are_there_and_ci_runs_the_test_one() -> None:
    assert "pip install . && icj-graph serve" in README
    assert TEST_COMMAND in README
    assert TEST_COMMAND in (REPO / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("line", [pytest.param(c, id=f"curl-{i}") for i, c in enumerate(CURLS)])
def test_curl_example_runs(server: str, line: str) -> None:
    curl = shutil.which("curl")
    assert curl, "curl is needed to run the README's examples"
    args = shlex.split(line.replace("http://127.0.0.1:8000", server))
    result = subprocess.run([curl, "--fail-with-body", *args[1:]], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip()


def test_readme_has_curl_examples() -> None:
    assert len(CURLS) >= 4
    assert any(re.search(r"application/sparql-query", c) for c in CURLS)


COVERAGE = README.split("## Coverage", 1)[1].split("\n## ", 1)[0]
TABLES = re.findall(r"<!-- query: ([\w-]+) -->\n((?:\|.*\n)+)", COVERAGE)


def test_coverage_has_tables() -> None:
    assert [name for name, _ in TABLES] == ["tribunal-totals", "icc-totals", "charge-coverage"]


@pytest.mark.parametrize(("name", "table"), TABLES, ids=[name for name, _ in TABLES])
def test_coverage_table_is_the_output_of_its_query(
    built_store: Path, name: str, table: str
) -> None:
    from icj_graph.client import Graph

    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in table.splitlines()]
    query = (REPO / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    rows = Graph.open(built_store).rows(query)
    assert cells[2:] == [[str(value) for value in row.values()] for row in rows]
