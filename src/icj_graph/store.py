"""The built store on disk: where it lives, what it holds, and opening it read-only.

A build is a folder ``<store_path>.builds/<id>/`` holding ``oxigraph/`` (the RocksDB store),
``dataset.nq`` (every quad, for loading into memory) and ``build.json`` (``BuildInfo``).
``store_path`` is a symbolic link to the current build, replaced atomically by ``publish``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from pyoxigraph import (
    Literal,
    NamedNode,
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    serialize,
)

from icj_graph.errors import StoreUnavailable
from icj_graph.search import FOLD_FUNCTION, fold
from icj_graph.sparql import UNION, Dataset, star_projection
from icj_graph.vocab import PREFIXES

KEEP_BUILDS = 3
DATASET_FILE = "dataset.nq"
INFO_FILE = "build.json"
CHANGES_FILE = "changes.json"
ROCKSDB_DIR = "oxigraph"


@dataclass(frozen=True)
class BuildInfo:
    """What a build holds: its version, when it was made, and its size."""

    version: str
    content_hash: str
    built_at: str
    triples: int
    graphs: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    dumps: list[dict[str, object]] = field(default_factory=list)
    dataset_sha256: str = ""
    released: str = ""

    @property
    def etag(self) -> str:
        """The entity tag of everything served from this build."""
        return f'"{self.content_hash}"'


def builds_dir(store_path: Path) -> Path:
    """The folder holding the builds that `store_path` links to."""
    return store_path.with_name(store_path.name + ".builds")


def current_build(store_path: Path) -> Path:
    """Return the folder of the current build; raise StoreUnavailable if there is none."""
    target = store_path.resolve()
    if not (target / INFO_FILE).is_file():
        raise StoreUnavailable(f"No built store at {store_path}: run `icj-graph build` first.")
    return target


def read_build_info(build: Path) -> BuildInfo:
    """Read the BuildInfo of a build folder."""
    data = json.loads((build / INFO_FILE).read_text(encoding="utf-8"))
    return BuildInfo(**data)


def open_store(build: Path, *, in_memory: bool) -> Store:
    """Open a build for reading: copied into memory, or the on-disk store read-only."""
    try:
        if not in_memory:
            return Store.read_only(str(build / ROCKSDB_DIR))
        store = Store()
        store.bulk_load(path=build / DATASET_FILE, format=RdfFormat.N_QUADS)
        return store
    except (OSError, RuntimeError) as err:  # RocksDB reports corruption as a RuntimeError
        raise StoreUnavailable(f"The store at {build} cannot be opened: {err}") from None


def write_build(staging: Path, quads: list[Quad]) -> str:
    """Write quads into the new build folder `staging`; return the dump's SHA-256."""
    staging.mkdir(parents=True)
    disk = Store(str(staging / ROCKSDB_DIR))
    disk.bulk_extend(quads)
    disk.flush()
    del disk
    serialize(quads, staging / DATASET_FILE, format=RdfFormat.N_QUADS)
    with (staging / DATASET_FILE).open("rb") as written:
        return hashlib.file_digest(written, "sha256").hexdigest()


def write_info(build: Path, info: BuildInfo) -> None:
    """Record `info` in the build folder; a build without it is never served."""
    (build / INFO_FILE).write_text(json.dumps(asdict(info), indent=2), encoding="utf-8")


def publish(store_path: Path, build: Path) -> None:
    """Point `store_path` at `build` atomically, then prune old builds."""
    link_tmp = store_path.with_name(f".{store_path.name}.{os.getpid()}.link")
    if store_path.exists() and not store_path.is_symlink():
        raise StoreUnavailable(f"{store_path} exists and is not a link to a build: move it away.")
    link_tmp.unlink(missing_ok=True)
    link_tmp.symlink_to(os.path.relpath(build, store_path.parent))
    os.replace(link_tmp, store_path)
    old = sorted(p for p in builds_dir(store_path).iterdir() if p.is_dir() and p != build)
    for stale in old[: max(0, len(old) - (KEEP_BUILDS - 1))]:
        shutil.rmtree(stale, ignore_errors=True)


def execute(
    store: Store,
    text: str,
    media_type: str,
    output: IO[bytes],
    *,
    dataset: Dataset = UNION,
) -> None:
    """Run a (checked) query over `dataset` and write its results as `media_type` into
    `output`. Our accent-folding function ``icjf:fold`` is available; Turtle is written with
    the project's prefixes. Raises SyntaxError for a malformed query.
    """
    options: dict[str, Any] = {"custom_functions": {NamedNode(FOLD_FUNCTION): _fold_term}}
    if dataset.is_union:
        options["use_default_graph_as_union"] = True
    else:
        options["default_graph"] = [NamedNode(g) for g in dataset.default_graphs]
        options["named_graphs"] = [NamedNode(g) for g in dataset.named_graphs]
    result = store.query(_in_written_order(text, options), **options)
    if isinstance(result, QuerySolutions | QueryBoolean):
        result.serialize(output, QueryResultsFormat.from_media_type(media_type))
        return
    rdf_format = RdfFormat.from_media_type(media_type)
    prefixes = PREFIXES if rdf_format == RdfFormat.TURTLE else None
    serialize(result, output, rdf_format, prefixes=prefixes)


def _in_written_order(text: str, options: dict[str, Any]) -> str:
    """`text` with a top-level ``SELECT *`` spelled out as its variables in the order they are
    written (the engine would sort the columns by name). Which variables the star stands for
    (those in scope) comes from the engine, planning the query over an empty store."""
    star = star_projection(text)
    if star is None:
        return text
    position, written = star
    in_scope = {v.value for v in cast(QuerySolutions, Store().query(text, **options)).variables}
    columns = [name for name in written if name in in_scope]
    if len(columns) != len(in_scope):
        return text  # not one column per written variable: leave the engine's order
    return text[:position] + " ".join(f"?{name}" for name in columns) + text[position + 1 :]


def _fold_term(term: object) -> Literal | None:
    return Literal(fold(term.value)) if isinstance(term, Literal | NamedNode) else None
