"""Annotations in the replica's SQLCipher database, with their outbox rows.

:meth:`AnnotationStore.save` writes a record and its outbox row in one transaction and never touches
the network; the sync engine later drains :meth:`~AnnotationStore.pending_outbox` in order and calls
:meth:`~AnnotationStore.mark_sent`. The payload of an outbox row is the whole record (state-based: the
server and other devices :func:`~gremalda.core.annotations.merge.merge` it), so a newer unsent row of the
same annotation replaces an older one that was never tried. Records from the server or another device
go through :meth:`~AnnotationStore.apply_remote`, which merges. Annotations whose document left the
replica are kept (:meth:`~AnnotationStore.orphaned`), never deleted by a sync.

Reading the outbox and recording the push results (acknowledged, refused) is the store's base class,
:class:`~gremalda.core.annotations.outbox.AnnotationOutbox`; a conflict (:meth:`~AnnotationStore.conflict`)
merges, so it is here, beside :meth:`~AnnotationStore.apply_remote`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Iterable
from typing import Any

from gremalda.core.annotations import labels
from gremalda.core.annotations.anchor import Locate, PageTexts, reanchor
from gremalda.core.annotations.errors import AnnotationTooLarge, InvalidAnnotation, ReadOnlyAnnotation
from gremalda.core.annotations.merge import delete, edit, merge
from gremalda.core.annotations.outbox import ACTION_PUT as ACTION_PUT  # the outbox names stay importable here
from gremalda.core.annotations.outbox import ACTION_REJECTED, AnnotationOutbox
from gremalda.core.annotations.outbox import LAST_OUTBOX_ID as LAST_OUTBOX_ID
from gremalda.core.annotations.outbox import TARGET_TYPE as TARGET_TYPE
from gremalda.core.annotations.outbox import OutboxEntry as OutboxEntry
from gremalda.core.annotations.records import Annotation, check_shareable, from_json
from gremalda.store.database import ReplicaDatabase, sqlite_errors

DEVICE_KEY = "annotation_device"
LOCAL_KEY = "annotation_local_only"  # sync_state: ids of annotations the user keeps on this device only


def device_id(db: ReplicaDatabase) -> str:
    """This replica's device id for annotation stamps (a random UUID made once, kept in sync_state)."""
    with sqlite_errors(db.path), db.transaction() as conn:
        row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (DEVICE_KEY,)).fetchone()
        if row is not None:
            return str(row[0])
        value = str(uuid.uuid4())
        conn.execute("INSERT INTO sync_state (key, value) VALUES (?, ?)", (DEVICE_KEY, value))
        return value


