"""Media types: which formats each kind of answer offers, and choosing one from Accept."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mimeparse
from pyoxigraph import QueryResultsFormat, RdfFormat

from icj_graph.errors import BadRequest, NotAcceptable


@dataclass(frozen=True)
class Format:
    """A format we can write: its media type, short names and the engine's format."""

    media_type: str
    names: tuple[str, ...]
    engine: QueryResultsFormat | RdfFormat

    @property
    def content_type(self) -> str:
        """The Content-Type header value (UTF-8 where the type is textual)."""
        if self.media_type.startswith("text/") or self.media_type in _CHARSET_UTF8:
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


_CHARSET_UTF8 = {"application/n-triples", "application/n-quads"}

#: SELECT and ASK results; the first is the default.
RESULTS = (
    Format("application/sparql-results+json", ("json", "srj"), QueryResultsFormat.JSON),
    Format("application/sparql-results+xml", ("xml", "srx"), QueryResultsFormat.XML),
    Format("text/csv", ("csv",), QueryResultsFormat.CSV),
    Format("text/tab-separated-values", ("tsv",), QueryResultsFormat.TSV),
)
#: The format of our own SELECT and ASK queries' results.
RESULTS_JSON = RESULTS[0].media_type
#: CONSTRUCT and DESCRIBE results, and every RDF document; the first is the default.
GRAPHS = (
    # N3 is a superset of Turtle: clients that ask for N3 (SPARQLWrapper's format=n3) get Turtle.
    Format("text/turtle", ("turtle", "ttl", "n3"), RdfFormat.TURTLE),
    Format("application/n-triples", ("ntriples", "nt"), RdfFormat.N_TRIPLES),
    Format("application/ld+json", ("jsonld", "json-ld", "json"), RdfFormat.JSON_LD),
    Format("application/rdf+xml", ("rdfxml", "rdf+xml", "rdf", "xml"), RdfFormat.RDF_XML),
)
#: HTML, for the routes that also offer a page (what it is rendered from is up to the route).
HTML = Format("text/html", ("html",), RdfFormat.TURTLE)
#: Other names clients send for our formats: each stands for the first of its targets offered.
ALIASES: dict[str, tuple[str, ...]] = {
    "application/json": ("application/sparql-results+json", "application/ld+json"),
    "application/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "text/xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "text/plain": ("application/n-triples",),
    "application/x-turtle": ("text/turtle",),
    "application/turtle": ("text/turtle",),
    "text/n3": ("text/turtle",),
    "text/rdf+n3": ("text/turtle",),
    "application/n3": ("text/turtle",),
    "application/json+ld": ("application/ld+json",),
    "application/x-json+ld": ("application/ld+json",),
}
#: Every ``format=`` name we know, for any kind of answer.
KNOWN_NAMES = frozenset(n for f in (*RESULTS, *GRAPHS, HTML) for n in (f.media_type, *f.names))


def negotiate(
    offered: tuple[Format, ...], accept: str | None, *, name: str | None = None
) -> Format:
    """Choose the offered format the client prefers; raise NotAcceptable if none fits.

    `name` (a ``format=`` parameter: a short name or a media type) overrides Accept.
    Ties go to the earlier offer, so ``*/*`` gets the default.

    >>> negotiate(RESULTS, "text/csv;q=0.5, application/sparql-results+xml").media_type
    'application/sparql-results+xml'
    >>> negotiate(GRAPHS, "*/*").media_type
    'text/turtle'
    >>> negotiate(RESULTS, None, name="tsv").media_type
    'text/tab-separated-values'
    """
    if name:
        return _by_name(offered, name)
    return _by_accept(offered, (accept or "").strip() or "*/*")


@lru_cache(maxsize=1024)  # clients send the same few Accept headers over and over
def _by_accept(offered: tuple[Format, ...], header: str) -> Format:
    by_type = {f.media_type: f for f in offered}
    candidates = [(f.media_type, f) for f in offered] + [
        (alias, next(by_type[t] for t in targets if t in by_type))
        for alias, targets in ALIASES.items()
        if any(t in by_type for t in targets)
    ]
    index = preferred([media for media, _ in candidates], header)
    if index is None:
        raise NotAcceptable(header, [f.media_type for f in offered])
    return candidates[index][1]


def preferred(media_types: list[str], accept: str) -> int | None:
    """Return the index of the media type `accept` prefers (earliest on ties), or None.

    >>> preferred(["text/plain", "text/html"], "*/*")
    0
    >>> preferred(["text/plain", "text/html"], "text/html, */*;q=0.1")
    1
    >>> preferred(["text/plain"], "image/png") is None
    True
    """
    try:  # media types are case-insensitive (RFC 9110)
        scores = [mimeparse.quality(media, accept.lower()) for media in media_types]
    except (ValueError, IndexError):
        raise BadRequest(f"The Accept header {accept!r} is malformed.") from None
    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    return best if scores[best] > 0 else None


def _by_name(offered: tuple[Format, ...], name: str) -> Format:
    wanted = name.strip().lower()
    for f in offered:
        if wanted == f.media_type or wanted in f.names:
            return f
    if wanted not in KNOWN_NAMES:
        names = ", ".join(n for f in offered for n in f.names)
        raise BadRequest(f"Unknown format {name!r}: this answer comes as {names}.")
    raise NotAcceptable(f"format={name}", [f.media_type for f in offered])


def for_form(form: str) -> tuple[Format, ...]:
    """The formats offered for a query form.

    >>> for_form("ASK")[0].media_type
    'application/sparql-results+json'
    """
    return RESULTS if form in ("SELECT", "ASK") else GRAPHS
