"""Caching of what a build serves: everything comes from one immutable build, so a response's
ETag is the build's content hash plus the representation (a client holding it gets 304), and a
compacted JSON-LD body, costly to make, is kept in memory for the build's life."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Hashable

from fastapi import Request, Response

from icj_graph.lru import LruBytes
from icj_graph.store import BuildInfo

CACHE_CONTROL = "public, max-age=300"


def etag(build: BuildInfo, variant: str) -> str:
    """The entity tag of one representation (`variant`, e.g. a file extension) of this build."""
    return f'"{build.content_hash}-{variant}"'


def digest(*parts: str | bytes) -> str:
    """A short hash of what an answer is made of, for the variant of an answer that does not
    come from the build alone (the shapes as written, the service description of this host).

    >>> digest(b"abc", "text/turtle") == digest(b"abc", "text/turtle") != digest(b"abc", "x")
    True
    """
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:16]


def cache_headers(build: BuildInfo, variant: str) -> dict[str, str]:
    """The validator and freshness headers of a cacheable answer."""
    return {"ETag": etag(build, variant), "Cache-Control": CACHE_CONTROL}


def answer_made_now(
    request: Request, build: BuildInfo, name: str, body: bytes, content_type: str
) -> Response:
    """`body`, or 304 if the client holds it: for answers made at request time (the shapes as
    written, a description naming this host), whose variant is a digest of what they hold."""
    variant = f"{name}-{digest(body, content_type)}"
    cached = not_modified(request, build, variant)
    if cached:
        return cached
    headers = {**cache_headers(build, variant), "Vary": "Accept"}
    return Response(body, media_type=content_type, headers=headers)


def not_modified(request: Request, build: BuildInfo, variant: str) -> Response | None:
    """A 304 answer if the client already holds this representation, else None."""
    held = {
        t.strip().removeprefix("W/") for t in request.headers.get("if-none-match", "").split(",")
    }
    if etag(build, variant) in held or "*" in held:
        return Response(
            status_code=304, headers={**cache_headers(build, variant), "Vary": "Accept"}
        )
    return None


async def compacted(
    request: Request,
    key: Hashable,
    triples: Callable[[], Awaitable[bytes]],
    compact: Callable[[bytes], bytes],
) -> bytes:
    """A compact JSON-LD body: the one kept under `key` for this build, else `compact` of the
    N-Triples `triples` fetches, kept for next time. Compaction (pyld, pure Python) costs far
    more than the query behind it and is slow on a large case: it runs off the event loop."""
    bodies: LruBytes = request.app.state.jsonld_bodies
    body = bodies.get(key)
    if body is None:
        body = await asyncio.to_thread(compact, await triples())
        bodies.put(key, body)
    return body
