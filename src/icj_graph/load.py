"""Read ontology/, data/ and shapes/ into quads: one named graph per file, errors located."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse

from icj_graph.errors import DataError, TurtleSyntaxError
from icj_graph.iris import CANONICAL_BASE

GRAPH_BASE = CANONICAL_BASE + "graph/"
#: Folders whose Turtle files are published in the store, in load order.
PUBLISHED_DIRS = ("ontology", "data")


@dataclass(frozen=True)
class SourceFile:
    """A Turtle file of the repository and the named graph it becomes."""

    path: Path
    name: str

    @property
    def graph(self) -> NamedNode:
        """The named graph holding this file's triples."""
        return NamedNode(graph_iri(self.name))


def graph_iri(name: str) -> str:
    """Return the named graph IRI of a source file given as `folder/stem`.

    >>> graph_iri("data/icty")
    'https://w3id.org/icj-graph/graph/data/icty'
    """
    return GRAPH_BASE + name


def source_files(source_dir: Path, folders: tuple[str, ...] = PUBLISHED_DIRS) -> list[SourceFile]:
    """List the Turtle files of `folders` under `source_dir`, sorted within each folder."""
    files = [
        SourceFile(path, f"{folder}/{path.stem}")
        for folder in folders
        for path in sorted((source_dir / folder).glob("*.ttl"))
    ]
    if not files:
        raise DataError(f"No Turtle files under {source_dir} in {', '.join(folders)}/.")
    return files


def parse_file(source: SourceFile) -> list[Triple]:
    """Parse one Turtle file; raise TurtleSyntaxError with its file, line and column."""
    try:
        return list(parse(path=source.path, format=RdfFormat.TURTLE))
    except SyntaxError as err:
        raise TurtleSyntaxError(
            source.name + ".ttl", err.lineno or 0, err.offset or 0, err.msg
        ) from None
    except OSError as err:
        raise DataError(f"{source.path}: cannot be read: {err.strerror}") from None


def load_quads(files: list[SourceFile]) -> list[Quad]:
    """Parse every file into quads in its own named graph."""
    return [
        Quad(t.subject, t.predicate, t.object, source.graph)
        for source in files
        for t in parse_file(source)
    ]


def load_shapes(source_dir: Path) -> list[Triple]:
    """Parse every file of shapes/ into one list of triples."""
    return [t for source in source_files(source_dir, ("shapes",)) for t in parse_file(source)]
