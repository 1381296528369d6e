"""Painting annotations on a page (`AnnotationOverlay`).

Each annotation becomes, once, a small drawing in PDF points (a `QPainterPath` to fill or to stroke, cached
until the record changes); painting a page sets the painter to the page's transform (its place in the
viewport, the zoom and the page's rotation) and draws the cached paths of the page's annotations, so that
zooming and scrolling rebuild nothing. Text markup is multiplied onto the page like a highlighter pen (in
night mode, where the paper is dark, it is laid over with transparency). Ink drawn with pressure is an
outline filled, its width following the pressure. A record that needs attention (its quote was not found
again in a new version of the document) carries a red marker.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
    QTransform,
)

from gremalda.core.annotations.authoring import bounds
from gremalda.core.annotations.records import Annotation, Kind, Stroke
from gremalda.pdf.render import Matrix

__all__ = ["FREETEXT_POINTS", "AnnotationOverlay", "page_transform"]

FREETEXT_POINTS = 11.0  # font size of free text, in PDF points
LAYER_BUDGET = 48 << 20  # bytes of annotation tiles kept per view (512×512 device pixels, 1 MiB each)
TILE = 512  # device pixels
_MARKER = QColor(0xD0, 0x10, 0x10)


def page_transform(target: QRectF, zoom: float, matrix: Matrix) -> QTransform:
    """From stored PDF points (unrotated page) to viewport pixels of a page shown at ``target``."""
    a, b, c, d, e, f = matrix
    return (
        QTransform(a, b, c, d, e, f)
        * QTransform.fromScale(zoom, zoom)
        * QTransform.fromTranslate(target.x(), target.y())
    )


@dataclass
class _Drawing:
    record: Annotation
    fill: QPainterPath | None  # filled with the colour
    stroke: QPainterPath | None  # stroked with `pen`
    pen: QPen | None
    colour: QColor
    markup: bool  # multiplied onto the page
    boxes: tuple[QRectF, ...] = ()  # a highlight of upright quads: their boxes (filled as rectangles)


def _quad_polygon(q: tuple[float, ...]) -> QPolygonF:
    # upper left, upper right, lower right, lower left
    return QPolygonF([QPointF(q[0], q[1]), QPointF(q[2], q[3]), QPointF(q[6], q[7]), QPointF(q[4], q[5])])


def _upright(q: tuple[float, ...]) -> bool:
    """Whether a quad is an upright box (its upper and lower edges level, its sides plumb)."""
    return (
        abs(q[1] - q[3]) < 0.01
        and abs(q[5] - q[7]) < 0.01
        and abs(q[0] - q[4]) < 0.01
        and abs(q[2] - q[6]) < 0.01
    )


def _pressure_outline(stroke: Stroke, width: float) -> QPainterPath:
    """A stroke whose width follows the pressure, as one outline to fill (round ends; the normals at each
    point are those of its neighbours' chord, so joins stay smooth)."""
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.WindingFill)
    left: list[QPointF] = []
    right: list[QPointF] = []
    n = len(stroke)
    for i, (x, y, p) in enumerate(stroke):
        half = width * (0.25 + 0.75 * (1.0 if p is None else p)) / 2
        ax, ay = stroke[max(i - 1, 0)][:2]
        bx, by = stroke[min(i + 1, n - 1)][:2]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / length * half, dx / length * half
        left.append(QPointF(x + nx, y + ny))
        right.append(QPointF(x - nx, y - ny))
        if i in (0, n - 1):
            path.addEllipse(QPointF(x, y), half, half)  # round ends
    if n > 1:
        path.addPolygon(QPolygonF(left + right[::-1]))
        path.closeSubpath()
    return path


