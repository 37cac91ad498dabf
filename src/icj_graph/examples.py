"""The example queries of queries/: each ``name.rq``, its title, description and expected result."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Example:
    """One example query: ``# title:`` and ``# description:`` come from its header comment."""

    name: str
    title: str
    description: str
    text: str
    path: Path

    @property
    def expected_path(self) -> Path:
        """The file holding the expected SPARQL TSV results."""
        return self.path.with_suffix(".tsv")


def read_example(path: Path) -> Example:
    """Read one ``.rq`` file and its header.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "q.rq"
    >>> _ = p.write_text("# title: Genocide\\n# description: Who.\\nSELECT * {}\\n")
    >>> e = read_example(p); (e.name, e.title, e.description)
    ('q', 'Genocide', 'Who.')
    """
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        if value:
            header[key.strip().lower()] = value.strip()
    return Example(
        path.stem, header.get("title", path.stem), header.get("description", ""), text, path
    )


def load_examples(queries_dir: Path) -> list[Example]:
    """Every example in `queries_dir`, sorted by name."""
    return [read_example(p) for p in sorted(queries_dir.glob("*.rq"))]
