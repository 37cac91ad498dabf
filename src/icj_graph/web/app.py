"""``create_app(settings)``: the FastAPI application and its lifespan (query workers)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from icj_graph.jsonld import read_context
from icj_graph.settings import Settings
from icj_graph.store import current_build, read_build_info
from icj_graph.web import api, dataset, endpoint, error_handlers, linked_data, pages
from icj_graph.workers import StoreSpec, WorkerPool

STATIC = Path(__file__).parent / "static"
DESCRIPTION = (
    "The open knowledge graph of international criminal justice: a read-only SPARQL 1.1 "
    "endpoint over tribunals, instruments, crimes, persons, cases, charges, warrants, "
    "judgments and sentences."
)


#: Sent with every response: nothing runs or loads from another host.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


class SecurityHeaders:
    """ASGI middleware adding SECURITY_HEADERS to every response (streams untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings) -> FastAPI:
    """Build the app serving the store at settings.store_path (which must be built)."""
    build = current_build(settings.store_path)
    info = read_build_info(build)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = WorkerPool(
            StoreSpec(build, settings.in_memory),
            size=settings.workers,
            timeout_s=settings.query_timeout_s,
        )
        await pool.start()
        app.state.engine = pool
        try:
            yield
        finally:
            await pool.close()

    app = FastAPI(
        title="icj-graph",
        description=DESCRIPTION,
        version=info.version,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.build_info = info
    app.state.jsonld_context = read_context(build)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type"],
        allow_credentials=False,
    )
    app.add_middleware(SecurityHeaders)
    error_handlers.install(app)
    app.include_router(endpoint.router)
    app.include_router(linked_data.router)
    app.include_router(dataset.router)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
