"""The one place errors become HTTP responses: a status table and a body per Accept."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

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
)
from icj_graph.formats import preferred
from icj_graph.web.templating import templates

log = logging.getLogger("icj_graph.web")

#: Most specific class first.
STATUS: tuple[tuple[type[IcjGraphError], int], ...] = (
    (QuerySyntaxError, 400),
    (BadRequest, 400),
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
_BODY_TYPES = ["text/plain", "application/json", "text/html"]


def status_of(error: IcjGraphError) -> int:
    """The HTTP status of an error."""
    return next((code for cls, code in STATUS if isinstance(error, cls)), 500)


def render_error(request: Request, status: int, message: str, **extra: object) -> Response:
    """Render an error message as text, JSON or HTML, whichever the client accepts."""
    headers = {"Vary": "Accept"}
    if status == 503:
        headers["Retry-After"] = "5"
    kind = _body_type(request.headers.get("accept", ""))
    if kind == "application/json":
        body = {"error": {"status": status, "message": message, **extra}}
        return JSONResponse(body, status_code=status, headers=headers)
    if kind == "text/html":
        context = {"status": status, "message": message, "extra": extra}
        return templates.TemplateResponse(
            request, "error.html", context, status_code=status, headers=headers
        )
    return PlainTextResponse(f"{status} {message}\n", status_code=status, headers=headers)


def _body_type(accept: str) -> str:
    try:
        index = preferred(_BODY_TYPES, accept or "*/*")
    except BadRequest:
        index = None
    return _BODY_TYPES[index or 0]


async def _on_icj_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, IcjGraphError)
    extra: dict[str, object] = {"type": type(error).__name__}
    if isinstance(error, NotAcceptable):
        extra["offered"] = error.offered
    if isinstance(error, QuerySyntaxError) and error.line is not None:
        extra.update(line=error.line, column=error.column)
    return render_error(request, status_of(error), error.message, **extra)


async def _on_http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, StarletteHTTPException)
    return render_error(request, error.status_code, str(error.detail))


async def _on_validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
    )
    return render_error(request, 400, f"Invalid request: {problems}")


async def _on_unexpected(request: Request, error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return render_error(request, 500, "Internal error; it has been logged.")


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(IcjGraphError, _on_icj_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(Exception, _on_unexpected)
