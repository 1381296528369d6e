"""One synchronisation of a data directory, as the CLI and the desktop client run it: the sync engine's
pass (changes made here pushed, feed, removals, downloads into the vault), then the full-text index of
what arrived, then the user's annotations moved onto replaced documents' new versions
(:mod:`gremalda.core.annotations.reanchoring`; pushed by the next pass or quick push); and a quick push
of the changes made here alone (:func:`push_changes`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from gremalda.core.account import connect, sync_error
from gremalda.core.annotations.reanchoring import ReanchorReport, reanchor_replaced
from gremalda.core.delivery import queue_complete
from gremalda.core.indexing import IndexReport, index_pending
from gremalda.errors import GremaldaError
from gremalda.paths import DataPaths
from gremalda.pdf.extract import TextExtractor
from gremalda.store.replica import Store, StoreReplica, open_store
from sync.client import SyncClientError
from sync.engine import Cancelled, Progress, RetryPolicy, SyncEngine, SyncReport

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SyncOutcome:
    sync: SyncReport
    index: IndexReport | None
    reanchor: ReanchorReport = field(default_factory=ReanchorReport)

    @property
    def reanchored(self) -> int:
        """The user's annotations moved onto a new version (or content) of their document this pass."""
        return self.reanchor.moved

    @property
    def attention(self) -> int:
        """Of them, those flagged for a person to look at (a quote not found, a note's page changed)."""
        return self.reanchor.attention


def synchronise(
    paths: DataPaths,
    *,
    progress: Callable[[Progress], None] | None = None,
    index_progress: Callable[[int, int], None] | None = None,
    workers: int = 4,
    index: bool = True,
    index_workers: int = 1,
    retry: RetryPolicy | None = None,
    stop: threading.Event | None = None,
    nudge: threading.Event | None = None,
) -> SyncOutcome:
    """One pass. Raises GremaldaError subclasses (NotSignedIn, SyncFailed, the store's errors).
    `nudge` set: a wait before a retry ends at once (the network is back)."""
    with open_store(paths) as store:
        api = connect(store)
        try:
            engine = SyncEngine(
                api,
                StoreReplica(store),
                workers=workers,
                retry=retry,
                progress=progress,
                stop=stop,
                nudge=nudge,
            )
            try:
                report = engine.run_once()
            except SyncClientError as exc:
                raise sync_error(exc) from None
        finally:
            api.close()
        indexed = None
        if index:
            with TextExtractor(max_workers=index_workers) as extractor:
                indexed = index_pending(store, extractor, progress=index_progress)
        moved = ReanchorReport() if stop is not None and stop.is_set() else reanchor_replaced(store)
        queued = 0 if stop is not None and stop.is_set() else queue_complete(store.db)  # proof of delivery
        if moved.moved or queued:
            _push_moved(store, report, retry=retry, stop=stop)
        return SyncOutcome(report, indexed, moved)


def _push_moved(
    store: Store, report: SyncReport, *, retry: RetryPolicy | None, stop: threading.Event | None
) -> None:
    """Push the annotations re-anchoring moved at the end of the pass (added to ``report``). When that
    fails they stay queued for the next push: the pass itself succeeded."""
    try:
        api = connect(store)
        try:
            pushed = SyncEngine(api, StoreReplica(store), retry=retry, stop=stop).push_only()
        finally:
            api.close()
    except (SyncClientError, GremaldaError, Cancelled) as exc:
        log.warning("sync: moved annotations not pushed yet: %s", exc)
        report.pending = StoreReplica(store).pending_pushes()
        return
    report.push_requests += pushed.push_requests
    report.pushed += pushed.pushed
    report.conflicts += pushed.conflicts
    report.rejected += pushed.rejected
    report.push_error = report.push_error or pushed.push_error
    report.pending = pushed.pending


QUICK_PUSH = RetryPolicy(attempts=2, base=0.2, cap=1.0)  # a probe: the next one comes in seconds anyway


def pending_changes(paths: DataPaths) -> int:
    """How many annotations wait to be pushed (0 when there is no replica or no sign-in yet)."""
    with open_store(paths) as store:
        return StoreReplica(store).pending_pushes()


def push_changes(
    paths: DataPaths, *, retry: RetryPolicy | None = QUICK_PUSH, stop: threading.Event | None = None
) -> SyncReport:
    """Push the changes made here (annotations), nothing else: quick, after a local change or when the
    network is back. Raises as :func:`synchronise` does; nothing is lost when it fails."""
    with open_store(paths) as store:
        replica = StoreReplica(store)
        if not replica.pending_pushes() and not replica.pending_reports():
            return SyncReport()
        api = connect(store)
        try:
            try:
                return SyncEngine(api, replica, retry=retry, stop=stop).push_only()
            except SyncClientError as exc:
                raise sync_error(exc) from None
        finally:
            api.close()
