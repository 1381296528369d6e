"""The replica the sync engine fills: the SQLCipher database plus the encrypted vault.

Implements :class:`sync.engine.ReplicaPort`. Objects go to the ``object`` table as the feed sends them;
a ``file`` object also gets a row in the ``file`` table that tracks its content: ``sha256``/``size`` are
the content wanted, ``vault_version`` the local version of the complete copy in the vault (readable
offline; it stays readable while a newer content is being fetched under ``vault_version + 1``).

Annotations travel both ways (see :mod:`gremalda.core.annotations.store`): feed entries of type
``annotation`` are merged into the ``annotation`` table (not the ``object`` table), with the signed-in
user's id deciding which are their own; a removal or the end of a full snapshot drops only others'
annotations, the user's own stay (orphans when their document goes, keeping its name and place:
:meth:`~gremalda.core.annotations.store.AnnotationStore.remember_documents`). A malformed annotation
from the server is skipped, logged and counted, the rest of the page applied. The outbox is pushed
through :meth:`StoreReplica.outgoing` and :meth:`StoreReplica.pushed`.

Content is destroyed (its sealed key overwritten, then the file removed) by :meth:`collect_garbage`:
everything in the vault that no ``file`` row refers to. A removal or replacement sets ``gc_pending`` in
the same transaction, so a crash between the database commit and the destruction is made good on the
next pass.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gremalda.core import delivery
from gremalda.core.annotations.errors import InvalidAnnotation
from gremalda.core.annotations.labels import remember_placed
from gremalda.core.annotations.records import from_dict
from gremalda.core.annotations.store import TARGET_TYPE as ANNOTATION
from gremalda.core.annotations.store import AnnotationStore
from gremalda.paths import DataPaths, data_paths
from gremalda.store import objects
from gremalda.store.database import ReplicaDatabase, open_replica, sqlite_errors
from gremalda.store.keys import VAULT_KEY, open_with_key
from gremalda.store.objects import STALE
from gremalda.store.objects import put_state as put_state  # imported from here by others
from gremalda.store.vault import (
    Vault,
    VaultChecksumMismatch,
    VaultCorrupt,
    VaultNotFound,
    VaultResumeMismatch,
    VaultWriter,
)
from sync.client.api import Change
from sync.engine import (
    DELIVERY,
    AppliedPage,
    ContentRejected,
    FileWant,
    Outgoing,
    PushResult,
    PushStatus,
)

log = logging.getLogger(__name__)

# Files from this size on are written resumably (kept across an interrupted download, resumed with
# Range); smaller ones are fetched again whole, which costs less than the resumable writer's syncs.
RESUMABLE_FROM = 4 << 20
STORED_BATCH = 64  # stored files recorded per transaction at most ...
STORED_BATCH_SECONDS = 0.5  # ... or after this long


def open_vault(paths: DataPaths, *, create: bool) -> Vault:
    """The vault of the data directory, its master key from the keyring (created with the replica)."""
    # a new vault (none there yet) always gets its key from the keyring, never a cached one
    return open_with_key(
        VAULT_KEY, paths.root, create, lambda key: Vault(paths.vault, key), cached=paths.vault.exists()
    )


@dataclass
class Store:
    """An open replica: database and vault. Close it when done."""

    paths: DataPaths
    db: ReplicaDatabase
    vault: Vault

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def state(self, key: str) -> str | None:
        row = self.db.conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_state(self, key: str, value: str | None) -> None:
        with sqlite_errors(self.db.path), self.db.transaction() as conn:
            put_state(conn, key, value)


def open_store(data_dir: DataPaths | str | os.PathLike[str] | None, *, create: bool = False) -> Store:
    """Open the replica in `data_dir` (see :func:`open_replica` for the errors), with its vault."""
    paths = data_dir if isinstance(data_dir, DataPaths) else data_paths(data_dir)
    db = open_replica(paths, create=create)
    try:
        vault = open_vault(paths, create=create)
    except BaseException:
        db.close()
        raise
    return Store(paths, db, vault)


def stored_account(store: Store) -> dict[str, Any] | None:
    """The signed-in account as sign-in stored it ({id, username, role, body_id, person_id}); None when
    nobody is signed in (or what is stored is not an account: no usable id). Read here and nowhere else
    (the identity of :mod:`gremalda.core.account`, the clerk's checks, the annotations' author)."""
    try:
        data = json.loads(store.state("account") or "null")
    except ValueError:
        return None
    return data if isinstance(data, dict) and account_id(data) is not None else None


def account_id(account: dict[str, Any]) -> str | None:
    """The account's user id as annotations name their author ("3"): the server's integer id, also
    when stored as digits ("03" is "3"); None when it is none (a bool, a fraction, other text)."""
    value = account.get("id")
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else None


def account_user_id(store: Store) -> str | None:
    """The signed-in user's id (the author id of their annotations), or None when not signed in."""
    account = stored_account(store)
    return None if account is None else account_id(account)


