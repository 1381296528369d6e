"""The window's annotation commands: the one :class:`AnnotationModel` of the window and its writer
thread, the annotation panel, the Annotations menu (export an annotated PDF, export and import XFDF, the
notes summary of a meeting, the orphaned annotations) and the glue to the rest of the window (the
current document and folder, the sync pass, the status bar's pending count).

Every export and import runs on the model's writer (one thread), after the writes queued before it, so
an export holds every annotation made until the command was given. Errors go to the error reporter,
success to the status bar. A document protected by a password is asked for it (again when it is wrong;
Cancel leaves everything as it was), as the CLI takes it with --password-stdin."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, QObject, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit

from gremalda.core.library import Library
from gremalda.errors import GremaldaError
from gremalda.files import read_limited, write_atomically
from gremalda.pdf.annotated import PasswordRequired
from gremalda.store.replica import Store
from gremalda.ui import error_reporter
from gremalda.ui.actions import Actions
from gremalda.ui.annotation_panel import AnnotationPanel
from gremalda.ui.annotations.model import AnnotationModel
from gremalda.ui.document_area import DocumentTab
from gremalda.ui.workers import ReplicaWorkers

if TYPE_CHECKING:
    from gremalda.core.annotations.exchange import ImportCounts
    from gremalda.core.records import FileEntry
    from gremalda.ui.main_window import MainWindow
    from gremalda.ui.orphan_dialog import Orphan, OrphanDialog
    from gremalda.ui.sync_bridge import SyncBridge

log = logging.getLogger(__name__)
MAX_IMPORT_BYTES = 64 * 1024 * 1024  # an XFDF file larger than this is not one

ACTION_NAMES = ("annotations_panel", "export_pdf", "export_xfdf", "import_xfdf", "meeting_summary", "orphans")


class DocumentGone(GremaldaError):
    """An annotation's document is not on this device any more (see the orphaned annotations)."""

    title = "Document not on this device"
    default_message = (
        "The document of this annotation is no longer on this device. The annotation is kept: see "
        "Annotations → Orphaned annotations."
    )


