"""The clerk's inbox on a dark palette: a refused entry's red (and a warned entry's amber) reads on the
list's base colour (WCAG contrast ratio at least 4.5); on a light palette it stays the usual red. The list
shows about four entries at least, on alternating row colours."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QColor, QPalette

from gremalda.ui.clerk.inbox import Inbox
from gremalda.ui.clerk.list_style import REFUSED, contrast

SHOTS = Path(os.environ.get("GREMALDA_TEST_SHOTS", "/tmp/s5b-inbox-shots"))


def palette(base: str, text: str) -> QPalette:
    made = QPalette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        made.setColor(group, QPalette.ColorRole.Base, QColor(base))
        made.setColor(group, QPalette.ColorRole.AlternateBase, QColor(base).lighter(115))
        made.setColor(group, QPalette.ColorRole.Window, QColor(base))
        made.setColor(group, QPalette.ColorRole.Text, QColor(text))
        made.setColor(group, QPalette.ColorRole.WindowText, QColor(text))
    return made


def entries(inbox: Inbox, tmp_path: Path) -> tuple[QColor, QColor]:
    refused, warned = tmp_path / "Antrag.pdf", tmp_path / "Anlage.pdf"
    for path in (refused, warned):
        inbox._add(path)
    inbox.checked(refused, "", "The PDF is damaged: no page can be read.", [])
    inbox.checked(warned, "3 pages", None, ["Scan without text on 3 pages"])
    found = inbox.item(refused), inbox.item(warned)
    assert found[0] is not None and found[1] is not None
    return found[0].foreground().color(), found[1].foreground().color()


def test_on_a_dark_palette_the_refused_entry_reads_on_the_base(inbox: Inbox, tmp_path: Path) -> None:
    inbox.setPalette(palette("#1e1e1e", "#e6e6e6"))
    base = inbox.list.palette().color(QPalette.ColorRole.Base)
    assert contrast(QColor(REFUSED), base) < 4.5  # the light palette's red would not
    refused, warned = entries(inbox, tmp_path)
    assert contrast(refused, base) >= 4.5
    assert contrast(warned, base) >= 4.5
    assert refused.red() > refused.green() and refused.red() > refused.blue()  # still a red
    SHOTS.mkdir(parents=True, exist_ok=True)
    inbox.grab().save(str(SHOTS / "dark_refused.png"))


def test_on_a_light_palette_it_stays_the_usual_red(inbox: Inbox, tmp_path: Path) -> None:
    inbox.setPalette(palette("#ffffff", "#1a1a1a"))
    refused, _warned = entries(inbox, tmp_path)
    assert refused == QColor(REFUSED)


def test_the_list_shows_about_four_entries_on_alternating_rows(inbox: Inbox) -> None:
    rows = inbox.list.fontMetrics().lineSpacing() * 4
    assert inbox.list.minimumHeight() >= rows
    assert inbox.list.alternatingRowColors()
