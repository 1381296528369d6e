"""A memory-bounded LRU cache of rendered page images and tiles (Qt-free; the viewer stores QImages).

Entries are keyed by `TileKey` (document, page, scale, tile, night) and weighed by their size in bytes;
when the total passes the budget the least recently used entries go. One index per page answers "which
images of this page do we have at any scale" cheaply, so a viewer can paint a blurry stand-in while the
sharp image is rendered.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Generic, NamedTuple, TypeVar

__all__ = ["DEFAULT_BUDGET", "TileCache", "TileKey"]

DEFAULT_BUDGET = 160 * 1024 * 1024
"""About 30 pages at fit-width on a full-HD screen; keeps the whole client under the 400 MB the issue allows
(measured: the client needs about 130 MB besides the cache while paging through the 820-page budget plan)."""

V = TypeVar("V")


class TileKey(NamedTuple):
    """What an image shows: ``clip`` is the pixel rectangle at ``scale`` (a tile) or None (the page)."""

    doc: str
    page: int
    scale: float
    clip: tuple[int, int, int, int] | None
    night: bool


class TileCache(Generic[V]):
    """LRU of images by byte size within ``budget`` bytes. Not thread-safe: use it from one thread."""

    def __init__(self, budget: int = DEFAULT_BUDGET) -> None:
        if budget <= 0:
            raise ValueError("the budget must be positive")
        self.budget = budget
        self._entries: OrderedDict[TileKey, tuple[V, int]] = OrderedDict()
        self._pages: dict[tuple[str, int, bool], set[TileKey]] = {}
        self._bytes = 0

    @property
    def bytes_used(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: TileKey) -> V | None:
        """The image for ``key`` (now the most recently used), or None."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: TileKey, value: V, nbytes: int) -> None:
        """Store ``value`` weighing ``nbytes``; older entries make room (never the one just stored)."""
        self._remove(key)
        self._entries[key] = (value, nbytes)
        self._bytes += nbytes
        self._pages.setdefault((key.doc, key.page, key.night), set()).add(key)
        while self._bytes > self.budget and len(self._entries) > 1:
            oldest = next(iter(self._entries))
            self._remove(oldest)

    def page_images(self, doc: str, page: int, night: bool) -> Iterator[tuple[TileKey, V]]:
        """Every cached image of one page (any scale, whole or tile), without touching their LRU order."""
        for key in list(self._pages.get((doc, page, night), ())):
            yield key, self._entries[key][0]

    def discard_document(self, doc: str) -> None:
        """Drop every image of ``doc`` (closed or replaced)."""
        for key in [k for k in self._entries if k.doc == doc]:
            self._remove(key)

    def clear(self) -> None:
        self._entries.clear()
        self._pages.clear()
        self._bytes = 0

    def _remove(self, key: TileKey) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self._bytes -= entry[1]
        page_key = (key.doc, key.page, key.night)
        keys = self._pages.get(page_key)
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._pages[page_key]
