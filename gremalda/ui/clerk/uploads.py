"""Documents on their way into a meeting folder: each file is preflighted first (its report shown:
pages, encryption, damage, text or scan), a refused one shows the reason and is not uploaded; the others
are uploaded off the GUI thread with progress and can be stopped (attaching the same file again resumes
where it stopped: the service keeps the upload's state). A file checked when it arrived in the hot folder
and unchanged since (same size, modification time and sha256) is not checked a second time. After an
upload, :attr:`UploadQueue.attachedVersion` says which version of the file was uploaded, and whether the
file still is that version (the hot folder's inbox moves it away only then)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.clerk import ClerkService
from gremalda.core.clerk.attach import Fingerprint, KnownReports, fingerprint
from gremalda.core.clerk.errors import UploadStopped
from gremalda.errors import GremaldaError
from gremalda.pdf.preflight import PreflightReport
from gremalda.ui import error_reporter
from gremalda.ui.clerk.list_style import ToneItem, list_height
from gremalda.ui.clerk.runner import ClerkRunner
from gremalda.ui.clerk_texts import finding_text
from gremalda.ui.error_texts import error_text

SHOWN_LINES = 6  # the upload list is at least this many lines tall (~4 entries, some wrapped)


@dataclass(frozen=True)
class Request:
    """One document to attach: where it goes and as what."""

    path: Path
    owner_kind: str  # meeting | agenda_item
    owner_id: str
    role: str = "main"
    change_note: str = ""
    supersedes_id: str | None = None  # a replacement of this file


class UploadQueue(QWidget):
    """The list of documents checked and uploaded in this session, the running upload's progress and
    its Stop button. ``attached(file_id)`` after each success, ``refused(path, reason)`` for each refusal."""

    attached = Signal(str)
    attachedFile = Signal(str, str)  # path, file id (after ``attached``)  # noqa: N815 (Qt's naming)
    # path, the Fingerprint of the version uploaded when the file still is that version, else None (it
    # changed since it was read for the upload); before ``attachedFile``
    attachedVersion = Signal(str, object)  # noqa: N815 (Qt's naming)
    refused = Signal(str, str)  # path, reason
    checked = Signal(str, object)  # path, PreflightReport

    def __init__(self, runner: ClerkRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clerkUploads")
        self.runner = runner
        # checks on the runner's thread; told the arrival checks' reports (from their thread)
        self.known = KnownReports()
        self._stops: list[threading.Event] = []  # of the uploads queued or running
        self.list = QListWidget(self)
        self.list.setObjectName("uploadList")
        self.list.setAccessibleName(self.tr("Documents checked and uploaded"))
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)  # wrapped entries would run together
        self.list.setMinimumHeight(list_height(self.list, SHOWN_LINES))
        self.bar = QProgressBar(self)
        self.bar.setObjectName("uploadProgress")
        self.bar.setAccessibleName(self.tr("Upload progress"))
        self.bar.setRange(0, 100)
        self.bar.setValue(0)
        self.stop_button = QPushButton(self.tr("S&top upload"), self)
        self.stop_button.setObjectName("uploadStop")
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        label = QLabel(self.tr("Uploads:"), self)
        label.setBuddy(self.list)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        runner.progress.connect(self._progress)
        self._show_progress(False)

    def _show_progress(self, on: bool) -> None:
        """The progress bar and the Stop button only while uploads are queued or running."""
        self.bar.setVisible(on)
        self.stop_button.setVisible(on)
        self.stop_button.setEnabled(on)
        if not on:
            self.bar.setValue(0)

    # --- GUI thread

    def add(self, request: Request) -> None:
        """Check the document, then (when it passes) upload and attach it."""
        row = ToneItem(self.tr("%1: checking…").replace("%1", request.path.name), self.list)
        self.list.scrollToItem(row)

        def checked(report: PreflightReport) -> None:
            self.checked.emit(str(request.path), report)
            summary = self.report_text(report)
            row.setToolTip("\n".join([summary, *(finding_text(f) for f in report.findings)]))
            if report.refusal is not None:
                reason = finding_text(report.refusal)
                row.setText(
                    self.tr("%1: refused — %2").replace("%1", request.path.name).replace("%2", reason)
                )
                row.set_tone("refused")  # red readable on the list's palette, also after a change
                self.refused.emit(str(request.path), reason)
                return
            row.setText(
                self.tr("%1: %2 — uploading…").replace("%1", request.path.name).replace("%2", summary)
            )
            self._upload(request, row, summary)

        self.runner.submit(
            lambda _svc: self._check(request.path), checked, lambda e: self._failed(row, request, e)
        )

    def _upload(self, request: Request, row: ToneItem, summary: str) -> None:
        stop = threading.Event()
        self.runner.submit(
            lambda svc: self._attach(svc, request, stop),
            lambda result: self._done(row, request, summary, result, stop),
            lambda error: self._failed(row, request, error, stop),
        )
        self._stops.append(stop)
        self._show_progress(True)

    def stop(self) -> None:
        """Stop the uploads (each resumes when the same file is attached again)."""
        for stop in self._stops:
            stop.set()

    def _progress(self, token: object, done: int, total: int) -> None:
        if total > 0 and any(token is stop for stop in self._stops):
            self.bar.setValue(int(done * 100 / total))

    def _done(
        self,
        row: ToneItem,
        request: Request,
        summary: str,
        result: tuple[str, Fingerprint | None],
        stop: threading.Event,
    ) -> None:
        file_id, version = result
        row.setText(self.tr("%1: %2 — attached").replace("%1", request.path.name).replace("%2", summary))
        self._finish(stop)
        self.attached.emit(file_id)
        self.attachedVersion.emit(str(request.path), version)
        self.attachedFile.emit(str(request.path), file_id)

    def _failed(
        self,
        row: ToneItem,
        request: Request,
        error: BaseException,
        stop: threading.Event | None = None,
    ) -> None:
        self._finish(stop)
        if isinstance(error, UploadStopped):
            row.setText(
                self.tr("%1: stopped — attach it again to continue where it stopped").replace(
                    "%1", request.path.name
                )
            )
            return
        message = error_text(error)[1] if isinstance(error, GremaldaError) else str(error)
        row.setText(self.tr("%1: not attached — %2").replace("%1", request.path.name).replace("%2", message))
        row.set_tone("refused")  # red readable on the list's palette, also after a change
        error_reporter.report(error)

    def _finish(self, stop: threading.Event | None) -> None:
        self._stops = [s for s in self._stops if s is not stop]
        self._show_progress(bool(self._stops))

    def report_text(self, report: PreflightReport) -> str:
        parts = [self.tr("%n page(s)", "", report.pages)]
        if report.encrypted:
            parts.append(self.tr("encrypted"))
        if report.damaged or report.repaired:
            parts.append(self.tr("repaired") if report.ok else self.tr("damaged"))
        if report.pages:
            if report.scanned_pages:
                parts.append(self.tr("scan without text on %n page(s)", "", len(report.scanned_pages)))
            elif report.text_pages:
                parts.append(self.tr("text can be searched"))
        return ", ".join(parts)

    def close_checker(self) -> None:
        """Stop the preflight worker (on the runner's thread, after what is queued)."""
        self.stop()

        self.runner.submit(lambda _svc: self.known.close())

    # --- the runner's thread

    def _check(self, path: Path) -> PreflightReport:
        return self.known.check_remembered(path)

    def _attach(
        self, svc: ClerkService, request: Request, stop: threading.Event
    ) -> tuple[str, Fingerprint | None]:
        """The file id, and the version uploaded when the file still is that version (else None)."""
        self.known.prepared(request.path)  # forget what an earlier attempt read
        file_id = self._send(svc, request, stop)
        uploaded = self.known.prepared(request.path)
        return file_id, uploaded if uploaded is not None and fingerprint(request.path) == uploaded else None

    def _send(self, svc: ClerkService, request: Request, stop: threading.Event) -> str:
        progress = self.runner.reporter(stop)
        if request.supersedes_id is not None:
            return svc.replace_file(
                request.supersedes_id,
                request.path,
                request.change_note,
                on_progress=progress,
                stop=stop,
                preflighter=self.known,
            )
        return svc.attach(
            request.owner_kind,
            request.owner_id,
            request.path,
            role=request.role,
            change_note=request.change_note,
            on_progress=progress,
            stop=stop,
            preflighter=self.known,
        )
