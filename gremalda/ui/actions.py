"""Every command of the window as a QAction with its shortcut, in the menus and (the common ones) the
toolbar: all of them reachable by keyboard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle, QToolBar, QToolButton

from gremalda.ui.icons import standard

Shortcut = QKeySequence.StandardKey | str
translate = QCoreApplication.translate


@dataclass
class Actions:
    by_name: dict[str, QAction] = field(default_factory=dict)

    def __getitem__(self, name: str) -> QAction:
        return self.by_name[name]

    def add(
        self,
        parent: QObject,
        name: str,
        text: str,
        slot: Callable[[], object] | None,
        shortcuts: tuple[Shortcut, ...] = (),
        *,
        tip: str = "",
        icon: QIcon | None = None,
        checkable: bool = False,
    ) -> QAction:
        action = QAction(text, parent)
        action.setObjectName(name)
        keys: list[QKeySequence] = []
        # the written ones first (the first is shown in menus), then the platform's; no duplicates
        # (an ambiguous shortcut triggers nothing)
        candidates = [QKeySequence(s) for s in shortcuts if isinstance(s, str)]
        for shortcut in shortcuts:
            if not isinstance(shortcut, str):
                candidates.extend(QKeySequence.keyBindings(shortcut))
        for candidate in candidates:
            if not candidate.isEmpty() and candidate not in keys:
                keys.append(candidate)
        if keys:
            action.setShortcuts(keys)
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        plain = text.replace("&", "")
        if keys:
            plain_tip = f"{tip or plain} ({keys[0].toString(QKeySequence.SequenceFormat.NativeText)})"
        else:
            plain_tip = tip or plain
        action.setToolTip(plain_tip)
        action.setStatusTip(tip or plain)
        if icon is not None:
            action.setIcon(icon)
        action.setCheckable(checkable)
        if slot is not None:
            if checkable:
                action.toggled.connect(lambda _on: slot())
            else:
                action.triggered.connect(lambda _checked=False: slot())
        self.by_name[name] = action
        return action


def build_menus(window: QMainWindow, actions: Actions, dock_toggles: list[QAction]) -> QToolBar:
    """The menu bar and the toolbar of ``window``."""
    bar = window.menuBar()

    def menu(title: str, names: list[str | None], extra: list[QAction] | None = None) -> QMenu:
        m = bar.addMenu(title)
        for name in names:
            if name is None:
                m.addSeparator()
            else:
                m.addAction(actions[name])
        for action in extra or []:
            m.addAction(action)
        return m

    menu(translate("MainWindow", "&File"), ["sync", None, "oparl", None, "settings", None, "quit"])
    menu(
        translate("MainWindow", "&Document"),
        [
            "open",
            "open_beside",
            "close_tab",
            None,
            "next_tab",
            "previous_tab",
            "move_tab",
            None,
            "find",
            "find_next",
            "find_previous",
            "go_to_page",
        ],
    )
    view_menu = menu(
        translate("MainWindow", "&View"),
        [
            "zoom_in",
            "zoom_out",
            "fit_width",
            "fit_page",
            "actual_size",
            None,
            "night",
            "split",
            "full_screen",
        ],
    )
    view_menu.addSeparator()
    panels = view_menu.addMenu(translate("MainWindow", "Pane&ls"))
    for action in dock_toggles:
        panels.addAction(action)
    annotation_names: list[str | None] = [
        "annotations_panel",
        None,
        "export_pdf",
        "export_xfdf",
        "import_xfdf",
        None,
        "meeting_summary",
        None,
        "orphans",
    ]
    if all(name is None or name in actions.by_name for name in annotation_names):
        menu(translate("MainWindow", "&Annotations"), annotation_names)
    menu(
        translate("MainWindow", "&Go"),
        ["back", "forward", None, "next_meeting", None, "next_pane", "previous_pane", "search_all"],
    )
    menu(translate("MainWindow", "&Help"), ["about"])

    toolbar = QToolBar(translate("MainWindow", "Toolbar"), window)
    toolbar.setObjectName("toolbar")
    toolbar.setAccessibleName(translate("MainWindow", "Toolbar"))
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for name in (
        "sync",
        None,
        "back",
        "forward",
        None,
        "zoom_out",
        "zoom_in",
        "fit_width",
        None,
        "night",
        "split",
        None,
        "search_all",
    ):
        if name is None:
            toolbar.addSeparator()
        else:
            toolbar.addAction(actions[name])
    for button in toolbar.findChildren(QToolButton):
        action = button.defaultAction()
        if action is not None:
            button.setAccessibleName(action.text().replace("&", ""))
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    return toolbar


def style_icons() -> dict[str, QIcon]:
    pixmap = QStyle.StandardPixmap
    return {
        "sync": standard(pixmap.SP_BrowserReload),
        "back": standard(pixmap.SP_ArrowBack),
        "forward": standard(pixmap.SP_ArrowForward),
        "close_tab": standard(pixmap.SP_DialogCloseButton),
        "search_all": standard(pixmap.SP_FileDialogContentsView),
        "settings": standard(pixmap.SP_FileDialogDetailedView),
    }
