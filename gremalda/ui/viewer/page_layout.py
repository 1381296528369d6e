"""Where each page of a continuous vertical view lies, at one zoom (plain geometry, no Qt).

Pages are stacked top to bottom with a gap, each centred horizontally; coordinates are logical pixels of
the whole scrollable content. Finding the pages in a band of it is a bisection, so 800 pages cost nothing.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from gremalda.pdf.render import PageInfo

__all__ = ["MARGIN", "SPACING", "PageLayout"]

MARGIN = 12.0  # around the content
SPACING = 10.0  # between pages


@dataclass(frozen=True)
class PageLayout:
    """Page rectangles ``(x, y, width, height)`` in content pixels at ``zoom`` pixels per point."""

    zoom: float
    widths: tuple[float, ...]
    heights: tuple[float, ...]
    tops: tuple[float, ...]
    width: float
    height: float

    @classmethod
    def build(cls, pages: Sequence[PageInfo], zoom: float, min_width: float) -> PageLayout:
        widths = tuple(page.width * zoom for page in pages)
        heights = tuple(page.height * zoom for page in pages)
        tops: list[float] = []
        y = MARGIN
        for height in heights:
            tops.append(y)
            y += height + SPACING
        total_height = (y - SPACING + MARGIN) if pages else 0.0
        total_width = max([min_width, *(w + 2 * MARGIN for w in widths)])
        return cls(zoom, widths, heights, tuple(tops), total_width, total_height)

    def __len__(self) -> int:
        return len(self.tops)

    def rect(self, page: int) -> tuple[float, float, float, float]:
        width = self.widths[page]
        return ((self.width - width) / 2, self.tops[page], width, self.heights[page])

    def page_at(self, y: float) -> int:
        """The page at content height ``y`` (a gap belongs to the page above it); -1 when empty."""
        if not self.tops:
            return -1
        return max(0, bisect.bisect_right(self.tops, y) - 1)

    def visible(self, y0: float, y1: float) -> range:
        """Pages that intersect the band ``y0`` ≤ y < ``y1``."""
        if not self.tops or y1 <= y0:
            return range(0)
        first = self.page_at(y0)
        if self.tops[first] + self.heights[first] <= y0:
            first += 1  # y0 lies in the gap below `first`
        last = max(first, bisect.bisect_left(self.tops, y1) - 1)
        return range(min(first, len(self.tops) - 1), min(last, len(self.tops) - 1) + 1)

    def current(self, y0: float, y1: float) -> int:
        """The page showing most in the band (the first of equals); -1 when empty."""
        best, best_height = -1, -1.0
        for page in self.visible(y0, y1):
            top = self.tops[page]
            shown = min(y1, top + self.heights[page]) - max(y0, top)
            if shown > best_height + 0.5:
                best, best_height = page, shown
        return best if best >= 0 else self.page_at(y0)
