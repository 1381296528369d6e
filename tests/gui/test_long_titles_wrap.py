"""Long titles in narrow trees wrap instead of being cut with "…": a single long German word breaks inside
the word when it alone does not fit (the row is as tall as the wrapped text, and the rest of the word is
painted on the next line), and the clerk's agenda editor wraps a long item title to further lines (a real
server on loopback, the clerk's real replica). Offscreen; PNGs of the trees are saved in the test's tmp."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTreeView, QWidget

from gremalda.paths import DataPaths
from gremalda.ui.clerk.agenda_model import KIND_ROLE
from gremalda.ui.main_window import MainWindow
from gremalda.ui.preferences import Preferences
from gremalda.ui.wrap_delegate import WrapDelegate
from sync.server.db import write_session
from sync.server.models import AgendaItem
from tests.gui.conftest import FakeDocumentView, GuiWorld, show_in_clerk_editor

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine
WORD = "Parkraumbewirtschaftungsgebührensatzung"
LONG_TITLE = (
    "Satzung zur Änderung der Haushaltssatzung und der Parkraumbewirtschaftung in der Innenstadt "
    "einschließlich der Gebührenordnung für Anwohnerparkausweise"
)


def _ink_rows(image: QImage, left: int, right: int, top: int, bottom: int) -> list[int]:
    """The pixel rows between ``top`` and ``bottom`` with dark (text) pixels."""
    rows = []
    for y in range(max(top, 0), min(bottom, image.height())):
        if any(
            QColor(image.pixel(x, y)).lightness() < 128
            for x in range(max(left, 0), min(right, image.width()))
        ):
            rows.append(y)
    return rows


def test_a_long_single_word_wraps_inside_the_word_instead_of_being_cut(qtbot: Any, tmp_path: Path) -> None:
    tree = QTreeView()
    qtbot.addWidget(tree)
    model = QStandardItemModel(tree)
    model.appendRow(QStandardItem(WORD))
    model.appendRow(QStandardItem("Kurz"))
    tree.setModel(model)
    tree.setHeaderHidden(True)
    tree.setRootIsDecorated(False)
    tree.setItemDelegate(WrapDelegate(tree))
    metrics = QFontMetrics(tree.font())
    width = metrics.horizontalAdvance(WORD) // 2 + 40  # the word needs about two lines
    tree.resize(width, 300)
    with qtbot.waitExposed(tree, timeout=WAIT):
        tree.show()
    index = model.index(0, 0)
    qtbot.waitUntil(lambda: tree.visualRect(index).height() >= 2 * metrics.lineSpacing(), timeout=WAIT)
    rect = tree.visualRect(index)
    assert rect.height() < 4 * metrics.lineSpacing()  # two or three lines, not a tall empty row
    assert tree.visualRect(model.index(1, 0)).height() < 2 * metrics.lineSpacing()  # a short one: one line
    image = tree.viewport().grab().toImage()
    image.save(str(tmp_path / "long-word.png"))
    # the word's rest is painted on a second line, inside the row (not elided on the first)
    ink = _ink_rows(image, rect.left(), rect.right(), rect.top(), rect.bottom() + 1)
    assert ink and ink[-1] - ink[0] >= metrics.lineSpacing(), ink
    # the whole word fits the row: the height the delegate asks for is what it paints
    assert ink[-1] <= rect.bottom()


@pytest.fixture
def open_window(
    qtbot: Any, fake_views: Callable[[QWidget], FakeDocumentView], preferences: Preferences
) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(paths: DataPaths) -> MainWindow:
        window = MainWindow(paths, preferences=preferences, view_factory=fake_views, sync=False)
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        windows.append(window)
        window.resize(1280, 800)
        with qtbot.waitExposed(window, timeout=WAIT):
            window.show()
        with qtbot.waitSignal(window.navigationLoaded, timeout=WAIT):
            window.start()
        qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
        return window

    yield make
    for window in windows:
        window.shutdown()


def test_a_long_agenda_title_wraps_in_the_clerks_agenda_editor(
    open_window: Callable[..., MainWindow], gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    meeting_id = gui_world.world.ids["published_meeting"]
    with write_session(gui_world.server.ctx.sessions) as s:
        s.add(AgendaItem(meeting_id=meeting_id, number="17", order=170, name=LONG_TITLE))
    window = open_window(gui_world.replica(tmp_path, "clerk"))
    ws = window.clerk
    qtbot.waitUntil(lambda: ws.clerk, timeout=WAIT)
    show_in_clerk_editor(qtbot, window, meeting_id, timeout=WAIT)
    ws.dock.show()
    window.resizeDocks([ws.dock], [320], Qt.Orientation.Horizontal)
    tree = ws.editor.tree
    model = tree.model()

    def item() -> QModelIndex:
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data(KIND_ROLE) == "item" and LONG_TITLE in str(index.data()):
                return index
        raise AssertionError("the long item is not shown")

    qtbot.waitUntil(lambda: tree.isVisible() and tree.viewport().width() < 400, timeout=WAIT)
    index = item()
    tree.scrollTo(index)
    metrics = QFontMetrics(index.data(Qt.ItemDataRole.FontRole) or tree.font())
    assert metrics.horizontalAdvance(str(index.data())) > tree.viewport().width()  # it cannot fit one line
    qtbot.waitUntil(lambda: tree.visualRect(item()).height() >= 2 * metrics.lineSpacing(), timeout=WAIT)

    def fits() -> tuple[QRect, QRect]:
        rect = tree.visualRect(item())
        needed = metrics.boundingRect(
            rect.adjusted(0, 0, -8, 100_000), int(Qt.TextFlag.TextWordWrap), str(index.data())
        )
        return needed, rect

    # every line of the title is in the row — once the rows are laid out for the dock's last width (the
    # dock may settle in more than one step; the delegate lays the rows out again after each)
    qtbot.waitUntil(lambda: fits()[0].height() <= fits()[1].height(), timeout=WAIT)
    tree.grab().save(str(tmp_path / "clerk-agenda.png"))
