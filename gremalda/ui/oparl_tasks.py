"""Work on OParl sources off the GUI thread: adding a source and its first pass, a meeting's files on
request. Each task runs on a thread of its own (the core functions open their own store there); its
result or error comes back on the GUI thread through a queued signal."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from gremalda.ui.error_reporter import as_gremalda_error

log = logging.getLogger(__name__)


class OParlTasks(QObject):
    """Runs ``fn(stop)`` on a thread; ``on_done(result)`` or ``on_error(GremaldaError)`` on the GUI
    thread. :meth:`close` asks the running tasks to stop and waits for them."""

    _done = Signal(int, object, object)  # task number, result, error

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop = threading.Event()
        self._threads: dict[int, threading.Thread] = {}
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[Any], None]]] = {}
        self._next = 0
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def running(self) -> int:
        return len(self._callbacks)

    def run(
        self,
        name: str,
        task: Callable[[threading.Event], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Any], None],
    ) -> None:
        if self._stop.is_set():
            return
        self._next += 1
        number = self._next
        self._callbacks[number] = (on_done, on_error)

        def work() -> None:
            try:
                result = task(self._stop)
            except BaseException as exc:  # delivered to the GUI thread
                self._emit(number, None, as_gremalda_error(exc))
            else:
                self._emit(number, result, None)

        thread = threading.Thread(target=work, name=f"oparl-{name}-{number}", daemon=True)
        self._threads[number] = thread
        thread.start()

    def _emit(self, number: int, result: object, error: object) -> None:
        try:
            self._done.emit(number, result, error)
        except RuntimeError:  # the QObject is gone (application shutting down)
            log.debug("OParl task %d finished after its owner was deleted", number)

    @Slot(int, object, object)
    def _deliver(self, number: int, result: object, error: object) -> None:
        self._threads.pop(number, None)
        callbacks = self._callbacks.pop(number, None)
        if callbacks is None:
            return
        on_done, on_error = callbacks
        if error is not None:
            on_error(error)
        else:
            on_done(result)

    def close(self, timeout: float = 15.0) -> None:
        self._stop.set()
        self._callbacks.clear()
        for thread in list(self._threads.values()):
            thread.join(timeout)
        self._threads.clear()
