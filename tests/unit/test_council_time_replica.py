"""Council times read from a real SQLCipher replica (random key, no keyring) in the server's wire form: a
meeting just after midnight in Berlin (the evening before in UTC) has Berlin's date and time in the
library's records, in a file's context label and in the search hit's meeting date, whatever this
machine's zone; an OParl meeting whose body names no zone keeps the source's offset; a new meeting's
zone is our server's body's. A meeting that names only its committee (whose body is on Kiritimati, UTC+14)
is dated on that body's clock by the search and its date filter exactly as in the window."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gremalda.core.council_time import replica_zone, wall_clock
from gremalda.core.library import Library
from gremalda.core.search import SearchFilters, SearchService
from gremalda.store.database import ReplicaDatabase, open_database
from gremalda.store.textindex import TextIndex

BERLIN = ZoneInfo("Europe/Berlin")


def put(db: ReplicaDatabase, kind: str, object_id: int | str, /, **fields: Any) -> None:
    data = {"type": kind, "id": object_id, **fields, "version": 1, "modified": "2027-01-05T09:00:00+00:00"}
    db.conn.execute(
        "INSERT INTO object (type, id, data, version, modified) VALUES (?, ?, ?, 1, ?)",
        (kind, str(object_id), json.dumps(data), data["modified"]),
    )


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ReplicaDatabase]:
    oparl = "https://oparl.example/"
    with open_database(tmp_path / "r.db", os.urandom(32), create=True) as database:
        put(database, "body", 1, name="Bezirksversammlung", time_zone="Europe/Berlin")
        put(database, "organization", 2, body_id=1, name="Verkehrsausschuss", kind="committee")
        # 00:15 on Monday 5 April in Berlin: Sunday 22:15 in UTC
        put(database, "meeting", 100, body_id=1, organization_id=2, name="Sitzung nach Mitternacht",
            start="2027-04-04T22:15:00Z", state="published")  # fmt: skip
        put(database, "agenda_item", 200, meeting_id=100, number="1", order=1, name="Veloroute", public=True)
        put(database, "file", 400, body_id=1, name="Vorlage", file_name="400.pdf", role="main",
            agenda_item_id=200, mime_type="application/pdf")  # fmt: skip
        database.conn.execute("INSERT INTO file (id) VALUES ('400')")
        TextIndex(database.conn).add_pages("400", [(1, "Die Veloroute am Elbufer.")])
        # an OParl source: its body names no zone; the meeting's start comes with the source's offset
        put(database, "body", oparl + "body/1", name="Stadt", source="oparl", source_id=1)
        put(database, "organization", oparl + "org/1", body_id=oparl + "body/1", name="Rat", source="oparl",
            source_id=1, kind="committee")  # fmt: skip
        put(database, "meeting", oparl + "meeting/1", body_id=oparl + "body/1",
            organization_id=oparl + "org/1", name="Ratssitzung", start="2027-04-05T00:15:00+03:00",
            source="oparl", source_id=1)  # fmt: skip
        yield database


def test_library_records_and_labels_carry_the_bodys_zone(db: ReplicaDatabase) -> None:
    meetings = {m.id: m for m in Library(db.conn).meetings()}
    ours = meetings["100"]
    assert ours.zone == BERLIN and ours.start is not None
    assert wall_clock(ours.start, ours.zone).strftime("%d.%m.%Y %H:%M") == "05.04.2027 00:15"
    theirs = meetings["https://oparl.example/meeting/1"]
    assert theirs.zone is None and theirs.start is not None  # as the source gave it
    assert wall_clock(theirs.start, theirs.zone).strftime("%d.%m.%Y %H:%M %z") == "05.04.2027 00:15 +0300"
    entry = Library(db.conn).file("400")
    assert entry is not None
    assert entry.context == "TOP 1 · Sitzung nach Mitternacht 05.04.2027"  # Berlin's date, not UTC's 04.04.


def test_search_shows_the_meetings_date_on_the_councils_clock(db: ReplicaDatabase) -> None:
    hits = SearchService(db.conn, db.path).search("Veloroute", limit=10).hits
    assert [(h.file_id, h.meeting_date) for h in hits] == [("400", date(2027, 4, 5))]


def test_a_new_meeting_gets_our_servers_body_zone(db: ReplicaDatabase, tmp_path: Path) -> None:
    assert replica_zone(db.conn) == BERLIN
    db.conn.execute(
        "UPDATE object SET data = json_set(data, '$.time_zone', 'Europe/Lisbon') "
        "WHERE type = 'body' AND id = '1'"
    )
    assert replica_zone(db.conn) == ZoneInfo("Europe/Lisbon")
    with open_database(tmp_path / "empty.db", os.urandom(32), create=True) as empty:
        assert replica_zone(empty.conn) == BERLIN  # nothing synced yet: the default


def test_the_notes_summary_pdf_dates_the_meeting_on_the_councils_clock(db: ReplicaDatabase) -> None:
    import pymupdf

    from gremalda.core.annotations.summary import MeetingNotes
    from gremalda.core.council_time import zone_label
    from gremalda.pdf.summary import summary_pdf

    meeting = {m.id: m for m in Library(db.conn).meetings()}["100"]
    assert meeting.start is not None
    notes = MeetingNotes(meeting, "Person member", meeting.start, ())
    with pymupdf.open(stream=summary_pdf(notes), filetype="pdf") as doc:
        text = " ".join(page.get_text() for page in doc)
    named = f" ({label})" if (label := zone_label(meeting.start, BERLIN)) else ""
    assert f"05.04.2027 00:15{named}" in " ".join(text.split())
    assert "04.04.2027 22:15" not in text


KIRITIMATI = ZoneInfo("Pacific/Kiritimati")


def test_search_dates_a_meeting_through_its_committees_body_as_the_window_does(db: ReplicaDatabase) -> None:
    # a council on Kiritimati (UTC+14) whose meeting names no body, only its committee: 12:30 UTC on
    # Sunday 4 April is 02:30 on Monday 5 April there (and 14:30 on Sunday in Berlin, the default zone)
    put(db, "body", 5, name="Inselrat", time_zone="Pacific/Kiritimati")
    put(db, "organization", 6, body_id=5, name="Lagunenausschuss", kind="committee")
    put(db, "meeting", 110, organization_id=6, name="Inselsitzung", start="2027-04-04T12:30:00Z",
        state="published")  # fmt: skip
    put(db, "agenda_item", 210, meeting_id=110, number="1", order=1, name="Lagune", public=True)
    put(db, "file", 410, name="Lagunenplan", file_name="410.pdf", role="main", agenda_item_id=210,
        mime_type="application/pdf")  # fmt: skip
    db.conn.execute("INSERT INTO file (id) VALUES ('410')")
    TextIndex(db.conn).add_pages("410", [(1, "Die Lagune im Norden.")])

    # the window: the meeting's record (navigation tree, folder header) and the file's context label
    meeting = {m.id: m for m in Library(db.conn).meetings()}["110"]
    assert meeting.zone == KIRITIMATI and meeting.start is not None
    assert wall_clock(meeting.start, meeting.zone).strftime("%d.%m.%Y %H:%M") == "05.04.2027 02:30"
    entry = Library(db.conn).file("410")
    assert entry is not None and entry.context == "TOP 1 · Inselsitzung 05.04.2027"

    # the search: the same day, in the hit and in the date filter
    service = SearchService(db.conn, db.path)
    hits = service.search("Lagune", limit=10).hits
    assert [(h.file_id, h.meeting_date) for h in hits] == [("410", date(2027, 4, 5))]

    def on(day: date) -> list[str]:
        filters = SearchFilters(date_from=day, date_to=day)
        return sorted(h.file_id for w in ("Lagune", "Veloroute") for h in service.search(w, filters).hits)

    assert on(date(2027, 4, 5)) == ["400", "410"]  # both councils' Monday
    assert on(date(2027, 4, 4)) == []  # Sunday in UTC and in Berlin, on neither council's clock
