"""What changed between two versions of the data: entities and triples added, removed and
changed, as JSON for machines and as sentences for people ("3 persons added; 2 judgments:
date added; 1 sentence: term in years changed")."""

from __future__ import annotations

import gzip
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple, parse

from icj_graph.errors import DataError
from icj_graph.load import graph_iri
from icj_graph.store import DATASET_FILE
from icj_graph.vocab import NS, RDF_TYPE

INFERRED = graph_iri("inferred")
_FORMATS = {
    ".nq": RdfFormat.N_QUADS,
    ".nt": RdfFormat.N_TRIPLES,
    ".ttl": RdfFormat.TURTLE,
    ".jsonld": RdfFormat.JSON_LD,
}


@dataclass
class Changes:
    """The difference from an old to a new version of the data."""

    added_triples: int = 0
    removed_triples: int = 0
    entities: dict[str, dict[str, int]] = field(
        default_factory=dict
    )  # class → added/removed/changed
    properties: dict[str, int] = field(default_factory=dict)  # "Class: property added" → count

    def summary(self) -> str:
        """The changes in sentences, most frequent first."""
        parts = [
            f"{n} {_plural(cls, n)} {what}"
            for cls, counts in sorted(self.entities.items())
            for what, n in counts.items()
            if n and what != "changed"
        ]
        parts += [
            f"{n} × {change}" for change, n in sorted(self.properties.items(), key=lambda i: -i[1])
        ]
        totals = f"{self.added_triples} triples added, {self.removed_triples} removed"
        return "; ".join(parts) + (". " if parts else "") + totals + "."


def read_triples(path: Path, *, with_inferred: bool = False) -> set[Triple]:
    """The asserted triples of a build folder, a store link, or a dump file (.nq, .nt, .ttl,
    .jsonld, optionally .gz); inferred triples are left out when the graphs are known (an
    N-Quads dump, a build), kept with ``with_inferred``."""
    data, kind = _read(path)
    if kind.supports_datasets:
        return {
            q.triple
            for q in parse(data, format=kind)
            if with_inferred or getattr(q.graph_name, "value", "") != INFERRED
        }
    return set(parse(data, format=kind))


def compare_files(old: Path, new: Path) -> Changes:
    """`compare` two builds or dumps. A dump without graphs (.nt, .ttl, .jsonld) cannot tell
    inferred triples from asserted ones, so against one the inferred triples count on both sides."""
    with_inferred = not (_knows_graphs(old) and _knows_graphs(new))
    return compare(
        read_triples(old, with_inferred=with_inferred),
        read_triples(new, with_inferred=with_inferred),
    )


def _read(path: Path) -> tuple[bytes, RdfFormat]:
    """The bytes of a build's dataset or of a dump, and their format."""
    if path.is_dir():
        path = path.resolve() / DATASET_FILE
    kind = _format(path)
    if kind is None or not path.is_file():
        raise DataError(f"{path}: not a build, a store or a dump (.nq, .nt, .ttl, .jsonld).")
    return (gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()), kind


def _format(path: Path) -> RdfFormat | None:
    suffixes = path.suffixes
    gzipped = suffixes[-1:] == [".gz"]
    return _FORMATS.get((suffixes[-2] if gzipped else path.suffix) if suffixes else "")


def _knows_graphs(path: Path) -> bool:
    kind = RdfFormat.N_QUADS if path.is_dir() else _format(path)
    return kind is not None and kind.supports_datasets


