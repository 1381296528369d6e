"""One sync pass: pull the change feed into the replica, then fetch the files it lacks, in parallel.

The pass runs on the calling thread (the feed, every replica update) plus a bounded pool of download
threads (the bytes of one file each). Retryable errors (no network, 5xx, a download cut short, a
damaged transfer) are retried with jittered backoff; a download cut short resumes where the replica's
writer kept bytes (HTTP Range guarded by If-Range = the content's sha256). What still fails is
reported per file, and the next pass tries again. Errors that concern the whole pass (sign-in ended,
the server answering nonsense on the feed, the disk) end the pass; the replica keeps every page
applied before, and stays readable throughout (each page is one transaction).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

from sync.client.api import ServerApi
from sync.client.errors import (
    ChecksumMismatch,
    NotFound,
    RequestRejected,
    ServerError,
    ServerProtocolError,
    SyncClientError,
    TransferCancelled,
    TransferIncomplete,
    backoff_delays,
)
from sync.engine.port import FileWant, FileWriter, ReplicaPort
from sync.engine.report import FileFailure, Phase, Progress, SyncReport

log = logging.getLogger(__name__)

_T = TypeVar("_T")


class Cancelled(Exception):
    """The pass was asked to stop (`stop` event set); what was applied and stored is kept."""


def _busy(exc: SyncClientError) -> ServerError:
    """A server asking to come back later than the retry policy waits: end now and say when."""
    minutes = max(1, round((exc.retry_after or 0) / 60))
    return ServerError(
        f"The server is busy (HTTP {exc.status}) and asks to try again in {minutes} minute"
        f"{'' if minutes == 1 else 's'}.",
        status=exc.status,
        code=exc.code,
        retry_after=exc.retry_after,
    )


class ContentRejected(Exception):
    """Raised by a replica's writer at commit: the bytes are not the wanted content (sha256 or size)."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5  # tries per request or file in one pass
    base: float = 0.5  # backoff_delays(base, cap)
    cap: float = 30.0

    def delays(self) -> Iterator[float]:
        return backoff_delays(self.base, self.cap)


