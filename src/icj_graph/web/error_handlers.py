"""The one place errors become HTTP responses: a status table and a body per Accept."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match, Route

from icj_graph.errors import (
    BadRequest,
    IcjGraphError,
    NotAcceptable,
    PayloadTooLarge,
    QueryFailed,
    QuerySyntaxError,
    QueryTimeout,
    ServiceRefused,
    StoreUnavailable,
    UnknownEntity,
    UnsupportedMediaType,
    UpdateRefused,
    UriTooLong,
)
from icj_graph.formats import preferred
from icj_graph.web.templating import templates

log = logging.getLogger("icj_graph.web")

#: Most specific class first.
STATUS: tuple[tuple[type[IcjGraphError], int], ...] = (
    (QuerySyntaxError, 400),
    (BadRequest, 400),
    (UriTooLong, 414),
    (PayloadTooLarge, 413),
    (UnsupportedMediaType, 415),
    (UpdateRefused, 403),
    (ServiceRefused, 403),
    (UnknownEntity, 404),
    (NotAcceptable, 406),
    (StoreUnavailable, 503),
    (QueryTimeout, 503),
    (QueryFailed, 500),
)
#: Error bodies by what the client accepts: any JSON type gets the JSON body.
_BODY_TYPES = {
    "text/plain": "text/plain",
    "application/json": "application/json",
    "text/html": "text/html",
    "application/ld+json": "application/json",
    "application/sparql-results+json": "application/json",
    "application/problem+json": "application/json",
}


def status_of(error: IcjGraphError) -> int:
    """The HTTP status of an error."""
    return next((code for cls, code in STATUS if isinstance(error, cls)), 500)


class ErrorDetail(BaseModel):
    """What went wrong, and what to do."""

    status: int
    message: str
    type: str | None = None


class ErrorBody(BaseModel):
    """The JSON body of every error (text and HTML carry the same message)."""

    error: ErrorDetail


_ERROR_CONTENT = {
    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}},
    "text/plain": {"schema": {"type": "string"}},
    "text/html": {"schema": {"type": "string"}},
}
#: Documented on every operation: the statuses any request can meet.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": _ERROR_CONTENT}
    for code, text in (
        (400, "Malformed request or query; the body says what to fix."),
        (403, "A SPARQL Update or a SERVICE call: the endpoint is read-only and calls no one."),
        (404, "No such entity or resource."),
        (406, "No acceptable format; the body lists those offered."),
        (413, "Query or body over a limit."),
        (414, "GET query over the length limit: POST it."),
        (415, "A body that is neither a form nor a SPARQL query, or not UTF-8."),
        (429, "Too many requests from this client; see Retry-After."),
        (500, "The engine failed while evaluating the query, or an internal error (logged)."),
        (503, "Query timeout, or no store."),
    )
}


def error_schemas(openapi: dict[str, Any]) -> dict[str, Any]:
    """Document our errors in an OpenAPI schema: add ErrorBody, and 400 where FastAPI says 422
    (this service answers 400 to every malformed request)."""
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ErrorBody.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    components.update(components["ErrorBody"].pop("$defs", {}))
    for operations in openapi.get("paths", {}).values():
        for operation in operations.values():
            operation.get("responses", {}).pop("422", None)
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    return openapi


def render_error(
    request: Request,
    status: int,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extra: object,
) -> Response:
    """Render an error message as text, JSON or HTML, whichever the client accepts."""
    headers = {"Vary": "Accept", **(headers or {})}
    if status == 503:
        headers["Retry-After"] = "5"
    kind = _body_type(request)
    if kind == "application/json":
        body = {"error": {"status": status, "message": message, **extra}}
        return JSONResponse(body, status_code=status, headers=headers)
    if kind == "text/html":
        context = {"status": status, "message": message, "extra": extra}
        return templates.TemplateResponse(
            request, "error.html", context, status_code=status, headers=headers
        )
    return PlainTextResponse(f"{status} {message}\n", status_code=status, headers=headers)


def _body_type(request: Request) -> str:
    """JSON for a JSON client, HTML for a browser, else text; the API's default is JSON."""
    offered = list(_BODY_TYPES)
    if request.url.path.startswith("/api"):
        offered.insert(0, offered.pop(offered.index("application/json")))
    try:
        index = preferred(offered, request.headers.get("accept") or "*/*")
    except BadRequest:
        index = None
    return _BODY_TYPES[offered[index or 0]]


async def _on_icj_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, IcjGraphError)
    extra: dict[str, object] = {"type": type(error).__name__}
    if isinstance(error, NotAcceptable):
        extra["offered"] = error.offered
    if isinstance(error, UnknownEntity) and error.suggestions:
        extra["suggestions"] = error.suggestions
    if isinstance(error, QuerySyntaxError) and error.line is not None:
        extra.update(line=error.line, column=error.column)
    return render_error(request, status_of(error), error.message, **extra)  # type: ignore[arg-type]


async def _on_http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    headers = dict(error.headers or {})
    if error.status_code == 405:  # every method the path takes, not just one route's
        headers["Allow"] = ", ".join(_allowed_methods(request))
    kind = HTTPStatus(error.status_code).phrase.title().replace(" ", "").replace("-", "")
    return render_error(request, error.status_code, str(error.detail), headers=headers, type=kind)


def _allowed_methods(request: Request) -> list[str]:
    scope = {**request.scope, "method": "GET"}
    methods = {
        method
        for route in _leaf_routes(request.app.routes)
        if route.matches(scope)[0] != Match.NONE
        for method in route.methods or ()
    }
    if "GET" in methods:
        methods.add("HEAD")  # answered as GET, without the body (middleware.HeadAsGet)
    return sorted(methods)


def _leaf_routes(routes: Sequence[BaseRoute]) -> Iterator[APIRoute | Route]:
    """The app's routes, those of included routers too (FastAPI wraps each in a router)."""
    for route in routes:
        if isinstance(route, APIRoute | Route):
            yield route
        nested = getattr(getattr(route, "original_router", route), "routes", None)
        if nested is not None and nested is not routes:
            yield from _leaf_routes(nested)


async def _on_validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
    )
    return render_error(request, 400, f"Invalid request: {problems}", type=BadRequest.__name__)


async def _on_unexpected(request: Request, error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return render_error(request, 500, "Internal error; it has been logged.")


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(IcjGraphError, _on_icj_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(Exception, _on_unexpected)
