"""The main window's view commands: find, zoom and go to a page in the current document, move it to the
other half, split view, night mode, full screen, the focus areas (F6) and the search over all documents.

The texts keep the translation context "MainWindow" they had in the window class."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QWidget

from gremalda.ui.document_area import DocumentViewLike

if TYPE_CHECKING:
    from gremalda.ui.main_window import MainWindow

translate = QCoreApplication.translate


class ViewCommands:
    """See the module docstring; the slots of the window's view actions."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window

    def with_view(self, action: Callable[[DocumentViewLike], object]) -> None:
        tab = self.window.documents.current_tab()
        if tab is not None and tab.is_loaded:
            action(tab.view)

    def find_in_document(self) -> None:
        """Ctrl+F: the view's own find bar when it has one, else the window's."""
        tab = self.window.documents.current_tab()
        if tab is None or not tab.is_loaded:
            return
        show = getattr(tab.view, "show_find_bar", None)
        if callable(show):
            self.window.find_bar.hide()
            show()
        else:
            self.window.find_bar.open_bar()

    def zoom(self, direction: int) -> None:
        tab = self.window.documents.current_tab()
        if tab is not None and tab.is_loaded:
            tab.zoom(direction)

    def set_zoom(self, mode: str, percent: float | None = None) -> None:
        tab = self.window.documents.current_tab()
        if tab is not None and tab.is_loaded:
            tab.set_zoom(mode, percent)

    def go_to_page(self) -> None:
        tab = self.window.documents.current_tab()
        if tab is None or not tab.is_loaded:
            return
        count = getattr(tab.info, "page_count", 0) or 1
        page, ok = QInputDialog.getInt(
            self.window,
            translate("MainWindow", "Go to page"),
            translate("MainWindow", "Page (1–%1):").replace("%1", str(count)),
            tab.view.current_page() + 1,
            1,
            max(count, 1),
        )
        if ok:
            tab.view.go_to_page(page - 1)

    def move_current_tab(self) -> None:
        tab = self.window.documents.current_tab()
        if tab is not None:
            self.window.documents.move_to_other(tab)

    def night_toggled(self) -> None:
        window = self.window
        window.night_mode = window.actions_["night"].isChecked()
        for tab in window.documents.all_tabs():
            tab.view.set_night_mode(window.night_mode)

    def split_toggled(self) -> None:
        documents = self.window.documents
        on = self.window.actions_["split"].isChecked()
        if on == documents.split:
            return
        current = documents.current_tab()
        documents.set_split(on)
        if on and current is not None and not documents.right.count():
            self.window.open_file(current.entry, beside=True)

    def split_changed(self, on: bool) -> None:
        action = self.window.actions_["split"]
        if action.isChecked() != on:
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)

    def full_screen(self) -> None:
        if self.window.actions_["full_screen"].isChecked():
            self.window.showFullScreen()
        else:
            self.window.showNormal()

    # --- focus areas (F6) and the search panel

    def focus_areas(self) -> list[QWidget]:
        """Where F6 goes, in order: the navigation, the agenda, the documents of each half, then the panels
        on screen (pages, outline, search, annotations, the clerk workspace: the docks shown, the tab in
        front where they share a place) that hold something to focus."""
        window = self.window
        areas: list[QWidget] = []
        if window.navigation_dock.isVisible():
            areas.append(window.navigation)
        areas.append(window.agenda.tree)
        areas += [p for p in window.documents.panes() if p.isVisible() and p.count()]
        docks = [window.thumbnails_dock, window.outline_dock, window.search_dock, window.annotation_dock]
        clerk = getattr(window, "clerk", None)
        if clerk is not None:
            docks.append(clerk.dock)
        for dock in docks:
            widget = dock.widget()
            # docks behind another's tab are "visible" but moved out of the window: what is on screen counts
            on_screen = dock.isVisible() and not dock.visibleRegion().isEmpty()
            if on_screen and widget is not None and _focusable(widget):
                areas.append(widget)
        return areas

    def cycle_focus(self, step: int) -> None:
        window = self.window
        areas = self.focus_areas()
        focus = QApplication.focusWidget()
        current = next(
            (i for i, w in enumerate(areas) if focus is not None and (w is focus or w.isAncestorOf(focus))),
            -1,
        )
        if current < 0 and step < 0:
            current = 0
        target = areas[(current + step) % len(areas)]
        if target in window.documents.panes():
            widget = cast(Any, target).currentWidget()
            (widget or target).setFocus(Qt.FocusReason.TabFocusReason)
        else:
            (_focusable(target) or target).setFocus(Qt.FocusReason.TabFocusReason)

    def search_all(self) -> None:
        dock = self.window.search_dock
        dock.show()
        dock.raise_()
        panel = self.window.search_panel
        focus_query = getattr(panel, "focus_query", None) if panel is not None else None
        if callable(focus_query):
            focus_query()
        else:
            dock.widget().setFocus()


def _focusable(area: QWidget) -> QWidget | None:
    """The widget of ``area`` that takes the focus: the area itself (or its focus proxy) when it takes it,
    else the first visible widget inside it that takes the focus by Tab; None when there is none."""
    proxy = area.focusProxy() or area
    if proxy.isVisible() and proxy.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return proxy
    widget = area.nextInFocusChain()
    while widget is not None and widget is not area:
        if (
            area.isAncestorOf(widget)
            and widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            return widget
        widget = widget.nextInFocusChain()
    return None