class SyncEngine:
    """Runs sync passes of one replica against one server. Not re-entrant: one pass at a time."""

    def __init__(
        self,
        api: ServerApi,
        replica: ReplicaPort,
        *,
        workers: int = 4,
        retry: RetryPolicy | None = None,
        page_limit: int | None = None,
        progress: Callable[[Progress], None] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        """`progress` is called from the calling thread and from download threads (at most about ten
        times a second, and once per finished file); it must be quick and thread-safe."""
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.api = api
        self.replica = replica
        self.workers = workers
        self.retry = retry or RetryPolicy()
        self.page_limit = page_limit
        self.stop = stop or threading.Event()
        self._progress = progress
        self._lock = threading.Lock()
        self._state = Progress(Phase.CHANGES)
        self._last_emit = 0.0
        self._abort = threading.Event()  # set when one download's error ends the pass

    # ----------------------------------------------------------------------------------- the pass

    def run_once(self) -> SyncReport:
        """One pass: feed, removals, downloads. Raises SyncClientError subclasses for what ends the
        pass (SignInRequired, ServerProtocolError on the feed, Offline after the retries, ...),
        Cancelled when stopped, and whatever the replica raises (its storage errors)."""
        report = SyncReport()
        self._abort = threading.Event()
        self._set(Progress(Phase.CHANGES), force=True)
        self._pull(report)
        report.destroyed += self.replica.collect_garbage()
        self._fetch(report)
        report.destroyed += self.replica.collect_garbage()
        if report.complete:
            self.replica.sync_finished(datetime.now(UTC).isoformat())
        with self._lock:
            state = self._state
        self._set(
            Progress(
                Phase.DONE,
                state.changes,
                state.files_done,
                state.files_total,
                state.bytes_done,
                state.bytes_total,
            ),
            force=True,
        )
        return report

    def _pull(self, report: SyncReport) -> None:
        cursor = self.replica.cursor()
        if cursor is None:
            self.replica.begin_snapshot()
            report.snapshot = True
        changes = 0
        while True:
            self._check_stop()
            try:
                page = self._retrying(report, partial(self.api.changes, cursor, self.page_limit))
            except NotFound:
                raise ServerProtocolError(
                    "There is no change feed at this address: check the server address."
                ) from None
            except RequestRejected as exc:
                if cursor is None or exc.status not in (400, 409, 410, 422):
                    raise
                log.warning("sync: the server no longer accepts our cursor (%s); full resync", exc.message)
                self.replica.begin_snapshot()
                report.snapshot, cursor = True, None
                continue
            report.requests += 1
            applied = self.replica.apply_page(page.entries, page.cursor, last=not page.has_more)
            report.upserts += applied.upserts
            report.removes += applied.removes
            report.files_removed += applied.files_removed
            changes += len(page.entries)
            self._set(Progress(Phase.CHANGES, changes=changes))
            cursor = page.cursor
            if not page.has_more:
                return

    def _fetch(self, report: SyncReport) -> None:
        wants: list[FileWant] = []
        for want in self.replica.wanted_files():
            if self.replica.adopt_stored(want):
                report.files_adopted += 1
            else:
                wants.append(want)
        if not wants:
            return
        total = sum(w.size for w in wants)
        with self._lock:
            changes = self._state.changes
        self._set(Progress(Phase.FILES, changes, 0, len(wants), 0, total), force=True)
        pool = ThreadPoolExecutor(
            max_workers=min(self.workers, len(wants)), thread_name_prefix="sync-download"
        )
        try:
            futures: dict[Future[_Outcome], FileWant] = {pool.submit(self._download, w): w for w in wants}
            pending: set[Future[_Outcome]] = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    want = futures[future]
                    error = future.exception()
                    if error is not None:  # ends the pass: let the other downloads stop
                        self._abort.set()
                        wait(pending)
                        raise error
                    self._record(report, want, future.result())
        except BaseException:
            self._abort.set()  # the downloads still running stop
            pool.shutdown(wait=True, cancel_futures=True)
            try:
                self.replica.flush()  # keep the record of what was stored before the error
            except Exception:
                log.warning("sync: could not record the files stored before the error", exc_info=True)
            raise
        pool.shutdown(wait=True)
        self.replica.flush()

    def _record(self, report: SyncReport, want: FileWant, outcome: _Outcome) -> None:
        report.retries += outcome.retries
        report.bytes_downloaded += outcome.transferred
        if outcome.resumed:
            report.files_resumed += 1
        if outcome.error is None:
            self.replica.file_stored(want)
            report.files_downloaded += 1
        else:
            self.replica.file_failed(want, outcome.kept, outcome.error)
            report.failures.append(FileFailure(want.file_id, want.name, outcome.error))
        with self._lock:
            s = self._state
            state = Progress(
                Phase.FILES,
                s.changes,
                s.files_done + 1,
                s.files_total,
                s.bytes_done,
                s.bytes_total,
                want.name,
            )
        self._set(state, force=True)

    # ---------------------------------------------------------------------------- one download

    def _download(self, want: FileWant) -> _Outcome:
        """Fetch one file, retrying; runs on a download thread. Returns the outcome for the file;
        raises only what ends the whole pass."""
        outcome = _Outcome()
        delays = self.retry.delays()
        for attempt in range(self.retry.attempts):
            self._check_stop()
            sink = _WriterSink(self, want)
            offset = sink.writer.resumed_from
            if offset:
                outcome.resumed = True
            try:
                try:
                    self.api.download(
                        int(want.file_id),
                        sink,
                        offset=offset,
                        etag=f'"{want.sha256}"' if offset else None,
                        expected_size=want.size,
                        hash_content=False,  # the replica's writer checks the sha256 of the whole file
                        should_stop=self._halted,
                    )
                    sink.writer.commit()
                finally:
                    outcome.transferred += sink.received
                return outcome
            except (ContentRejected, ChecksumMismatch) as exc:
                sink.writer.discard()
                message = "The downloaded file is damaged (its checksum does not match)."
                log.warning("sync: file %s: %s (%s)", want.file_id, message, exc)
                error: str = message
            except TransferCancelled:
                sink.close_quietly()  # what arrived is kept for a resume
                raise Cancelled() from None
            except TransferIncomplete as exc:
                sink.writer.suspend()
                error = exc.message
            except NotFound:
                sink.writer.discard()
                outcome.error = (
                    "The file is no longer available on the server; the next sync updates the list."
                )
                return outcome
            except SyncClientError as exc:
                sink.writer.suspend()
                if not exc.retryable:
                    outcome.error = exc.message
                    outcome.kept = self.replica.kept(want)
                    return outcome
                error = exc.message
                if exc.retry_after and exc.retry_after > self.retry.cap:  # do not wait that long now
                    outcome.error = _busy(exc).message
                    outcome.kept = self.replica.kept(want)
                    return outcome
                if exc.retry_after:
                    outcome.retry_after = exc.retry_after
            except BaseException:
                sink.close_quietly()
                raise
            if attempt + 1 < self.retry.attempts:
                outcome.retries += 1
                delay = max(next(delays), outcome.retry_after)
                outcome.retry_after = 0.0
                log.info("sync: file %s: %s; retrying in %.1f s", want.file_id, error, delay)
                if self.stop.wait(delay) or self._abort.is_set():
                    raise Cancelled()
        outcome.error = error
        outcome.kept = self.replica.kept(want)
        return outcome

    # ------------------------------------------------------------------------------- plumbing

    def _retrying(self, report: SyncReport, call: Callable[[], _T]) -> _T:
        delays = self.retry.delays()
        for attempt in range(self.retry.attempts):
            try:
                return call()
            except SyncClientError as exc:
                if not exc.retryable or attempt + 1 >= self.retry.attempts:
                    raise
                if exc.retry_after and exc.retry_after > self.retry.cap:  # do not wait that long now
                    raise _busy(exc) from None
                report.retries += 1
                delay = max(next(delays), exc.retry_after or 0.0)
                log.info("sync: %s; retrying in %.1f s", exc.message, delay)
                if self.stop.wait(delay):
                    raise Cancelled() from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _halted(self) -> bool:
        return self.stop.is_set() or self._abort.is_set()

    def _check_stop(self) -> None:
        if self.stop.is_set() or self._abort.is_set():
            raise Cancelled()

    def _add_bytes(self, count: int, name: str) -> None:
        with self._lock:
            s = self._state
            state = Progress(
                s.phase, s.changes, s.files_done, s.files_total, s.bytes_done + count, s.bytes_total, name
            )
        self._set(state)

    def _set(self, state: Progress, *, force: bool = False) -> None:
        with self._lock:
            self._state = state
            now = time.monotonic()
            if self._progress is None or (not force and now - self._last_emit < 0.1):
                return
            self._last_emit = now
        self._progress(state)


@dataclass(slots=True)
class _Outcome:
    error: str | None = None
    kept: int = 0
    resumed: bool = False
    retries: int = 0
    transferred: int = 0
    retry_after: float = 0.0


class _WriterSink:
    """The download's sink: bytes go to the replica's writer; a restart (the server sent the whole
    file although a resume was asked for) discards the writer and opens a fresh one."""

    def __init__(self, engine: SyncEngine, want: FileWant) -> None:
        self._engine, self._want = engine, want
        self.writer: FileWriter = engine.replica.open_writer(want)
        self.received = 0

    def write(self, data: bytes | memoryview) -> None:
        self._engine._check_stop()
        self.writer.write(data)
        self.received += len(data)
        self._engine._add_bytes(len(data), self._want.name)

    def reset(self) -> None:
        self.writer.discard()
        self.writer = self._engine.replica.open_writer(self._want)
        if self.writer.resumed_from:
            self.writer.discard()
            raise ContentRejected("a fresh writer still held bytes")

    def close_quietly(self) -> None:
        try:
            self.writer.suspend()
        except Exception:  # already closed, or the disk is the problem we are reporting
            log.debug("sync: could not suspend a writer", exc_info=True)
