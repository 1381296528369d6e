"""Error and warning colours follow the palette: on a dark palette (#1e1e1e base, #e6e6e6 text), a light one
and a high-contrast one, the sign-in and OParl dialogs' error labels, the agenda's cancelled/draft note,
its non-public mark and its badges, a search hit's non-public mark and the version bar's cross all reach
the WCAG contrast ratio for text (4.5:1) on what is behind them, and the labels follow a change of the
application's palette at run time (the desktop switched to dark mode while the window is open). Each
widget is grabbed to PNG (GREMALDA_TEST_SHOTS) to be looked at. Run under `.ci/with-keyring`."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QStyleOptionViewItem, QWidget

from gremalda.core.readstate import Badge
from gremalda.core.records import AgendaEntry, FileEntry, MeetingFolder, MeetingSummary
from gremalda.core.search import SearchHit
from gremalda.paths import DataPaths, data_paths
from gremalda.store.replica import open_store
from gremalda.ui import version_bar
from gremalda.ui.agenda_view import _BADGE_COLOURS, NONPUBLIC_ROLE, AgendaView, BadgeDelegate
from gremalda.ui.clerk.delivery_dialog import HIGHLIGHT
from gremalda.ui.login_dialog import LoginDialog
from gremalda.ui.oparl_dialog import OParlDialog
from gremalda.ui.palette_colours import REFUSED, WARNED, ProblemLabel, contrast, readable, refused_colour
from gremalda.ui.search_panel import hit_html
from gremalda.ui.status_bar import StatusBar
from tests.gui.conftest import PALETTES, named_palette

SHOTS = Path(os.environ.get("GREMALDA_TEST_SHOTS", "/tmp/s6-palette-shots"))
WAIT = 300_000  # ms: generous for a loaded CI machine; waits return as soon as the condition holds
READABLE = 4.5


def shows(image: QImage, colour: QColor) -> bool:
    """Whether ``colour`` is painted somewhere in ``image`` (the strokes of bold text reach it fully)."""
    want = colour.rgb() & 0xFFFFFF
    for y in range(image.height()):
        for x in range(image.width()):
            if image.pixel(x, y) & 0xFFFFFF == want:
                return True
    return False


def check_label(label: QLabel, name: str) -> None:
    """The label's text colour reads on the window colour behind it, and is what is painted."""
    behind = label.palette().color(QPalette.ColorRole.Window)
    colour = label.palette().color(QPalette.ColorRole.WindowText)
    assert colour == readable(QColor(REFUSED), behind)
    assert contrast(colour, behind) >= READABLE, (name, colour.name(), behind.name())
    assert colour.red() > colour.green() and colour.red() > colour.blue()  # still a red
    assert shows(label.grab().toImage(), colour)


def save(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(SHOTS / f"{name}.png"))


# --- the shared colours ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PALETTES))
def test_the_red_reads_on_each_palettes_base_and_window(name: str) -> None:
    made = named_palette(name)
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Window):
        assert contrast(refused_colour(made, role), made.color(role)) >= READABLE


def test_the_red_and_amber_read_on_any_grey_or_tinted_background() -> None:
    greys = [QColor(v, v, v) for v in range(0, 256, 3)]
    tints = [QColor.fromHsv(hue, 90, value) for hue in range(0, 360, 30) for value in (40, 110, 180, 250)]
    for behind in greys + tints:
        for colour in (REFUSED, WARNED):
            assert contrast(readable(QColor(colour), behind), behind) >= READABLE, (colour, behind.name())


def test_on_a_light_palette_the_red_is_the_usual_one() -> None:
    assert refused_colour(named_palette("light")) == QColor(REFUSED)
    assert contrast(QColor(REFUSED), named_palette("dark").color(QPalette.ColorRole.Base)) < READABLE  # why


def test_the_clerks_module_still_offers_the_colours() -> None:
    from gremalda.ui.clerk import list_style

    assert list_style.refused_colour is refused_colour and list_style.REFUSED == REFUSED


