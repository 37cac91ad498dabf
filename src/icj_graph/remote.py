"""A remote SPARQL 1.1 endpoint as the store: queries go over HTTP, under the same policy,
formats and timeout; and loading a build into a store with the Graph Store HTTP Protocol.

Formats that stores write differently (CSV, TSV, Turtle, JSON-LD, RDF/XML) are asked for in a
standard wire format and written by our own serializers (:mod:`icj_graph.convert`)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable
from urllib.parse import quote

import httpx
from pyoxigraph import NamedNode, Quad, RdfFormat, serialize

from icj_graph.convert import reserialize, wire_format
from icj_graph.errors import BadRequest, QueryFailed, QueryTimeout, StoreUnavailable
from icj_graph.search import portable_fold
from icj_graph.sparql import QueryJob, evaluation_error, syntax_error
from icj_graph.workers import Fetching, QueryStream, Task


class RemoteEngine(Fetching):
    """Runs queries on a SPARQL endpoint (its default graph should be the union of graphs:
    Oxigraph ``serve --union-default-graph``; Virtuoso does so by default)."""

    #: Remote stores lack our accent-folding function: search folds with standard SPARQL.
    fold = staticmethod(portable_fold)
    #: What answers queries (see QueryEngine.storage).
    storage = "remote"

    def __init__(self, endpoint: str, *, timeout_s: float) -> None:
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout_s, connect=5.0))

    async def start(self) -> None:
        """Check that the endpoint answers."""
        await self.fetch("ASK {}", "application/sparql-results+json")

    async def close(self) -> None:
        """Close the connections."""
        await self._client.aclose()

    async def run(self, job: QueryJob, task: Task) -> QueryStream:
        """Send the query; return once the first chunk is in, raising the store's error."""
        deadline = time.monotonic() + self.timeout_s
        wire = wire_format(task.media_type)
        form: list[tuple[str, str]] = [("query", task.text)]
        form += [("default-graph-uri", g) for g in task.dataset.default_graphs]
        form += [("named-graph-uri", g) for g in task.dataset.named_graphs]
        request = self._client.build_request(
            "POST",
            self.endpoint,
            data=dict(form) if len(form) == 1 else None,
            content=None if len(form) == 1 else _encode(form),
            headers={"Accept": wire, **({} if len(form) == 1 else _FORM)},
        )
        try:
            response = await self._client.send(request, stream=True)
        except httpx.TimeoutException:
            raise QueryTimeout(self.timeout_s) from None
        except httpx.TransportError as err:
            raise StoreUnavailable(f"The store at {self.endpoint} does not answer: {err}") from None
        if response.status_code >= 400:
            text = (await response.aread()).decode("utf-8", "replace").strip()
            await response.aclose()
            if response.status_code == 400:
                raise syntax_error(text)
            if isinstance(refused := evaluation_error(text), BadRequest):  # a function it lacks
                raise refused
            raise QueryFailed(f"The store answered {response.status_code}: {text[:500]}")
        stream = _rest(response, response.aiter_bytes(), deadline, self.timeout_s)
        if wire != task.media_type:  # the store's own CSV, TSV, Turtle... may differ from ours
            stream = _unreadable_as_failure(reserialize(stream, wire, task.media_type), wire)
        first = await anext(stream, b"")
        return QueryStream(first, stream)


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _encode(form: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in form).encode()


async def _unreadable_as_failure(stream: AsyncIterator[bytes], wire: str) -> AsyncIterator[bytes]:
    try:
        async for chunk in stream:
            yield chunk
    except SyntaxError as err:
        raise QueryFailed(f"The store's answer is not valid {wire}: {err}") from None


async def _rest(
    response: httpx.Response, chunks: AsyncIterator[bytes], deadline: float, timeout_s: float
) -> AsyncIterator[bytes]:
    try:
        async for chunk in chunks:
            if time.monotonic() > deadline:  # past the timeout mid-stream: cut the response
                raise QueryTimeout(timeout_s)
            yield chunk
    except httpx.TimeoutException:
        raise QueryTimeout(timeout_s) from None
    finally:
        await response.aclose()


def load_into(store_url: str, quads: Iterable[Quad], *, timeout_s: float = 300.0) -> dict[str, int]:
    """Replace each named graph of `quads` in the store at `store_url` (a Graph Store HTTP
    Protocol endpoint, e.g. Oxigraph's ``/store``) with PUT; return the triples per graph."""
    graphs: dict[str, list[Quad]] = {}
    for quad in quads:
        if isinstance(quad.graph_name, NamedNode):
            graphs.setdefault(quad.graph_name.value, []).append(quad)
    loaded = {}
    with httpx.Client(timeout=timeout_s) as client:
        for graph, members in sorted(graphs.items()):
            body = serialize((q.triple for q in members), format=RdfFormat.N_TRIPLES)
            response = client.put(
                store_url,
                params={"graph": graph},
                content=body,
                headers={"Content-Type": "application/n-triples"},
            )
            if response.status_code >= 300:
                raise StoreUnavailable(
                    f"The store at {store_url} refused graph <{graph}>: "
                    f"{response.status_code} {response.text[:300]}"
                )
            loaded[graph] = len(members)
    return loaded
