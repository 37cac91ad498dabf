"""Build: one named graph per file, inference in its own graph, atomic publication."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, QuerySolutions, RdfFormat, parse

from icj_graph.build import build
from icj_graph.errors import TurtleSyntaxError, ValidationFailed
from icj_graph.settings import Settings
from icj_graph.store import current_build, open_store, read_build_info
from tests.conftest import FIXTURES, REPO, VERSION, make_source

MINIMAL = [FIXTURES / "minimal" / "minimal.ttl", REPO / "data" / "vocabularies.ttl"]
BROKEN_TURTLE = 'PREFIX icj: <https://w3id.org/icj-graph/ontology#>\n\nicj:x icj:y "open .\n'


def select(store_path: Path, query: str) -> list[tuple[str, ...]]:
    store = open_store(current_build(store_path), in_memory=True)
    rows = store.query(query, use_default_graph_as_union=True)
    assert isinstance(rows, QuerySolutions)
    return [tuple(term.value for term in row) for row in rows]


def test_each_file_is_its_own_named_graph(built_store: Path) -> None:
    store = open_store(current_build(built_store), in_memory=True)
    graphs = {g.value for g in store.named_graphs()}
    assert "https://w3id.org/icj-graph/graph/data/icty" in graphs
    assert "https://w3id.org/icj-graph/graph/ontology/icj" in graphs
    assert "https://w3id.org/icj-graph/graph/inferred" in graphs
    mladic_case = NamedNode("https://w3id.org/icj-graph/id/case/it-09-92")
    where = {q.graph_name.value for q in store.quads_for_pattern(mladic_case, None, None)}  # type: ignore[union-attr]
    assert where == {
        "https://w3id.org/icj-graph/graph/data/icty",
        "https://w3id.org/icj-graph/graph/inferred",
    }


def test_inference_adds_superclasses_and_inverses(built_store: Path) -> None:
    rows = select(
        built_store,
        """PREFIX icj: <https://w3id.org/icj-graph/ontology#>
        SELECT ?g WHERE { GRAPH ?g {
            <https://w3id.org/icj-graph/id/tribunal/icty> a icj:Tribunal } }""",
    )
    assert rows == [("https://w3id.org/icj-graph/graph/inferred",)]
    # icj:defines is asserted on provisions; icj:definedBy follows from owl:inverseOf.
    rows = select(
        built_store,
        """PREFIX icj: <https://w3id.org/icj-graph/ontology#>
        SELECT ?g WHERE { GRAPH ?g { <https://w3id.org/icj-graph/id/crime/genocide>
            icj:definedBy <https://w3id.org/icj-graph/id/provision/rome-statute-art-6> } }""",
    )
    assert rows == [("https://w3id.org/icj-graph/graph/inferred",)]


def test_build_info_counts_triples(built_store: Path) -> None:
    info = read_build_info(current_build(built_store))
    assert info.triples == sum(info.graphs.values()) > 10_000
    assert info.version == VERSION
    assert len(info.dataset_sha256) == 64


def test_invalid_turtle_names_file_line_and_column(tmp_path: Path) -> None:
    source = make_source(tmp_path / "src", MINIMAL)
    (source / "data" / "zz-broken.ttl").write_text(BROKEN_TURTLE, encoding="utf-8")
    with pytest.raises(TurtleSyntaxError) as caught:
        build(Settings(source_dir=source, store_path=tmp_path / "store"))
    assert (caught.value.file, caught.value.line) == ("data/zz-broken.ttl", 3)
    assert caught.value.message.startswith("data/zz-broken.ttl:3:")


def test_failed_build_keeps_the_last_good_store(tmp_path: Path) -> None:
    source = make_source(tmp_path / "src", MINIMAL)
    store = tmp_path / "store"
    good = build(Settings(source_dir=source, store_path=store))
    broken = FIXTURES / "broken" / "CaseShape--no-source.ttl"
    (source / "data" / broken.name).write_text(broken.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        build(Settings(source_dir=source, store_path=store))
    assert "Add a dcterms:source" in caught.value.message
    assert current_build(store) == good.path
    assert read_build_info(good.path).content_hash == good.info.content_hash


def test_dumps_are_named_by_version_and_release_date_with_checksums(built_store: Path) -> None:
    ontology = {
        t.predicate.value: t.object.value
        for t in parse(path=REPO / "ontology" / "icj.ttl", format=RdfFormat.TURTLE)
        if t.subject.value == "https://w3id.org/icj-graph/ontology"
    }
    version = ontology["http://www.w3.org/2002/07/owl#versionInfo"]
    issued = ontology["http://purl.org/dc/terms/issued"]
    assert ontology["http://www.w3.org/2002/07/owl#versionIRI"].endswith("/" + version)
    citation = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    assert f'version: "{version}"' in citation and f'date-released: "{issued}"' in citation
    folder = current_build(built_store) / "dumps"
    names = sorted(p.name for p in folder.glob("icj-graph-*"))
    assert names == [
        f"icj-graph-{version}-{issued}.{ext}" for ext in ("jsonld", "nq.gz", "nt.gz", "ttl")
    ]
    sums = dict(
        reversed(line.split("  ")) for line in (folder / "SHA256SUMS").read_text().splitlines()
    )
    assert sums.keys() == set(names)
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
