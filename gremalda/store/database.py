"""The replica's SQLCipher database: opening it with the raw key from the keyring, its schema migrations.

One encrypted file holds metadata (the server's objects), sync state, the file list, the full-text index
and the outbox (DESIGN §3). It is opened with a random 256-bit raw key (``PRAGMA key = "x'…'"``, no KDF),
checked at once by reading ``sqlite_master`` (a wrong key fails there, before anything is written), and
configured: ``temp_store=MEMORY`` (no plaintext temp files), ``journal_mode=WAL``, ``foreign_keys=ON``,
``secure_delete=ON``, a busy timeout. SQLCipher's *enhanced* memory security (``cipher_memory_security``:
lock and wipe every allocation) stays off, SQLCipher's own default since 4.5 (its key material is wiped
anyway): measured here it made every statement 10-20x slower (a 6,000-entry change feed applied in 1.4 s
instead of 0.1 s, full-text ranking 10x slower), while the same plaintext lives unwiped in the Python
objects the rows become; once on, it cannot be turned off for the rest of the process.

Migrations are an ordered tuple of SQL scripts; script *n* brings ``PRAGMA user_version`` from *n-1* to
*n* in one ``BEGIN IMMEDIATE`` transaction (all or nothing, also against a second process migrating at
the same time). Never edit a released script: append a new one.

Ids are stored as text: our server's integers in decimal, OParl ids (URLs) as they are.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

import sqlcipher3

from gremalda.errors import (
    DataDirUnusable,
    GremaldaError,
    InternalError,
    ReplicaCorrupt,
    ReplicaLocked,
    ReplicaMissing,
    ReplicaTooNew,
    WrongKey,
)
from gremalda.os_reasons import UNKNOWN, OsReason
from gremalda.paths import DataPaths, data_paths, ensure_data_dirs
from gremalda.store.keys import DATABASE_KEY, KEY_BYTES, open_with_key, os_keyring

BUSY_TIMEOUT_MS = 5000
_PLAIN_SQLITE_HEADER = b"SQLite format 3\x00"

_SCHEMA_1 = """
-- The server's objects as its change feed sends them (meeting, agenda_item, paper, file, efile, ...).
-- A removal deletes the row. version: the server's version for If-Match (NULL where a source has none).
CREATE TABLE object (
    type     TEXT NOT NULL,
    id       TEXT NOT NULL,
    data     TEXT NOT NULL CHECK (json_valid(data)),
    version  INTEGER,
    modified TEXT NOT NULL,
    PRIMARY KEY (type, id)
) WITHOUT ROWID;

