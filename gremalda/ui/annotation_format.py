"""How annotations read in lists (the annotation panel, the orphan dialog): the kind's name and a small
icon in the annotation's colour, its text (the marked words and the note), its date in the user's
locale."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QApplication

from gremalda.core.annotations.records import Annotation, Kind

translate = QCoreApplication.translate


def kind_name(kind: Kind) -> str:
    return {
        Kind.HIGHLIGHT: translate("AnnotationPanel", "Highlight"),
        Kind.UNDERLINE: translate("AnnotationPanel", "Underline"),
        Kind.STRIKEOUT: translate("AnnotationPanel", "Strike-out"),
        Kind.INK: translate("AnnotationPanel", "Drawing"),
        Kind.NOTE: translate("AnnotationPanel", "Note"),
        Kind.FREETEXT: translate("AnnotationPanel", "Text box"),
    }[kind]


def kind_icon(kind: Kind, colour: str = "#ffd700") -> QIcon:
    """A small picture of the kind in the annotation's colour, its lines in the palette's text colour
    (readable on dark and high-contrast themes; one picture per colour)."""
    palette = QApplication.palette()
    return _kind_icon(kind, colour, palette.color(palette.ColorRole.Text).name())


@cache
def _kind_icon(kind: Kind, colour: str, ink_colour: str) -> QIcon:
    size = 16
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour_ = QColor(colour)
    ink = QColor(ink_colour)
    if kind is Kind.HIGHLIGHT:
        painter.fillRect(1, 4, 14, 9, colour_)
        painter.setPen(QPen(ink, 1.2))
        painter.drawLine(4, 8, 12, 8)
    elif kind in (Kind.UNDERLINE, Kind.STRIKEOUT):
        painter.setPen(QPen(ink, 1.2))
        for y in (4, 8):
            painter.drawLine(2, y, 14, y)
        painter.setPen(QPen(colour_.darker(130), 2.4))
        y = 13 if kind is Kind.UNDERLINE else 6
        painter.drawLine(1, y, 15, y)
    elif kind is Kind.INK:
        path = QPainterPath(QPointF(1.5, 12))
        path.cubicTo(QPointF(4, 1), QPointF(8, 16), QPointF(14.5, 3))
        painter.setPen(QPen(colour_.darker(120), 2.2))
        painter.drawPath(path)
    elif kind is Kind.NOTE:
        painter.setPen(QPen(ink, 1))
        painter.setBrush(QBrush(colour_))
        painter.drawRoundedRect(1, 1, 14, 11, 2, 2)
        painter.drawLine(4, 12, 4, 15)
    else:  # free text
        painter.setPen(QPen(colour_.darker(140), 1))
        painter.drawRect(1, 1, 14, 14)
        font = QFont()
        font.setPixelSize(12)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(ink)
        painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "T")
    painter.end()
    return QIcon(pixmap)


def annotation_text(a: Annotation) -> str:
    """What the list shows as an annotation's text: the marked words (and the note on them), else the
    note or free text."""
    parts = []
    if a.quote is not None:
        # the language's quotation marks (German „…“) around the marked words
        parts.append(translate("AnnotationPanel", "“%1”").replace("%1", " ".join(a.quote.exact.split())))
    if a.text.strip():
        parts.append(" ".join(a.text.split()))
    return " — ".join(parts)


def parse_time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def date_text(value: str, *, compact: bool = False) -> str:
    """A record's timestamp in the user's locale (short; ``compact``: the time when it is today, else
    the date), or as stored when it cannot be read."""
    when = parse_time(value)
    if when is None:
        return value
    moment = QDateTime.fromMSecsSinceEpoch(int(when.timestamp() * 1000)).toLocalTime()
    locale = QLocale()
    if not compact:
        return locale.toString(moment, QLocale.FormatType.ShortFormat)
    if moment.date() == QDateTime.currentDateTime().date():
        return locale.toString(moment.time(), QLocale.FormatType.ShortFormat)
    return locale.toString(moment.date(), QLocale.FormatType.ShortFormat)
