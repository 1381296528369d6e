"""The main window: navigation on the left, a meeting's agenda (or an e-file) and the documents in the
centre (tabs, split view), page thumbnails, outline and search as docks, sync state in the status bar.

Everything that reads the replica runs on the worker threads (:mod:`gremalda.ui.workers`, the jobs in
:mod:`gremalda.ui.replica_reads`); the sync engine on its own thread (:mod:`gremalda.ui.sync_bridge`).
Views refresh from the results."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from gremalda import __version__
from gremalda.core.library import Library
from gremalda.core.navigation import Navigation
from gremalda.core.oparl import fetch_meeting_files
from gremalda.core.readstate import Badge, ReadState
from gremalda.core.records import FileEntry, ReplicaStatus
from gremalda.errors import GremaldaError, NotSignedIn
from gremalda.paths import DataPaths
from gremalda.ui import error_reporter
from gremalda.ui.actions import Actions, build_menus, style_icons
from gremalda.ui.agenda_view import AgendaView
from gremalda.ui.annotation_commands import AnnotationCommands
from gremalda.ui.clerk import ClerkWorkspace
from gremalda.ui.document_area import DocumentArea, DocumentTab, DocumentViewLike, ViewFactory
from gremalda.ui.error_texts import error_text
from gremalda.ui.find_bar import FindBar
from gremalda.ui.formatting import file_label
from gremalda.ui.icons import icon
from gremalda.ui.navigation_tree import NavigationTree
from gremalda.ui.notice_banner import NoticeBanner
from gremalda.ui.oparl_tasks import OParlTasks
from gremalda.ui.preferences import Preferences
from gremalda.ui.replica_reads import (
    EFileLoaded,
    MeetingLoaded,
    NavigationLoaded,
    OParlMeeting,
    Opened,
    load_efile,
    load_meeting,
    load_navigation,
    read_document,
)
from gremalda.ui.status_bar import StatusBar
from gremalda.ui.sync_bridge import SyncBridge, SyncResult, is_offline
from gremalda.ui.workers import ReplicaWorkers

log = logging.getLogger(__name__)

Place = tuple[str, str, int]  # (kind: meeting | efile | document, id, page)


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
        self._oparl_fetching: set[str] = set()  # meetings whose files are being fetched
        self._oparl_tried: set[str] = set()  # meetings whose files were fetched once in this session
        self._close_views: Callable[[], None] = lambda: None
        if view_factory is None:
            view_factory, self._close_views = default_view_factory()
        self._make_view = view_factory
        self.night_mode = self.preferences.night_mode
        self.navigation_data: Navigation | None = None
        self.status: ReplicaStatus | None = None
        self._folder_request = 0
        # the folder last asked for: a reload after a sync reloads this one, even before it has shown
        self._folder_wanted: tuple[str, str] | None = None
        self._listed: list[str] = []  # documents shown in the agenda, marked seen when the user moves on
        self._history: list[Place] = []
        self._future: list[Place] = []
        self._navigating = False
        self._first_load = True
        self._closing = False
        self._shown_once = False

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
        self.actions_ = self._make_actions()
        self.toolbar = build_menus(
            self,
            self.actions_,
            [d.toggleViewAction() for d in (*docks, self.annotation_dock)],
        )
        self.actions_["night"].setChecked(self.night_mode)

        # wiring
        self.navigation.meetingSelected.connect(self.show_meeting)
        self.navigation.efileSelected.connect(self.show_efile)
        self.navigation.fileActivated.connect(self.open_file)
        self.agenda.fileActivated.connect(self.open_file)
        self.agenda.fileActivatedBeside.connect(lambda entry: self.open_file(entry, beside=True))
        self.documents.currentChanged.connect(self._current_document_changed)
        self.documents.tabClosing.connect(self._tab_closing)
        self.documents.pageSettled.connect(self._save_page)
        self.documents.splitChanged.connect(self._split_changed)
        self.find_bar.findRequested.connect(lambda text: self._with_view(lambda v: v.find(text)))
        self.find_bar.nextRequested.connect(lambda: self._with_view(lambda v: v.find_next()))
        self.find_bar.previousRequested.connect(lambda: self._with_view(lambda v: v.find_previous()))
        self.find_bar.closed.connect(self.documents.focus_current)

        self.sync: SyncBridge | None = sync_bridge
        if self.sync is None and sync:
            self.sync = SyncBridge(paths, interval=self.preferences.sync_interval_minutes * 60.0, parent=self)
        if self.sync is not None:
            self.sync.started.connect(self._sync_started)
            self.sync.progress.connect(self.status_bar.show_progress)
            self.sync.finished.connect(self._sync_finished)
            self.sync.failed.connect(self._sync_failed)
        else:
            self.status_bar.set_sync_off()
            self.actions_["sync"].setEnabled(False)
        self.annotations.attach(self.sync)
        geometry, state = self.preferences.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        if state is not None:
            self.restoreState(state)
        self.clerk = ClerkWorkspace(self)  # menu and dock for clerks only (issue 6)
        if state is None:
            self.thumbnails_dock.raise_()  # hiding the clerk's tab made its neighbour the current one
        self._update_actions()

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

    def _make_actions(self) -> Actions:
        from PySide6.QtGui import QKeySequence

        key = QKeySequence.StandardKey
        icons = style_icons()
        a = Actions()
        a.add(
            self,
            "sync",
            self.tr("&Synchronise now"),
            self.sync_now,
            (key.Refresh, "F5"),
            icon=icons["sync"],
            tip=self.tr("Fetch new and changed documents now"),
        )
        a.add(
            self,
            "settings",
            self.tr("S&ettings…"),
            self.show_settings,
            (key.Preferences, "Ctrl+,"),
            icon=icons["settings"],
        )
        a.add(self, "quit", self.tr("&Quit"), self.close, (key.Quit, "Ctrl+Q"))
        a.add(
            self,
            "oparl",
            self.tr("Add council information system (&OParl)…"),
            self.show_oparl,
            (),
            tip=self.tr("Read the public meetings of a council information system (OParl)"),
        )
        a.add(
            self,
            "open",
            self.tr("&Open document"),
            self.open_selected,
            ("Ctrl+O",),
            tip=self.tr("Open the document chosen in the agenda"),
        )
        a.add(
            self,
            "open_beside",
            self.tr("Open &beside"),
            lambda: self.open_selected(beside=True),
            ("Ctrl+Return", "Ctrl+Enter"),
            tip=self.tr("Open the chosen document in the other half"),
        )
        a.add(
            self,
            "close_tab",
            self.tr("&Close document"),
            self.documents.close_current,
            (key.Close, "Ctrl+W"),
            icon=icons["close_tab"],
        )
        a.add(
            self,
            "next_tab",
            self.tr("Ne&xt document"),
            lambda: self.documents.cycle(1),
            (key.NextChild, "Ctrl+Tab", "Ctrl+PgDown"),
        )
        a.add(
            self,
            "previous_tab",
            self.tr("Pre&vious document"),
            lambda: self.documents.cycle(-1),
            (key.PreviousChild, "Ctrl+Shift+Tab", "Ctrl+PgUp"),
        )
        a.add(self, "move_tab", self.tr("&Move to the other half"), self.move_current_tab, ("Ctrl+Shift+M",))
        a.add(self, "find", self.tr("&Find in document…"), self.find_in_document, (key.Find, "Ctrl+F"))
        a.add(
            self,
            "find_next",
            self.tr("Find ne&xt"),
            lambda: self._with_view(lambda v: v.find_next()),
            (key.FindNext, "F3"),
        )
        a.add(
            self,
            "find_previous",
            self.tr("Find pre&vious"),
            lambda: self._with_view(lambda v: v.find_previous()),
            (key.FindPrevious, "Shift+F3"),
        )
        a.add(self, "go_to_page", self.tr("&Go to page…"), self.go_to_page, ("Ctrl+G",))
        a.add(
            self,
            "search_all",
            self.tr("&Search all documents…"),
            self.search_all,
            ("Ctrl+Shift+F",),
            icon=icons["search_all"],
        )
        a.add(self, "zoom_in", self.tr("Zoom &in"), lambda: self._zoom(1), (key.ZoomIn, "Ctrl++", "Ctrl+="))
        a.add(self, "zoom_out", self.tr("Zoom &out"), lambda: self._zoom(-1), (key.ZoomOut, "Ctrl+-"))
        a.add(self, "fit_width", self.tr("Fit &width"), lambda: self._set_zoom("fit-width"), ("Ctrl+0",))
        a.add(self, "fit_page", self.tr("Fit &page"), lambda: self._set_zoom("fit-page"), ("Ctrl+9",))
        a.add(
            self,
            "actual_size",
            self.tr("&Actual size"),
            lambda: self._set_zoom("percent", 100.0),
            ("Ctrl+1",),
        )
        a.add(
            self,
            "night",
            self.tr("&Night mode"),
            self._night_toggled,
            ("Ctrl+Shift+N",),
            checkable=True,
            tip=self.tr("Dark pages, pictures in true colours"),
        )
        a.add(
            self,
            "split",
            self.tr("S&plit view"),
            self._split_toggled,
            ("Ctrl+Shift+L",),
            checkable=True,
            tip=self.tr("Two documents side by side"),
        )
        a.add(
            self,
            "full_screen",
            self.tr("&Full screen"),
            self._full_screen,
            (key.FullScreen, "F11"),
            checkable=True,
        )
        a.add(self, "back", self.tr("&Back"), self.go_back, (key.Back, "Alt+Left"), icon=icons["back"])
        a.add(
            self,
            "forward",
            self.tr("&Forward"),
            self.go_forward,
            (key.Forward, "Alt+Right"),
            icon=icons["forward"],
        )
        a.add(self, "next_meeting", self.tr("&Next meeting"), self.show_next_meeting, ("Alt+Home",))
        a.add(self, "next_pane", self.tr("Next &area"), lambda: self._cycle_focus(1), ("F6",))
        a.add(self, "previous_pane", self.tr("Previous a&rea"), lambda: self._cycle_focus(-1), ("Shift+F6",))
        self.annotations.add_actions(a)
        a.add(self, "about", self.tr("&About Gremalda"), self.about, ())
        for action in a.by_name.values():
            self.addAction(action)  # shortcuts work even with the menu bar hidden (full screen)
        return a

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
            width = max(self.centre.width(), 600)
            self.centre.setSizes([int(width * 0.4), width - int(width * 0.4)])

    # --- loading

    def start(self) -> None:
        """Show what the replica holds, then start synchronising (when this window does)."""
        self.refresh()
        if self.sync is not None:
            self.sync.start()

    def refresh(self) -> None:
        """Read the navigation and status again (after a sync), and the folder shown."""
        self.workers.submit(load_navigation, self._navigation_loaded)

    def _navigation_loaded(self, result: NavigationLoaded) -> None:
        navigation, status, oparl = result
        self.navigation_data = navigation
        self.status = status
        self.navigation.populate(navigation, oparl)
        self.status_bar.show_status(status)
        if self._folder_wanted is None:  # nothing shown yet (the first start, or the first sync brought it)
            if not self.show_next_meeting() and self._first_load:
                self.agenda.show_empty()
        else:
            self._reload_folder()
        self._first_load = False
        self.navigationLoaded.emit()

    def show_next_meeting(self) -> bool:
        data = self.navigation_data
        if data is None or data.next_meeting is None:
            return False
        return self.navigation.select(("meeting", data.next_meeting))

    def show_meeting(self, meeting_id: str) -> None:
        self._leave_folder()
        self._folder_request += 1
        request = self._folder_request
        self._folder_wanted = ("meeting", meeting_id)
        self._record(("meeting", meeting_id, 0))
        self.workers.submit(
            load_meeting(meeting_id), lambda result: self._meeting_loaded(request, meeting_id, result)
        )

    def show_efile(self, efile_id: str) -> None:
        if (self.agenda.kind, self.agenda.object_id) == ("efile", efile_id):
            return
        self._leave_folder()
        self._folder_request += 1
        request = self._folder_request
        self._folder_wanted = ("efile", efile_id)
        self._record(("efile", efile_id, 0))
        self.workers.submit(
            load_efile(efile_id), lambda result: self._efile_loaded(request, efile_id, result)
        )

    def _reload_folder(self) -> None:
        """Read the folder last asked for again (not the one shown: a reload must not undo a choice
        whose folder is still loading)."""
        if self._folder_wanted is None:
            return
        kind, object_id = self._folder_wanted
        self._folder_request += 1
        request = self._folder_request
        if kind == "meeting":
            self.workers.submit(
                load_meeting(object_id), lambda result: self._meeting_loaded(request, object_id, result)
            )
        else:
            self.workers.submit(
                load_efile(object_id), lambda result: self._efile_loaded(request, object_id, result)
            )

    def _meeting_loaded(self, request: int, meeting_id: str, result: MeetingLoaded) -> None:
        if request != self._folder_request:
            return
        folder, badges, oparl = result
        if folder is None:  # gone or no longer visible: the next navigation read shows the next meeting
            self._folder_wanted = None
            self.agenda.show_empty()
            return
        self.agenda.show_meeting(folder, badges)
        self._listed = self.agenda.listed_file_ids()
        self.setWindowTitle(f"{folder.meeting.name} — Gremalda")
        self._show_oparl_note(meeting_id, oparl)
        self.folderShown.emit("meeting", meeting_id)

    # --- OParl sources

    def _show_oparl_note(self, meeting_id: str, oparl: OParlMeeting | None) -> None:
        """A meeting of an OParl source says where it comes from; its files not stored yet are fetched
        now (the source's choice "files of a meeting when it is opened")."""
        if oparl is None:
            self.agenda.set_source_note("")
            return
        from gremalda.ui.oparl_dialog import files_on_open

        note = self.tr("From %1 (OParl): read-only.").replace("%1", oparl.source_name)
        fetch = (
            oparl.missing > 0
            and oparl.files == "none"
            and meeting_id not in self._oparl_tried
            and files_on_open(self.preferences.settings, oparl.system_url)
        )
        if meeting_id in self._oparl_fetching or fetch:
            note += " " + self.tr("Fetching %n document(s) of this meeting…", "", oparl.missing)
        elif oparl.missing:
            note += " " + self.tr("%n document(s) not downloaded.", "", oparl.missing)
        self.agenda.set_source_note(note)
        if fetch and meeting_id not in self._oparl_fetching:
            self.fetch_meeting_files(meeting_id)

    def fetch_meeting_files(self, meeting_id: str) -> None:
        """Fetch the files of a meeting of an OParl source off the GUI thread; the agenda is shown again
        when they are stored."""
        self._oparl_fetching.add(meeting_id)
        self._oparl_tried.add(meeting_id)
        paths = self.paths

        def done(_result: object) -> None:
            self._oparl_fetching.discard(meeting_id)
            if (self.agenda.kind, self.agenda.object_id) == ("meeting", meeting_id):
                self._reload_folder()
            self.oparlFilesFetched.emit(meeting_id, None)

        def failed(error: GremaldaError) -> None:
            self._oparl_fetching.discard(meeting_id)
            self.status_bar.notice(error_text(error)[1])
            if (self.agenda.kind, self.agenda.object_id) == ("meeting", meeting_id):
                self._reload_folder()
            self.oparlFilesFetched.emit(meeting_id, error)

        self.oparl_tasks.run(
            "files", lambda stop: fetch_meeting_files(paths, meeting_id, stop=stop), done, failed
        )

    def show_oparl(self) -> None:
        from gremalda.ui.oparl_dialog import OParlDialog

        dialog = self.findChild(OParlDialog)
        if dialog is None:
            dialog = OParlDialog(self.paths, self.preferences.settings, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.sourcesChanged.connect(self._oparl_changed)
        dialog.open()
        dialog.raise_()

    def _oparl_changed(self) -> None:
        self._oparl_tried.clear()
        self.refresh()

    def _efile_loaded(self, request: int, efile_id: str, result: EFileLoaded) -> None:
        if request != self._folder_request:
            return
        tree, badges = result
        if tree is None:
            self._folder_wanted = None
            self.agenda.show_empty()
            return
        self.agenda.show_efile(tree, badges)
        self._listed = self.agenda.listed_file_ids()
        self.setWindowTitle(f"{tree.efile.reference_number or tree.efile.title} — Gremalda")
        self.folderShown.emit("efile", efile_id)

    def _leave_folder(self) -> None:
        """The user moves on: what the agenda listed is no longer new."""
        listed, self._listed = self._listed, []
        if listed:
            self.workers.submit(lambda store: ReadState(store.db).mark_listed(listed))

    # --- documents

    def _new_view(self, parent: QWidget) -> DocumentViewLike:
        view = self._make_view(parent)
        view.set_night_mode(self.night_mode)
        return view

    def open_selected(self, beside: bool = False) -> None:
        focus = QApplication.focusWidget()
        entry = None
        if (focus is not None and self.navigation.isAncestorOf(focus)) or focus is self.navigation:
            entry = self.navigation.current_file()
        entry = entry or self.agenda.current_file()
        if entry is not None:
            self.open_file(entry, beside=beside)

    def open_file(
        self, entry: FileEntry, *, beside: bool = False, page: int | None = None, query: str | None = None
    ) -> DocumentTab | None:
        """Open the document in a tab (beside: in the other half) at ``page`` (default: where the user
        left it), highlighting ``query`` when given."""
        if not entry.stored:
            self.status_bar.notice(
                self.tr("“%1” is not downloaded yet; it arrives with the next synchronisation.").replace(
                    "%1", file_label(entry)
                )
            )
            return None
        tab, load = self.documents.open(entry, beside=beside)
        self._record(("document", entry.id, page or 0))
        if not load:
            if tab.is_loaded and page is not None:
                tab.view.go_to_page(page)
                if query:
                    tab.view.highlight(query, page)
            return tab
        self.workers.submit(
            lambda store: read_document(store, entry.id),
            lambda opened: self._document_read(tab, opened, page, query),
            lambda error: self._document_failed(tab, error),
        )
        return tab

    def _alive(self, tab: DocumentTab) -> bool:
        return any(t is tab for t in self.documents.all_tabs())

    def _document_read(self, tab: DocumentTab, opened: Opened, page: int | None, query: str | None) -> None:
        if not self._alive(tab):
            return
        start = page if page is not None else (opened.last_page or 0)
        tab.entry = opened.entry
        tab.load(opened.data, start)
        if query:
            tab.view.highlight(query, start)
        self.agenda.set_badge(opened.entry.id, Badge.READ)
        self.find_bar.reset()
        self._current_document_changed(self.documents.current_tab())
        self.documentOpened.emit(tab)

    def _document_failed(self, tab: DocumentTab, error: BaseException) -> None:
        if self._alive(tab):
            tab.show_message(error.message if isinstance(error, GremaldaError) else str(error))
        error_reporter.report(error)

    def open_hit(self, file_id: str, page: int, query: str) -> None:
        """A search hit: open the document at the page with the words highlighted."""

        def found(entry: FileEntry | None) -> None:
            if entry is None:
                from gremalda.core.errors import DocumentNotFound

                error_reporter.report(DocumentNotFound())
                return
            self.open_file(entry, page=page, query=query)

        self.workers.submit(lambda store: Library(store.db.conn).file(file_id), found)

    def _save_page(self, tab: DocumentTab, page: int) -> None:
        file_id = tab.entry.id
        self.workers.submit(lambda store: ReadState(store.db).set_last_page(file_id, page))
        if self._history and self._history[-1][:2] == ("document", file_id):
            self._history[-1] = ("document", file_id, page)

    def _tab_closing(self, tab: DocumentTab) -> None:
        for stack, name in ((self.thumbnails, "thumbnails"), (self.outline, "outline")):
            widget = tab.panels.pop(name, None)
            if widget is not None:
                stack.removeWidget(widget)
                widget.deleteLater()

    def _current_document_changed(self, tab: DocumentTab | None) -> None:
        self._update_actions()
        for stack, name in ((self.thumbnails, "thumbnails"), (self.outline, "outline")):
            if tab is None or not tab.is_loaded:
                stack.setCurrentIndex(0)
                continue
            widget = tab.panels.get(name)
            if widget is None:
                view = tab.view
                widget = view.thumbnails_widget() if name == "thumbnails" else view.outline_widget()
                tab.panels[name] = widget
                stack.addWidget(widget)
            stack.setCurrentWidget(widget)
        if tab is not None:
            self.setWindowTitle(f"{tab.title} — Gremalda")

    def _with_view(self, action: Callable[[DocumentViewLike], object]) -> None:
        tab = self.documents.current_tab()
        if tab is not None and tab.is_loaded:
            action(tab.view)

    def find_in_document(self) -> None:
        """Ctrl+F: the view's own find bar when it has one, else the window's."""
        tab = self.documents.current_tab()
        if tab is None or not tab.is_loaded:
            return
        show = getattr(tab.view, "show_find_bar", None)
        if callable(show):
            self.find_bar.hide()
            show()
        else:
            self.find_bar.open_bar()

    def _zoom(self, direction: int) -> None:
        tab = self.documents.current_tab()
        if tab is not None and tab.is_loaded:
            tab.zoom(direction)

    def _set_zoom(self, mode: str, percent: float | None = None) -> None:
        tab = self.documents.current_tab()
        if tab is not None and tab.is_loaded:
            tab.set_zoom(mode, percent)

    def go_to_page(self) -> None:
        tab = self.documents.current_tab()
        if tab is None or not tab.is_loaded:
            return
        count = getattr(tab.info, "page_count", 0) or 1
        page, ok = QInputDialog.getInt(
            self,
            self.tr("Go to page"),
            self.tr("Page (1–%1):").replace("%1", str(count)),
            tab.view.current_page() + 1,
            1,
            max(count, 1),
        )
        if ok:
            tab.view.go_to_page(page - 1)

    def move_current_tab(self) -> None:
        tab = self.documents.current_tab()
        if tab is not None:
            self.documents.move_to_other(tab)

    def _night_toggled(self) -> None:
        self.night_mode = self.actions_["night"].isChecked()
        for tab in self.documents.all_tabs():
            tab.view.set_night_mode(self.night_mode)

    def _split_toggled(self) -> None:
        on = self.actions_["split"].isChecked()
        if on == self.documents.split:
            return
        current = self.documents.current_tab()
        self.documents.set_split(on)
        if on and current is not None and not self.documents.right.count():
            self.open_file(current.entry, beside=True)

    def _split_changed(self, on: bool) -> None:
        action = self.actions_["split"]
        if action.isChecked() != on:
            action.blockSignals(True)
            action.setChecked(on)
            action.blockSignals(False)

    def _full_screen(self) -> None:
        if self.actions_["full_screen"].isChecked():
            self.showFullScreen()
        else:
            self.showNormal()

    def _update_actions(self) -> None:
        tab = self.documents.current_tab()
        has_document = tab is not None
        for name in (
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
        ):
            self.actions_[name].setEnabled(has_document)
        self.actions_["back"].setEnabled(len(self._history) > 1)
        self.actions_["forward"].setEnabled(bool(self._future))
        self._split_changed(self.documents.split)

    # --- history (Alt+Left, Alt+Right)

    def _record(self, place: Place) -> None:
        if self._navigating:
            return
        if self._history and self._history[-1][:2] == place[:2]:
            return
        self._history.append(place)
        del self._history[:-100]
        self._future.clear()
        self._update_actions()

    def go_back(self) -> None:
        if len(self._history) > 1:
            self._future.append(self._history.pop())
            self._go(self._history[-1])

    def go_forward(self) -> None:
        if self._future:
            place = self._future.pop()
            self._history.append(place)
            self._go(place)

    def _go(self, place: Place) -> None:
        kind, object_id, page = place
        self._navigating = True
        try:
            if kind in ("meeting", "efile"):
                self.navigation.select((kind, object_id))
            else:
                tab = self.documents.find_tab(object_id)
                if tab is not None:
                    pane = self.documents.pane_of(tab)
                    pane.setCurrentWidget(tab)
                    if tab.is_loaded:
                        tab.view.go_to_page(page)
                else:
                    self.open_hit_page(object_id, page)
        finally:
            self._navigating = False
        self._update_actions()

    def open_hit_page(self, file_id: str, page: int) -> None:
        def found(entry: FileEntry | None) -> None:
            if entry is not None:
                self._navigating = True
                try:
                    self.open_file(entry, page=page)
                finally:
                    self._navigating = False

        self.workers.submit(lambda store: Library(store.db.conn).file(file_id), found)

    # --- focus areas (F6)

    def _cycle_focus(self, step: int) -> None:
        areas: list[QWidget] = [self.navigation, self.agenda.tree]
        areas += [p for p in self.documents.panes() if p.isVisible() and p.count()]
        if self.search_dock.isVisible():
            areas.append(self.search_dock.widget())
        focus = QApplication.focusWidget()
        current = next(
            (i for i, w in enumerate(areas) if focus is not None and (w is focus or w.isAncestorOf(focus))),
            -1,
        )
        target = areas[(current + step) % len(areas)]
        if target in self.documents.panes():
            widget = cast(Any, target).currentWidget()
            (widget or target).setFocus(Qt.FocusReason.TabFocusReason)
        else:
            target.setFocus(Qt.FocusReason.TabFocusReason)

    def _panel_call(self, name: str) -> None:
        method = getattr(self.search_panel, name, None) if self.search_panel is not None else None
        if callable(method):
            method()

    def search_all(self) -> None:
        self.search_dock.show()
        self.search_dock.raise_()
        panel = self.search_panel
        focus_query = getattr(panel, "focus_query", None) if panel is not None else None
        if callable(focus_query):
            focus_query()
        else:
            self.search_dock.widget().setFocus()

    # --- sync

    def sync_now(self) -> None:
        if self.sync is not None:
            self.sync.sync_now()

    def _sync_started(self, _requested: bool) -> None:
        self.status_bar.sync_started()

    def _sync_finished(self, result: SyncResult) -> None:
        self.status_bar.sync_stopped()
        self.status_bar.set_online(True)
        arrivals = result.arrivals
        if arrivals:
            text = self.arrivals_text(len(arrivals.new), len(arrivals.changed))
            self.notice.show_notice(text)
            self.status_bar.notice(text)
        self._panel_call("refresh")  # the search panel reads the filters' choices again
        for source in result.sources:
            if source.error:
                self.status_bar.notice(
                    self.tr("%1 could not be synchronised: %2")
                    .replace("%1", source.source.name or source.source.system_url)
                    .replace("%2", source.error)
                )
        failures = result.outcome.sync.failures if result.outcome is not None else ()
        if failures:
            self.status_bar.notice(
                self.tr(
                    "%n document(s) could not be downloaded; they are tried again later.", "", len(failures)
                )
            )
        self.refresh()

    def arrivals_text(self, new: int, changed: int) -> str:
        new_text = self.tr("%n new document(s)", "", new)
        changed_text = self.tr("%n changed document(s)", "", changed)
        if new and changed:
            return self.tr("%1 and %2 arrived.").replace("%1", new_text).replace("%2", changed_text)
        return self.tr("%1 arrived.").replace("%1", new_text if new else changed_text)

    def _sync_failed(self, error: GremaldaError, requested: bool) -> None:
        self.status_bar.sync_stopped()
        if is_offline(error):
            self.status_bar.set_online(False)
            self.status_bar.notice(
                self.tr("Offline: the server could not be reached. Your documents stay readable.")
            )
            if requested:
                error_reporter.report(error)
            return
        if isinstance(error, NotSignedIn):
            self.status_bar.set_online(False)
            self.ask_sign_in()
            return
        error_reporter.report(error)

    def ask_sign_in(self) -> None:
        """The server ended this device's sign-in: ask for the password (server and user as before)."""
        self.workers.submit(lambda store: Library(store.db.conn).status(), self._show_sign_in)

    def _show_sign_in(self, status: ReplicaStatus) -> None:
        from gremalda.ui.login_dialog import LoginDialog

        if self.findChild(LoginDialog) is not None or self._closing:
            return
        dialog = LoginDialog(
            self.paths, self, server=status.server_url or "", user=status.username or "", first_run=False
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.sync_now)
        dialog.open()

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
        if not self._closing:
            self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Save the read positions and what was listed, stop syncing, close the workers and the views."""
        if self._closing:
            return
        self._closing = True
        for tab in list(self.documents.all_tabs()):
            tab.flush_page()
        self._leave_folder()
        self.preferences.save_window_state(self.saveGeometry(), self.saveState())
        self.preferences.sync()
        if self.sync is not None:
            self.sync.stop()
        self._panel_call("shutdown")
        self.oparl_tasks.close()
        self.clerk.close()
        self.workers.close()
        self.documents.close_all()
        self.annotations.close()  # after the views: what they saved on closing is written
        self._close_views()
