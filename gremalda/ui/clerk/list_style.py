"""How the clerk's lists look: warning and refusal colours taken from the palette (from
:mod:`gremalda.ui.palette_colours`: readable on the list's base colour, WCAG 4.5:1), and a list's least
height."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget

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
    "WARNED",
    "contrast",
    "list_height",
    "luminance",
    "readable",
    "refused_colour",
    "warned_colour",
]


def list_height(widget: QListWidget, lines: int) -> int:
    """The height that shows ``lines`` lines of the list's text, one-line entries' margins and its frame."""
    line = widget.fontMetrics().lineSpacing()
    return lines * line + lines * max(widget.spacing(), 2) + 2 * widget.frameWidth()
