"""Rendering a page carrying 200 annotations against the same page without (issue 5, target ≤ 1.2×).

`measure(small)` is imported by the annotation benchmark (``bench_annotations.py``); it is not a test and
asserts nothing. Headless: ``QT_QPA_PLATFORM`` defaults to offscreen (set before Qt is imported).

Setup: the first page of ``shared/data/pdf/pdflatex-4-pages.pdf`` (a full page of text) in the viewer's
real `PageArea` (1200×900, fit width) fed by a `RenderBridge` with one render worker. The annotated
variant installs an interaction on the page area that paints 200 mixed annotations with the viewer's own
`AnnotationOverlay` — as `AnnotationTools.paint_page` does: 80 text markups over runs of the page's words
(highlight, underline, strike-out), 60 ink strokes of 40 points (half with pen pressure), 30 sticky notes,
30 free texts, every tenth flagged for attention.

One round of a variant = a full repaint including the render: the document is registered with the
renderer again (untimed; the worker then reads the page afresh, as when a page first comes into view,
instead of rasterising the display list it kept), the page's images are dropped from the tile cache, the
sharp image at the current scale is asked for, and when it has arrived the viewport is repainted
synchronously; the clock runs from the request to the end of that paint (``plain_page_ms``,
``annotated_page_ms``, their ratio is the target's). ``warm_*``: the same with the worker's display list
kept (only rasterising: a render of a few milliseconds, so the same paint costs more in proportion). The
paint alone is timed too (``*_paint_ms``). Rounds alternate between the variants; medians over ``rounds``
(SMALL: 7, else 25). The overlay caches one drawing per annotation (in PDF points) and the page's tiles at
the zoom: ``annotated_first_paint_ms`` is the first paint that builds them, the rest the steady state.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

import random
import statistics
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QRectF
from PySide6.QtGui import QKeyEvent, QPainter
from PySide6.QtWidgets import QApplication

from gremalda.core.annotations import authoring, merge
from gremalda.core.annotations.records import Annotation, Kind
from gremalda.pdf.render import DocumentInfo, PageWords
from gremalda.pdf.tilecache import TileKey
from gremalda.ui.annotations.overlay import AnnotationOverlay
from gremalda.ui.viewer.page_area import PageArea
from gremalda.ui.viewer.render_bridge import RenderBridge

PDF = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pdf" / "pdflatex-4-pages.pdf"
PAGE = 0
COUNT = 200
TIMEOUT_S = 60.0


class _Painter:
    """The page area's interaction in the benchmark: paints the page's annotations like the tools do."""

    def __init__(self, area: PageArea, annotations: list[Annotation]) -> None:
        self.area, self.annotations = area, annotations
        self.overlay = AnnotationOverlay()

    def paint_page(self, painter: QPainter, page: int, target: QRectF) -> None:
        info = self.area.page_info(page)
        if info is not None and page == PAGE:
            visible = QRectF(self.area.viewport().rect())
            zoom = self.area.zoom()
            self.overlay.paint(
                painter, self.annotations, target, zoom, info.matrix, page=page, visible=visible
            )

    def viewport_event(self, event: QEvent) -> bool:
        return False

    def key_event(self, event: QKeyEvent) -> bool:
        return False


def _wait(app: QApplication, done: Any, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {what} within {TIMEOUT_S:g} s")
        app.processEvents()
        time.sleep(0.0005)


def annotations_for(words: PageWords, width: float, height: float, seed: int = 5) -> list[Annotation]:
    """200 mixed annotations on one page (see the module docstring), deterministic for ``seed``."""
    rng = random.Random(seed)
    out: list[Annotation] = []

    def new(kind: Kind, **values: Any) -> Annotation:
        return merge.create("bench", file_id="1", kind=kind, page=PAGE, author_id="1", **values)

    kinds = (Kind.HIGHLIGHT, Kind.UNDERLINE, Kind.STRIKEOUT)
    colours = ("#ffd700", "#2ec27e", "#1c71d8", "#c01c28", "#e01b93")
    n = len(words.words)
    for i in range(80):
        start = rng.randrange(max(1, n - 12))
        out.append(
            new(
                kinds[i % 3],
                colour=colours[i % 5],
                **authoring.markup(words, range(start, start + rng.randint(2, 12))),
            )
        )
    for i in range(60):
        x, y = rng.uniform(40, width - 40), rng.uniform(40, height - 40)
        points = []
        for _ in range(40):
            x = min(max(x + rng.uniform(-6, 6), 0), width)
            y = min(max(y + rng.uniform(-4, 4), 0), height)
            points.append((x, y, rng.uniform(0.2, 1.0) if i % 2 else None))
        out.append(
            new(Kind.INK, strokes=(tuple(points),), width=rng.choice((1.0, 2.0, 4.0)), colour=colours[i % 5])
        )
    for i in range(30):
        x, y = rng.uniform(0, width - 20), rng.uniform(0, height - 20)
        out.append(new(Kind.NOTE, rect=(x, y, x + 20, y + 20), point=(x, y), text=f"Notiz {i}"))
    for i in range(30):
        x, y = rng.uniform(0, width - 180), rng.uniform(0, height - 40)
        out.append(
            new(
                Kind.FREETEXT,
                rect=(x, y, x + 180, y + 40),
                text=f"Anmerkung {i}: bitte prüfen",
                colour="#1c71d8",
            )
        )
    flagged = [a if k % 10 else merge.edit(a, "bench", attention=True) for k, a in enumerate(out)]
    assert len(flagged) == COUNT
    return flagged


def measure(small: bool) -> dict[str, Any]:
    """See the module docstring; times in milliseconds."""
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    rounds = 7 if small else 25
    bridge = RenderBridge(workers=1)
    try:
        key = "bench-annotations"
        opened: list[DocumentInfo] = []
        bridge.documentOpened.connect(lambda k, info: opened.append(info) if k == key else None)
        bridge.open_document(key, PDF.read_bytes())
        _wait(app, lambda: bool(opened), "document")
        info = opened[0]
        bridge.request_words(key, PAGE)
        _wait(app, lambda: bridge.words(key, PAGE) is not None, "words")
        words = bridge.words(key, PAGE)
        assert words is not None
        annotations = annotations_for(words, info.pages[PAGE].width, info.pages[PAGE].height)

        area = PageArea(bridge)
        area.resize(1200, 900)
        area.show()
        area.set_document(key, info.pages)
        area.set_zoom("fit-width")
        _wait(app, lambda: area.isVisible(), "window")
        scale = round(area.zoom() * area.devicePixelRatioF(), 3)
        painter = _Painter(area, annotations)

        viewport = area.viewport()
        data = PDF.read_bytes()

        def one(annotated: bool, cold: bool) -> tuple[float, float]:
            viewport.setUpdatesEnabled(False)  # no paint but the one timed
            area.set_interaction(painter if annotated else None)
            if cold:  # the document again: the worker reads the page afresh (not from its display list)
                opened.clear()
                bridge.open_document(key, data)
                _wait(app, lambda: bool(opened), "document")
            bridge.cache.discard_document(key)
            app.processEvents()
            tile = TileKey(key, PAGE, scale, None, False)
            arrived: list[TileKey] = []
            slot = arrived.append
            bridge.imageReady.connect(slot)
            try:
                start = time.perf_counter()
                bridge.request(tile, priority=0, generation=None)
                _wait(app, lambda: tile in arrived, "page image")
                painted = time.perf_counter()
                viewport.setUpdatesEnabled(True)
                viewport.repaint()
                end = time.perf_counter()
            finally:
                bridge.imageReady.disconnect(slot)
            return (end - start) * 1000, (end - painted) * 1000

        one(False, False)  # warm-up: the worker's display list, the first QImage
        first_total, first_paint = one(True, False)  # builds the overlay's drawings and tiles
        times: dict[tuple[bool, bool], list[tuple[float, float]]] = {
            (a, c): [] for a in (False, True) for c in (False, True)
        }
        for r in range(rounds):
            for cold in (True, False):
                for variant in (False, True) if r % 2 == 0 else (True, False):
                    times[(variant, cold)].append(one(variant, cold))
        area.set_interaction(None)
        area.close()

        def median(annotated: bool, cold: bool, index: int) -> float:
            return round(statistics.median(v[index] for v in times[(annotated, cold)]), 3)

        plain_ms, annotated_ms = median(False, True, 0), median(True, True, 0)
        warm_plain, warm_annotated = median(False, False, 0), median(True, False, 0)
        plain_paint = median(False, True, 1)
        annotated_paint = median(True, True, 1)
        return {
            "plain_page_ms": plain_ms,
            "annotated_page_ms": annotated_ms,
            "annotated_page_ratio": round(annotated_ms / plain_ms, 3) if plain_ms else None,
            "plain_paint_ms": plain_paint,
            "annotated_paint_ms": annotated_paint,
            "annotated_paint_extra_ms": round(annotated_paint - plain_paint, 3),
            "warm_plain_page_ms": warm_plain,
            "warm_annotated_page_ms": warm_annotated,
            "warm_annotated_page_ratio": round(warm_annotated / warm_plain, 3) if warm_plain else None,
            "annotated_first_paint_ms": round(first_paint, 3),
            "annotated_first_page_ms": round(first_total, 3),
            "annotations_on_page": len(annotations),
            "annotation_kinds": {k.value: sum(a.kind is k for a in annotations) for k in Kind},
            "render_rounds": rounds,
            "render_page": f"{PDF.name} page {PAGE + 1}",
            "render_scale": scale,
            "render_viewport": [area.viewport().width(), area.viewport().height()],
        }
    finally:
        bridge.close()


if __name__ == "__main__":  # a quick look: python tests/bench/annotation_render.py
    import json
    import sys

    print(json.dumps(measure("--small" in sys.argv or os.environ.get("SMALL") == "1")))
