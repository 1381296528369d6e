"""Page rendering in worker processes (DESIGN §2–§3): the client side, Qt-free.

PyMuPDF holds the GIL while it renders, so a `Renderer` keeps its PyMuPDF in ``spawn``-ed worker processes
(`gremalda.pdf.renderworker`) and the calling threads only ever queue requests and receive futures:

* `open` registers the decrypted bytes of a document (never a file: plaintext stays off the disk) and returns
  a future `DocumentInfo`. A worker receives the bytes once, the first time it is given a request for that
  document, and keeps the document open (up to ``max_documents`` per worker, least recently used first out).
* `render` queues a page (or a pixel rectangle of it, a tile) at a scale and returns a future
  `RenderedImage` with raw RGB888 samples. Requests wait in one priority queue (lower value first, then
  first come first served); one dispatcher thread hands each idle worker the most urgent request.
* `words` gives a page's words with their boxes and their offsets into the page text as the indexer
  stores it (`PageWords`), for text selection and annotation quotes.
* Generations cancel stale work: `set_generation` drops the queued requests of a document made with an
  older generation (their futures are cancelled), so fast scrolling never waits behind pages long gone.
  A request already in a worker finishes (its image is still worth caching).
* A worker that dies (a crash inside MuPDF) is restarted; the request it was working on is tried once
  more on a fresh worker (then fails with `RenderError`), and the documents are sent to the new worker
  again when it next needs them. A request running longer than ``timeout_s`` kills its worker and fails.
  The limit counts from the moment the worker has started on the request (and, before it, on loading the
  document: the same limit again); a fresh worker's own start (``spawn``, importing PyMuPDF) has a limit
  of its own (``start_timeout_s``), whose expiry fails the request with ``ERR_WORKER_START``.
* Nothing raises into the caller for bad documents: `DocumentInfo.error` holds a sentence for people;
  a page that cannot be rendered fails its future with `RenderError` (its ``message`` is for people).

Thread-safe; use as a context manager or call `close`. Callbacks added to the futures run on the
dispatcher thread (or, for a cancelled request, on the thread that cancelled it): keep them short.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import Connection, wait
from types import TracebackType
from typing import Any, NamedTuple

from gremalda.pdf.renderworker import (
    ERR_EMPTY,
    ERR_LOCKED,
    ERR_NO_PAGES,
    ERR_NOT_A_PDF,
    ERR_PAGE,
    ERR_TOO_LARGE,
    ERR_WRONG_PASSWORD,
    worker_main,
)
from gremalda.pdf.workerstart import START_TIMEOUT

__all__ = [
    "ERR_CLOSED",
    "ERR_EMPTY",
    "ERR_LOCKED",
    "ERR_NOT_A_PDF",
    "ERR_NOT_OPEN",
    "ERR_NO_PAGES",
    "ERR_PAGE",
    "ERR_TIMEOUT",
    "ERR_TOO_LARGE",
    "ERR_WORKER_DIED",
    "ERR_WORKER_START",
    "ERR_WRONG_PASSWORD",
    "IDENTITY",
    "DocumentInfo",
    "FindHits",
    "Matrix",
    "OutlineEntry",
    "PageInfo",
    "PageWords",
    "RenderError",
    "RenderedImage",
    "Renderer",
    "Word",
]

log = logging.getLogger(__name__)
ERR_WORKER_DIED = "The page renderer stopped unexpectedly while working on this document."
ERR_TIMEOUT = "Rendering took too long and was stopped."
ERR_WORKER_START = "The page renderer did not start in time (the computer is very busy); try again."
ERR_CLOSED = "The page renderer was closed."
ERR_NOT_OPEN = "This document is not open."

PixelRect = tuple[int, int, int, int]
FindHits = list[tuple[int, list[tuple[float, float, float, float]]]]
"""`Renderer.find` answers: ``(page, [rect, ...])`` for every page with a hit, rects in points."""


Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class PageInfo:
    """Size of a page in points (1/72 inch), its rotation applied, and its label (``"iv"``, ``"12"``).

    ``matrix``: from the coordinates PyMuPDF reports for text and annotations (the unrotated page, where
    annotation geometry is stored) to the page as shown: ``(a, b, c, d, e, f)``, x' = a·x + c·y + e,
    y' = b·x + d·y + f; the identity unless the page is rotated.
    """

    width: float
    height: float
    label: str
    matrix: Matrix = IDENTITY


class Word(NamedTuple):
    """A word of a page: its box in points as PyMuPDF reports it (unrotated page), its text, PyMuPDF's
    block and line numbers, and ``start``/``end``, its place in the page text (``start == end`` when the
    word was not found there)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    block: int
    line: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PageWords:
    """The words of a page in PyMuPDF's order and the page text they point into, which is the text the
    indexer stores for the page (`gremalda.pdf.extract`), so quotes and page-text hashes agree with it."""

    key: str
    page: int
    text: str
    words: tuple[Word, ...]


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """One bookmark: ``level`` from 1, ``page`` 0-based or -1 when it points nowhere in the document."""

    level: int
    title: str
    page: int


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What a viewer needs to lay out a document.

    ``needs_password``: the document is locked; ask for a password and call `Renderer.authenticate`
    (``error`` is then `ERR_WRONG_PASSWORD` when a password was given and was wrong, else None).
    ``error``: a sentence for people when the document cannot be shown (not a PDF, empty, no pages).
    """

    key: str
    page_count: int
    pages: tuple[PageInfo, ...]
    outline: tuple[OutlineEntry, ...]
    title: str
    needs_password: bool
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.needs_password and self.page_count > 0


@dataclass(frozen=True, slots=True)
class RenderedImage:
    """Raw pixels of a page (or of the tile ``clip`` of it) at ``scale`` pixels per point.

    ``samples`` is RGB888, 3 bytes per pixel, rows ``stride`` bytes apart. ``clip`` is the pixel rectangle
    ``(x0, y0, x1, y1)`` at this scale that was rendered (the requested one, cut to the page), None for a
    whole page.
    """

    key: str
    page: int
    scale: float
    clip: PixelRect | None
    width: int
    height: int
    stride: int
    samples: bytes
    night: bool


class RenderError(Exception):
    """A request could not be answered; ``message`` is a sentence for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(eq=False)
