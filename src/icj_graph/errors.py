"""The one exception hierarchy of icj-graph.

Every error a user can meet is an ``IcjGraphError``; its ``message`` says what went wrong and
what to do. ``web/error_handlers.py`` maps the classes to HTTP statuses in one table, and
``cli.main`` maps them to exit codes.

::

    IcjGraphError                      .message
    ├── DataError                      the curated files are wrong        (build refuses: exit 1)
    │   ├── TurtleSyntaxError          .file .line .column
    │   └── ValidationFailed           .violations
    ├── StoreUnavailable               no built store, or the remote store is down   → 503
    ├── QueryTimeout                   past query_timeout_s; the worker was killed  → 503
    ├── QueryFailed                    the engine failed while evaluating           → 500
    └── RequestError                   the client asked for what we refuse
        ├── BadRequest                                                              → 400
        │   └── QuerySyntaxError       .line .column                                → 400
        ├── PayloadTooLarge            .limit                                       → 413
        │   └── UriTooLong             a GET query over the limit                   → 414
        ├── UnsupportedMediaType       a body we cannot read                        → 415
        ├── UpdateRefused              the endpoint is read-only                    → 403
        ├── ServiceRefused             SERVICE federation is off                    → 403
        ├── UnknownEntity              .iri                                         → 404
        │   └── UnknownResource        an API path that names nothing; says what is → 404
        └── NotAcceptable              .offered                                     → 406
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class IcjGraphError(Exception):
    """Base of every error icj-graph reports to a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DataError(IcjGraphError):
    """The files in ontology/, data/ or shapes/ cannot be built."""


class TurtleSyntaxError(DataError):
    """A Turtle file does not parse; carries where."""

    def __init__(self, file: str, line: int, column: int, reason: str) -> None:
        super().__init__(f"{file}:{line}:{column}: invalid Turtle: {reason}")
        self.file = file
        self.line = line
        self.column = column
        self.reason = reason


@dataclass(frozen=True)
class Violation:
    """One SHACL violation, located in the file that states the focus node."""

    file: str
    focus: str
    path: str | None
    shape: str
    message: str

    def __str__(self) -> str:
        at = f" {self.path}" if self.path else ""
        return f"{self.file}: <{self.focus}>{at}: {self.message}"


class ValidationFailed(DataError):
    """The data violates the SHACL shapes; nothing was built."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        lines = "\n".join(f"  {v}" for v in violations)
        super().__init__(f"{len(violations)} SHACL violation(s):\n{lines}")
        self.violations = list(violations)


class StoreUnavailable(IcjGraphError):
    """There is no store to query (not built, or the remote endpoint does not answer)."""


class QueryTimeout(IcjGraphError):
    """A query ran past the configured timeout and was stopped."""

    def __init__(self, timeout_s: float) -> None:
        super().__init__(
            f"The query ran longer than {timeout_s:g} s and was stopped "
            "(setting ICJ_GRAPH_QUERY_TIMEOUT_S). Narrow it with LIMIT or more specific patterns."
        )
        self.timeout_s = timeout_s


class QueryFailed(IcjGraphError):
    """The engine failed while evaluating a query that parsed."""


class RequestError(IcjGraphError):
    """The client asked for something the service refuses."""


class BadRequest(RequestError):
    """The request is malformed."""


class QuerySyntaxError(BadRequest):
    """The SPARQL text does not parse; carries the position when known."""

    def __init__(self, reason: str, *, line: int | None = None, column: int | None = None) -> None:
        super().__init__(f"Malformed SPARQL query: {reason}")
        self.reason = reason
        self.line = line
        self.column = column


class PayloadTooLarge(RequestError):
    """The query or request body is over a configured limit."""

    def __init__(self, what: str, limit: int, setting: str) -> None:
        super().__init__(f"{what} is over the limit of {limit} bytes (setting {setting}).")
        self.limit = limit


class UriTooLong(PayloadTooLarge):
    """A GET query is over the query length limit: send it with POST instead."""

    def __init__(self, limit: int) -> None:
        RequestError.__init__(
            self,
            f"The query in the URL is over the limit of {limit} bytes (setting "
            "ICJ_GRAPH_MAX_QUERY_BYTES); a long query fits no URL: POST it instead.",
        )
        self.limit = limit


class UnsupportedMediaType(RequestError):
    """The request body's media type or charset is not one the endpoint reads."""


class UpdateRefused(RequestError):
    """SPARQL Update (and LOAD) is refused: the endpoint is read-only."""

    def __init__(self) -> None:
        super().__init__(
            "This SPARQL endpoint is read-only: SPARQL Update operations "
            "(INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, ADD, MOVE, COPY) are refused."
        )


class ServiceRefused(RequestError):
    """A query asks for SERVICE federation, which is off or not allowed for that endpoint."""


class UnknownEntity(RequestError):
    """No entity with that IRI is in the graph; `suggestions`: IRIs of entities whose names
    match its slug."""

    def __init__(self, iri: str, suggestions: Sequence[str] = ()) -> None:
        also = f" Did you mean {', '.join(f'<{s}>' for s in suggestions)}?" if suggestions else ""
        super().__init__(f"No entity <{iri}> is in the graph.{also}")
        self.iri = iri
        self.suggestions = list(suggestions)


class UnknownResource(UnknownEntity):
    """A path of the API that names no collection, or a page past the last: 404, with what
    there is."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(path)
        self.message = message
        self.args = (message,)


class NotAcceptable(RequestError):
    """Nothing we can produce satisfies the Accept header."""

    def __init__(self, accept: str, offered: Sequence[str]) -> None:
        super().__init__(
            f"None of the media types in Accept: {accept!r} can be produced here. "
            f"Offered: {', '.join(offered)}."
        )
        self.offered = list(offered)