def _drawing(a: Annotation) -> _Drawing:
    colour = QColor(a.colour)
    colour.setAlphaF(a.opacity)
    if a.kind is Kind.HIGHLIGHT:
        path = QPainterPath()
        for q in a.quads:
            path.addPolygon(_quad_polygon(q))
            path.closeSubpath()
        boxes = tuple(_quad_polygon(q).boundingRect() for q in a.quads if _upright(q))
        return _Drawing(a, path, None, None, colour, True, boxes if len(boxes) == len(a.quads) else ())
    if a.kind in (Kind.UNDERLINE, Kind.STRIKEOUT):
        path = QPainterPath()
        thickness = 1.0
        for q in a.quads:
            height = math.hypot(q[4] - q[0], q[5] - q[1])
            thickness = max(0.8, height * 0.08)
            t = 0.92 if a.kind is Kind.UNDERLINE else 0.55  # how far down the line
            path.moveTo(q[0] + (q[4] - q[0]) * t, q[1] + (q[5] - q[1]) * t)
            path.lineTo(q[2] + (q[6] - q[2]) * t, q[3] + (q[7] - q[3]) * t)
        pen = QPen(colour, thickness, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap)
        return _Drawing(a, None, path, pen, colour, False)
    if a.kind is Kind.INK:
        pressured = any(p[2] is not None for s in a.strokes for p in s)
        if pressured:
            fill = QPainterPath()
            fill.setFillRule(Qt.FillRule.WindingFill)
            for s in a.strokes:
                fill.addPath(_pressure_outline(s, a.width))
            return _Drawing(a, fill, None, None, colour, False)
        path = QPainterPath()
        for s in a.strokes:
            path.moveTo(s[0][0], s[0][1])
            if len(s) == 1:
                path.lineTo(s[0][0] + 0.01, s[0][1])  # a dot
            for x, y, _ in s[1:]:
                path.lineTo(x, y)
        stroker = QPainterPathStroker()  # the outline once, filled at each paint (stroking is dearer)
        stroker.setWidth(a.width)
        stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
        stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        outline = stroker.createStroke(path)
        outline.setFillRule(Qt.FillRule.WindingFill)
        return _Drawing(a, outline, None, None, colour, False)
    rect = QRectF(QPointF(*(a.rect or (0, 0, 0, 0))[:2]), QPointF(*(a.rect or (0, 0, 0, 0))[2:]))
    if a.kind is Kind.NOTE:  # a sticky note: a square with a folded corner and two lines of "text"
        fold = rect.width() * 0.3
        body = QPainterPath()
        body.moveTo(rect.topLeft())
        body.lineTo(rect.right() - fold, rect.top())
        body.lineTo(rect.right(), rect.top() + fold)
        body.lineTo(rect.bottomRight())
        body.lineTo(rect.bottomLeft())
        body.closeSubpath()
        lines = QPainterPath()
        lines.moveTo(rect.right() - fold, rect.top())
        lines.lineTo(rect.right() - fold, rect.top() + fold)
        lines.lineTo(rect.right(), rect.top() + fold)
        for k in (0.5, 0.7):
            lines.moveTo(rect.left() + rect.width() * 0.2, rect.top() + rect.height() * k)
            lines.lineTo(rect.right() - rect.width() * 0.2, rect.top() + rect.height() * k)
        pen = QPen(QColor(0x40, 0x40, 0x40), max(0.6, rect.width() / 25))
        return _Drawing(a, body, lines, pen, colour, False)
    frame = QPainterPath()  # free text: its box (the text is drawn on top)
    frame.addRect(rect)
    pen = QPen(colour, a.width)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    return _Drawing(a, None, frame, pen, colour, False)


@dataclass
class _PageLayer:
    """The tiles of one page's annotations at one zoom (valid while its records are these very ones)."""

    key: tuple[object, ...]
    records: list[Annotation]  # held, so that identity comparisons stay valid
    boxes: list[QRectF]  # each record's device box on the page (for choosing what a tile draws)
    tiles: dict[tuple[int, int], QImage | None]  # None: no annotation there


