"""Warning and refusal colours taken from the palette: the usual red or amber when it reads well on the
colour behind the text, else one lightened (dark palettes) or darkened until its contrast with that colour
reaches the WCAG level for text, 4.5:1. ``ProblemLabel`` is a label in that red (or amber) that follows a
change of palette at run time (a dark mode switched on while the window is open)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QLabel, QWidget

REFUSED, WARNED = "#b3261e", "#8a5300"  # red and amber on light palettes
READABLE = 4.5  # WCAG 2 contrast ratio for normal text

BASE, WINDOW = QPalette.ColorRole.Base, QPalette.ColorRole.Window  # behind a list's text, a label's


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
    """``colour``, mixed towards white (dark base) or black (light base) just enough to read on ``base``
    (white or black itself at worst, which always reads: the switch-over lies where both reach 4.5:1)."""
    if contrast(colour, base) >= READABLE:
        return colour
    towards = QColor("#ffffff") if luminance(base) < 0.18 else QColor("#000000")
    mixed = colour
    for step in range(1, 11):
        t = step / 10
        mixed = QColor(  # whole 8-bit channels: the colour checked is the one a style sheet or screen shows
            round(colour.red() + (towards.red() - colour.red()) * t),
            round(colour.green() + (towards.green() - colour.green()) * t),
            round(colour.blue() + (towards.blue() - colour.blue()) * t),
        )
        if contrast(mixed, base) >= READABLE:
            break
    return mixed


def refused_colour(palette: QPalette | None = None, behind: QPalette.ColorRole = BASE) -> QColor:
    """The red of a refusal or an error, readable on the palette's ``behind`` colour (a list's base by
    default; a label's is the window colour)."""
    return readable(QColor(REFUSED), (palette or QGuiApplication.palette()).color(behind))


def warned_colour(palette: QPalette | None = None, behind: QPalette.ColorRole = BASE) -> QColor:
    """The amber of a warning, readable on the palette's ``behind`` colour."""
    return readable(QColor(WARNED), (palette or QGuiApplication.palette()).color(behind))


class ProblemLabel(QLabel):
    """A label whose text is in the red of an error (or, ``warning``, the amber of a warning), readable on
    the window colour behind it, again after every change of palette."""

    def __init__(self, parent: QWidget | None = None, *, warning: bool = False) -> None:
        super().__init__(parent)
        self._tone = warned_colour if warning else refused_colour
        self._follow()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._follow()

    def text_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.WindowText)

    def _follow(self) -> None:
        palette = self.palette()
        colour = self._tone(palette, WINDOW)
        if palette.color(QPalette.ColorRole.WindowText) != colour:  # setting it sends another PaletteChange
            for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
                palette.setColor(group, QPalette.ColorRole.WindowText, colour)
            self.setPalette(palette)
