"""Dumps of a build: Turtle, gzipped N-Triples, gzipped N-Quads (named graphs kept), JSON-LD."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, serialize

from icj_graph.vocab import PREFIXES

DUMPS_DIR = "dumps"
CHECKSUMS_FILE = "SHA256SUMS"


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


def write_dumps(build: Path, quads: list[Quad], release: str) -> list[Dump]:
    """Write every dump of `quads` into ``build/dumps/``, named by the release (the data's
    version and date, ``icj-graph-0.2.0-2026-12-01.ttl``), and their checksums into
    ``SHA256SUMS`` in the format ``sha256sum --check`` reads."""
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
        name = f"icj-graph-{release}.{extension}"
        (folder / name).write_bytes(data)
        dumps.append(
            Dump(name, rdf_format.media_type, encoding, len(data), hashlib.sha256(data).hexdigest())
        )
    sums = "".join(f"{d.sha256}  {d.file}\n" for d in dumps)
    (folder / CHECKSUMS_FILE).write_text(sums, encoding="ascii")
    return dumps
