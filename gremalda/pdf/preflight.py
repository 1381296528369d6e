# mypy: disable-error-code="no-untyped-call"
# (PyMuPDF is only partly annotated; calling its unannotated methods is unavoidable here.)
"""Preflight: is a PDF fit to go into a meeting folder? (issue 6)

Each document is opened with PyMuPDF, every page is loaded and its text extracted, and the result is a
:class:`PreflightReport`. A file is opened by the worker from its path (never read whole into the caller
and copied to the worker: a PDF of a gigabyte or more would not fit the worker's address-space limit);
bytes are opened from memory. Files larger than the server takes (``max_size``, default 2 GiB, the
server's default ``max_upload_bytes``) are refused unopened, saying so.

Each finding is a :class:`Finding`: a stable ``code`` (one of :data:`REFUSAL_CODES` or
:data:`WARNING_CODES`), its ``params`` (numbers, page lists, names) and the English ``text`` (the CLI's).
The window translates by code and fills in the parameters; ``refused_reason`` and ``warnings`` are the
English texts.

* **refused** (``ok`` False, ``refused_reason`` a sentence for clerks): no bytes, not a PDF, protected
  by an open password (members' devices could not open it), no pages, or pages that cannot be loaded
  (damaged), or the check itself took too long or crashed the reader;
* **warnings** (the file is still accepted): MuPDF had to repair the file while opening it (it reads,
  but other programs may not), pages without extractable text that carry images (a scan without OCR:
  not searchable; the pages are named), encryption without an open password (permissions only).

The check runs in a worker process (``spawn``), never in the caller: a hostile or pathological PDF
cannot hang or crash the CLI or the UI. The worker has an address-space limit (``MEMORY_LIMIT``, Linux
and other systems with ``RLIMIT_AS``) and each document a time limit (``timeout_s``); on timeout the
worker is killed and the document refused, saying how long it ran. The limit counts from the moment the
worker has started on the document (it says so, see gremalda.pdf.workerstart), not from the request: a
worker's own start (``spawn``, importing PyMuPDF: seconds on a busy machine) has a limit of its own
(``start_timeout_s``), and a worker that does not start in time is reported as such, not as a damaged
file. :class:`Preflighter` keeps one worker for many documents;
:func:`preflight` checks one. :func:`preflight_in_process` is the worker function (tests, tools).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

from gremalda.os_reasons import READ, OsReason
from gremalda.pdf.orphans import exit_with_parent
from gremalda.pdf.workerstart import START_TIMEOUT, announced, delay_start_for_tests, listen, seconds_text

__all__ = [
    "MEMORY_LIMIT",
    "REFUSAL_CODES",
    "WARNING_CODES",
    "Finding",
    "PreflightReport",
    "Preflighter",
    "page_list",
    "preflight",
    "preflight_in_process",
]

MEMORY_LIMIT = 2 << 30  # address space of a preflight worker (bytes)
DEFAULT_TIMEOUT = 60.0  # seconds per document
MAX_SIZE = 2 << 30  # documents larger than this are refused without being opened

REASON_EMPTY = "The file is empty."
REASON_NOT_PDF = "The file is not a readable PDF."
REASON_LOCKED = (
    "The PDF is protected by a password; members' devices could not open it. "
    "Save a copy without password protection and attach that."
)
REASON_WRONG_KEY = "The PDF is protected by a password, and the password given is wrong."
REASON_NO_PAGES = "The PDF has no pages (it is probably damaged)."
REASON_TRUNCATED = (
    "The PDF is damaged: no page can be read (it may be incomplete, e.g. a download or copy that did "
    "not finish)."
)
REASON_WORKER_DIED = "Reading the PDF crashed the reader (the file is probably damaged or hostile)."
REASON_OUT_OF_MEMORY = "Reading the PDF needed too much memory (the file is probably damaged or hostile)."

# the codes of the findings (stable: the window translates by them) and their English texts
TEXTS: dict[str, str] = {
    # refusals
    "unreadable": "The file cannot be read: {error}.",
    "empty": REASON_EMPTY,
    "too_large": "The file is larger than the server accepts ({limit_text}); it cannot be attached.",
    "not_pdf": REASON_NOT_PDF,
    "locked": REASON_LOCKED,
    "wrong_password": REASON_WRONG_KEY,
    "no_pages": REASON_NO_PAGES,
    "truncated": REASON_TRUNCATED,
    "damaged_pages": "The PDF is damaged: {count} of {pages} pages cannot be read (page {page_list}).",
    "worker_died": REASON_WORKER_DIED,
    "out_of_memory": REASON_OUT_OF_MEMORY,
    "timeout": (
        "Reading the PDF took longer than {seconds:g} s and was stopped after {ran:g} s (the file is "
        "probably damaged)."
    ),
    "worker_start": (
        "The PDF could not be checked: the checking process did not start within {seconds:g} s (the "
        "computer is very busy). Try again later; the file itself may well be fine."
    ),
    # warnings
    "repaired": (
        "The PDF was damaged and had to be repaired while reading it; it can be read here, "
        "but check it, other programs may not read it."
    ),
    "encrypted": "The PDF is encrypted (with restrictions, no password needed to open it).",
    "scanned": (
        "{count} {what} no text, only images (a scan without text recognition: not searchable): "
        "page {page_list}."
    ),
}
WARNING_CODES = ("repaired", "encrypted", "scanned")
REFUSAL_CODES = tuple(code for code in TEXTS if code not in WARNING_CODES)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the preflight found: ``code`` (see :data:`TEXTS`), ``params`` and the English ``text``.
    Page lists in ``params`` are lists of 1-based page numbers (``pages_found``)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        params = dict(self.params)
        if "pages_found" in params:
            params["page_list"] = page_list(list(params["pages_found"]))
        if "limit" in params:
            params["limit_text"] = _size(int(params["limit"]))
        if self.code == "timeout":
            params.setdefault("ran", params.get("seconds", 0))  # a finding made before it said how long
        if self.code == "worker_start":
            params.setdefault("seconds", START_TIMEOUT)
        if self.code == "scanned":
            params["what"] = "page has" if params.get("count") == 1 else "pages have"
        text = TEXTS[self.code].format(**params)
        detail = self.params.get("detail")
        return f"{text} ({detail})"[:500] if detail else text


def _size(n: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= factor:
            return f"{n / factor:.3g} {unit}"
    return f"{n} bytes"


def _unreadable(exc: OSError) -> Finding:
    """The refusal of a file that cannot be read: the reason as a phrase of ours (gremalda.os_reasons),
    the system's own words as the finding's detail only when the reason is not one we know."""
    reason = OsReason.of(exc, READ)
    params = reason.params()
    if not reason.known:
        params["detail"] = reason.system
    return Finding("unreadable", params)


def page_list(pages: list[int], limit: int = 12) -> str:
    """Page numbers for a sentence: "1, 3–5, 9" (runs folded, at most ``limit`` parts)."""
    parts: list[str] = []
    start = prev = None
    for number in [*sorted(pages), None]:
        if number is not None and prev is not None and number == prev + 1:
            prev = number
            continue
        if start is not None and prev is not None:
            parts.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = number
    if len(parts) > limit:
        parts = [*parts[:limit], "…"]
    return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class PreflightReport:
    """What the preflight found in one document; ``ok`` False means: refuse it (``refused_reason``).

    ``text_pages`` and ``scanned_pages`` are 1-based page numbers: pages with extractable text, and
    pages without text that carry images (scans). ``damaged_pages``: pages that could not be loaded.
    ``repaired``: MuPDF found the file damaged and repaired it while opening (``damaged`` is true when
    it was repaired or pages failed)."""

    name: str = ""
    size: int = 0
    pages: int = 0
    encrypted: bool = False
    needs_password: bool = False
    repaired: bool = False
    damaged_pages: list[int] = field(default_factory=list)
    text_pages: list[int] = field(default_factory=list)
    scanned_pages: list[int] = field(default_factory=list)
    refusal: Finding | None = None
    findings: list[Finding] = field(default_factory=list)  # the warnings
    mupdf_messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.refusal is None

    @property
    def refused_reason(self) -> str | None:
        """Why the document is refused, in English (None: accepted)."""
        return None if self.refusal is None else self.refusal.text

    @property
    def warnings(self) -> list[str]:
        """The warnings, in English."""
        return [finding.text for finding in self.findings]

    @property
    def damaged(self) -> bool:
        return self.repaired or bool(self.damaged_pages)

    @property
    def no_pages(self) -> bool:
        return self.pages == 0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            ok=self.ok,
            damaged=self.damaged,
            no_pages=self.no_pages,
            refused_reason=self.refused_reason,
            warnings=self.warnings,
        )
        return data

    def named(self, name: str) -> PreflightReport:
        return PreflightReport(**{**_fields(self), "name": name})


def _fields(report: PreflightReport) -> dict[str, Any]:
    return {name: getattr(report, name) for name in PreflightReport.__dataclass_fields__}


def preflight_in_process(data: bytes | str, password: str | None = None) -> PreflightReport:
    """Check the PDF in ``data`` (bytes, or the path of a file, which is opened from disk) in this
    process (the worker function). Never raises for bad input."""
    if isinstance(data, str):
        try:
            size = os.stat(data).st_size
        except OSError as exc:
            return PreflightReport(refusal=_unreadable(exc))
    else:
        size = len(data)
    if size == 0:
        return PreflightReport(size=0, refusal=Finding("empty"))
    import pymupdf

    pymupdf.TOOLS.mupdf_warnings(reset=True)
    try:
        if isinstance(data, str):
            doc = pymupdf.open(data, filetype="pdf")
        else:
            doc = pymupdf.open(stream=data, filetype="pdf")
    except MemoryError:
        return PreflightReport(size=size, refusal=Finding("out_of_memory"))
    except Exception:
        return PreflightReport(size=size, refusal=Finding("not_pdf"), mupdf_messages=_messages())
    try:
        return _check(doc, size, password)
    except MemoryError:
        return PreflightReport(size=size, refusal=Finding("out_of_memory"))
    except Exception as exc:  # a damaged document may fail anywhere inside MuPDF
        detail = f"{type(exc).__name__}: {exc}"[:400]
        return PreflightReport(size=size, refusal=Finding("not_pdf", {"detail": detail}))
    finally:
        doc.close()


def _messages() -> list[str]:
    import pymupdf

    text = str(pymupdf.TOOLS.mupdf_warnings(reset=True) or "")
    return [line for line in text.splitlines() if line.strip()][:50]


def _check(doc: Any, size: int, password: str | None) -> PreflightReport:
    encrypted = bool(doc.is_encrypted) or bool(doc.needs_pass)
    needs_password = bool(doc.needs_pass)
    if needs_password:
        if password is None:
            return PreflightReport(size=size, encrypted=True, needs_password=True, refusal=Finding("locked"))
        if not doc.authenticate(password):
            return PreflightReport(
                size=size, encrypted=True, needs_password=True, refusal=Finding("wrong_password")
            )
    repaired = bool(getattr(doc, "is_repaired", False))
    pages = int(doc.page_count)
    damaged: list[int] = []
    text_pages: list[int] = []
    scanned: list[int] = []
    for index in range(pages):
        try:
            page = doc.load_page(index)
            text = str(page.get_text("text"))
            if text.strip():
                text_pages.append(index + 1)
            elif page.get_image_info():
                scanned.append(index + 1)
        except MemoryError:
            raise
        except Exception:
            damaged.append(index + 1)
    messages = _messages()
    repaired = repaired or any("repair" in m.lower() for m in messages)
    reason: Finding | None = None
    warnings: list[Finding] = []
    if pages == 0:
        reason = Finding("truncated" if repaired else "no_pages")
    elif damaged:
        reason = Finding("damaged_pages", {"count": len(damaged), "pages": pages, "pages_found": damaged})
    if needs_password and reason is None:
        reason = Finding("locked")  # opened with the password, but members would need it too
    if repaired and reason is None:
        warnings.append(Finding("repaired"))
    if encrypted and not needs_password:
        warnings.append(Finding("encrypted"))
    if scanned:
        warnings.append(Finding("scanned", {"count": len(scanned), "pages_found": scanned}))
    return PreflightReport(
        size=size,
        pages=pages,
        encrypted=encrypted,
        needs_password=needs_password,
        repaired=repaired,
        damaged_pages=damaged,
        text_pages=text_pages,
        scanned_pages=scanned,
        refusal=reason,
        findings=warnings,
        mupdf_messages=messages,
    )


def _worker_init(
    memory_limit: int | None, parent: int | None = None, started: Connection | None = None
) -> None:
    """Runs once in a worker: optional PyMuPDF add-ons blocked (see gremalda.pdf.extract), Ctrl-C left to
    the parent, an address-space limit, MuPDF's chatter collected instead of printed; ``started``: the
    pipe the worker says into which document it has started on (gremalda.pdf.workerstart)."""
    delay_start_for_tests()
    listen(started)
    for optional in ("pymupdf.layout", "pymupdf4llm"):
        sys.modules.setdefault(optional, None)  # type: ignore[arg-type]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(parent)
    if memory_limit:
        with contextlib.suppress(ImportError, ValueError, OSError):
            import resource

            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = memory_limit if hard == resource.RLIM_INFINITY else min(memory_limit, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)


class Preflighter:
    """Checks documents one after another in a worker process; use as a context manager.

    A document that takes longer than ``timeout_s`` (counted from the moment the worker has started on
    it) or kills its worker is refused, the worker is replaced for the next one. A worker that has not
    started on the document ``start_timeout_s`` after it was handed over is given up ("worker_start").
    Thread-safe only in the sense that calls are serialised by the pool."""

    def __init__(
        self,
        timeout_s: float = DEFAULT_TIMEOUT,
        memory_limit: int | None = MEMORY_LIMIT,
        *,
        max_size: int = MAX_SIZE,
        start_timeout_s: float = START_TIMEOUT,
    ) -> None:
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s
        self.memory_limit = memory_limit
        self.max_size = max_size
        self._pool: ProcessPoolExecutor | None = None
        self._jobs = itertools.count(1)
        self._started: tuple[Connection, Connection] | None = None  # (reader, writer) of the pipe
        self._began: dict[int, float] = {}  # job -> when its worker said it started on it (read early)
        self._reading = threading.Lock()  # callers on several threads read the pipe in turn

    def _new_pool(self) -> ProcessPoolExecutor:
        if self._started is None:
            self._started = get_context("spawn").Pipe(duplex=False)
        return ProcessPoolExecutor(
            max_workers=1,
            mp_context=get_context("spawn"),
            initializer=_worker_init,
            initargs=(self.memory_limit, os.getpid(), self._started[1]),
        )

    def check(self, source: bytes | str | os.PathLike[str], password: str | None = None) -> PreflightReport:
        """Check the bytes, or the file at a path (its name goes into the report; the worker reads it)."""
        name = ""
        data: bytes | str
        if isinstance(source, bytes | bytearray | memoryview):
            data = bytes(source)
            size = len(data)
        else:
            path = Path(source)
            name = path.name
            try:
                size = path.stat().st_size
                with path.open("rb"):  # readable by us (and so by the worker), or the reason now
                    pass
            except OSError as exc:
                return PreflightReport(name=name, refusal=_unreadable(exc))
            data = str(path.absolute())
        if size > self.max_size:
            return PreflightReport(
                name=name, size=size, refusal=Finding("too_large", {"limit": self.max_size})
            )
        if size == 0:
            return PreflightReport(name=name, refusal=Finding("empty"))
        return self._run(data, password, size).named(name)

    def _run(self, data: bytes | str, password: str | None, size: int) -> PreflightReport:
        for attempt in (0, 1):
            if self._pool is None:
                self._pool = self._new_pool()
            try:
                job = next(self._jobs)
                future = self._pool.submit(announced, job, preflight_in_process, data, password)
                began = self._wait_started(job, future)
                if began is None:
                    self._kill()
                    return PreflightReport(
                        size=size, refusal=Finding("worker_start", {"seconds": self.start_timeout_s})
                    )
                try:
                    return future.result(timeout=max(0.0, began + self.timeout_s - time.monotonic()))
                except FutureTimeout:
                    ran = time.monotonic() - began
                    self._kill()
                    params = {"seconds": self.timeout_s, "ran": seconds_text(ran)}
                    return PreflightReport(size=size, refusal=Finding("timeout", params))
            except BrokenProcessPool:
                self._kill()
                if attempt == 1:
                    return PreflightReport(size=size, refusal=Finding("worker_died"))
                # the worker may have died of something else (its start); one more try on a fresh one
            except MemoryError:
                self._kill()
                return PreflightReport(size=size, refusal=Finding("out_of_memory"))
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait_started(self, job: int, future: Any) -> float | None:
        """When the worker started on ``job`` (monotonic; its result may already be there), or None when
        it did not start within ``start_timeout_s``."""
        assert self._started is not None
        reader = self._started[0]
        handed = time.monotonic()
        while True:
            with self._reading:
                while reader.poll(0):
                    try:
                        self._began[reader.recv()] = time.monotonic()
                    except (EOFError, OSError):  # cannot happen while we hold the writing end
                        break
                if job in self._began:
                    return self._began.pop(job)
            if future.done():  # finished (or the worker died) before its message was read
                return time.monotonic()
            left = handed + self.start_timeout_s - time.monotonic()
            if left <= 0:
                return None
            reader.poll(min(left, 0.2))  # the message, or a look at the future every 0.2 s

    def _kill(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((pool._processes or {}).values())
        for process in processes:
            with contextlib.suppress(Exception):
                process.kill()
        for process in processes:
            with contextlib.suppress(Exception):
                process.join(timeout=5)
        pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        pipe, self._started = self._started, None
        for end in pipe or ():
            end.close()

    def __enter__(self) -> Preflighter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def preflight(
    source: bytes | str | os.PathLike[str],
    password: str | None = None,
    *,
    timeout_s: float = DEFAULT_TIMEOUT,
    max_size: int = MAX_SIZE,
) -> PreflightReport:
    """Check one document (bytes or a path) in a worker process of its own."""
    with Preflighter(timeout_s=timeout_s, max_size=max_size) as checker:
        return checker.check(source, password)
