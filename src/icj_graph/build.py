"""Build: load → validate → infer → store, atomically: a failed build leaves the last good one."""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, Store

from icj_graph.errors import ValidationFailed, Violation
from icj_graph.infer import infer
from icj_graph.load import SourceFile, load_quads, load_shapes, source_files
from icj_graph.settings import Settings
from icj_graph.store import BuildInfo, builds_dir, publish, write_build, write_info
from icj_graph.validate import validate_quads

Progress = Callable[[str], None]
_VERSION_INFO = NamedNode("http://www.w3.org/2002/07/owl#versionInfo")


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
    with _timed("store", seconds, progress):
        content_hash = _content_hash(files)
        built_at = datetime.now(UTC).replace(microsecond=0)
        staging = builds_dir(settings.store_path) / f"{built_at:%Y%m%dT%H%M%SZ}-{content_hash}"
        sha256 = write_build(staging, quads)
        info = BuildInfo(
            version=_ontology_version(quads),
            content_hash=content_hash,
            built_at=built_at.isoformat(),
            triples=len(quads),
            graphs=dict(sorted(Counter(q.graph_name.value for q in quads).items())),  # type: ignore[union-attr]
            dataset_sha256=sha256,
        )
        write_info(staging, info)
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


def _ontology_version(quads: list[Quad]) -> str:
    versions = (q.object for q in quads if q.predicate == _VERSION_INFO)
    return next((v.value for v in versions if isinstance(v, Literal)), "0.0.0")
