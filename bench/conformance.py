"""Does another SPARQL store give the same answers? Every example of queries/ is run through
icj-graph on top of the store (``--store URL``) and compared with its expected result.

``python bench/conformance.py --virtuoso [--store var/store]`` starts Debian's Virtuoso on
loopback, bulk-loads the build and checks it; ``--endpoint URL`` checks a store already running
(its default graph must be the union of the build's named graphs). Prints one line per example
and a summary; exits 1 if any example differs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from servers import start_virtuoso

from icj_graph.client import Graph
from icj_graph.errors import IcjGraphError
from icj_graph.examples import load_examples
from icj_graph.store import current_build

REPO = Path(__file__).resolve().parent.parent


def check(endpoint: str) -> dict[str, str]:
    """Each example's verdict on `endpoint`: "same", or what differs."""
    graph = Graph.open(endpoint=endpoint)
    verdicts = {}
    for example in load_examples(REPO / "queries"):
        expected = example.expected_path.read_text(encoding="utf-8").splitlines()
        try:
            got = graph.query(example.text, format="tsv").decode("utf-8").splitlines()
        except IcjGraphError as err:
            verdicts[example.name] = f"error: {err}"
            continue
        if got == expected:
            verdicts[example.name] = "same"
        else:
            differing = [g for g in got if g not in expected][:1] or ["(rows missing)"]
            verdicts[example.name] = f"differs: {len(got) - 1} rows, e.g. {differing[0][:120]}"
    return verdicts


def main() -> None:
    """Command line: check a running endpoint, or a Virtuoso started on the built store."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--endpoint", help="a running SPARQL endpoint holding the build")
    where.add_argument("--virtuoso", action="store_true", help="start Virtuoso on the build")
    parser.add_argument("--store", type=Path, default=REPO / "var" / "store")
    args = parser.parse_args()
    server = None
    if args.virtuoso:
        workdir = Path(tempfile.mkdtemp(prefix="icj-conformance-"))
        server = start_virtuoso(current_build(args.store), workdir, workdir)
        if server is None:
            parser.error("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    try:
        verdicts = check(args.endpoint or server.endpoint)  # type: ignore[union-attr]
    finally:
        if server is not None:
            server.stop()
    for name, verdict in verdicts.items():
        print(f"{name}: {verdict}")  # noqa: T201
    same = sum(v == "same" for v in verdicts.values())
    print(f"{same} of {len(verdicts)} examples give the expected result")  # noqa: T201
    sys.exit(0 if same == len(verdicts) else 1)


if __name__ == "__main__":
    main()