# --- the dialogs' error labels ---------------------------------------------------------------------------


@pytest.fixture
def client(tmp_path: Path) -> DataPaths:
    paths = data_paths(tmp_path / "client")
    open_store(paths, create=True).close()  # an empty replica, no account
    return paths


def failed_sign_in(qtbot: Any, paths: DataPaths) -> LoginDialog:
    """A sign-in dialog showing a real failure: nothing listens on the discard port."""
    dialog = LoginDialog(paths)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog, timeout=WAIT):
        dialog.show()
    dialog.server.setText("http://127.0.0.1:9")
    dialog.user.setText("member")
    dialog.password.setText("pw")
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible() and not dialog.signing_in, timeout=WAIT)
    return dialog


@pytest.mark.parametrize("name", list(PALETTES))
def test_the_sign_in_error_reads_on_each_palette(
    qtbot: Any, qapp: QApplication, app_palette: None, tmp_path: Path, name: str
) -> None:
    qapp.setPalette(named_palette(name))
    dialog = failed_sign_in(qtbot, data_paths(tmp_path / "new-client"))
    assert isinstance(dialog.error, ProblemLabel) and not dialog.error.styleSheet()
    check_label(dialog.error, name)
    save(dialog, f"login-{name}")


def test_the_sign_in_error_follows_a_palette_change(
    qtbot: Any, qapp: QApplication, app_palette: None, tmp_path: Path
) -> None:
    qapp.setPalette(named_palette("light"))
    dialog = failed_sign_in(qtbot, data_paths(tmp_path / "new-client"))
    assert dialog.error.text_colour() == QColor(REFUSED)
    qapp.setPalette(named_palette("dark"))  # the desktop switches to dark mode with the dialog open
    qapp.sendPostedEvents()  # the change reaches the widgets as posted events
    assert dialog.error.text_colour() != QColor(REFUSED)
    check_label(dialog.error, "dark")
    save(dialog, "login-light-then-dark")
    qapp.setPalette(named_palette("light"))  # ... and back
    qapp.sendPostedEvents()  # the change reaches the widgets as posted events
    assert dialog.error.text_colour() == QColor(REFUSED)
    check_label(dialog.error, "light")


def failed_oparl_add(qtbot: Any, paths: DataPaths, settings: QSettings) -> OParlDialog:
    dialog = OParlDialog(paths, settings)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog, timeout=WAIT):
        dialog.show()
    qtbot.waitUntil(lambda: dialog.tasks.running == 0, timeout=WAIT)  # the list read
    dialog.url.setText("not a url")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.error.isVisible(), timeout=WAIT)
    return dialog


@pytest.mark.parametrize("name", list(PALETTES))
def test_the_oparl_error_reads_on_each_palette(
    qtbot: Any, qapp: QApplication, app_palette: None, client: DataPaths, tmp_path: Path, name: str
) -> None:
    qapp.setPalette(named_palette(name))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    dialog = failed_oparl_add(qtbot, client, settings)
    assert isinstance(dialog.error, ProblemLabel) and not dialog.error.styleSheet()
    check_label(dialog.error, name)
    save(dialog, f"oparl-{name}")
    dialog.close()


def test_the_oparl_error_follows_a_palette_change(
    qtbot: Any, qapp: QApplication, app_palette: None, client: DataPaths, tmp_path: Path
) -> None:
    qapp.setPalette(named_palette("light"))
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    dialog = failed_oparl_add(qtbot, client, settings)
    qapp.setPalette(named_palette("high-contrast"))
    qapp.sendPostedEvents()  # the change reaches the widgets as posted events
    assert dialog.error.text_colour() != QColor(REFUSED)
    check_label(dialog.error, "high-contrast")
    save(dialog, "oparl-light-then-high-contrast")
    dialog.close()


# --- the agenda ------------------------------------------------------------------------------------------


