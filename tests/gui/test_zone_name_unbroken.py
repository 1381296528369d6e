"""A council's zone named beside a time ("… 23:59 (Europe/Berlin)") stays on one line in a wrapping
label: the delivery dialog's heading broke it as "(Europe/" and "Berlin)". The text's lines are laid out
by Qt's own line breaking (QTextLayout, as a word-wrapping QLabel does) at every width."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtGui import QFont, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel

from gremalda.ui.formatting import WORD_JOINER, council_time

BERLIN = ZoneInfo("Europe/Berlin")
DEADLINE = datetime(2027, 3, 28, 21, 59, tzinfo=UTC)


def _lines(text: str, width: int, font: QFont) -> list[str]:
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = []
    while (line := layout.createLine()).isValid():
        line.setLineWidth(width)
        lines.append(text[line.textStart() : line.textStart() + line.textLength()])
    layout.endLayout()
    return lines


def _breaks_in_zone(text: str, font: QFont) -> list[int]:
    """The widths at which a line ends inside the zone's name."""
    return [
        width
        for width in range(20, 500)
        if any(line.rstrip().endswith(("/", "/" + WORD_JOINER)) for line in _lines(text, width, font))
    ]


def test_the_zone_name_is_not_broken_across_lines(qtbot: Any) -> None:
    font = QLabel().font()
    heading = "Sitzung — Ladungsfrist: {}.".format
    plain = heading(council_time(DEADLINE, BERLIN, named=True, machine=UTC))
    assert "(Europe/Berlin)" in plain  # named: this machine's clock (UTC here) differs
    assert _breaks_in_zone(plain, font)  # Qt would break it after the "/"

    unbroken = heading(council_time(DEADLINE, BERLIN, named=True, machine=UTC, unbroken=True))
    assert unbroken.replace(WORD_JOINER, "") == plain  # the same words, the joiner is invisible
    assert not _breaks_in_zone(unbroken, font)