class _Document:
    data: bytes
    password: str | None
    version: int


@dataclass(eq=False)
class _Job:
    kind: str  # "info" | "render" | "find" | "words" | "call"
    key: str | None
    args: tuple[Any, ...]
    future: Future[Any]
    priority: int
    seq: int
    generation: int | None = None
    attempts: int = 0
    started: bool = False

    def __lt__(self, other: _Job) -> bool:
        return (self.priority, self.seq) < (other.priority, other.seq)


@dataclass(eq=False)
class _Worker:
    slot: int
    process: Any = None  # multiprocessing.Process (SpawnProcess) or None while waiting to restart
    conn: Connection | None = None
    docs: OrderedDict[str, int] = field(default_factory=OrderedDict)  # key → version it holds
    job: _Job | None = None
    deadline: float = 0.0
    started_at: float = 0.0
    restart_at: float = 0.0
    ready: bool = False  # the process has said it started
    limit: float = 0.0  # the time limit of its job, from the moment it started on it
    began: float = 0.0  # when it started on the current step of its job


_Outcome = tuple[Future[Any], str, Any]  # (future, "result" | "error" | "cancel", value)


class Renderer:
    """Renders PDF pages in ``workers`` processes; see the module docstring.

    ``timeout_s`` bounds one request in a worker (from the moment the worker has started on it);
    ``start_timeout_s`` a fresh worker's start; ``max_documents`` bounds the documents one worker keeps
    open.
    """

    def __init__(
        self,
        workers: int = 2,
        *,
        timeout_s: float = 60.0,
        max_documents: int = 8,
        start_timeout_s: float = START_TIMEOUT,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s
        self.max_documents = max(1, max_documents)
        self._ctx = get_context("spawn")
        self._lock = threading.RLock()
        self._heap: list[_Job] = []
        self._seq = itertools.count()
        self._docs: dict[str, _Document] = {}
        self._generations: dict[str, int] = {}
        self._versions = itertools.count(1)
        self._affinity: dict[tuple[str, int], int] = {}
        self._closed = False
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        self._workers = [_Worker(slot) for slot in range(workers)]
        for worker in self._workers:
            self._start(worker)
        self._thread = threading.Thread(target=self._run, name="gremalda-render-dispatcher", daemon=True)
        self._thread.start()

    # -- public API ---------------------------------------------------------------------------------

    def open(self, key: str, data: bytes, password: str | None = None) -> Future[DocumentInfo]:
        """Register (or replace) the document ``key``; the future gives its `DocumentInfo`."""
        with self._lock:
            self._check_open()
            self._docs[key] = _Document(bytes(data), password, next(self._versions))
            info = self._submit("info", key, (), priority=-10)
            for _ in range(len(self._workers) - 1):
                # every other idle worker opens the document meanwhile, so that the first page's
                # sharp render (which may go to another worker than the quick one) does not wait for it
                self._submit("info", key, (), priority=-9)
            return info

    def authenticate(self, key: str, password: str) -> Future[DocumentInfo]:
        """Try ``password`` on the locked document ``key``; the future gives the new `DocumentInfo`."""
        with self._lock:
            self._check_open()
            doc = self._docs.get(key)
            if doc is None:
                return _failed(ERR_NOT_OPEN)
            doc.password = password
            doc.version = next(self._versions)  # workers must open it again, with the password
            return self._submit("info", key, (), priority=-10)

    def render(
        self,
        key: str,
        page: int,
        scale: float,
        *,
        clip: PixelRect | None = None,
        night: bool = False,
        priority: int = 0,
        generation: int | None = 0,
    ) -> Future[RenderedImage]:
        """Queue page ``page`` (0-based) of ``key`` at ``scale`` pixels per point.

        ``clip``: only this pixel rectangle ``(x0, y0, x1, y1)`` at ``scale`` (a tile). ``night``: inverted,
        images in their true colours. ``priority``: lower is sooner. ``generation``: the request is dropped
        once `set_generation` raises the document's generation above it; None never goes stale (for
        thumbnails, which have their own rhythm; cancel their futures instead). A request made with a
        generation that is already stale comes back cancelled. Failures: `RenderError`.
        """
        clip = None if clip is None else (int(clip[0]), int(clip[1]), int(clip[2]), int(clip[3]))
        with self._lock:
            self._check_open()
            if key not in self._docs:
                return _failed(ERR_NOT_OPEN)
            if generation is not None and generation < self._generations.get(key, 0):
                future: Future[RenderedImage] = Future()
                future.cancel()
                return future
            return self._submit(
                "render",
                key,
                (page, float(scale), clip, bool(night)),
                priority=priority,
                generation=generation,
            )

    def set_generation(self, key: str, generation: int) -> None:
        """Raise the generation of ``key``: queued renders of older generations are cancelled."""
        stale: list[_Job] = []
        with self._lock:
            if generation <= self._generations.get(key, 0):
                return
            self._generations[key] = generation
            keep: list[_Job] = []
            for job in self._heap:
                if (
                    job.key == key
                    and job.kind == "render"
                    and job.generation is not None
                    and job.generation < generation
                    and not job.started
                ):
                    stale.append(job)
                else:
                    keep.append(job)
            if stale:
                heapq.heapify(keep)
                self._heap = keep
        for job in stale:
            job.future.cancel()

    def find(self, key: str, query: str, *, priority: int = 5) -> Future[FindHits]:
        """Search all pages of ``key`` for ``query`` (case-insensitive); hits in points, per page."""
        with self._lock:
            self._check_open()
            if key not in self._docs:
                return _failed(ERR_NOT_OPEN)
            return self._submit("find", key, (query,), priority=priority)

    def words(self, key: str, page: int, *, priority: int = 4) -> Future[PageWords]:
        """The words of page ``page`` of ``key`` with their boxes and their offsets into the page text
        (see `PageWords`); a page that cannot be read fails with `RenderError`."""
        with self._lock:
            self._check_open()
            if key not in self._docs:
                return _failed(ERR_NOT_OPEN)
            return self._submit("words", key, (int(page),), priority=priority)

    def close_document(self, key: str) -> None:
        """Forget ``key``: its queued requests are cancelled, the workers close it."""
        stale: list[_Job] = []
        with self._lock:
            if self._docs.pop(key, None) is None:
                return
            self._generations.pop(key, None)
            self._affinity = {k: v for k, v in self._affinity.items() if k[0] != key}
            stale = [job for job in self._heap if job.key == key and not job.started]
            if stale:
                self._heap = [job for job in self._heap if job.key != key or job.started]
                heapq.heapify(self._heap)
        for job in stale:
            job.future.cancel()
        self._wake()  # the dispatcher tells the workers

    def close(self) -> None:
        """Stop the workers; queued requests are cancelled, running ones fail with `ERR_CLOSED`."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._wake()
        self._thread.join()
        with self._lock:
            os.close(self._wake_r)
            os.close(self._wake_w)
            self._wake_r = self._wake_w = -1

    def __enter__(self) -> Renderer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (diagnostics and tests)."""
        with self._lock:
            return [w.process.pid for w in self._workers if w.process is not None and w.process.is_alive()]

    def documents_in_workers(self) -> list[list[str]]:
        """For each worker, the documents it holds open (diagnostics and tests)."""
        with self._lock:
            return [list(w.docs) for w in self._workers]

    def _submit_call(self, fn: Callable[..., Any], *args: Any, priority: int = 0) -> Future[Any]:
        """Run the picklable ``fn(*args)`` in a worker (tests inject faults this way)."""
        with self._lock:
            self._check_open()
            return self._submit("call", None, (fn, args), priority=priority)

    # -- submission ----------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the renderer is closed")

    def _submit(
        self,
        kind: str,
        key: str | None,
        args: tuple[Any, ...],
        *,
        priority: int,
        generation: int | None = None,
    ) -> Future[Any]:
        future: Future[Any] = Future()
        heapq.heappush(self._heap, _Job(kind, key, args, future, priority, next(self._seq), generation))
        self._wake()
        return future

    def _wake(self) -> None:
        with self._lock:
            if self._wake_w < 0:
                return
            with contextlib.suppress(BlockingIOError, OSError):  # full pipe: a wake-up is pending anyway
                os.write(self._wake_w, b"!")

    # -- dispatcher thread ---------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                outcomes: list[_Outcome] = []
                with self._lock:
                    if self._closed:
                        break
                    sends = self._assign(outcomes)
                _settle(outcomes)
                for worker, messages in sends:
                    self._send(worker, messages)
                self._wait_and_collect()
        finally:
            self._shutdown()

    def _assign(self, outcomes: list[_Outcome]) -> list[tuple[_Worker, list[tuple[Any, ...]]]]:
        """Give queued jobs to idle workers (lock held); returns what to send to whom."""
        now = time.monotonic()
        sends: list[tuple[_Worker, list[tuple[Any, ...]]]] = []
        for worker in self._workers:
            if worker.process is None and now >= worker.restart_at:
                self._start(worker)
            if worker.process is not None and worker.job is None and worker.docs:
                closing = [key for key in worker.docs if key not in self._docs]
                for key in closing:
                    del worker.docs[key]
                if closing:
                    sends.append((worker, [("close", key) for key in closing]))
        idle = [w for w in self._workers if w.process is not None and w.job is None]
        while idle and self._heap:
            job = heapq.heappop(self._heap)
            doc = self._docs.get(job.key) if job.key is not None else None
            if job.key is not None and doc is None:
                outcomes.append((job.future, "error", ERR_NOT_OPEN))
                continue
            if (
                not job.started
                and job.kind == "render"
                and job.generation is not None
                and job.key is not None
                and job.generation < self._generations.get(job.key, 0)
            ):
                outcomes.append((job.future, "cancel", None))  # went stale after set_generation's sweep
                continue
            if not job.started and not job.future.set_running_or_notify_cancel():
                continue  # cancelled while it waited
            job.started = True
            worker = idle[0]
            if job.kind == "render" and job.key is not None:
                preferred = self._affinity.get((job.key, job.args[0]))
                worker = next((w for w in idle if w.slot == preferred), worker)
                self._affinity[(job.key, job.args[0])] = worker.slot
            idle.remove(worker)
            messages: list[tuple[Any, ...]] = []
            if job.key is not None and doc is not None and worker.docs.get(job.key) != doc.version:
                worker.docs.pop(job.key, None)
                while len(worker.docs) >= self.max_documents:
                    old, _ = worker.docs.popitem(last=False)
                    messages.append(("close", old))
                messages.append(("load", job.key, doc.password, doc.data))
                worker.docs[job.key] = doc.version
            elif job.key is not None:
                worker.docs.move_to_end(job.key)
            if job.kind == "call":
                messages.append(("call", *job.args))
            else:
                messages.append((job.kind, job.key, *job.args))
            worker.job = job
            worker.limit = self.timeout_s
            # until the worker says it started (on the load, then on the request): its start's limit
            worker.deadline = now + (self.timeout_s if worker.ready else self.start_timeout_s)
            sends.append((worker, messages))
        return sends

    def _send(self, worker: _Worker, messages: list[tuple[Any, ...]]) -> None:
        conn = worker.conn
        if conn is None:
            return
        try:
            for message in messages:
                if message[0] == "load":
                    conn.send(message[:3])
                    conn.send_bytes(message[3])
                else:
                    conn.send(message)
        except (OSError, EOFError):
            self._lost(worker, ERR_WORKER_DIED)

    def _wait_and_collect(self) -> None:
        with self._lock:
            workers = [w for w in self._workers if w.process is not None]
            waitables: list[Any] = [self._wake_r]
            for worker in workers:
                waitables.append(worker.process.sentinel)
                if worker.job is not None and worker.conn is not None:
                    waitables.append(worker.conn)
            deadlines = [w.deadline for w in workers if w.job is not None]
            deadlines += [w.restart_at for w in self._workers if w.process is None]
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        ready = wait(waitables, timeout)
        if self._wake_r in ready:
            with contextlib.suppress(BlockingIOError, OSError):
                while os.read(self._wake_r, 4096):
                    pass
        for worker in workers:
            if worker.conn is not None and worker.conn in ready:
                self._receive(worker)
            elif worker.process is not None and worker.process.sentinel in ready:
                self._lost(worker, ERR_WORKER_DIED)
        now = time.monotonic()
        for worker in workers:
            if worker.job is not None and worker.deadline <= now:
                if worker.ready:
                    ran, limit = now - worker.began, worker.limit
                    log.warning("render request stopped after %.1f s (limit %g s)", ran, limit)
                    self._lost(worker, ERR_TIMEOUT, retry=False)
                else:
                    log.warning("render worker did not start within %g s", self.start_timeout_s)
                    self._lost(worker, ERR_WORKER_START, retry=False)

    def _receive(self, worker: _Worker) -> None:
        job, conn = worker.job, worker.conn
        if job is None or conn is None:
            return
        try:
            message = conn.recv()
            if message[0] == "image":
                samples = conn.recv_bytes()
        except (OSError, EOFError):
            self._lost(worker, ERR_WORKER_DIED)
            return
        if message[0] in ("ready", "started"):  # the job's limit counts from now
            with self._lock:
                worker.ready = True
                worker.began = time.monotonic()
                worker.deadline = worker.began + worker.limit
            return
        with self._lock:
            worker.job = None
        self._wake()  # the worker is free again
        kind = message[0]
        if kind == "image":
            width, height, stride, clip = message[1]
            page, scale, _, night = job.args
            image = RenderedImage(job.key or "", page, scale, clip, width, height, stride, samples, night)
            _settle([(job.future, "result", image)])
        elif kind == "err":
            _settle([(job.future, "error", message[1])])
        elif job.kind == "info":
            _settle([(job.future, "result", _document_info(job.key or "", message[1]))])
        elif job.kind == "words":
            text, words = message[1]
            page_words = PageWords(job.key or "", job.args[0], text, tuple(Word(*w) for w in words))
            _settle([(job.future, "result", page_words)])
        else:
            _settle([(job.future, "result", message[1])])

    def _lost(self, worker: _Worker, reason: str, *, retry: bool = True) -> None:
        """A worker died or overran: replace it; retry its job once (crash) or fail it (timeout)."""
        outcomes: list[_Outcome] = []
        with self._lock:
            job, worker.job = worker.job, None
            remains = self._detach(worker)
            now = time.monotonic()
            # a worker that dies right after starting is not restarted in a tight loop
            worker.restart_at = now + (1.0 if now - worker.started_at < 2.0 and job is None else 0.0)
            if job is not None:
                job.attempts += 1
                if retry and job.attempts < 2 and not self._closed:
                    heapq.heappush(self._heap, job)
                else:
                    outcomes.append((job.future, "error", reason))
        _reap([remains], gently=False)  # outside the lock: callers of render() never wait for a join
        _settle(outcomes)
        self._wake()

    def _start(self, worker: _Worker) -> None:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=worker_main, args=(child,), name=f"gremalda-render-{worker.slot}", daemon=True
        )
        process.start()
        child.close()
        worker.process, worker.conn = process, parent
        worker.docs = OrderedDict()
        worker.started_at = time.monotonic()
        worker.ready = False

    @staticmethod
    def _detach(worker: _Worker) -> tuple[Any, Connection | None]:
        process, conn = worker.process, worker.conn
        worker.process, worker.conn = None, None
        worker.docs = OrderedDict()
        return process, conn

    def _shutdown(self) -> None:
        outcomes: list[_Outcome] = []
        with self._lock:
            self._closed = True
            pending, self._heap = self._heap, []
            for job in pending:
                outcomes.append((job.future, "error" if job.started else "cancel", ERR_CLOSED))
            idle, busy = [], []
            for worker in self._workers:
                if worker.job is not None:
                    outcomes.append((worker.job.future, "error", ERR_CLOSED))
                    worker.job = None
                    busy.append(self._detach(worker))
                else:
                    idle.append(self._detach(worker))
        _reap(busy, gently=False)  # a long render is not waited for
        _reap(idle, gently=True)
        _settle(outcomes)


