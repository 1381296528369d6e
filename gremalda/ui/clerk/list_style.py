"""How the clerk's lists look: warning and refusal colours taken from the palette (from
:mod:`gremalda.ui.palette_colours`: readable on the list's base colour, WCAG 4.5:1), and a list's least
height.

An entry in red or amber keeps its *tone* ("refused", "warned") in :data:`TONE_ROLE`, not a colour: the
colour is worked out when the entry is painted, from the palette of the view that shows it, so it follows a
change of palette at run time (a dark mode switched on while the window is open) and a view's palette of its
own. A list widget's entries are :class:`ToneItem` (their foreground is that colour, read from their list's
palette); a tree over a model takes :func:`tone_option` in its delegate's ``initStyleOption``."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyleOptionViewItem

from gremalda.ui.palette_colours import (  # re-exported: the clerk's modules import them here
    READABLE,
    REFUSED,
    WARNED,
    contrast,
    luminance,
    readable,
    refused_colour,
    warned_colour,
)

__all__ = [
    "READABLE",
    "REFUSED",
    "TONE_ROLE",
    "WARNED",
    "ToneItem",
    "contrast",
    "list_height",
    "luminance",
    "readable",
    "refused_colour",
    "tone_colour",
    "tone_option",
    "warned_colour",
]

TONE_ROLE = Qt.ItemDataRole.UserRole + 40  # "refused" | "warned" | None (the palette's text colour)
_TONES = {"refused": REFUSED, "warned": WARNED}


def tone_colour(tone: str, palette: QPalette, alternate: bool = False) -> QColor:
    """The red ("refused") or amber ("warned") readable on the palette's base, and on its alternate base
    too when ``alternate`` (a list with alternating row colours)."""
    base = palette.color(QPalette.ColorRole.Base)
    colour = readable(QColor(_TONES[tone]), base)
    if alternate:
        other = palette.color(QPalette.ColorRole.AlternateBase)
        if contrast(colour, other) < READABLE:
            both = readable(colour, other)  # pushed a little further the same way (the two are alike)
            if min(contrast(both, base), contrast(both, other)) > min(
                contrast(colour, base), contrast(colour, other)
            ):
                colour = both
    return colour


class ToneItem(QListWidgetItem):
    """A list widget's entry whose text is in the red or amber of its tone (``set_tone``), readable on its
    list's palette as it is whenever the entry is painted or asked for its foreground."""

    def set_tone(self, tone: str | None) -> None:
        self.setData(TONE_ROLE, tone if tone in _TONES else None)

    def tone(self) -> str | None:
        tone = super().data(TONE_ROLE)
        return str(tone) if tone in _TONES else None

    def data(self, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            tone = self.tone()
            if tone is not None:
                view = self.listWidget()
                palette = view.palette() if view is not None else QGuiApplication.palette()
                return QBrush(tone_colour(tone, palette, view is not None and view.alternatingRowColors()))
        return super().data(role)


def tone_option(option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
    """For a delegate's ``initStyleOption``: the entry's text in the red or amber of its tone, readable on the
    base of the palette the view paints it with (the alternate base on an alternate row)."""
    tone = index.data(TONE_ROLE)
    if tone in _TONES:
        alternate = bool(option.features & QStyleOptionViewItem.ViewItemFeature.Alternate)
        option.palette.setColor(QPalette.ColorRole.Text, tone_colour(str(tone), option.palette, alternate))


def list_height(widget: QListWidget, lines: int) -> int:
    """The height that shows ``lines`` lines of the list's text, one-line entries' margins and its frame."""
    line = widget.fontMetrics().lineSpacing()
    return lines * line + lines * max(widget.spacing(), 2) + 2 * widget.frameWidth()
