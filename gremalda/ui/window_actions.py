"""The main window's commands as actions: their texts, shortcuts, icons and the slots they call (the
menus and the toolbar are :func:`gremalda.ui.actions.build_menus`), and which of them can run now.

Every action is added to the window itself, so its shortcut works even with the menu bar hidden (full
screen). The texts keep the translation context "MainWindow" they had when they were made in the window
class (``translate("MainWindow", ...)``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QKeySequence

from gremalda.ui.actions import Actions, style_icons

if TYPE_CHECKING:
    from gremalda.ui.main_window import MainWindow

translate = QCoreApplication.translate

DOCUMENT_ACTIONS = (
    "close_tab",
    "move_tab",
    "find",
    "find_next",
    "find_previous",
    "go_to_page",
    "zoom_in",
    "zoom_out",
    "fit_width",
    "fit_page",
    "actual_size",
)  # enabled only while a document is open


def make_actions(window: MainWindow) -> Actions:
    """The window's actions by name, each added to the window (see the module docstring)."""
    key = QKeySequence.StandardKey
    views = window.views
    icons = style_icons()
    a = Actions()
    a.add(
        window,
        "sync",
        translate("MainWindow", "&Synchronise now"),
        window.sync_feedback.sync_now,
        (key.Refresh, "F5"),
        icon=icons["sync"],
        tip=translate("MainWindow", "Fetch new and changed documents now"),
    )
    a.add(
        window,
        "settings",
        translate("MainWindow", "S&ettings…"),
        window.show_settings,
        (key.Preferences, "Ctrl+,"),
        icon=icons["settings"],
    )
    a.add(window, "quit", translate("MainWindow", "&Quit"), window.close, (key.Quit, "Ctrl+Q"))
    a.add(
        window,
        "oparl",
        translate("MainWindow", "Add council information system (&OParl)…"),
        window.oparl.show_dialog,
        (),
        tip=translate("MainWindow", "Read the public meetings of a council information system (OParl)"),
    )
    a.add(
        window,
        "open",
        translate("MainWindow", "&Open document"),
        window.opening.open_selected,
        ("Ctrl+O",),
        tip=translate("MainWindow", "Open the document chosen in the agenda"),
    )
    a.add(
        window,
        "open_beside",
        translate("MainWindow", "Open &beside"),
        lambda: window.opening.open_selected(beside=True),
        ("Ctrl+Return", "Ctrl+Enter"),
        tip=translate("MainWindow", "Open the chosen document in the other half"),
    )
    a.add(
        window,
        "close_tab",
        translate("MainWindow", "&Close document"),
        window.documents.close_current,
        (key.Close, "Ctrl+W"),
        icon=icons["close_tab"],
    )
    a.add(
        window,
        "next_tab",
        translate("MainWindow", "Ne&xt document"),
        lambda: window.documents.cycle(1),
        (key.NextChild, "Ctrl+Tab", "Ctrl+PgDown"),
    )
    a.add(
        window,
        "previous_tab",
        translate("MainWindow", "Pre&vious document"),
        lambda: window.documents.cycle(-1),
        (key.PreviousChild, "Ctrl+Shift+Tab", "Ctrl+PgUp"),
    )
    a.add(
        window,
        "move_tab",
        translate("MainWindow", "&Move to the other half"),
        views.move_current_tab,
        ("Ctrl+Shift+M",),
    )
    a.add(
        window,
        "find",
        translate("MainWindow", "&Find in document…"),
        views.find_in_document,
        (key.Find, "Ctrl+F"),
    )
    a.add(
        window,
        "find_next",
        translate("MainWindow", "Find &next"),
        lambda: views.with_view(lambda v: v.find_next()),
        (key.FindNext, "F3"),
    )
    a.add(
        window,
        "find_previous",
        translate("MainWindow", "Find p&revious"),
        lambda: views.with_view(lambda v: v.find_previous()),
        (key.FindPrevious, "Shift+F3"),
    )
    a.add(window, "go_to_page", translate("MainWindow", "&Go to page…"), views.go_to_page, ("Ctrl+G",))
    a.add(
        window,
        "search_all",
        translate("MainWindow", "&Search all documents…"),
        views.search_all,
        ("Ctrl+Shift+F",),
        icon=icons["search_all"],
    )
    a.add(
        window,
        "zoom_in",
        translate("MainWindow", "Zoom &in"),
        lambda: views.zoom(1),
        (key.ZoomIn, "Ctrl++", "Ctrl+="),
    )
    a.add(
        window,
        "zoom_out",
        translate("MainWindow", "Zoom &out"),
        lambda: views.zoom(-1),
        (key.ZoomOut, "Ctrl+-"),
    )
    a.add(
        window,
        "fit_width",
        translate("MainWindow", "Fit &width"),
        lambda: views.set_zoom("fit-width"),
        ("Ctrl+0",),
    )
    a.add(
        window,
        "fit_page",
        translate("MainWindow", "Fit &page"),
        lambda: views.set_zoom("fit-page"),
        ("Ctrl+9",),
    )
    a.add(
        window,
        "actual_size",
        translate("MainWindow", "&Actual size"),
        lambda: views.set_zoom("percent", 100.0),
        ("Ctrl+1",),
    )
    a.add(
        window,
        "night",
        translate("MainWindow", "&Night mode"),
        views.night_toggled,
        ("Ctrl+Shift+N",),
        checkable=True,
        tip=translate("MainWindow", "Dark pages, pictures in true colours"),
    )
    a.add(
        window,
        "split",
        translate("MainWindow", "&Split view"),
        views.split_toggled,
        ("Ctrl+Shift+L",),
        checkable=True,
        tip=translate("MainWindow", "Two documents side by side"),
    )
    a.add(
        window,
        "full_screen",
        translate("MainWindow", "&Full screen"),
        views.full_screen,
        (key.FullScreen, "F11"),
        checkable=True,
    )
    a.add(
        window,
        "back",
        translate("MainWindow", "&Back"),
        window.history.go_back,
        (key.Back, "Alt+Left"),
        icon=icons["back"],
    )
    a.add(
        window,
        "forward",
        translate("MainWindow", "&Forward"),
        window.history.go_forward,
        (key.Forward, "Alt+Right"),
        icon=icons["forward"],
    )
    a.add(
        window,
        "next_meeting",
        translate("MainWindow", "&Next meeting"),
        window.folders.show_next_meeting,
        ("Alt+Home",),
    )
    a.add(window, "next_pane", translate("MainWindow", "Next &area"), lambda: views.cycle_focus(1), ("F6",))
    a.add(
        window,
        "previous_pane",
        translate("MainWindow", "Previous a&rea"),
        lambda: views.cycle_focus(-1),
        ("Shift+F6",),
    )
    window.annotations.add_actions(a)
    a.add(window, "about", translate("MainWindow", "&About Gremalda"), window.about, ())
    for action in a.by_name.values():
        window.addAction(action)  # shortcuts work even with the menu bar hidden (full screen)
    return a


def update_actions(window: MainWindow) -> None:
    """Enable what can run now: the document's commands with a document open, back and forward with a
    place to go to; the split action follows the document area."""
    has_document = window.documents.current_tab() is not None
    for name in DOCUMENT_ACTIONS:
        window.actions_[name].setEnabled(has_document)
    window.actions_["back"].setEnabled(window.history.can_go_back)
    window.actions_["forward"].setEnabled(window.history.can_go_forward)
    window.views.split_changed(window.documents.split)
