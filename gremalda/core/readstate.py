"""What the user has seen and read: the badges of the documents (new, changed, unread) and the page each
document was left at. Qt-free; the rows live in the replica's ``read_state`` table (schema 3).

- *new*: the document has never been listed to the user (it arrived with a sync since they last looked);
- *changed*: the user opened an earlier content of it (another sha256), or an earlier version of the
  document (the file it supersedes), and not this one yet;
- *unread*: listed before, never opened;
- *read*: opened, this content.

A document is "listed" when the user has seen the agenda or e-file that shows it (the window marks that
when the user moves on, so that the badges stay while they look). After a sync, :func:`arrivals` tells
what came in, for a notice.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from gremalda.core import delivery
from gremalda.core.records import FileEntry
from gremalda.store.database import ReplicaDatabase, sqlite_errors


class Badge(enum.Enum):
    NEW = "new"
    CHANGED = "changed"
    UNREAD = "unread"
    READ = "read"


@dataclass(frozen=True, slots=True)
class _Row:
    sha256: str | None
    first_seen: str | None
    opened: str | None
    last_page: int | None


@dataclass(frozen=True, slots=True)
class FileVersion:
    """A file of the replica as a sync pass leaves it: its content and the file it supersedes."""

    sha256: str | None
    supersedes_id: str | None


@dataclass(frozen=True, slots=True)
class Arrivals:
    """The documents a sync pass brought: ``new`` ones and ``changed`` ones (other content, or a new
    version of a document the replica held)."""

    new: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.new or self.changed)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class ReadState:
    """The read state of the replica's documents (one database connection, one thread)."""

    def __init__(self, db: ReplicaDatabase) -> None:
        self._db = db

    def _rows(self, file_ids: Iterable[str]) -> dict[str, _Row]:
        ids = sorted(set(file_ids))
        if not ids:
            return {}
        with sqlite_errors(self._db.path):
            rows = self._db.conn.execute(
                "SELECT file_id, sha256, first_seen, opened, last_page FROM read_state "
                "WHERE file_id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids),),
            ).fetchall()
        return {str(r[0]): _Row(r[1], r[2], r[3], r[4]) for r in rows}

    def badges(self, files: Iterable[FileEntry]) -> dict[str, Badge]:
        """The badge of each file, by file id."""
        files = list(files)
        rows = self._rows([f.id for f in files] + [f.supersedes_id for f in files if f.supersedes_id])
        return {f.id: _badge(f, rows) for f in files}

    def badge(self, file: FileEntry) -> Badge:
        return self.badges([file])[file.id]

    def mark_listed(self, file_ids: Iterable[str]) -> None:
        """The user has seen these documents listed: they are no longer new."""
        ids = sorted(set(file_ids))
        if not ids:
            return
        now = _now()
        with sqlite_errors(self._db.path), self._db.transaction() as conn:
            conn.executemany(
                "INSERT INTO read_state (file_id, first_seen) VALUES (?, ?) "
                "ON CONFLICT (file_id) DO UPDATE SET first_seen = coalesce(first_seen, excluded.first_seen)",
                [(file_id, now) for file_id in ids],
            )

    def mark_opened(self, file_id: str, sha256: str | None) -> None:
        """The user opened this content of the document (the first open of a document of a published
        meeting also queues its proof-of-delivery report, in the same transaction)."""
        now = _now()
        with sqlite_errors(self._db.path), self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO read_state (file_id, sha256, first_seen, opened) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (file_id) DO UPDATE SET sha256 = excluded.sha256, opened = excluded.opened, "
                "first_seen = coalesce(first_seen, excluded.first_seen)",
                (file_id, sha256, now, now),
            )
            delivery.note_opened(conn, file_id, now)

    def set_last_page(self, file_id: str, page: int) -> None:
        """Remember the page (0-based) the user is reading."""
        with sqlite_errors(self._db.path), self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO read_state (file_id, last_page) VALUES (?, ?) "
                "ON CONFLICT (file_id) DO UPDATE SET last_page = excluded.last_page",
                (file_id, max(0, int(page))),
            )

    def last_page(self, file_id: str) -> int | None:
        """The page the user left this document at (``None``: never opened)."""
        row = self._rows([file_id]).get(file_id)
        return None if row is None else row.last_page

    def unlisted(self, file_ids: Iterable[str]) -> set[str]:
        """Those of the files never listed to the user."""
        ids = set(file_ids)
        rows = self._rows(ids)
        return {i for i in ids if i not in rows or rows[i].first_seen is None}


def _badge(file: FileEntry, rows: Mapping[str, _Row]) -> Badge:
    row = rows.get(file.id)
    opened = row is not None and row.opened is not None
    if opened and row is not None and row.sha256 and file.sha256 and row.sha256 != file.sha256:
        return Badge.CHANGED
    if not opened and file.supersedes_id is not None:
        previous = rows.get(file.supersedes_id)
        if previous is not None and previous.opened is not None:
            return Badge.CHANGED
    if row is None or row.first_seen is None:
        return Badge.NEW
    return Badge.READ if opened else Badge.UNREAD


def file_versions(db: ReplicaDatabase) -> dict[str, FileVersion]:
    """Every file of the replica with its content and predecessor (before and after a sync pass)."""
    with sqlite_errors(db.path):
        rows = db.conn.execute(
            "SELECT f.id, f.sha256, CAST(json_extract(o.data, '$.supersedes_id') AS TEXT) FROM file AS f "
            "LEFT JOIN object AS o ON o.type = 'file' AND o.id = f.id"
        ).fetchall()
    return {str(r[0]): FileVersion(r[1], r[2] or None) for r in rows}


def arrivals(before: Mapping[str, FileVersion], after: Mapping[str, FileVersion]) -> Arrivals:
    """What a pass brought: files that were not there (new, or changed when they supersede one that
    was), and files whose content changed."""
    new: list[str] = []
    changed: list[str] = []
    for file_id, version in sorted(after.items()):
        previous = before.get(file_id)
        if previous is None:
            (changed if version.supersedes_id in before else new).append(file_id)
        elif previous.sha256 != version.sha256:
            changed.append(file_id)
    return Arrivals(tuple(new), tuple(changed))