def entry(file_id: str) -> FileEntry:
    return FileEntry(
        id=file_id,
        name=f"Vorlage {file_id}",
        file_name=f"{file_id}.pdf",
        mime_type="application/pdf",
        size=10,
        sha256="a" * 64,
        role="main",
        state="complete",
        stored=True,
        vault_version=1,
        pages_indexed=1,
        context="",
        superseded=False,
        supersedes_id=None,
        change_note="",
    )


def cancelled_meeting() -> MeetingFolder:
    meeting = MeetingSummary(
        "m1",
        "3. Sitzung Bauausschuss",
        datetime(2026, 12, 3, 17, tzinfo=UTC),
        None,
        "cancelled",
        "Rat",
        "",
        2,
        1,
    )
    items = (
        AgendaEntry("i1", "1", "Bebauungsplan Nord", True, "", (), (entry("f1"), entry("f2"), entry("f3"))),
        AgendaEntry("i2", "2", "Grundstücksangelegenheiten", False, "", (), ()),
    )
    return MeetingFolder(meeting, items, ())


@pytest.fixture
def agenda(qtbot: Any) -> AgendaView:
    view = AgendaView()
    qtbot.addWidget(view)
    view.resize(560, 320)
    view.show_meeting(cancelled_meeting(), {"f1": Badge.NEW, "f2": Badge.CHANGED, "f3": Badge.UNREAD})
    with qtbot.waitExposed(view, timeout=WAIT):
        view.show()
    return view


def check_agenda(view: AgendaView, name: str) -> None:
    assert view.state.isVisible() and view.state.text()
    check_label(view.state, name)
    nonpublic = next(
        view.model_.index(row, 1)
        for row in range(view.model_.rowCount())
        if view.model_.index(row, 1).data(NONPUBLIC_ROLE)
    )
    delegate = view.tree.itemDelegateForColumn(1)
    assert isinstance(delegate, BadgeDelegate)
    option = QStyleOptionViewItem()
    option.initFrom(view.tree.viewport())
    delegate.initStyleOption(option, nonpublic)
    base = view.tree.palette().color(QPalette.ColorRole.Base)
    mark = option.palette.color(QPalette.ColorRole.Text)
    assert mark == readable(QColor(REFUSED), base) and contrast(mark, base) >= READABLE
    assert nonpublic.data(Qt.ItemDataRole.ForegroundRole) is None  # no fixed colour left in the model
    for background, foreground in _BADGE_COLOURS.values():  # the pills carry their own background
        assert contrast(QColor(foreground), QColor(background)) >= READABLE


@pytest.mark.parametrize("name", list(PALETTES))
def test_the_agenda_marks_read_on_each_palette(
    qtbot: Any, qapp: QApplication, app_palette: None, name: str
) -> None:
    qapp.setPalette(named_palette(name))
    view = AgendaView()
    qtbot.addWidget(view)
    view.resize(560, 320)
    view.show_meeting(cancelled_meeting(), {"f1": Badge.NEW, "f2": Badge.CHANGED, "f3": Badge.UNREAD})
    with qtbot.waitExposed(view, timeout=WAIT):
        view.show()
    check_agenda(view, name)
    save(view, f"agenda-{name}")


def test_the_agenda_follows_a_palette_change(
    qtbot: Any, qapp: QApplication, app_palette: None, agenda: AgendaView
) -> None:
    qapp.setPalette(named_palette("light"))
    qapp.sendPostedEvents()  # the change reaches the widgets as posted events
    assert agenda.state.text_colour() == QColor(REFUSED)
    check_agenda(agenda, "light")
    qapp.setPalette(named_palette("dark"))
    qapp.sendPostedEvents()  # the change reaches the widgets as posted events
    assert agenda.state.text_colour() != QColor(REFUSED)
    check_agenda(agenda, "dark")
    save(agenda, "agenda-light-then-dark")


