"""Re-serializing a remote store's answer: the same bytes as our own serializers, streamed."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import pytest
from pyoxigraph import QueryResultsFormat, RdfFormat, Store, parse

from icj_graph.convert import GRAPH_WIRE, RESULTS_WIRE, reserialize, wire_format
from tests.conftest import FIXTURES

MINIMAL = FIXTURES / "minimal" / "minimal.ttl"


def store() -> Store:
    s = Store()
    s.bulk_extend(parse(path=MINIMAL, format=RdfFormat.TURTLE))
    return s


async def trickle(data: bytes, size: int) -> AsyncIterator[bytes]:
    """`data` in chunks of `size` bytes, as a network would deliver it."""
    for start in range(0, len(data), size):
        yield data[start : start + size]
        await asyncio.sleep(0)


def convert(data: bytes, wire: str, media_type: str, size: int = 7) -> bytes:
    async def run() -> bytes:
        return b"".join([c async for c in reserialize(trickle(data, size), wire, media_type)])

    return asyncio.run(run())


@pytest.mark.parametrize(
    "media_type", ["text/csv", "text/tab-separated-values", "application/sparql-results+json"]
)
def test_select_results_come_out_as_our_serializer_writes_them(media_type: str) -> None:
    query = (
        "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
        "ORDER BY ?s"
    )
    wire = io.BytesIO()
    store().query(query).serialize(wire, QueryResultsFormat.XML)
    expected = io.BytesIO()
    store().query(query).serialize(expected, QueryResultsFormat.from_media_type(media_type))
    assert convert(wire.getvalue(), RESULTS_WIRE, media_type) == expected.getvalue()


def test_a_graph_comes_out_as_turtle_with_our_prefixes() -> None:
    triples = list(parse(MINIMAL.read_bytes(), format=RdfFormat.TURTLE))
    wire = b"".join(str(t).encode() + b" .\n" for t in triples)
    turtle = convert(wire, GRAPH_WIRE, "text/turtle", size=100)
    assert turtle.startswith(b"@prefix")
    assert set(parse(turtle, format=RdfFormat.TURTLE)) == set(triples)


def test_an_answer_that_is_not_the_wire_format_raises_syntax_error() -> None:
    with pytest.raises(SyntaxError):
        convert(b"<html>Service unavailable</html>", RESULTS_WIRE, "text/csv")


def test_formats_every_store_writes_alike_pass_through() -> None:
    assert wire_format("application/sparql-results+json") == "application/sparql-results+json"
    assert wire_format("application/n-triples") == GRAPH_WIRE
    assert wire_format("text/csv") == RESULTS_WIRE
    assert wire_format("application/ld+json") == GRAPH_WIRE
