"""The HTTP/1.1 protocol we serve with: uvicorn's httptools (llhttp) parser, with a limit on
the size of a request's line and headers, which that parser does not have.

httptools gathers a header in memory until it is complete, so without a limit one endless
header line would hold the server's memory. The limit counts what arrives before the end of
the headers; what follows (a POST body) does not count, and has its own limit.
"""

from __future__ import annotations

from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing (400, connection closed) a request whose line and
    headers are longer than `max_header_bytes`, before the parser holds them."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        *,
        max_header_bytes: int,
        **options: Any,
    ) -> None:
        super().__init__(config, server_state, app_state, **options)
        self.max_header_bytes = max_header_bytes
        self._in_head = True  # the next bytes are a request's line and headers
        self._head_bytes = 0  # of those, how many have arrived
        self._tail = b""  # the last bytes seen, for an end of headers split between reads

    def data_received(self, data: bytes) -> None:
        """Count the bytes of a request's line and headers up to their end (a blank line);
        refuse the request once they pass the limit, else parse."""
        if self._in_head:
            seen = self._tail + data
            end = seen.find(b"\r\n\r\n")
            head = len(data) if end < 0 else end + 4 - len(self._tail)
            if self._head_bytes + head > self.max_header_bytes:
                self.send_400_response(
                    f"The request line and headers are over {self.max_header_bytes} bytes "
                    "(ICJ_GRAPH_MAX_HEADER_BYTES)."
                )
                return
            self._head_bytes = self._head_bytes + head if end < 0 else 0
            self._tail = seen[-3:] if end < 0 else b""
        super().data_received(data)

    def on_headers_complete(self) -> None:
        """A request's headers are in: what follows is its body."""
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        """A request is in: what follows is the next one's line and headers (bytes of it that
        came in the same read as the end of the last are not counted)."""
        self._in_head = True
        self._head_bytes = 0
        self._tail = b""
        super().on_message_complete()
