"""``/sparql``: the SPARQL 1.1 Protocol query operation (GET, POST form, POST direct).

Updates are refused (read-only). With no query, GET answers the service description, or sends
a browser to the query editor.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from pyoxigraph import serialize

from icj_graph.errors import (
    BadRequest,
    PayloadTooLarge,
    UnsupportedMediaType,
    UpdateRefused,
    UriTooLong,
)
from icj_graph.formats import GRAPHS, HTML, Format, for_form, negotiate
from icj_graph.metadata import SD_PREFIXES, service_description
from icj_graph.sparql import check_query
from icj_graph.store import BuildInfo
from icj_graph.web.caching import answer_made_now, cache_headers, not_modified
from icj_graph.web.deps import Service
from icj_graph.workers import QueryStream, Task

router = APIRouter(tags=["SPARQL"])
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": "Query results, in the negotiated format.",
        "content": {f.media_type: {} for f in for_form("SELECT") + GRAPHS},
    },
    400: {"description": "Malformed query or request."},
    403: {"description": "Update, LOAD or SERVICE refused."},
    406: {"description": "No acceptable result format; the body lists those offered."},
    413: {"description": "Query or body over the limit."},
    503: {"description": "Query timeout, or no store."},
}


_GET_PARAMETERS = [
    {
        "name": name,
        "in": "query",
        "required": False,
        "description": text,
        "schema": {"type": "array", "items": {"type": "string"}} if many else {"type": "string"},
        **({"style": "form", "explode": True} if many else {}),
    }
    for name, many, text in (
        ("query", False, "A SPARQL 1.1 query (none: the service description)."),
        ("default-graph-uri", True, "A graph of the default graph (overrides FROM)."),
        ("named-graph-uri", True, "A named graph of the dataset (overrides FROM NAMED)."),
        (
            "format",
            False,
            "A format name or media type, instead of Accept (json, xml, csv, tsv, "
            "turtle, nt, jsonld, rdfxml).",
        ),
    )
]


@router.get(
    "/sparql",
    responses=_RESPONSES,
    summary="Query (GET), or the service description",
    openapi_extra={"parameters": _GET_PARAMETERS},
)
@router.get("/sparql/", include_in_schema=False)
async def sparql_get(request: Request) -> Response:
    """Run the query in ``query=``; with no query, return the SPARQL service description."""
    service = Service.of(request)
    params = list(request.query_params.multi_items())
    if not _values(params, "query") and not _values(params, "update"):
        return _describe_service(request, service.build, service.settings.allow_service)
    return await _answer(request, params, service)


@router.post(
    "/sparql",
    responses=_RESPONSES,
    summary="Query (POST form or direct)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "required": ["query"],
                        "properties": {
                            "query": {"type": "string", "description": "A SPARQL 1.1 query."},
                            "default-graph-uri": {"type": "string", "format": "uri"},
                            "named-graph-uri": {"type": "string", "format": "uri"},
                            "format": {"type": "string"},
                        },
                    }
                },
                DIRECT: {"schema": {"type": "string", "description": "A SPARQL 1.1 query."}},
            },
        }
    },
)
@router.post("/sparql/", include_in_schema=False)
async def sparql_post(request: Request) -> Response:
    """Run a query sent as a form (``query=``) or directly (``application/sparql-query``)."""
    service = Service.of(request)
    media_type, charset = _content_type(request.headers.get("content-type", ""))
    if media_type == "application/sparql-update":
        raise UpdateRefused()
    if media_type not in (FORM, DIRECT):
        raise UnsupportedMediaType(
            f"POST a query as {FORM} (query=...) or as {DIRECT}; got "
            f"{media_type or 'no Content-Type'}."
        )
    if charset not in ("", "utf-8", "utf8"):
        raise UnsupportedMediaType(f"The body must be UTF-8, not {charset}.")
    body = await _read_body(request, service.settings.max_body_bytes)
    params = list(request.query_params.multi_items())
    if media_type == FORM:
        params = [(k, v) for k, v in params if k == "format"] + _parse_form(body)
    else:
        params = [(k, v) for k, v in params if k != "query"] + [("query", body)]
    return await _answer(request, params, service)


async def _answer(request: Request, params: list[tuple[str, str]], service: Service) -> Response:
    settings = service.settings
    if _values(params, "update"):
        raise UpdateRefused()
    queries = _values(params, "query")
    if len(queries) != 1:
        raise BadRequest(f"Send exactly one query parameter (got {len(queries)}).")
    if request.method == "GET" and len(queries[0].encode()) > settings.max_query_bytes:
        raise UriTooLong(settings.max_query_bytes)
    job = check_query(
        queries[0],
        settings,
        default_graphs=tuple(_values(params, "default-graph-uri")),
        named_graphs=tuple(_values(params, "named-graph-uri")),
    )
    name = _first(params, "format")
    fmt = negotiate(for_form(job.form), request.headers.get("accept"), name=name)
    task = Task(job.text, fmt.media_type, job.dataset)
    headers = {"Vary": "Accept"}
    if name:  # format= is how links download results: give the saved file a name
        extension = fmt.engine.file_extension
        headers["Content-Disposition"] = f'inline; filename="icj-graph-results.{extension}"'
    if request.method == "GET":  # cacheable by proxies: the data changes only with a new build
        variant = "sparql-" + hashlib.sha256(repr(task).encode()).hexdigest()[:16]
        cached = not_modified(request, service.build, variant)
        if cached:
            return cached
        headers.update(cache_headers(service.build, variant))
    return respond(await service.engine.run(job, task), fmt.content_type, headers)


def respond(stream: QueryStream, content_type: str, headers: dict[str, str]) -> Response:
    """The response for a running query's output: whole if it is already all here, else streamed."""
    if stream.complete:  # a small result: no need for a streaming response's machinery
        return Response(stream.first, media_type=content_type, headers=headers)
    return StreamingResponse(aiter(stream), media_type=content_type, headers=headers)


def _describe_service(request: Request, build: BuildInfo, federation: bool) -> Response:
    fmt: Format = negotiate((*GRAPHS, HTML), request.headers.get("accept"))
    if fmt is HTML:  # a browser: the page to write queries on
        return RedirectResponse("/query", status_code=303, headers={"Vary": "Accept"})
    endpoint = str(request.url.replace(query=""))
    triples = service_description(endpoint, build, federation=federation)
    body = serialize(triples, format=fmt.engine, prefixes=SD_PREFIXES)  # type: ignore[arg-type]
    return answer_made_now(request, build, "service", body or b"", fmt.content_type)


async def _read_body(request: Request, limit: int) -> str:
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge("The request body", limit, "ICJ_GRAPH_MAX_BODY_BYTES")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadRequest(f"The body is not valid UTF-8 (byte {err.start}).") from None


def _parse_form(body: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(body, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise BadRequest("The form body is not valid UTF-8 once percent-decoded.") from None


def _content_type(header: str) -> tuple[str, str]:
    media_type, _, rest = header.partition(";")
    charset = ""
    for param in rest.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


def _values(params: list[tuple[str, str]], key: str) -> list[str]:
    return [v for k, v in params if k == key]


def _first(params: list[tuple[str, str]], key: str) -> str | None:
    found = _values(params, key)
    return found[0] if found else None
