"""`PageArea`: the scrollable canvas of a `DocumentView` that paints the visible pages only.

One widget for the whole document, however many pages: a `PageLayout` says where each page lies, the
paint event draws the pages in the viewport from the tile cache, and a request pass (after scrolling,
zooming or resizing, coalesced by a timer) asks the `RenderBridge` for what is missing:

1. a quick low-resolution image of every visible page that has nothing to show yet (cheap, first);
2. the sharp image at the current zoom (the whole page, or at high zoom the 512-pixel tiles that are in
   view, the ones nearest the middle first);
3. the same for the neighbours just above and below (prefetch).

When the view moves on, requests that are no longer wanted are dropped through the renderer's
generations, so fast scrolling never waits for pages that have gone by. While nothing sharp is there, the
nearest other image of the page (any scale) is painted stretched.

An interaction (`PageInteraction`, the annotation tools) can be set: it paints after each page and sees
the viewport's events and the key presses first.
"""

from __future__ import annotations

import math
from concurrent.futures import Future
from typing import Protocol

from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QKeyEvent,
    QKeySequence,
    QNativeGestureEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QGestureEvent,
    QPinchGesture,
    QScroller,
    QSwipeGesture,
    QWidget,
)

from gremalda.pdf.render import PageInfo, RenderedImage
from gremalda.pdf.tilecache import TileKey
from gremalda.ui.viewer.page_layout import SPACING, PageLayout
from gremalda.ui.viewer.render_bridge import RenderBridge

__all__ = ["ZOOM_MODES", "ZOOM_STEPS", "PageArea", "PageInteraction", "low_scale"]

ZOOM_MODES = ("fit-width", "fit-page", "percent")
ZOOM_STEPS = (10, 25, 33, 50, 67, 75, 90, 100, 110, 125, 150, 175, 200, 250, 300, 400, 500, 600, 800)
MIN_PERCENT, MAX_PERCENT = 10.0, 800.0
POINTS_TO_PIXELS = 96 / 72  # 100 % = a point is 1/72 inch on a 96-dpi screen
TILE = 512  # device pixels
TILE_ABOVE = 2600 * 2600  # device pixels per page beyond which a page is rendered in tiles
LOW_WIDTH = 320  # device pixels of the quick first image of a page
P_LOW, P_SHARP, P_NEAR_LOW, P_NEAR_SHARP = 0, 1, 2, 3  # request priorities, lower is sooner

Hit = tuple[int, tuple[float, float, float, float]]  # page, rect in points


class PageInteraction(Protocol):
    """Something drawn on the pages and acting on the viewport's events (the annotation tools): it paints
    after each page, and sees viewport and key events first (True: it took the event)."""

    def paint_page(self, painter: QPainter, page: int, target: QRectF) -> None: ...
    def viewport_event(self, event: QEvent) -> bool: ...
    def key_event(self, event: QKeyEvent) -> bool: ...


def low_scale(page: PageInfo) -> float:
    """Scale of the quick image of ``page``: the same at every zoom, so it is rendered only once."""
    return round(min(2.0, LOW_WIDTH / max(page.width, 1.0)), 3)


