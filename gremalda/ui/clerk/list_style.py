"""How the clerk's lists look: warning and refusal colours taken from the palette (the usual red or amber
when it reads well on the list's base colour, else one lightened on dark palettes, or darkened, until its
contrast with the base reaches the WCAG level for text, 4.5:1), and a list's least height."""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QListWidget

REFUSED, WARNED = "#b3261e", "#8a5300"  # red and amber on light palettes
READABLE = 4.5  # WCAG 2 contrast ratio for normal text


def luminance(colour: QColor) -> float:
    """The relative luminance (WCAG 2) of a colour."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """The contrast ratio (1 to 21) of two colours."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(colour: QColor, base: QColor) -> QColor:
    """``colour``, mixed towards white (dark base) or black (light base) just enough to read on ``base``."""
    if contrast(colour, base) >= READABLE:
        return colour
    towards = QColor("#ffffff") if luminance(base) < 0.18 else QColor("#000000")
    mixed = colour
    for step in range(1, 11):
        t = step / 10
        mixed = QColor.fromRgbF(
            colour.redF() + (towards.redF() - colour.redF()) * t,
            colour.greenF() + (towards.greenF() - colour.greenF()) * t,
            colour.blueF() + (towards.blueF() - colour.blueF()) * t,
        )
        if contrast(mixed, base) >= READABLE:
            break
    return mixed


def refused_colour(palette: QPalette | None = None) -> QColor:
    """The red of a refused or failed entry, readable on the palette's base colour."""
    return readable(QColor(REFUSED), (palette or QGuiApplication.palette()).color(QPalette.ColorRole.Base))


def warned_colour(palette: QPalette | None = None) -> QColor:
    """The amber of an entry with a warning, readable on the palette's base colour."""
    return readable(QColor(WARNED), (palette or QGuiApplication.palette()).color(QPalette.ColorRole.Base))


def list_height(widget: QListWidget, lines: int) -> int:
    """The height that shows ``lines`` lines of the list's text, one-line entries' margins and its frame."""
    line = widget.fontMetrics().lineSpacing()
    return lines * line + lines * max(widget.spacing(), 2) + 2 * widget.frameWidth()
