"""The sync engine in the window: a QObject around :class:`sync.engine.BackgroundSync`.

Passes run on the engine's thread (one now, then every interval, or at once on :meth:`sync_now`); what
they report reaches the GUI thread as queued signals, so the window never waits on the network. Each
pass also synchronises the OParl sources (after our server's pass; without it when the replica holds
OParl sources only, so that no sign-in is asked for), and tells what arrived (new and changed
documents, for a notice) by comparing the replica's files before and after.

Changes made here (annotations) go to the server soon: :meth:`SyncBridge.push_soon` (the UI calls it
after a local save; several within about a second make one push) pushes them on the same thread, between
passes. When the network comes back they go within seconds: Qt's network information (where a backend
loads; offscreen it may not) saying the network is reachable again ends the wait of a pass's retry and
tries at once, and while changes wait and the server cannot be reached a push is tried every few seconds
instead of waiting out the backoff; the first that succeeds is followed by a full pass. ``pushStarted()``
tells that such a push (or a probe) begins and sends what waits (not when nothing waits: then it asks the
server nothing); ``outboxChanged()`` follows when it ended, answered or not (``pushed`` after it when
answered), so the status bar can wait for the server's answer as it does for a pass's.
``outboxChanged()`` tells that a push or a pass ran (or failed): what waits in the replica's outbox may
have changed. The bridge does not tell a count: the window's one count of what waits is the annotation
model's (`gremalda.ui.annotations.model.AnnotationModel.pendingChanged`), read again on this signal.

While the schedule runs, the server's push channel is kept open (:mod:`gremalda.core.push_channel`, its
own thread): a change announced by the server (a late paper) starts a pass at once. It opens with the
schedule, and the first pass reads the feed only once the stream is open (or has failed, or after
LISTEN_WAIT seconds): every change is then either in that pass's feed or announced. When the stream opens
only after the first pass began (slow, or failed at first), its opening starts one more pass, since a
change committed between that pass's feed read and the subscription would otherwise wait for the
interval."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtNetwork import QNetworkInformation

from gremalda.core.oparl import SourceOutcome, sync_sources
from gremalda.core.push_channel import push_listener
from gremalda.core.readstate import Arrivals, arrivals, file_versions
from gremalda.core.syncing import SyncOutcome, pending_changes, push_changes, synchronise
from gremalda.errors import GremaldaError, SyncFailed
from gremalda.paths import DataPaths
from gremalda.store import oparl_replica
from gremalda.store.replica import StoreReplica, open_store
from gremalda.ui.error_reporter import as_gremalda_error
from sync.engine import BackgroundSync, EventListener, Phase, Progress, SyncReport

PROGRESS_INTERVAL = 0.1  # seconds between two progress signals
PUSH_DELAY_MS = 1000  # a local save is pushed this long after the last one of a burst
PROBE_SECONDS = 3.0  # while changes wait and the server is unreachable: a push tried this often
LISTEN_WAIT = 5.0  # the first pass waits at most this long for the push channel to open


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
PushChanges = Callable[..., SyncReport]


def load_network_information() -> QNetworkInformation | None:
    """Qt's network information with reachability, or None when no backend loads (e.g. offscreen
    without NetworkManager): then only a request that succeeds again tells that the network is back."""
    try:
        loaded = QNetworkInformation.loadDefaultBackend()
    except RuntimeError:  # no application object
        return None
    info = QNetworkInformation.instance() if loaded else None
    if info is None or not info.supports(QNetworkInformation.Feature.Reachability):
        return None
    return info


class SyncBridge(QObject):
    """Background synchronisation for the window; see the module docstring."""

    started = Signal(bool)  # a pass begins; True when the user asked for it
    progress = Signal(object)  # Progress of the sync engine, or IndexProgress
    finished = Signal(object)  # SyncResult
    failed = Signal(object, bool)  # GremaldaError, True when the user asked for the pass
    pushed = Signal(object)  # SyncReport of a quick push that reached the server
    pushStarted = Signal()  # noqa: N815 (Qt's naming) a quick push begins sending (outboxChanged: it ended)
    outboxChanged = Signal()  # noqa: N815 (Qt's naming) a push or a pass ran: the outbox may have changed
    pushFailed = Signal(object)  # noqa: N815 (Qt's naming) GremaldaError of a quick push that got no answer

    _started = Signal(bool)
    _progress = Signal(object)
    _finished = Signal(object)
    _failed = Signal(object, bool)
    _pushed = Signal(object)
    _push_started = Signal()
    _push_failed = Signal(object)
    _outbox = Signal()

    def __init__(
        self,
        paths: DataPaths,
        interval: float = 300.0,
        parent: QObject | None = None,
        run: Synchronise = synchronise,
        run_sources: SyncSources = sync_sources,
        run_push: PushChanges = push_changes,
        probe: float = PROBE_SECONDS,
        push_channel: bool = True,
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self._run = run
        self._run_sources = run_sources
        self._run_push = run_push
        self._pending_now = 0  # changes waiting, as last counted: only whether a probe is worth it
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
        self._pushed.connect(self.pushed, queued)
        self._push_started.connect(self.pushStarted, queued)
        self._outbox.connect(self.outboxChanged, queued)
        self._push_failed.connect(self.pushFailed, queued)
        self._background: BackgroundSync[SyncResult] = BackgroundSync(
            self._pass,
            interval=interval,
            on_result=self._finished.emit,
            on_error=self._error,
            run_push=self._push,
            on_push=self._pushed.emit,
            on_push_error=lambda exc: self._push_failed.emit(as_gremalda_error(exc)),
            pending=lambda: self._pending_now,
            probe=probe,
        )
        self._feed_read = threading.Event()  # a pass of this schedule has begun reading the feed
        self._listener: EventListener | None = (
            # the schedule starts with a pass: the first connection triggers one more only when a pass
            # read the feed before the stream opened (a change in between would be missed)
            push_listener(paths, self._background.trigger, first_trigger=self._feed_read.is_set)
            if push_channel
            else None
        )
        self._push_timer = QTimer(self)
        self._push_timer.setSingleShot(True)
        self._push_timer.setInterval(PUSH_DELAY_MS)
        self._push_timer.timeout.connect(self._push_now)
        self.network: QNetworkInformation | None = load_network_information()
        if self.network is not None:
            self.network.reachabilityChanged.connect(self._on_reachability)

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
        """Start the schedule: a pass now, then every interval; the push channel with it."""
        if not self._background.running:
            self._feed_read.clear()
            self._listen()
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
        self._push_timer.stop()
        if self._listener is not None:
            self._listener.stop(timeout)
        self._background.stop(timeout)
        self._busy = False

    @Slot()
    def push_soon(self) -> None:
        """A change was saved here: push it in about a second (a burst of saves makes one push). Does
        nothing while the schedule is not running (synchronisation off)."""
        self._pending_now = max(self._pending_now, 1)
        self._push_timer.start()

    @Slot()
    def network_back(self) -> None:
        """The network is up again: retry at once (what waits is pushed within seconds)."""
        if self._background.running:
            self._background.network_back()

    def _push_now(self) -> None:
        if self._background.running:
            self._background.push_soon()

    @Slot(QNetworkInformation.Reachability)
    def _on_reachability(self, reachability: QNetworkInformation.Reachability) -> None:
        if reachability in (QNetworkInformation.Reachability.Online, QNetworkInformation.Reachability.Site):
            self.network_back()

    @Slot(bool)
    def _on_started(self, requested: bool) -> None:
        self._busy = True
        self.started.emit(requested)

    def _listen(self) -> None:
        """The push channel while the schedule runs (started with it; again after a pass if it was
        stopped meanwhile)."""
        if self._listener is not None and not self._listener.running:
            self._listener.start()

    def _await_listener(self, stop: threading.Event) -> None:
        """Before a pass reads the feed (sync thread): the first waits until the push channel's first
        connection opened or failed, at most LISTEN_WAIT seconds; then the feed counts as read."""
        listener = self._listener
        if listener is not None and not self._feed_read.is_set():
            deadline = time.monotonic() + LISTEN_WAIT
            while listener.running and not listener.tried.wait(0.05):
                if stop.is_set() or time.monotonic() > deadline:
                    break
        self._feed_read.set()

    @Slot(object)
    def _on_finished(self, result: SyncResult) -> None:
        if self._background.running:
            self._listen()
        self._busy = False
        self.last_result = result
        self.last_error = None
        self.finished.emit(result)

    @Slot(object, bool)
    def _on_failed(self, error: GremaldaError, requested: bool) -> None:
        if self._background.running:
            self._listen()
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
            self._await_listener(stop)
            try:
                # a replica of OParl sources only has no own server to sign in to
                if own_server or not has_sources:
                    outcome = self._run(
                        self.paths,
                        progress=self._on_progress,
                        index_progress=self._on_index,
                        stop=stop,
                        nudge=self._background.nudge,
                    )
            finally:
                if has_sources and not stop.is_set():
                    sources = self._run_sources(self.paths, stop=stop)
            with open_store(self.paths) as store:
                after = file_versions(store.db)
        except BaseException:
            self._requested_failed = requested
            self._count_pending()
            raise
        if outcome is not None:
            self._tell_pending(outcome.sync.pending)
        return SyncResult(outcome, arrivals(before, after), datetime.now(UTC), requested, tuple(sources))

    def _push(self, stop: threading.Event) -> SyncReport:
        """A quick push (sync thread): ``pushStarted`` first when something waits to be sent; the
        outbox report at its end, answered or failed (before ``pushed``, or the error)."""
        try:
            if self._has_outgoing():
                self._push_started.emit()
            report = self._run_push(self.paths, stop=stop)
        except BaseException:
            self._count_pending()
            raise
        self._tell_pending(report.pending)
        return report

    def _has_outgoing(self) -> bool:
        """Whether a push would send something (as :func:`push_changes` decides): annotations or
        delivery reports wait. True when the replica cannot be read (the push then says why)."""
        try:
            with open_store(self.paths) as store:
                replica = StoreReplica(store)
                return bool(replica.pending_pushes() or replica.pending_reports())
        except GremaldaError:
            return True

    def _count_pending(self) -> None:
        count = self._pending_now
        with contextlib.suppress(GremaldaError):  # no replica or not readable: the pass's error says why
            count = pending_changes(self.paths)
        self._tell_pending(count)

    def _tell_pending(self, count: int) -> None:
        """After a push or a pass (sync thread): the count decides whether probes are worth it; the
        window is told that the outbox may have changed."""
        self._pending_now = count
        self._outbox.emit()

    def _on_progress(self, progress: Progress) -> None:
        now = time.monotonic()
        # the end of the feed and files always goes through: the status bar stops waiting on it
        if progress.phase is Phase.DONE or now - self._last_progress >= PROGRESS_INTERVAL:
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
