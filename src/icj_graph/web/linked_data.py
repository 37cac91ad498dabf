"""Dereferenceable IRIs: ``/id/<type>/<slug>`` answers 303 to its document ``/doc/<type>/<slug>``,
which is negotiated (HTML, Turtle, N-Triples, RDF/XML, JSON-LD) or fixed by an extension."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from icj_graph.documents import (
    charges_query,
    describe_query,
    exists_query,
    outline_from_results,
    outline_query,
    prosecutions_query,
    schema_org,
    timeline_query,
)
from icj_graph.engine import QueryEngine
from icj_graph.errors import UnknownEntity
from icj_graph.formats import GRAPHS, HTML, RESULTS_JSON, Format, negotiate
from icj_graph.iris import mint_iri, to_served
from icj_graph.jsonld import document as compact_document
from icj_graph.search import needle, search_query
from icj_graph.web.caching import cache_headers, compacted, not_modified
from icj_graph.web.deps import BuildDep, EngineDep
from icj_graph.web.templating import templates

router = APIRouter(tags=["Linked data"])
#: Document formats by file extension; the first is what browsers get.
TURTLE, NTRIPLES, JSONLD, RDF_XML = GRAPHS
EXTENSIONS: dict[str, Format] = {
    "html": HTML,
    "ttl": TURTLE,
    "nt": NTRIPLES,
    "jsonld": JSONLD,
    "rdf": RDF_XML,
}
OFFERED = tuple(EXTENSIONS.values())
#: The 200 answer of every document route, with each format it can take.
DOCUMENT_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "The document.", "content": {f.media_type: {} for f in OFFERED}}
}


def extension_of(fmt: Format) -> str:
    """The file extension of a document format."""
    return next(ext for ext, f in EXTENSIONS.items() if f is fmt)


def alternates_of(url: str, fmt: Format, *, html: bool = True) -> dict[str, str]:
    """The other formats of the document at `url` (served with extensions), by media type."""
    return {
        f.media_type: f"{url}.{ext}"
        for ext, f in EXTENSIONS.items()
        if f is not fmt and (html or f is not HTML)
    }


def link_header(alternates: dict[str, str]) -> str:
    """A ``Link`` header naming each alternate format."""
    return ", ".join(f'<{url}>; rel="alternate"; type="{t}"' for t, url in alternates.items())


def served_base(request: Request) -> str:
    """The base URL this request reached the service on."""
    configured = request.app.state.settings.base_url
    return (configured or str(request.base_url)).rstrip("/") + "/"


@router.get(
    "/id/{kind}/{slug}",
    status_code=303,
    response_class=RedirectResponse,
    summary="An entity IRI: 303 to its document",
    responses={303: {"description": "See Other: the document in the negotiated format."}},
)
async def entity(kind: str, slug: str, request: Request, engine: EngineDep) -> Response:
    """Answer 303 See Other to the document of the entity, in the format Accept prefers."""
    iri = mint_iri(kind, slug)
    served = served_base(request)
    await _require(engine, iri, served)
    fmt = negotiate(OFFERED, request.headers.get("accept"))
    target = f"{served}doc/{kind}/{slug}.{extension_of(fmt)}"
    return RedirectResponse(target, status_code=303, headers={"Vary": "Accept"})


@router.get(
    "/doc/{kind}/{name}",
    summary="An entity's document (negotiated, or by extension)",
    responses={**DOCUMENT_RESPONSES, 304: {"description": "Not Modified."}},
)
async def document(
    kind: str, name: str, request: Request, engine: EngineDep, build: BuildDep
) -> Response:
    """The entity's description: its triples, linked labels, incoming links and sources."""
    slug, dot, extension = name.partition(".")
    if dot and extension in EXTENSIONS:
        fmt = EXTENSIONS[extension]
    else:
        slug = name
        fmt = negotiate(OFFERED, request.headers.get("accept"))
    iri = mint_iri(kind, slug)
    variant = extension_of(fmt)
    cached = not_modified(request, build, variant)
    if cached:
        return cached
    served = served_base(request)
    await _require(engine, iri, served)
    document_url = f"{served}doc/{kind}/{slug}"
    alternates = alternates_of(document_url, fmt)
    headers = {**cache_headers(build, variant), "Vary": "Accept", "Link": link_header(alternates)}
    if not dot:
        headers["Content-Location"] = f"{document_url}.{variant}"
    if fmt is HTML:
        context = await _page_context(engine, iri, served)
        context["alternates"] = alternates
        return templates.TemplateResponse(request, "entity.html", context, headers=headers)
    if fmt is JSONLD:
        context = request.app.state.jsonld_context
        body = await compacted(
            request,
            ("doc", iri),
            lambda: engine.fetch(describe_query(iri), NTRIPLES.media_type),
            lambda nt: json.dumps(compact_document(iri, nt, context), ensure_ascii=False).encode(),
        )
    else:
        body = await engine.fetch(describe_query(iri), fmt.media_type)
    return Response(body, media_type=fmt.content_type, headers=headers)


#: The column holding each table row's own entity.
_TABLE_KEYS = (("event", "timeline"), ("charge", "charges"), ("p", "prosecutions"))


async def _page_context(engine: QueryEngine, iri: str, served: str) -> dict[str, object]:
    outline = outline_from_results(iri, await engine.fetch(outline_query(iri), RESULTS_JSON))
    rows = {}
    for name, query in (
        ("timeline", timeline_query(iri)),
        ("charges", charges_query(iri)),
        ("prosecutions", prosecutions_query(iri)),
    ):
        answer = json.loads(await engine.fetch(query, RESULTS_JSON))
        rows[name] = [{k: v["value"] for k, v in r.items()} for r in answer["results"]["bindings"]]
    page_url = f"{served}doc/{iri.split('/id/', 1)[1]}.html"
    # What the tables show is not listed again under "Linked from"; everything else is.
    shown = {r[key] for key, name in _TABLE_KEYS for r in rows[name]}
    incoming = {
        name: kept
        for name, values in outline.incoming.items()
        if (kept := [v for v in values if v.iri not in shown])
    }
    return {
        "outline": outline,
        "incoming": incoming,
        "served": served,
        "to_served": to_served,
        "jsonld": schema_org(outline, page_url),
        **rows,
    }


async def _require(engine: QueryEngine, iri: str, served: str) -> None:
    """Raise UnknownEntity, with entities whose names match the IRI's slug, if `iri` is not in
    the graph."""
    answer = await engine.fetch(exists_query(iri), RESULTS_JSON)
    if b"true" in answer:
        return
    words = iri.rsplit("/", 1)[1].replace("-", " ")
    suggestions: list[str] = []
    if needle(words):
        found = json.loads(
            await engine.fetch(search_query(words, limit=5, fold=engine.fold), RESULTS_JSON)
        )
        suggestions = [to_served(r["e"]["value"], served) for r in found["results"]["bindings"]]
    raise UnknownEntity(to_served(iri, served), suggestions)
