"""The dataset's own documents: the ontology (with generated documentation), the shapes, the
VoID/DCAT description and the dumps of the build being served."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from pyoxigraph import RdfFormat, parse, serialize

from icj_graph.dumps import CHECKSUMS_FILE, DUMPS_DIR
from icj_graph.errors import BadRequest, UnknownEntity, UnknownResource
from icj_graph.formats import GRAPHS, HTML, RESULTS_JSON, Format, negotiate
from icj_graph.iris import CANONICAL_BASE
from icj_graph.load import GRAPH_BASE, graph_iri
from icj_graph.metadata import function_descriptions, void_description
from icj_graph.sparql import QueryJob
from icj_graph.store import CHANGES_FILE, current_build
from icj_graph.vocab import PREFIXES
from icj_graph.web.caching import answer_made_now, cache_headers, not_modified
from icj_graph.web.deps import BuildDep, EngineDep, SettingsDep
from icj_graph.web.endpoint import respond
from icj_graph.web.linked_data import (
    DOCUMENT_RESPONSES,
    EXTENSIONS,
    OFFERED,
    alternates_of,
    extension_of,
    link_header,
    served_base,
)
from icj_graph.web.templating import templates
from icj_graph.workers import Task

router = APIRouter(tags=["Dataset"])
ONTOLOGY_GRAPH = graph_iri("ontology/icj")
_TERMS = f"""SELECT ?term ?kind ?label ?comment
  (GROUP_CONCAT(DISTINCT STR(?super); separator=" ") AS ?supers)
  (GROUP_CONCAT(DISTINCT STR(?domain); separator=" ") AS ?domains)
  (GROUP_CONCAT(DISTINCT STR(?range); separator=" ") AS ?ranges)
WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{
  ?term a ?kind ; <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  FILTER (?kind IN (<http://www.w3.org/2002/07/owl#Class>,
      <http://www.w3.org/2002/07/owl#ObjectProperty>, <http://www.w3.org/2002/07/owl#DatatypeProperty>))
  OPTIONAL {{ ?term <http://www.w3.org/2000/01/rdf-schema#comment> ?comment }}
  OPTIONAL {{ ?term <http://www.w3.org/2000/01/rdf-schema#subClassOf>
                 |<http://www.w3.org/2000/01/rdf-schema#subPropertyOf> ?super }}
  OPTIONAL {{ ?term <http://www.w3.org/2000/01/rdf-schema#domain> ?domain }}
  OPTIONAL {{ ?term <http://www.w3.org/2000/01/rdf-schema#range> ?range }}
}} }} GROUP BY ?term ?kind ?label ?comment ORDER BY ?kind ?term"""
#: The default graph (the union of all graphs), as the Graph Store Protocol's ``?default``.
_DEFAULT_GRAPH = QueryJob("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT")
_ONTOLOGY = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"


@router.get(
    "/ontology",
    summary="The ontology: documentation for browsers, RDF for clients",
    responses=DOCUMENT_RESPONSES,
)
@router.get("/ontology.{extension}", include_in_schema=False)
async def ontology(
    request: Request, engine: EngineDep, build: BuildDep, extension: str | None = None
) -> Response:
    """The ontology (its terms are ``/ontology#Term``), generated from ontology/icj.ttl."""
    if extension is not None and extension not in EXTENSIONS:
        raise UnknownEntity(f"{served_base(request)}ontology.{extension}")
    fmt = EXTENSIONS[extension] if extension else negotiate(OFFERED, request.headers.get("accept"))
    variant = "ontology-" + extension_of(fmt)
    cached = not_modified(request, build, variant)
    if cached:
        return cached
    url = f"{served_base(request)}ontology"
    headers = {
        **cache_headers(build, variant),
        "Vary": "Accept",
        "Link": link_header(alternates_of(url, fmt)),
    }
    if extension is None:
        headers["Content-Location"] = f"{url}.{extension_of(fmt)}"
    if fmt is HTML:
        rows = json.loads(await engine.fetch(_TERMS, RESULTS_JSON))
        terms = [{k: v["value"] for k, v in row.items()} for row in rows["results"]["bindings"]]
        context = {"terms": terms, "ns": PREFIXES["icj"], "version": build.version}
        return templates.TemplateResponse(request, "ontology.html", context, headers=headers)
    body = await engine.fetch(_ONTOLOGY, fmt.media_type)
    return Response(body, media_type=fmt.content_type, headers=headers)


@router.get(
    "/ontology/{version}",
    status_code=303,
    response_class=RedirectResponse,
    summary="A version IRI of the ontology: 303 to the ontology, if it is the current version",
    responses={303: {"description": "See Other: the ontology."}},
)
async def ontology_version(version: str, request: Request, engine: EngineDep) -> Response:
    """The ontology's ``owl:versionIRI``: only the served version is known."""
    iri = f"{CANONICAL_BASE}ontology/{version}"
    answer = await engine.fetch(f"ASK {{ ?o <{PREFIXES['owl']}versionIRI> <{iri}> }}", RESULTS_JSON)
    if b"true" not in answer:
        raise UnknownEntity(f"{served_base(request)}ontology/{version}")
    return RedirectResponse(f"{served_base(request)}ontology", status_code=303)


@router.get(
    "/dataset",
    status_code=303,
    response_class=RedirectResponse,
    summary="The dataset's IRI: 303 to its VoID description",
    responses={303: {"description": "See Other: the VoID description."}},
)
async def dataset(request: Request) -> Response:
    """``https://w3id.org/icj-graph/dataset`` is described by the VoID document."""
    return RedirectResponse(f"{served_base(request)}.well-known/void", status_code=303)


@router.get(
    "/function",
    summary="The endpoint's extension functions (icjf:fold)",
    responses=DOCUMENT_RESPONSES,
)
async def functions(request: Request, build: BuildDep) -> Response:
    """``https://w3id.org/icj-graph/function#fold`` and any other function the endpoint adds
    to SPARQL; a browser gets the Turtle as text."""
    fmt, content_type = _rdf_or_text(request)
    body = serialize(function_descriptions(), format=fmt.engine, prefixes=PREFIXES)  # type: ignore[arg-type]
    return answer_made_now(request, build, "function", body or b"", content_type)


@router.get(
    "/graph/{name:path}",
    summary="A named graph: its triples (one graph per source file)",
    responses={**DOCUMENT_RESPONSES, 304: {"description": "Not Modified."}},
)
async def named_graph(name: str, request: Request, engine: EngineDep, build: BuildDep) -> Response:
    """The triples of one named graph (``graph/data/icty``: data/icty.ttl; ``graph/inferred``:
    what the build inferred); a browser gets them as Turtle text."""
    iri = graph_iri(name)
    fmt, content_type = _rdf_or_text(request)
    variant = f"graph-{name}-{content_type.split(';')[0]}"
    cached = not_modified(request, build, variant)
    if cached:
        return cached
    answer = await engine.fetch(f"ASK {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}", RESULTS_JSON)
    if b"true" not in answer:
        raise _no_such_graph(f"{served_base(request)}graph/{name}")
    construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
    body = await engine.fetch(construct, fmt.media_type)
    headers = {**cache_headers(build, variant), "Vary": "Accept"}
    return Response(body, media_type=content_type, headers=headers)


@router.get(
    "/graph-store",
    summary="Graph Store Protocol, read side: a named graph (?graph=IRI) or the default graph",
    responses={
        **DOCUMENT_RESPONSES,
        304: {"description": "Not Modified."},
        400: {"description": "Neither or both of ?graph and ?default."},
        404: {"description": "No such graph."},
    },
)
async def graph_store(
    request: Request,
    engine: EngineDep,
    build: BuildDep,
    graph: str | None = None,
    default: str | None = None,
) -> Response:
    """The SPARQL 1.1 Graph Store HTTP Protocol (indirect identification), read only:
    ``?graph=https://w3id.org/icj-graph/graph/data/icty`` answers that graph's triples,
    ``?default`` the default graph (the union of all graphs: the whole dataset, streamed; the
    dumps are the cheaper way to get it). The store is read-only: writes get 405."""
    if (graph is None) == (default is None):
        raise BadRequest("Name one graph: ?graph=<IRI of a named graph>, or ?default.")
    if graph is not None:
        return await named_graph(_graph_name(graph, request), request, engine, build)
    fmt, content_type = _rdf_or_text(request)
    variant = f"graph-store-default-{content_type.split(';')[0]}"
    cached = not_modified(request, build, variant)
    if cached:
        return cached
    stream = await engine.run(_DEFAULT_GRAPH, Task(_DEFAULT_GRAPH.text, fmt.media_type))
    return respond(stream, content_type, {**cache_headers(build, variant), "Vary": "Accept"})


def _graph_name(iri: str, request: Request) -> str:
    """The name of one of our named graphs, from its IRI (canonical, or on this host)."""
    for base in (GRAPH_BASE, f"{served_base(request)}graph/"):
        if iri.startswith(base) and iri != base:
            return iri.removeprefix(base)
    raise _no_such_graph(iri)


def _no_such_graph(iri: str) -> UnknownResource:
    return UnknownResource(
        iri,
        f"No graph <{iri}> is served here: its named graphs are {GRAPH_BASE}data/<file>, "
        f"{GRAPH_BASE}ontology/icj and {GRAPH_BASE}inferred (listed in /.well-known/void); "
        "?default is their union.",
    )


def _rdf_or_text(request: Request) -> tuple[Format, str]:
    """The RDF format to write for this request and its Content-Type: what Accept prefers, or
    Turtle as plain text for a browser (there is no page for raw triples)."""
    fmt = negotiate((*GRAPHS, HTML), request.headers.get("accept"))
    if fmt is HTML:
        return GRAPHS[0], "text/plain; charset=utf-8"
    return fmt, fmt.content_type


@router.get(
    "/context.jsonld",
    summary="The JSON-LD context of the API and the documents",
    responses={200: {"description": "The context.", "content": {"application/ld+json": {}}}},
)
async def context(request: Request, build: BuildDep) -> Response:
    """The published context: short keys for every term, reverse keys for embedded items."""
    cached = not_modified(request, build, "context")
    if cached:
        return cached
    body = json.dumps(request.app.state.jsonld_context, indent=1)
    headers = cache_headers(build, "context")
    return Response(body, media_type="application/ld+json", headers=headers)


@router.get(
    "/shapes",
    summary="The SHACL shapes every build passes",
    responses={200: {"description": "The shapes.", "content": {f.media_type: {} for f in GRAPHS}}},
)
@router.get("/shapes.{extension}", include_in_schema=False)
async def shapes(
    request: Request, settings: SettingsDep, build: BuildDep, extension: str | None = None
) -> Response:
    """The SHACL shapes of shapes/: as written in Turtle (a browser gets that as text), or in
    another RDF format by Accept or extension (``.ttl``, ``.nt``, ``.jsonld``, ``.rdf``)."""
    if extension is not None and (extension not in EXTENSIONS or EXTENSIONS[extension] is HTML):
        raise UnknownEntity(f"{served_base(request)}shapes.{extension}")
    if extension:
        fmt, content_type = EXTENSIONS[extension], EXTENSIONS[extension].content_type
    else:
        fmt, content_type = _rdf_or_text(request)
    text = b"".join(p.read_bytes() for p in sorted((settings.source_dir / "shapes").glob("*.ttl")))
    body: bytes | None = text  # Turtle goes out as written, with its comments
    if fmt is not GRAPHS[0]:
        body = serialize(parse(text, format=RdfFormat.TURTLE), format=fmt.engine)  # type: ignore[arg-type]
    url = f"{served_base(request)}shapes"
    answer = answer_made_now(request, build, "shapes", body or b"", content_type)
    answer.headers["Link"] = link_header(alternates_of(url, fmt, html=False))
    if extension is None:
        answer.headers["Content-Location"] = f"{url}.{extension_of(fmt)}"
    return answer


@router.get(
    "/.well-known/void",
    summary="VoID and DCAT description of the dataset",
    responses={
        200: {"description": "The description.", "content": {f.media_type: {} for f in GRAPHS}},
        304: {"description": "Not Modified."},
    },
)
async def void(request: Request, build: BuildDep, settings: SettingsDep) -> Response:
    """The dataset: licence, version, size, classes, example resources, endpoint and dumps (a
    browser gets them as a page, with the download links)."""
    fmt = negotiate((*GRAPHS, HTML), request.headers.get("accept"))
    variant = "void-" + fmt.names[0]
    cached = not_modified(request, build, variant)
    if cached:
        return cached
    if fmt is HTML:
        changes = current_build(settings.store_path) / CHANGES_FILE
        context = {"build": build, "has_changes": changes.is_file()}
        headers = {**cache_headers(build, variant), "Vary": "Accept"}
        return templates.TemplateResponse(request, "dataset.html", context, headers=headers)
    triples = void_description(served_base(request), build)
    body = serialize(triples, format=fmt.engine, prefixes=PREFIXES)  # type: ignore[arg-type]
    headers = {**cache_headers(build, variant), "Vary": "Accept"}
    return Response(body, media_type=fmt.content_type, headers=headers)


@router.get(
    "/dumps/{file}",
    summary="A dump of the whole dataset",
    responses={
        200: {
            "description": "The dump.",
            "content": {
                m: {}
                for m in ("text/turtle", "application/ld+json", "application/gzip", "text/plain")
            },
        }
    },
)
async def dump(file: str, request: Request, settings: SettingsDep, build: BuildDep) -> Response:
    """Download a dump listed in the VoID description (Turtle, N-Triples, N-Quads, JSON-LD),
    ``SHA256SUMS`` (their checksums, for ``sha256sum --check``), or ``changes.json`` (what this
    build changed since the one it replaced)."""
    listed = {str(d["file"]): d for d in build.dumps}
    folder: Path = current_build(settings.store_path) / DUMPS_DIR
    changes = folder.parent / CHANGES_FILE
    files = [*listed, CHECKSUMS_FILE, *([CHANGES_FILE] if changes.is_file() else [])]
    if file not in files:
        raise UnknownResource(
            f"{served_base(request)}dumps/{file}",
            f"No dump named {file!r} here; the files are {', '.join(files)}.",
        )
    cached = not_modified(request, build, file)
    if cached:
        return cached
    headers = cache_headers(build, file)
    if file == CHECKSUMS_FILE:
        return FileResponse(folder / file, media_type="text/plain; charset=ascii", headers=headers)
    if file == CHANGES_FILE:
        return FileResponse(changes, media_type="application/json", headers=headers)
    path = folder / file
    entry = listed[file]
    if entry["encoding"]:
        return FileResponse(path, media_type="application/gzip", headers=headers, filename=file)
    return FileResponse(path, media_type=str(entry["media_type"]), headers=headers, filename=file)
