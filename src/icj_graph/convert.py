"""Re-serialize a stream of query results into another format, chunk by chunk, off the event loop.

A remote store answers in a standard wire format (SPARQL XML results, N-Triples) and we write
the format the client asked for with pyoxigraph's own serializers, so every store gives the same
bytes for the same answer. Parsing and serializing run on a thread while the chunks flow
through, so a large result is never held whole.
"""

from __future__ import annotations

import asyncio
import io
import queue
from collections.abc import AsyncIterator
from typing import Any

from pyoxigraph import (
    QueryResultsFormat,
    RdfFormat,
    parse,
    parse_query_results,
    serialize,
)

from icj_graph.vocab import PREFIXES

#: What we ask a remote store for: formats whose parsers pyoxigraph has and stores agree on.
RESULTS_WIRE = "application/sparql-results+xml"
GRAPH_WIRE = "application/n-triples"
#: Formats passed through as the store wrote them: standard and unambiguous in every store.
PASSED_THROUGH = frozenset({RESULTS_WIRE, GRAPH_WIRE, "application/sparql-results+json"})


class _Feed(io.RawIOBase):
    """A readable file whose bytes arrive from the event loop through a queue."""

    def __init__(self) -> None:
        self.chunks: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()  # None: the end
        self.pending = b""
        self.ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            if self.ended:
                return 0
            chunk = self.chunks.get()
            if chunk is None:
                self.ended = True
                return 0
            self.pending = chunk
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


class _Sink(io.RawIOBase):
    """A writable file that hands what it is given to the event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, out: asyncio.Queue[bytes | None]) -> None:
        self.loop = loop
        self.out = out

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.loop.call_soon_threadsafe(self.out.put_nowait, bytes(data))
        return len(data)


def wire_format(media_type: str) -> str:
    """The format to ask a store for, given the one the client wants: that one if every store
    writes it the same way, else a wire format we re-serialize from."""
    if media_type in PASSED_THROUGH:
        return media_type
    return GRAPH_WIRE if RdfFormat.from_media_type(media_type) is not None else RESULTS_WIRE


def _convert(source: _Feed, sink: _Sink, wire: str, media_type: str) -> None:
    reader = io.BufferedReader(source, buffer_size=64 * 1024)
    writer = io.BufferedWriter(sink, buffer_size=64 * 1024)
    if wire == GRAPH_WIRE:
        rdf_format = RdfFormat.from_media_type(media_type)
        assert rdf_format is not None
        triples = parse(reader, format=RdfFormat.N_TRIPLES)
        prefixes = PREFIXES if rdf_format == RdfFormat.TURTLE else None
        serialize(triples, writer, rdf_format, prefixes=prefixes)
    else:
        results = parse_query_results(reader, QueryResultsFormat.from_media_type(wire))
        results.serialize(writer, QueryResultsFormat.from_media_type(media_type))
    writer.flush()


async def reserialize(
    chunks: AsyncIterator[bytes], wire: str, media_type: str
) -> AsyncIterator[bytes]:
    """The bytes of `chunks` (in `wire` format) written as `media_type`, as they come.

    Raises SyntaxError if the input is not valid `wire` (the store answered something else).
    """
    loop = asyncio.get_running_loop()
    out: asyncio.Queue[bytes | None] = asyncio.Queue()
    feed = _Feed()
    converting = loop.run_in_executor(None, _convert, feed, _Sink(loop, out), wire, media_type)
    converting.add_done_callback(lambda _: out.put_nowait(None))

    async def pump() -> None:
        try:
            async for chunk in chunks:
                if chunk:
                    feed.chunks.put(chunk)
        finally:
            feed.chunks.put(None)

    pumping = asyncio.ensure_future(pump())
    try:
        while (chunk := await out.get()) is not None:
            yield chunk
        await pumping
        await converting  # raises the parser's error, if any
    finally:
        if not pumping.done():
            pumping.cancel()
        feed.chunks.put(None)  # let the thread finish if the client went away