class AnnotationOverlay:
    """Paints the annotations of a page from cached drawings; see the module docstring."""

    def __init__(self, *, layer_budget: int = LAYER_BUDGET) -> None:
        self._cache: dict[str, _Drawing] = {}
        self._layers: OrderedDict[int, _PageLayer] = OrderedDict()
        self.layer_budget = layer_budget
        self.night = False

    def forget(self, keep: set[str] | None = None) -> None:
        """Drop cached drawings (of records no longer there, or all) and the page layers."""
        if keep is None:
            self._cache.clear()
        else:
            self._cache = {k: v for k, v in self._cache.items() if k in keep}
        self._layers.clear()

    def drop_tiles(self) -> None:
        """Let the drawn tiles go (the page area is hidden); they are drawn again when needed."""
        self._layers.clear()

    def drawing(self, a: Annotation) -> _Drawing:
        cached = self._cache.get(a.id)
        if cached is None or cached.record is not a:
            cached = self._cache[a.id] = _drawing(a)
        return cached

    def paint(
        self,
        painter: QPainter,
        annotations: list[Annotation],
        target: QRectF,
        zoom: float,
        matrix: Matrix,
        *,
        page: int = -1,
        visible: QRectF | None = None,
        offsets: dict[str, tuple[float, float]] | None = None,
    ) -> None:
        """Paint ``annotations`` (of one ``page``) onto the page shown at ``target``. ``offsets``: annotations
        being dragged, painted moved by these distances (points).

        Highlights are multiplied onto the page directly (cheap: filled boxes). Everything else of a page
        is drawn once into transparent tiles of 512 device pixels (kept while the zoom, the page's records
        and the colours stay), and each paint only blits the tiles that meet ``visible`` (the viewport's
        rectangle): scrolling draws only the tiles that come into view. Without ``page`` and ``visible``
        everything is drawn directly."""
        if not annotations:
            return
        moving = set(offsets or ())
        highlights = [a for a in annotations if a.kind is Kind.HIGHLIGHT and a.id not in moving]
        rest = [a for a in annotations if a.kind is not Kind.HIGHLIGHT and a.id not in moving]
        dragged = [a for a in annotations if a.id in moving]
        base = page_transform(target, zoom, matrix)
        painter.save()
        try:
            if highlights:
                painter.save()
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
                painter.setCompositionMode(
                    QPainter.CompositionMode.CompositionMode_SourceOver
                    if self.night
                    else QPainter.CompositionMode.CompositionMode_Multiply
                )
                # boxes stay boxes (pages turn by quarter turns only)
                upright = (base.m12() == 0 and base.m21() == 0) or (base.m11() == 0 and base.m22() == 0)
                if not upright:
                    painter.setTransform(base, True)
                for a in highlights:
                    d = self.drawing(a)
                    if upright and d.boxes:  # the quickest way to the screen: plain rectangles
                        colour = d.colour
                        if self.night:
                            colour = QColor(colour)
                            colour.setAlphaF(colour.alphaF() * 0.45)
                        for box in d.boxes:
                            painter.fillRect(base.mapRect(box), colour)
                    else:
                        self._draw(painter, a, d)
                painter.restore()
            if rest and page >= 0 and visible is not None:
                self._paint_tiles(painter, page, rest, target, zoom, matrix, visible)
            elif rest:
                painter.save()
                painter.setTransform(base, True)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                for a in rest:
                    self._draw(painter, a, self.drawing(a))
                painter.restore()
            if dragged:
                painter.setTransform(base, True)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                for a in dragged:
                    painter.save()
                    painter.translate(*(offsets or {}).get(a.id, (0.0, 0.0)))
                    self._draw(painter, a, self.drawing(a))
                    painter.restore()
        finally:
            painter.restore()

    def _paint_tiles(
        self,
        painter: QPainter,
        page: int,
        records: list[Annotation],
        target: QRectF,
        zoom: float,
        matrix: Matrix,
        visible: QRectF,
    ) -> None:
        ratio = painter.device().devicePixelRatioF() or 1.0
        # the page's origin at a whole device pixel, as the page image is drawn (PageArea._paint_page)
        ox, oy = round(target.x() * ratio), round(target.y() * ratio)
        width, height = math.ceil(target.width() * ratio), math.ceil(target.height() * ratio)
        layer = self._page_layer(page, records, zoom * ratio, matrix, width, height)
        area = QRectF(
            visible.x() * ratio - ox,
            visible.y() * ratio - oy,
            visible.width() * ratio,
            visible.height() * ratio,
        )
        area = area.intersected(QRectF(0, 0, width, height))
        if area.isEmpty():
            return
        painter.save()
        try:
            painter.resetTransform()
            painter.scale(1 / ratio, 1 / ratio)
            painter.translate(ox, oy)
            for ty in range(int(area.top()) // TILE, math.ceil(area.bottom() / TILE)):
                for tx in range(int(area.left()) // TILE, math.ceil(area.right() / TILE)):
                    tile = self._tile(layer, tx, ty, zoom * ratio, matrix)
                    if tile is not None:
                        painter.drawImage(QPointF(tx * TILE, ty * TILE), tile)
        finally:
            painter.restore()

    def _page_layer(
        self, page: int, records: list[Annotation], scale: float, matrix: Matrix, width: int, height: int
    ) -> _PageLayer:
        key = (round(scale, 6), matrix, self.night, width, height)
        layer = self._layers.get(page)
        if (
            layer is None
            or layer.key != key
            or len(layer.records) != len(records)
            or not all(x is y for x, y in zip(layer.records, records, strict=True))
        ):
            to_device = page_transform(QRectF(0, 0, width, height), scale, matrix)
            boxes = []
            for a in records:
                x0, y0, x1, y1 = bounds(a)
                grow = 12.0 if a.attention else 2.0 + a.width  # the marker, pens and anti-aliasing
                box = QRectF(x0 - grow, y0 - grow, x1 - x0 + 2 * grow, y1 - y0 + 2 * grow)
                boxes.append(to_device.mapRect(box))
            layer = _PageLayer(key, list(records), boxes, {})
            self._layers[page] = layer
        self._layers.move_to_end(page)
        return layer

    def _tile(self, layer: _PageLayer, tx: int, ty: int, scale: float, matrix: Matrix) -> QImage | None:
        """The tile (tx, ty) of a page's annotations, drawn when first wanted; None when it is empty."""
        if (tx, ty) in layer.tiles:
            return layer.tiles[(tx, ty)]
        box = QRectF(tx * TILE, ty * TILE, TILE, TILE)
        inside = [a for a, b in zip(layer.records, layer.boxes, strict=True) if b.intersects(box)]
        image: QImage | None = None
        if inside:
            image = QImage(TILE, TILE, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            try:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
                painter.translate(-tx * TILE, -ty * TILE)
                a, b, c, d, e, f = matrix
                painter.setTransform(QTransform(a, b, c, d, e, f) * QTransform.fromScale(scale, scale), True)
                for record in inside:
                    self._draw(painter, record, self.drawing(record))
            finally:
                painter.end()
        layer.tiles[(tx, ty)] = image
        self._trim()
        return image

    def _trim(self) -> None:
        """Keep the tiles within the budget, dropping whole pages least recently painted first."""
        total = sum(t.sizeInBytes() for layer in self._layers.values() for t in layer.tiles.values() if t)
        while total > self.layer_budget and len(self._layers) > 1:
            _, old = self._layers.popitem(last=False)
            total -= sum(t.sizeInBytes() for t in old.tiles.values() if t)

    def _draw(self, painter: QPainter, a: Annotation, d: _Drawing) -> None:
        if d.fill is not None:
            colour = d.colour
            if d.markup and self.night:
                colour = QColor(colour)
                colour.setAlphaF(colour.alphaF() * 0.45)
            painter.fillPath(d.fill, QBrush(colour))
            if a.kind is Kind.NOTE:
                painter.setPen(QPen(QColor(0x40, 0x40, 0x40), 0.6))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPath(d.fill)
        if d.stroke is not None and d.pen is not None:
            painter.strokePath(d.stroke, d.pen)
        if a.kind is Kind.FREETEXT and a.rect is not None:
            self._text(painter, a)
        if a.attention:
            self._marker(painter, a)

    @staticmethod
    def _text(painter: QPainter, a: Annotation) -> None:
        assert a.rect is not None
        font = QFont(painter.font())
        dpi = painter.device().logicalDpiY() or 96
        font.setPointSizeF(FREETEXT_POINTS * 72 / dpi)  # FREETEXT_POINTS units of the page's transform
        painter.setFont(font)
        colour = QColor(a.colour).darker(160) if QColor(a.colour).lightnessF() > 0.7 else QColor(a.colour)
        painter.setPen(colour)
        box = QRectF(a.rect[0], a.rect[1], a.rect[2] - a.rect[0], a.rect[3] - a.rect[1]).adjusted(
            2, 1, -2, -1
        )
        painter.drawText(
            box,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextWordWrap),
            a.text,
        )

    @staticmethod
    def _marker(painter: QPainter, a: Annotation) -> None:
        _, y0, x1, _ = bounds(a)
        centre = QPointF(x1 + 4, y0 - 4)
        painter.setPen(QPen(QColor(Qt.GlobalColor.white), 0.8))
        painter.setBrush(_MARKER)
        painter.drawEllipse(centre, 5, 5)
        painter.setPen(
            QPen(QColor(Qt.GlobalColor.white), 1.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        )
        painter.drawLine(QPointF(centre.x(), centre.y() - 2.8), QPointF(centre.x(), centre.y() + 0.6))
        painter.drawPoint(QPointF(centre.x(), centre.y() + 2.6))
