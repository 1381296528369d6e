"""Keeps the full-text index current: the text of every page of every stored PDF, extracted in worker
processes from decrypted bytes in memory (never from a file), indexed incrementally: only files whose
content the index does not hold yet (new, or replaced by another version)."""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

from gremalda.pdf.extract import ExtractResult, TextExtractor
from gremalda.store.database import sqlite_errors
from gremalda.store.replica import Store
from gremalda.store.textindex import TextIndex


@dataclass(slots=True)
class IndexReport:
    files: int = 0
    pages: int = 0
    seconds: float = 0.0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file id, why) not indexed

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0


def unindexed_files(store: Store) -> list[tuple[str, str, int]]:
    """(file id, sha256, vault version) of the stored PDFs whose current content is not indexed."""
    rows = store.db.conn.execute(
        "SELECT f.id, f.sha256, f.vault_version, o.data FROM file f "
        "JOIN object o ON o.type = 'file' AND o.id = f.id "
        "LEFT JOIN text_source t ON t.file_id = f.id "
        "WHERE f.state = 'complete' AND f.vault_version IS NOT NULL "
        "AND (t.file_id IS NULL OR t.sha256 IS NOT f.sha256) ORDER BY f.id"
    ).fetchall()
    out = []
    for oid, sha, version, data in rows:
        obj = json.loads(data)
        mime = str(obj.get("mime_type") or "").lower()
        name = str(obj.get("file_name") or "").lower()
        if mime == "application/pdf" or name.endswith(".pdf"):
            out.append((str(oid), str(sha), int(version)))
    return out


def index_pending(
    store: Store,
    extractor: TextExtractor,
    *,
    progress: Callable[[int, int], None] | None = None,
    ahead: int | None = None,
) -> IndexReport:
    """Index what :func:`unindexed_files` lists. At most `ahead` documents (default: two per worker) are
    decrypted in memory at a time. `progress(done, total)` after each file."""
    report = IndexReport()
    todo = unindexed_files(store)
    if not todo:
        return report
    start = time.perf_counter()
    index = TextIndex(store.db.conn)
    window = ahead or 2 * extractor.max_workers
    queue: deque[tuple[str, str, Future[ExtractResult]]] = deque()
    position = 0
    done = 0
    while position < len(todo) or queue:
        while position < len(todo) and len(queue) < window:
            file_id, sha, version = todo[position]
            position += 1
            data = store.vault.read(file_id, version)
            try:
                queue.append((file_id, sha, extractor.submit(bytes(data))))
            finally:
                data[:] = bytes(len(data))
        file_id, sha, future = queue.popleft()
        result = future.result()
        with sqlite_errors(store.db.path):
            still = store.db.conn.execute(
                "SELECT 1 FROM file WHERE id = ? AND sha256 = ?", (file_id, sha)
            ).fetchone()
            if still is not None:
                report.pages += index.add_pages(file_id, result.pages, sha)
        if result.error or result.needs_password:
            report.skipped.append((file_id, result.error or "needs a password"))
        report.files += 1
        done += 1
        if progress is not None:
            progress(done, len(todo))
    report.seconds = time.perf_counter() - start
    return report
