"""The member's window at a normal screen size (1280×800, German): the agenda's titles are shown whole
(wrapped, not cut to a word per line), every annotation tool is on the bar (none behind its overflow
button), and F6 reaches the panels on screen. A real server on loopback, a real replica; the document
views are the real ones where the tool bar is looked at. Run under `.ci/with-keyring`."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QIcon
from PySide6.QtWidgets import QApplication, QStyle, QToolButton, QWidget

from gremalda.paths import DataPaths
from gremalda.ui.agenda_view import KIND_ROLE
from gremalda.ui.main_window import MainWindow
from gremalda.ui.preferences import Preferences
from sync.server.db import write_session
from sync.server.models import AgendaItem, Consultation, Document, Paper
from tests.gui.conftest import FakeDocumentView, GuiWorld, rich_pdf

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine
SIZE = (1280, 800)
LONG_ITEMS = (  # as long as the demo council's
    ("3", "Genehmigung der Niederschrift der letzten Sitzung"),
    ("5", "Förderung von Stadtteilkultur – Zuwendungen 2027"),
    ("6", "Eröffnung der Sitzung und Feststellung der Beschlussfähigkeit"),
)


@pytest.fixture(scope="module")
def long_replica(gui_world: GuiWorld, tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    """The member's replica, the next meeting with items of long titles, each with a paper of two files."""
    world = gui_world.world
    for order, (number, name) in enumerate(LONG_ITEMS, start=10):
        with write_session(gui_world.server.ctx.sessions) as s:
            item = AgendaItem(
                meeting_id=world.ids["published_meeting"], number=number, order=order, name=name
            )
            paper = Paper(body_id=world.ids["body"], reference=f"22-05{order}", name=name)
            s.add_all([item, paper])
            s.flush()
            s.add(Consultation(paper_id=paper.id, agenda_item_id=item.id))
            paper_id = int(paper.id)
        gui_world.add_file(rich_pdf("Antrag"), f"Antrag 22-05{order}", paper_id=paper_id)
        gui_world.add_file(rich_pdf("Anlage"), f"Anlage 1 zu 22-05{order}", paper_id=paper_id)
    with write_session(gui_world.server.ctx.sessions) as s:  # an e-file document without a file
        s.add(Document(process_id=world.ids["shared_process"], title="Vermerk ohne Datei"))
    return gui_world.replica(tmp_path_factory.mktemp("layout-client"))


@pytest.fixture
def open_window(qtbot: Any, preferences: Preferences, german: None) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(paths: DataPaths, view_factory: Callable[[QWidget], Any] | None = None) -> MainWindow:
        window = MainWindow(paths, preferences=preferences, view_factory=view_factory, sync=False)
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        windows.append(window)
        window.resize(*SIZE)
        with qtbot.waitExposed(window, timeout=WAIT):
            window.show()
        with qtbot.waitSignal(window.folderShown, timeout=WAIT):
            window.start()
        qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
        return window

    yield make
    for window in windows:
        window.shutdown()


def _rows(window: MainWindow, parent: QModelIndex | None = None) -> Iterator[QModelIndex]:
    model = window.agenda.model_
    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        yield index
        yield from _rows(window, index)


def test_the_agenda_shows_whole_titles_at_1280_by_800(
    open_window: Callable[..., MainWindow],
    long_replica: DataPaths,
    fake_views: Callable[[QWidget], FakeDocumentView],
    qtbot: Any,
) -> None:
    window = open_window(long_replica, fake_views)
    assert window.size().width() == SIZE[0]
    tree = window.agenda.tree
    checked = 0
    for index in _rows(window):
        if index.data(KIND_ROLE) not in ("item", "file"):
            continue
        tree.scrollTo(index)
        qtbot.waitUntil(
            lambda index=index: tree.viewport().rect().contains(tree.visualRect(index)), timeout=WAIT
        )
        rect: QRect = tree.visualRect(index)
        font = index.data(Qt.ItemDataRole.FontRole)
        metrics = QFontMetrics(font if isinstance(font, QFont) else tree.font())
        text = str(index.data())
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        small = QApplication.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        room = rect.width() - 8 - (small + 6 if isinstance(icon, QIcon) and not icon.isNull() else 0)
        # every word fits the title column's width (a word wider than it would be cut short) ...
        widest = max(text.split(), key=metrics.horizontalAdvance)
        assert metrics.horizontalAdvance(widest) <= room, (text, widest, room)
        # ... and the wrapped title fits the row's height, in at most three lines for an item
        needed = metrics.boundingRect(QRect(0, 0, room, 100_000), int(Qt.TextFlag.TextWordWrap), text)
        assert needed.height() <= rect.height(), (text, needed, rect)
        if index.data(KIND_ROLE) == "item" and any(name in text for _, name in LONG_ITEMS):
            assert needed.height() <= 3 * metrics.lineSpacing() + 2, (text, needed.height(), room)
        checked += 1
    assert checked >= 3 * len(LONG_ITEMS)  # the long items and their documents at least


