"""The window's annotation exports and imports: the annotated PDF, XFDF out and in, the notes summary
of a meeting and the orphans' XFDF, with the file dialogs and the prompt for a document's password.

Every job runs on the annotation model's writer (one thread), after the writes queued before it, so an
export holds every annotation made until the command was given. Errors go to the error reporter,
success to the status bar and the commands' ``exported``/``imported`` signals. A document protected by a
password is asked for it (again when it is wrong; Cancel leaves everything as it was), as the CLI takes
it with --password-stdin. The texts keep the translation context of :class:`AnnotationCommands`, whose
part this was; those with a plural form are its methods (pyside6-lupdate marks only ``self.tr`` calls
as such)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QLocale, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit

from gremalda.files import read_limited, write_atomically
from gremalda.pdf.annotated import PasswordRequired
from gremalda.store.replica import Store
from gremalda.ui import error_reporter

if TYPE_CHECKING:
    from gremalda.core.annotations.exchange import ImportCounts, PdfExport
    from gremalda.ui.annotation_commands import AnnotationCommands
    from gremalda.ui.document_area import DocumentTab
    from gremalda.ui.orphan_dialog import Orphan

translate = QCoreApplication.translate  # context "AnnotationCommands": the strings' context from before

MAX_IMPORT_BYTES = 64 * 1024 * 1024  # an XFDF file larger than this is not one


def safe_file_name(text: str, fallback: str) -> str:
    """``text`` as a file name: no path separators or control characters, not too long."""
    name = re.sub(r'[\x00-\x1f<>:"/\\|?*]+', " ", text).strip(" .")
    return (" ".join(name.split())[:120] or fallback).strip()


class AnnotationExchange:
    """See the module docstring; made by (and reporting through) the window's :class:`AnnotationCommands`."""

    def __init__(self, commands: AnnotationCommands) -> None:
        self.commands = commands
        self.window = commands.window
        self._last_dir = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        self.password_dialog: QInputDialog | None = None  # asking for a document's password

    # --- running

    def ask_path(
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
            self.window.status_bar.notice(translate("AnnotationCommands", "Open a document first."))
        return tab

    def _run(self, job: Callable[[Store], Any], done: Callable[[Any], None]) -> None:
        self.window.status_bar.notice(translate("AnnotationCommands", "Working…"))
        self.commands.writer.submit(job, done, self._failed)

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

        self.window.status_bar.notice(translate("AnnotationCommands", "Working…"))
        self.commands.writer.submit(lambda store: job(store, password), done, failed)

    def _ask_password(self, wrong: bool, then: Callable[[str], None]) -> QInputDialog:
        """Ask for the document's password (not blocking); ``then(password)`` when it is given."""
        if self.password_dialog is not None:
            self.password_dialog.reject()
        dialog = QInputDialog(self.window)
        dialog.setObjectName("documentPasswordDialog")
        dialog.setWindowTitle(translate("AnnotationCommands", "Document password"))
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setLabelText(
            translate("AnnotationCommands", "The password is wrong. Enter the document's password again:")
            if wrong
            else translate(
                "AnnotationCommands", "This document is protected by a password. Enter its password:"
            )
        )
        dialog.setOkButtonText(translate("AnnotationCommands", "OK"))
        dialog.setCancelButtonText(translate("AnnotationCommands", "Cancel"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.password_dialog = dialog

        def finished(result: int) -> None:
            if self.password_dialog is dialog:
                self.password_dialog = None
            if result == QInputDialog.DialogCode.Accepted:
                then(dialog.textValue())
            else:
                self.window.status_bar.notice(
                    translate("AnnotationCommands", "Cancelled: nothing was changed.")
                )

        dialog.finished.connect(finished)
        dialog.open()
        return dialog

    def _saved(self, target: Path) -> None:
        self.window.status_bar.notice(
            translate("AnnotationCommands", "Saved as %1.").replace("%1", str(target))
        )
        self.commands.exported.emit(str(target))

    # --- the annotated PDF

    def ask_export_pdf(self) -> None:
        tab = self._current()
        if tab is not None:
            title = translate("AnnotationCommands", "%1 (annotated)").replace("%1", tab.title)
            pdf = translate("AnnotationCommands", "PDF documents (*.pdf)")
            self.ask_path(
                translate("AnnotationCommands", "Export annotated PDF"),
                safe_file_name(title, "annotated") + ".pdf",
                [pdf],
                "pdf",
                True,
                lambda target: self.export_pdf(tab.entry.id, target),
            )

    def export_pdf(self, file_id: str, target: Path, include_others: bool = True) -> None:
        """Write the document with its annotations as PDF annotations to ``target``."""
        from gremalda.core.annotations import exchange

        def job(store: Store, password: str | None) -> PdfExport:
            return exchange.export_pdf(
                store, file_id, target, include_others=include_others, password=password
            )

        def done(result: PdfExport) -> None:
            self.window.status_bar.notice(self.commands.pdf_saved_text(result.target, result.written))
            self.commands.exported.emit(str(result.target))

        self._run_protected(job, done)

    # --- XFDF

    def ask_export_xfdf(self) -> None:
        tab = self._current()
        if tab is not None:
            self.ask_path(
                translate("AnnotationCommands", "Export XFDF"),
                safe_file_name(tab.title, "annotations") + ".xfdf",
                [translate("AnnotationCommands", "XFDF annotations (*.xfdf)")],
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
            self.ask_path(
                translate("AnnotationCommands", "Import XFDF"),
                "",
                [
                    translate("AnnotationCommands", "XFDF annotations (*.xfdf)"),
                    translate("AnnotationCommands", "All files (*)"),
                ],
                "xfdf",
                False,
                lambda source: self.import_xfdf(tab.entry.id, source),
            )

    def import_xfdf(self, file_id: str, source: Path) -> None:
        """Add the annotations of the XFDF file ``source`` to the document (as the user's own)."""
        from gremalda.core.annotations import exchange

        model = self.commands.model
        if not model.ready:
            self.window.status_bar.notice(
                translate("AnnotationCommands", "Sign in first: annotations need an account.")
            )
            return
        user_id, author_name, device = model.user_id, model.author_name, model.device

        def job(store: Store, password: str | None) -> ImportCounts:
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

        def done(counts: ImportCounts) -> None:
            model.refresh([file_id])
            self.window.status_bar.notice(self.commands.import_text(counts))
            self.commands.imported.emit(counts)

        self._run_protected(job, done)

    # --- the meeting's notes, the orphans

    def ask_meeting_summary(self) -> None:
        agenda = self.window.agenda
        if agenda.kind != "meeting" or not agenda.object_id:
            self.window.status_bar.notice(translate("AnnotationCommands", "Choose a meeting first."))
            return
        meeting_id = agenda.object_id
        name = translate("AnnotationCommands", "Notes %1").replace("%1", agenda.title.text())
        self.ask_path(
            translate("AnnotationCommands", "Notes summary of this meeting"),
            safe_file_name(name, "notes") + ".pdf",
            [translate("AnnotationCommands", "PDF documents (*.pdf)")],
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

    @staticmethod
    def orphans_xfdf(orphans: list[Orphan], target: Path) -> Callable[[Store], object]:
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
