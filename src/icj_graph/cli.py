"""The ``icj-graph`` command line: build, validate, serve, query, examples.

Exit codes: 0 ok; 1 refused (the message on stderr, no traceback); 2 usage.
"""

from __future__ import annotations

import difflib
import logging
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from icj_graph.errors import BadRequest, IcjGraphError, ValidationFailed
from icj_graph.settings import Settings
from icj_graph.sparql import QUERY_FORMS

app = typer.Typer(
    help="The icj-graph knowledge graph: build it, check it, serve it, query it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

SourceOpt = Annotated[
    Path | None, typer.Option("--source", help="Folder with ontology/, data/, shapes/.")
]
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Store path, or the URL of a SPARQL endpoint to query instead (default: settings).",
    ),
]


def _settings(source: Path | None = None, store: str | None = None, **more: object) -> Settings:
    """Settings from the environment, overridden by the options given."""
    given: dict[str, object] = {"source_dir": source, **more}
    if store and store.startswith(("http://", "https://")):
        given["store_url"] = store
    elif store:
        given["store_path"] = Path(store)
    return Settings(**{k: v for k, v in given.items() if v is not None})  # type: ignore[arg-type]


def _say(message: str) -> None:
    typer.echo(message, err=True)


@app.command()
def validate(source: SourceOpt = None) -> None:
    """Parse and validate ontology/ and data/ against shapes/; exit 1 on any violation."""
    from icj_graph.build import check

    settings = _settings(source)
    quads, violations = check(settings.source_dir)
    if violations:
        raise ValidationFailed(violations)
    typer.echo(f"valid: {len(quads)} triples, no SHACL violations")


@app.command()
def build(
    source: SourceOpt = None,
    store: StoreOpt = None,
    load_into: Annotated[
        str | None,
        typer.Option(
            help="Also replace each named graph in this Graph Store Protocol endpoint "
            "(e.g. http://host:7878/store) with the built data."
        ),
    ] = None,
) -> None:
    """Build the store: parse, validate, infer, write; the last good store stays if this fails."""
    from pyoxigraph import RdfFormat, parse

    from icj_graph.build import build as run_build
    from icj_graph.remote import load_into as push
    from icj_graph.reporting import build_progress, build_summary
    from icj_graph.store import DATASET_FILE

    with build_progress(sys.stderr) as progress:
        report = run_build(_settings(source, store), progress=progress)
    typer.echo(build_summary(report), nl=False)
    if load_into:
        quads = parse(path=report.path / DATASET_FILE, format=RdfFormat.N_QUADS)
        graphs = push(load_into, quads)
        typer.echo(
            f"loaded {sum(graphs.values())} triples in {len(graphs)} graphs into {load_into}"
        )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int | None, typer.Option(help="Query worker processes (default: the cores).")
    ] = None,
    source: SourceOpt = None,
    store: StoreOpt = None,
) -> None:
    """Serve the SPARQL endpoint (building the store first if there is none)."""
    import uvicorn

    from icj_graph.build import build as run_build
    from icj_graph.store import INFO_FILE, current_build, open_store
    from icj_graph.web.app import server_config

    settings = _settings(source, store, workers=workers)
    if not (settings.store_path / INFO_FILE).is_file():
        _say(f"no store at {settings.store_path}: building it first")
        run_build(settings, progress=_say)
    if settings.store_url is None:  # one line of error, rather than a failed server start
        open_store(current_build(settings.store_path), in_memory=False)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is ours
    uvicorn.Server(server_config(settings, host=host, port=port, log_level="info")).run()


@app.command()
def query(
    text: Annotated[str, typer.Argument(help="A SPARQL query, a .rq file, or an example's name.")],
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="table (the default on a terminal), tsv (the default otherwise), csv, json, "
            "xml for SELECT/ASK; turtle, nt, jsonld, rdfxml for CONSTRUCT/DESCRIBE.",
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
    endpoint: Annotated[
        str | None, typer.Option(help="Query this SPARQL endpoint instead of the built store.")
    ] = None,
    cite: Annotated[
        bool, typer.Option("--cite", help="Also print a citation (on stderr) for a footnote.")
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Run a read-only query on the built store or an endpoint and print the results."""
    from icj_graph.client import Graph
    from icj_graph.tables import render_table

    settings = _settings(None, store)
    graph = Graph.open(settings.store_path, endpoint=endpoint)
    query_text = _query_text(text, settings)
    wanted = output_format or ("table" if sys.stdout.isatty() and not output else "tsv")
    if wanted == "table":
        body = render_table(graph.query(query_text, format="json")).encode()
    else:
        body = graph.query(query_text, format=wanted)
    if output:
        output.write_bytes(body)
    else:
        sys.stdout.buffer.write(body)
    if cite:
        _say(graph.cite(query_text))


@app.command()
def examples(source: SourceOpt = None) -> None:
    """List the example queries of queries/ with their titles."""
    from icj_graph.examples import load_examples

    for example in load_examples(_settings(source).source_dir / "queries"):
        typer.echo(f"{example.name}\t{example.title}")


def _query_text(text: str, settings: Settings) -> str:
    """The query itself, a .rq file's text, or an example's; a word that is none of them (a
    misspelt name, a missing file) is named as such, not parsed as SPARQL."""
    if text.endswith(".rq"):
        if not Path(text).is_file():
            raise BadRequest(f"No such query file: {text}")
        return Path(text).read_text(encoding="utf-8")
    queries = settings.source_dir / "queries"
    example = queries / f"{text}.rq"
    if example.is_file():
        return example.read_text(encoding="utf-8")
    if re.fullmatch(r"[\w-]+", text) and text.upper() not in QUERY_FORMS:
        names = sorted(p.stem for p in queries.glob("*.rq"))
        close = difflib.get_close_matches(text, names, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        raise BadRequest(f"No example named {text!r}: {hint}`icj-graph examples` lists them.")
    return text


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="A build folder, a store link or a dump file.")],
    new: Annotated[Path, typer.Argument(help="The same, for the newer data.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")] = False,
) -> None:
    """What changed in the data from OLD to NEW: entities and triples added, removed, changed."""
    import json
    from dataclasses import asdict

    from icj_graph.diff import compare_files

    changes = compare_files(old, new)
    typer.echo(json.dumps(asdict(changes), indent=1) if as_json else changes.summary())


def main() -> None:
    """Run the CLI, turning icj-graph errors into a message and exit code 1."""
    try:
        app()
    except IcjGraphError as err:
        _say(f"error: {err.message}")
        sys.exit(1)
