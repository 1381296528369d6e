"""The checks (preflight) of files arriving in the hot folder, on a thread and a PDF worker of their own:
not in the clerk runner's queue, where 30 files a scanner drops at once would hold up the uploads, the
agenda's writes and the member list that Publish reads. Each passing report is told to the uploads'
:class:`~gremalda.core.clerk.attach.KnownReports` with the version of the file it is about (size,
modification time, sha256), so attaching the unchanged file does not check it again. Results come back
to the GUI thread through a queued signal."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from gremalda.core.clerk.attach import KnownReports
from gremalda.pdf.preflight import Preflighter, PreflightReport
from gremalda.ui import error_reporter

log = logging.getLogger(__name__)
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class ArrivalChecks(QObject):
    """See the module docstring. ``submit(call)`` runs ``call()`` on the thread, in order with the
    checks; ``on_done(result)`` / ``on_error(error)`` run on the GUI thread."""

    _done = Signal(object, object, object)  # (on_done, on_error), result, error

    def __init__(self, known: KnownReports, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.known = known
        self._queue: queue.Queue[tuple[Callable[[], Any], Done | None, Failed | None] | None]
        self._queue = queue.Queue()
        self._checker: Preflighter | None = None  # on the thread only
        self._closed = False
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._thread = threading.Thread(target=self._work, name="clerk-arrival-checks", daemon=True)
        self._thread.start()

    def check(self, path: Path, on_done: Callable[[PreflightReport], None], on_error: Failed) -> None:
        """The preflight of ``path``; its report to ``on_done``."""
        self.submit(lambda: self._check(path), on_done, on_error)

    def submit(
        self, call: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None
    ) -> None:
        if self._closed:
            return
        self._queue.put((call, on_done, on_error))

    def close(self, timeout: float = 10.0) -> None:
        """No more checks; the worker stops after the running one."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join(timeout)

    # --- the thread

    def _check(self, path: Path) -> PreflightReport:
        if self._checker is None:
            self._checker = Preflighter()
        return self.known.check_remembered(path, self._checker)

    def _work(self) -> None:
        try:
            while (item := self._queue.get()) is not None:
                call, on_done, on_error = item
                try:
                    result = call()
                except BaseException as exc:  # delivered to the GUI thread
                    self._emit((on_done, on_error), None, exc)
                else:
                    self._emit((on_done, on_error), result, None)
        finally:
            if self._checker is not None:
                self._checker.close()

    def _emit(self, callbacks: object, result: object, error: BaseException | None) -> None:
        try:
            self._done.emit(callbacks, result, error)
        except RuntimeError:
            log.debug("an arrival check finished after the window closed")

    @Slot(object, object, object)
    def _deliver(self, callbacks: tuple[Done | None, Failed | None], result: object, error: object) -> None:
        on_done, on_error = callbacks
        if isinstance(error, BaseException):
            (on_error or error_reporter.report)(error)
        elif on_done is not None:
            on_done(result)
