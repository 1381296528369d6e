"""The window's annotation commands: the one :class:`AnnotationModel` of the window and its writer
thread, the annotation panel, the Annotations menu (export an annotated PDF, export and import XFDF, the
notes summary of a meeting, the orphaned annotations) and the glue to the rest of the window (the
current document and folder, the sync pass, the status bar's pending count).

The exports and imports (their file dialogs, jobs on the writer and the prompt for a document's
password) are :class:`~gremalda.ui.annotation_exchange_commands.AnnotationExchange`; their results are
this object's ``exported``/``imported`` signals."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QInputDialog

from gremalda.core.library import Library
from gremalda.errors import GremaldaError
from gremalda.ui import error_reporter
from gremalda.ui.actions import Actions
from gremalda.ui.annotation_exchange_commands import AnnotationExchange
from gremalda.ui.annotation_panel import AnnotationPanel
from gremalda.ui.annotations.model import AnnotationModel
from gremalda.ui.document_area import DocumentTab
from gremalda.ui.workers import ReplicaWorkers

if TYPE_CHECKING:
    from gremalda.core.annotations.exchange import ImportCounts
    from gremalda.core.records import FileEntry
    from gremalda.ui.main_window import MainWindow
    from gremalda.ui.orphan_dialog import OrphanDialog
    from gremalda.ui.sync_bridge import SyncBridge

log = logging.getLogger(__name__)

ACTION_NAMES = ("annotations_panel", "export_pdf", "export_xfdf", "import_xfdf", "meeting_summary", "orphans")


class DocumentGone(GremaldaError):
    """An annotation's document is not on this device any more (see the orphaned annotations)."""

    title = "Document not on this device"
    default_message = (
        "The document of this annotation is no longer on this device. The annotation is kept: see "
        "Annotations → Orphaned annotations."
    )


