"""The annotation outbox: the queued changes of the user's annotations and the push answers' bookkeeping.

A change is queued (:meth:`AnnotationOutbox._enqueue`) in the transaction that stores its record (see
:meth:`~gremalda.core.annotations.store.AnnotationStore.save`); the payload is the whole record, so a newer
unsent row of the same annotation replaces an older one that was never tried. Outbox ids only ever grow.
The sync engine drains :meth:`~AnnotationOutbox.pending_outbox` (or
:meth:`~AnnotationOutbox.pending_payloads`) in order and reports what the server answered.

Push results (see :meth:`~AnnotationOutbox.acknowledge`,
:meth:`~gremalda.core.annotations.store.AnnotationStore.conflict`, :meth:`~AnnotationOutbox.reject`): an
acknowledged change removes its outbox row and every older one of the same annotation (the newer state
contains them); a conflict merges the server's current record and queues the merge when the server lacks
part of it; a change the server refused is kept in the outbox with the server's message (``action``
``'rejected'``) and not sent again until the annotation changes (:meth:`~AnnotationOutbox.rejected_outbox`
lists them). Each annotation also keeps the server's id for it (``server_id``), by which the change feed
names the ones to remove.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from gremalda.core.annotations.records import Annotation, from_json
from gremalda.store.database import ReplicaDatabase, sqlite_errors

TARGET_TYPE = "annotation"
ACTION_PUT = "put"
ACTION_REJECTED = "rejected"  # the server refused the change: kept, with its message, not sent again
LAST_OUTBOX_ID = "outbox_last_id"  # sync_state: the largest outbox id handed out


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    idempotency_key: str
    action: str
    target_id: str
    base_version: int | None
    record: Annotation
    attempts: int


class AnnotationOutbox:
    """The outbox side of :class:`~gremalda.core.annotations.store.AnnotationStore` (its base class):
    reading the queued and refused changes, and recording what the server answered to a push."""

    db: ReplicaDatabase

    def pending_outbox(self, limit: int | None = None) -> list[OutboxEntry]:
        """The queued annotation changes to send, oldest first (not those the server refused)."""
        return self._outbox(ACTION_PUT, limit)

    def pending_payloads(self, limit: int) -> list[tuple[int, str, str, int | None, dict[str, Any]]]:
        """The queued changes to send as :meth:`pending_outbox` lists them, as (outbox id, idempotency
        key, annotation id, base version, record as JSON data): read without building the records (they
        were checked when saved), for pushing."""
        with sqlite_errors(self.db.path):
            rows = self.db.conn.execute(
                "SELECT id, idempotency_key, target_id, base_version, payload FROM outbox"
                " WHERE target_type = ? AND action = ? ORDER BY id LIMIT ?",
                (TARGET_TYPE, ACTION_PUT, limit),
            ).fetchall()
        return [(r[0], r[1], r[2], r[3], json.loads(r[4])) for r in rows]

    def rejected_outbox(self) -> list[tuple[OutboxEntry, str]]:
        """Changes the server refused, oldest first, each with the server's message."""
        entries = self._outbox(ACTION_REJECTED, None)
        with sqlite_errors(self.db.path):
            errors = dict(
                self.db.conn.execute(
                    "SELECT id, coalesce(last_error, '') FROM outbox WHERE target_type = ? AND action = ?",
                    (TARGET_TYPE, ACTION_REJECTED),
                ).fetchall()
            )
        return [(e, str(errors.get(e.id, ""))) for e in entries]

    def pending_count(self) -> int:
        """How many annotations have changes waiting for the server (refused ones not counted)."""
        with sqlite_errors(self.db.path):
            row = self.db.conn.execute(
                "SELECT count(DISTINCT target_id) FROM outbox WHERE target_type = ? AND action = ?",
                (TARGET_TYPE, ACTION_PUT),
            ).fetchone()
        return int(row[0])

    def rejected_count(self) -> int:
        """How many annotations have a change the server refused (listed by :meth:`rejected_outbox`)."""
        with sqlite_errors(self.db.path):
            row = self.db.conn.execute(
                "SELECT count(DISTINCT target_id) FROM outbox WHERE target_type = ? AND action = ?",
                (TARGET_TYPE, ACTION_REJECTED),
            ).fetchone()
        return int(row[0])

    def server_id(self, annotation_id: str) -> int | None:
        with sqlite_errors(self.db.path):
            row = self.db.conn.execute(
                "SELECT server_id FROM annotation WHERE id = ?", (annotation_id,)
            ).fetchone()
        return None if row is None else row[0]

    def _outbox(self, action: str, limit: int | None) -> list[OutboxEntry]:
        with sqlite_errors(self.db.path):
            rows = self.db.conn.execute(
                "SELECT id, idempotency_key, action, target_id, base_version, payload, attempts FROM outbox"
                " WHERE target_type = ? AND action = ? ORDER BY id LIMIT ?",
                (TARGET_TYPE, action, -1 if limit is None else limit),
            ).fetchall()
        return [OutboxEntry(r[0], r[1], r[2], r[3], r[4], from_json(r[5]), r[6]) for r in rows]

    def acknowledge(
        self, outbox_id: int, version: int, server_id: int | None = None, *, annotation_id: str | None = None
    ) -> None:
        """The server took the change ``outbox_id`` as ``version``: that row and the older ones of the same
        annotation (contained in it, also refused or tried ones) leave the outbox; newer ones build on
        ``version``. ``annotation_id``: the change's annotation, for when a newer change made while the
        push was under way has replaced its row. Joins the caller's transaction if one is open."""
        with sqlite_errors(self.db.path), self.db.transaction() as conn:
            target = self._target(outbox_id) or annotation_id
            if target is None:
                return
            conn.execute(
                "DELETE FROM outbox WHERE target_type = ? AND target_id = ? AND id <= ?",
                (TARGET_TYPE, target, outbox_id),
            )
            row = conn.execute("SELECT version FROM annotation WHERE id = ?", (target,)).fetchone()
            if row is not None and (row[0] is None or version >= row[0]):
                conn.execute("UPDATE annotation SET version = ? WHERE id = ?", (version, target))
                conn.execute(
                    "UPDATE outbox SET base_version = ? WHERE target_type = ? AND target_id = ?",
                    (version, TARGET_TYPE, target),
                )
            self._set_server_id(target, server_id)

    def reject(self, outbox_id: int, message: str) -> None:
        """The server refused the change ``outbox_id`` for good (``message`` for people): it stays in the
        outbox, marked, and is not sent again until the annotation changes (an older refused change of
        the same annotation is dropped: this one contains it)."""
        with sqlite_errors(self.db.path), self.db.transaction() as conn:
            target = self._target(outbox_id)
            if target is None:
                return
            conn.execute(
                "DELETE FROM outbox WHERE target_type = ? AND target_id = ? AND id < ? AND action = ?",
                (TARGET_TYPE, target, outbox_id, ACTION_REJECTED),
            )
            conn.execute(
                "UPDATE outbox SET action = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
                (ACTION_REJECTED, message, outbox_id),
            )

    def mark_sent(self, outbox_id: int, version: int | None = None) -> None:
        """The server took the change ``outbox_id``; ``version`` is its new version of the record."""
        with sqlite_errors(self.db.path), self.db.transaction() as conn:
            row = conn.execute(
                "DELETE FROM outbox WHERE id = ? AND target_type = ? RETURNING target_id",
                (outbox_id, TARGET_TYPE),
            ).fetchone()
            if row is not None and version is not None:
                conn.execute("UPDATE annotation SET version = ? WHERE id = ?", (version, row[0]))
                conn.execute(  # later changes of the same record now build on this version
                    "UPDATE outbox SET base_version = ? WHERE target_type = ? AND target_id = ?",
                    (version, TARGET_TYPE, row[0]),
                )

    def mark_failed(self, outbox_id: int, error: str) -> None:
        """A try of the change ``outbox_id`` failed (it may have reached the server): it stays queued, is
        sent again with its idempotency key, and a later change of the annotation does not replace it."""
        with sqlite_errors(self.db.path), self.db.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ? AND target_type = ?",
                (error, outbox_id, TARGET_TYPE),
            )

    # --- internals ------------------------------------------------------------------------------------------

    def _target(self, outbox_id: int) -> str | None:
        row = self.db.conn.execute(
            "SELECT target_id FROM outbox WHERE id = ? AND target_type = ?", (outbox_id, TARGET_TYPE)
        ).fetchone()
        return None if row is None else str(row[0])

    def _set_server_id(self, annotation_id: str, server_id: int | None) -> None:
        if server_id is not None:
            self.db.conn.execute(
                "UPDATE annotation SET server_id = ? WHERE id = ? AND server_id IS NOT ?",
                (server_id, annotation_id, server_id),
            )

    def _enqueue(self, record: Annotation, base_version: int | None) -> None:
        conn = self.db.conn
        conn.execute(  # an older change never tried is contained in this one
            "DELETE FROM outbox WHERE target_type = ? AND target_id = ? AND attempts = 0 AND action = ?",
            (TARGET_TYPE, record.id, ACTION_PUT),
        )
        # outbox ids only ever grow (SQLite would hand the id of a deleted last row out again): an id
        # names one change for good, and a larger id is a later change, also while a push is under way
        row = conn.execute(
            "SELECT max(coalesce((SELECT max(id) FROM outbox), 0),"
            " coalesce((SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = ?), 0)) + 1",
            (LAST_OUTBOX_ID,),
        ).fetchone()
        conn.execute(
            "INSERT INTO outbox (id, idempotency_key, action, target_type, target_id, base_version, payload)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (row[0], str(uuid.uuid4()), ACTION_PUT, TARGET_TYPE, record.id, base_version, record.to_json()),
        )
        conn.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (LAST_OUTBOX_ID, str(row[0])),
        )
