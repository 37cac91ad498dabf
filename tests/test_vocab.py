"""vocab.ICJ lists exactly the ontology's terms, and the files bind prefixes as PREFIXES does."""

from __future__ import annotations

import re

from pyoxigraph import NamedNode, RdfFormat, parse

from icj_graph.vocab import ICJ, NS, PREFIXES
from tests.conftest import REPO

RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def test_icj_constants_match_the_ontology() -> None:
    declared = {
        t.subject.value
        for t in parse(path=REPO / "ontology" / "icj.ttl", format=RdfFormat.TURTLE)
        if t.predicate == RDF_TYPE and t.subject.value.startswith(NS)
    }
    constants = {v.value for k, v in vars(ICJ).items() if isinstance(v, NamedNode)}
    assert constants == declared
    assert all(getattr(ICJ, iri.removeprefix(NS)).value == iri for iri in declared)


def test_turtle_files_bind_prefixes_as_the_project_does() -> None:
    files = [*REPO.glob("ontology/*.ttl"), *REPO.glob("data/*.ttl"), *REPO.glob("shapes/*.ttl")]
    files += [*REPO.glob("queries/*.rq")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for prefix, iri in re.findall(r"^PREFIX\s+([\w-]*):\s*<([^>]*)>", text, re.M):
            if prefix in PREFIXES:
                assert PREFIXES[prefix] == iri, f"{path.name}: {prefix}: is bound to <{iri}>"