def canonical_blank_nodes(triples: set[Triple]) -> set[Triple]:
    """The triples with each blank node named by a hash of what it describes (its triples, with
    the blank nodes they reach named the same way), so that two parses of the same data, such
    as an `owl:unionOf` list in the ontology, compare equal. Without blank nodes, `triples`
    itself is returned (no copy).

    >>> data = b"<x:s> <x:p> [ <x:q> 1 ] ."
    >>> a = canonical_blank_nodes(set(parse(data, format=RdfFormat.TURTLE)))
    >>> a == canonical_blank_nodes(set(parse(data, format=RdfFormat.TURTLE)))
    True
    """
    described: dict[BlankNode, list[Triple]] = defaultdict(list)
    for t in triples:
        if isinstance(t.subject, BlankNode):
            described[t.subject].append(t)
    if not described and not any(isinstance(t.object, BlankNode) for t in triples):
        return triples
    names: dict[BlankNode, BlankNode] = {}

    def name(node: BlankNode, seen: frozenset[BlankNode] = frozenset()) -> BlankNode:
        if node not in names:
            lines = sorted(
                f"{t.predicate} {term(t.object, seen | {node})}" for t in described[node]
            )
            names[node] = BlankNode("h" + sha256("\n".join(lines).encode()).hexdigest()[:32])
        return names[node]

    def term(node: object, seen: frozenset[BlankNode]) -> str:
        if isinstance(node, BlankNode):
            return "(cycle)" if node in seen else str(name(node, seen))
        return str(node)

    def rename(node: Any) -> Any:
        return name(node) if isinstance(node, BlankNode) else node

    return {Triple(rename(t.subject), t.predicate, rename(t.object)) for t in triples}


def compare(old: set[Triple], new: set[Triple]) -> Changes:
    """Compare two sets of asserted triples: entities (typed subjects) added and removed, and
    for entities in both, which properties gained, lost or changed values. Blank nodes are
    compared by what they describe (`canonical_blank_nodes`)."""
    old, new = canonical_blank_nodes(old), canonical_blank_nodes(new)
    added, removed = new - old, old - new
    types = _types(old | new)
    old_subjects, new_subjects = _subjects(old), _subjects(new)
    entities: dict[str, Counter[str]] = defaultdict(Counter)
    for subject in new_subjects - old_subjects:
        entities[types.get(subject, "Other")]["added"] += 1
    for subject in old_subjects - new_subjects:
        entities[types.get(subject, "Other")]["removed"] += 1
    touched: dict[tuple[str, str], set[str]] = defaultdict(set)
    for triple in added | removed:
        subject = triple.subject.value  # type: ignore[union-attr]
        if subject in old_subjects and subject in new_subjects:
            kind = "added" if triple in added else "removed"
            touched[(subject, _local(triple.predicate.value))].add(kind)
    properties: Counter[str] = Counter()
    changed: dict[str, set[str]] = defaultdict(set)
    for (subject, prop), kinds in touched.items():
        cls = types.get(subject, "Other")
        changed[cls].add(subject)
        properties[f"{cls}: {prop} {'changed' if len(kinds) == 2 else next(iter(kinds))}"] += 1
    for cls, subjects in changed.items():
        entities[cls]["changed"] = len(subjects)
    return Changes(
        added_triples=len(added),
        removed_triples=len(removed),
        entities={cls: dict(counts) for cls, counts in sorted(entities.items())},
        properties=dict(properties),
    )


def _types(triples: set[Triple]) -> dict[str, str]:
    return {
        t.subject.value: t.object.value.removeprefix(NS)  # type: ignore[union-attr]
        for t in triples
        if t.predicate.value == RDF_TYPE
        and isinstance(t.object, NamedNode)
        and t.object.value.startswith(NS)
    }


def _subjects(triples: set[Triple]) -> set[str]:
    return {t.subject.value for t in triples if _is_type(t)}  # type: ignore[union-attr]


def _is_type(triple: Triple) -> bool:
    return triple.predicate.value == RDF_TYPE


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _plural(cls: str, n: int) -> str:
    """A class name as a word, plural when n != 1.

    >>> _plural("Person", 3), _plural("ArrestWarrant", 1), _plural("Summons", 2)
    ('persons', 'arrest warrant', 'summonses')
    >>> _plural("PositionHeld", 2), _plural("Other", 2)
    ('positions held', 'other entities')
    """
    if n != 1 and cls in _IRREGULAR:
        return _IRREGULAR[cls]
    word = "".join(f" {c.lower()}" if c.isupper() else c for c in cls).strip()
    return word if n == 1 else word + ("es" if word.endswith("s") else "s")


_IRREGULAR = {"PositionHeld": "positions held", "Other": "other entities"}
