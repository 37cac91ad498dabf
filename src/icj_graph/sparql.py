"""Query policy, checked before any query reaches the engine.

The engine executes SERVICE calls, crashes on very deep nesting and has no cancel (see
DEPENDENCY-NOTES), so every query is scanned first: size, nesting depth, the query form
(updates are refused), and SERVICE (off unless allowed, and then only to listed endpoints).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from icj_graph.errors import (
    BadRequest,
    IcjGraphError,
    PayloadTooLarge,
    QueryFailed,
    QuerySyntaxError,
    ServiceRefused,
    UpdateRefused,
)
from icj_graph.settings import Settings

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "ADD", "MOVE", "COPY", "WITH"}
)

# Strings, IRIs and comments first, so nothing inside them counts as a keyword or a bracket.
_TOKEN = re.compile(
    r"""(?P<skip>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
          |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|\#[^\n]*)
      |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      |(?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
      |(?P<name>[A-Za-z_\u00c0-\uffff][\w.\-\u00b7\u00c0-\uffff]*:?[\w.\-:%\\\u00b7\u00c0-\uffff]*|:[\w.\-:%\\]*)
      |(?P<open>[{(\[])|(?P<close>[})\]])""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a query runs over: by default the union of all graphs as its default
    graph and every graph as a named graph. Otherwise exactly the graphs listed, either list
    possibly empty: those of the protocol's ``default-graph-uri`` and ``named-graph-uri``, or
    (`own`) of the query's FROM and FROM NAMED, which declare a dataset even when the lists
    are empty."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    own: bool = False

    @property
    def is_union(self) -> bool:
        """Whether this is the default: the union of all graphs."""
        return not (self.own or self.default_graphs or self.named_graphs)


#: The default dataset: the union of all graphs.
UNION = Dataset()


@dataclass(frozen=True)
class QueryJob:
    """A checked query and the dataset it runs over."""

    text: str
    form: QueryForm
    dataset: Dataset = UNION
    service_iris: tuple[str, ...] = field(default=())


def check_query(
    text: str,
    settings: Settings,
    *,
    default_graphs: tuple[str, ...] = (),
    named_graphs: tuple[str, ...] = (),
) -> QueryJob:
    """Scan a query against the policy; return it as a job or raise a RequestError.

    >>> check_query("PREFIX ex: <http://e/> SELECT * { ?s ex:p ?o }", Settings()).form
    'SELECT'
    >>> check_query("INSERT DATA { <a> <b> <c> }", Settings())
    Traceback (most recent call last):
    ...
    icj_graph.errors.UpdateRefused: This SPARQL endpoint is read-only: ...
    """
    if "\x00" in text:
        raise BadRequest("The query contains a NUL character.")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > settings.max_query_bytes:
        raise PayloadTooLarge("The query", settings.max_query_bytes, "ICJ_GRAPH_MAX_QUERY_BYTES")
    form: QueryForm | None = None
    prefixes = _Prefixes()
    dataset = _DatasetClauses(prefixes)
    depth = 0
    services: list[str] = []
    expect_service_target = False
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        token = match.group()
        if kind == "open":
            depth += 1
            if depth > settings.max_nesting_depth:
                raise BadRequest(
                    f"The query nests deeper than {settings.max_nesting_depth} levels of "
                    "brackets (setting ICJ_GRAPH_MAX_NESTING_DEPTH)."
                )
        elif kind == "close":
            depth -= 1
        prefixes.feed(kind, token, match.start())
        dataset.feed(kind, token)
        if expect_service_target:
            if not (kind == "name" and token.upper() == "SILENT"):
                services.append(_service_target(kind, token))
                expect_service_target = False
            continue
        if kind != "name" or ":" in token:
            continue
        word = token.upper()
        if word == "SERVICE":
            expect_service_target = True
        elif form is None and word in QUERY_FORMS:
            form = word  # type: ignore[assignment]
        elif form is None and word in UPDATE_WORDS:
            raise UpdateRefused()
        elif form is None and word == "DEFINE":  # a remote Virtuoso would obey, e.g. fetch URLs
            raise BadRequest(
                "DEFINE pragmas are not SPARQL 1.1 and are refused (a store behind this "
                "endpoint could act on them, for instance by fetching URLs)."
            )
    if form is None:
        raise QuerySyntaxError("expected SELECT, CONSTRUCT, ASK or DESCRIBE after the prologue.")
    prefixes.check(text)
    _check_services(services, settings)
    if default_graphs or named_graphs or not dataset.declared:  # the protocol's dataset wins
        return QueryJob(text, form, Dataset(default_graphs, named_graphs), tuple(services))
    own = Dataset(tuple(dataset.default), tuple(dataset.named), own=True)
    return QueryJob(text, form, own, tuple(services))


class _Prefixes:
    """A query's PREFIX declarations, and the first prefixed name whose prefix is undeclared
    (the engine's parser reports that as a list of expected characters, at the wrong column)."""

    def __init__(self) -> None:
        self.namespaces: dict[str, str] = {}
        self._used: list[tuple[str, int]] = []
        self._expect = ""  # "prefix" after PREFIX, "namespace" after its name
        self._prefix = ""

    def feed(self, kind: str | None, token: str, start: int) -> None:
        """Take the next token of the query (starting at `start`)."""
        expect, self._expect = self._expect, ""
        if expect == "prefix" and kind == "name" and token.endswith(":"):
            self._prefix, self._expect = token[:-1], "namespace"
        elif expect == "namespace" and kind == "iri":
            self.namespaces[self._prefix] = token[1:-1]
        elif kind == "name" and token.upper() == "PREFIX":
            self._expect = "prefix"
        elif kind == "name" and ":" in token and not token.startswith("_:"):
            self._used.append((token.partition(":")[0], start))

    def resolve(self, name: str) -> str | None:
        """The IRI of a prefixed name, or None if its prefix is not declared."""
        prefix, _, local = name.partition(":")
        namespace = self.namespaces.get(prefix)
        return None if namespace is None else namespace + local

    def check(self, text: str) -> None:
        """Raise QuerySyntaxError, with the position, at the first undeclared prefix."""
        for prefix, start in self._used:
            if prefix not in self.namespaces:
                line = text.count("\n", 0, start) + 1
                column = start - (text.rfind("\n", 0, start) + 1) + 1
                raise QuerySyntaxError(
                    f"line {line}, column {column}: the prefix {prefix}: is not declared "
                    f"(add PREFIX {prefix}: <...> before the query).",
                    line=line,
                    column=column,
                )


class _DatasetClauses:
    """Collects a query's FROM and FROM NAMED graphs from its tokens, prefixed names resolved
    with its PREFIX declarations, so every engine (and a remote store that would ignore FROM
    over its union graph) is given the same dataset."""

    def __init__(self, prefixes: _Prefixes) -> None:
        self.default: list[str] = []
        self.named: list[str] = []
        self.declared = False
        self._prefixes = prefixes
        self._expect = False  # whether the next token names a graph
        self._is_named = False

    def feed(self, kind: str | None, token: str) -> None:
        """Take the next token of the query."""
        expect, self._expect = self._expect, False
        if expect and kind == "name" and token.upper() == "NAMED":
            self._is_named, self._expect = True, True
        elif expect:
            self._add(kind, token)
        elif kind == "name" and token.upper() == "FROM":
            self.declared, self._is_named, self._expect = True, False, True

    def _add(self, kind: str | None, token: str) -> None:
        if kind == "iri":
            iri: str | None = token[1:-1]
        elif kind == "name" and ":" in token:
            iri = self._prefixes.resolve(token)
        else:
            iri = None  # not a graph name: the engine reports the syntax error
        if iri is not None:
            (self.named if self._is_named else self.default).append(iri)


def _service_target(kind: str | None, token: str) -> str:
    if kind == "iri":
        return token[1:-1]
    raise ServiceRefused(
        "SERVICE needs a full endpoint IRI in angle brackets here; variables and prefixed "
        "names are refused."
    )


def _check_services(services: list[str], settings: Settings) -> None:
    if not services:
        return
    if not settings.allow_service:
        raise ServiceRefused(
            "SERVICE (federated query) is off on this endpoint: it would make the server fetch "
            "other URLs (setting ICJ_GRAPH_ALLOW_SERVICE)."
        )
    refused = [iri for iri in services if iri not in settings.service_allowlist]
    if refused:
        raise ServiceRefused(
            f"SERVICE <{refused[0]}> is not on the allow-list (setting "
            "ICJ_GRAPH_SERVICE_ALLOWLIST)."
        )


_STAR = re.compile(r"\s*(?:(?:DISTINCT|REDUCED)\s+)?\*", re.IGNORECASE)


def star_projection(text: str) -> tuple[int, list[str]] | None:
    """Where a top-level ``SELECT *`` has its star, and the query's variables in the order
    they first appear; None for any other query.

    ``SELECT *`` leaves the order of the columns to the engine; Oxigraph sorts them by name,
    while readers (and Jena, RDF4J and Virtuoso) expect them in the order they were written.

    >>> star_projection("SELECT * WHERE { ?work ?p $author . ?p ?a ?work }")
    (7, ['work', 'p', 'author', 'a'])
    >>> star_projection("SELECT ?b ?a WHERE { ?a ?p ?b }") is None
    True
    """
    star = None
    order: dict[str, None] = {}
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if star is None:
            if kind != "name" or match.group().upper() not in QUERY_FORMS:
                continue
            found = _STAR.match(text, match.end())
            if match.group().upper() != "SELECT" or found is None:
                return None
            star = found.end() - 1
        elif kind == "var":
            order.setdefault(match.group()[1:])
    return None if star is None else (star, list(order))


_POSITION = re.compile(r"at (?:line )?(\d+):(\d+)")


def syntax_error(message: str) -> QuerySyntaxError:
    """Turn the engine's parser message into a QuerySyntaxError with its position.

    >>> err = syntax_error("error at 2:9: expected one of LATERAL, SERVICE, [_]")
    >>> (err.line, err.column, err.message)
    (2, 9, 'Malformed SPARQL query: line 2, column 9: expected one of LATERAL, SERVICE, [_]')
    """
    found = _POSITION.search(message)
    if not found:
        return QuerySyntaxError(message)
    line, column = int(found.group(1)), int(found.group(2))
    reason = message[found.end() :].lstrip(": ")
    return QuerySyntaxError(f"line {line}, column {column}: {reason}", line=line, column=column)


_UNSUPPORTED_FUNCTION = re.compile(r"The custom function (<[^>]*>) is not supported")


def evaluation_error(message: str) -> IcjGraphError:
    """Turn the engine's evaluation error into ours: a function this endpoint does not offer
    is the client's mistake (BadRequest), anything else a QueryFailed.

    >>> print(evaluation_error("The custom function <http://e/f> is not supported").message)
    The query calls <http://e/f>, a function this endpoint does not offer: ...
    >>> type(evaluation_error("Out of memory")).__name__
    'QueryFailed'
    """
    found = _UNSUPPORTED_FUNCTION.search(message)
    if found:
        return BadRequest(
            f"The query calls {found.group(1)}, a function this endpoint does not offer: it has "
            "the SPARQL 1.1 built-ins, the XSD casts and icjf:fold (see /function)."
        )
    return QueryFailed(f"The query failed while running: {message}")
