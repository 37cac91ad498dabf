"""The query engine the web app talks to: the embedded store's killable workers, or a remote
SPARQL endpoint. Both keep our policy, formats and timeout; the app cannot tell them apart."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from icj_graph.remote import RemoteEngine
from icj_graph.search import Fold
from icj_graph.settings import Settings
from icj_graph.sparql import QueryJob
from icj_graph.workers import QueryStream, StoreSpec, Task, WorkerPool


class QueryEngine(Protocol):
    """What the app needs of a store."""

    @property
    def fold(self) -> Fold:
        """How to fold text for accent-insensitive search in this store's SPARQL."""
        ...

    async def start(self) -> None:
        """Get ready to answer (start workers, check the endpoint)."""

    async def close(self) -> None:
        """Release everything."""

    async def run(self, job: QueryJob, task: Task) -> QueryStream:
        """Run a checked query; return once its first chunk is in."""
        ...

    async def fetch(self, text: str, media_type: str) -> bytes:
        """Run one of our own queries and return its whole output."""
        ...


def make_engine(settings: Settings, build: Path) -> QueryEngine:
    """The remote endpoint when settings.store_url is set, else the built store's workers."""
    if settings.store_url:
        return RemoteEngine(settings.store_url, timeout_s=settings.query_timeout_s)
    spec = StoreSpec(build, settings.in_memory)
    return WorkerPool(spec, size=settings.workers, timeout_s=settings.query_timeout_s)