def _reap(remains: list[tuple[Any, Connection | None]], *, gently: bool) -> None:
    """End worker processes: ask them to quit (gently) or kill them; wait until they are gone."""
    for _, conn in remains:
        if conn is not None:
            if gently:
                with contextlib.suppress(OSError, EOFError, ValueError):
                    conn.send(("quit",))
            conn.close()
    for process, _ in remains:
        if process is None:
            continue
        if gently:
            process.join(timeout=2)
        if process.is_alive():
            process.kill()
        process.join(timeout=5)
        with contextlib.suppress(ValueError):
            process.close()


def _document_info(key: str, info: tuple[Any, ...]) -> DocumentInfo:
    page_count, pages, outline, title, needs_password, error = info
    return DocumentInfo(
        key=key,
        page_count=page_count,
        pages=tuple(PageInfo(w, h, label, tuple(m)) for w, h, label, m in pages),
        outline=tuple(OutlineEntry(level, text, page) for level, text, page in outline),
        title=title,
        needs_password=needs_password,
        error=error,
    )


def _failed(message: str) -> Future[Any]:
    future: Future[Any] = Future()
    future.set_exception(RenderError(message))
    return future


def _settle(outcomes: list[_Outcome]) -> None:
    """Resolve futures outside the lock (their callbacks may call the renderer)."""
    for future, how, value in outcomes:
        with contextlib.suppress(Exception):  # already resolved or cancelled
            if how == "result":
                future.set_result(value)
            elif how == "error":
                future.set_exception(RenderError(value))
            elif not future.cancel():  # running futures cannot be cancelled: fail them quietly
                future.set_exception(RenderError(ERR_CLOSED))