class AnnotationCommands(QObject):
    """See the module docstring. Made by the window before its document area (the views get the
    model); :meth:`attach` wires it once the window is built."""

    exported = Signal(str)  # a file written by an export
    imported = Signal(object)  # what an XFDF import reported
    annotationShown = Signal(str)  # noqa: N815 (Qt's naming) - the annotation opened from the panel

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.writer = ReplicaWorkers(window.paths, threads=1, parent=self)
        self.model = AnnotationModel(
            window.paths, self, workers=self.writer, settings=window.preferences.settings
        )
        self.panel = AnnotationPanel(self.model, window)
        self.sync: SyncBridge | None = None
        self._select_when_open: tuple[str, str] | None = None  # (file id, annotation id)
        self._shown_request = 0  # the annotation last asked to be shown (an older look-up is dropped)
        self._orphans_known: int | None = None  # orphaned or flagged annotations when last counted
        self._closed = False
        self.exchange = AnnotationExchange(self)  # the exports and imports, the password prompt

    # --- construction

    def add_actions(self, a: Actions) -> None:
        w = self.window
        a.add(
            w,
            "annotations_panel",
            self.tr("&Annotations panel"),
            self.show_panel,
            ("Ctrl+Shift+A",),
            tip=self.tr("The annotations of this document or meeting"),
        )
        a.add(
            w,
            "export_pdf",
            self.tr("Export annotated &PDF…"),
            self.exchange.ask_export_pdf,
            (),
            tip=self.tr("Save this document with its annotations as real PDF annotations"),
        )
        a.add(
            w,
            "export_xfdf",
            self.tr("Export &XFDF…"),
            self.exchange.ask_export_xfdf,
            (),
            tip=self.tr("Save this document's annotations as XFDF for other PDF programs"),
        )
        a.add(
            w,
            "import_xfdf",
            self.tr("&Import XFDF…"),
            self.exchange.ask_import_xfdf,
            (),
            tip=self.tr("Add the annotations of an XFDF file to this document"),
        )
        a.add(
            w,
            "meeting_summary",
            self.tr("Notes &summary of this meeting (PDF)…"),
            self.exchange.ask_meeting_summary,
            (),
            tip=self.tr("All notes of this meeting's documents as one PDF (page, item, text, date)"),
        )
        a.add(
            w,
            "orphans",
            self.tr("&Orphaned annotations…"),
            self.show_orphans,
            (),
            tip=self.tr("Annotations kept whose document is gone or changed"),
        )

    def attach(self, sync: SyncBridge | None) -> None:
        """Wire the commands to the window (its documents, folder, sync and status bar)."""
        w = self.window
        self.sync = sync
        w.documents.set_annotation_model(self.model)  # every document view shows and edits through it
        w.documents.currentChanged.connect(self._current_document_changed)
        w.documentOpened.connect(self._document_opened)
        w.folderShown.connect(self._folder_shown)
        self.panel.openAnnotation.connect(self.open_annotation)
        self.model.pendingChanged.connect(self._pending_changed)
        self.model.saveFailed.connect(w.status_bar.notice)
        if sync is not None:
            sync.finished.connect(lambda _result: self.refresh())
            sync.outboxChanged.connect(self.model.count_outbox)  # the one count, read again
        self.update_actions()
        self.count_orphans()

    def close(self) -> None:
        """Finish the queued writes and stop the writer (the window closes)."""
        if not self._closed:
            self._closed = True
            self.model.close()

    # --- following the window

    def update_actions(self) -> None:
        actions = self.window.actions_
        tab = self.window.documents.current_tab()
        for name in ("export_pdf", "export_xfdf", "import_xfdf"):
            actions[name].setEnabled(tab is not None)
        actions["meeting_summary"].setEnabled(self.window.agenda.kind == "meeting")

    def _current_document_changed(self, tab: DocumentTab | None) -> None:
        if tab is None:
            self.panel.set_document(None)
        else:
            self.panel.set_document(tab.entry.id, tab.title)
        self.update_actions()

    def _folder_shown(self, kind: str, _object_id: str) -> None:
        self.panel.set_folder(kind, self.window.agenda.files())
        self.update_actions()

    def refresh(self) -> None:
        """After a sync pass: read the annotations of the documents in view again (others' arrived,
        merges), and the outbox count."""
        ids = [tab.entry.id for tab in self.window.documents.all_tabs()]
        self.model.refresh([*ids, *self.panel.file_ids()])
        self.count_orphans()

    def count_orphans(self) -> None:
        """Tell (in the status bar) when annotations lost their place: nothing goes unnoticed."""
        from gremalda.ui.orphan_dialog import find_orphans

        find = find_orphans(self.model.user_id)
        self.writer.submit(
            lambda store: len(find(store)),
            self._orphans_counted,
            lambda error: log.warning("orphaned annotations not counted: %s", error),
        )

    def _orphans_counted(self, count: int) -> None:
        self.window.status_bar.set_orphans(count)  # lasting; its click opens the dialog (document_versions)
        # told when more lose their place later; at the start the button says it (a notice repeated it)
        if self._orphans_known is not None and count > self._orphans_known:
            self.window.status_bar.notice(
                self.tr(
                    "%n annotation(s) kept without their place: see Annotations → Orphaned annotations.",
                    "",
                    count,
                )
            )
        self._orphans_known = count

    def _pending_changed(self, count: int) -> None:
        """The model's count changed (a local save, or read again): shown; pushed soon when some wait."""
        self.window.status_bar.set_pending(count)
        if count and self.sync is not None:
            self.sync.push_soon()

    # --- the panel

    def show_panel(self) -> None:
        dock = self.window.annotation_dock
        dock.show()
        dock.raise_()
        self.panel.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def open_annotation(self, file_id: str, page: int, annotation_id: str) -> None:
        """Show the annotation: its document (opened when it is not), at its page, selected. The last one
        asked for wins: a look-up of an earlier one (the workers are several threads) that lands later
        opens nothing."""
        w = self.window
        self._shown_request += 1
        request = self._shown_request
        self._select_when_open = None  # an earlier annotation's document still opening: not selected
        tab = w.documents.find_tab(file_id)
        if tab is not None and tab.is_loaded:
            pane = w.documents.pane_of(tab)
            pane.setCurrentWidget(tab)
            tab.view.go_to_page(page)
            self._select(tab, annotation_id)
            return

        def found(entry: FileEntry | None) -> None:
            if request != self._shown_request:
                return  # another annotation was asked for since
            if entry is None:
                error_reporter.report(DocumentGone())
                return
            self._select_when_open = (file_id, annotation_id)
            opened = w.open_file(entry, page=page)
            if opened is None:
                self._select_when_open = None
            elif opened.is_loaded:
                self._select_when_open = None
                self._select(opened, annotation_id)

        w.workers.submit(lambda store: Library(store.db.conn).file(file_id), found)

    def _document_opened(self, tab: DocumentTab) -> None:
        self._follow_selection(tab)
        wanted = self._select_when_open
        if wanted is not None and wanted[0] == tab.entry.id:
            self._select_when_open = None
            self._select(tab, wanted[1])

    def _follow_selection(self, tab: DocumentTab) -> None:
        """The panel shows which annotation is selected in the document view (once per view's tools)."""
        tools_of = getattr(tab.view, "annotation_tools", None)
        tools = tools_of() if callable(tools_of) else None
        if isinstance(tools, QObject) and not tools.property("followedByPanel"):
            tools.setProperty("followedByPanel", True)
            tools.selectionChanged.connect(self._selected_in_view)  # type: ignore[attr-defined]

    def _selected_in_view(self, annotation_id: str) -> None:
        if annotation_id:
            self.panel.select(annotation_id)

    def _select(self, tab: DocumentTab, annotation_id: str) -> None:
        select = getattr(tab.view, "select_annotation", None)
        if callable(select):
            select(annotation_id)
        self.panel.select(annotation_id)
        self.annotationShown.emit(annotation_id)

    # --- exports and imports (annotation_exchange_commands)

    @property
    def password_dialog(self) -> QInputDialog | None:
        """The prompt for a document's password while one is open."""
        return self.exchange.password_dialog

    def export_pdf(self, file_id: str, target: Path, include_others: bool = True) -> None:
        self.exchange.export_pdf(file_id, target, include_others)

    def export_xfdf(self, file_id: str, target: Path) -> None:
        self.exchange.export_xfdf(file_id, target)

    def import_xfdf(self, file_id: str, source: Path) -> None:
        self.exchange.import_xfdf(file_id, source)

    def meeting_summary(self, meeting_id: str, target: Path) -> None:
        self.exchange.meeting_summary(meeting_id, target)

    # texts of the exports and imports with a plural form (pyside6-lupdate marks only ``self.tr`` calls)

    def pdf_saved_text(self, target: Path, written: int) -> str:
        """An annotated PDF was written, for the status bar."""
        return self.tr("Saved as %1 with %n annotation(s).", "", written).replace("%1", str(target))

    def import_text(self, counts: ImportCounts) -> str:
        """What an import did, for the status bar."""
        text = self.tr("XFDF imported: %n new annotation(s)", "", counts.created)
        if counts.updated:
            text += ", " + self.tr("%n changed", "", counts.updated)
        if counts.unchanged:
            text += ", " + self.tr("%n unchanged", "", counts.unchanged)
        if counts.read_only:
            text += ", " + self.tr("%n of others left as they are", "", counts.read_only)
        unsupported = sum(counts.unsupported.values())
        if unsupported:
            text += ", " + self.tr("%n of kinds Gremalda does not have skipped", "", unsupported)
        return text + "."

    # --- orphans

    def show_orphans(self) -> OrphanDialog:
        from gremalda.ui.orphan_dialog import OrphanDialog

        dialog = self.window.findChild(OrphanDialog)
        if dialog is None:
            dialog = OrphanDialog(
                self.model, self.writer, self.window, export_xfdf=self.exchange.orphans_xfdf
            )
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.deleted.connect(lambda _count: self.refresh())
        else:
            dialog.reload()
        dialog.open()
        dialog.raise_()
        return dialog
