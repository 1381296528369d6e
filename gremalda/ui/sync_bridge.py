"""The sync engine in the window: a QObject around :class:`sync.engine.BackgroundSync`.

Passes run on the engine's thread (one now, then every interval, or at once on :meth:`sync_now`); what
they report reaches the GUI thread as queued signals, so the window never waits on the network. Each
pass also synchronises the OParl sources (after our server's pass; without it when the replica holds
OParl sources only, so that no sign-in is asked for), and tells what arrived (new and changed
documents, for a notice) by comparing the replica's files before and after."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Qt, Signal, Slot

from gremalda.core.oparl import SourceOutcome, sync_sources
from gremalda.core.readstate import Arrivals, arrivals, file_versions
from gremalda.core.syncing import SyncOutcome, synchronise
from gremalda.errors import GremaldaError, SyncFailed
from gremalda.paths import DataPaths
from gremalda.store import oparl_replica
from gremalda.store.replica import open_store
from gremalda.ui.error_reporter import as_gremalda_error
from sync.engine import BackgroundSync, Progress

PROGRESS_INTERVAL = 0.1  # seconds between two progress signals


@dataclass(frozen=True)
class SyncResult:
    outcome: SyncOutcome | None  # None: no own server (a replica of OParl sources only)
    arrivals: Arrivals
    finished: datetime
    requested: bool  # the user asked for this pass
    sources: tuple[SourceOutcome, ...] = ()  # the OParl sources' passes


@dataclass(frozen=True)
class IndexProgress:
    done: int
    total: int


Synchronise = Callable[..., SyncOutcome]
SyncSources = Callable[..., list[SourceOutcome]]


class SyncBridge(QObject):
    """Background synchronisation for the window; see the module docstring."""

    started = Signal(bool)  # a pass begins; True when the user asked for it
    progress = Signal(object)  # Progress of the sync engine, or IndexProgress
    finished = Signal(object)  # SyncResult
    failed = Signal(object, bool)  # GremaldaError, True when the user asked for the pass

    _started = Signal(bool)
    _progress = Signal(object)
    _finished = Signal(object)
    _failed = Signal(object, bool)

    def __init__(
        self,
        paths: DataPaths,
        interval: float = 300.0,
        parent: QObject | None = None,
        run: Synchronise = synchronise,
        run_sources: SyncSources = sync_sources,
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self._run = run
        self._run_sources = run_sources
        self._requested = threading.Event()
        self._last_progress = 0.0
        self._busy = False
        self._requested_failed = False
        self.last_result: SyncResult | None = None
        self.last_error: GremaldaError | None = None
        queued = Qt.ConnectionType.QueuedConnection
        self._started.connect(self._on_started, queued)
        self._progress.connect(self.progress, queued)
        self._finished.connect(self._on_finished, queued)
        self._failed.connect(self._on_failed, queued)
        self._background: BackgroundSync[SyncResult] = BackgroundSync(
            self._pass, interval=interval, on_result=self._finished.emit, on_error=self._error
        )

    # --- GUI thread

    @property
    def interval(self) -> float:
        return self._background.interval

    def set_interval(self, seconds: float) -> None:
        self._background.interval = max(1.0, float(seconds))

    @property
    def busy(self) -> bool:
        """A pass is running."""
        return self._busy

    @property
    def running(self) -> bool:
        return self._background.running

    def start(self) -> None:
        """Start the schedule: a pass now, then every interval."""
        if not self._background.running:
            self._background.start()

    def sync_now(self) -> None:
        """A pass now (or right after the running one), reported as asked for by the user."""
        self._requested.set()
        if self._background.running:
            self._background.trigger()
        else:
            self.start()

    def stop(self, timeout: float = 15.0) -> None:
        """Stop the running pass (what it stored is kept) and the schedule."""
        self._background.stop(timeout)
        self._busy = False

    @Slot(bool)
    def _on_started(self, requested: bool) -> None:
        self._busy = True
        self.started.emit(requested)

    @Slot(object)
    def _on_finished(self, result: SyncResult) -> None:
        self._busy = False
        self.last_result = result
        self.last_error = None
        self.finished.emit(result)

    @Slot(object, bool)
    def _on_failed(self, error: GremaldaError, requested: bool) -> None:
        self._busy = False
        self.last_error = error
        self.failed.emit(error, requested)

    # --- the sync thread

    def _pass(self, stop: threading.Event) -> SyncResult:
        requested = self._requested.is_set()
        self._requested.clear()
        self._started.emit(requested)
        try:
            with open_store(self.paths) as store:
                before = file_versions(store.db)
                has_sources = bool(oparl_replica.sources(store))
                own_server = store.state("server_url") is not None
            outcome: SyncOutcome | None = None
            sources: list[SourceOutcome] = []
            try:
                # a replica of OParl sources only has no own server to sign in to
                if own_server or not has_sources:
                    outcome = self._run(
                        self.paths, progress=self._on_progress, index_progress=self._on_index, stop=stop
                    )
            finally:
                if has_sources and not stop.is_set():
                    sources = self._run_sources(self.paths, stop=stop)
            with open_store(self.paths) as store:
                after = file_versions(store.db)
        except BaseException:
            self._requested_failed = requested
            raise
        return SyncResult(outcome, arrivals(before, after), datetime.now(UTC), requested, tuple(sources))

    def _on_progress(self, progress: Progress) -> None:
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_INTERVAL:
            self._last_progress = now
            self._progress.emit(progress)

    def _on_index(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last_progress >= PROGRESS_INTERVAL or done == total:
            self._last_progress = now
            self._progress.emit(IndexProgress(done, total))

    def _error(self, exc: BaseException) -> None:
        requested = self._requested_failed
        self._requested_failed = False
        self._failed.emit(as_gremalda_error(exc), requested)


def is_offline(error: GremaldaError) -> bool:
    """Whether the error means the server was not reached (a normal state on the train)."""
    return isinstance(error, SyncFailed)
