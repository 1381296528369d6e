# mypy: disable-error-code="no-untyped-call"
# (PyMuPDF is only partly annotated; calling its unannotated methods is unavoidable here.)
"""Page texts of a PDF, extracted by PyMuPDF in a worker process (DESIGN §2–§3).

PyMuPDF holds the GIL while it works, so extraction never runs in the GUI or sync process: a
`TextExtractor` owns a small `ProcessPoolExecutor` (``spawn`` context, safe when the parent has threads)
and sends it the decrypted document bytes. The worker opens them with ``pymupdf.open(stream=...)``:
plaintext never touches the disk, not even as a temporary file.

Bad input never raises into the caller and never breaks the extractor for good:

* bytes that are no PDF, a PDF without pages, a wrong password → an `ExtractResult` with ``error`` set;
* a worker that dies (a crash inside MuPDF) → ``error`` set, the pool is rebuilt for the next call;
* a worker stuck longer than ``timeout_s`` → ``error`` set (saying how long it ran), the worker is
  terminated, the pool rebuilt; other documents that were in flight in the same pool are resubmitted, they
  did nothing wrong. The limit counts from the moment the worker has started on the document (it says
  so through a pipe, see gremalda.pdf.workerstart), not from the hand-over: a worker's own start (``spawn``,
  importing PyMuPDF) has a limit of its own (``start_timeout_s``), reported as ``ERR_WORKER_START``.

`extract_in_process` is the worker function itself and can be called directly (tests, tools).
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import Connection
from types import TracebackType
from typing import TYPE_CHECKING, Any

from gremalda.pdf.orphans import exit_with_parent
from gremalda.pdf.workerstart import START_TIMEOUT, announced, delay_start_for_tests, listen, seconds_text

if TYPE_CHECKING:
    import pymupdf

__all__ = [
    "ERR_CLOSED",
    "ERR_NOT_A_PDF",
    "ERR_NO_PAGES",
    "ERR_WORKER_DIED",
    "ERR_WORKER_START",
    "ERR_WRONG_PASSWORD",
    "ExtractResult",
    "TextExtractor",
    "extract_in_process",
]

ERR_NOT_A_PDF = "This file is not a readable PDF."
ERR_NO_PAGES = "This PDF has no readable pages (it is probably damaged)."
ERR_WRONG_PASSWORD = "The password for this PDF is wrong."  # noqa: S105 (a message, not a secret)
ERR_WORKER_DIED = "The text extraction worker stopped unexpectedly while reading this PDF."
ERR_CLOSED = "The text extractor was closed before this PDF was read."
ERR_WORKER_START = (
    "The text extraction worker did not start within {seconds:g} s (the computer is very busy); this PDF "
    "was not read."
)
ERR_TIMEOUT = "Reading this PDF took longer than {seconds:g} s and was stopped after {ran:g} s."

# C0 control characters (except tab and newline) and DEL: MuPDF emits them for glyphs without a
# Unicode mapping; they are noise in a full-text index.
_OPTIONAL_PYMUPDF_ADDONS = ("pymupdf.layout", "pymupdf4llm")

_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


@dataclass(frozen=True, slots=True)
class ExtractResult:
    """What was read from one PDF.

    ``pages`` holds ``(page_number, text)`` for every page that could be read, page numbers 1-based,
    in order (a page without text has ``""``). ``scanned_pages`` counts pages with images but no text.
    ``error`` is a sentence for the user, or None when every page was read.
    """

    pages: list[tuple[int, str]] = field(default_factory=list)
    page_count: int = 0
    encrypted: bool = False
    needs_password: bool = False
    scanned_pages: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.needs_password


def extract_in_process(data: bytes, password: str | None = None) -> ExtractResult:
    """Extract the page texts of the PDF in ``data`` in this process (the worker function).

    Never raises for bad input: every problem is reported in ``ExtractResult.error``.
    """
    import pymupdf

    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception:
        return ExtractResult(error=ERR_NOT_A_PDF)
    try:
        return _extract_document(doc, password)
    except Exception as exc:  # a damaged document may fail anywhere inside MuPDF
        return ExtractResult(error=f"{ERR_NOT_A_PDF} ({type(exc).__name__}: {exc})")
    finally:
        doc.close()


def _extract_document(doc: pymupdf.Document, password: str | None) -> ExtractResult:
    encrypted = bool(doc.is_encrypted) or bool(doc.needs_pass)
    if doc.needs_pass:
        if password is None:
            return ExtractResult(page_count=doc.page_count, encrypted=True, needs_password=True)
        if not doc.authenticate(password):
            return ExtractResult(
                page_count=doc.page_count, encrypted=True, needs_password=True, error=ERR_WRONG_PASSWORD
            )
    page_count = doc.page_count
    if page_count == 0:
        return ExtractResult(encrypted=encrypted, error=ERR_NO_PAGES)
    pages: list[tuple[int, str]] = []
    scanned = 0
    failed = 0
    for index in range(page_count):
        try:
            page = doc.load_page(index)
            text = str(page.get_text("text")).translate(_CONTROL)
            if not text.strip() and page.get_image_info():
                scanned += 1
        except Exception:
            failed += 1
            continue
        pages.append((index + 1, text))
    error = None
    if failed == page_count:
        error = ERR_NO_PAGES
    elif failed:
        error = f"{failed} of {page_count} pages of this PDF could not be read (it is probably damaged)."
    return ExtractResult(
        pages=pages, page_count=page_count, encrypted=encrypted, scanned_pages=scanned, error=error
    )


def _worker_init(parent: int | None = None, started: Connection | None = None) -> None:
    """Runs once in every worker, before PyMuPDF is imported there.

    PyMuPDF ≥ 1.26/2.0 imports ``pymupdf.layout`` and ``pymupdf4llm`` when they are installed; they load
    onnxruntime, which writes a telemetry session file (``$TMPDIR/.ses``) and a database under ``~/.cache``
    and adds about 0.6 s to every worker start. Plain text extraction needs neither, so the worker blocks
    them (this module imports PyMuPDF lazily for exactly this reason). Also: quiet MuPDF's stderr chatter;
    Ctrl-C belongs to the parent. ``started``: the pipe the worker says into which document it has
    started on (gremalda.pdf.workerstart).
    """
    delay_start_for_tests()
    listen(started)
    for optional in _OPTIONAL_PYMUPDF_ADDONS:
        sys.modules.setdefault(optional, None)  # type: ignore[arg-type]  # None makes `import` fail
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(parent)  # a killed parent must not leave its workers waiting for work forever
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)


@dataclass(eq=False)
class _Job:
    fn: Callable[..., ExtractResult]
    args: tuple[Any, ...]
    outer: Future[ExtractResult]
    pool: ProcessPoolExecutor | None = None
    deadline: float = 0.0
    number: int = 0  # the job's number in the "started" messages
    limit: float = 0.0  # its time limit, once the worker has started on it
    began: float | None = None  # when the worker started on it (monotonic)


class TextExtractor:
    """Extracts page texts in worker processes; use as a context manager (or call `close`).

    At most ``max_workers`` documents are in a worker at once, the rest wait in order; ``timeout_s``
    (the value when a document is handed to a worker) counts from the moment the worker has started on
    it; a worker that has not started on it ``start_timeout_s`` after the hand-over is given up.
    """

    def __init__(
        self, max_workers: int = 1, timeout_s: float = 120.0, *, start_timeout_s: float = START_TIMEOUT
    ) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self.max_workers = max_workers
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s
        self._numbers = itertools.count(1)
        self._started_r, self._started_w = get_context("spawn").Pipe(duplex=False)
        self._cond = threading.Condition(threading.RLock())
        self._pending: collections.deque[_Job] = collections.deque()
        self._running: dict[Future[ExtractResult], _Job] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._retired: list[ProcessPoolExecutor] = []  # broken or killed pools, joined on close
        self._closed = False
        self._watchdog = threading.Thread(target=self._watch, name="gremalda-extract-watchdog", daemon=True)
        self._watchdog.start()
        self._listener = threading.Thread(target=self._listen, name="gremalda-extract-started", daemon=True)
        self._listener.start()

    # -- public API ---------------------------------------------------------------------------------

    def submit(self, data: bytes, *, password: str | None = None) -> Future[ExtractResult]:
        """Queue ``data`` for extraction; the future always resolves to an `ExtractResult`."""
        return self._submit_call(extract_in_process, bytes(data), password)

    def extract(self, data: bytes, *, password: str | None = None) -> ExtractResult:
        """Extract ``data`` and wait for the result (never call this on the GUI thread)."""
        return self.submit(data, password=password).result()

    def close(self) -> None:
        """Stop the workers; queued documents are cancelled, documents in a worker get ``ERR_CLOSED``."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            pending = list(self._pending)
            self._pending.clear()
            running = list(self._running.values())
            self._running.clear()
            pool, self._pool = self._pool, None
            retired, self._retired = self._retired, []
            self._cond.notify_all()
        for job in pending:
            job.outer.cancel()
        for job in running:
            _resolve(job.outer, ExtractResult(error=ERR_CLOSED))
        if pool is not None:
            if running:
                _terminate_workers(pool)
            pool.shutdown(wait=True, cancel_futures=True)
        for old in retired:
            old.shutdown(wait=True, cancel_futures=True)
        self._watchdog.join()
        with contextlib.suppress(OSError):
            self._started_w.send(None)  # ends the listener
        self._listener.join()
        self._started_r.close()
        self._started_w.close()

    def __enter__(self) -> TextExtractor:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def worker_pids(self) -> list[int]:
        """Process ids of the current workers (diagnostics and tests)."""
        with self._cond:
            pool = self._pool
            return sorted(pool._processes) if pool is not None and pool._processes else []

    # -- machinery ----------------------------------------------------------------------------------

    def _submit_call(self, fn: Callable[..., ExtractResult], *args: Any) -> Future[ExtractResult]:
        """Run ``fn(*args)`` in a worker (``fn`` must be picklable; tests use this to inject faults)."""
        outer: Future[ExtractResult] = Future()
        with self._cond:
            if self._closed:
                raise RuntimeError("the text extractor is closed")
            self._pending.append(_Job(fn, args, outer))
            self._dispatch()
        return outer

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.max_workers,
            mp_context=get_context("spawn"),
            initializer=_worker_init,
            initargs=(os.getpid(), self._started_w),
        )

    def _dispatch(self) -> None:
        """Hand waiting jobs to free workers (called with the lock held)."""
        while self._pending and len(self._running) < self.max_workers and not self._closed:
            job = self._pending.popleft()
            if not job.outer.set_running_or_notify_cancel():
                continue  # cancelled while waiting
            inner: Future[ExtractResult] | None = None
            for _attempt in range(2):
                if self._pool is None:
                    self._pool = self._new_pool()
                try:
                    job.number, job.began = next(self._numbers), None
                    inner = self._pool.submit(announced, job.number, job.fn, *job.args)
                    break
                except (BrokenProcessPool, RuntimeError):  # broken or shut down under us: start afresh
                    self._discard_pool()
            if inner is None:
                _resolve(job.outer, ExtractResult(error=ERR_WORKER_DIED))
                continue
            job.pool = self._pool
            job.limit = self.timeout_s
            job.deadline = time.monotonic() + self.start_timeout_s  # until the worker has started on it
            self._running[inner] = job
            inner.add_done_callback(self._on_done)
        self._cond.notify_all()

    def _discard_pool(self, *, terminate: bool = False) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            if terminate:
                _terminate_workers(pool)
            pool.shutdown(wait=False, cancel_futures=True)
            self._retired = [p for p in self._retired if _alive(p)]
            self._retired.append(pool)

    def _on_done(self, inner: Future[ExtractResult]) -> None:
        with self._cond:
            job = self._running.pop(inner, None)
            if job is None:
                return  # already answered (timeout or close)
            if inner.cancelled():
                result = ExtractResult(error=ERR_WORKER_DIED)
            elif isinstance(inner.exception(), BrokenProcessPool):
                if job.pool is self._pool:
                    self._discard_pool()
                result = ExtractResult(error=ERR_WORKER_DIED)
            elif (exc := inner.exception()) is not None:
                result = ExtractResult(error=f"Text extraction failed: {type(exc).__name__}: {exc}")
            else:
                result = inner.result()
            _resolve(job.outer, result)
            self._dispatch()

    def _listen(self) -> None:
        """Listener thread: a worker started on a job; its time limit counts from now."""
        while True:
            try:
                number = self._started_r.recv()
            except (EOFError, OSError):
                return
            if number is None:
                return
            with self._cond:
                for job in self._running.values():
                    if job.number == number and job.began is None:
                        job.began = time.monotonic()
                        job.deadline = job.began + job.limit
                        self._cond.notify_all()
                        break

    def _watch(self) -> None:
        """Watchdog thread: terminates a worker that has been busy with one document for too long."""
        with self._cond:
            while not self._closed:
                now = time.monotonic()
                expired = [job for job in self._running.values() if job.deadline <= now]
                if expired:
                    self._handle_timeout(expired)
                    continue
                deadlines = [job.deadline for job in self._running.values()]
                self._cond.wait(timeout=min(deadlines) - now if deadlines else None)

    def _handle_timeout(self, expired: list[_Job]) -> None:
        victims = [job for job in self._running.values() if job not in expired]
        self._running.clear()
        self._discard_pool(terminate=True)
        now = time.monotonic()
        for job in expired:
            if job.began is None:
                error = ERR_WORKER_START.format(seconds=self.start_timeout_s)
            else:
                error = ERR_TIMEOUT.format(seconds=job.limit, ran=seconds_text(now - job.began))
            _resolve(job.outer, ExtractResult(error=error))
        for job in reversed(victims):  # innocent bystanders: back to the front of the queue
            job.outer = _restartable(job.outer)
            self._pending.appendleft(job)
        self._dispatch()


def _restartable(outer: Future[ExtractResult]) -> Future[ExtractResult]:
    """A running future cannot go back to pending; wrap it so `_dispatch` can start it again."""
    if outer.done():
        return outer
    inner: Future[ExtractResult] = Future()

    def forward(done: Future[ExtractResult]) -> None:
        if done.cancelled():
            _resolve(outer, ExtractResult(error=ERR_CLOSED))
        else:
            _resolve(outer, done.result())

    inner.add_done_callback(forward)
    return inner


def _resolve(future: Future[ExtractResult], result: ExtractResult) -> None:
    with contextlib.suppress(Exception):  # already resolved (InvalidStateError) is fine
        future.set_result(result)


def _alive(pool: ProcessPoolExecutor) -> bool:
    thread = getattr(pool, "_executor_manager_thread", None)
    return thread is not None and bool(thread.is_alive())


def _terminate_workers(pool: ProcessPoolExecutor) -> None:
    processes = list((pool._processes or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=5)
