"""Read state: the badges new → unread → read, changed content and new versions, the last page, and
what a sync pass brought (an in-memory database with the replica's schema)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import sqlcipher3

from gremalda.core.navigation import is_upcoming, next_meeting, upcoming_first
from gremalda.core.readstate import Arrivals, Badge, FileVersion, ReadState, arrivals, file_versions
from gremalda.core.records import FileEntry, MeetingSummary
from gremalda.store.database import ReplicaDatabase, migrate


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ReplicaDatabase]:
    conn = sqlcipher3.connect(":memory:", isolation_level=None)  # the SQLite the replica uses (FTS5 options)
    migrate(conn)
    database = ReplicaDatabase(conn, tmp_path / "replica.db")
    yield database
    database.close()


def _entry(file_id: str, sha: str = "a" * 64, supersedes: str | None = None) -> FileEntry:
    return FileEntry(
        id=file_id,
        name=f"Datei {file_id}",
        file_name=f"{file_id}.pdf",
        mime_type="application/pdf",
        size=10,
        sha256=sha,
        role="main",
        state="complete",
        stored=True,
        vault_version=1,
        pages_indexed=1,
        context="",
        superseded=False,
        supersedes_id=supersedes,
        change_note="",
    )


def test_new_then_unread_then_read(db: ReplicaDatabase) -> None:
    state = ReadState(db)
    entry = _entry("1")
    assert state.badge(entry) is Badge.NEW
    state.mark_listed(["1"])
    assert state.badge(entry) is Badge.UNREAD
    state.mark_listed(["1"])  # listing again keeps the first time
    state.mark_opened("1", entry.sha256)
    assert state.badge(entry) is Badge.READ
    assert state.unlisted(["1", "2"]) == {"2"}


def test_opening_unlisted_documents_marks_them_seen(db: ReplicaDatabase) -> None:
    state = ReadState(db)
    state.mark_opened("7", "b" * 64)
    assert state.badge(_entry("7", "b" * 64)) is Badge.READ


def test_other_content_or_a_new_version_is_changed(db: ReplicaDatabase) -> None:
    state = ReadState(db)
    state.mark_opened("1", "a" * 64)
    assert state.badge(_entry("1", "c" * 64)) is Badge.CHANGED  # replaced content
    newer = _entry("2", "d" * 64, supersedes="1")
    assert state.badge(newer) is Badge.CHANGED  # a new version of a document read before
    state.mark_opened("2", newer.sha256)
    assert state.badge(newer) is Badge.READ
    # a new version of a document never opened is simply new
    assert state.badge(_entry("4", supersedes="3")) is Badge.NEW


def test_last_page(db: ReplicaDatabase) -> None:
    state = ReadState(db)
    assert state.last_page("1") is None
    state.set_last_page("1", 41)
    state.set_last_page("1", 42)
    assert state.last_page("1") == 42
    state.mark_opened("1", None)
    assert state.last_page("1") == 42 and state.badge(replace(_entry("1"), sha256=None)) is Badge.READ


def test_arrivals_tell_new_from_changed(db: ReplicaDatabase) -> None:
    conn = db.conn
    for file_id, sha, supersedes in (("1", "a" * 64, None), ("2", "b" * 64, None)):
        conn.execute("INSERT INTO file (id, sha256, size) VALUES (?, ?, 1)", (file_id, sha))
        data = json.dumps({"supersedes_id": int(supersedes) if supersedes else None})
        conn.execute(
            "INSERT INTO object (type, id, data, modified) VALUES ('file', ?, ?, '')", (file_id, data)
        )
    before = file_versions(db)
    assert before == {"1": FileVersion("a" * 64, None), "2": FileVersion("b" * 64, None)}
    conn.execute("UPDATE file SET sha256 = ? WHERE id = '2'", ("e" * 64,))
    conn.execute("INSERT INTO file (id, sha256, size) VALUES ('3', ?, 1)", ("f" * 64,))
    conn.execute(
        """INSERT INTO object (type, id, data, modified) VALUES ('file', '3', '{"supersedes_id": 1}', '')"""
    )
    conn.execute("INSERT INTO file (id, sha256, size) VALUES ('4', ?, 1)", ("0" * 64,))
    result = arrivals(before, file_versions(db))
    assert result == Arrivals(new=("4",), changed=("2", "3"))
    assert result and not arrivals(before, before)


def _meeting(meeting_id: str, days: float | None, state: str = "published") -> MeetingSummary:
    from datetime import UTC, datetime, timedelta

    start = None if days is None else datetime(2026, 12, 1, 12, tzinfo=UTC) + timedelta(days=days)
    return MeetingSummary(meeting_id, f"Sitzung {meeting_id}", start, None, state, "A", "", 0, 0)


def test_upcoming_first_then_past_latest_first() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 12, 1, 15, tzinfo=UTC)
    meetings = [
        _meeting("past", -10),
        _meeting("today", 0),
        _meeting("soon", 3, "cancelled"),
        _meeting("later", 30),
        _meeting("older", -40),
        _meeting("undated", None),
    ]
    order = [m.id for m in upcoming_first(meetings, now)]
    assert order == ["today", "soon", "later", "past", "older", "undated"]
    assert is_upcoming(meetings[1], now)  # today's session stays on top while it runs
    assert next_meeting(meetings, now).id == "today"  # type: ignore[union-attr]
    assert next_meeting([_meeting("soon", 3, "cancelled"), _meeting("past", -10)], now).id == "past"  # type: ignore[union-attr]
    assert next_meeting([], now) is None
