"""Check quads against the SHACL shapes and locate each violation in its file.

Core constraints run in pySHACL. SPARQL-based constraints run in pyoxigraph, one query per
constraint over all its focus nodes at once (pySHACL runs one query per focus node, which took
over a minute on our data): the target pattern is placed at the head of the constraint's WHERE
clause, with ``$this`` as a variable, which is what pre-binding means for these queries.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import rdflib
from pyoxigraph import (
    BlankNode,
    NamedNode,
    Quad,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    serialize,
)
from pyshacl import validate as shacl_validate

from icj_graph.errors import Violation
from icj_graph.load import GRAPH_BASE
from icj_graph.vocab import RDF_TYPE, RDFS_SUBCLASS_OF

SH = "http://www.w3.org/ns/shacl#"
SUBCLASS_OF = NamedNode(RDFS_SUBCLASS_OF)
TYPE = NamedNode(RDF_TYPE)
CORE_BATCH = 25_000
"""Subjects per pySHACL run: bounds the rdflib graph pySHACL works on (1M triples: 1.4 GB peak)."""
_CORE_RESULTS = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT ?focus ?path ?shape ?message ?value WHERE {
  ?r a sh:ValidationResult ; sh:resultSeverity sh:Violation ; sh:focusNode ?focus ;
     sh:sourceShape ?shape .
  OPTIONAL { ?r sh:resultPath ?path }
  OPTIONAL { ?r sh:resultMessage ?message }
  OPTIONAL { ?r sh:value ?value . FILTER (!isBlank(?value)) }
}
"""
_CONSTRAINTS = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT ?shape ?select ?message
  (GROUP_CONCAT(DISTINCT CONCAT(STR(?targetKind), " ", STR(?target)); separator="\\n") AS ?targets)
  (GROUP_CONCAT(DISTINCT CONCAT("PREFIX ", ?prefix, ": <", STR(?ns), ">"); separator="\\n")
    AS ?prologue)
WHERE {
  ?shape sh:sparql ?c . ?c sh:select ?select ; sh:message ?message .
  ?shape ?targetKind ?target . FILTER (?targetKind IN (sh:targetClass, sh:targetSubjectsOf))
  OPTIONAL { ?c sh:prefixes/sh:declare [ sh:prefix ?prefix ; sh:namespace ?ns ] }
} GROUP BY ?shape ?select ?message
"""
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


@dataclass(frozen=True)
class SparqlConstraint:
    """A SPARQL-based constraint, ready to run over all its focus nodes at once."""

    shape: str
    message: str
    query: str


def to_rdflib(
    triples: Iterable[Triple], bnodes: dict[str, rdflib.BNode] | None = None
) -> rdflib.Graph:
    """Copy pyoxigraph triples into an rdflib graph (for pySHACL).

    `bnodes`, if given, receives the rdflib blank node made for each pyoxigraph blank node id.
    """
    graph = rdflib.Graph()
    graph.parse(
        data=serialize(triples, format=RdfFormat.N_TRIPLES), format="nt", bnode_context=bnodes
    )
    return graph


def validate_quads(
    quads: Sequence[Quad], shapes: Sequence[Triple], *, batch: int = CORE_BATCH
) -> list[Violation]:
    """Return the SHACL violations of `quads` (all graphs merged) against `shapes`.

    Core constraints are checked `batch` subjects at a time (see `_core_violations`).
    """
    files = _files_by_subject(quads)
    data = Store()
    data.bulk_extend(quads)
    subjects = list(dict.fromkeys(q.subject for q in quads if not isinstance(q.subject, Triple)))
    found = _core_violations(data, subjects, shapes, files, batch) | _sparql_violations(
        data, shapes, files
    )
    return sorted(found, key=lambda v: (v.file, v.focus, v.path or "", v.message))


def _core_violations(
    data: Store,
    subjects: list[NamedNode | BlankNode],
    shapes: Sequence[Triple],
    files: dict[str, set[str]],
    batch: int,
) -> set[Violation]:
    """Run pySHACL over the data `batch` subjects at a time, so memory stays bounded.

    Our core constraints look only at a focus node's own triples and at the classes of the
    nodes it points to (`sh:class`), so each batch holds its subjects' triples, the `rdf:type`
    triples of their IRI objects and the class hierarchy. Nodes typed only for `sh:class` may be
    reported too; only violations whose focus node is in the batch are kept. `subjects` come in
    the order of the sources, so that a batch holds what its files describe together.
    """
    core = to_rdflib(t for t in shapes if t.predicate.value != SH + "sparql")
    hierarchy = [q.triple for q in data.quads_for_pattern(None, SUBCLASS_OF, None)]
    found = set()
    for start in range(0, len(subjects), batch):
        chunk = subjects[start : start + batch]
        triples = [q.triple for s in chunk for q in data.quads_for_pattern(s, None, None)]
        neighbours = {t.object for t in triples if isinstance(t.object, NamedNode)} - set(chunk)
        triples += [q.triple for o in neighbours for q in data.quads_for_pattern(o, TYPE, None)]
        bnodes: dict[str, rdflib.BNode] = {}
        conforms, results, _ = shacl_validate(
            to_rdflib(triples + hierarchy, bnodes),
            shacl_graph=core,
            allow_warnings=True,
            inplace=True,
        )
        if conforms:
            continue
        back = {node: f"_:{label}" for label, node in bnodes.items()}
        focus = {_key(s) for s in chunk}
        for row in results.query(_CORE_RESULTS):
            node = back.get(row.focus, str(row.focus))
            if node in focus:
                found.add(
                    _violation(
                        files,
                        node,
                        _short(row.path),
                        _node_shape(core, data, row.shape, node),
                        _with_value(str(row.message), row.value),
                    )
                )
    return found


def _with_value(message: str, value: object) -> str:
    """The message, naming the offending value when the result has one (a URL, a date, ...).

    >>> _with_value("Cite a source by its public address.", "http://tinyurl.com/x")
    'Cite a source by its public address. (value: http://tinyurl.com/x)'
    >>> _with_value("Add a dcterms:source.", None)
    'Add a dcterms:source.'
    """
    return message if value is None else f"{message} (value: {value})"


def _node_shape(core: rdflib.Graph, data: Store, shape: rdflib.term.Node, focus: str) -> str:
    """The node shape a reported (property) shape belongs to, for the focus node's classes."""
    sh = rdflib.Namespace(SH)
    if (shape, rdflib.RDF.type, sh.NodeShape) in core:
        return _short(shape) or ""
    owners = list(core.subjects(sh.property, shape))
    if focus.startswith("_:"):
        return (_short(owners[0]) or "") if owners else ""
    classes = {
        row["c"].value
        for row in data.query(  # type: ignore[union-attr]
            f"SELECT ?c WHERE {{ <{focus}> a/<{RDFS_SUBCLASS_OF}>* ?c }}",
            use_default_graph_as_union=True,
        )
    }
    for owner in owners:
        if any(str(c) in classes for c in core.objects(owner, sh.targetClass)):
            return _short(owner) or ""
    return (_short(owners[0]) or "") if owners else ""


