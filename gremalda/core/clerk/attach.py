"""Attaching a document: preflight, then a resumable upload whose state survives a crash or restart.

The upload's id is kept in the replica's ``sync_state`` under ``upload:<sha256 of the source>`` (with
its size and the server it belongs to) from the moment the server hands it out (``on_started``). A
later attach of the same content — after a stop, a lost connection, a crash, a restart, from any
:class:`~gremalda.core.clerk.service.ClerkService` instance of the data directory — passes that id
to ``ServerApi.upload``, which continues at the server's offset. The key is removed once the upload is
complete; an id the server no longer knows (expired after 24 h) is dropped and the upload starts afresh.

:func:`prepare` asks its :class:`Checker` (any; the default checks every file) for the report of the
version of the file it has just read; :class:`KnownReports` reuses a passing report of that version (the
inbox checked the file when it arrived) and keeps the version for the caller (:meth:`KnownReports.prepared`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from gremalda.core.clerk.errors import FileRefused, UploadStopped
from gremalda.os_reasons import READ
from gremalda.pdf.preflight import Preflighter, PreflightReport
from gremalda.store.replica import Store
from sync.client import NotFound, ServerApi, SyncClientError, TransferCancelled

STATE_PREFIX = "upload:"
CHUNK_SIZE = 4 << 20
PDF = "application/pdf"
_BAD = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069/\\]")


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """One version of a file on disk: its size and modification time (ns), and its bytes' sha256."""

    size: int
    mtime_ns: int
    sha256: str

    def seen(self, info: os.stat_result) -> bool:
        """Whether ``info`` (a stat) still shows this version's size and modification time."""
        return (info.st_size, info.st_mtime_ns) == (self.size, self.mtime_ns)


@dataclass(frozen=True, slots=True)
class Source:
    """A document on disk as it will be uploaded: its bytes' digest and size, names, preflight."""

    path: Path
    sha256: str
    size: int
    file_name: str
    report: PreflightReport


def digest(path: Path) -> tuple[str, int]:
    hasher = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            hasher.update(chunk)
            size += len(chunk)
    return hasher.hexdigest(), size


def _read(path: Path) -> tuple[str, int, Fingerprint | None]:
    """sha256 and size of the file's bytes, and its fingerprint when it stayed the same while read."""
    before = path.stat()
    sha, size = digest(path)
    after = path.stat()
    same = (
        (before.st_size, before.st_mtime_ns)
        == (after.st_size, after.st_mtime_ns)
        == (size, after.st_mtime_ns)
    )
    return sha, size, Fingerprint(size, after.st_mtime_ns, sha) if same else None


def fingerprint(path: Path) -> Fingerprint | None:
    """The file's fingerprint now; None when it cannot be read or changed while it was read."""
    try:
        return _read(path)[2]
    except OSError:
        return None


class Checker(Protocol):
    """What :func:`prepare` asks of a preflight, whichever it is."""

    def report_for(self, path: Path, version: Fingerprint | None) -> PreflightReport:
        """The preflight report of ``path``, whose bytes :func:`prepare` has just read as ``version``
        (None: the file changed while it was read)."""
        ...


