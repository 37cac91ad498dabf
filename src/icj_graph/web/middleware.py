"""ASGI middleware: security headers on every response, a JSON access log line per request,
an optional per-client token-bucket rate limit (429 with Retry-After), and HEAD answered as GET."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import OrderedDict
from urllib.parse import parse_qs

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("icj_graph.access")

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


class HeadAsGet:
    """Route HEAD like GET (FastAPI's routes take GET only): the handler runs as for GET and the
    server, which still sees the request as HEAD, sends the headers without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "HEAD":
            scope = {**scope, "method": "GET"}  # a copy: the server's own scope stays HEAD
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Add SECURITY_HEADERS to every response (streams untouched)."""

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


def query_hash(query_string: bytes) -> str | None:
    """A short hash of the ``query`` parameter, so logs can group queries without holding them.

    >>> query_hash(b"query=ASK%20%7B%7D&format=json")
    '819ea91ed5f1'
    >>> query_hash(b"format=json") is None
    True
    """
    values = parse_qs(query_string.decode("latin-1")).get("query")
    if not values:
        return None
    return hashlib.sha256(values[0].encode("utf-8", "surrogatepass")).hexdigest()[:12]


class AccessLog:
    """Log one JSON line per request: method, path, status, duration and the query's hash
    (never the query text itself)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            line = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "duration_ms": round((time.perf_counter() - start) * 1000, 2),
                "query_hash": query_hash(scope.get("query_string", b"")),
            }
            access_log.info(json.dumps(line))


class RateLimit:
    """A token bucket per client address: `rate` requests a second, bursts up to `burst`."""

    def __init__(self, app: ASGIApp, *, rate: float, burst: int, clients: int = 10_000) -> None:
        self.app = app
        self.rate = rate
        self.burst = burst
        self.clients = clients
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.rate <= 0:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self._take(client, time.monotonic())
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        retry = str(max(1, round(wait)))
        body = f"429 Too many requests from {client}: retry in {retry} s.\n".encode()
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"retry-after", retry.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _take(self, client: str, now: float) -> float:
        """Take a token for `client`; return 0 if granted, else seconds until one is free."""
        tokens, last = self.buckets.pop(client, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        granted = tokens >= 1
        self.buckets[client] = (tokens - 1 if granted else tokens, now)
        while len(self.buckets) > self.clients:
            self.buckets.popitem(last=False)
        return 0.0 if granted else (1 - tokens) / self.rate
