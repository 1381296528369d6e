"""One sync pass: push the changes made here, pull the change feed into the replica (and push again what
the pull merged), then fetch the files it lacks, in parallel.

Pushing drains the replica's outbox in order, in batches (one request each, applied by the server in one
transaction). Each change carries an idempotency key, so a batch sent again after a lost answer does
nothing twice. A conflict (the server holds a newer version) is merged by the replica and pushed again,
in a bounded number of rounds per pass; a change the server refuses stays in the outbox with the
server's message and is reported, not pushed again as is. A network failure leaves the outbox as it was.

The pass runs on the calling thread (the feed, every replica update) plus a bounded pool of download
threads (the bytes of one file each). Retryable errors (no network, 5xx, a download cut short, a
damaged transfer) are retried with jittered backoff; a download cut short resumes where the replica's
writer kept bytes (HTTP Range guarded by If-Range = the content's sha256). What still fails is
reported per file, and the next pass tries again. Errors that concern the whole pass (sign-in ended,
the server answering nonsense on the feed, the disk) end the pass; the replica keeps every page
applied before, and stays readable throughout (each page is one transaction).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

from sync.client.api import MAX_PUSH_ITEMS, DeliveryAnswer, DeliveryReport, PushAnswer, PushItem, ServerApi
from sync.client.errors import (
    CertificateError,
    ChecksumMismatch,
    Forbidden,
    NotFound,
    Offline,
    RequestRejected,
    ServerError,
    ServerProtocolError,
    SignInRequired,
    SyncClientError,
    TransferCancelled,
    TransferIncomplete,
    backoff_delays,
)
from sync.engine.port import (
    DELIVERY,
    FileWant,
    FileWriter,
    Outgoing,
    PushResult,
    PushStatus,
    ReplicaPort,
)
from sync.engine.report import FileFailure, Phase, Progress, PushFailure, SyncReport

log = logging.getLogger(__name__)

_T = TypeVar("_T")

PUSH_BATCH_BYTES = 4 << 20  # a push request carries at most about this many bytes of records ...
CONFLICT_ROUNDS = 3  # ... and a pass pushes at most this many rounds more than its batches need


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
        nudge: threading.Event | None = None,
        push_batch: int = MAX_PUSH_ITEMS,
    ) -> None:
        """`progress` is called from the calling thread and from download threads (at most about ten
        times a second, and once per finished file); it must be quick and thread-safe. Setting `nudge`
        cuts short a wait before a retry (the network is back: try now); the engine clears it."""
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.api = api
        self.replica = replica
        self.workers = workers
        self.retry = retry or RetryPolicy()
        self.page_limit = page_limit
        self.stop = stop or threading.Event()
        self.nudge = nudge or threading.Event()
        self.push_batch = max(1, min(push_batch, MAX_PUSH_ITEMS))
        self._progress = progress
        self._lock = threading.Lock()
        self._state = Progress(Phase.CHANGES)
        self._last_emit = 0.0
        self._abort = threading.Event()  # set when one download's error ends the pass
        self._unsupported: set[str] = set()  # kinds of change this pass does not push (no endpoint)
        self._push_failed = False  # pushing failed in this pass: not tried again before the next

    # ----------------------------------------------------------------------------------- the pass

    def run_once(self) -> SyncReport:
        """One pass: feed, removals, downloads. Raises SyncClientError subclasses for what ends the
        pass (SignInRequired, ServerProtocolError on the feed, Offline after the retries, ...),
        Cancelled when stopped, and whatever the replica raises (its storage errors)."""
        report = SyncReport()
        self._abort = threading.Event()
        self._unsupported, self._push_failed = set(), False
        self._set(Progress(Phase.CHANGES), force=True)
        self._push(report)
        self._pull(report)
        if self.replica.pending_pushes() or self.replica.pending_reports():  # merged, or made meanwhile
            self._push(report)
        report.pending = self.replica.pending_pushes()
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

    def push_only(self) -> SyncReport:
        """Push the waiting changes and nothing else (quick, e.g. right after a local change or when
        the network is back). Raises as :meth:`run_once` does."""
        report = SyncReport()
        self._unsupported, self._push_failed = set(), False
        self._push(report, carry_on=False)
        report.pending = self.replica.pending_pushes()
        return report

    def _push(self, report: SyncReport, *, carry_on: bool = True) -> None:
        """Drain the outbox: batches in order until it is empty, at most the rounds its size needs plus
        CONFLICT_ROUNDS (a record merged after a conflict goes again in a later round). Each kind of
        change (annotations, delivery reports) goes to its own endpoint: a server without one of them,
        or refusing this account there (404/403), only stops pushing that kind in this pass (reported
        in `push_error`); the other kind goes on. Other errors of a whole request (a 5xx after the
        retries, an answer that makes no sense) stop the pushing; with `carry_on` they are reported in
        `push_error` and the pass goes on (the pull still brings what is new), else they are raised.
        No network, an ended sign-in or a certificate problem always end the pass. The outbox keeps
        every change not answered."""
        unsupported = self._unsupported
        if self._push_failed:
            return
        rounds = 0
        limit = 0
        while True:
            pending = self.replica.pending_pushes() + self.replica.pending_reports()
            skipped = self._skipped(unsupported)
            if pending <= skipped:
                return
            if not rounds:  # once: the rounds the outbox needs now
                limit = -(-(pending - skipped) // self.push_batch) + CONFLICT_ROUNDS
            if rounds >= limit:
                log.info("sync: changes still waiting after %d push rounds; the next pass goes on", rounds)
                return
            rounds += 1
            self._check_stop()
            # ask past the changes of a kind not pushed now, so that the others behind them come too
            wanted = self.replica.outgoing(self.push_batch + skipped)
            batch = self._batch([o for o in wanted if o.target_type not in unsupported][: self.push_batch])
            if not batch:
                return
            results: list[PushResult] = []
            failed: SyncClientError | None = None
            for kind in sorted({o.target_type for o in batch}):
                part = [o for o in batch if o.target_type == kind]
                try:
                    results += self._push_batch(report, part)
                except (NotFound, Forbidden) as exc:
                    unsupported.add(kind)
                    report.push_error = report.push_error or exc.message
                    log.warning("sync: %s changes not pushed: %s", kind, exc.message)
                except SyncClientError as exc:
                    if not carry_on or isinstance(exc, (Offline, SignInRequired, CertificateError)):
                        self._settle(report, batch, results)
                        raise
                    failed = exc
                    break
                except BaseException:
                    self._settle(report, batch, results)  # what the server answered is kept
                    raise
            self._settle(report, batch, results)
            if failed is not None:
                self._push_failed = True
                report.push_error = failed.message
                log.warning("sync: changes not pushed (the pass goes on): %s", failed.message)
                return

    def _skipped(self, unsupported: set[str]) -> int:
        """How many outbox rows are of kinds not pushed in this pass."""
        return (self.replica.pending_reports() if DELIVERY in unsupported else 0) + (
            self.replica.pending_pushes() if unsupported - {DELIVERY} else 0
        )

    def _settle(self, report: SyncReport, batch: list[Outgoing], results: list[PushResult]) -> None:
        """Record the answers (one transaction) and count them in the report."""
        if not results:
            return
        self.replica.pushed(results)
        items = {o.outbox_id: o for o in batch}
        for result in results:
            item = items[result.outbox_id]
            if item.target_type == DELIVERY and result.status in (PushStatus.OK, PushStatus.STALE):
                if result.status == PushStatus.OK:
                    report.delivered += 1
                else:
                    report.delivery_stale += 1
            elif result.status == PushStatus.OK:
                report.pushed += 1
            elif result.status == PushStatus.CONFLICT:
                report.conflicts += 1
            else:
                report.rejected.append(PushFailure(item.target_type, item.target_id, result.message))
                log.warning("sync: %s %s refused: %s", item.target_type, item.target_id, result.message)

    @staticmethod
    def _batch(items: list[Outgoing]) -> list[Outgoing]:
        """The first items, up to about PUSH_BATCH_BYTES of records (always at least one)."""
        size = 0
        for n, item in enumerate(items):
            size += len(json.dumps(item.payload, ensure_ascii=False, separators=(",", ":")))
            if n and size > PUSH_BATCH_BYTES:
                return items[:n]
        return items

    def _push_batch(self, report: SyncReport, batch: list[Outgoing]) -> list[PushResult]:
        """The server's answers to `batch`: annotations go to the annotation batch endpoint, delivery
        reports to the deliveries endpoint (one request each). A batch the server refuses as a whole (a
        4xx other than not found / forbidden) is split, so that only the change it cannot take is marked
        refused."""
        kinds = sorted({o.target_type for o in batch})
        if len(kinds) > 1:
            by_id: dict[int, PushResult] = {}
            for kind in kinds:
                part = [o for o in batch if o.target_type == kind]
                by_id.update((r.outbox_id, r) for r in self._push_batch(report, part))
            return [by_id[o.outbox_id] for o in batch]
        send = self._send_deliveries if kinds[0] == DELIVERY else self._send_annotations
        try:
            results = self._retrying(report, partial(send, batch))
        except RequestRejected as exc:
            if len(batch) == 1:
                return [PushResult(batch[0].outbox_id, PushStatus.REJECTED, message=exc.message)]
            half = len(batch) // 2
            return self._push_batch(report, batch[:half]) + self._push_batch(report, batch[half:])
        finally:
            report.push_requests += 1
        return results

    def _send_annotations(self, batch: list[Outgoing]) -> list[PushResult]:
        items = [PushItem(o.idempotency_key, o.base_version, o.payload) for o in batch]
        answers = self.api.push_annotations(items)
        return [_result(o.outbox_id, a) for o, a in zip(batch, answers, strict=True)]

    def _send_deliveries(self, batch: list[Outgoing]) -> list[PushResult]:
        """Delivery reports; one whose queued payload is malformed is refused here, not sent."""
        reports: dict[int, DeliveryReport] = {}
        refused: dict[int, PushResult] = {}
        for o in batch:
            try:
                reports[o.outbox_id] = _delivery_report(o)
            except (KeyError, TypeError, ValueError) as exc:
                refused[o.outbox_id] = PushResult(
                    o.outbox_id, PushStatus.REJECTED, message=f"The queued report is malformed ({exc})."
                )
        answers = self.api.report_deliveries(list(reports.values())) if reports else []
        answered = dict(zip(reports, answers, strict=True))
        return [
            refused.get(o.outbox_id) or _delivery_result(o.outbox_id, answered[o.outbox_id]) for o in batch
        ]

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
            report.skipped += applied.skipped
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
                self._pause(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def _pause(self, delay: float) -> None:
        """Wait `delay` seconds before a retry; Cancelled when stopped, shorter when nudged."""
        deadline = time.monotonic() + delay
        while (left := deadline - time.monotonic()) > 0:
            if self.stop.wait(min(left, 0.2)):
                raise Cancelled()
            if self.nudge.is_set():
                self.nudge.clear()
                return
        if self.stop.is_set():
            raise Cancelled()

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


def _result(outbox_id: int, answer: PushAnswer) -> PushResult:
    return PushResult(
        outbox_id,
        answer.status,
        version=answer.version,
        server_id=answer.server_id,
        current=answer.current,
        current_version=answer.current_version,
        message=answer.message,
    )


def _delivery_report(item: Outgoing) -> DeliveryReport:
    payload = item.payload
    event, at = payload["event"], payload["at"]
    if not isinstance(event, str) or not isinstance(at, str):
        raise TypeError("event and at must be text")
    files = tuple(str(f) for f in payload.get("files") or ())
    return DeliveryReport(item.idempotency_key, int(payload["meeting_id"]), event, at, files)


def _delivery_result(outbox_id: int, answer: DeliveryAnswer) -> PushResult:
    status = {"ok": PushStatus.OK, "stale": PushStatus.STALE}.get(answer.status, PushStatus.REJECTED)
    message = answer.message or ("" if status == PushStatus.OK else "The server refused the report.")
    return PushResult(outbox_id, status, message=message)


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
