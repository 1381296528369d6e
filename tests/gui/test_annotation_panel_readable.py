"""The annotation panel and the annotation tool bar read well (German, offscreen, real server on loopback,
real replica): at the panel's default (narrow) width an annotation's text gets most of the row (the kind
shows as its icon, its name in the tooltip and for screen readers); the date says when it was written;
the replaced version's links are reachable by keyboard; the kind, lock and header icons are drawn in the
palette's text colour (visible on a dark theme); "Visible to" entries have accelerators; the tools'
tooltips and the picker's text do not repeat or contradict the menu. PNGs are saved in the test's tmp."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from gremalda.core.annotations.merge import create
from gremalda.core.annotations.records import Kind, TextQuote, Visibility
from gremalda.paths import DataPaths
from gremalda.ui.annotation_format import date_text, kind_icon
from gremalda.ui.annotation_rows import KIND, TEXT
from gremalda.ui.annotations.annotation_menu import add_visibility_menu
from gremalda.ui.annotations.visibility_picker import visibility_header_icon, visibility_icon
from gremalda.ui.main_window import MainWindow
from gremalda.ui.preferences import Preferences
from gremalda.ui.viewer import RenderBridge
from tests.gui.conftest import FakeDocumentView, GuiWorld, user_id
from tests.gui.test_annotation_panel import QUAD, _annotate, _open
from tests.gui.test_annotation_visibility import _model, _picker, _view, settings, shared_file
from tests.gui.test_menu_accelerators import accelerator

__all__ = ["settings", "shared_file"]  # fixtures used here (the render bridge: tests/gui/conftest.py)

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine
SIZE = (1280, 800)
WRITTEN = "2026-11-27T09:15:00+00:00"
MOVED = "2026-12-01T17:40:00+00:00"  # re-anchored in a new version of the document


@pytest.fixture
def window(
    qtbot: Any,
    preferences: Preferences,
    german: None,
    gui_world: GuiWorld,
    tmp_path: Path,
    fake_views: Callable[[QWidget], FakeDocumentView],
) -> Iterator[MainWindow]:
    paths = gui_world.replica(tmp_path / "replica")
    user = user_id(paths)
    underline = create(
        "test-device",
        now=WRITTEN,
        file_id=str(gui_world.ids["rich_file"]),
        kind=Kind.UNDERLINE,
        page=0,
        author_id=user,
        author_name="Maria Mitglied",
        quads=(QUAD,),
        quote=TextQuote("Der Ausschuss empfiehlt die Annahme"),
    )
    _annotate(paths, dataclasses.replace(underline, modified=MOVED))
    w = MainWindow(paths, preferences=preferences, view_factory=fake_views, sync=False)
    qtbot.addWidget(w, before_close_func=lambda x: x.shutdown())
    w.resize(*SIZE)
    with qtbot.waitExposed(w, timeout=WAIT):
        w.show()
    with qtbot.waitSignal(w.folderShown, timeout=WAIT):
        w.start()
    qtbot.waitUntil(lambda: w.workers.pending == 0 and w.annotations.model.ready, timeout=WAIT)
    yield w
    w.shutdown()


def test_at_the_default_width_the_text_gets_the_row_and_the_kind_its_icon(
    window: MainWindow, gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    _open(qtbot, window, gui_world.ids["rich_file"])
    dock = window.annotation_dock
    dock.show()
    dock.raise_()
    panel = window.annotations.panel
    qtbot.waitUntil(panel.isVisible, timeout=WAIT)
    qtbot.waitUntil(lambda: len(panel.rows()) == 1, timeout=WAIT)
    side = round(SIZE[0] * 0.16)
    qtbot.waitUntil(lambda: dock.width() <= side + 40, timeout=WAIT)

    def text_gets_the_row() -> None:
        viewport = panel.view.viewport().width()
        text = panel.view.header().sectionSize(TEXT)
        assert text >= viewport * 0.5, (text, viewport, panel.view.header().sectionSize(KIND))

    # the dock, the panel and its header are laid out in a few steps (each one an event; a single
    # processEvents may come before the last on a loaded machine): wait for the outcome itself
    qtbot.waitUntil(text_gets_the_row, timeout=WAIT)
    panel.grab().save(str(tmp_path / "panel-default-width.png"))

    row = panel.rows()[0]
    assert row.kind == "Unterstreichung"
    kind = panel.line_index(0, KIND)
    assert "Unterstreichung" in str(kind.data(Qt.ItemDataRole.ToolTipRole))
    assert kind.data(Qt.ItemDataRole.AccessibleTextRole) == "Unterstreichung"
    # the date: when it was written, not when re-anchoring moved it
    assert row.date == date_text(WRITTEN, compact=True) != date_text(MOVED, compact=True)

    # wide: the kind's name again
    window.resizeDocks([dock], [520], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: panel.width() >= 480, timeout=WAIT)
    qtbot.waitUntil(lambda: panel.view.header().sectionSize(KIND) > 60, timeout=WAIT)  # icon only: < 40
    panel.grab().save(str(tmp_path / "panel-wide.png"))


def test_the_replaced_versions_links_are_reachable_by_keyboard(window: MainWindow) -> None:
    hint = window.annotations.panel.version_hint
    assert hint.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert hint.textInteractionFlags() & Qt.TextInteractionFlag.LinksAccessibleByKeyboard


def _drawn(icon: QIcon) -> list[QColor]:
    image = icon.pixmap(16, 16).toImage()
    return [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() > 120
    ]


def test_icons_are_drawn_in_the_palettes_text_colour(qapp: QApplication) -> None:
    light = qapp.palette()
    dark = QPalette(light)
    for role, colour in (
        (QPalette.ColorRole.Window, "#202020"),
        (QPalette.ColorRole.Base, "#181818"),
        (QPalette.ColorRole.Text, "#f0f0f0"),
        (QPalette.ColorRole.WindowText, "#f0f0f0"),
    ):
        dark.setColor(role, QColor(colour))
    qapp.setPalette(dark)
    try:
        base = QColor("#181818").lightnessF()
        for icon in (
            kind_icon(Kind.UNDERLINE),
            kind_icon(Kind.STRIKEOUT),
            kind_icon(Kind.FREETEXT),
            visibility_icon(Visibility.PRIVATE),
            visibility_header_icon(),
        ):
            bright = [c for c in _drawn(icon) if c.lightnessF() - base > 0.6]
            assert len(bright) >= 8, len(bright)
    finally:
        qapp.setPalette(light)
    # and on the light palette again dark lines
    assert any(c.lightnessF() < 0.3 for c in _drawn(kind_icon(Kind.UNDERLINE)))


def test_the_header_of_who_sees_it_is_none_of_the_choices(qapp: QApplication) -> None:
    header = visibility_header_icon().pixmap(16, 16).toImage()
    for visibility in Visibility:
        assert visibility_icon(visibility).pixmap(16, 16).toImage() != header


def test_german_tooltips_picker_and_visibility_menu_agree(
    qtbot: Any,
    german: None,
    gui_world: GuiWorld,
    shared_file: str,
    bridge: RenderBridge,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    paths: DataPaths = gui_world.replica(tmp_path, "deputy")
    model = _model(qtbot, paths, settings)
    view = _view(qtbot, bridge, model, shared_file)
    toolbar = view.annotation_toolbar()
    assert toolbar is not None
    tips = {action.text(): action.toolTip() for action in toolbar.group.actions()}
    assert tips["Hervorheben"] == "Hervorheben: über die Wörter ziehen (H)"
    assert tips["Unterstreichen"].count("unterstreichen") == 0, tips
    _once(tips)

    picker = _picker(view)
    assert picker.text() == "Sichtbar für: Nur ich"
    picker.fill_menu()
    texts = [a.text() for a in picker.menu_.actions()]
    assert [t.split(" (")[0].replace("&", "") for t in texts] == ["Nur ich", "Fraktion", "Gremium"]
    letters = [accelerator(t) for t in texts]
    assert None not in letters and len(set(letters)) == 3, texts
    assert picker.text().removeprefix("Sichtbar für: ") in [t.replace("&", "") for t in texts]

    # the annotation's context submenu: the same entries with accelerators
    record = create(
        "test-device",
        now=WRITTEN,
        file_id=shared_file,
        kind=Kind.HIGHLIGHT,
        page=0,
        author_id=user_id(paths),
        quads=(QUAD,),
        quote=TextQuote("Sichtbarkeit"),
    )
    model.add(record)
    menu = QMenu()
    sub = add_visibility_menu(menu, model, record)
    letters = [accelerator(a.text()) for a in sub.actions() if a.data()]
    assert None not in letters and len(set(letters)) == 3


def _once(tips: dict[str, str]) -> None:
    """Each tool's tooltip names it once, then says how (one colon)."""
    assert len(tips) == 9, tips
    for text, tip in tips.items():
        assert tip.startswith(text + ": ") and tip.count(":") == 1, (text, tip)
        assert tip.casefold().count(text.casefold()) == 1, (text, tip)


def test_english_tool_tooltips_name_the_tool_once(
    qtbot: Any,
    gui_world: GuiWorld,
    shared_file: str,
    bridge: RenderBridge,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    paths: DataPaths = gui_world.replica(tmp_path, "deputy")
    view = _view(qtbot, bridge, _model(qtbot, paths, settings), shared_file)
    toolbar = view.annotation_toolbar()
    assert toolbar is not None
    tips = {action.text(): action.toolTip() for action in toolbar.group.actions()}
    assert tips["Highlight"] == "Highlight: drag over the words (H)"
    _once(tips)
