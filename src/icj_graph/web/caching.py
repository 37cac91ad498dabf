"""Conditional requests: everything served comes from one immutable build, so a response's ETag
is the build's content hash plus the representation, and a client holding it gets 304."""

from __future__ import annotations

from fastapi import Request, Response

from icj_graph.store import BuildInfo

CACHE_CONTROL = "public, max-age=300"


def etag(build: BuildInfo, variant: str) -> str:
    """The entity tag of one representation (`variant`, e.g. a file extension) of this build."""
    return f'"{build.content_hash}-{variant}"'


def cache_headers(build: BuildInfo, variant: str) -> dict[str, str]:
    """The validator and freshness headers of a cacheable answer."""
    return {"ETag": etag(build, variant), "Cache-Control": CACHE_CONTROL}


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
