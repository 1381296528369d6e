"""The annotation tools' names, first colours and widths, the drag in progress, and its preview.

While a drag goes on, `paint_drag` shows what it will make (the words a text markup will cover, the ink
drawn so far, the box of a free text) and `paint_selection` frames the selected annotation (moved along
while it is dragged); both paint in stored PDF points (the painter set to the page's transform).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from gremalda.core.annotations import authoring
from gremalda.core.annotations.records import Annotation, Kind
from gremalda.pdf.render import PageWords

__all__ = [
    "COLOURS",
    "DRAG_PIXELS",
    "FREETEXT_SIZE",
    "HIT_PIXELS",
    "MARKUP",
    "MOVABLE",
    "WIDTHS",
    "Drag",
    "Tool",
    "paint_drag",
    "paint_selection",
]

SELECTION = QColor(0x1C, 0x71, 0xD8)


class Tool(StrEnum):
    BROWSE = "browse"
    SELECT = "select"
    HIGHLIGHT = "highlight"
    UNDERLINE = "underline"
    STRIKEOUT = "strikeout"
    INK = "ink"
    NOTE = "note"
    FREETEXT = "freetext"
    ERASER = "eraser"


MARKUP = {Tool.HIGHLIGHT: Kind.HIGHLIGHT, Tool.UNDERLINE: Kind.UNDERLINE, Tool.STRIKEOUT: Kind.STRIKEOUT}
MOVABLE = (Kind.INK, Kind.NOTE, Kind.FREETEXT)
COLOURS = {  # the first colour of each tool
    Tool.HIGHLIGHT: "#ffd700",
    Tool.UNDERLINE: "#1c71d8",
    Tool.STRIKEOUT: "#c01c28",
    Tool.INK: "#c01c28",
    Tool.NOTE: "#ffd700",
    Tool.FREETEXT: "#1c71d8",
}
WIDTHS = {Tool.INK: 2.0, Tool.FREETEXT: 1.0}
HIT_PIXELS = 5.0  # how near (screen pixels) a click must be to an annotation
DRAG_PIXELS = 3.0  # a press that moves less than this is a click
FREETEXT_SIZE = (180.0, 40.0)  # points: the box of a free text placed by a click


@dataclass
class Drag:
    """A press, move and release in progress (or a pen stroke)."""

    tool: Tool
    page: int
    start: tuple[float, float]  # stored PDF points
    end: tuple[float, float]
    screen: QPointF  # where the press was, viewport pixels
    points: list[tuple[float, float, float | None]] = field(default_factory=list)
    target: Annotation | None = None  # select: the annotation being moved
    moved: bool = False


def paint_selection(painter: QPainter, record: Annotation, offset: tuple[float, float], zoom: float) -> None:
    """A dashed frame around the selected annotation (moved by ``offset`` points while it is dragged)."""
    x0, y0, x1, y1 = authoring.bounds(record)
    dx, dy = offset
    painter.setPen(QPen(SELECTION, 1.5 / zoom, Qt.PenStyle.DashLine))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(QRectF(x0 + dx - 2, y0 + dy - 2, x1 - x0 + 4, y1 - y0 + 4))


def paint_drag(
    painter: QPainter, drag: Drag, colour: str, ink_width: float, words: PageWords | None, zoom: float
) -> None:
    """What ``drag`` will make, so far (text markup: only once the page's ``words`` are there)."""
    pen_colour = QColor(colour)
    if drag.tool in MARKUP:
        if words is not None:
            chosen = authoring.select_words(words.words, drag.start, drag.end)
            pen_colour.setAlpha(90)
            for q in authoring.quads(words.words, chosen):
                painter.fillRect(QRectF(q[0], q[1], q[6] - q[0], q[7] - q[1]), pen_colour)
    elif drag.tool is Tool.INK and drag.points:
        path = QPainterPath(QPointF(drag.points[0][0], drag.points[0][1]))
        for x, y, _ in drag.points[1:]:
            path.lineTo(x, y)
        pen = QPen(pen_colour, ink_width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.strokePath(path, pen)
    elif drag.tool is Tool.FREETEXT and drag.moved:
        painter.setPen(QPen(pen_colour, 1.0 / zoom, Qt.PenStyle.DashLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(QPointF(*drag.start), QPointF(*drag.end)).normalized())
