"""The English menus' accelerators (Alt+letter): unique in the menu bar (the clerk's menu included) and
within every menu and submenu, as tests/gui/test_menu_accelerators.py checks for German. Reads the live
menu texts of a real window in English (the source strings)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMenu, QWidget

from gremalda.paths import data_paths
from gremalda.ui.i18n import install_translations
from gremalda.ui.main_window import MainWindow
from gremalda.ui.preferences import Preferences
from tests.gui.conftest import FakeDocumentView
from tests.gui.test_menu_accelerators import _clashes, _menus


@pytest.fixture
def english_window(
    qtbot: Any, tmp_path: Path, preferences: Preferences, fake_views: Callable[[QWidget], FakeDocumentView]
) -> Iterator[MainWindow]:
    assert install_translations("en") == "en"
    window = MainWindow(
        data_paths(tmp_path / "client"), preferences=preferences, view_factory=fake_views, sync=False
    )
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    try:
        yield window
    finally:
        window.shutdown()


def test_english_menu_accelerators_are_unique(english_window: MainWindow) -> None:
    bar = english_window.menuBar().actions()
    titles = [a.text() for a in bar]
    assert "&File" in titles and any("Clerk" in t for t in titles)
    assert not _clashes(bar), f"menu bar: {_clashes(bar)}"
    problems = {}
    checked = 0
    for title_action in bar:
        top = title_action.menu()
        assert isinstance(top, QMenu)
        for menu in _menus(top):
            clashes = _clashes(menu.actions())
            if clashes:
                problems[menu.title() or title_action.text()] = clashes
            checked += 1
    assert checked >= len(bar) + 1
    assert not problems, f"accelerators used twice in a menu: {problems}"
