"""The main window: navigation on the left, a meeting's agenda (or an e-file) and the documents in the
centre (tabs, split view), page thumbnails, outline and search as docks, sync state in the status bar.

Everything that reads the replica runs on the worker threads (:mod:`gremalda.ui.workers`, the jobs in
:mod:`gremalda.ui.replica_reads`); the sync engine on its own thread (:mod:`gremalda.ui.sync_bridge`).
Views refresh from the results.

This module assembles the window; its behaviour lives in parts named after what they do, each holding
the window: the actions (:mod:`~gremalda.ui.window_actions`), the folder shown and the navigation
(:mod:`~gremalda.ui.folder_loading`), the history (:mod:`~gremalda.ui.navigation_history`), opening
documents (:mod:`~gremalda.ui.document_opening`), the view commands (:mod:`~gremalda.ui.view_commands`),
OParl meetings (:mod:`~gremalda.ui.oparl_meetings`), sync feedback (:mod:`~gremalda.ui.sync_feedback`),
annotations (:mod:`~gremalda.ui.annotation_commands`) and the clerk's workspace (:mod:`gremalda.ui.clerk`).
Their texts keep the translation context "MainWindow"; texts with a number (plural forms) stay in this
class, as pyside6-lupdate finds plural forms only in ``tr()`` calls."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gremalda import __version__
from gremalda.core.navigation import Navigation
from gremalda.core.records import FileEntry, ReplicaStatus
from gremalda.paths import DataPaths
from gremalda.ui.actions import build_menus
from gremalda.ui.agenda_view import AgendaView
from gremalda.ui.annotation_commands import AnnotationCommands
from gremalda.ui.clerk import ClerkWorkspace
from gremalda.ui.document_area import DocumentArea, DocumentTab, DocumentViewLike, ViewFactory
from gremalda.ui.document_opening import DocumentOpening
from gremalda.ui.find_bar import FindBar
from gremalda.ui.folder_loading import FolderLoading
from gremalda.ui.icons import icon
from gremalda.ui.navigation_history import NavigationHistory
from gremalda.ui.navigation_tree import NavigationTree
from gremalda.ui.notice_banner import NoticeBanner
from gremalda.ui.oparl_meetings import OParlMeetings
from gremalda.ui.oparl_tasks import OParlTasks
from gremalda.ui.preferences import Preferences
from gremalda.ui.replica_reads import NavigationLoaded
from gremalda.ui.status_bar import StatusBar
from gremalda.ui.sync_bridge import SyncBridge
from gremalda.ui.sync_feedback import SyncFeedback
from gremalda.ui.view_commands import ViewCommands
from gremalda.ui.window_actions import make_actions, update_actions
from gremalda.ui.workers import ReplicaWorkers

log = logging.getLogger(__name__)


def default_view_factory() -> tuple[ViewFactory, Callable[[], None]]:
    """The real document view with one render bridge for the window, and how to close the bridge."""
    from gremalda.ui.viewer.document_view import DocumentView  # type: ignore[import-not-found,unused-ignore]
    from gremalda.ui.viewer.render_bridge import RenderBridge  # type: ignore[import-not-found,unused-ignore]

    bridge = RenderBridge()

    def factory(parent: QWidget) -> DocumentViewLike:
        return cast(DocumentViewLike, DocumentView(bridge, parent))

    def close() -> None:
        closer = getattr(bridge, "close", None)
        if callable(closer):
            closer()

    return factory, close


class MainWindow(QMainWindow):
    """See the module docstring. ``view_factory`` makes the document views (tests pass a stand-in);
    ``sync`` is False for a window that never synchronises (the smoke test)."""

    navigationLoaded = Signal()  # noqa: N815 (Qt's naming)
    folderShown = Signal(str, str)  # kind, id  # noqa: N815 (Qt's naming)
    documentOpened = Signal(object)  # DocumentTab, once its bytes are handed to the view  # noqa: N815 (Qt's naming)
    oparlFilesFetched = Signal(str, object)  # meeting id, GremaldaError or None  # noqa: N815 (Qt's naming)

    def __init__(
        self,
        paths: DataPaths,
        *,
        preferences: Preferences | None = None,
        view_factory: ViewFactory | None = None,
        search_panel_factory: Callable[[QWidget], QWidget | None] | None = None,
        sync: bool = True,
        sync_bridge: SyncBridge | None = None,
        workers: ReplicaWorkers | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.paths = paths
        self.preferences = preferences or Preferences()
        self.setWindowTitle("Gremalda")
        self.setWindowIcon(icon("gremalda"))
        self.workers = workers or ReplicaWorkers(paths, parent=self)
        self.oparl_tasks = OParlTasks(self)
        self._close_views: Callable[[], None] = lambda: None
        if view_factory is None:
            view_factory, self._close_views = default_view_factory()
        self._make_view = view_factory
        self.night_mode = self.preferences.night_mode
        self.navigation_data: Navigation | None = None
        self.status: ReplicaStatus | None = None
        self.closing = False
        self._shown_once = False
        # the window's parts that are not widgets (see the module docstring)
        self.folders = FolderLoading(self)
        self.history = NavigationHistory(self)
        self.opening = DocumentOpening(self)
        self.views = ViewCommands(self)
        self.oparl = OParlMeetings(self)
        self.sync_feedback = SyncFeedback(self)

        # centre: notice + agenda | documents (+ find bar)
        self.navigation = NavigationTree(self)
        self.agenda = AgendaView(self)
        self.notice = NoticeBanner(self)
        self.annotations = AnnotationCommands(self)  # the window's annotation model, panel and commands
        self.documents = DocumentArea(self._new_view, self)
        self.find_bar = FindBar(self)
        agenda_box = QWidget(self)
        agenda_box.setObjectName("agendaBox")
        agenda_layout = QVBoxLayout(agenda_box)
        agenda_layout.setContentsMargins(0, 0, 0, 0)
        agenda_layout.addWidget(self.notice)
        agenda_layout.addWidget(self.agenda, 1)
        documents_box = QWidget(self)
        documents_box.setObjectName("documentsBox")
        documents_layout = QVBoxLayout(documents_box)
        documents_layout.setContentsMargins(0, 0, 0, 0)
        documents_layout.setSpacing(0)
        documents_layout.addWidget(self.documents, 1)
        documents_layout.addWidget(self.find_bar)
        self.centre = QSplitter(Qt.Orientation.Horizontal, self)
        self.centre.setObjectName("centre")
        self.centre.addWidget(agenda_box)
        self.centre.addWidget(documents_box)
        self.centre.setStretchFactor(0, 2)
        self.centre.setStretchFactor(1, 5)
        self.centre.setSizes([460, 820])
        self.setCentralWidget(self.centre)

        # docks
        # docks on top of each other: their tabs run down the window's edge, where the full names fit
        # however narrow the docks are (above or below a narrow dock they were cut to "Se… Gl…")
        self.setTabPosition(Qt.DockWidgetArea.RightDockWidgetArea, QTabWidget.TabPosition.East)
        self.setTabPosition(Qt.DockWidgetArea.LeftDockWidgetArea, QTabWidget.TabPosition.West)
        self.navigation_dock = self._dock("navigationDock", self.tr("Navigation"), self.navigation)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.navigation_dock)
        self.thumbnails = QStackedWidget(self)
        self.thumbnails.setObjectName("thumbnails")
        self.outline = QStackedWidget(self)
        self.outline.setObjectName("outline")
        for stack, text in (
            (self.thumbnails, self.tr("No document open.")),
            (self.outline, self.tr("No outline.")),
        ):
            placeholder = QLabel(text, stack)
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            placeholder.setWordWrap(True)
            stack.addWidget(placeholder)
        self.thumbnails_dock = self._dock("thumbnailsDock", self.tr("Pages"), self.thumbnails)
        self.outline_dock = self._dock("outlineDock", self.tr("Outline"), self.outline)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.thumbnails_dock)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.outline_dock)
        self.tabifyDockWidget(self.thumbnails_dock, self.outline_dock)
        self.thumbnails_dock.raise_()
        self.search_panel: QWidget | None = None
        panel = (search_panel_factory or self._default_search_panel)(self)
        if panel is None:
            panel = QLabel(self.tr("Search is not available in this version."), self)
            panel.setWordWrap(True)
            panel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        else:
            self.search_panel = panel
            open_hit = getattr(panel, "openHit", None)
            if open_hit is not None:
                open_hit.connect(self.open_hit)
        self.search_dock = self._dock("searchDock", self.tr("Search"), panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.search_dock)
        self.tabifyDockWidget(self.outline_dock, self.search_dock)
        self.annotation_dock = self._dock("annotationDock", self.tr("Annotations"), self.annotations.panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.annotation_dock)
        self.tabifyDockWidget(self.search_dock, self.annotation_dock)
        self.thumbnails_dock.raise_()
        docks = (self.navigation_dock, self.thumbnails_dock, self.outline_dock, self.search_dock)
        for dock in (*docks, self.annotation_dock):
            dock.dockLocationChanged.connect(self._name_dock_tabs)

        self.status_bar = StatusBar(self)
        self.setStatusBar(self.status_bar)
        self.actions_ = make_actions(self)
        self.toolbar = build_menus(
            self,
            self.actions_,
            [d.toggleViewAction() for d in (*docks, self.annotation_dock)],
        )
        self.actions_["night"].setChecked(self.night_mode)

        # wiring
        self.navigation.meetingSelected.connect(self.folders.show_meeting)
        self.navigation.efileSelected.connect(self.folders.show_efile)
        self.navigation.fileActivated.connect(self.open_file)
        self.agenda.fileActivated.connect(self.open_file)
        self.agenda.fileActivatedBeside.connect(lambda entry: self.open_file(entry, beside=True))
        self.documents.currentChanged.connect(self.opening.current_document_changed)
        self.documents.tabClosing.connect(self.opening.tab_closing)
        self.documents.pageSettled.connect(self.opening.save_page)
        self.documents.splitChanged.connect(self.views.split_changed)
        self.find_bar.findRequested.connect(lambda text: self.views.with_view(lambda v: v.find(text)))
        self.find_bar.nextRequested.connect(lambda: self.views.with_view(lambda v: v.find_next()))
        self.find_bar.previousRequested.connect(lambda: self.views.with_view(lambda v: v.find_previous()))
        self.find_bar.closed.connect(self.documents.focus_current)

        self.sync: SyncBridge | None = sync_bridge
        if self.sync is None and sync:
            self.sync = SyncBridge(paths, interval=self.preferences.sync_interval_minutes * 60.0, parent=self)
        self.sync_feedback.attach(self.sync)
        self.annotations.attach(self.sync)
        geometry, state = self.preferences.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        self._docks_restored = state is not None and self.restoreState(state)
        self.clerk = ClerkWorkspace(self)  # menu and dock for clerks only (issue 6)
        if state is None:
            self.thumbnails_dock.raise_()  # hiding the clerk's tab made its neighbour the current one
        update_actions(self)

    # --- construction helpers

    def _dock(self, name: str, title: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setAccessibleName(title)
        dock.setWidget(widget)
        dock.toggleViewAction().setText(title)
        return dock

    def _default_search_panel(self, parent: QWidget) -> QWidget | None:
        try:
            from gremalda.ui.search_panel import SearchPanel  # type: ignore[import-not-found,unused-ignore]
        except ImportError:
            log.info("no search panel in this build")
            return None
        return cast(QWidget, SearchPanel(self.paths, parent))

    def _name_dock_tabs(self) -> None:
        """The tab bars Qt makes for docks on top of each other get a name for screen readers."""
        for bar in self.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if not bar.accessibleName():
                bar.setAccessibleName(self.tr("Panels"))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self._name_dock_tabs()
        if not self._shown_once:
            self._shown_once = True
            if not self._docks_restored:  # the docks' first widths; after that the user's, restored
                side = min(max(round(self.width() * 0.16), 200), 300)
                self.resizeDocks(
                    [self.navigation_dock, self.thumbnails_dock], [side, side], Qt.Orientation.Horizontal
                )
            width = max(self.centre.width(), 600)
            self.centre.setSizes([int(width * 0.4), width - int(width * 0.4)])

    def _new_view(self, parent: QWidget) -> DocumentViewLike:
        view = self._make_view(parent)
        view.set_night_mode(self.night_mode)
        return view

    # --- loading and opening (the parts' work, here for the window's users)

    def start(self) -> None:
        """Show what the replica holds, then start synchronising (when this window does)."""
        self.refresh()
        if self.sync is not None:
            self.sync.start()

    def refresh(self) -> None:
        """Read the navigation and status again (after a sync), and the folder shown."""
        self.folders.refresh()

    def _navigation_loaded(self, result: NavigationLoaded) -> None:
        self.folders.navigation_loaded(result)

    def open_file(
        self, entry: FileEntry, *, beside: bool = False, page: int | None = None, query: str | None = None
    ) -> DocumentTab | None:
        """Open the document in a tab (beside: in the other half) at ``page`` (default: where the user
        left it), highlighting ``query`` when given."""
        return self.opening.open_file(entry, beside=beside, page=page, query=query)

    def open_hit(self, file_id: str, page: int, query: str) -> None:
        """A search hit: open the document at the page with the words highlighted."""
        self.opening.open_hit(file_id, page, query)

    def call_search_panel(self, name: str) -> None:
        method = getattr(self.search_panel, name, None) if self.search_panel is not None else None
        if callable(method):
            method()

    # --- texts with a number: pyside6-lupdate finds plural forms only in tr() calls, so they stay here

    def arrivals_text(self, new: int, changed: int) -> str:
        new_text = self.tr("%n new document(s)", "", new)
        changed_text = self.tr("%n changed document(s)", "", changed)
        if new and changed:
            return self.tr("%1 and %2 arrived.").replace("%1", new_text).replace("%2", changed_text)
        return self.tr("%1 arrived.").replace("%1", new_text if new else changed_text)

    def download_failures_text(self, count: int) -> str:
        return self.tr("%n document(s) could not be downloaded; they are tried again later.", "", count)

    def oparl_files_text(self, missing: int, *, fetching: bool) -> str:
        """The files of an OParl meeting that are not stored: being fetched, or not downloaded."""
        if fetching:
            return self.tr("Fetching %n document(s) of this meeting…", "", missing)
        return self.tr("%n document(s) not downloaded.", "", missing)

    # --- dialogs

    def show_settings(self) -> None:
        from gremalda.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.preferences, self.paths, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self._settings_changed)
        dialog.open()

    def _settings_changed(self) -> None:
        if self.sync is not None:
            self.sync.set_interval(self.preferences.sync_interval_minutes * 60.0)

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Gremalda"),
            self.tr(
                "Gremalda %1\n\nCouncil meeting folders and e-files, offline and encrypted on this computer."
            ).replace("%1", __version__),
        )

    # --- closing

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if not self.closing:
            self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Save the read positions and what was listed, stop syncing, close the workers and the views."""
        if self.closing:
            return
        self.closing = True
        for tab in list(self.documents.all_tabs()):
            tab.flush_page()
        self.folders.leave_folder()
        self.preferences.save_window_state(self.saveGeometry(), self.saveState())
        self.preferences.sync()
        if self.sync is not None:
            self.sync.stop()
        self.call_search_panel("shutdown")
        self.oparl_tasks.close()
        self.clerk.close()
        self.workers.close()
        self.documents.close_all()
        self.annotations.close()  # after the views: what they saved on closing is written
        self._close_views()
