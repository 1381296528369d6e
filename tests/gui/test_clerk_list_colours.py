"""The clerk's inbox on a dark palette: a refused entry's red (and a warned entry's amber) reads on the
list's base colour (WCAG contrast ratio at least 4.5); on a light palette it stays the usual red. The list
shows about four entries at least, on alternating row colours. The clerk's lists (the inbox, the uploads,
the agenda editor's non-public mark) follow a change of the application's palette at run time (entries
written on light, then dark switched on) and a palette of the view's own: each entry reads on the list's
base and alternate base, is still red or amber, and is painted in that colour. Grabs to PNG
(GREMALDA_TEST_SHOTS). Run under `.ci/with-keyring`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem, QWidget

from gremalda.paths import data_paths
from gremalda.ui.clerk.agenda_model import ID_ROLE, AgendaEditorTree, AgendaModel
from gremalda.ui.clerk.inbox import Inbox
from gremalda.ui.clerk.list_style import READABLE, REFUSED, TONE_ROLE, WARNED, contrast
from gremalda.ui.clerk.reads import DeskItem, MeetingDesk
from gremalda.ui.clerk.runner import ClerkRunner
from gremalda.ui.clerk.uploads import Request, UploadQueue
from tests.gui.conftest import PALETTES, named_palette

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


# --- following the palette: a change at run time, a view's palette of its own ------------------------------
# Entries are written on a light application palette, then the palette is switched to dark (as a desktop's
# dark mode does while the window is open): each red or amber entry reads on its list's base (and alternate
# base, the lists alternate their rows) and is painted in that colour. The lists keep the tone, not a colour.

WAIT = 300_000  # ms: a guard against hangs, never reached when things work


def switch(qapp: QApplication, name: str) -> None:
    qapp.setPalette(named_palette(name))
    qapp.sendPostedEvents()  # the change reaches the widgets as posted events


def shows(image: QImage, colour: QColor) -> int:
    """How many pixels of ``image`` are painted in ``colour`` (the cores of the text's strokes)."""
    want = colour.rgb() & 0xFFFFFF
    return sum(
        1 for y in range(image.height()) for x in range(image.width()) if image.pixel(x, y) & 0xFFFFFF == want
    )


def is_red(colour: QColor) -> bool:
    return colour.red() > colour.green() and colour.red() > colour.blue()


def is_amber(colour: QColor) -> bool:
    return colour.red() > colour.green() > colour.blue()


def check_reads(colour: QColor, palette_: QPalette, name: str) -> None:
    """Readable on the base and the alternate base (the lists alternate their rows)."""
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase):
        behind = palette_.color(role)
        assert contrast(colour, behind) >= READABLE, (name, colour.name(), behind.name())


def save(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / f"{name}.png"))


def shown(qtbot: Any, widget: QWidget) -> None:
    with qtbot.waitExposed(widget, timeout=WAIT):
        widget.show()


def test_inbox_entries_written_on_light_follow_a_switch_to_dark(
    qtbot: Any, qapp: QApplication, app_palette: None, inbox: Inbox, tmp_path: Path
) -> None:
    switch(qapp, "light")
    shown(qtbot, inbox)
    stuck = tmp_path / "Niederschrift.pdf"
    inbox._add(stuck)
    inbox.checked(stuck, "2 pages", None, [])
    item = inbox.item(stuck)
    assert item is not None
    inbox._mark(item, "stuck", "%1 — attached, but not moved: %2", "no room", ["no room"])  # amber too
    refused, warned = entries(inbox, tmp_path)
    assert refused == QColor(REFUSED) and warned == QColor(WARNED)  # the usual red and amber on light
    save(inbox, "inbox-light")

    switch(qapp, "dark")
    assert inbox.list.palette().color(QPalette.ColorRole.Base) == QColor(PALETTES["dark"][0])
    assert contrast(QColor(REFUSED), QColor(PALETTES["dark"][0])) < READABLE  # the light one's would not
    image = inbox.list.viewport().grab().toImage()
    save(inbox, "inbox-light-then-dark")
    tones = {"Antrag.pdf": is_red, "Anlage.pdf": is_amber, "Niederschrift.pdf": is_amber}
    for name, tone in tones.items():
        entry = inbox.item(tmp_path / name)
        assert entry is not None
        colour = entry.foreground().color()
        check_reads(colour, inbox.list.palette(), name)
        assert tone(colour), (name, colour.name())
        assert shows(image, colour), (name, colour.name())  # painted in it, not in the light one's
    assert not shows(image, QColor(REFUSED)) and not shows(image, QColor(WARNED))

    switch(qapp, "light")  # and back
    refused, warned = entries_now(inbox, tmp_path)
    assert refused == QColor(REFUSED) and warned == QColor(WARNED)


