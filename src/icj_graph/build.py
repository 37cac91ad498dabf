"""Build: load → validate → infer → store, atomically: a failed build leaves the last good one."""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, QuerySolutions, Store

from icj_graph.diff import compare, read_triples
from icj_graph.dumps import write_dumps
from icj_graph.errors import ValidationFailed, Violation
from icj_graph.infer import INFERRED_GRAPH, infer
from icj_graph.jsonld import write_context
from icj_graph.load import SourceFile, graph_iri, load_quads, load_shapes, source_files
from icj_graph.settings import Settings
from icj_graph.store import (
    CHANGES_FILE,
    INFO_FILE,
    BuildInfo,
    builds_dir,
    current_build,
    publish,
    read_build_info,
    write_build,
    write_info,
)
from icj_graph.validate import validate_quads
from icj_graph.vocab import NS

Progress = Callable[[str], None]
_VERSION_INFO = NamedNode("http://www.w3.org/2002/07/owl#versionInfo")
_ISSUED = NamedNode("http://purl.org/dc/terms/issued")
_ONTOLOGY = NamedNode("https://w3id.org/icj-graph/ontology")
ONTOLOGY_GRAPHS = graph_iri("ontology/")


@dataclass(frozen=True)
class BuildReport:
    """What a build did: the build folder, its info, and seconds per step."""

    path: Path
    info: BuildInfo
    seconds: dict[str, float]


def check(source_dir: Path) -> tuple[list[Quad], list[Violation]]:
    """Parse and validate the sources; return the quads and the violations (none if valid)."""
    quads = load_quads(source_files(source_dir))
    return quads, validate_quads(quads, load_shapes(source_dir))


def build(settings: Settings, *, progress: Progress = lambda _: None) -> BuildReport:
    """Build the store from settings.source_dir and publish it at settings.store_path."""
    seconds: dict[str, float] = {}
    files = source_files(settings.source_dir)
    with _timed("parse", seconds, progress):
        quads = load_quads(files)
    with _timed("validate", seconds, progress):
        violations = validate_quads(quads, load_shapes(settings.source_dir))
    if violations:
        raise ValidationFailed(violations)
    with _timed("infer", seconds, progress):
        memory = Store()
        memory.bulk_extend(quads)
        quads += infer(memory)
        classes = _entities_per_class(memory)
        del memory  # the quads are all the later steps need: free the copy before writing
    with _timed("store", seconds, progress):
        content_hash = _content_hash(files)
        built_at = datetime.now(UTC).replace(microsecond=0)
        staging = builds_dir(settings.store_path) / f"{built_at:%Y%m%dT%H%M%SZ}-{content_hash}"
        sha256 = write_build(staging, quads)
        version, released = _release(quads)
    with _timed("dumps", seconds, progress):
        dumps = write_dumps(staging, quads, f"{version}-{released}")
        ontology = [q.triple for q in quads if q.graph_name.value.startswith(ONTOLOGY_GRAPHS)]  # type: ignore[union-attr]
        write_context(staging, ontology)
    with _timed("publish", seconds, progress):
        info = BuildInfo(
            version=version,
            content_hash=content_hash,
            built_at=built_at.isoformat(),
            released=released,
            triples=len(quads),
            graphs=dict(sorted(Counter(q.graph_name.value for q in quads).items())),  # type: ignore[union-attr]
            classes=classes,
            dumps=[asdict(d) for d in dumps],
            dataset_sha256=sha256,
        )
        write_info(staging, info)
        write_changes(staging, settings.store_path, quads, progress)
        publish(settings.store_path, staging)
    return BuildReport(staging, info, seconds)


@contextmanager
def _timed(step: str, seconds: dict[str, float], progress: Progress) -> Iterator[None]:
    progress(f"{step}…")
    start = time.perf_counter()
    yield
    seconds[step] = round(time.perf_counter() - start, 3)
    progress(f"{step}: {seconds[step]:.2f} s")


def _content_hash(files: list[SourceFile]) -> str:
    digest = hashlib.sha256()
    for source in files:
        digest.update(source.name.encode() + b"\0" + source.path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def write_changes(build: Path, store_path: Path, quads: list[Quad], progress: Progress) -> None:
    """Record in ``build/changes.json`` what changed since the build `store_path` serves now."""
    if not (store_path / INFO_FILE).is_file():
        return
    inferred = INFERRED_GRAPH.value
    new = {q.triple for q in quads if getattr(q.graph_name, "value", "") != inferred}
    changes = compare(read_triples(store_path), new)
    previous = read_build_info(current_build(store_path))
    record = {"since": previous.content_hash, "since_version": previous.version, **asdict(changes)}
    (build / CHANGES_FILE).write_text(json.dumps(record, indent=1), encoding="utf-8")
    progress(f"changes since {previous.content_hash}: {changes.summary()}")


def _entities_per_class(store: Store) -> dict[str, int]:
    rows = store.query(
        f"SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a ?class . "
        f'FILTER(STRSTARTS(STR(?class), "{NS}")) }} GROUP BY ?class ORDER BY ?class',
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, QuerySolutions)
    return {row["class"].value.removeprefix(NS): int(row["n"].value) for row in rows}


def _release(quads: list[Quad]) -> tuple[str, str]:
    """The data's version and release date, from the ontology's owl:versionInfo and
    dcterms:issued (the dumps are named by both)."""
    values = {
        q.predicate: q.object.value
        for q in quads
        if q.subject == _ONTOLOGY and isinstance(q.object, Literal)
    }
    return values.get(_VERSION_INFO, "0.0.0"), values.get(_ISSUED, "undated")
