"""``create_app(settings)``: the FastAPI application and its lifespan (query workers)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

from icj_graph.engine import make_engine
from icj_graph.jsonld import read_context
from icj_graph.lru import LruBytes
from icj_graph.settings import Settings
from icj_graph.store import current_build, read_build_info
from icj_graph.web import api, dataset, endpoint, error_handlers, health, linked_data, pages
from icj_graph.web.http_protocol import BoundedHttpToolsProtocol
from icj_graph.web.middleware import AccessLog, HeadAsGet, RateLimit, SecurityHeaders

STATIC = Path(__file__).parent / "static"
DESCRIPTION = (
    "The open knowledge graph of international criminal justice: a read-only SPARQL 1.1 "
    "endpoint over tribunals, instruments, crimes, persons, cases, charges, warrants, "
    "judgments and sentences."
)


class CachedStaticFiles(StaticFiles):
    """The pages' scripts, styles and vendored libraries, cacheable for a day (the files
    change only with a release; their ETag tells a cache when)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file, with Cache-Control."""
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", "public, max-age=86400")
        return response


def create_app(settings: Settings) -> FastAPI:
    """Build the app serving the store at settings.store_path (which must be built)."""
    build = current_build(settings.store_path)
    info = read_build_info(build)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings, build, info)
        await engine.start()
        app.state.engine = engine
        try:
            yield
        finally:
            await engine.close()

    app = FastAPI(
        title="icj-graph",
        description=DESCRIPTION,
        version=info.version,
        lifespan=lifespan,
        responses=error_handlers.ERROR_RESPONSES,
        docs_url=None,  # pages.api_docs serves /docs from vendored assets, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.build_info = info
    app.state.jsonld_context = read_context(build)
    # API items and entity documents, compacted: compaction costs far more than the query.
    app.state.jsonld_bodies = LruBytes(
        max_bytes=settings.cache_bytes, max_entry_bytes=settings.cache_entry_bytes
    )
    app.add_middleware(HeadAsGet)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "If-None-Match"],
        expose_headers=[  # what scripts on other sites may read: paging, caching, retrying
            "ETag",
            "Link",
            "X-Total-Count",
            "Content-Location",
            "Retry-After",
            "Content-Disposition",
        ],
        allow_credentials=False,
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RateLimit, rate=settings.rate_limit_per_s, burst=settings.rate_limit_burst)
    app.add_middleware(AccessLog)
    error_handlers.install(app)
    app.include_router(health.router)
    app.include_router(endpoint.router)
    app.include_router(linked_data.router)
    app.include_router(dataset.router)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", GZipMiddleware(CachedStaticFiles(directory=STATIC)), name="static")
    app.openapi_schema = error_handlers.error_schemas(app.openapi())
    return app


def server_config(settings: Settings, **options: object) -> uvicorn.Config:
    """The uvicorn configuration serving `settings`: our JSON access log instead of uvicorn's,
    the httptools parser with our header size limit, and the keep-alive timeout."""
    return uvicorn.Config(
        create_app(settings),
        access_log=False,
        http=partial(BoundedHttpToolsProtocol, max_header_bytes=settings.max_header_bytes),  # type: ignore[arg-type]
        timeout_keep_alive=settings.keep_alive_s,
        **options,  # type: ignore[arg-type]
    )
