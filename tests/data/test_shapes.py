"""The SHACL gate: the minimal dataset passes; each broken fixture is caught with its message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, RdfFormat, parse

from icj_graph.build import check
from icj_graph.load import load_quads, load_shapes, source_files
from icj_graph.validate import validate_quads
from tests.conftest import FIXTURES, REPO, make_source

BROKEN = sorted((FIXTURES / "broken").glob("*.ttl"))
MINIMAL = [FIXTURES / "minimal" / "minimal.ttl", REPO / "data" / "vocabularies.ttl"]
SH_NODE_SHAPE = NamedNode("http://www.w3.org/ns/shacl#NodeShape")


def expectations(path: Path) -> dict[str, str]:
    """The `# expect-...:` header lines of a broken fixture."""
    return dict(re.findall(r"^# expect-(\w+): (.+)$", path.read_text(encoding="utf-8"), re.M))


def test_minimal_dataset_is_valid(tmp_path: Path) -> None:
    _, violations = check(make_source(tmp_path, MINIMAL))
    assert violations == []


@pytest.mark.parametrize("fixture", [pytest.param(p, id=p.stem) for p in BROKEN])
def test_broken_fixture_is_caught(tmp_path: Path, fixture: Path) -> None:
    expected = expectations(fixture)
    _, violations = check(make_source(tmp_path, [*MINIMAL, fixture]))
    assert len(violations) == 1, "\n".join(map(str, violations))
    (violation,) = violations
    assert violation.shape == expected["shape"]
    assert violation.focus == expected["focus"]
    assert violation.message.startswith(expected["message"])
    assert violation.file == f"data/{fixture.name}"


def test_a_violation_names_the_offending_value(tmp_path: Path) -> None:
    # Which of a subject's sources is wrong is not otherwise visible in the report.
    fixture = FIXTURES / "broken" / "SourceShape--shortened-link.ttl"
    _, violations = check(make_source(tmp_path, [*MINIMAL, fixture]))
    assert [v.message.rsplit(" (", 1)[1] for v in violations] == [
        "value: https://tinyurl.com/y4vznuqd)"
    ]


def test_batched_validation_finds_what_one_pass_finds(tmp_path: Path) -> None:
    # Core constraints run a few subjects at a time; a batch must still see the classes of the
    # nodes its subjects point to, and must not report nodes that belong to another batch.
    source = make_source(tmp_path, [*MINIMAL, *BROKEN])
    quads = load_quads(source_files(source))
    shapes = load_shapes(source)
    whole = validate_quads(quads, shapes)
    assert {(v.shape, v.focus) for v in whole} >= {
        (e["shape"], e["focus"]) for e in map(expectations, BROKEN)
    }
    assert validate_quads(quads, shapes, batch=3) == whole


def test_every_node_shape_has_a_broken_fixture() -> None:
    shapes = {
        "icjsh:" + t.subject.value.split("#")[1]
        for t in parse(path=REPO / "shapes" / "icj-shapes.ttl", format=RdfFormat.TURTLE)
        if t.object == SH_NODE_SHAPE
    }
    covered = {expectations(p)["shape"] for p in BROKEN}
    assert shapes - covered == set()
    assert len(shapes) >= 15