class AnnotationStore(AnnotationOutbox):
    """The annotations of one replica. ``user_id``: the signed-in user; when given, others' annotations
    (shared with them, arriving through :meth:`apply_remote`) are read-only here and never queued. The
    outbox (reading it, the push answers): see its base class
    :class:`~gremalda.core.annotations.outbox.AnnotationOutbox`."""

    def __init__(self, db: ReplicaDatabase, device: str | None = None, *, user_id: str | None = None) -> None:
        self.db = db
        self.device = device or device_id(db)
        self.user_id = user_id

    # --- local changes -----------------------------------------------------------------------------------

    def save(self, record: Annotation) -> Annotation:
        """Store ``record`` (made or edited here) and queue it for the server, in one transaction.
        ``record`` is merged into the stored one (which a sync pass or re-anchoring may have changed
        since the caller read it), so that nothing stored is lost; returns what is stored. Annotations
        of documents that do not come from our server (an OParl source's) stay on this device: they are
        not queued (the server could only refuse them). A record to share that is larger than the server
        takes (sync/protocol/limits.py) raises :class:`AnnotationTooLarge` and nothing is stored."""
        if not self._mine(record):
            raise ReadOnlyAnnotation(detail=f"{record.id} is by {record.author_id}, not {self.user_id}")
        with sqlite_errors(self.db.path), self.db.transaction() as conn:
            row = conn.execute("SELECT data, version FROM annotation WHERE id = ?", (record.id,)).fetchone()
            version = None if row is None else row[1]
            if row is not None:
                record = merge(from_json(row[0]), record)
            local = self.local_only(record)
            if not local and not record.deleted:  # a deletion always goes through, whatever it holds
                check_shareable(record)  # the server would refuse it: refused now, nothing stored
            self._write(record, version)
            if local:
                conn.execute(
                    "DELETE FROM outbox WHERE target_type = ? AND target_id = ?", (TARGET_TYPE, record.id)
                )
            else:
                self._enqueue(record, version)
        return record

    def local_only(self, record: Annotation) -> bool:
        """Whether ``record`` stays on this device: kept here by the user's choice (:meth:`keep_local`),
        or on a document that does not come from our server: an OParl source's (its object carries
        ``source: "oparl"``; its id is the OParl URL, which tells also when the document is gone)."""
        if record.id in self._kept_local():
            return True
        if "://" in record.file_id:
            return True
        row = self.db.conn.execute(
            "SELECT 1 FROM object WHERE type = 'file' AND id = ?"
            " AND json_extract(data, '$.source') = 'oparl'",
            (record.file_id,),
        ).fetchone()
        return row is not None

    def keep_local(self, annotation_ids: Collection[str]) -> int:
        """Keep these annotations on this device only (a change the server refused, kept as a private
        copy): their queued and refused changes leave the outbox and later changes are not queued.
        Returns how many of them are stored here."""
        ids = set(annotation_ids)
        with sqlite_errors(self.db.path), self.db.transaction() as conn:
            kept = self._kept_local() | ids
            conn.execute(
                "INSERT INTO sync_state (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (LOCAL_KEY, json.dumps(sorted(kept))),
            )
            conn.execute(
                "DELETE FROM outbox WHERE target_type = ? AND target_id IN (SELECT value FROM json_each(?))",
                (TARGET_TYPE, json.dumps(sorted(ids))),
            )
            row = conn.execute(
                "SELECT count(*) FROM annotation WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(sorted(ids)),),
            ).fetchone()
        return int(row[0])

    def discard_rejected(self, annotation_ids: Collection[str]) -> int:
        """Remove from this device the user's annotations whose change the server refused, with their
        outbox rows (a tombstone would be refused too). Returns how many were removed."""
        ids = json.dumps(sorted(set(annotation_ids)))
        with sqlite_errors(self.db.path), self.db.transaction() as conn:
            refused = [
                r[0]
                for r in conn.execute(
                    "SELECT DISTINCT target_id FROM outbox WHERE target_type = ? AND action = ?"
                    " AND target_id IN (SELECT value FROM json_each(?))",
                    (TARGET_TYPE, ACTION_REJECTED, ids),
                ).fetchall()
            ]
            mine = [r.id for r in map(self.get, refused) if r is not None and self._mine(r)]
            conn.execute(
                "DELETE FROM outbox WHERE target_type = ? AND target_id IN (SELECT value FROM json_each(?))",
                (TARGET_TYPE, json.dumps(mine)),
            )
            return int(
                conn.execute(
                    "DELETE FROM annotation WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(mine),)
                ).rowcount
            )

    def _kept_local(self) -> set[str]:
        row = self.db.conn.execute("SELECT value FROM sync_state WHERE key = ?", (LOCAL_KEY,)).fetchone()
        try:
            value = json.loads(row[0]) if row is not None else []
        except ValueError:
            return set()
        return {str(v) for v in value} if isinstance(value, list) else set()

    def edit(self, annotation_id: str, *, now: str = "", **changes: Any) -> Annotation:
        """Change fields of a stored annotation (see :func:`~gremalda.core.annotations.merge.edit`)."""
        return self.save(edit(self._require(annotation_id), self.device, modified=now, **changes))

    def delete(self, annotation_id: str, *, now: str = "") -> Annotation:
        """Delete an annotation: its tombstone is stored and queued (the record stays, deleted)."""
        return self.save(delete(self._require(annotation_id), self.device, modified=now))

    def reanchor_file(
        self,
        old_file_id: str,
        new_file_id: str,
        new_sha256: str | None,
        *,
        locate: Locate | None = None,
        records: Iterable[Annotation] | None = None,
        now: str = "",
    ) -> list[Annotation]:
        """Move the user's own live annotations of ``old_file_id`` (or ``records``, those of them still
        there) onto its new version ``new_file_id`` whose page texts must be in ``page_text`` (the
        indexer's pages are 1-based, annotation pages 0-based); returns the moved records (those not
        found flagged). Others' annotations stay: their author's device moves them. The placements are
        computed outside the write transaction; one short transaction then stores those whose record
        did not change meanwhile (the others are not returned: a later pass moves them)."""
        with sqlite_errors(self.db.path):
            rows = self.db.conn.execute(
                "SELECT page, text FROM page_text WHERE file_id = ? AND page >= 1 ORDER BY page",
                (new_file_id,),
            ).fetchall()
        texts = [""] * max((r[0] for r in rows), default=0)
        for page, text in rows:
            texts[page - 1] = text
        pages = PageTexts(texts)
        wanted = None if records is None else {r.id for r in records}
        # the new placements are found (decrypting the document, PyMuPDF) before the write transaction,
        # which then stays short; a record changed meanwhile waits for the next pass
        planned = []
        for record in self.list_for_file(old_file_id):
            if not self._mine(record) or (wanted is not None and record.id not in wanted):
                continue
            new = reanchor(
                record,
                pages,
                self.device,
                file_id=new_file_id,
                file_sha256=new_sha256,
                locate=locate,
                now=now,
            )
            planned.append((record, new))
        moved = []
        with sqlite_errors(self.db.path), self.db.transaction() as conn:
            for record, new in planned:
                row = conn.execute("SELECT data FROM annotation WHERE id = ?", (record.id,)).fetchone()
                if row is None or from_json(row[0]) != record:
                    continue  # changed since it was read: the next pass moves it
                try:
                    moved.append(self.save(new))
                except AnnotationTooLarge:  # stored before the limit was checked: stays where it was
                    continue
        return moved

    # --- reading -------------------------------------------------------------------------------------------

    def get(self, annotation_id: str) -> Annotation | None:
        """The record (deleted ones too), or ``None``."""
        with sqlite_errors(self.db.path):
            row = self.db.conn.execute(
                "SELECT data FROM annotation WHERE id = ?", (annotation_id,)
            ).fetchone()
        return None if row is None else from_json(row[0])

    def version(self, annotation_id: str) -> int | None:
        with sqlite_errors(self.db.path):
            row = self.db.conn.execute(
                "SELECT version FROM annotation WHERE id = ?", (annotation_id,)
            ).fetchone()
        return None if row is None else row[0]

    def list_for_file(self, file_id: str, *, include_deleted: bool = False) -> list[Annotation]:
        return self.list_for_files([file_id], include_deleted=include_deleted)

    def list_for_files(self, file_ids: Iterable[str], *, include_deleted: bool = False) -> list[Annotation]:
        """The annotations of these files, by file, page and creation."""
        ids = list(dict.fromkeys(file_ids))
        if not ids:
            return []
        with sqlite_errors(self.db.path):
            rows = self.db.conn.execute(
                "SELECT data FROM annotation WHERE file_id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids),),
            ).fetchall()
        return _sorted(a for a in map(from_json, (r[0] for r in rows)) if include_deleted or a.alive)

    def all(self, *, include_deleted: bool = False) -> list[Annotation]:
        with sqlite_errors(self.db.path):
            rows = self.db.conn.execute("SELECT data FROM annotation").fetchall()
        return _sorted(a for a in map(from_json, (r[0] for r in rows)) if include_deleted or a.alive)

    def orphaned(self, existing_file_ids: Collection[str]) -> list[Annotation]:
        """Live annotations whose document is not among ``existing_file_ids`` (kept, shown in a list)."""
        existing = set(existing_file_ids)
        return [a for a in self.all() if a.file_id not in existing]

    def orphaned_in_replica(self) -> list[Annotation]:
        """Live annotations whose document is not in the replica's file table."""
        with sqlite_errors(self.db.path):
            ids = {r[0] for r in self.db.conn.execute("SELECT id FROM file").fetchall()}
        return self.orphaned(ids)

    def remember_documents(self, file_ids: Iterable[str]) -> int:
        """Keep, with the annotations of these files, the files' labels while the replica still holds
        them (see :func:`~gremalda.core.annotations.labels.remember_documents`). Joins the caller's
        transaction if one is open. Returns how many files' labels were kept."""
        with sqlite_errors(self.db.path), self.db.transaction() as conn:
            return labels.remember_documents(conn, file_ids)

    def document_labels(self, file_ids: Iterable[str]) -> dict[str, str]:
        """The labels kept for these files (see :meth:`remember_documents`), for those that have one."""
        with sqlite_errors(self.db.path):
            return labels.document_labels(self.db.conn, file_ids)

    def needing_attention(self) -> list[Annotation]:
        """Live annotations that re-anchoring could not place in a new version of their document."""
        return [a for a in self.all() if a.attention]

    # --- sync ---------------------------------------------------------------------------------------------

    def conflict(
        self, outbox_id: int, current: Annotation, current_version: int, server_id: int | None = None
    ) -> Annotation:
        """The server holds ``current`` (``current_version``), not the version the change ``outbox_id``
        built on: the change and the older ones of the annotation leave the outbox, ``current`` is
        merged into the local record, and the merge is queued if the server lacks part of it (on
        ``current_version``). Returns the merged record."""
        with sqlite_errors(self.db.path), self.db.transaction() as conn:
            target = self._target(outbox_id)
            if target is not None and target != current.id:
                raise InvalidAnnotation(detail=f"the server answered {current.id} for {target}")
            conn.execute(
                "DELETE FROM outbox WHERE target_type = ? AND target_id = ? AND id <= ?",
                (TARGET_TYPE, current.id, outbox_id),
            )
            merged = self.apply_remote(current, current_version, server_id=server_id)
            # newer queued changes of the annotation now build on the server's current version
            conn.execute(
                "UPDATE outbox SET base_version = ? WHERE target_type = ? AND target_id = ?",
                (current_version, TARGET_TYPE, current.id),
            )
        return merged

    def remove_others(self, server_ids: Collection[int]) -> int:
        """Remove the annotations of other authors with these server ids (no longer visible here); the
        user's own are kept. Returns how many were removed."""
        if not server_ids or self.user_id is None:
            return 0
        with sqlite_errors(self.db.path), self.db.transaction() as conn:
            return int(
                conn.execute(
                    "DELETE FROM annotation WHERE server_id IN (SELECT value FROM json_each(?))"
                    " AND json_extract(data, '$.author_id') IS NOT ?",
                    (json.dumps(sorted(server_ids)), self.user_id),
                ).rowcount
            )

    def remove_others_except(self, server_ids: Collection[int]) -> int:
        """Remove every annotation of another author whose server id is not among ``server_ids`` (the end
        of a full snapshot); the user's own are kept. Returns how many were removed."""
        if self.user_id is None:
            return 0
        with sqlite_errors(self.db.path), self.db.transaction() as conn:
            return int(
                conn.execute(
                    "DELETE FROM annotation WHERE json_extract(data, '$.author_id') IS NOT ? AND"
                    " (server_id IS NULL OR server_id NOT IN (SELECT value FROM json_each(?)))",
                    (self.user_id, json.dumps(sorted(server_ids))),
                ).rowcount
            )

    def apply_remote(
        self, record: Annotation, version: int | None = None, *, server_id: int | None = None
    ) -> Annotation:
        """Merge a record from the server or another device into the local one and store the result.
        When the local one held changes the incoming one lacks, the merged record is queued so that the
        server gets them too. ``server_id``: the server's id of the annotation, when known."""
        with sqlite_errors(self.db.path), self.db.transaction() as conn:
            row = conn.execute("SELECT data, version FROM annotation WHERE id = ?", (record.id,)).fetchone()
            local = None if row is None else from_json(row[0])
            merged = record if local is None else merge(local, record)
            known = [v for v in (version, None if row is None else row[1]) if v is not None]
            stored_version = max(known, default=None)  # a late, older feed entry does not go back
            if merged != local:
                self._write(merged, stored_version)
            elif row is not None and stored_version != row[1]:
                conn.execute("UPDATE annotation SET version = ? WHERE id = ?", (stored_version, record.id))
            if merged != record and self._mine(merged) and not self.local_only(merged):
                self._enqueue(merged, stored_version)
            self._set_server_id(record.id, server_id)
        return merged

    # --- internals ------------------------------------------------------------------------------------------

    def _mine(self, record: Annotation) -> bool:
        return self.user_id is None or record.author_id == self.user_id

    def _require(self, annotation_id: str) -> Annotation:
        record = self.get(annotation_id)
        if record is None:
            raise InvalidAnnotation(detail=f"no annotation {annotation_id}")
        return record

    def _write(self, record: Annotation, version: int | None) -> None:
        self.db.conn.execute(  # the kept label names the document only while the record stays on it
            "INSERT INTO annotation (id, file_id, data, version) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO"
            " UPDATE SET file_id = excluded.file_id, data = excluded.data, version = excluded.version,"
            " label = CASE WHEN annotation.file_id = excluded.file_id THEN annotation.label END",
            (record.id, record.file_id, record.to_json(), version),
        )


def _sorted(records: Iterable[Annotation]) -> list[Annotation]:
    return sorted(records, key=lambda a: (a.file_id, a.page, a.created, a.id))
