"""Background jobs on the replica, so that the GUI thread never waits on the disk.

A few worker threads, each with its own :class:`Store` (a SQLCipher connection belongs to one thread),
opened on the thread when its first job comes and closed there when the workers stop. A job is a
function of the store; its result (or its error) comes back on the GUI thread through a queued signal,
to the callbacks given with it. Errors without an ``on_error`` go to the error reporter."""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

from gremalda.paths import DataPaths
from gremalda.store.replica import Store, open_store
from gremalda.ui import error_reporter

log = logging.getLogger(__name__)
T = TypeVar("T")
Job = Callable[[Store], Any]


class ReplicaWorkers(QObject):
    """Runs jobs ``fn(store)`` off the GUI thread; see the module docstring."""

    _done = Signal(int, object, object)  # job number, result, error
    idle = Signal()  # no job queued or running

    def __init__(
        self,
        paths: DataPaths,
        threads: int = 2,
        parent: QObject | None = None,
        opener: Callable[[DataPaths], Store] = open_store,
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self._opener = opener
        self._queue: queue.Queue[tuple[int, Job] | None] = queue.Queue()  # None: stop
        self._callbacks: dict[
            int, tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None]
        ] = {}
        self._numbers = itertools.count(1)
        self._pending = 0
        self._closed = False
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._threads = [
            threading.Thread(target=self._work, name=f"replica-worker-{i}", daemon=True)
            for i in range(threads)
        ]
        for thread in self._threads:
            thread.start()

    @property
    def pending(self) -> int:
        """Jobs submitted whose callbacks have not run yet."""
        return self._pending

    def submit(
        self,
        job: Callable[[Store], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        if self._closed:
            return
        number = next(self._numbers)
        self._callbacks[number] = (on_done, on_error)
        self._pending += 1
        self._queue.put((number, job))

    def close(self, timeout: float = 10.0) -> None:
        """Stop the threads after the jobs already queued; each closes its store. Callbacks of jobs
        that finish after this are not called."""
        if self._closed:
            return
        self._closed = True
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout)
        self._callbacks.clear()

    def _work(self) -> None:
        store: Store | None = None
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    return
                number, job = item
                try:
                    if store is None:
                        store = self._opener(self.paths)
                    result = job(store)
                except BaseException as exc:  # delivered to the GUI thread
                    self._emit(number, None, exc)
                else:
                    self._emit(number, result, None)
        finally:
            if store is not None:
                store.close()

    def _emit(self, number: int, result: object, error: BaseException | None) -> None:
        try:
            self._done.emit(number, result, error)
        except RuntimeError:  # the QObject is gone (application shutting down)
            log.debug("job %d finished after the workers were deleted", number)

    @Slot(int, object, object)
    def _deliver(self, number: int, result: object, error: BaseException | None) -> None:
        self._pending -= 1
        callbacks = self._callbacks.pop(number, None)
        try:
            if callbacks is None:
                return
            on_done, on_error = callbacks
            if error is not None:
                if on_error is not None:
                    on_error(error)
                else:
                    error_reporter.report(error)
            elif on_done is not None:
                on_done(result)
        finally:
            if self._pending == 0:
                self.idle.emit()
