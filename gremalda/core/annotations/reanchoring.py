"""Annotations follow a replaced document, on every sync pass (issue 5: "Today's apps lose notes … when
a paper is replaced; ours must not"). Qt-free; :func:`gremalda.core.syncing.synchronise` runs
:func:`reanchor_replaced` after indexing, so the CLI's sync and the desktop's background pass both do.

Only the signed-in user's own live annotations are moved here; others' are read-only on this device and
their author's device moves them (the feed then brings the moved records).

* A newer version: a file of the replica supersedes (``supersedes_id``) the annotation's file. The chain
  (:class:`gremalda.core.version_chain.VersionChains`, the walk the open tabs follow too: a branch takes
  the newest file id, a cycle ends at its newest id) is followed to its newest version that is
  downloaded and whose current content is indexed; the annotations move there. When the newest version
  is not ready yet (not downloaded, not indexed, or without a ``file`` row: an OParl file before its
  bytes came), they move to the newest one that is (and on again in a later pass), or, when none is,
  wait for a later pass.
* Content replaced under the same file id: the annotation's ``file_sha256`` differs from the file's
  (downloaded and indexed) content. A record without ``file_sha256`` (made where it was not known)
  counts as replaced when its ``page_text_hash`` no longer matches its page (compared once per content
  of the file, noted in sync_state ``reanchor_checked``); without either it is left.

Moving is :func:`gremalda.core.annotations.anchor.reanchor` (through
:meth:`~gremalda.core.annotations.store.AnnotationStore.reanchor_file`): text markup found again gets
quads over the same words in the new version, from PyMuPDF's word boxes of the decrypted document read
from the vault into memory (never onto the disk; :class:`gremalda.pdf.words.DocumentWords`); a quote not
found is flagged ``attention``, never dropped; notes, ink and free text stay when their page's text is
unchanged, else they are flagged. Each moved record is saved with its outbox row, so the server and the
user's other devices learn it. A second pass finds nothing to do: a moved record carries its new file
id and content's sha256.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from gremalda.core.annotations.anchor import page_text_hash
from gremalda.core.annotations.authoring import quads
from gremalda.core.annotations.records import Annotation, Quad
from gremalda.core.annotations.store import AnnotationStore
from gremalda.core.version_chain import VersionChains, id_key
from gremalda.pdf.render import Word
from gremalda.pdf.words import DocumentWords
from gremalda.store.database import sqlite_errors
from gremalda.store.replica import Store, account_user_id
from gremalda.store.vault import VaultError

log = logging.getLogger(__name__)
# sync_state: per file, the content whose annotations without a file_sha256 were compared by page-text
# hash (so that a pass does not hash their pages again while the content stays the same)
CHECKED_KEY = "reanchor_checked"


@dataclass(slots=True)
class ReanchorReport:
    """What a pass did: ``moved`` records (onto a new version, or re-anchored in place after the content
    changed), ``attention`` of them flagged (a quote not found, a note's page changed), ``waiting``
    records whose new version is not downloaded or indexed yet, ``failed`` (file id, why) left for a
    later pass, ``files``: the file ids whose annotations changed (old and new)."""

    moved: int = 0
    attention: int = 0
    waiting: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    files: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class _File:
    id: str
    sha256: str | None
    vault_version: int | None
    ready: bool  # downloaded, and the index holds the text of this content


def _files(store: Store) -> dict[str, _File]:
    with sqlite_errors(store.db.path):
        rows = store.db.conn.execute(
            "SELECT f.id, f.sha256, f.vault_version, f.state, t.sha256 FROM file AS f"
            " LEFT JOIN text_source AS t ON t.file_id = f.id"
        ).fetchall()
    out: dict[str, _File] = {}
    for oid, sha, version, state, indexed in rows:
        ready = state == "complete" and version is not None and sha is not None and indexed == sha
        out[str(oid)] = _File(str(oid), sha, version, ready)
    return out


def _newest(file_id: str, chains: VersionChains, files: dict[str, _File]) -> tuple[str | None, bool]:
    """The newest ready version superseding ``file_id`` (following the chain), or None; and whether a
    still newer one is not ready yet (a version without a ``file`` row is not)."""
    chain = chains.newer(file_id)
    ready = [newer for newer in chain if (file := files.get(newer)) is not None and file.ready]
    target = ready[-1] if ready else None
    return target, bool(chain) and chain[-1] != target


def _replaced(store: Store, record: Annotation, file: _File, hashes: dict[int, str | None]) -> bool:
    """Whether ``record`` was made on other content than ``file`` (ready) now holds; ``hashes``: the
    page-text hashes (0-based pages) read so far."""
    if record.file_sha256 is not None:
        return record.file_sha256 != file.sha256
    if record.page_text_hash is None:
        return False  # nothing tells which content it was made on
    if record.page not in hashes:
        with sqlite_errors(store.db.path):
            row = store.db.conn.execute(
                "SELECT text FROM page_text WHERE file_id = ? AND page = ?", (file.id, record.page + 1)
            ).fetchone()
        hashes[record.page] = None if row is None else page_text_hash(row[0])
    return hashes[record.page] != record.page_text_hash


def _checked(store: Store) -> dict[str, str]:
    """file id -> the content (sha256) whose records without a ``file_sha256`` were checked already."""
    try:
        value = json.loads(store.state(CHECKED_KEY) or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _note_checked(checked: dict[str, str], file: _File) -> None:
    if file.sha256 is not None:
        checked[file.id] = file.sha256


class _Locator:
    """``locate(page, start, end) -> quads`` over a document of the vault, opened in memory on the first
    call; spans whose page text differs from the indexed one (another extraction) get no quads."""

    def __init__(self, store: Store, file: _File) -> None:
        self.store = store
        self.file = file
        self._doc: DocumentWords | None = None

    def __call__(self, page: int, start: int, end: int) -> Sequence[Quad]:
        if self._doc is None:
            assert self.file.vault_version is not None
            data = self.store.vault.read(self.file.id, self.file.vault_version)
            try:
                self._doc = DocumentWords(data)
            finally:
                data[:] = bytes(len(data))  # PyMuPDF holds its own copy while open
            if self._doc.error:
                log.warning("re-anchoring: document %s: %s", self.file.id, self._doc.error)
        read = self._doc.words(page)
        if read is None:
            return ()
        text, raw = read
        row = self.store.db.conn.execute(
            "SELECT text FROM page_text WHERE file_id = ? AND page = ?", (self.file.id, page + 1)
        ).fetchone()
        if row is None or row[0] != text:
            return ()
        words = [Word(*w) for w in raw]
        chosen = [i for i, w in enumerate(words) if w.end > w.start and w.start < end and w.end > start]
        return quads(words, chosen) if chosen else ()

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def reanchor_replaced(store: Store, *, user_id: str | None = None, now: str | None = None) -> ReanchorReport:
    """Move the signed-in user's (or ``user_id``'s) annotations onto replaced documents' new versions and
    contents (see the module's documentation). Nothing when the replica does not know its user. A
    document that cannot be read is noted in ``failed`` and tried again by the next pass; the replica's
    own errors (a damaged database) raise."""
    report = ReanchorReport()
    user_id = user_id or account_user_id(store)
    if user_id is None:
        return report
    notes = AnnotationStore(store.db, user_id=user_id)
    mine: dict[str, list[Annotation]] = defaultdict(list)
    for record in notes.all():
        if record.author_id == user_id:
            mine[record.file_id].append(record)
    if not mine:
        return report
    files = _files(store)
    with sqlite_errors(store.db.path):
        chains = VersionChains.read(store.db.conn)
    when = now or _now()
    checked = _checked(store)
    before = dict(checked)
    for file_id in sorted(mine, key=id_key):
        records = mine[file_id]
        target, newer_waits = _newest(file_id, chains, files)
        if target is None:
            if newer_waits:  # a new version is there, not downloaded or indexed yet: a later pass
                report.waiting += len(records)
                continue
            file = files.get(file_id)
            if file is None:
                continue  # an orphan without a new version: kept as it is
            if not file.ready:
                report.waiting += sum(1 for r in records if r.file_sha256 not in (None, file.sha256))
                continue
            unknown = checked.get(file_id) != file.sha256  # records without file_sha256 to compare
            hashes: dict[int, str | None] = {}
            records = [
                r
                for r in records
                if (unknown or r.file_sha256 is not None) and _replaced(store, r, file, hashes)
            ]
            if not records:
                _note_checked(checked, file)
                continue
            new = file
        else:
            new = files[target]
        locate = _Locator(store, new)
        try:
            moved = notes.reanchor_file(file_id, new.id, new.sha256, locate=locate, records=records, now=when)
        except VaultError as exc:  # this document's copy is not readable: the next pass tries again
            report.failed.append((file_id, str(exc)))
            log.warning("re-anchoring: annotations of %s not moved to %s: %s", file_id, new.id, exc)
            continue
        finally:
            locate.close()
        skipped = len(records) - len(moved)  # changed while their placements were found: a later pass
        report.waiting += skipped
        if new.id == file_id and not skipped:
            _note_checked(checked, new)
        report.moved += len(moved)
        report.attention += sum(1 for r in moved if r.attention)
        if moved:
            report.files.update((file_id, new.id))
    if checked != before:
        store.set_state(
            CHECKED_KEY, json.dumps({k: v for k, v in checked.items() if k in files}, sort_keys=True)
        )
    return report