def entries_now(inbox: Inbox, tmp_path: Path) -> tuple[QColor, QColor]:
    found = inbox.item(tmp_path / "Antrag.pdf"), inbox.item(tmp_path / "Anlage.pdf")
    assert found[0] is not None and found[1] is not None
    return found[0].foreground().color(), found[1].foreground().color()


def test_an_entry_no_longer_refused_loses_its_red(inbox: Inbox, tmp_path: Path) -> None:
    path = tmp_path / "Antrag.pdf"
    inbox._add(path)
    inbox.checked(path, "", "The PDF is damaged: no page can be read.", [])
    inbox._rewriting(path)  # written again: what was said no longer holds
    item = inbox.item(path)
    assert item is not None and item.data(TONE_ROLE) is None
    assert item.data(Qt.ItemDataRole.ForegroundRole) is None  # the list's own text colour


def test_the_inbox_follows_a_palette_of_the_lists_own(
    qtbot: Any, qapp: QApplication, app_palette: None, inbox: Inbox, tmp_path: Path
) -> None:
    switch(qapp, "light")
    shown(qtbot, inbox)
    entries(inbox, tmp_path)
    inbox.list.setPalette(named_palette("dark"))  # the list's own, not the application's
    refused, warned = entries_now(inbox, tmp_path)
    check_reads(refused, named_palette("dark"), "refused")
    check_reads(warned, named_palette("dark"), "warned")
    assert is_red(refused) and is_amber(warned)
    assert shows(inbox.list.viewport().grab().toImage(), refused)


@pytest.fixture
def uploads(qtbot: Any, tmp_path: Path) -> Iterator[UploadQueue]:
    """The uploads list on a data folder no one signed in to (a refused file never reaches the server)."""
    runner = ClerkRunner(data_paths(tmp_path / "clerk"))
    queue = UploadQueue(runner)
    qtbot.addWidget(queue)
    queue.resize(520, 200)
    yield queue
    queue.close_checker()
    runner.close()


def test_a_refused_upload_written_on_light_follows_a_switch_to_dark(
    qtbot: Any, qapp: QApplication, app_palette: None, uploads: UploadQueue, tmp_path: Path
) -> None:
    switch(qapp, "light")
    shown(qtbot, uploads)
    path = tmp_path / "Kein PDF.pdf"
    path.write_bytes(b"this is not a PDF\n" * 20)
    with qtbot.waitSignal(uploads.refused, timeout=WAIT):
        uploads.add(Request(path, "agenda_item", "i1"))
    row = uploads.list.item(0)
    assert "refused" in row.text()
    assert row.foreground().color() == QColor(REFUSED)
    save(uploads, "uploads-light")
    switch(qapp, "dark")
    colour = row.foreground().color()
    check_reads(colour, uploads.list.palette(), "upload")
    assert is_red(colour)
    assert shows(uploads.list.viewport().grab().toImage(), colour)
    save(uploads, "uploads-light-then-dark")


def desk() -> MeetingDesk:
    items = (
        DeskItem("i1", "1", "Bebauungsplan Nr. 12 „Am Mühlbach“", True, (), ()),
        DeskItem("i2", "2", "Grundstücksangelegenheiten", False, (), ()),
    )
    return MeetingDesk("m1", "Bauausschuss", "scheduled", None, None, "", None, None, None, items, (), 9, 7)


def nonpublic_colour(tree: AgendaEditorTree) -> QColor:
    """The colour the tree's delegate gives the non-public item's text, as when it paints it."""
    model = tree.model()
    index = next(
        model.index(row, 0) for row in range(model.rowCount()) if model.index(row, 0).data(ID_ROLE) == "i2"
    )
    assert index.data(TONE_ROLE) == "refused"
    assert index.data(Qt.ItemDataRole.ForegroundRole) is None  # no fixed colour in the model
    option = QStyleOptionViewItem()
    option.initFrom(tree)
    tree.itemDelegate().initStyleOption(option, index)  # type: ignore[attr-defined]
    return option.palette.color(QPalette.ColorRole.Text)


def test_the_agenda_editors_nonpublic_item_follows_a_switch_to_dark(
    qtbot: Any, qapp: QApplication, app_palette: None
) -> None:
    switch(qapp, "light")
    model = AgendaModel()
    tree = AgendaEditorTree()
    qtbot.addWidget(tree)
    tree.setModel(model)
    tree.resize(420, 160)
    model.show(desk())
    shown(qtbot, tree)
    assert nonpublic_colour(tree) == QColor(REFUSED)
    save(tree, "agenda-editor-light")
    switch(qapp, "dark")
    colour = nonpublic_colour(tree)
    check_reads(colour, tree.palette(), "non-public")
    assert is_red(colour)
    assert shows(tree.viewport().grab().toImage(), colour)  # painted in it (bold strokes reach it)
    save(tree, "agenda-editor-light-then-dark")
    tree.setPalette(named_palette("light"))  # a palette of the view's own
    assert nonpublic_colour(tree) == QColor(REFUSED)
