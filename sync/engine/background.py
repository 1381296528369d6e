"""Sync passes on a thread of their own: one now, then every `interval` seconds or when triggered;
after a pass that failed for a reason that may pass (no network, a server error), the next comes
sooner, with jittered backoff. Results and errors go to callbacks (the Qt bridge turns them into
signals); nothing here knows Qt."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator

from sync.client.errors import SyncClientError, backoff_delays
from sync.engine.engine import Cancelled, SyncEngine
from sync.engine.report import SyncReport

log = logging.getLogger(__name__)


class BackgroundSync:
    def __init__(
        self,
        engine: SyncEngine,
        *,
        interval: float = 300.0,
        on_report: Callable[[SyncReport], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        backoff: Callable[[], Iterator[float]] = lambda: backoff_delays(2.0, 300.0),
    ) -> None:
        self.engine = engine
        self.interval = interval
        self._on_report = on_report
        self._on_error = on_error
        self._backoff = backoff
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.passes = 0

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("already started")
        self.engine.stop.clear()
        self._thread = threading.Thread(target=self._run, name="sync-background", daemon=True)
        self._thread.start()

    def trigger(self) -> None:
        """Run a pass now (or right after the one running)."""
        self._wake.set()

    def stop(self, timeout: float | None = 30.0) -> None:
        """Stop the running pass (what it stored is kept) and the thread."""
        self.engine.stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        delays: Iterator[float] | None = None
        while not self.engine.stop.is_set():
            self._wake.clear()
            wait = self.interval
            try:
                report = self.engine.run_once()
            except Cancelled:
                return
            except SyncClientError as exc:
                self._deliver_error(exc)
                if exc.retryable:
                    delays = delays or self._backoff()
                    wait = max(next(delays), exc.retry_after or 0.0)
                else:
                    wait = self.interval
            except Exception as exc:  # the replica's errors (disk full, ...): report, try again later
                self._deliver_error(exc)
            else:
                delays = None
                self.passes += 1
                if self._on_report is not None:
                    self._on_report(report)
            if self.engine.stop.is_set():
                return
            self._wake.wait(wait)

    def _deliver_error(self, exc: BaseException) -> None:
        log.warning("sync pass failed: %s", exc)
        if self._on_error is not None:
            self._on_error(exc)
