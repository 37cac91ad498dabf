"""The scholar's toolkit: the query command, examples, diff, citations, and the README's Python."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from pathlib import Path

import httpx
import pytest

from icj_graph.build import build
from icj_graph.client import Graph
from icj_graph.settings import Settings
from tests.conftest import FIXTURES, REPO, VERSION, make_source, run_cli, serve_in_thread

MINIMAL = [FIXTURES / "minimal" / "minimal.ttl", REPO / "data" / "vocabularies.ttl"]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_query_prints_formats_and_writes_files(built_store: Path, tmp_path: Path) -> None:
    tsv = run_cli("query", "cases-per-tribunal", "--store", str(built_store))
    assert tsv.returncode == 0, tsv.stderr
    assert tsv.stdout.splitlines()[0] == "?tribunal\t?cases\t?accusedPersons\t?charges"
    table = run_cli("query", "cases-per-tribunal", "--format", "table", "--store", str(built_store))
    assert re.match(r"tribunal +\| cases", table.stdout) and "(7 rows)" in table.stdout
    out = tmp_path / "deaths.csv"
    written = run_cli(
        "query",
        "queries/death-sentences.rq",
        "--format",
        "csv",
        "-o",
        str(out),
        "--store",
        str(built_store),
    )
    assert written.returncode == 0 and out.read_text().startswith("tribunal,person,judgmentDate")
    turtle = run_cli(
        "query",
        "DESCRIBE <https://w3id.org/icj-graph/id/tribunal/icc>",
        "--format",
        "turtle",
        "--store",
        str(built_store),
    )
    assert "tribunal:icc" in turtle.stdout


def test_query_errors_show_the_position(built_store: Path) -> None:
    bad = run_cli("query", "SELECT * WHERE {\n ?s ?p }", "--store", str(built_store))
    assert bad.returncode == 1
    assert bad.stderr.startswith("error: Malformed SPARQL query: line 2, column")


def test_query_on_an_endpoint(server: str) -> None:
    answer = run_cli(
        "query",
        "ASK { ?p a <https://w3id.org/icj-graph/ontology#Person> }",
        "--format",
        "json",
        "--endpoint",
        f"{server}/sparql",
    )
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["boolean"] is True


def test_examples_are_listed_with_titles() -> None:
    listed = run_cli("examples").stdout.splitlines()
    assert (
        "genocide-charges\tWho was charged with genocide, by which tribunal, under which article?"
        in listed
    )
    assert len(listed) == len(list((REPO / "queries").glob("*.rq")))


def test_cite_names_version_query_and_time(built_store: Path) -> None:
    answer = run_cli("query", "cases-per-tribunal", "--cite", "--store", str(built_store))
    assert re.search(
        rf"icj-graph dataset, version {re.escape(VERSION)} \(build [0-9a-f]{{16}}, .+\), "
        r"https://w3id\.org/icj-graph/\. "
        r"SPARQL query \(SHA-256 [0-9a-f]{12}…\) run on \d{4}-\d\d-\d\dT",
        answer.stderr,
    )
    assert "# title: Cases and accused per tribunal" in answer.stderr
    # the hash is of the query as printed, so a reader can check the footnote
    digest = re.search(r"SHA-256 ([0-9a-f]{12})…", answer.stderr)
    printed = answer.stderr.split("\n\n", 1)[1].strip()
    assert digest and hashlib.sha256(printed.encode()).hexdigest().startswith(digest.group(1))


def test_query_reports_a_failing_query_in_one_line(built_store: Path) -> None:
    unknown = "SELECT (<http://e/f>(1) AS ?x) {}"
    answer = run_cli("query", unknown, "--store", str(built_store))
    assert answer.returncode == 1
    assert answer.stderr.startswith("error: The query calls <http://e/f>"), answer.stderr
    assert "Traceback" not in answer.stderr


def test_query_names_a_misspelt_example_or_a_missing_file(built_store: Path) -> None:
    typo = run_cli("query", "genocide-charge", "--store", str(built_store))
    assert typo.returncode == 1
    assert typo.stderr.startswith(
        "error: No example named 'genocide-charge': did you mean genocide-charges?"
    )
    missing = run_cli("query", "queries/nope.rq", "--store", str(built_store))
    assert missing.stderr.strip() == "error: No such query file: queries/nope.rq"


def test_build_records_and_diff_reports_what_changed(tmp_path: Path) -> None:
    source = make_source(tmp_path / "src", MINIMAL)
    store = tmp_path / "store"
    first = build(Settings(source_dir=source, store_path=store))
    data = source / "data" / "minimal.ttl"
    text = data.read_text(encoding="utf-8")
    text = text.replace('icj:termYears "10"^^xsd:decimal', 'icj:termYears "12"^^xsd:decimal')
    text += (
        "\n<https://w3id.org/icj-graph/id/person/second-person>\n    a icj:Person ;\n"
        '    rdfs:label "Second Person"@en ;\n.\n'
    )
    data.write_text(text, encoding="utf-8")
    second = build(Settings(source_dir=source, store_path=store))
    recorded = json.loads((second.path / "changes.json").read_text())
    assert recorded["since"] == first.info.content_hash
    assert recorded["entities"]["Person"] == {"added": 1}
    assert recorded["properties"] == {"Sentence: termYears changed": 1}
    summary = run_cli("diff", str(first.path), str(second.path)).stdout.strip()
    assert summary == (
        "1 person added; 1 × Sentence: termYears changed. 3 triples added, 1 removed."
    )
    base, server, thread = serve_in_thread(
        Settings(source_dir=source, store_path=store, workers=1, cache_bytes=0)
    )
    try:
        served = httpx.get(f"{base}/dumps/changes.json")
    finally:
        server.should_exit = True
        thread.join(10)
    assert served.headers["content-type"] == "application/json"
    assert served.json() == recorded


def test_dumps_of_one_build_differ_in_nothing_whatever_their_format(tmp_path: Path) -> None:
    """The N-Quads dump keeps inferred triples in their own graph; the triple dumps cannot,
    so against one of them they count on both sides instead of showing up as changes."""
    source = make_source(tmp_path / "src", MINIMAL)
    built = build(Settings(source_dir=source, store_path=tmp_path / "store"))
    dumps = sorted((built.path / "dumps").glob("icj-graph-*"))
    assert {d.name.rsplit("-", 1)[1].split(".", 1)[1] for d in dumps} >= {"nq.gz", "nt.gz", "ttl"}
    for old, new in zip(dumps, [*dumps[1:], built.path], strict=True):
        summary = run_cli("diff", str(old), str(new)).stdout.strip()
        assert summary == "0 triples added, 0 removed.", (old.name, new.name)


def test_the_readme_python_example_runs(built_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    block = re.search(r"```python\n(.*?)```", README, re.S)
    assert block, "the README has a Python example"
    monkeypatch.setenv("ICJ_GRAPH_STORE_PATH", str(built_store))
    printed: list[str] = []
    namespace = {"print": lambda *args: printed.append(" ".join(map(str, args)))}
    exec(compile(block.group(1), "README.md", "exec"), namespace)
    assert printed[0] == "001/18-07-2007-ECCC"
    assert printed[1] == "['Ratko Mladić']"
    assert f"icj-graph dataset, version {VERSION}" in printed[2]


def test_rows_give_python_values(built_store: Path) -> None:
    graph = Graph.open(built_store)
    (row,) = graph.rows(
        "SELECT ?date ?years WHERE { <https://w3id.org/icj-graph/id/judgment/it-09-92-appeal> "
        "<https://w3id.org/icj-graph/ontology#date> ?date . "
        "BIND(40 AS ?years) }"
    )
    assert row == {"date": datetime.date(2021, 6, 8), "years": 40}