def test_a_widget_palette_of_its_own_is_followed_too(qtbot: Any) -> None:
    """A palette set on the parent (not the application's) reaches the label as a change of palette."""
    parent = QWidget()
    qtbot.addWidget(parent)
    label = ProblemLabel(parent)
    label.setText("<b>Nicht angemeldet</b>")
    parent.setPalette(named_palette("dark"))
    assert label.text_colour() == refused_colour(named_palette("dark"), QPalette.ColorRole.Window)
    assert contrast(label.text_colour(), named_palette("dark").color(QPalette.ColorRole.Window)) >= READABLE


# --- other marks -----------------------------------------------------------------------------------------


def nonpublic_hit() -> SearchHit:
    return SearchHit(
        file_id="f1",
        page=0,
        score=1.0,
        parts=(("Grundstück ", False), ("Kaufpreis", True)),
        name="Vorlage 2026/117",
        context="TOP 2 · 3. Sitzung Bauausschuss",
        committee="Bauausschuss",
        meeting_date=date(2026, 12, 3),
        public=False,
        role="main",
        paper_type=None,
        file_pages_matched=1,
    )


@pytest.mark.parametrize("name", list(PALETTES))
def test_a_search_hits_nonpublic_mark_reads_on_each_palette(name: str) -> None:
    made = named_palette(name)
    found = re.search(r'<span style="color:(#[0-9a-f]{6})"><b>', hit_html(nonpublic_hit(), made))
    assert found is not None
    mark, base = QColor(found.group(1)), made.color(QPalette.ColorRole.Base)
    assert mark == readable(QColor(REFUSED), base) and contrast(mark, base) >= READABLE


@pytest.mark.parametrize("name", list(PALETTES))
def test_the_version_bars_cross_reads_on_its_own_background(
    qtbot: Any, qapp: QApplication, app_palette: None, name: str
) -> None:
    """The bar keeps its light colours on every palette; its cross took a dark palette's light text."""
    qapp.setPalette(named_palette(name))
    bar = version_bar.VersionBar()
    qtbot.addWidget(bar)
    bar.show_replaced("Anlage 2 ergänzt")
    bar.resize(520, 44)
    with qtbot.waitExposed(bar, timeout=WAIT):
        bar.show()
    cross = bar.close_button.palette().color(QPalette.ColorRole.ButtonText)
    assert contrast(cross, QColor(version_bar.BACKGROUND)) >= READABLE
    assert contrast(QColor(version_bar.TEXT), QColor(version_bar.BACKGROUND)) >= READABLE
    assert shows(bar.close_button.grab().toImage(), cross)
    save(bar, f"version-bar-{name}")


def test_the_delivery_tables_highlights_carry_their_own_readable_text() -> None:
    for background in HIGHLIGHT.values():  # late, missing: the row's text is set dark with them
        assert contrast(QColor("#1f2933"), QColor(background)) >= READABLE


# --- the status bar's attention button -------------------------------------------------------------------


def test_the_attention_button_reads_on_each_palette_and_follows_a_change(
    qtbot: Any, qapp: QApplication, app_palette: None
) -> None:
    """The status bar's "⚠ n annotations need attention" in the amber of a warning, readable on the window
    colour of the palette it has, again after a change of palette (a dark mode switched on)."""
    bar = StatusBar()
    qtbot.addWidget(bar)
    bar.resize(900, 30)
    bar.set_orphans(2)
    with qtbot.waitExposed(bar, timeout=WAIT):
        bar.show()
    for name in ("light", "dark", "high-contrast"):
        qapp.setPalette(named_palette(name))
        qapp.sendPostedEvents()  # the change reaches the widgets as posted events
        found = re.search(r"color:\s*(#[0-9a-fA-F]{6})", bar.orphans.styleSheet())
        assert found is not None, bar.orphans.styleSheet()
        amber = QColor(found.group(1))
        window = named_palette(name).color(QPalette.ColorRole.Window)
        assert contrast(amber, window) >= READABLE, (name, amber.name())
        if name == "light":
            assert amber == QColor(WARNED)  # the usual amber where it reads
        image = bar.orphans.grab().toImage()
        assert shows(image, amber), name  # drawn in that colour
        save(bar, f"status-bar-attention-{name}")
