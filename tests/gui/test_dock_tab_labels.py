"""The window's docks on top of each other at a normal screen size (1280×800, German): every tab shows its
name whole, the clerk's workspace as a fifth tab included, with no scroll arrows (the side docks start
narrow, so tabs above or below them were cut to "Se… Gl… S… Anm…"). A real server on loopback, a real
replica. Run under `.ci/with-keyring`."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabBar, QToolButton, QWidget

from gremalda.ui.main_window import MainWindow
from gremalda.ui.preferences import Preferences
from tests.gui.conftest import FakeDocumentView, GuiWorld

WAIT = 120_000  # ms; the waits return as soon as it happened
SIZE = (1280, 800)


def _dock_tab_bars(window: MainWindow) -> list[QTabBar]:
    bars = window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
    return [bar for bar in bars if bar.isVisible() and bar.count() > 1]


def test_every_dock_tab_shows_its_whole_name_at_1280_by_800(
    gui_world: GuiWorld,
    tmp_path_factory: pytest.TempPathFactory,
    preferences: Preferences,
    fake_views: Callable[[QWidget], FakeDocumentView],
    german: None,
    qtbot: Any,
) -> None:
    paths = gui_world.replica(tmp_path_factory.mktemp("dock-tabs"))
    window = MainWindow(paths, preferences=preferences, view_factory=fake_views, sync=False)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.resize(*SIZE)
    with qtbot.waitExposed(window, timeout=WAIT):
        window.show()
    with qtbot.waitSignal(window.folderShown, timeout=WAIT):
        window.start()
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    window.clerk.dock.show()  # the clerk's workspace: the fifth tab beside pages, outline, search, notes
    qtbot.waitUntil(lambda: any(bar.count() == 5 for bar in _dock_tab_bars(window)), timeout=WAIT)
    # the side docks still start narrow (tests/gui/test_window_layout.py)
    assert window.thumbnails_dock.width() <= 300

    def whole_names() -> None:
        bars = _dock_tab_bars(window)
        names = sorted(bar.tabText(i) for bar in bars for i in range(bar.count()))
        assert names == sorted(["Seiten", "Gliederung", "Suche", "Anmerkungen", "Sitzungsdienst"]), names
        for bar in bars:
            metrics = bar.fontMetrics()
            for i in range(bar.count()):
                text, rect = bar.tabText(i), bar.tabRect(i)
                along = max(rect.width(), rect.height())  # vertical tabs on the window's edge: the height
                assert along >= metrics.horizontalAdvance(text), (text, rect)
                assert bar.rect().contains(rect), (text, rect, bar.rect())  # on screen, not scrolled away
            scroll = [b for b in bar.findChildren(QToolButton) if b.isVisible()]
            assert not scroll, "the dock tabs need scroll arrows"

    # the fifth tab's bar is sized by the window's layout, an event after the tab is there: wait for it
    qtbot.waitUntil(whole_names, timeout=WAIT)
    if shot := os.environ.get("GREMALDA_SHOT"):  # to look at it
        window.grab().save(shot)
    window.shutdown()
