"""Dumps of a build: Turtle, gzipped N-Triples, gzipped N-Quads (named graphs kept), JSON-LD."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

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
    ``SHA256SUMS`` in the format ``sha256sum --check`` reads. Each dump is serialized straight
    into its file (through gzip where it is compressed), never whole in memory."""
    folder = build / DUMPS_DIR
    folder.mkdir()
    triples = list(dict.fromkeys(q.triple for q in quads))
    dumps = []
    for extension, rdf_format, encoding in _KINDS:
        source = quads if rdf_format.supports_datasets else triples
        prefixes = PREFIXES if rdf_format == RdfFormat.TURTLE else None
        path = folder / f"icj-graph-{release}.{extension}"
        with path.open("wb") as raw:
            if encoding == "gzip":
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed:
                    serialize(source, cast(IO[bytes], packed), format=rdf_format, prefixes=prefixes)
            else:
                serialize(source, raw, format=rdf_format, prefixes=prefixes)
        with path.open("rb") as written:
            digest = hashlib.file_digest(written, "sha256").hexdigest()
        dumps.append(Dump(path.name, rdf_format.media_type, encoding, path.stat().st_size, digest))
    sums = "".join(f"{d.sha256}  {d.file}\n" for d in dumps)
    (folder / CHECKSUMS_FILE).write_text(sums, encoding="ascii")
    return dumps
