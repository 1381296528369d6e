"""The German menus' accelerators (the underlined letter, Alt+letter): unique in the menu bar (the clerk's
menu included, also while hidden from a member) and within every menu and submenu, so that each letter
reaches one entry. Reads the live menu texts of a real window with the German translation."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from gremalda.paths import data_paths
from gremalda.ui.main_window import MainWindow
from gremalda.ui.preferences import Preferences
from tests.gui.conftest import FakeDocumentView


def accelerator(text: str) -> str | None:
    """The letter after a single "&" (Qt's mnemonic; "&&" is a literal ampersand), lower case."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            return text[i + 1].lower()
        i += 1
    return None


def test_accelerator_reads_qt_mnemonics() -> None:
    assert accelerator("&Datei") == "d"
    assert accelerator("Ver&größern") == "g"
    assert accelerator("Navigation") is None
    assert accelerator("Drucken && &Speichern") == "s"


def _clashes(actions: list[QAction]) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for action in actions:
        if action.isSeparator():
            continue
        letter = accelerator(action.text())
        if letter is not None:
            seen.setdefault(letter, []).append(action.text())
    return {letter: texts for letter, texts in seen.items() if len(texts) > 1}


def _menus(menu: QMenu) -> Iterator[QMenu]:
    yield menu
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            yield from _menus(sub)


@pytest.fixture
def german_window(
    qtbot: Any,
    tmp_path: Path,
    preferences: Preferences,
    fake_views: Callable[[QWidget], FakeDocumentView],
    german: None,
) -> Iterator[MainWindow]:
    window = MainWindow(
        data_paths(tmp_path / "client"), preferences=preferences, view_factory=fake_views, sync=False
    )
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    yield window
    window.shutdown()


def test_german_menu_accelerators_are_unique(german_window: MainWindow) -> None:
    bar = german_window.menuBar().actions()
    titles = [a.text() for a in bar]
    assert "&Datei" in titles and any(accelerator(t) == "s" and "Sitzungsdienst" in t for t in titles)
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
    assert checked >= len(bar) + 1  # the menus and the panels submenu at least
    assert not problems, f"accelerators used twice in a menu: {problems}"
