"""The query engine the web app talks to: the embedded store's killable workers, or a remote
SPARQL endpoint. Both keep our policy, formats and timeout; the app cannot tell them apart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

from icj_graph.lru import LruBytes
from icj_graph.remote import RemoteEngine
from icj_graph.search import Fold
from icj_graph.settings import Settings
from icj_graph.sparql import QueryJob
from icj_graph.store import BuildInfo
from icj_graph.workers import Fetching, QueryStream, StoreSpec, Task, WorkerPool


class QueryEngine(Protocol):
    """What the app needs of a store."""

    @property
    def fold(self) -> Fold:
        """How to fold text for accent-insensitive search in this store's SPARQL."""
        ...

    @property
    def storage(self) -> str:
        """What answers queries now: ``memory``, ``disk``, ``loading`` (the on-disk store while
        the in-memory copy loads) or ``remote``."""
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


def make_engine(settings: Settings, build: Path, info: BuildInfo) -> QueryEngine:
    """The remote endpoint when settings.store_url is set, else the built store's workers (on
    its in-memory copy or on disk, by the build's size in `info`); behind a result cache unless
    settings.cache_bytes is 0."""
    engine: QueryEngine
    if settings.store_url:
        engine = RemoteEngine(settings.store_url, timeout_s=settings.query_timeout_s)
    else:
        spec = StoreSpec(build, settings.serve_from_memory(info.triples))
        engine = WorkerPool(
            spec,
            size=settings.workers,
            timeout_s=settings.query_timeout_s,
            max_rss_bytes=0 if spec.in_memory else settings.worker_max_rss_mb * 2**20,
        )
    if settings.cache_bytes == 0:
        return engine
    limit = min(settings.cache_entry_bytes, settings.cache_bytes)
    return CachedEngine(engine, max_bytes=settings.cache_bytes, max_entry_bytes=limit)


class CachedEngine(Fetching):
    """Answers a repeated query from memory: the data cannot change while a build is served,
    so results are kept per query, format and dataset, least recently used first out."""

    def __init__(self, engine: QueryEngine, *, max_bytes: int, max_entry_bytes: int) -> None:
        self.engine = engine
        self.memory = LruBytes(max_bytes=max_bytes, max_entry_bytes=max_entry_bytes)

    @property
    def fold(self) -> Fold:
        """The wrapped engine's fold."""
        return self.engine.fold

    @property
    def storage(self) -> str:
        """The wrapped engine's storage."""
        return self.engine.storage

    async def start(self) -> None:
        """Start the wrapped engine."""
        await self.engine.start()

    async def close(self) -> None:
        """Close the wrapped engine and forget everything."""
        self.memory.clear()
        await self.engine.close()

    async def run(self, job: QueryJob, task: Task) -> QueryStream:
        """The remembered output, or the engine's, remembered if it is small enough."""
        key = (task.text, task.media_type, task.dataset)
        remembered = self.memory.get(key)
        if remembered is not None:
            return QueryStream(remembered)
        stream = await self.engine.run(job, task)
        if stream.complete:
            self.memory.put(key, stream.first)
            return stream
        return QueryStream(b"", self._remember(key, stream))

    async def _remember(self, key: tuple[object, ...], stream: QueryStream) -> AsyncIterator[bytes]:
        parts: list[bytes] = []
        size = 0
        async for chunk in stream:
            size += len(chunk)
            if size <= self.memory.max_entry_bytes:
                parts.append(chunk)
            yield chunk
        if size <= self.memory.max_entry_bytes:
            self.memory.put(key, b"".join(parts))
