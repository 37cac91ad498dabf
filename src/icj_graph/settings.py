"""Settings, read once from the environment (prefix ``ICJ_GRAPH_``) and passed down."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of icj-graph; each is an environment variable ``ICJ_GRAPH_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="ICJ_GRAPH_", frozen=True)

    source_dir: Path = Field(
        default=Path("."),
        description="Folder holding ontology/, data/ and shapes/ (the repository root).",
    )
    store_path: Path = Field(
        default=Path("var/store"),
        description="Where `build` writes the store and `serve` reads it (a link to the "
        "current build; earlier builds stay beside it until replaced).",
    )
    store_url: str | None = Field(
        default=None,
        description="A SPARQL 1.1 query endpoint to use as the store instead of the embedded "
        "one (its default graph the union of the graphs); store_path still holds the build's "
        "metadata (version, context, dumps).",
    )
    in_memory: bool | None = Field(
        default=None,
        description="Serve from an in-memory copy of the store in each query worker (fastest; "
        "needs RAM for the data in each worker); false opens the on-disk store read-only; "
        "unset (the default) chooses memory when the build has at most "
        "in_memory_max_triples triples.",
    )
    in_memory_max_triples: int = Field(
        default=2_000_000,
        ge=0,
        description="With in_memory unset, the largest build served from memory; a larger "
        "one is served from disk, so each worker stays small.",
    )

    def serve_from_memory(self, triples: int) -> bool:
        """Whether to serve a build of `triples` triples from memory.

        >>> Settings(in_memory_max_triples=1000).serve_from_memory(999)
        True
        >>> Settings(in_memory_max_triples=1000).serve_from_memory(1001)
        False
        >>> Settings(in_memory=True, in_memory_max_triples=1000).serve_from_memory(1001)
        True
        """
        if self.in_memory is not None:
            return self.in_memory
        return triples <= self.in_memory_max_triples

    workers: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        description="Query worker processes; each runs one query at a time and is killed "
        "when its query times out. Defaults to the number of cores.",
    )
    worker_max_rss_mb: int = Field(
        default=256,
        ge=0,
        description="A worker on the on-disk store whose resident memory is over this many MB "
        "after a query (what a large join left allocated) is replaced by a fresh one; 0: never. "
        "Workers holding the store in memory are not replaced.",
    )
    query_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="Seconds a query may run before its worker is killed and the client gets 503.",
    )
    cache_bytes: int = Field(
        default=64_000_000,
        ge=0,
        description="Memory for remembered query results, and as much for compacted API items "
        "(the data cannot change while a build is served); 0 turns both caches off.",
    )
    cache_entry_bytes: int = Field(
        default=1_000_000,
        ge=0,
        description="Largest single result the cache keeps.",
    )
    max_query_bytes: int = Field(
        default=100_000,
        ge=100,
        description="Longest SPARQL query accepted, in bytes (longer: 413).",
    )
    max_body_bytes: int = Field(
        default=1_000_000,
        ge=1_000,
        description="Largest request body accepted, in bytes (larger: 413).",
    )
    max_nesting_depth: int = Field(
        default=200,
        ge=8,
        description="Deepest nesting of { } ( ) [ ] accepted in a query (deeper: 400); "
        "guards the engine, which crashes on very deep nesting.",
    )
    max_api_page: int = Field(
        default=100,
        ge=1,
        description="Most items one page of an /api collection returns (per_page is capped).",
    )
    rate_limit_per_s: float = Field(
        default=0.0,
        ge=0,
        description="Requests a second each client address may make on average (token bucket); "
        "0 turns rate limiting off (the default for the embedded single-user run).",
    )
    rate_limit_burst: int = Field(
        default=60,
        ge=1,
        description="Requests a client may make in a burst before the rate limit applies.",
    )
    max_header_bytes: int = Field(
        default=131_072,
        ge=1_024,
        description="Largest request line and headers accepted, in bytes (larger: 400). Above "
        "max_query_bytes, so that a long GET query gets 414 with its reason.",
    )
    keep_alive_s: int = Field(
        default=75,
        ge=1,
        description="Seconds an idle HTTP connection is kept open. Longer than the idle "
        "timeout of clients' pools and of proxies in front, so that the server never closes "
        "a connection just as a client sends on it.",
    )
    allow_service: bool = Field(
        default=False,
        description="Allow SPARQL SERVICE federation (only to service_allowlist endpoints).",
    )
    service_allowlist: list[str] = Field(
        default_factory=list,
        description="Endpoint IRIs SERVICE may call when allow_service is on.",
    )
    base_url: str | None = Field(
        default=None,
        description="Public base URL the service answers on (e.g. https://example.org/); "
        "default: the host of each request. Entity IRIs stay canonical in the data.",
    )
