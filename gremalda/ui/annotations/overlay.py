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
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)

from gremalda.core.annotations.authoring import bounds
from gremalda.core.annotations.records import Annotation, Kind, Stroke
from gremalda.pdf.render import Matrix

__all__ = ["FREETEXT_POINTS", "AnnotationOverlay", "page_transform"]

FREETEXT_POINTS = 11.0  # font size of free text, in PDF points
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


def _quad_polygon(q: tuple[float, ...]) -> QPolygonF:
    # upper left, upper right, lower right, lower left
    return QPolygonF([QPointF(q[0], q[1]), QPointF(q[2], q[3]), QPointF(q[6], q[7]), QPointF(q[4], q[5])])


def _pressure_outline(stroke: Stroke, width: float) -> QPainterPath:
    """A stroke whose width follows the pressure, as an outline to fill (round ends)."""
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
        path.addEllipse(QPointF(x, y), half, half)  # joins and ends stay round
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
        return _Drawing(a, path, None, None, colour, True)
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
        pen = QPen(colour, a.width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        return _Drawing(a, None, path, pen, colour, False)
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


class AnnotationOverlay:
    """Paints the annotations of a page from cached drawings; see the module docstring."""

    def __init__(self) -> None:
        self._cache: dict[str, _Drawing] = {}
        self.night = False

    def forget(self, keep: set[str] | None = None) -> None:
        """Drop cached drawings (of records no longer there, or all)."""
        if keep is None:
            self._cache.clear()
        else:
            self._cache = {k: v for k, v in self._cache.items() if k in keep}

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
        offsets: dict[str, tuple[float, float]] | None = None,
    ) -> None:
        """Paint ``annotations`` (of one page) onto the page shown at ``target``. ``offsets``: annotations
        being dragged, painted moved by these distances (points)."""
        if not annotations:
            return
        painter.save()
        try:
            base = page_transform(target, zoom, matrix)
            painter.setTransform(base, True)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            markup_mode = (
                QPainter.CompositionMode.CompositionMode_SourceOver
                if self.night
                else QPainter.CompositionMode.CompositionMode_Multiply
            )
            for a in annotations:
                d = self.drawing(a)
                shift = offsets.get(a.id) if offsets else None
                if shift is not None:
                    painter.save()
                    painter.translate(*shift)
                if d.fill is not None:
                    colour = d.colour
                    if d.markup:
                        painter.setCompositionMode(markup_mode)
                        if self.night:
                            colour = QColor(colour)
                            colour.setAlphaF(colour.alphaF() * 0.45)
                    painter.fillPath(d.fill, QBrush(colour))
                    if d.markup:
                        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
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
                if shift is not None:
                    painter.restore()
        finally:
            painter.restore()

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
