"""Fetching the bytes of OParl files into the replica (a few threads, retries with backoff).

OParl has no checksums (1.1 deprecated ``sha1Checksum``; real servers send none) and real servers
announce sizes of 0 or wrong ones: nothing is rejected for its announced size; the sha256 and the size
are measured on arrival by the replica's sink. What is rejected: an HTML page where a document was
expected (a portal's error page with status 200) and an empty answer — both retried, then reported.
A ``downloadUrl`` that answers 404 is tried once more as the ``accessUrl``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from sync.client.errors import CertificateError, InsecureServerUrl, NotFound, Offline, SyncClientError
from sync.engine.engine import Cancelled
from sync.oparl.http import BrokenJson, NotJson, OParlHttp
from sync.oparl.port import FileTask, OParlReplicaPort

_CHUNK = 1 << 20


class NotADocument(NotJson):
    """An HTML page came where a document was expected."""


class EmptyDocument(BrokenJson):
    """The server sent no bytes for a document."""


@dataclass(frozen=True, slots=True)
class FileFailure:
    file_id: str
    name: str
    message: str


@dataclass(slots=True)
class FilesReport:
    wanted: int = 0
    downloaded: int = 0
    bytes: int = 0
    seconds: float = 0.0
    failures: list[FileFailure] = field(default_factory=list)


def fetch_files(
    http: OParlHttp,
    replica: OParlReplicaPort,
    tasks: Sequence[FileTask],
    *,
    workers: int = 4,
    progress: Callable[[int, int], None] | None = None,
) -> FilesReport:
    """Download ``tasks`` into the replica. Per-file failures are reported (and noted as skips); no
    network, a certificate error or a stop request end the run (what was stored is recorded)."""
    report = FilesReport(wanted=len(tasks))
    started = time.perf_counter()
    if not tasks:
        return report
    pool = ThreadPoolExecutor(max_workers=min(max(1, workers), len(tasks)), thread_name_prefix="oparl-file")
    abort = threading.Event()  # set when the run ends early: the downloads still running stop
    done_count = 0
    try:
        queue = iter(tasks)
        pending: dict[Future[tuple[str, int]], FileTask] = {}
        while True:
            while len(pending) < workers * 2:
                task = next(queue, None)
                if task is None:
                    break
                pending[pool.submit(_download, http, replica, task, abort)] = task
            if not pending:
                break
            finished, _ = wait(set(pending), return_when=FIRST_COMPLETED)
            for future in finished:
                task = pending.pop(future)
                done_count += 1
                try:
                    sha256, size = future.result()
                except (Offline, CertificateError, InsecureServerUrl, Cancelled):
                    raise
                except SyncClientError as exc:
                    replica.file_failed(task, exc.message)
                    http.log.skipped("file-failed", f"{task.name or task.file_id}: {exc.message}")
                    report.failures.append(FileFailure(task.file_id, task.name, exc.message))
                else:
                    replica.file_stored(task, sha256, size)
                    report.downloaded += 1
                    report.bytes += size
                if progress is not None:
                    progress(done_count, len(tasks))
    except BaseException:
        abort.set()
        pool.shutdown(wait=True, cancel_futures=True)
        replica.flush()
        raise
    pool.shutdown(wait=True)
    replica.flush()
    report.seconds = time.perf_counter() - started
    return report


def _download(
    http: OParlHttp, replica: OParlReplicaPort, task: FileTask, abort: threading.Event
) -> tuple[str, int]:
    """One file, retried; runs on a download thread."""
    try:
        return http.retrying(lambda: _once(http, replica, task, task.url, abort), task.url)
    except NotFound:
        if not task.fallback_url or task.fallback_url == task.url:
            raise
        fallback = task.fallback_url
        return http.retrying(lambda: _once(http, replica, task, fallback, abort), fallback)


def _once(
    http: OParlHttp, replica: OParlReplicaPort, task: FileTask, url: str, abort: threading.Event
) -> tuple[str, int]:
    target = http.urls.fetchable(url)
    sink = replica.open_sink(task)
    try:
        with http.stream(target) as response:
            ctype = response.headers.get("content-type", "").lower()
            expect_html = "html" in task.mime_type
            first = True
            written = 0
            for chunk in response.iter_bytes(_CHUNK):
                if http.stop.is_set() or abort.is_set():
                    raise Cancelled()
                if first and chunk:
                    first = False
                    if (
                        not expect_html
                        and chunk.lstrip()[:1] == b"<"
                        and ("html" in ctype or b"<html" in chunk[:512].lower())
                    ):
                        raise NotADocument(f"{target} answered with an HTML page instead of the document.")
                sink.write(chunk)
                written += len(chunk)
        if written == 0:
            raise EmptyDocument(f"{target} answered without any bytes.")
        return sink.commit()
    except BaseException:
        sink.discard()
        raise
