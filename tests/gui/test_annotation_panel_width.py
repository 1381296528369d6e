"""The annotation panel fits a narrow dock (German, the member's window at 1280×800 against a real server
on loopback, a real replica): its filter bar wraps ("Nur meine" moves below the scope) and its combo boxes
shrink, so the panel needs about 220 px, not the ~345 px of one row; the right-hand docks then start at
the window's side width and the agenda gets the room. Every filter stays visible and usable when narrow.
Offscreen; PNGs of the panel and the window are saved in the test's tmp."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget

from gremalda.core.annotations.merge import create
from gremalda.core.annotations.records import Kind, TextQuote, Visibility
from gremalda.core.annotations.store import AnnotationStore
from gremalda.paths import DataPaths
from gremalda.store.replica import open_store
from gremalda.ui.main_window import MainWindow
from gremalda.ui.preferences import Preferences
from tests.gui.conftest import FakeDocumentView, GuiWorld, user_id

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine
SIZE = (1280, 800)
OTHER = "999999"  # an author id no user of the test world has


@pytest.fixture(scope="module")
def annotated(gui_world: GuiWorld, tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    """The member's replica with a highlight of theirs and a drawing of someone else (shared with the
    committee) on the rich PDF: "Nur meine" has one of the two to hide."""
    paths = gui_world.replica(tmp_path_factory.mktemp("annotated"))
    user, file_id = user_id(paths), str(gui_world.ids["rich_file"])
    mine = create(
        "test-device",
        now="2026-11-30T09:15:00Z",
        file_id=file_id,
        kind=Kind.HIGHLIGHT,
        page=1,
        author_id=user,
        author_name="Maria Mitglied",
        quads=((72.0, 290.0, 300.0, 290.0, 72.0, 303.0, 300.0, 303.0),),
        quote=TextQuote("Der Ausschuss empfiehlt"),
    )
    others = create(
        "other-device",
        now="2026-11-29T18:30:00Z",
        file_id=file_id,
        kind=Kind.INK,
        page=0,
        author_id=OTHER,
        author_name="Anna Andere",
        strokes=(((100.0, 100.0, 0.5), (150.0, 120.0, 0.7), (200.0, 110.0, None)),),
        colour="#1f5fbf",
        visibility=Visibility.COMMITTEE,
    )
    with open_store(paths) as store:
        annotations = AnnotationStore(store.db, user_id=user)
        annotations.save(mine)  # made on this device
        annotations.apply_remote(others, version=1)  # arrived from the server
    return paths


@pytest.fixture
def window(
    qtbot: Any,
    preferences: Preferences,
    german: None,
    annotated: DataPaths,
    fake_views: Callable[[QWidget], FakeDocumentView],
) -> Iterator[MainWindow]:
    w = MainWindow(annotated, preferences=preferences, view_factory=fake_views, sync=False)
    qtbot.addWidget(w, before_close_func=lambda x: x.shutdown())
    w.resize(*SIZE)
    with qtbot.waitExposed(w, timeout=WAIT):
        w.show()
    with qtbot.waitSignal(w.folderShown, timeout=WAIT):
        w.start()
    qtbot.waitUntil(lambda: w.workers.pending == 0, timeout=WAIT)
    yield w
    w.shutdown()


def test_the_annotation_panel_fits_a_narrow_dock_in_german(
    window: MainWindow, gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    entry = next(e for e in window.agenda.files() if e.id == str(gui_world.ids["rich_file"]))
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT):
        window.open_file(entry)
    dock = window.annotation_dock
    dock.show()
    dock.raise_()
    panel = window.annotations.panel
    qtbot.waitUntil(panel.isVisible, timeout=WAIT)
    qtbot.waitUntil(lambda: len(panel.rows()) == 2, timeout=WAIT)  # the member's and the other's
    assert panel.scope_label.text() == "Anmerkungen &in:"
    assert panel.minimumSizeHint().width() <= 240, panel.minimumSizeHint()
    assert dock.minimumSizeHint().width() <= 250, dock.minimumSizeHint()

    # the right-hand docks start at the window's side width (a sixth), not at the panel's old 345 px
    side = round(SIZE[0] * 0.16)
    qtbot.waitUntil(lambda: dock.width() <= side + 40, timeout=WAIT)
    # the centre (agenda | documents) gets the rest: the agenda is wider than with a 345 px panel
    assert window.centre.width() >= SIZE[0] - window.navigation_dock.width() - dock.width() - 40
    assert window.agenda.width() >= round((SIZE[0] - 205 - 345) * 0.4) + 20, window.agenda.width()
    window.grab().save(str(tmp_path / "window.png"))

    # at its narrowest every filter is on screen, inside the panel, and "Nur meine" still filters
    window.resizeDocks([dock], [panel.minimumSizeHint().width()], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: panel.width() <= 250, timeout=WAIT)
    controls = (panel.scope_label, panel.scope, panel.kind_filter, panel.author_filter, panel.mine_only)

    def narrow_and_whole() -> None:
        for control in controls:
            assert control.isVisible()
            place = QRect(control.mapTo(panel, QPoint(0, 0)), control.size())
            assert panel.rect().contains(place), (control.objectName(), place, panel.rect())
        assert panel.mine_only.y() > panel.scope.y()  # wrapped below the scope
        assert panel.mine_only.sizeHint().width() <= panel.mine_only.width()  # "Nur meine" not cut

    # the dock, the panel and its filter bar are laid out in a few steps (each one an event; a single
    # processEvents may come before the last on a loaded machine): wait for the outcome itself
    qtbot.waitUntil(narrow_and_whole, timeout=WAIT)
    panel.grab().save(str(tmp_path / "panel-narrow.png"))
    panel.mine_only.setChecked(True)
    qtbot.waitUntil(lambda: len(panel.rows()) == 1, timeout=WAIT)
    assert not panel.rows()[0].read_only  # the member's highlight stays, the other's drawing is hidden
    panel.mine_only.setChecked(False)
    qtbot.waitUntil(lambda: len(panel.rows()) == 2, timeout=WAIT)

    # wide again: "Nur meine" goes back beside the scope
    window.resizeDocks([dock], [420], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: panel.width() >= 380, timeout=WAIT)
    qtbot.waitUntil(lambda: abs(panel.mine_only.y() - panel.scope.y()) <= 8, timeout=WAIT)
    panel.grab().save(str(tmp_path / "panel-wide.png"))
