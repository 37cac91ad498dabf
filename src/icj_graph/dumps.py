"""Dumps of a build: Turtle, gzipped N-Triples, gzipped N-Quads (named graphs kept), JSON-LD."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, serialize

from icj_graph.vocab import PREFIXES

DUMPS_DIR = "dumps"


@dataclass(frozen=True)
class Dump:
    """One dump file of a build."""

    file: str
    media_type: str
    encoding: str | None
    bytes: int
    sha256: str


_KINDS = (
    ("ttl", RdfFormat.TURTLE, None),
    ("nt.gz", RdfFormat.N_TRIPLES, "gzip"),
    ("nq.gz", RdfFormat.N_QUADS, "gzip"),
    ("jsonld", RdfFormat.JSON_LD, None),
)


def write_dumps(build: Path, quads: list[Quad], version: str) -> list[Dump]:
    """Write every dump of `quads` into ``build/dumps/``, named by the data's version."""
    folder = build / DUMPS_DIR
    folder.mkdir()
    triples = list(dict.fromkeys(q.triple for q in quads))
    dumps = []
    for extension, rdf_format, encoding in _KINDS:
        source = quads if rdf_format.supports_datasets else triples
        prefixes = PREFIXES if rdf_format == RdfFormat.TURTLE else None
        data = serialize(source, format=rdf_format, prefixes=prefixes)
        assert data is not None
        if encoding == "gzip":
            data = gzip.compress(data, mtime=0)
        name = f"icj-graph-{version}.{extension}"
        (folder / name).write_bytes(data)
        dumps.append(
            Dump(name, rdf_format.media_type, encoding, len(data), hashlib.sha256(data).hexdigest())
        )
    return dumps