-- Sync state, key/value: cursor, server_url, user, device_id (tokens are added by the sync engine).
CREATE TABLE sync_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The document files of the replica and how far each one is in the vault. received: bytes stored so
-- far (a partial download resumes there); vault_version: the version the vault bound into the
-- ciphertext (NULL while nothing is stored). sha256 and size may be unknown for OParl sources.
CREATE TABLE file (
    id            TEXT PRIMARY KEY,
    sha256        TEXT CHECK (sha256 IS NULL OR (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*')),
    size          INTEGER CHECK (size IS NULL OR size >= 0),
    state         TEXT NOT NULL DEFAULT 'missing' CHECK (state IN ('missing', 'partial', 'complete')),
    received      INTEGER NOT NULL DEFAULT 0 CHECK (received >= 0),
    vault_version INTEGER,
    updated       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;
CREATE INDEX file_unfinished ON file (state) WHERE state != 'complete';

-- Full-text index (see gremalda.store.textindex): the original text of each page, and a contentless
-- FTS5 index over its normalised words (column words) and its hyphen-joined compounds (column joined),
-- sharing the rowid. Removing a file removes its pages; removing a page removes its index entry.
CREATE TABLE page_text (
    id      INTEGER PRIMARY KEY,
    file_id TEXT NOT NULL REFERENCES file (id) ON DELETE CASCADE,
    page    INTEGER NOT NULL CHECK (page >= 0),
    text    TEXT NOT NULL,
    UNIQUE (file_id, page)
);
CREATE VIRTUAL TABLE page_fts USING fts5 (
    words, joined, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO page_fts (page_fts, rank) VALUES ('rank', 'bm25(1.0, 0.5)');
CREATE TRIGGER page_text_deleted AFTER DELETE ON page_text BEGIN
    DELETE FROM page_fts WHERE rowid = old.id;
END;
-- Which content of a file the index holds (sha256 of the indexed file, pages indexed so far).
CREATE TABLE text_source (
    file_id TEXT PRIMARY KEY REFERENCES file (id) ON DELETE CASCADE,
    sha256  TEXT,
    pages   INTEGER NOT NULL DEFAULT 0,
    indexed TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;

-- Changes made here, to push to the server in order. idempotency_key travels with the request (a
-- replay does nothing twice); base_version is the If-Match version (NULL for a create).
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    action          TEXT NOT NULL,
    target_type     TEXT NOT NULL,
    target_id       TEXT NOT NULL,
    base_version    INTEGER,
    payload         TEXT NOT NULL CHECK (json_valid(payload)),
    created         TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT
);
"""

_SCHEMA_2 = """
-- What the pages of a full snapshot mentioned so far (see gremalda.store.replica): at the snapshot's
-- end everything not mentioned is removed. Kept in the database so that a snapshot interrupted by a
-- crash goes on where it stopped.
CREATE TABLE snapshot_seen (
    type TEXT NOT NULL,
    id   TEXT NOT NULL,
    PRIMARY KEY (type, id)
) WITHOUT ROWID;
"""

_SCHEMA_3 = """
-- What this user has seen of each document (see gremalda.core.readstate): when it was first listed to
-- them, when they last opened it and which content (sha256) that was, and the page they were reading.
-- Keyed by file id without a foreign key: the row outlives a replaced or removed file, so that a newer
-- version can be told "changed" and a document that comes back is not "new" again.
CREATE TABLE read_state (
    file_id    TEXT PRIMARY KEY,
    sha256     TEXT,
    first_seen TEXT,
    opened     TEXT,
    last_page  INTEGER CHECK (last_page IS NULL OR last_page >= 0)
) WITHOUT ROWID;
"""

# What each top-level object of an OParl source (a body, organization, person, meeting or paper of its
# lists) brought into the object table: itself and its embedded objects, as a JSON array of [type, id]
# (see gremalda.store.oparl_replica; the sources themselves are records in sync_state). Written tersely:
# the whole schema must stay on the database's first page, which is read before anything else.
_SCHEMA_4 = """
CREATE TABLE oparl_entity(source INTEGER NOT NULL,id TEXT NOT NULL,type TEXT NOT NULL,children TEXT NOT NULL,
PRIMARY KEY(source,id))WITHOUT ROWID;
"""

# Annotations (see gremalda.core.annotations.store): each record as JSON (data) under its UUID, with the
# file it belongs to (no foreign key: annotations outlive their document, kept as orphans) and the
# server's version of it for If-Match (NULL until the server has acknowledged one). Terse, as above.
_SCHEMA_5 = """
CREATE TABLE annotation(id TEXT PRIMARY KEY,file_id TEXT NOT NULL,data TEXT NOT NULL,version INTEGER)
WITHOUT ROWID;
CREATE INDEX annotation_file ON annotation(file_id);
"""

# The server's id of each annotation (see gremalda.store.replica): a feed entry that removes one names it
# by that id. No index: page 1 has no room left for one (68 bytes stay free after this column), and the
# lookups are rare (removals, the end of a snapshot) and done per feed page in one pass over the table.
_SCHEMA_6 = """
ALTER TABLE annotation ADD COLUMN server_id INTEGER;
"""

# The name of an annotation's document (its title and where it belonged: "Haushalt 2027 — Drucksache
# 2026/123"), kept when the document leaves the replica, so that the kept (orphaned) annotation still
# names it (see gremalda.core.annotations.labels). NULL until then: rows of a schema-6 replica stay as
# they were. Terse: page 1 has few bytes left (see above).
_SCHEMA_7 = """
ALTER TABLE annotation ADD COLUMN label TEXT;
"""

MIGRATIONS: tuple[str, ...] = (
    _SCHEMA_1, _SCHEMA_2, _SCHEMA_3, _SCHEMA_4, _SCHEMA_5, _SCHEMA_6, _SCHEMA_7,
)  # fmt: skip


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    @property
    def lastrowid(self) -> int | None: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the store needs of a DB-API connection (sqlcipher3's; the standard sqlite3 one fits too)."""

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Any, /) -> Cursor: ...

    def close(self) -> None: ...


class ReplicaDatabase:
    """An open replica database. Use one per thread; close it (or use it as a context manager)."""

    def __init__(self, conn: Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    def __enter__(self) -> ReplicaDatabase:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    @property
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def transaction(self) -> _Transaction:
        return transaction(self.conn)

    def checkpoint(self) -> None:
        """Move the WAL into the database file and truncate the WAL."""
        with sqlite_errors(self.path):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def integrity_check(self, *, quick: bool = False) -> list[str]:
        """The problems found in the database (empty: none): SQLCipher's page HMACs (every page
        decrypts and is authentic), SQLite's structural check, foreign keys, the full-text index."""
        problems: list[str] = []
        checks = {
            "pages": "PRAGMA cipher_integrity_check",
            "structure": "PRAGMA quick_check" if quick else "PRAGMA integrity_check",
            "foreign key": "PRAGMA foreign_key_check",
            "full-text index": "INSERT INTO page_fts (page_fts) VALUES ('integrity-check')",
        }
        for what, sql in checks.items():
            try:
                rows = self.conn.execute(sql).fetchall()
            except sqlcipher3.DatabaseError as exc:
                problems.append(f"{what}: {exc}")
            else:
                problems += [f"{what}: {tuple(row)}" for row in rows if tuple(row) != ("ok",)]
        return problems


class _Transaction:
    """A write transaction (``BEGIN IMMEDIATE``), or a savepoint when one is already open; rolled back
    when the block raises."""

    _names = itertools.count(1)

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.savepoint: str | None = None

    def __enter__(self) -> Connection:
        if self.conn.in_transaction:
            self.savepoint = f"sp{next(_Transaction._names)}"
            self.conn.execute(f"SAVEPOINT {self.savepoint}")
        else:
            self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None:
            try:
                self.conn.execute("COMMIT" if self.savepoint is None else f"RELEASE {self.savepoint}")
            except BaseException:
                self._rollback()
                raise
        else:
            self._rollback()

    def _rollback(self) -> None:
        if not self.conn.in_transaction:  # SQLite already rolled back (disk full, I/O error, ...)
            return
        if self.savepoint is None:
            self.conn.execute("ROLLBACK")
        else:
            self.conn.execute(f"ROLLBACK TO {self.savepoint}")
            self.conn.execute(f"RELEASE {self.savepoint}")


def transaction(conn: Connection) -> _Transaction:
    """``with transaction(conn): ...`` — all statements of the block, or none of them."""
    return _Transaction(conn)


def open_replica(data_dir: DataPaths | str | os.PathLike[str] | None, *, create: bool) -> ReplicaDatabase:
    """Open the replica in ``data_dir`` (``None``: the default data directory), migrated to the current
    schema. With ``create``, a missing replica is created, and with it its key in the keyring.

    Raises :class:`KeyringUnavailable` (no usable OS keyring), :class:`ReplicaMissing` (none there and
    not ``create``), :class:`KeyMissing` (the replica exists, its key is not in the keyring),
    :class:`WrongKey`, :class:`ReplicaCorrupt`, :class:`ReplicaTooNew`, :class:`ReplicaLocked`,
    :class:`DataDirUnusable`. None of them deletes or changes anything."""
    paths = data_dir if isinstance(data_dir, DataPaths) else data_paths(data_dir)
    os_keyring()  # no keyring: say so before anything is created
    present = _present(paths.database)
    if not present and not create:
        raise ReplicaMissing(detail=f"no database at {paths.database}")
    if present:
        _check_header(paths.database)
    if create:
        ensure_data_dirs(paths)
    return open_with_key(  # the key may be served from memory: retried once if stale (see keys)
        DATABASE_KEY, paths.root, not present, lambda key: open_database(paths.database, key, create=create)
    )


def open_database(path: Path, key: bytes, *, create: bool) -> ReplicaDatabase:
    """Open (or, with ``create``, create) the SQLCipher database at ``path`` with the raw ``key`` and
    migrate it. The keyring is not involved: :func:`open_replica` is the usual way in."""
    if len(key) != KEY_BYTES:
        raise InternalError(detail=f"a database key must be {KEY_BYTES} bytes, not {len(key)}")
    present = _present(path)
    if not present and not create:
        raise ReplicaMissing(detail=f"no database at {path}")
    if present:
        _check_header(path)
    else:
        _create_private_file(path)
    with sqlite_errors(path):
        conn = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        with sqlite_errors(path):
            conn.execute("PRAGMA cipher_log_level = NONE")  # errors reach the user as ours, not on stderr
            conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _check_key(conn, path, present)
        with sqlite_errors(path):
            for pragma in ("temp_store = MEMORY", "foreign_keys = ON", "secure_delete = ON"):
                conn.execute(f"PRAGMA {pragma}")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise InternalError(detail=f"journal_mode stayed {mode} for {path}")
            migrate(conn)
    except BaseException:
        conn.close()
        raise
    return ReplicaDatabase(conn, path)


def migrate(conn: Connection, migrations: Sequence[str] = MIGRATIONS) -> int:
    """Bring the schema up to ``len(migrations)``, each script in its own transaction; returns the
    version. A database from a newer client raises :class:`ReplicaTooNew`."""
    version = _user_version(conn)
    if version > len(migrations):
        raise ReplicaTooNew(detail=f"schema version {version}, this client knows {len(migrations)}")
    for target in range(version + 1, len(migrations) + 1):
        with transaction(conn):
            if _user_version(conn) >= target:  # another process migrated while we waited for the lock
                continue
            for statement in split_statements(migrations[target - 1]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {int(target)}")
    return _user_version(conn)


def split_statements(script: str) -> list[str]:
    """The statements of an SQL script (triggers with their inner ``;`` kept whole)."""
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if _strip_comments(pending).strip(" \n\t;"):
                statements.append(pending.strip())
            pending = ""
    if _strip_comments(pending).strip(" \n\t;"):
        raise InternalError(detail=f"incomplete SQL statement in a migration: {pending[:200]!r}")
    return statements


@contextmanager
def sqlite_errors(path: Path) -> Iterator[None]:
    """Convert SQLite errors raised in the block into the client's errors."""
    try:
        yield
    except sqlcipher3.Error as exc:
        raise convert_sqlite_error(exc, path) from exc


# SQLite's errors of the disk as the operating system's reasons (gremalda.os_reasons)
_SQLITE_REASONS = (
    ("SQLITE_FULL", "disk_full"),
    ("SQLITE_IOERR", "io_error"),
    ("SQLITE_READONLY", "not_writable"),
    ("SQLITE_PERM", "no_permission"),
)


def convert_sqlite_error(exc: Exception, path: Path) -> GremaldaError:
    """The client's error for an SQLite/SQLCipher error on the replica at ``path``."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    detail = f"{name or type(exc).__name__}: {exc} ({path})"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return ReplicaLocked(detail=detail)
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return ReplicaCorrupt(detail=detail)
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_FULL")):
        code = next((c for prefix, c in _SQLITE_REASONS if name.startswith(prefix)), UNKNOWN)
        return DataDirUnusable.os_failure(OsReason(code, None, detail), "replica_io", path)
    return InternalError(detail=detail)


def _check_key(conn: Connection, path: Path, present: bool) -> None:
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.Error as exc:
        if present and getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            # the first page does not decrypt and authenticate with this key: a wrong key (or, which
            # cannot be told apart, a damaged first page); nothing has been written
            raise WrongKey(detail=f"{exc} ({path})") from exc
        raise convert_sqlite_error(exc, path) from exc


def _present(path: Path) -> bool:
    """Whether a database is there (an empty file, left by a crash before the first write, is not)."""
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def _check_header(path: Path) -> None:
    """Refuse what cannot be an encrypted replica without asking for a key: a plaintext SQLite
    database, a file shorter than a page or of a size that is not a whole number of pages."""
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            head = file.read(len(_PLAIN_SQLITE_HEADER))
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if head == _PLAIN_SQLITE_HEADER:
        raise ReplicaCorrupt(
            f"{path} is an unencrypted SQLite database, not a Gremalda offline copy. Nothing has been "
            "deleted. Remove it or choose another data directory.",
            detail="plaintext SQLite header",
        )
    if size < 512 or size % 512:
        raise ReplicaCorrupt(detail=f"{path}: {size} bytes is not a whole number of database pages")


def _create_private_file(path: Path) -> None:
    """Create the empty database file with mode 0600 (SQLite gives its -wal and -shm files the same)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600))
    except OSError as exc:
        raise DataDirUnusable.os_failure(exc, "create_replica", path) from exc


def _unreadable(path: Path, exc: OSError) -> DataDirUnusable:
    return DataDirUnusable.os_failure(exc, "read_replica", path)


def _user_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
