"""A byte-bounded least-recently-used memory, for answers that cannot change while a build is
served (query results, API items)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable


class LruBytes:
    """Keeps byte strings by key up to ``max_bytes`` in all, none larger than
    ``max_entry_bytes``; the least recently used go first.

    >>> lru = LruBytes(max_bytes=6, max_entry_bytes=4)
    >>> lru.put("a", b"aaa"); lru.put("b", b"bbb"); lru.put("big", b"12345")
    >>> lru.get("a"), lru.get("big")
    (b'aaa', None)
    >>> lru.put("c", b"c"); lru.get("b"), lru.size
    (None, 4)
    """

    def __init__(self, *, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        self.entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self.size = 0

    def get(self, key: Hashable) -> bytes | None:
        """The body kept under `key`, now the most recently used; None if not kept."""
        body = self.entries.get(key)
        if body is not None:
            self.entries.move_to_end(key)
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        """Keep `body` if it is small enough, dropping the least recently used to make room."""
        if len(body) > self.max_entry_bytes or key in self.entries:
            return
        self.entries[key] = body
        self.size += len(body)
        while self.size > self.max_bytes and self.entries:
            _, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped)

    def clear(self) -> None:
        """Forget everything."""
        self.entries.clear()
        self.size = 0
