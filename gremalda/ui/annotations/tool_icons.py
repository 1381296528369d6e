"""Icons of the annotation tool bar, drawn with QPainter (no image files): read, select, highlight,
underline, strike out, pen, note, text box, eraser, line width, undo and redo. Drawn in the palette's text
colour (so they suit a dark theme) on a 24×24 grid, at 1× and 2× for sharp screens; Qt derives the
disabled look."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QApplication

__all__ = ["TOOL_ICON_NAMES", "tool_icon"]

GRID = 24  # the drawing's coordinates
MARKER = QColor("#f5c211")  # the highlighter's yellow
NOTE = QColor("#f8e45c")

Draw = Callable[[QPainter, QColor], None]


def _pen(colour: QColor, width: float = 1.6) -> QPen:
    pen = QPen(colour, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _letters(p: QPainter, colour: QColor, top: float = 3.0) -> QRectF:
    """ "ab" in bold, as the text marks show it; returns where the letters are."""
    font = QFont(QApplication.font())
    font.setBold(True)
    font.setPixelSize(13)
    p.setFont(font)
    p.setPen(colour)
    box = QRectF(2, top, 20, 14)
    p.drawText(box, Qt.AlignmentFlag.AlignCenter, "ab")
    return box


def _browse(p: QPainter, c: QColor) -> None:  # an open book: reading
    p.setPen(_pen(c))
    p.setBrush(Qt.BrushStyle.NoBrush)
    left = QPainterPath(QPointF(12, 7))
    left.cubicTo(9, 5, 6, 5, 3, 6)
    left.lineTo(3, 19)
    left.cubicTo(6, 18, 9, 18, 12, 20)
    right = QPainterPath(QPointF(12, 7))
    right.cubicTo(15, 5, 18, 5, 21, 6)
    right.lineTo(21, 19)
    right.cubicTo(18, 18, 15, 18, 12, 20)
    p.drawPath(left)
    p.drawPath(right)
    p.drawLine(QPointF(12, 7), QPointF(12, 20))


def _select(p: QPainter, c: QColor) -> None:  # the mouse arrow
    corners = ((6, 3), (6, 19), (10, 15.5), (13, 21.5), (15.5, 20.5), (12.5, 14.5), (18, 14))
    arrow = QPolygonF([QPointF(x, y) for x, y in corners])
    p.setPen(_pen(c, 1.4))
    p.setBrush(QBrush(c))
    p.drawPolygon(arrow)


def _highlight(p: QPainter, c: QColor) -> None:  # "ab" on a yellow band
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(MARKER)
    p.drawRoundedRect(QRectF(2, 5, 20, 13), 2, 2)
    _letters(p, QColor("#1f2933"), 4)


def _underline(p: QPainter, c: QColor) -> None:
    _letters(p, c)
    p.setPen(_pen(c, 2))
    p.drawLine(QPointF(4, 20), QPointF(20, 20))


def _strikeout(p: QPainter, c: QColor) -> None:
    box = _letters(p, c, 5)
    p.setPen(_pen(c, 2))
    middle = box.center().y() + 1
    p.drawLine(QPointF(3, middle), QPointF(21, middle))


def _ink(p: QPainter, c: QColor) -> None:  # a pencil above a hand-drawn line
    p.setPen(_pen(c, 1.4))
    p.setBrush(Qt.BrushStyle.NoBrush)
    body = QPolygonF([QPointF(x, y) for x, y in ((17, 2.5), (21.5, 7), (10, 18.5), (5, 19.5), (6, 14.5))])
    p.drawPolygon(body)
    p.drawLine(QPointF(15, 4.5), QPointF(19.5, 9))
    wave = QPainterPath(QPointF(3, 22))
    wave.cubicTo(7, 19.5, 9, 23.5, 13, 21.5)
    p.drawPath(wave)


def _note(p: QPainter, c: QColor) -> None:  # a sticky note with a folded corner
    sheet = QPolygonF([QPointF(x, y) for x, y in ((3, 3), (21, 3), (21, 15), (15, 21), (3, 21))])
    p.setPen(_pen(c, 1.4))
    p.setBrush(NOTE)
    p.drawPolygon(sheet)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline(QPolygonF([QPointF(21, 15), QPointF(15, 15), QPointF(15, 21)]))
    p.setPen(_pen(QColor("#1f2933"), 1.2))
    for y in (8, 11.5):
        p.drawLine(QPointF(6.5, y), QPointF(17.5, y))


def _freetext(p: QPainter, c: QColor) -> None:  # a "T" in a dashed frame
    frame = _pen(c, 1.2)
    frame.setStyle(Qt.PenStyle.DashLine)
    p.setPen(frame)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(QRectF(2.5, 3.5, 19, 17))
    p.setPen(_pen(c, 2.2))
    p.drawLine(QPointF(7.5, 8), QPointF(16.5, 8))
    p.drawLine(QPointF(12, 8), QPointF(12, 17))


def _eraser(p: QPainter, c: QColor) -> None:  # a tilted eraser, its tip filled
    p.save()
    p.translate(12, 12)
    p.rotate(-40)
    p.setPen(_pen(c, 1.4))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(QRectF(-9, -4.5, 18, 9), 2, 2)
    p.setBrush(QBrush(c))
    p.drawRoundedRect(QRectF(-9, -4.5, 7, 9), 2, 2)
    p.restore()
    p.setPen(_pen(c, 1.2))
    p.drawLine(QPointF(9, 21.5), QPointF(21, 21.5))


def _width(p: QPainter, c: QColor) -> None:  # lines of growing width
    for y, w in ((5.5, 1.0), (10.5, 2.0), (17, 4.0)):
        p.setPen(_pen(c, w))
        p.drawLine(QPointF(4, y), QPointF(20, y))


def _turn(p: QPainter, c: QColor, mirrored: bool) -> None:  # a curved arrow: undo (left), redo (right)
    if mirrored:
        p.translate(GRID, 0)
        p.scale(-1, 1)
    p.setPen(_pen(c, 1.8))
    p.setBrush(Qt.BrushStyle.NoBrush)
    path = QPainterPath(QPointF(5, 10))
    path.lineTo(14, 10)
    path.cubicTo(18.5, 10, 20.5, 13, 20.5, 15.5)
    path.cubicTo(20.5, 18, 18.5, 20.5, 14, 20.5)
    path.lineTo(10, 20.5)
    p.drawPath(path)
    p.drawPolyline(QPolygonF([QPointF(9.5, 5.5), QPointF(5, 10), QPointF(9.5, 14.5)]))


_DRAWINGS: dict[str, Draw] = {
    "browse": _browse,
    "select": _select,
    "highlight": _highlight,
    "underline": _underline,
    "strikeout": _strikeout,
    "ink": _ink,
    "note": _note,
    "freetext": _freetext,
    "eraser": _eraser,
    "width": _width,
    "undo": lambda p, c: _turn(p, c, False),
    "redo": lambda p, c: _turn(p, c, True),
}
TOOL_ICON_NAMES = tuple(_DRAWINGS)
_cache: dict[tuple[str, str], QIcon] = {}


def _pixmap(draw: Draw, colour: QColor, size: int, ratio: float) -> QPixmap:
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.scale(size / GRID, size / GRID)
    draw(painter, colour)
    painter.end()
    return pixmap


def tool_icon(name: str, colour: QColor | None = None) -> QIcon:
    """The icon ``name`` (one of `TOOL_ICON_NAMES`) in ``colour`` (default: the palette's text colour)."""
    draw = _DRAWINGS[name]
    if colour is None:
        colour = QApplication.palette().color(QApplication.palette().ColorRole.WindowText)
    key = (name, colour.name())
    icon = _cache.get(key)
    if icon is None:
        icon = QIcon()
        for size in (16, 20, 24, 32):
            for ratio in (1.0, 2.0):
                icon.addPixmap(_pixmap(draw, colour, size, ratio))
        _cache[key] = icon
    return icon
