"""The ``icj-graph`` command line: build, validate, serve, query, examples.

Exit codes: 0 ok; 1 refused (the message on stderr, no traceback); 2 usage.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from icj_graph.errors import IcjGraphError, ValidationFailed
from icj_graph.settings import Settings

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
    from icj_graph.store import DATASET_FILE

    report = run_build(_settings(source, store), progress=_say)
    typer.echo(
        f"built {report.info.triples} triples (version {report.info.version}, "
        f"{report.info.content_hash}) at {report.path}"
    )
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
    from icj_graph.store import INFO_FILE
    from icj_graph.web.app import server_config

    settings = _settings(source, store, workers=workers)
    if not (settings.store_path / INFO_FILE).is_file():
        _say(f"no store at {settings.store_path}: building it first")
        run_build(settings, progress=_say)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request is ours
    uvicorn.Server(server_config(settings, host=host, port=port, log_level="info")).run()


@app.command()
def query(
    text: Annotated[str, typer.Argument(help="A SPARQL query, a .rq file, or an example's name.")],
    output_format: Annotated[
        str,
        typer.Option(
            "--format", help="json, xml, csv, tsv (SELECT/ASK); turtle, nt, jsonld, rdfxml."
        ),
    ] = "tsv",
    store: StoreOpt = None,
) -> None:
    """Run a read-only query on the built store and print the results."""
    from icj_graph.querying import run_local

    settings = _settings(None, store)
    sys.stdout.buffer.write(run_local(settings, _query_text(text, settings), output_format))


def _query_text(text: str, settings: Settings) -> str:
    path = Path(text)
    if text.endswith(".rq") and path.is_file():
        return path.read_text(encoding="utf-8")
    example = settings.source_dir / "queries" / f"{text}.rq"
    if example.is_file():
        return example.read_text(encoding="utf-8")
    return text


def main() -> None:
    """Run the CLI, turning icj-graph errors into a message and exit code 1."""
    try:
        app()
    except IcjGraphError as err:
        _say(f"error: {err.message}")
        sys.exit(1)
