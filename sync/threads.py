"""Stoppable worker threads, shared by the client's sync engine and the server: a :class:`Worker` is the
base of the background sync (`sync.engine.background`), the push channel's listener
(`sync.engine.events`) and the server's periodic passes (`sync.server.periodic`): `start()` runs `_run`
on a daemon thread of its own, `stop()` sets `stop_event` (which `_run` watches) and joins the thread.
:class:`Backoff` is the jittered backoff the engine's workers wait out after failures in a row. No Qt,
nothing of the client or the server."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator


class Worker(ABC):
    """One thread running `_run` until it returns; `_run` should return soon once `stop_event` is set.
    Subclasses may override `_starting` (just before the thread starts) and `_stopping` (after
    `stop_event` is set: wake whatever `_run` waits for)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.stop_event = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start `_run` on a new thread; raises RuntimeError while the last one still runs (a thread that
        outlived `stop()`'s timeout and ended since is dropped here)."""
        if self.running:
            raise RuntimeError("already started")
        self.stop_event.clear()
        self._starting()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 10.0) -> None:
        """Ask `_run` to end and wait for the thread at most `timeout` seconds (None: as long as it takes);
        a thread that ended can be started again."""
        self.stop_event.set()
        self._stopping()
        if self._thread is not None:
            self._thread.join(timeout)
            if not self._thread.is_alive():
                self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _starting(self) -> None:  # noqa: B027 (an optional hook, empty by default)
        """Called by `start()` on the caller's thread, just before the thread starts."""

    def _stopping(self) -> None:  # noqa: B027 (an optional hook, empty by default)
        """Called by `stop()` right after `stop_event` is set."""

    @abstractmethod
    def _run(self) -> None:
        """The thread's work: runs until it returns (soon after `stop_event` is set)."""


class Backoff:
    """The pauses after failures in a row: `next()` gives the next delay of a fresh `delays()` series
    (jittered, growing), `reset()` after a success starts the series again."""

    def __init__(self, delays: Callable[[], Iterator[float]]) -> None:
        self._delays = delays
        self._series: Iterator[float] | None = None

    def next(self) -> float:
        if self._series is None:
            self._series = self._delays()
        return next(self._series)

    def reset(self) -> None:
        self._series = None
