"""Sync passes on a thread of their own: one now, then every `interval` seconds or when triggered;
after a pass that failed, the next comes sooner, with jittered backoff (capped at the interval).
Results and errors go to callbacks (the Qt bridge turns them into signals); nothing here knows Qt.

`run_pass(stop)` runs on the background thread (so it opens there whatever must belong to that
thread, e.g. the replica's database connection) and should stop soon when `stop` is set, raising
:class:`Cancelled` (what it stored so far is kept)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from sync.client.errors import backoff_delays
from sync.engine.engine import Cancelled

log = logging.getLogger(__name__)

_R = TypeVar("_R")


class BackgroundSync(Generic[_R]):
    def __init__(
        self,
        run_pass: Callable[[threading.Event], _R],
        *,
        interval: float = 300.0,
        on_result: Callable[[_R], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        backoff: Callable[[], Iterator[float]] = lambda: backoff_delays(2.0, 300.0),
    ) -> None:
        self.run_pass = run_pass
        self.interval = interval
        self._on_result = on_result
        self._on_error = on_error
        self._backoff = backoff
        self.stop_event = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0
        self.failures = 0

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("already started")
        self.stop_event.clear()
        self._thread = threading.Thread(target=self._run, name="sync-background", daemon=True)
        self._thread.start()

    def trigger(self) -> None:
        """Run a pass now (or right after the one running)."""
        self._wake.set()

    def stop(self, timeout: float | None = 30.0) -> None:
        """Stop the running pass (what it stored is kept) and the thread."""
        self.stop_event.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if not self._thread.is_alive():
                self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        delays: Iterator[float] | None = None
        while not self.stop_event.is_set():
            self._wake.clear()
            try:
                result = self.run_pass(self.stop_event)
            except Cancelled:
                return
            except Exception as exc:  # reported; the next pass comes sooner (with backoff)
                self.failures += 1
                log.warning("sync pass failed: %s", exc)
                if self._on_error is not None:
                    self._on_error(exc)
                delays = delays or self._backoff()
                wait = min(next(delays), self.interval)
            else:
                delays = None
                self.passes += 1
                if self._on_result is not None:
                    self._on_result(result)
                wait = self.interval
            if self.stop_event.is_set():
                return
            self._wake.wait(wait)
