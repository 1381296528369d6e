"""Proof of delivery, the member's side: what this device tells the server about published meetings.

- *complete*: after a sync pass, for each published meeting (not long past) whose current files (not
  superseded: the meeting's own, its agenda items', those of the papers consulted on its items) are all
  stored in the vault, a report with their sorted sha256 list, once per distinct list
  (:func:`queue_complete`);
- *opened*: the first time the user opens a document of a published meeting (:func:`note_opened`, called
  by :meth:`gremalda.core.readstate.ReadState.mark_opened` inside its transaction), with the device's
  time, so an open made offline is reported later with the time it happened.

Reports are rows of the replica's outbox (``target_type`` ``'delivery'``, ``target_id`` the meeting id,
the report as payload), written in the same transaction as what caused them (the stored list, the
open), and pushed by the sync engine with the annotations (:mod:`sync.engine.engine`). The server's
answers (:func:`settle`): ``ok`` and ``stale`` leave the outbox (a stale report's folder changed on the
server: the list is forgotten, so the next pass reports the new one); ``rejected`` stays, marked, with
the server's message, like a refused annotation (a refused *complete* report's list is forgotten too, e.g.
the meeting was briefly back to draft: it is reported again while the meeting is published; only the
latest refused one of a meeting is kept). Qt-free.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from gremalda.core.annotations.store import LAST_OUTBOX_ID
from gremalda.core.library import Library, ref_id
from gremalda.store.database import ReplicaDatabase, sqlite_errors
from gremalda.store.objects import put_state

log = logging.getLogger(__name__)

TARGET_TYPE = "delivery"
ACTION_PUT = "put"
ACTION_REJECTED = "rejected"
COMPLETE_KEY = "delivery_complete:"  # sync_state key + meeting id: digest of the sha256 list reported
OPENED_KEY = "delivery_opened:"  # sync_state key + meeting id: when the first open was queued
PAST = timedelta(days=2)  # meetings that started longer ago than this are not reported complete


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _meeting_number(meeting_id: str) -> int | None:
    """Our server's meetings have integer ids (OParl sources' are URLs: not reported)."""
    return int(meeting_id) if meeting_id.isascii() and meeting_id.isdigit() else None


def _state(conn: Any, key: str) -> str | None:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _enqueue(conn: Any, meeting: int, payload: dict[str, Any]) -> int:
    """An outbox row for a report, inside the caller's transaction; ids only ever grow (as annotations')."""
    row = conn.execute(
        "SELECT max(coalesce((SELECT max(id) FROM outbox), 0),"
        " coalesce((SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = ?), 0)) + 1",
        (LAST_OUTBOX_ID,),
    ).fetchone()
    outbox_id = int(row[0])
    conn.execute(
        "INSERT INTO outbox (id, idempotency_key, action, target_type, target_id, base_version, payload)"
        " VALUES (?, ?, ?, ?, ?, NULL, ?)",
        (
            outbox_id,
            str(uuid.uuid4()),
            ACTION_PUT,
            TARGET_TYPE,
            str(meeting),
            json.dumps(payload, separators=(",", ":")),
        ),
    )
    put_state(conn, LAST_OUTBOX_ID, str(outbox_id))
    return outbox_id


# --- complete ------------------------------------------------------------------------------------------


def complete_files(library: Library, meeting_id: str) -> list[str] | None:
    """The sorted sha256 list of the meeting's current files when all are stored here, else None
    (also for a meeting without files: nothing to prove)."""
    folder = library.meeting(meeting_id)
    if folder is None:
        return None
    files = list(folder.meeting_files) + [f for item in folder.items for f in item.files]
    if not files or not all(f.stored and f.sha256 for f in files):
        return None
    return sorted({str(f.sha256) for f in files})


def queue_complete(db: ReplicaDatabase, *, now: datetime | None = None) -> int:
    """Queue a *complete* report for each published meeting whose current files are all stored and whose
    list was not reported yet; returns how many were queued."""
    now = now or datetime.now(UTC)
    queued = 0
    with sqlite_errors(db.path):
        library = Library(db.conn)
        for summary in library.meetings(include_cancelled=False):
            number = _meeting_number(summary.id)
            if number is None or summary.state != "published":
                continue
            if summary.start is not None and summary.start < now - PAST:
                continue
            shas = complete_files(library, summary.id)
            if shas is None:
                continue
            digest = hashlib.sha256("\n".join(shas).encode("ascii")).hexdigest()
            key = f"{COMPLETE_KEY}{number}"
            if _state(db.conn, key) == digest:
                continue
            with db.transaction() as conn:
                payload = {"meeting_id": number, "event": "complete", "at": now_iso(), "files": shas}
                _enqueue(conn, number, payload)
                put_state(conn, key, digest)
            queued += 1
    return queued


# --- opened --------------------------------------------------------------------------------------------


def meetings_of_file(conn: Any, file_id: str) -> list[str]:
    """The published meetings whose folder shows the file (its meeting, its agenda item's, or the
    meetings where its paper is consulted)."""
    row = conn.execute("SELECT data FROM object WHERE type = 'file' AND id = ?", (file_id,)).fetchone()
    if row is None:
        return []
    data = json.loads(row[0])
    meetings: set[str] = set()
    items: set[str] = set()
    if (meeting := ref_id(data.get("meeting_id"))) is not None:
        meetings.add(meeting)
    if (item := ref_id(data.get("agenda_item_id"))) is not None:
        items.add(item)
    if (paper := ref_id(data.get("paper_id"))) is not None:
        for (found,) in conn.execute(
            "SELECT json_extract(data, '$.agenda_item_id') FROM object WHERE type = 'consultation'"
            " AND CAST(json_extract(data, '$.paper_id') AS TEXT) = ?",
            (paper,),
        ):
            if (item_id := ref_id(found)) is not None:
                items.add(item_id)
    if items:
        for (found,) in conn.execute(
            "SELECT json_extract(data, '$.meeting_id') FROM object WHERE type = 'agenda_item'"
            " AND id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(items)),),
        ):
            if (meeting_id := ref_id(found)) is not None:
                meetings.add(meeting_id)
    published = []
    for meeting_id in sorted(meetings):
        got = conn.execute(
            "SELECT json_extract(data, '$.state') FROM object WHERE type = 'meeting' AND id = ?",
            (meeting_id,),
        ).fetchone()
        if got is not None and (got[0] or "published") == "published":
            published.append(meeting_id)
    return published


def note_opened(conn: Any, file_id: str, at: str) -> int:
    """The user opened the file at `at` (the device's time): queue an *opened* report for each published
    meeting of it not reported opened before. Runs inside the caller's transaction; returns how many."""
    queued = 0
    for meeting_id in meetings_of_file(conn, file_id):
        number = _meeting_number(meeting_id)
        key = f"{OPENED_KEY}{meeting_id}"
        if number is None or _state(conn, key) is not None:
            continue
        _enqueue(conn, number, {"meeting_id": number, "event": "opened", "at": at})
        put_state(conn, key, at)
        queued += 1
    return queued


# --- the outbox side -------------------------------------------------------------------------------------


def pending(db: ReplicaDatabase) -> list[tuple[int, str, str, dict[str, Any]]]:
    """The reports waiting to be sent, oldest first: (outbox id, idempotency key, meeting id, payload)."""
    with sqlite_errors(db.path):
        rows = db.conn.execute(
            "SELECT id, idempotency_key, target_id, payload FROM outbox"
            " WHERE target_type = ? AND action = ? ORDER BY id",
            (TARGET_TYPE, ACTION_PUT),
        ).fetchall()
    return [(int(r[0]), str(r[1]), str(r[2]), json.loads(r[3])) for r in rows]


def pending_count(db: ReplicaDatabase) -> int:
    with sqlite_errors(db.path):
        row = db.conn.execute(
            "SELECT count(*) FROM outbox WHERE target_type = ? AND action = ?", (TARGET_TYPE, ACTION_PUT)
        ).fetchone()
    return int(row[0])


def rejected(db: ReplicaDatabase) -> list[tuple[int, dict[str, Any], str]]:
    """Reports the server refused: (outbox id, payload, the server's message)."""
    with sqlite_errors(db.path):
        rows = db.conn.execute(
            "SELECT id, payload, coalesce(last_error, '') FROM outbox WHERE target_type = ? AND action = ?"
            " ORDER BY id",
            (TARGET_TYPE, ACTION_REJECTED),
        ).fetchall()
    return [(int(r[0]), json.loads(r[1]), str(r[2])) for r in rows]


def settle(conn: Any, answers: Iterable[tuple[int, str, str]]) -> None:
    """The server's answers (outbox id, status, message), inside the caller's transaction."""
    for outbox_id, status, message in answers:
        if status in ("ok", "stale"):
            row = conn.execute(
                "DELETE FROM outbox WHERE id = ? AND target_type = ? RETURNING target_id, payload",
                (outbox_id, TARGET_TYPE),
            ).fetchone()
            if status == "stale" and row is not None:
                if json.loads(row[1]).get("event") == "complete":
                    put_state(conn, f"{COMPLETE_KEY}{row[0]}", None)  # report the folder anew
                log.info("sync: delivery report of meeting %s was stale: %s", row[0], message)
        else:
            row = conn.execute(
                "UPDATE outbox SET action = ?, attempts = attempts + 1, last_error = ? WHERE id = ?"
                " AND target_type = ? RETURNING target_id, payload",
                (ACTION_REJECTED, message or "The server refused the report.", outbox_id, TARGET_TYPE),
            ).fetchone()
            if row is not None and json.loads(row[1]).get("event") == "complete":
                # not accepted: forget the list, so that it is reported again once the meeting is
                # published (again); of the refused complete reports of a meeting only this one stays
                put_state(conn, f"{COMPLETE_KEY}{row[0]}", None)
                conn.execute(
                    "DELETE FROM outbox WHERE target_type = ? AND action = ? AND target_id = ? AND id <> ?"
                    " AND json_extract(payload, '$.event') = 'complete'",
                    (TARGET_TYPE, ACTION_REJECTED, row[0], outbox_id),
                )
            log.info("sync: delivery report of meeting %s refused: %s", row[0] if row else "?", message)