class PageArea(QAbstractScrollArea):
    """Continuous vertical scroll of all pages; see the module docstring."""

    currentPageChanged = Signal(int)  # noqa: N815 (Qt's naming)
    zoomChanged = Signal()  # noqa: N815 (Qt's naming)
    findRequested = Signal()  # noqa: N815 (Qt's naming)
    findNextRequested = Signal(bool)  # noqa: N815 (Qt's naming); True: backwards
    escapePressed = Signal()  # noqa: N815 (Qt's naming)

    def __init__(self, bridge: RenderBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._doc: str | None = None
        self._pages: tuple[PageInfo, ...] = ()
        self._layout = PageLayout.build((), 1.0, 0.0)
        self._mode = "fit-width"
        self._percent = 100.0
        self._night = False
        self._generation = 0
        self._pending: dict[TileKey, tuple[Future[RenderedImage], int]] = {}
        self._failed: dict[int, str] = {}
        self._current = -1
        self._hits: list[Hit] = []
        self._hit_index = -1
        self._interaction: PageInteraction | None = None
        self._request_timer = QTimer(self)
        self._request_timer.setSingleShot(True)
        self._request_timer.setInterval(0)
        self._request_timer.timeout.connect(self._update_requests)
        self._gesture_timer = QTimer(self)  # after the last pinch step: render sharp again
        self._gesture_timer.setSingleShot(True)
        self._gesture_timer.setInterval(150)
        self._gesture_timer.timeout.connect(self._schedule_requests)

        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # fit-width must not oscillate
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFrameShape(QAbstractScrollArea.Shape.NoFrame)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.verticalScrollBar().setSingleStep(40)
        self.horizontalScrollBar().setSingleStep(40)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.horizontalScrollBar().valueChanged.connect(self._scrolled)
        self.viewport().grabGesture(Qt.GestureType.PinchGesture)
        self.viewport().grabGesture(Qt.GestureType.SwipeGesture)
        QScroller.grabGesture(self.viewport(), QScroller.ScrollerGestureType.TouchGesture)  # kinetic touch
        bridge.imageReady.connect(self._image_ready)
        bridge.imageFailed.connect(self._image_failed)
        bridge.imageDropped.connect(self._image_dropped)
        self.setAccessibleName(self.tr("Document pages"))
        self.setAccessibleDescription(
            self.tr("Page Up and Page Down turn pages; Ctrl+plus and Ctrl+minus zoom; Ctrl+F finds text.")
        )

    # -- document ------------------------------------------------------------------------------------

    def set_document(self, doc: str | None, pages: tuple[PageInfo, ...]) -> None:
        """Show ``pages`` of the render key ``doc`` (None: nothing)."""
        self._forget_requests()
        self._doc, self._pages = doc, pages
        self._failed.clear()
        self._hits, self._hit_index = [], -1
        self._current = -1
        self._relayout(None, keep=False)
        self.verticalScrollBar().setValue(0)
        self._scrolled()

    def page_count(self) -> int:
        return len(self._pages)

    def current_page(self) -> int:
        return self._current

    def go_to_page(self, page: int, y_points: float | None = None) -> None:
        """Scroll page ``page`` to the top (or, with ``y_points``, that height of it to a third down)."""
        if not self._pages:
            return
        page = max(0, min(page, len(self._pages) - 1))
        top = self._layout.tops[page]
        if y_points is None:
            value = top - SPACING / 2
        else:
            value = top + y_points * self._layout.zoom - self.viewport().height() / 3
        self.verticalScrollBar().setValue(round(value))
        self._scrolled()

    def page_step(self, direction: int) -> None:
        """Page Down / Page Up: the next page when a page fits the window, else most of a window."""
        if not self._pages:
            return
        height = self.viewport().height()
        current = max(self._current, 0)
        if self._layout.heights[current] <= height + 1:
            self.go_to_page(current + direction)
        else:
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + direction * round(height * 0.9))

    def page_rect(self, page: int) -> QRectF:
        """Where page ``page`` lies in the viewport now (it may be outside it); empty when no such page."""
        if not 0 <= page < len(self._layout):
            return QRectF()
        x, y, w, h = self._layout.rect(page)
        return QRectF(x - self.horizontalScrollBar().value(), y - self.verticalScrollBar().value(), w, h)

    def page_at(self, point: QPointF) -> tuple[int, float, float] | None:
        """The page under a viewport point and the point on it in PDF points (None: not on a page)."""
        for page in self._visible_pages():
            rect = self.page_rect(page)
            if rect.contains(point):
                zoom = self._layout.zoom
                return page, (point.x() - rect.x()) / zoom, (point.y() - rect.y()) / zoom
        return None

    def zoom(self) -> float:
        """Logical pixels per PDF point now."""
        return self._layout.zoom

    def page_info(self, page: int) -> PageInfo | None:
        return self._pages[page] if 0 <= page < len(self._pages) else None

    def render_key(self) -> str | None:
        """The renderer's key of the shown document (for requests such as a page's words)."""
        return self._doc

    def visible_pages(self) -> range:
        return self._visible_pages()

    def set_interaction(self, interaction: PageInteraction | None) -> None:
        """Paint ``interaction`` over the pages and give it the viewport's events first (None: none)."""
        self._interaction = interaction
        self.viewport().update()

    def _visible_pages(self) -> range:
        top = self.verticalScrollBar().value()
        return self._layout.visible(top, top + self.viewport().height())

    # -- zoom and night mode ----------------------------------------------------------------------------

    def zoom_mode(self) -> str:
        return self._mode

    def zoom_percent(self) -> float:
        """The effective zoom in percent (also in the fit modes)."""
        return self._layout.zoom / POINTS_TO_PIXELS * 100

    def set_zoom(self, mode: str, percent: float | None = None, anchor: QPointF | None = None) -> None:
        if mode not in ZOOM_MODES:
            raise ValueError(f"unknown zoom mode {mode!r}; use one of {', '.join(ZOOM_MODES)}")
        if mode == "percent":
            if percent is None:
                raise ValueError("the percent zoom mode needs a percentage")
            self._percent = max(MIN_PERCENT, min(MAX_PERCENT, float(percent)))
        self._mode = mode
        self._failed.clear()  # a page that failed once may render at another scale (or failed by chance)
        self._relayout(anchor)
        self.zoomChanged.emit()

    def zoom_step(self, direction: int) -> None:
        """Ctrl+plus / Ctrl+minus: the next zoom step up or down from the current zoom."""
        now = self.zoom_percent()
        if direction > 0:
            steps = [s for s in ZOOM_STEPS if s > now + 0.5]
            target = steps[0] if steps else MAX_PERCENT
        else:
            steps = [s for s in ZOOM_STEPS if s < now - 0.5]
            target = steps[-1] if steps else MIN_PERCENT
        self.set_zoom("percent", target)

    def scale_zoom(self, factor: float, anchor: QPointF | None = None) -> None:
        """Continuous zoom (pinch, Ctrl+wheel) about ``anchor`` (viewport coordinates)."""
        if factor <= 0 or not math.isfinite(factor):
            return
        self._gesture_timer.start()
        self.set_zoom("percent", self.zoom_percent() * factor, anchor)

    def night_mode(self) -> bool:
        return self._night

    def set_night_mode(self, on: bool) -> None:
        if on == self._night:
            return
        self._night = on
        self._failed.clear()
        self._schedule_requests()
        self.viewport().update()

    # -- find hits -------------------------------------------------------------------------------------

    def set_hits(self, hits: list[Hit], index: int) -> None:
        """Highlight ``hits`` (all of them), ``index`` being the current one (scrolled into view)."""
        self._hits, self._hit_index = hits, index
        if 0 <= index < len(hits):
            page, (_, y0, _, y1) = hits[index]
            top = self._layout.tops[page] + y0 * self._layout.zoom
            bottom = self._layout.tops[page] + y1 * self._layout.zoom
            view_top = self.verticalScrollBar().value()
            if top < view_top or bottom > view_top + self.viewport().height():
                self.go_to_page(page, y0)
            x0 = self._layout.rect(page)[0] + hits[index][1][0] * self._layout.zoom
            bar = self.horizontalScrollBar()
            if not bar.value() <= x0 <= bar.value() + self.viewport().width() - 40:
                bar.setValue(round(x0 - self.viewport().width() / 3))
        self.viewport().update()

    # -- geometry --------------------------------------------------------------------------------------

    def _fit_zoom(self) -> float:
        width = max(self.viewport().width(), 50)
        height = max(self.viewport().height(), 50)
        if self._mode == "percent" or not self._pages:
            return self._percent / 100 * POINTS_TO_PIXELS
        margin = 2 * 12.0
        if self._mode == "fit-width":
            return max(0.05, (width - margin) / max(p.width for p in self._pages))
        page = self._pages[max(self._current, 0)]
        return max(0.05, min((width - margin) / page.width, (height - margin) / page.height))

    def _relayout(self, anchor: QPointF | None, *, keep: bool = True) -> None:
        """Lay the pages out at the zoom the mode asks for, keeping the point under ``anchor`` in place."""
        viewport = self.viewport()
        if anchor is None:
            anchor = QPointF(viewport.width() / 2, 0.0)
        kept = self._anchor(anchor) if keep else None
        self._layout = PageLayout.build(self._pages, self._fit_zoom(), float(viewport.width()))
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        vbar.setRange(0, max(0, math.ceil(self._layout.height - viewport.height())))
        vbar.setPageStep(viewport.height())
        hbar.setRange(0, max(0, math.ceil(self._layout.width - viewport.width())))
        hbar.setPageStep(viewport.width())
        if kept is not None:
            page, fx, fy = kept
            x, y, w, h = self._layout.rect(page)
            hbar.setValue(round(x + fx * w - anchor.x()))
            vbar.setValue(round(y + fy * h - anchor.y()))
        self._scrolled()
        viewport.update()

    def _anchor(self, point: QPointF) -> tuple[int, float, float] | None:
        """The page under a viewport point, and where in it (fractions of its width and height)."""
        if not len(self._layout):
            return None
        x = point.x() + self.horizontalScrollBar().value()
        y = point.y() + self.verticalScrollBar().value()
        page = self._layout.page_at(y)
        px, py, w, h = self._layout.rect(page)
        return page, (x - px) / w if w else 0.0, (y - py) / h if h else 0.0

    def _render_scale(self) -> float:
        return round(self._layout.zoom * self.devicePixelRatioF(), 3)

    # -- requests --------------------------------------------------------------------------------------

    @Slot()
    def _scrolled(self) -> None:
        top = self.verticalScrollBar().value()
        current = self._layout.current(top, top + self.viewport().height())
        if current != self._current:
            self._current = current
            if current >= 0:
                self.currentPageChanged.emit(current)
        self._schedule_requests()

    @Slot()
    def _schedule_requests(self) -> None:
        if self._gesture_timer.isActive():
            return  # mid-pinch: paint what we have, render when the fingers rest
        if not self._request_timer.isActive():
            self._request_timer.start()

    def _forget_requests(self) -> None:
        if self._doc is not None and self._pending:
            self._generation += 1
            self._bridge.set_generation(self._doc, self._generation)
        self._pending.clear()

    @Slot()
    def _update_requests(self) -> None:
        """Ask for what the visible and neighbouring pages lack; drop queued requests no longer wanted."""
        doc = self._doc
        if doc is None or not self._pages or not self.isVisible():
            return
        visible = self._visible_pages()
        if not visible:
            return
        scale = self._render_scale()
        wanted: list[tuple[TileKey, int]] = []
        for page in visible:
            wanted += self._wanted(doc, page, scale, near=False, first=page == visible.start)
        for page in (visible.stop, visible.start - 1, visible.stop + 1):
            if 0 <= page < len(self._pages):
                wanted += self._wanted(doc, page, scale, near=True)
        keys = {key for key, _ in wanted}
        if any(
            generation == self._generation and key not in keys
            for key, (_, generation) in self._pending.items()
        ):
            self._generation += 1  # something queued went out of view: drop all of it, ask afresh
            self._bridge.set_generation(doc, self._generation)
            self._pending = {k: v for k, v in self._pending.items() if v[1] == self._generation}
        cache = self._bridge.cache
        for key, priority in wanted:
            if key in cache or key in self._pending:
                continue
            future = self._bridge.request(key, priority=priority, generation=self._generation)
            if not future.done():
                self._pending[key] = (future, self._generation)

    def _wanted(
        self, doc: str, page: int, scale: float, *, near: bool, first: bool = False
    ) -> list[tuple[TileKey, int]]:
        """What ``page`` lacks, with priorities. The sharp image of the ``first`` visible page comes right
        after its quick one, before the quick images of the pages below it: with two workers the page
        the reader looks at is sharp one render sooner."""
        info = self._pages[page]
        wanted: list[tuple[TileKey, int]] = []
        if page in self._failed:
            return wanted
        quick = low_scale(info)
        has_any = any(key.clip is None for key, _ in self._bridge.cache.page_images(doc, page, self._night))
        if quick < scale * 0.7 and not has_any:
            wanted.append((TileKey(doc, page, quick, None, self._night), P_NEAR_LOW if near else P_LOW))
        width, height = info.width * scale, info.height * scale
        if width * height <= TILE_ABOVE:
            sharp = P_NEAR_SHARP if near else (P_LOW if first else P_SHARP)
            wanted.append((TileKey(doc, page, scale, None, self._night), sharp))
        elif not near:
            wanted += [(key, P_SHARP) for key in self._visible_tiles(doc, page, scale)]
        return wanted

    def _visible_tiles(self, doc: str, page: int, scale: float) -> list[TileKey]:
        """Tiles of ``page`` at ``scale`` that meet the viewport (grown by one tile), middle first."""
        x, y, _, _ = self._layout.rect(page)
        ratio = scale / self._layout.zoom  # device pixels per content pixel
        left = (self.horizontalScrollBar().value() - x) * ratio - TILE
        top = (self.verticalScrollBar().value() - y) * ratio - TILE
        right = left + self.viewport().width() * ratio + 2 * TILE
        bottom = top + self.viewport().height() * ratio + 2 * TILE
        width_px = math.ceil(self._pages[page].width * scale)
        height_px = math.ceil(self._pages[page].height * scale)
        middle = ((left + right) / 2, (top + bottom) / 2)
        tiles = []
        for ty in range(max(0, int(top // TILE)), min(math.ceil(height_px / TILE), math.ceil(bottom / TILE))):
            for tx in range(
                max(0, int(left // TILE)), min(math.ceil(width_px / TILE), math.ceil(right / TILE))
            ):
                clip = (tx * TILE, ty * TILE, min(width_px, (tx + 1) * TILE), min(height_px, (ty + 1) * TILE))
                distance = math.hypot(
                    (clip[0] + clip[2]) / 2 - middle[0], (clip[1] + clip[3]) / 2 - middle[1]
                )
                tiles.append((distance, TileKey(doc, page, scale, clip, self._night)))
        return [key for _, key in sorted(tiles, key=lambda item: item[0])]

    @Slot(object)
    def _image_ready(self, key: TileKey) -> None:
        if key.doc != self._doc:
            return
        self._pending.pop(key, None)
        if key.page in self._visible_pages():
            self.viewport().update()

    @Slot(object, str)
    def _image_failed(self, key: TileKey, message: str) -> None:
        if key.doc != self._doc:
            return
        self._pending.pop(key, None)
        self._failed[key.page] = message
        self.viewport().update()

    @Slot(object)
    def _image_dropped(self, key: TileKey) -> None:
        if key.doc != self._doc:
            return
        entry = self._pending.get(key)
        if entry is not None and entry[0].cancelled():
            del self._pending[key]
            self._schedule_requests()  # still wanted? then ask again

    # -- painting --------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self.viewport())
        try:
            self._paint(painter, event.rect().toRectF())
        finally:
            painter.end()

    def _paint(self, painter: QPainter, area: QRectF) -> None:
        painter.fillRect(area, QColor(0x24, 0x24, 0x24) if self._night else QColor(0x5A, 0x5E, 0x63))
        doc = self._doc
        if doc is not None and self._pages:
            dx, dy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
            scale = self._render_scale()
            for page in self._layout.visible(dy, dy + self.viewport().height()):
                x, y, w, h = self._layout.rect(page)
                target = QRectF(x - dx, y - dy, w, h)
                if target.intersects(area):
                    self._paint_page(painter, doc, page, target, scale)
        if self.hasFocus():  # visible focus: a frame in the highlight colour
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), 3)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.viewport().rect()).adjusted(1.5, 1.5, -1.5, -1.5))

    def _paint_page(self, painter: QPainter, doc: str, page: int, target: QRectF, scale: float) -> None:
        painter.fillRect(
            target, QColor(Qt.GlobalColor.black) if self._night else QColor(Qt.GlobalColor.white)
        )
        images = list(self._bridge.cache.page_images(doc, page, self._night))
        ratio = self.devicePixelRatioF()
        # images at the current scale are blitted 1:1 at a whole device pixel (no filtering: fast, sharp)
        origin_x, origin_y = round(target.x() * ratio), round(target.y() * ratio)
        wholes = [(key, image) for key, image in images if key.clip is None]
        if wholes:  # the sharp one, else the nearest in scale (stretched until the sharp one comes)
            key, image = min(wholes, key=lambda item: abs(math.log(item[0].scale / scale)))
            if key.scale == scale:
                image.setDevicePixelRatio(ratio)
                painter.drawImage(QPointF(origin_x / ratio, origin_y / ratio), image)
            else:  # a stand-in: filtered only when shrinking (a stretched quick image is blurry anyway)
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, key.scale > scale)
                painter.drawImage(target, image)
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        for key, image in images:
            if key.clip is not None and key.scale == scale:
                image.setDevicePixelRatio(ratio)
                x, y = (origin_x + key.clip[0]) / ratio, (origin_y + key.clip[1]) / ratio
                painter.drawImage(QPointF(x, y), image)
        if page in self._failed:
            painter.setPen(QColor(Qt.GlobalColor.white) if self._night else QColor(0x80, 0x10, 0x10))
            painter.drawText(
                target.adjusted(24, 24, -24, -24),
                int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap),
                self.tr("This page could not be displayed (the PDF is probably damaged)."),
            )
        zoom = self._layout.zoom
        for index, (hit_page, (left, top, right, bottom)) in enumerate(self._hits):
            if hit_page != page:
                continue
            rect = QRectF(
                target.x() + left * zoom,
                target.y() + top * zoom,
                (right - left) * zoom,
                (bottom - top) * zoom,
            )
            if index == self._hit_index:
                painter.fillRect(rect, QColor(255, 120, 0, 130))
                painter.setPen(QPen(QColor(230, 80, 0), 2))
                painter.drawRect(rect.adjusted(-1, -1, 1, 1))
            else:
                painter.fillRect(rect, QColor(255, 210, 0, 100))
        if self._interaction is not None:
            self._interaction.paint_page(painter, page, target)

    # -- events ----------------------------------------------------------------------------------------

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802 (Qt's name)
        self.viewport().update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._relayout(QPointF(self.viewport().width() / 2, 0.0))

    def showEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)  # type: ignore[arg-type]
        self._schedule_requests()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt's name)
        super().focusInEvent(event)
        self.viewport().update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt's name)
        super().focusOutEvent(event)
        self.viewport().update()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if self._interaction is not None and self._interaction.key_event(event):
            event.accept()
            return
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        hbar = self.horizontalScrollBar()
        if event.matches(QKeySequence.StandardKey.ZoomIn) or (
            ctrl and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal)
        ):
            self.zoom_step(+1)
        elif event.matches(QKeySequence.StandardKey.ZoomOut) or (ctrl and key == Qt.Key.Key_Minus):
            self.zoom_step(-1)
        elif ctrl and key == Qt.Key.Key_0:
            self.set_zoom("fit-width")
        elif event.matches(QKeySequence.StandardKey.Find):
            self.findRequested.emit()
        elif event.matches(QKeySequence.StandardKey.FindNext) or (key == Qt.Key.Key_F3 and not shift):
            self.findNextRequested.emit(False)
        elif event.matches(QKeySequence.StandardKey.FindPrevious) or (key == Qt.Key.Key_F3 and shift):
            self.findNextRequested.emit(True)
        elif key == Qt.Key.Key_PageDown or (key == Qt.Key.Key_Space and not shift):
            self.page_step(+1)
        elif key == Qt.Key.Key_PageUp or (key == Qt.Key.Key_Space and shift):
            self.page_step(-1)
        elif key == Qt.Key.Key_Home:
            self.go_to_page(0)
        elif key == Qt.Key.Key_End:
            self.go_to_page(len(self._pages) - 1)
            self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and hbar.maximum() == 0:
            self.go_to_page(self._current + (1 if key == Qt.Key.Key_Right else -1))
        elif key == Qt.Key.Key_Escape:
            self.escapePressed.emit()
        else:
            super().keyPressEvent(event)  # arrows scroll
            return
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt's name)
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.scale_zoom(1.1**steps, event.position())
            event.accept()
            return
        super().wheelEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if self._interaction is not None and self._interaction.viewport_event(event):
            return True
        if event.type() == QEvent.Type.Gesture and isinstance(event, QGestureEvent):
            return self._gesture(event)
        if (
            event.type() == QEvent.Type.NativeGesture
            and isinstance(event, QNativeGestureEvent)
            and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture  # touchpad pinch
        ):
            self.scale_zoom(1.0 + event.value(), event.position())
            event.accept()
            return True
        return super().viewportEvent(event)

    def _gesture(self, event: QGestureEvent) -> bool:
        pinch = event.gesture(Qt.GestureType.PinchGesture)
        if isinstance(pinch, QPinchGesture):
            if pinch.changeFlags() & QPinchGesture.ChangeFlag.ScaleFactorChanged:
                center = self.viewport().mapFromGlobal(pinch.centerPoint())
                self.scale_zoom(pinch.scaleFactor(), center)
            event.accept(pinch)
            return True
        swipe = event.gesture(Qt.GestureType.SwipeGesture)
        if isinstance(swipe, QSwipeGesture):
            if swipe.state() == Qt.GestureState.GestureFinished:
                direction = swipe.horizontalDirection()
                if direction == QSwipeGesture.SwipeDirection.Left:
                    self.go_to_page(self._current + 1)
                elif direction == QSwipeGesture.SwipeDirection.Right:
                    self.go_to_page(self._current - 1)
            event.accept(swipe)
            return True
        return False
