"""The agenda editor's documents (a part of :class:`.editor.AgendaEditor`): the hot folder's inbox, the
uploads and the arrival checks, wired to the agenda. Files dropped on (or assigned from the inbox to) a
draft are attached at once; to a published meeting they are late papers: ``lateRequested`` asks the
workspace for the late-paper dialog with its change note."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from gremalda.errors import GremaldaError
from gremalda.pdf.preflight import PreflightReport
from gremalda.ui.clerk.arrival_checks import ArrivalChecks
from gremalda.ui.clerk.desk_loading import DeskLoading
from gremalda.ui.clerk.inbox import Inbox
from gremalda.ui.clerk.uploads import Request, UploadQueue
from gremalda.ui.clerk_texts import finding_text
from gremalda.ui.error_texts import error_text

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance


class AgendaDocuments(DeskLoading):
    """Attaching, replacing, the inbox; mixed into the editor (a QWidget: the parent of the lists)."""

    lateRequested: SignalInstance  # noqa: N815 (Qt's naming)

    def _start_documents(self) -> None:
        assert isinstance(self, QWidget)
        self.inbox = Inbox(self)
        self.inbox.assignRequested.connect(self.assign_from_inbox)
        self.uploads = UploadQueue(self.runner, self)
        self.uploads.attached.connect(lambda _file_id: self.reload())
        # an inbox entry leaves only once its file is attached (and is still the version uploaded); a
        # refused one stays with the reason
        self.uploads.attachedVersion.connect(lambda path, version: self.inbox.attached(Path(path), version))
        self.uploads.refused.connect(lambda path, reason: self.inbox.refused(Path(path), reason))
        self.arrivals = ArrivalChecks(self.uploads.known, self)  # not in the runner's queue
        self.inbox.arrived.connect(self._check_arrival)
        self.model_.filesDropped.connect(self._dropped)

    def attach(
        self, kind: str, owner_id: str, paths: Sequence[Path], *, role: str = "main", note: str = ""
    ) -> None:
        for path in paths:
            self.uploads.add(Request(Path(path), kind, owner_id, role=role, change_note=note))

    def replace(self, file_id: str, path: Path, note: str) -> None:
        kind, owner = "meeting", self.meeting_id or ""
        self.uploads.add(Request(path, kind, owner, change_note=note, supersedes_id=file_id))

    def _dropped(self, kind: str, owner_id: str, paths: list[Path]) -> None:
        self.add_documents(kind, owner_id, paths)

    def assign_from_inbox(self, paths: list[Path]) -> None:
        kind, owner_id = self.model_.owner(self.tree.currentIndex())
        if not owner_id:
            return
        self.add_documents(kind, owner_id, paths)

    def add_documents(self, kind: str, owner_id: str, paths: Sequence[Path]) -> None:
        """Dropped or assigned documents: in a draft attached at once; in a published meeting each is a
        late paper (Nachtrag, Tischvorlage) that needs a change note for the members."""
        if not paths:
            return
        if self.desk is not None and self.desk.state != "draft":
            self.lateRequested.emit(kind, owner_id, [Path(p) for p in paths])
        else:
            self.attach(kind, owner_id, paths)

    def _check_arrival(self, path: Path) -> None:
        """A file arrived in the hot folder: its preflight at once (on the arrival checks' own thread), the
        result shown in the inbox."""

        def checked(report: PreflightReport) -> None:
            refusal = finding_text(report.refusal) if report.refusal is not None else None
            warnings = [finding_text(f) for f in report.findings]
            self.inbox.checked(path, self.uploads.report_text(report), refusal, warnings)

        def failed(error: BaseException) -> None:
            message = error_text(error)[1] if isinstance(error, GremaldaError) else str(error)
            self.inbox.checked(path, "", message, [])

        self.arrivals.check(path, checked, failed)

    def _stop_documents(self) -> None:
        self.inbox.stop()
        self.arrivals.close()
        self.uploads.close_checker()
