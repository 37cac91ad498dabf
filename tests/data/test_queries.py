"""Every example in queries/ runs on the live endpoint and returns its expected result (.tsv)."""

from __future__ import annotations

import re

import httpx
import pytest

from icj_graph.examples import Example, load_examples
from tests.conftest import REPO

EXAMPLES = load_examples(REPO / "queries")


def tsv_rows(text: str) -> list[str]:
    return [line for line in text.replace("\r\n", "\n").split("\n") if line]


def test_there_are_at_least_ten_examples_each_with_expected_results() -> None:
    assert len(EXAMPLES) == len(list((REPO / "queries").glob("*.rq"))) >= 10
    for example in EXAMPLES:
        assert example.title != example.name, f"{example.name}.rq needs a '# title:' line"
        assert example.description, f"{example.name}.rq needs a '# description:' line"
        assert example.expected_path.is_file(), f"{example.name}.tsv is missing"


@pytest.mark.parametrize("example", [pytest.param(e, id=e.name) for e in EXAMPLES])
def test_example_returns_its_expected_result(client: httpx.Client, example: Example) -> None:
    response = client.post(
        "/sparql",
        data={"query": example.text},
        headers={"Accept": "text/tab-separated-values"},
    )
    assert response.status_code == 200, response.text
    got = tsv_rows(response.text)
    expected = tsv_rows(example.expected_path.read_text(encoding="utf-8"))
    assert got[0] == expected[0], "the header (variables) differs"
    if re.search(r"\bORDER\s+BY\b", example.text, re.IGNORECASE):
        assert got[1:] == expected[1:]
    else:
        assert sorted(got[1:]) == sorted(expected[1:])
    assert len(got) > 1, "an example should return at least one row"


def test_genocide_question_is_answered_with_sources(client: httpx.Client) -> None:
    """The foundation's acceptance question: who was charged with genocide, where, under what."""
    example = next(e for e in EXAMPLES if e.name == "genocide-charges")
    rows = client.post("/sparql", data={"query": example.text}).json()["results"]["bindings"]
    akayesu = [r for r in rows if r["person"]["value"] == "Jean-Paul Akayesu"]
    assert {
        (r["count"]["value"], r["article"]["value"], r["outcome"]["value"]) for r in akayesu
    } >= {
        ("1", "ICTR Statute, article 2(3)(a)", "Convicted"),
        ("2", "ICTR Statute, article 2(3)(e)", "Acquitted"),
    }
    assert {r["tribunal"]["value"] for r in rows} >= {"ICTY", "ICTR", "ECCC"}
    assert all(r["firstSource"]["value"].startswith("http") for r in rows)
    assert all(int(r["sources"]["value"]) >= 1 for r in rows)