def sparql_constraints(shapes: Sequence[Triple]) -> list[SparqlConstraint]:
    """Read the SPARQL constraints of the shapes, each rewritten to find all its violations."""
    graph = Store()
    graph.extend(Quad(t.subject, t.predicate, t.object) for t in shapes)
    rows = graph.query(_CONSTRAINTS)
    assert isinstance(rows, QuerySolutions)
    constraints = []
    for row in rows:
        targets = [line.split(" ", 1) for line in row["targets"].value.splitlines()]
        pattern = " UNION ".join(
            f"{{ ?this a/<{RDFS_SUBCLASS_OF}>* <{target}> }}"
            if kind == SH + "targetClass"
            else f"{{ ?this <{target}> [] }}"
            for kind, target in targets
        )
        select = row["select"].value.replace("$this", "?this")
        head = _WHERE.search(select)
        assert head, f"{row['shape'].value}: a SPARQL constraint needs a WHERE clause"
        query = f"{select[: head.end()]} {pattern}{select[head.end() :]}"
        constraints.append(
            SparqlConstraint(
                row["shape"].value, row["message"].value, f"{row['prologue'].value}\n{query}"
            )
        )
    return constraints


def _sparql_violations(
    data: Store, shapes: Sequence[Triple], files: dict[str, set[str]]
) -> set[Violation]:
    found = set()
    for constraint in sparql_constraints(shapes):
        rows = data.query(constraint.query, use_default_graph_as_union=True)
        assert isinstance(rows, QuerySolutions)
        has_value = "value" in [v.value for v in rows.variables]
        for row in rows:
            value = row["value"] if has_value else None
            message = _with_value(constraint.message, value.value if value is not None else None)
            found.add(
                _violation(files, row["this"].value, None, _short_iri(constraint.shape), message)
            )
    return found


def _key(term: NamedNode | BlankNode) -> str:
    """The focus-node string of a violation: the IRI, or `_:id` for a blank node."""
    return term.value if isinstance(term, NamedNode) else f"_:{term.value}"


def _violation(
    files: dict[str, set[str]], focus: str, path: str | None, shape: str | None, message: object
) -> Violation:
    return Violation(
        file=", ".join(sorted(files.get(focus, {"?"}))),
        focus=focus,
        path=path,
        shape=shape or "",
        message=str(message) if message is not None else "violates the shape",
    )


def _files_by_subject(quads: Sequence[Quad]) -> dict[str, set[str]]:
    files: dict[str, set[str]] = defaultdict(set)
    for q in quads:
        graph = q.graph_name
        if isinstance(graph, NamedNode) and not isinstance(q.subject, Triple):
            files[q.subject.value].add(graph.value.removeprefix(GRAPH_BASE) + ".ttl")
    return files


_SHORT = (
    ("icj:", "https://w3id.org/icj-graph/ontology#"),
    ("icjsh:", "https://w3id.org/icj-graph/shapes#"),
)


def _short_iri(iri: str) -> str:
    for prefix, ns in _SHORT:
        if iri.startswith(ns):
            return prefix + iri[len(ns) :]
    return f"<{iri}>"


def _short(term: object) -> str | None:
    return _short_iri(str(term)) if isinstance(term, rdflib.URIRef) else None
