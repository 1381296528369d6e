"""What the main window shows of synchronisation: the status bar while a pass runs and after it (online
or offline, what arrived, sources and documents that failed; "Server not answering…" while a pass has
waited for the server's answer a few seconds, "Online" again at its next answer: each progress report of
a pass follows an answer; the same while a quick push, after a save or the probe while changes wait,
waits for its answer: from the bridge's ``pushStarted`` to the outbox report at its end), the notice over
the agenda (the count, then what arrived: :mod:`gremalda.ui.arrival_notice`), the sign-in dialog when the
server ended this device's sign-in; the window reads the replica again after each pass, and its open tabs
follow new versions of their documents (:mod:`gremalda.ui.document_versions`).

The texts keep the translation context "MainWindow" they had in the window class; those with a number
are the window's (:meth:`MainWindow.arrivals_text`, :meth:`MainWindow.download_failures_text`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt

from gremalda.core.library import Library
from gremalda.core.records import FileEntry, ReplicaStatus
from gremalda.errors import GremaldaError, NotSignedIn
from gremalda.ui import error_reporter
from gremalda.ui.arrival_notice import ArrivalNotice, first_arrival, read_arrivals
from gremalda.ui.document_versions import DocumentVersions
from gremalda.ui.sync_bridge import IndexProgress, SyncBridge, SyncResult, is_offline
from sync.engine import Progress, SyncReport
from sync.engine.report import Phase

if TYPE_CHECKING:
    from gremalda.ui.main_window import MainWindow

translate = QCoreApplication.translate


class SyncFeedback:
    """See the module docstring; :meth:`attach` wires it to the window's sync bridge (or says that the
    window does not synchronise)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.arrival_texts = ArrivalNotice(window)
        self.versions: DocumentVersions | None = None

    def attach(self, sync: SyncBridge | None) -> None:
        status_bar = self.window.status_bar
        self.versions = DocumentVersions(self.window)  # open tabs follow their documents' new versions
        self.versions.attach(sync)
        if sync is not None:
            sync.started.connect(self._started)
            sync.progress.connect(self._progress)
            sync.pushStarted.connect(self._push_started)
            sync.outboxChanged.connect(self._push_ended)
            sync.pushFailed.connect(self._push_failed)
            sync.pushed.connect(self._pushed)
            sync.finished.connect(self._finished)
            sync.failed.connect(self._failed)
        else:
            status_bar.set_sync_off()
            self.window.actions_["sync"].setEnabled(False)

    def sync_now(self) -> None:
        if self.window.sync is not None:
            self.window.sync.sync_now()

    def _started(self, _requested: bool) -> None:
        self.window.status_bar.sync_started()
        self.window.status_bar.awaiting_server()

    def _progress(self, progress: Progress | IndexProgress) -> None:
        """A pass's progress: the server answered (the engine reports after its answers); once its
        part is done (indexing, the OParl sources follow) the pass waits for it no more."""
        status_bar = self.window.status_bar
        status_bar.show_progress(progress)
        done = isinstance(progress, IndexProgress) or progress.phase is Phase.DONE
        status_bar.server_answered(more=not done)

    def _push_started(self) -> None:
        """A quick push sends what waits: the status bar waits for the server's answer (a pass's own
        wait is kept apart)."""
        self.window.status_bar.awaiting_push()

    def _push_ended(self) -> None:
        """The outbox report: after every quick push (answered or failed) and every pass. The push's
        wait ends (nothing when no push waits: a pass's report leaves the pass's wait alone)."""
        self.window.status_bar.push_ended()

    def _push_failed(self, error: GremaldaError) -> None:
        """A quick push (or the probe while changes wait) that did not reach the server: "Offline" (before,
        the text went back to "Online" and, with a server that keeps hanging, switched between that and
        "Server not answering…" with each probe). Quietly: the probes repeat every few seconds; the pass
        that follows reports other errors."""
        if is_offline(error):
            self.window.status_bar.set_online(False)

    def _pushed(self, report: SyncReport) -> None:
        """A quick push the server answered (e.g. the probe every few seconds while changes wait and
        it could not be reached): "Online" at once, not only after the pass that follows."""
        self.window.status_bar.push_ended()  # follows its outbox report, which ended the wait already
        if report.push_requests and self.window.status_bar.online is not True:
            self.window.status_bar.set_online(True)

    def _finished(self, result: SyncResult) -> None:
        window = self.window
        status_bar = window.status_bar
        status_bar.sync_stopped()
        status_bar.set_online(True)
        arrivals = result.arrivals
        if arrivals:
            text = window.arrivals_text(len(arrivals.new), len(arrivals.changed))
            window.notice.show_notice(text)
            status_bar.notice(text)
            total = len(arrivals.new) + len(arrivals.changed)
            window.workers.submit(
                read_arrivals(arrivals), lambda read: self._arrivals_read(text, total, read)
            )
        window.call_search_panel("refresh")  # the search panel reads the filters' choices again
        for source in result.sources:
            if source.error:
                status_bar.notice(
                    translate("MainWindow", "%1 could not be synchronised: %2")
                    .replace("%1", source.source.name or source.source.system_url)
                    .replace("%2", source.error)
                )
        failures = result.outcome.sync.failures if result.outcome is not None else ()
        if failures:
            status_bar.notice(window.download_failures_text(len(failures)))
        window.refresh()

    def _arrivals_read(self, counted: str, total: int, read: list[tuple[FileEntry, bool]]) -> None:
        """Name what arrived after the count (see :mod:`gremalda.ui.arrival_notice`), with a button
        that opens it; unless a newer notice replaced the count meanwhile."""
        window = self.window
        first = first_arrival(read)
        if first is None or window.notice.text() != counted:
            return
        entry, changed = first
        text = self.arrival_texts.text(counted, entry, changed, total)
        versions = self.versions
        window.notice.show_notice(
            text,
            self.arrival_texts.action_text(),
            lambda: versions.open_arrival(entry) if versions is not None else window.open_file(entry),
        )
        window.status_bar.notice(text)

    def _failed(self, error: GremaldaError, requested: bool) -> None:
        status_bar = self.window.status_bar
        status_bar.sync_stopped()
        if is_offline(error):
            status_bar.set_online(False)
            status_bar.notice(
                translate(
                    "MainWindow", "Offline: the server could not be reached. Your documents stay readable."
                )
            )
            if requested:
                error_reporter.report(error)
            return
        if isinstance(error, NotSignedIn):
            status_bar.set_online(False)
            self.ask_sign_in()
            return
        error_reporter.report(error)

    def ask_sign_in(self) -> None:
        """The server ended this device's sign-in: ask for the password (server and user as before)."""
        self.window.workers.submit(lambda store: Library(store.db.conn).status(), self._show_sign_in)

    def _show_sign_in(self, status: ReplicaStatus) -> None:
        from gremalda.ui.login_dialog import LoginDialog

        window = self.window
        if window.findChild(LoginDialog) is not None or window.closing:
            return
        dialog = LoginDialog(
            window.paths, window, server=status.server_url or "", user=status.username or "", first_run=False
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(self.sync_now)
        dialog.open()