class KnownReports(Preflighter):
    """A preflighter (a :class:`Checker`) that knows the reports of checks made elsewhere (the inbox
    checks a file when it arrives): for :func:`prepare` it takes a passing report it was told for the same
    version of the file (same size, modification time and sha256) instead of checking the file a second
    time, and it keeps the version prepare read of each path for the caller (:meth:`prepared`: the
    version that was uploaded). Thread-safe."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lock = threading.Lock()
        self._known: dict[Path, tuple[Fingerprint, PreflightReport]] = {}
        self._prepared: dict[Path, Fingerprint | None] = {}

    def remember(self, path: Path, version: Fingerprint, report: PreflightReport) -> None:
        """The report of a check of this version of the file (only a passing one is reused)."""
        with self._lock:
            if report.refusal is None:
                self._known[path] = (version, report)
            else:
                self._known.pop(path, None)

    def known(self, path: Path, version: Fingerprint) -> PreflightReport | None:
        with self._lock:
            found = self._known.get(path)
        return found[1] if found is not None and found[0] == version else None

    def check_remembered(self, path: Path, checker: Preflighter | None = None) -> PreflightReport:
        """The report of ``path`` as it is now: the one held for this version, else a check (with
        ``checker``, default this preflighter) that is remembered when the file did not change meanwhile."""
        version = fingerprint(path)
        if version is not None and (held := self.known(path, version)) is not None:
            return held
        report = (checker or self).check(path)
        try:
            unchanged = version is not None and version.seen(path.stat())
        except OSError:
            unchanged = False
        if version is not None and unchanged:  # the report is about this version
            self.remember(path, version, report)
        return report

    def report_for(self, path: Path, version: Fingerprint | None) -> PreflightReport:
        """The passing report held for this version, else a check; the version is kept (:meth:`prepared`)."""
        with self._lock:
            self._prepared[path] = version
        if version is not None and (held := self.known(path, version)) is not None:
            return held
        return self.check(path)  # not checked when it arrived, or changed since

    def prepared(self, path: Path) -> Fingerprint | None:
        """The version of ``path`` the last :func:`prepare` with this preflighter read (and forgets it);
        None when it changed while it was read, or nothing was prepared."""
        with self._lock:
            return self._prepared.pop(path, None)


def safe_file_name(name: str) -> str:
    """A file name the server accepts: no separators, control or bidi characters, no '..', trimmed."""
    name = unicodedata.normalize("NFC", _BAD.sub("_", name)).strip().replace("..", "_")
    if not name or name in {".", ".."}:
        name = "Dokument.pdf"
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 250 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:255]
    return name


def prepare(path: Path, checker: Checker | None = None) -> Source:
    """Read and preflight the document (the report from ``checker``, told the version read; without
    one, a check of its own); FileRefused (nothing uploaded) when it is not fit for a meeting folder."""
    try:
        sha, size, version = _read(path)
    except OSError as exc:
        raise FileRefused.because_os("file_unreadable", exc, READ, name=path.name) from None
    if checker is not None:
        report = checker.report_for(path, version)
    else:
        fresh = KnownReports()  # knows no report: checks
        try:
            report = fresh.report_for(path, version)
        finally:
            fresh.close()
    if report.refusal is not None:
        raise FileRefused.by_preflight(path.name, report.refusal, detail="; ".join(report.mupdf_messages))
    return Source(path, sha, size, safe_file_name(path.name), report)


def _state_key(sha: str) -> str:
    return f"{STATE_PREFIX}{sha}"


def pending_upload(store: Store, sha: str) -> str | None:
    """The id of an unfinished upload of this content to this replica's server, if one is kept."""
    raw = store.state(_state_key(sha))
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("server") != store.state("server_url"):
        return None
    upload_id = data.get("id")
    return upload_id if isinstance(upload_id, str) and upload_id else None


def upload(
    store: Store,
    api: ServerApi,
    source: Source,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> str:
    """Upload the source (resuming a kept upload); returns the sha256 the server stored."""
    key = _state_key(source.sha256)

    def started(upload_id: str) -> None:
        store.set_state(
            key,
            json.dumps({"id": upload_id, "size": source.size, "server": store.state("server_url")}),
        )

    resume_id = pending_upload(store, source.sha256)
    for attempt in (0, 1):
        try:
            with source.path.open("rb") as handle:
                result = api.upload(
                    handle,
                    source.size,
                    PDF,
                    source.file_name,
                    sha256=source.sha256,
                    resume_id=resume_id,
                    on_started=started,
                    on_progress=on_progress,
                    stop=stop,
                    chunk_size=chunk_size,
                )
            break
        except TransferCancelled:
            raise UploadStopped() from None
        except NotFound:
            if resume_id is None or attempt == 1:
                raise
            store.set_state(key, None)  # expired or unknown on the server: start afresh
            resume_id = None
        except OSError as exc:
            raise FileRefused.because_os("file_unreadable", exc, READ, name=source.path.name) from None
        except SyncClientError:
            raise  # the kept id stays: the next attempt resumes
    else:  # pragma: no cover
        raise AssertionError("unreachable")
    if stop is not None and stop.is_set() and not result.sha256:
        raise UploadStopped()
    store.set_state(key, None)
    return str(result.sha256)