def safe_file_name(text: str, fallback: str) -> str:
    """``text`` as a file name: no path separators or control characters, not too long."""
    name = re.sub(r'[\x00-\x1f<>:"/\\|?*]+', " ", text).strip(" .")
    return (" ".join(name.split())[:120] or fallback).strip()


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
        self.model = AnnotationModel(window.paths, self, workers=self.writer)
        self.panel = AnnotationPanel(self.model, window)
        self.sync: SyncBridge | None = None
        self._last_dir = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        self._select_when_open: tuple[str, str] | None = None  # (file id, annotation id)
        self._orphans_known = 0  # orphaned or flagged annotations when last counted
        self._closed = False
        self.password_dialog: QInputDialog | None = None  # asking for a document's password

    # --- construction

    def add_actions(self, a: Actions) -> None:
        w = self.window
        a.add(
            w,
            "annotations_panel",
            self.tr("Annotations &panel"),
            self.show_panel,
            ("Ctrl+Shift+A",),
            tip=self.tr("The annotations of this document or meeting"),
        )
        a.add(
            w,
            "export_pdf",
            self.tr("Export annotated &PDF…"),
            self.ask_export_pdf,
            (),
            tip=self.tr("Save this document with its annotations as real PDF annotations"),
        )
        a.add(
            w,
            "export_xfdf",
            self.tr("Export &XFDF…"),
            self.ask_export_xfdf,
            (),
            tip=self.tr("Save this document's annotations as XFDF for other PDF programs"),
        )
        a.add(
            w,
            "import_xfdf",
            self.tr("&Import XFDF…"),
            self.ask_import_xfdf,
            (),
            tip=self.tr("Add the annotations of an XFDF file to this document"),
        )
        a.add(
            w,
            "meeting_summary",
            self.tr("Notes &summary of this meeting (PDF)…"),
            self.ask_meeting_summary,
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
        if count > self._orphans_known:
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
        """Show the annotation: its document (opened when it is not), at its page, selected."""
        w = self.window
        tab = w.documents.find_tab(file_id)
        if tab is not None and tab.is_loaded:
            pane = w.documents.pane_of(tab)
            pane.setCurrentWidget(tab)
            tab.view.go_to_page(page)
            self._select(tab, annotation_id)
            return

        def found(entry: FileEntry | None) -> None:
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

    # --- files

    def _ask_path(
        self, title: str, name: str, filters: list[str], suffix: str, save: bool, then: Callable[[Path], None]
    ) -> QFileDialog:
        """A file dialog (not blocking: the window goes on); ``then(path)`` when a file is chosen."""
        dialog = QFileDialog(self.window, title, self._last_dir)
        dialog.setObjectName("annotationFileDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile if save else QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters(filters)
        dialog.setDefaultSuffix(suffix)
        if name:
            dialog.selectFile(name)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def chosen(path: str) -> None:
            target = Path(path)
            self._last_dir = str(target.parent)
            then(target)

        dialog.fileSelected.connect(chosen)
        dialog.open()
        return dialog

    def _current(self) -> DocumentTab | None:
        tab = self.window.documents.current_tab()
        if tab is None:
            self.window.status_bar.notice(self.tr("Open a document first."))
        return tab

    def _run(self, job: Callable[[Store], Any], done: Callable[[Any], None]) -> None:
        self.window.status_bar.notice(self.tr("Working…"))
        self.writer.submit(job, done, self._failed)

    def _failed(self, error: BaseException) -> None:
        self.window.status_bar.clearMessage()
        error_reporter.report(error)

    def _run_protected(
        self,
        job: Callable[[Store, str | None], Any],
        done: Callable[[Any], None],
        password: str | None = None,
    ) -> None:
        """Run ``job(store, password)``; when the document needs a password (or the one given is wrong),
        ask for it and run the job again with it. Cancel: nothing was done."""

        def failed(error: BaseException) -> None:
            if not isinstance(error, PasswordRequired):
                self._failed(error)
                return
            self.window.status_bar.clearMessage()
            wrong = error.wrong or password is not None
            self._ask_password(wrong, lambda given: self._run_protected(job, done, given))

        self.window.status_bar.notice(self.tr("Working…"))
        self.writer.submit(lambda store: job(store, password), done, failed)

    def _ask_password(self, wrong: bool, then: Callable[[str], None]) -> QInputDialog:
        """Ask for the document's password (not blocking); ``then(password)`` when it is given."""
        if self.password_dialog is not None:
            self.password_dialog.reject()
        dialog = QInputDialog(self.window)
        dialog.setObjectName("documentPasswordDialog")
        dialog.setWindowTitle(self.tr("Document password"))
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setLabelText(
            self.tr("The password is wrong. Enter the document's password again:")
            if wrong
            else self.tr("This document is protected by a password. Enter its password:")
        )
        dialog.setOkButtonText(self.tr("OK"))
        dialog.setCancelButtonText(self.tr("Cancel"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.password_dialog = dialog

        def finished(result: int) -> None:
            if self.password_dialog is dialog:
                self.password_dialog = None
            if result == QInputDialog.DialogCode.Accepted:
                then(dialog.textValue())
            else:
                self.window.status_bar.notice(self.tr("Cancelled: nothing was changed."))

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def _saved(self, target: Path) -> None:
        self.window.status_bar.notice(self.tr("Saved as %1.").replace("%1", str(target)))
        self.exported.emit(str(target))

    def ask_export_pdf(self) -> None:
        tab = self._current()
        if tab is not None:
            name = safe_file_name(self.tr("%1 (annotated)").replace("%1", tab.title), "annotated")
            pdf = self.tr("PDF documents (*.pdf)")
            self._ask_path(
                self.tr("Export annotated PDF"),
                name + ".pdf",
                [pdf],
                "pdf",
                True,
                lambda target: self.export_pdf(tab.entry.id, target),
            )

    def export_pdf(self, file_id: str, target: Path, include_others: bool = True) -> None:
        """Write the document with its annotations as PDF annotations to ``target``."""
        from gremalda.core.annotations import exchange

        def job(store: Store, password: str | None) -> exchange.PdfExport:
            return exchange.export_pdf(
                store, file_id, target, include_others=include_others, password=password
            )

        def done(result: exchange.PdfExport) -> None:
            text = self.tr("Saved as %1 with %n annotation(s).", "", result.written)
            self.window.status_bar.notice(text.replace("%1", str(result.target)))
            self.exported.emit(str(result.target))

        self._run_protected(job, done)

    def ask_export_xfdf(self) -> None:
        tab = self._current()
        if tab is not None:
            self._ask_path(
                self.tr("Export XFDF"),
                safe_file_name(tab.title, "annotations") + ".xfdf",
                [self.tr("XFDF annotations (*.xfdf)")],
                "xfdf",
                True,
                lambda target: self.export_xfdf(tab.entry.id, target),
            )

    def export_xfdf(self, file_id: str, target: Path) -> None:
        from gremalda.core.annotations import exchange

        def job(store: Store, password: str | None) -> Path:
            write_atomically(target, exchange.export_xfdf(store, file_id, password=password))
            return target

        self._run_protected(job, self._saved)

    def ask_import_xfdf(self) -> None:
        tab = self._current()
        if tab is not None:
            self._ask_path(
                self.tr("Import XFDF"),
                "",
                [self.tr("XFDF annotations (*.xfdf)"), self.tr("All files (*)")],
                "xfdf",
                False,
                lambda source: self.import_xfdf(tab.entry.id, source),
            )

    def import_xfdf(self, file_id: str, source: Path) -> None:
        """Add the annotations of the XFDF file ``source`` to the document (as the user's own)."""
        from gremalda.core.annotations import exchange

        model = self.model
        if not model.ready:
            self.window.status_bar.notice(self.tr("Sign in first: annotations need an account."))
            return
        user_id, author_name, device = model.user_id, model.author_name, model.device

        def job(store: Store, password: str | None) -> exchange.ImportCounts:
            data = read_limited(source, MAX_IMPORT_BYTES)
            return exchange.import_xfdf(
                store,
                file_id,
                data,
                user_id=user_id,
                author_name=author_name,
                device=device,
                password=password,
            )

        def done(counts: exchange.ImportCounts) -> None:
            model.refresh([file_id])
            self.window.status_bar.notice(self.import_text(counts))
            self.imported.emit(counts)

        self._run_protected(job, done)

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

    def ask_meeting_summary(self) -> None:
        agenda = self.window.agenda
        if agenda.kind != "meeting" or not agenda.object_id:
            self.window.status_bar.notice(self.tr("Choose a meeting first."))
            return
        meeting_id = agenda.object_id
        name = self.tr("Notes %1").replace("%1", agenda.title.text())
        self._ask_path(
            self.tr("Notes summary of this meeting"),
            safe_file_name(name, "notes") + ".pdf",
            [self.tr("PDF documents (*.pdf)")],
            "pdf",
            True,
            lambda target: self.meeting_summary(meeting_id, target),
        )

    def meeting_summary(self, meeting_id: str, target: Path) -> None:
        from gremalda.core.annotations import exchange

        language = "de" if QLocale().language() == QLocale.Language.German else "en"

        def job(store: Store) -> Path:
            write_atomically(target, exchange.meeting_summary(store, meeting_id, language=language))
            return target

        self._run(job, self._saved)

    # --- orphans

    def show_orphans(self) -> OrphanDialog:
        from gremalda.ui.orphan_dialog import OrphanDialog

        dialog = self.window.findChild(OrphanDialog)
        if dialog is None:
            dialog = OrphanDialog(self.model, self.writer, self.window, export_xfdf=self._orphans_xfdf)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.deleted.connect(lambda _count: self.refresh())
        else:
            dialog.reload()
        dialog.open()
        dialog.raise_()
        return dialog

    def _orphans_xfdf(self, orphans: list[Orphan], target: Path) -> Callable[[Store], object]:
        """The job writing the orphans' XFDF: one file per document (``name-<file id>.xfdf`` when they
        belong to several)."""
        from gremalda.core.annotations import exchange

        file_ids = sorted({o.annotation.file_id for o in orphans})

        def job(store: Store) -> list[Path]:
            written = []
            for file_id in file_ids:
                path = target if len(file_ids) == 1 else target.with_name(f"{target.stem}-{file_id}.xfdf")
                write_atomically(path, exchange.export_xfdf(store, file_id))
                written.append(path)
            return written

        return job
