"""The clerk service off the GUI thread: one worker thread runs :class:`ClerkService` calls in the order
they were asked for (so an agenda's writes never overtake each other); results, errors and upload
progress come back to the GUI thread through queued signals. After every write the ``written`` signal
tells the workspace that a sync pass is due."""

from __future__ import annotations

import contextlib
import itertools
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from gremalda.core.clerk import ClerkService
from gremalda.paths import DataPaths
from gremalda.ui import error_reporter

log = logging.getLogger(__name__)
Call = Callable[[ClerkService], Any]


class ClerkRunner(QObject):
    """Runs ``fn(service)`` on its thread; see the module docstring."""

    written = Signal()  # a write reached the server: a sync pass is due
    progress = Signal(object, int, int)  # token, bytes sent, size
    idle = Signal()  # nothing queued or running
    _done = Signal(int, object, object)
    _written = Signal()

    def __init__(self, paths: DataPaths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = ClerkService(paths, on_write=self._written.emit)
        self._queue: queue.Queue[tuple[int, Call] | None] = queue.Queue()
        self._callbacks: dict[
            int, tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None]
        ]
        self._callbacks = {}
        self._numbers = itertools.count(1)
        self._closed = False
        queued = Qt.ConnectionType.QueuedConnection
        self._done.connect(self._deliver, queued)
        self._written.connect(self.written, queued)
        self._thread = threading.Thread(target=self._work, name="clerk-service", daemon=True)
        self._thread.start()

    @property
    def pending(self) -> int:
        return len(self._callbacks)

    def submit(
        self,
        call: Call,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Queue ``call(service)``; returns its job number."""
        number = next(self._numbers)
        if self._closed:
            return number
        self._callbacks[number] = (on_done, on_error)
        self._queue.put((number, call))
        return number

    def reporter(self, token: object) -> Callable[[int, int], None]:
        """An ``on_progress`` for the service that reaches the GUI thread as :attr:`progress` with
        ``token`` (which upload it is)."""

        def report(done: int, total: int) -> None:
            with contextlib.suppress(RuntimeError):  # the window is gone
                self.progress.emit(token, done, total)

        return report

    def close(self, timeout: float = 10.0) -> None:
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join(timeout)
        self._callbacks.clear()

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            number, call = item
            try:
                result = call(self.service)
            except BaseException as exc:  # delivered to the GUI thread
                self._emit(number, None, exc)
            else:
                self._emit(number, result, None)

    def _emit(self, number: int, result: object, error: BaseException | None) -> None:
        try:
            self._done.emit(number, result, error)
        except RuntimeError:
            log.debug("clerk job %d finished after the window closed", number)

    @Slot(int, object, object)
    def _deliver(self, number: int, result: object, error: BaseException | None) -> None:
        callbacks = self._callbacks.pop(number, None)
        try:
            if callbacks is None:
                return
            on_done, on_error = callbacks
            if error is not None:
                (on_error or error_reporter.report)(error)
            elif on_done is not None:
                on_done(result)
        finally:
            if not self._callbacks:
                self.idle.emit()