class StoreReplica:
    """The sync engine's view of a :class:`Store` (see the module docstring)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._db = store.db
        self._vault = store.vault
        self.stored_ids: list[str] = []  # files recorded as stored by this object, in order
        self._stored: list[FileWant] = []  # stored, not yet recorded (see flush)
        self._flushed = time.monotonic()
        self._notes: AnnotationStore | None = None
        self._sent: dict[int, str] = {}  # outbox id -> annotation id of what outgoing() handed out
        self._sent_reports: set[int] = set()  # outbox ids of delivery reports outgoing() handed out

    @property
    def annotations(self) -> AnnotationStore:
        """The replica's annotations, with the signed-in user's id (others' are read-only)."""
        if self._notes is None:
            self._notes = AnnotationStore(self._db, user_id=account_user_id(self.store))
        return self._notes

    # --------------------------------------------------------------------------------- the feed

    def cursor(self) -> str | None:
        return self.store.state("cursor")

    def begin_snapshot(self) -> None:
        with sqlite_errors(self._db.path), self._db.transaction() as conn:
            conn.execute("DELETE FROM snapshot_seen")
            put_state(conn, "cursor", None)
            put_state(conn, "snapshot", "1")

    def apply_page(self, entries: Sequence[Change], cursor: str, *, last: bool) -> AppliedPage:
        upserts = removes = files_removed = skipped = 0
        notes = self.annotations
        with sqlite_errors(self._db.path), self._db.transaction() as conn:
            snapshot = conn.execute("SELECT 1 FROM sync_state WHERE key = 'snapshot'").fetchone() is not None
            gone_notes: list[int] = []
            # the annotations of a file that goes keep its name, read before anything of it goes
            notes.remember_documents(str(e.id) for e in entries if e.kind == "file" and e.op != "upsert")
            for entry in entries:
                oid = str(entry.id)
                if entry.kind == ANNOTATION:
                    if entry.op == "upsert":
                        if self._apply_annotation(notes, entry):
                            upserts += 1
                        else:
                            skipped += 1
                        if snapshot:
                            conn.execute(
                                "INSERT OR IGNORE INTO snapshot_seen (type, id) VALUES (?, ?)",
                                (ANNOTATION, oid),
                            )
                    else:
                        gone_notes.append(entry.id)
                    continue
                if entry.op == "upsert":
                    objects.put_object(conn, entry.kind, oid, entry.data or {})
                    if snapshot:
                        conn.execute(
                            "INSERT OR IGNORE INTO snapshot_seen (type, id) VALUES (?, ?)", (entry.kind, oid)
                        )
                    upserts += 1
                else:
                    files_removed += objects.remove_object(conn, entry.kind, oid)
                    removes += 1
            if snapshot and last:
                gone = conn.execute(
                    "SELECT type, id FROM object WHERE NOT EXISTS "
                    "(SELECT 1 FROM snapshot_seen s WHERE s.type = object.type AND s.id = object.id)"
                ).fetchall()
                notes.remember_documents(oid for kind, oid in gone if kind == "file")
                for kind in {kind for kind, _ in gone}:  # files that stay keep the place that goes
                    remember_placed(conn, kind)
                for kind, oid in gone:
                    conn.execute("DELETE FROM object WHERE type = ? AND id = ?", (kind, oid))
                    if kind == "file":
                        files_removed += objects.remove_file(conn, oid)
                removes += len(gone)
                seen = conn.execute("SELECT id FROM snapshot_seen WHERE type = ?", (ANNOTATION,)).fetchall()
                removes += notes.remove_others_except([int(r[0]) for r in seen])
                # file rows whose object is gone (should not happen; be thorough)
                orphans = conn.execute(
                    "SELECT id FROM file WHERE NOT EXISTS "
                    "(SELECT 1 FROM object o WHERE o.type = 'file' AND o.id = file.id)"
                ).fetchall()
                for (oid,) in orphans:
                    files_removed += objects.remove_file(conn, oid)
                conn.execute("DELETE FROM snapshot_seen")
                put_state(conn, "snapshot", None)
            removes += notes.remove_others(gone_notes)
            put_state(conn, "cursor", cursor)
        self._drop_stale()
        return AppliedPage(upserts, removes, files_removed, skipped)

    @staticmethod
    def _apply_annotation(notes: AnnotationStore, entry: Change) -> bool:
        """Merge an annotation from the feed; False (logged) when its data is malformed."""
        data = entry.data or {}
        try:
            if notes.user_id is None:  # whose annotations are whose is unknown: take none of them
                raise InvalidAnnotation(detail="the replica does not know its signed-in user")
            raw = data.get("record")
            if not isinstance(raw, dict):
                raise InvalidAnnotation(detail="no record")
            record = from_dict(raw)
            if data.get("uuid", record.id) != record.id:
                raise InvalidAnnotation(detail=f"uuid {data.get('uuid')!r} is not the record's {record.id}")
            author = data.get("author_id")
            if author is not None and str(author) != record.author_id:
                raise InvalidAnnotation(detail=f"author {author!r} is not the record's {record.author_id}")
            version = data.get("version")
            if version is not None and (type(version) is not int or version < 1):
                raise InvalidAnnotation(detail=f"version {version!r}")
            notes.apply_remote(record, version, server_id=entry.id)
        except InvalidAnnotation as exc:
            log.warning("sync: annotation %s from the server skipped: %s", entry.id, exc.detail or exc)
            return False
        return True

    # ------------------------------------------------------------------------------- pushing

    def outgoing(self, limit: int) -> list[Outgoing]:
        out = [
            Outgoing(outbox_id, key, ANNOTATION, target, base, payload)
            for outbox_id, key, target, base, payload in self.annotations.pending_payloads(limit)
        ]
        out += [
            Outgoing(outbox_id, key, DELIVERY, meeting, None, payload)
            for outbox_id, key, meeting, payload in delivery.pending(self._db)[:limit]
        ]
        out = sorted(out, key=lambda o: o.outbox_id)[:limit]
        # for pushed(): the engine asks, then tells
        self._sent = {o.outbox_id: o.target_id for o in out if o.target_type == ANNOTATION}
        self._sent_reports = {o.outbox_id for o in out if o.target_type == DELIVERY}
        return out

    def pushed(self, results: Sequence[PushResult]) -> None:
        notes = self.annotations
        with sqlite_errors(self._db.path), self._db.transaction() as conn:
            reports = [r for r in results if r.outbox_id in self._sent_reports]
            delivery.settle(conn, [(r.outbox_id, str(r.status), r.message) for r in reports])
            settled = {r.outbox_id for r in reports}
            self._sent_reports -= settled
            for result in results:
                if result.outbox_id in settled:
                    continue
                target = self._sent.pop(result.outbox_id, None)
                if result.status == PushStatus.OK and result.version is not None:
                    notes.acknowledge(
                        result.outbox_id, result.version, result.server_id, annotation_id=target
                    )
                elif result.status == PushStatus.CONFLICT and result.current is not None:
                    try:
                        notes.conflict(
                            result.outbox_id,
                            from_dict(result.current),
                            result.current_version or 1,
                            result.server_id,
                        )
                    except InvalidAnnotation as exc:
                        log.warning("sync: the server's version of a pushed annotation: %s", exc.detail)
                        notes.reject(
                            result.outbox_id,
                            "The server holds a version of this annotation that cannot be merged with it.",
                        )
                else:
                    notes.reject(result.outbox_id, result.message or "The server refused the change.")

    def pending_pushes(self) -> int:
        return self.annotations.pending_count()

    def pending_reports(self) -> int:
        """Delivery reports waiting to be pushed (see :mod:`gremalda.core.delivery`)."""
        return delivery.pending_count(self._db)

    def _drop_stale(self) -> None:
        """Destroy what downloads of replaced content kept (noted by objects.upsert_file); runs on the sync
        thread before any download of the pass starts."""
        rows = self._db.conn.execute(
            "SELECT key, value FROM sync_state WHERE key LIKE ?", (f"{STALE}%",)
        ).fetchall()
        for key, version in rows:
            self._vault.delete(str(key)[len(STALE) :], int(version))
            self.store.set_state(str(key), None)

    # the clerk's local echo (gremalda.core.clerk.local) and older callers reach these here
    put_object = staticmethod(objects.put_object)
    remove_object = staticmethod(objects.remove_object)

    # -------------------------------------------------------------------------------- the files

    def wanted_files(self) -> list[FileWant]:
        self.flush()
        self._drop_stale()
        rows = self._db.conn.execute(
            "SELECT f.id, f.sha256, f.size, f.vault_version, o.data FROM file f "
            "LEFT JOIN object o ON o.type = 'file' AND o.id = f.id "
            "WHERE f.state != 'complete' AND f.sha256 IS NOT NULL AND f.size IS NOT NULL "
            "ORDER BY f.size, f.id"
        ).fetchall()
        wants = []
        for oid, sha, size, version, data in rows:
            name = ""
            if data:
                obj = json.loads(data)
                name = str(obj.get("file_name") or obj.get("name") or "")
            wants.append(FileWant(oid, sha, int(size), (version or 0) + 1, name))
        return wants

    def adopt_stored(self, want: FileWant) -> bool:
        if not self._vault.exists(want.file_id, want.version):
            return False
        try:
            data = self._vault.read(want.file_id, want.version)
        except (VaultCorrupt, VaultNotFound):
            ok = False
        else:
            ok = len(data) == want.size and hashlib.sha256(data).hexdigest() == want.sha256
            data[:] = bytes(len(data))
        if not ok:
            self._vault.delete(want.file_id, want.version)
            return False
        self.file_stored(want)
        self.flush()
        return True

    def open_writer(self, want: FileWant) -> _VaultFileWriter:
        resumable = want.size >= RESUMABLE_FROM
        writer = self._vault.writer(
            want.file_id, want.version, resume=resumable, expected_sha256=want.sha256, durable=False
        )
        return _VaultFileWriter(writer, want.size, resumable)

    def kept(self, want: FileWant) -> int:
        """Bytes an interrupted download of `want` left for a resume (vault only: any thread)."""
        if want.size < RESUMABLE_FROM:
            return 0
        return self._vault.partial_size(want.file_id, want.version)

    def file_stored(self, want: FileWant) -> None:
        self._stored.append(want)
        if len(self._stored) >= STORED_BATCH or time.monotonic() - self._flushed >= STORED_BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Record the stored files in one transaction (one commit per file would cost a WAL sync each)."""
        if not self._stored:
            return
        self._vault.sync()  # the files are durable before the database says they are complete
        with sqlite_errors(self._db.path), self._db.transaction() as conn:
            for want in self._stored:
                row = conn.execute(
                    "SELECT sha256, vault_version FROM file WHERE id = ?", (want.file_id,)
                ).fetchone()
                if row is None or row[0] != want.sha256:  # removed or replaced meanwhile: destroy it later
                    put_state(conn, "gc_pending", "1")
                    continue
                conn.execute(
                    "UPDATE file SET state = 'complete', received = size, vault_version = ?, "
                    "updated = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
                    (want.version, want.file_id),
                )
                if row[1] is not None and row[1] != want.version:
                    put_state(conn, "gc_pending", "1")  # the older version
        self.stored_ids += [w.file_id for w in self._stored]
        self._stored.clear()
        self._flushed = time.monotonic()

    def file_failed(self, want: FileWant, kept: int, error: str) -> None:
        with sqlite_errors(self._db.path), self._db.transaction() as conn:
            conn.execute(
                "UPDATE file SET state = ?, received = ?, updated = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                "WHERE id = ? AND sha256 = ? AND state != 'complete'",
                ("partial" if kept else "missing", kept, want.file_id, want.sha256),
            )
        log.warning("sync: file %s (%s) not fetched: %s", want.file_id, want.name, error)

    def collect_garbage(self) -> int:
        self.flush()
        if self.store.state("gc_pending") is None:
            return 0
        rows = self._db.conn.execute("SELECT id, state, vault_version FROM file").fetchall()
        keep: set[tuple[str, int]] = set()
        keep_partial: set[tuple[str, int]] = set()
        for oid, state, version in rows:
            if version is not None:
                keep.add((oid, version))
            if state != "complete":
                keep.add((oid, (version or 0) + 1))  # committed before a crash: adopted, not fetched again
                keep_partial.add((oid, (version or 0) + 1))
        destroyed = 0
        for file_id, version in self._vault.list():
            if (file_id, version) not in keep:
                self._vault.delete(file_id, version)
                destroyed += 1
        for file_id, version in self._vault.list_partial():
            if (file_id, version) not in keep_partial:
                self._vault.delete(file_id, version)
        self.store.set_state("gc_pending", None)
        return destroyed

    def sync_finished(self, when: str) -> None:
        self.flush()
        self.store.set_state("last_sync", when)


class _VaultFileWriter:
    """A resumable vault writer as the engine's FileWriter: a wrong sha256 or size is ContentRejected."""

    def __init__(self, writer: VaultWriter, size: int, resumable: bool) -> None:
        self._writer = writer
        self._size = size
        self._resumable = resumable

    @property
    def resumed_from(self) -> int:
        return self._writer.resumed_from

    def write(self, data: bytes | memoryview) -> None:
        if self._writer.written + len(data) > self._size:
            raise ContentRejected("more bytes than the file has")
        try:
            self._writer.write(data)
        except VaultResumeMismatch as exc:  # kept bytes of another content: fetch this one afresh
            raise ContentRejected(exc.detail or exc.message) from None

    def commit(self) -> None:
        if self._writer.written != self._size:
            written = self._writer.written
            self._writer.discard()
            raise ContentRejected(f"{written} bytes instead of {self._size}")
        try:
            self._writer.commit()
        except (VaultChecksumMismatch, VaultResumeMismatch) as exc:
            raise ContentRejected(str(exc)) from None

    def suspend(self) -> None:
        if self._resumable:
            self._writer.suspend()
        else:  # a small file is fetched again whole
            self._writer.discard()

    def discard(self) -> None:
        self._writer.discard()