def test_every_annotation_tool_is_on_the_bar_at_1280(
    open_window: Callable[..., MainWindow], long_replica: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    window = open_window(long_replica)  # the real document views
    entry = next(e for e in window.agenda.files() if e.id == str(gui_world.ids["rich_file"]))
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT) as blocker:
        window.open_file(entry)
    view = blocker.args[0].view
    qtbot.waitUntil(lambda: view.annotation_toolbar() is not None, timeout=WAIT)
    bar = view.annotation_toolbar()

    def all_on_the_bar() -> None:
        assert bar.isVisible() and bar.width() > 0
        hidden = []
        for action in bar.actions():
            if action.isSeparator():
                continue
            widget = bar.widgetForAction(action)
            if widget is None or not widget.isVisible():
                hidden.append(action.text() or (widget.accessibleName() if widget is not None else "?"))
        assert not hidden, f"behind the overflow button at {bar.width()} px: {hidden}"
        overflow = bar.findChild(QToolButton, "qt_toolbar_ext_button")
        assert overflow is None or not overflow.isVisible()

    # the bar is laid out in a few steps after it shows (each one an event): wait for the outcome itself
    qtbot.waitUntil(all_on_the_bar, timeout=WAIT)
    # icons; the German name and the shortcut in the tooltip, the name as the accessible name, the
    # shortcut in the accessible description
    for action in bar.tool_actions.values():
        assert not action.icon().isNull()
        button = bar.widgetForAction(action)
        key = action.shortcut().toString()
        assert action.text() in action.toolTip() and f"({key})" in action.toolTip()
        assert button is not None and button.accessibleName() == action.text()
        assert f"({key})" in button.accessibleDescription()
    assert bar.tool_actions and "Hervorheben" in [a.text() for a in bar.tool_actions.values()]


def test_f6_reaches_the_panels_on_screen(
    open_window: Callable[..., MainWindow],
    long_replica: DataPaths,
    gui_world: GuiWorld,
    fake_views: Callable[[QWidget], FakeDocumentView],
    qtbot: Any,
) -> None:
    window = open_window(long_replica, fake_views)
    entry = next(e for e in window.agenda.files() if e.id == str(gui_world.ids["rich_file"]))
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT):
        window.open_file(entry)
    window.annotation_dock.show()
    window.annotation_dock.raise_()
    qtbot.waitUntil(lambda: window.annotations.panel.isVisible(), timeout=WAIT)
    with qtbot.waitActive(window, timeout=WAIT):
        window.activateWindow()
    window.agenda.tree.setFocus()
    qtbot.waitUntil(window.agenda.tree.hasFocus, timeout=WAIT)

    def focus_in(widget: QWidget) -> bool:
        focus = QApplication.focusWidget()
        return focus is not None and (focus is widget or widget.isAncestorOf(focus))

    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert focus_in(window.documents.left)
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert focus_in(window.annotation_dock), QApplication.focusWidget()
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert focus_in(window.navigation)
    qtbot.keyClick(window, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert focus_in(window.annotation_dock)
    # the search panel in front instead: F6 goes to its query
    window.search_dock.raise_()
    qtbot.waitUntil(lambda: window.search_dock.widget().isVisible(), timeout=WAIT)
    window.documents.focus_current()
    qtbot.waitUntil(lambda: focus_in(window.documents.left), timeout=WAIT)
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert focus_in(window.search_dock)
    assert not focus_in(window.annotation_dock)


def test_the_docks_start_narrow_and_keep_the_widths_the_user_set(
    open_window: Callable[..., MainWindow],
    long_replica: DataPaths,
    fake_views: Callable[[QWidget], FakeDocumentView],
    qtbot: Any,
) -> None:
    first = open_window(long_replica, fake_views)
    side = round(SIZE[0] * 0.16)  # the first start: a sixth of the window, not the panels' wish
    assert abs(first.navigation_dock.width() - side) <= 8
    first.resizeDocks([first.navigation_dock], [330], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: abs(first.navigation_dock.width() - 330) <= 8, timeout=WAIT)
    first.close()  # saves the window's layout in the preferences
    second = open_window(long_replica, fake_views)
    assert abs(second.navigation_dock.width() - 330) <= 8


def test_a_status_shown_as_text_fits_the_status_column(
    open_window: Callable[..., MainWindow],
    long_replica: DataPaths,
    gui_world: GuiWorld,
    fake_views: Callable[[QWidget], FakeDocumentView],
    qtbot: Any,
) -> None:
    window = open_window(long_replica, fake_views)
    with qtbot.waitSignal(window.folderShown, timeout=WAIT):
        assert window.navigation.select(("efile", str(gui_world.world.ids["shared_efile"])))
    tree = window.agenda.tree
    statuses = [i.siblingAtColumn(1) for i in _rows(window) if i.data() == "Vermerk ohne Datei"]
    assert [s.data() for s in statuses] == ["keine Datei"]
    needed = tree.fontMetrics().horizontalAdvance("keine Datei")
    assert tree.columnWidth(1) >= needed + 8
