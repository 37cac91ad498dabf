"""What ``icj-graph build`` shows while it works, and the summary it ends with."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from icj_graph.build import BuildReport
from icj_graph.load import GRAPH_BASE

STEPS = ("parse", "validate", "infer", "store", "dumps", "publish")


@contextmanager
def build_progress(stream: TextIO) -> Iterator[Callable[[str], None]]:
    """A progress callback: a bar on a terminal, plain lines otherwise."""
    if not stream.isatty():
        yield lambda message: print(message, file=stream, flush=True)  # noqa: T201
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(file=stream), transient=False) as bar:
        task = bar.add_task("building", total=len(STEPS))

        def report(message: str) -> None:
            step = message.split(":", 1)[0].rstrip("…")
            if message.endswith("…"):
                bar.update(task, description=step)
            elif step in STEPS:
                bar.advance(task)
            else:
                bar.console.print(message)

        yield report


def build_summary(report: BuildReport) -> str:
    """Triples per graph, entities per class, violations, and time per step.

    The classes shown are the main ones; every class is in build.json and the VoID description.
    """
    info = report.info
    graphs = "\n".join(
        f"  {name.removeprefix(GRAPH_BASE):<28} {count:>8}" for name, count in info.graphs.items()
    )
    main = (
        "Tribunal",
        "Situation",
        "Case",
        "Person",
        "Prosecution",
        "Charge",
        "ArrestWarrant",
        "CustodyEvent",
        "Judgment",
        "Sentence",
        "Provision",
        "State",
        "TreatyAction",
    )
    classes = "\n".join(f"  {c:<28} {info.classes[c]:>8}" for c in main if c in info.classes)
    steps = ", ".join(f"{step} {seconds:.2f} s" for step, seconds in report.seconds.items())
    return (
        f"built {info.triples} triples (version {info.version}, {info.content_hash}) "
        f"at {report.path}\ntriples per graph:\n{graphs}\nentities per class:\n{classes}\n"
        f"SHACL violations: 0\ntime per step: {steps}\n"
    )
