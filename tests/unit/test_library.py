"""The library service: meetings, agendas, e-files, files, status and resolving a document name, read
from a real SQLCipher replica (random key, no keyring) filled with objects in the server's wire form.

The replica is deliberately incomplete in places (references to objects this user may not see)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from gremalda.core.errors import DocumentAmbiguous, DocumentNotFound
from gremalda.core.library import Library, parse_time
from gremalda.errors import GremaldaError
from gremalda.store.database import ReplicaDatabase, open_database

MEETING_DAY = "12.03.2026"
M100 = "3. Sitzung Verkehrsausschuss 2026"


def put(db: ReplicaDatabase, kind: str, object_id: int, /, **fields: Any) -> None:
    """One object as the server's change feed sends it, stored as the sync engine stores it."""
    data = {
        "type": kind,
        "id": object_id,
        **fields,
        "version": 1,
        "created": "2026-01-05T09:00:00+00:00",
        "modified": "2026-01-05T09:00:00+00:00",
    }
    db.conn.execute(
        "INSERT INTO object (type, id, data, version, modified) VALUES (?, ?, ?, 1, ?)",
        (kind, str(object_id), json.dumps(data, ensure_ascii=False, separators=(",", ":")), data["modified"]),
    )


def meeting(db: ReplicaDatabase, object_id: int, name: str, start: Any, **fields: Any) -> None:
    fields = {"organization_id": 10, "state": "published", "end": None, "location": "", **fields}
    put(db, "meeting", object_id, body_id=1, name=name, start=start, published_at=None, **fields)


def item(
    db: ReplicaDatabase,
    object_id: int,
    meeting_id: int,
    number: str | None,
    order: int,
    name: str,
    public: bool = True,
) -> None:
    put(
        db,
        "agenda_item",
        object_id,
        meeting_id=meeting_id,
        number=number,
        order=order,
        name=name,
        public=public,
        result="",
    )


def file(
    db: ReplicaDatabase,
    object_id: int,
    name: str,
    file_name: str,
    role: str = "main",
    size: int = 1000,
    **owner: Any,
) -> None:
    fields = {
        "paper_id": None,
        "agenda_item_id": None,
        "meeting_id": None,
        "document_id": None,
        "supersedes_id": None,
        "change_note": "",
        **owner,
    }
    put(
        db,
        "file",
        object_id,
        body_id=1,
        name=name,
        file_name=file_name,
        mime_type="application/pdf",
        size=size,
        sha256=sha(object_id),
        role=role,
        **fields,
    )


def sha(object_id: int) -> str:
    return hashlib.sha256(str(object_id).encode()).hexdigest()


def local(db: ReplicaDatabase, file_id: int, state: str, vault_version: int | None, size: int = 1000) -> None:
    received = size if state == "complete" else size // 2 if state == "partial" else 0
    db.conn.execute(
        "INSERT INTO file (id, sha256, size, state, received, vault_version) VALUES (?, ?, ?, ?, ?, ?)",
        (str(file_id), sha(file_id), size, state, received, vault_version),
    )


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ReplicaDatabase]:
    with open_database(tmp_path / "r.db", os.urandom(32), create=True) as database:
        yield database


@pytest.fixture
def council(db: ReplicaDatabase) -> ReplicaDatabase:
    with db.transaction():
        put(db, "body", 1, name="Bezirksamt Tempelhof-Schöneberg", short_name="TS", website="", notice_days=7)
        for org_id, name in (
            (10, "Verkehrsausschuss"),
            (11, "Ausschuss für Stadtentwicklung und Grünflächen"),
        ):
            put(
                db,
                "organization",
                org_id,
                body_id=1,
                name=name,
                short_name="",
                kind="committee",
                start_date="2021-11-04",
                end_date=None,
            )
        put(
            db,
            "person",
            20,
            body_id=1,
            name="Dr. Jürgen Weiß",
            given_name="Jürgen",
            family_name="Weiß",
            form_of_address="Herr",
            title="Dr.",
        )
        put(
            db,
            "membership",
            21,
            person_id=20,
            organization_id=10,
            role="Vorsitz",
            voting_right=True,
            deputy=False,
            start_date="2021-11-04",
            end_date=None,
        )

        room = "Rathaus Schöneberg, Raum 1111"
        meeting(db, 100, M100, "2026-03-12T16:00:00+00:00", end="2026-03-12T19:00:00+00:00", location=room)
        meeting(db, 101, "2. Sitzung Verkehrsausschuss 2026", "2026-02-12T17:00:00Z")
        meeting(db, 102, "4. Sitzung Verkehrsausschuss 2026", "2026-04-09T16:00:00+00:00", state="cancelled")
        meeting(db, 103, "Sondersitzung Ältestenrat", None, organization_id=99)  # not visible to us
        meeting(db, 104, "5. Sitzung Stadtentwicklung 2026", "nächsten Dienstag", organization_id=11)
        meeting(db, 105, "1. Sitzung Verkehrsausschuss 2026", "2026-01-15T18:00:00")  # naive: UTC

        # meeting 100, inserted out of order; three items share order 3
        item(db, 203, 100, "N 1", 5, "Vergabe Straßenreinigung Los 3", public=False)
        item(db, 205, 100, "3.10", 3, "Querungshilfe Öttingenstraße")
        item(db, 201, 100, "3.1", 3, "Radverkehrsanlage Hauptstraße")
        item(db, 204, 100, None, 4, "Verschiedenes")
        item(db, 200, 100, "1", 1, "Eröffnung, Feststellung der Tagesordnung")
        item(db, 206, 100, "3.2", 3, "Tempo 30 vor der Grundschule")
        item(db, 202, 100, "2", 2, "Genehmigung der Niederschrift")
        item(db, 210, 101, "1", 1, "Eröffnung")
        item(db, 211, 101, "N 1", 2, "Personalangelegenheit", public=False)
        item(db, 212, 101, "N 2", 3, "Grundstücksangelegenheit", public=False)

        put(
            db,
            "paper",
            300,
            body_id=1,
            reference="21-0042",
            name="Sichere Radwege in der Hauptstraße",
            paper_type="Antrag",
            date="2026-02-20",
            public=True,
        )
        put(
            db,
            "paper",
            301,
            body_id=1,
            reference="21-0043",
            name="Tempo 30 vor der Grundschule am Südgelände",
            paper_type="Vorlage",
            date="2026-02-25",
            public=True,
        )
        put(
            db, "consultation", 400, paper_id=300, agenda_item_id=201, role="Entscheidung", authoritative=True
        )
        put(db, "consultation", 401, paper_id=999, agenda_item_id=201, role="Beratung", authoritative=False)
        put(db, "consultation", 402, paper_id=301, agenda_item_id=206, role="Beratung", authoritative=False)
        put(db, "consultation", 403, paper_id=300, agenda_item_id=998, role="Beratung", authoritative=False)

        file(db, 500, "Drucksache 21-0042", "21-0042.pdf", size=12345, paper_id=300)
        file(db, 501, "Anlage 1 zu 21-0042", "21-0042-Anlage-1.pdf", "auxiliary", paper_id=300)
        file(
            db,
            502,
            "Tischvorlage Radverkehrsanlage",
            "Tischvorlage-Hauptstraße.pdf",
            "late",
            agenda_item_id=201,
        )
        file(db, 503, f"Einladung {M100}", "Einladung-100.pdf", "invitation", size=2048, meeting_id=100)
        file(db, 505, f"Niederschrift {M100}", "Niederschrift-100.pdf", "minutes", meeting_id=100)
        file(
            db,
            506,
            f"Niederschrift {M100}",
            "Niederschrift-100-v2.pdf",
            "minutes",
            meeting_id=100,
            supersedes_id=505,
            change_note="Berichtigung zu TOP 3.1",
        )
        file(db, 507, "Stellungnahme (Scan)", "Stellungnahme.pdf", "auxiliary", paper_id=999)
        file(db, 508, "Vergabevermerk", "Vergabevermerk.pdf", agenda_item_id=203)
        file(db, 509, "Präsentation Ampelschaltung", "Präsentation.pdf", agenda_item_id=998)
        file(db, 510, "Einladung Sondersitzung", "Einladung-999.pdf", "invitation", meeting_id=999)
        file(db, 511, "Baustellenübersicht", "Baustellen.pdf", "auxiliary", agenda_item_id=204)
        file(db, 520, "Lageplan", "Anlage.pdf", "auxiliary", paper_id=301)
        file(db, 521, "Lageplan", "anlage.PDF", "late", agenda_item_id=206)

        put(
            db,
            "efile",
            600,
            body_id=1,
            reference_number="ELB-40.11-003/2026",
            title="Schulsanierung Lindenallee – Vergabeverfahren",
        )
        put(db, "efile", 601, body_id=1, reference_number="ELB-10.02-001/2026", title="Haushaltsplanung")
        put(db, "process", 610, efile_id=600, reference="ELB-40.11-003/2026/2", title="Angebotswertung")
        put(db, "process", 611, efile_id=600, reference="ELB-40.11-003/2026/1", title="Leistungsverzeichnis")
        put(db, "process", 612, efile_id=998, reference="", title="Baumaßnahmen Sommer")
        put(db, "document", 620, process_id=611, title="Leistungsverzeichnis – Dokument 2", order=1)
        put(db, "document", 621, process_id=611, title="Leistungsverzeichnis – Dokument 1", order=0)
        put(db, "document", 622, process_id=610, title="Angebotswertung – Dokument 1", order=0)
        put(db, "document", 623, process_id=612, title="Vermerk", order=0)
        lv = "Leistungsverzeichnis – Dokument 1"
        file(db, 630, f"{lv} (Fassung 1)", "ELB-40.11-003-2026-1-1-v1.pdf", document_id=621)
        file(
            db,
            631,
            f"{lv} (Fassung 2)",
            "ELB-40.11-003-2026-1-1-v2.pdf",
            document_id=621,
            supersedes_id=630,
            change_note="Überarbeitet nach Stellungnahme des Rechtsamts",
        )
        file(db, 632, "Angebotswertung – Dokument 1", "ELB-40.11-003-2026-2-1-v1.pdf", document_id=622)
        file(db, 633, "Vermerk (Fassung 1)", "Vermerk-alt.pdf", document_id=999)
        file(db, 634, "Vermerk", "Vermerk.pdf", document_id=623)

        local(db, 500, "complete", 1, size=12345)
        local(db, 501, "partial", None)
        local(db, 503, "complete", 2, size=2048)
        local(db, 630, "missing", None)
        local(db, 631, "complete", None)  # downloaded, but the vault holds no readable copy
        db.conn.execute("INSERT INTO text_source (file_id, sha256, pages) VALUES ('500', ?, 3)", (sha(500),))
        db.conn.execute("INSERT INTO text_source (file_id, sha256, pages) VALUES ('503', ?, 1)", (sha(503),))
    return db


@pytest.fixture
def library(council: ReplicaDatabase) -> Library:
    return Library(council.conn)


def ids(records: Any) -> list[str]:
    return [record.id for record in records]


# --- meetings ---------------------------------------------------------------------------------------------


def test_meetings_by_start_undated_last(library: Library) -> None:
    meetings = library.meetings()
    assert ids(meetings) == ["105", "101", "100", "102", "103", "104"]
    first = meetings[0]
    assert first.start == datetime(2026, 1, 15, 18, tzinfo=UTC)
    assert (first.item_count, first.nonpublic_count) == (0, 0)


def test_meeting_summary_values(library: Library) -> None:
    summaries = {m.id: m for m in library.meetings()}
    m = summaries["100"]
    assert m.name == M100
    assert m.start == datetime(2026, 3, 12, 16, tzinfo=UTC)
    assert m.end == datetime(2026, 3, 12, 19, tzinfo=UTC)
    assert (m.state, m.organization, m.location) == (
        "published",
        "Verkehrsausschuss",
        "Rathaus Schöneberg, Raum 1111",
    )
    assert (m.item_count, m.nonpublic_count) == (7, 1)
    assert (summaries["101"].item_count, summaries["101"].nonpublic_count) == (3, 2)
    assert summaries["101"].start == datetime(2026, 2, 12, 17, tzinfo=UTC)
    assert summaries["103"].organization is None  # its committee is not in the replica
    assert summaries["103"].start is None
    assert summaries["104"].start is None  # "nächsten Dienstag" is no date
    assert summaries["104"].organization == "Ausschuss für Stadtentwicklung und Grünflächen"
    assert summaries["102"].cancelled and not m.cancelled


def test_cancelled_meetings_can_be_left_out(library: Library) -> None:
    assert "102" in ids(library.meetings())
    assert ids(library.meetings(include_cancelled=False)) == ["105", "101", "100", "103", "104"]


def test_agenda_in_order_with_papers_and_files(library: Library) -> None:
    folder = library.meeting("100")
    assert folder is not None
    assert folder.meeting.id == "100" and folder.meeting.organization == "Verkehrsausschuss"
    assert (folder.meeting.item_count, folder.meeting.nonpublic_count) == (7, 1)
    agenda = folder.items
    assert [(e.number, e.name) for e in agenda] == [
        ("1", "Eröffnung, Feststellung der Tagesordnung"),
        ("2", "Genehmigung der Niederschrift"),
        ("3.1", "Radverkehrsanlage Hauptstraße"),
        ("3.2", "Tempo 30 vor der Grundschule"),
        ("3.10", "Querungshilfe Öttingenstraße"),
        (None, "Verschiedenes"),
        ("N 1", "Vergabe Straßenreinigung Los 3"),
    ]
    assert [e.public for e in agenda] == [True] * 6 + [False]
    radwege = agenda[2]
    # the consultation of paper 999 (not visible here) is skipped
    assert [(p.id, p.reference, p.name) for p in radwege.papers] == [
        ("300", "21-0042", "Sichere Radwege in der Hauptstraße")
    ]
    # the paper's files first (main before attachment), then the item's own
    assert ids(radwege.files) == ["500", "501", "502"]
    assert ids(agenda[3].files) == ["520", "521"]
    assert [p.reference for p in agenda[3].papers] == ["21-0043"]
    assert agenda[0].papers == () and agenda[0].files == ()
    assert ids(agenda[6].files) == ["508"]


def test_superseded_versions_hidden_from_folder(library: Library) -> None:
    folder = library.meeting("100")
    assert folder is not None
    assert ids(folder.meeting_files) == ["503", "506"]  # invitation, then the current minutes
    assert [f.role for f in folder.meeting_files] == ["invitation", "minutes"]
    assert folder.meeting_files[1].supersedes_id == "505"
    assert folder.meeting_files[1].change_note == "Berichtigung zu TOP 3.1"
    everything = library.meeting("100", include_superseded=True)
    assert everything is not None
    assert ids(everything.meeting_files) == ["503", "506", "505"]
    assert everything.meeting_files[2].superseded
    old = library.file("505")  # still reachable on its own
    assert old is not None and old.superseded and old.file_name == "Niederschrift-100.pdf"


def test_meeting_absent_or_empty(library: Library) -> None:
    assert library.meeting("999") is None
    assert library.meeting("") is None
    empty = library.meeting("105")
    assert empty is not None
    assert empty.items == () and empty.meeting_files == ()
    assert empty.meeting.name == "1. Sitzung Verkehrsausschuss 2026"


def test_nonpublic_only_meeting(library: Library) -> None:
    folder = library.meeting("101")
    assert folder is not None
    assert [(e.number, e.public) for e in folder.items] == [("1", True), ("N 1", False), ("N 2", False)]


# --- files ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_id", "context"),
    [
        ("500", "Drucksache 21-0042"),
        ("502", f"TOP 3.1 · {M100} {MEETING_DAY}"),
        ("511", f"Verschiedenes · {M100} {MEETING_DAY}"),
        ("508", f"TOP N 1 · {M100} {MEETING_DAY}"),
        ("503", f"{M100} {MEETING_DAY}"),
        ("631", "Akte ELB-40.11-003/2026 › Leistungsverzeichnis › Leistungsverzeichnis – Dokument 1"),
        ("632", "Akte ELB-40.11-003/2026 › Angebotswertung › Angebotswertung – Dokument 1"),
        ("634", "Baumaßnahmen Sommer › Vermerk"),  # the e-file is not visible here
        ("507", "Drucksache (nicht verfügbar)"),
        ("509", "TOP (nicht verfügbar)"),
        ("510", "Sitzung (nicht verfügbar)"),
        ("633", "Akte (nicht verfügbar)"),
    ],
)
def test_file_context_labels(library: Library, file_id: str, context: str) -> None:
    entry = library.file(file_id)
    assert entry is not None
    assert entry.context == context


def test_file_local_state(library: Library) -> None:
    stored = library.file("500")
    assert stored is not None
    assert (stored.name, stored.file_name, stored.mime_type, stored.role) == (
        "Drucksache 21-0042",
        "21-0042.pdf",
        "application/pdf",
        "main",
    )
    assert (stored.size, stored.sha256) == (12345, sha(500))
    assert (stored.state, stored.stored, stored.vault_version, stored.pages_indexed) == (
        "complete",
        True,
        1,
        3,
    )
    partial = library.file("501")
    assert partial is not None
    assert (partial.state, partial.stored, partial.vault_version, partial.pages_indexed) == (
        "partial",
        False,
        None,
        0,
    )
    no_row = library.file("502")  # the sync engine has not listed it yet
    assert no_row is not None
    assert (no_row.state, no_row.stored, no_row.size) == ("missing", False, 1000)
    unreadable = library.file("631")
    assert unreadable is not None
    assert (unreadable.state, unreadable.stored) == ("complete", False)
    assert library.file("999") is None


def test_files_lists_all_by_id(library: Library) -> None:
    files = library.files()
    assert len(files) == 18
    assert ids(files)[:3] == ["500", "501", "502"] and ids(files)[-1] == "634"
    current = ids(library.files(include_superseded=False))
    assert "505" not in current and "630" not in current and len(current) == 16
    assert {f.id for f in files if f.superseded} == {"505", "630"}


# --- e-files ----------------------------------------------------------------------------------------------


def test_efiles_by_reference(library: Library) -> None:
    efiles = library.efiles()
    assert [(e.id, e.reference_number, e.process_count, e.document_count) for e in efiles] == [
        ("601", "ELB-10.02-001/2026", 0, 0),
        ("600", "ELB-40.11-003/2026", 2, 3),
    ]
    assert efiles[1].title == "Schulsanierung Lindenallee – Vergabeverfahren"


def test_efile_tree(library: Library) -> None:
    tree = library.efile("600")
    assert tree is not None
    assert (tree.efile.process_count, tree.efile.document_count) == (2, 3)
    assert [(p.id, p.reference, p.title) for p in tree.processes] == [
        ("611", "ELB-40.11-003/2026/1", "Leistungsverzeichnis"),
        ("610", "ELB-40.11-003/2026/2", "Angebotswertung"),
    ]
    lv = tree.processes[0]
    assert [(d.id, d.order) for d in lv.documents] == [("621", 0), ("620", 1)]
    assert ids(lv.documents[0].files) == ["631"]  # version 1 is superseded
    assert lv.documents[1].files == ()
    assert ids(tree.processes[1].documents[0].files) == ["632"]
    history = library.efile("600", include_superseded=True)
    assert history is not None
    assert ids(history.processes[0].documents[0].files) == ["631", "630"]
    empty = library.efile("601")
    assert empty is not None and empty.processes == ()
    assert library.efile("998") is None


# --- status -----------------------------------------------------------------------------------------------


def test_status_counts(council: ReplicaDatabase, library: Library) -> None:
    with council.transaction():
        for key, value in (
            ("server_url", "https://ratsinfo.example.de"),
            ("username", "j.weiss"),
            ("device_id", "3f2b9c1e"),
            ("last_sync", "2026-03-10T08:15:00Z"),
            ("cursor", "4711"),
        ):
            council.conn.execute("INSERT INTO sync_state (key, value) VALUES (?, ?)", (key, value))
        for n, error in ((1, None), (2, "HTTP 412: geändert")):
            council.conn.execute(
                "INSERT INTO outbox (idempotency_key, action, target_type, target_id, payload, last_error) "
                "VALUES (?, 'update', 'agenda_item', '201', '{}', ?)",
                (f"key-{n}", error),
            )
    status = library.status()
    assert dict(status.objects) == {
        "body": 1,
        "organization": 2,
        "person": 1,
        "membership": 1,
        "meeting": 6,
        "agenda_item": 10,
        "paper": 2,
        "consultation": 4,
        "efile": 2,
        "process": 3,
        "document": 4,
        "file": 18,
    }
    assert (status.files_total, status.files_stored, status.files_partial, status.files_missing) == (
        18,
        2,
        1,
        15,
    )
    assert status.bytes_stored == 12345 + 2048
    assert status.pages_indexed == 4
    assert (status.outbox_pending, status.outbox_failed) == (2, 1)
    assert (status.server_url, status.username, status.device_id) == (
        "https://ratsinfo.example.de",
        "j.weiss",
        "3f2b9c1e",
    )
    assert status.last_sync == datetime(2026, 3, 10, 8, 15, tzinfo=UTC)
    assert status.has_cursor


def test_status_of_an_empty_replica(db: ReplicaDatabase) -> None:
    status = Library(db.conn).status()
    assert set(status.objects.values()) == {0} and len(status.objects) == 12
    assert (status.files_total, status.files_stored, status.bytes_stored, status.pages_indexed) == (
        0,
        0,
        0,
        0,
    )
    assert (status.outbox_pending, status.server_url, status.last_sync, status.has_cursor) == (
        0,
        None,
        None,
        False,
    )
    assert Library(db.conn).meetings() == [] and Library(db.conn).files() == []
    assert Library(db.conn).efiles() == []


# --- resolving what the user names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "file_id"),
    [
        ("500", "500"),
        (" 500 ", "500"),
        ("505", "505"),  # an id names that version, even an old one
        ("21-0042.PDF", "500"),
        ("drucksache 21-0042", "500"),
        ("PRÄSENTATION.PDF", "509"),
        ("Tischvorlage-Hauptstraße", "502"),  # the file name without its extension
        ("TISCHVORLAGE-HAUPTSTRASSE.pdf", "502"),  # ß folds to ss
        (f"Niederschrift {M100}", "506"),  # two versions match: the current one
        ("Einladung-100", "503"),
    ],
)
def test_resolve_file(library: Library, ref: str, file_id: str) -> None:
    assert library.resolve_file(ref).id == file_id


def test_resolve_file_ambiguous(library: Library) -> None:
    with pytest.raises(DocumentAmbiguous) as caught:
        library.resolve_file("lageplan")
    error = caught.value
    assert isinstance(error, GremaldaError)
    assert error.candidates == ("520", "521")
    assert error.title == "Several documents match"
    assert error.message.splitlines() == [
        "“lageplan” matches 2 documents. Give the id of the one you mean:",
        "  520  Anlage.pdf  (Drucksache 21-0043)",
        f"  521  anlage.PDF  (TOP 3.2 · {M100} {MEETING_DAY})",
    ]
    with pytest.raises(DocumentAmbiguous):
        library.resolve_file("Anlage.pdf")  # the same file name twice, case aside


def test_resolve_file_not_found(library: Library) -> None:
    with pytest.raises(DocumentNotFound) as caught:
        library.resolve_file("Haushaltsplan-2027.pdf")
    assert str(caught.value) == (
        "Document not found: No document “Haushaltsplan-2027.pdf” is in the offline copy. Give a file id or "
        "a file name as `gremalda ls` lists them, or synchronise first."
    )
    with pytest.raises(DocumentNotFound, match="No document named"):
        library.resolve_file("   ")


def test_resolve_file_lists_at_most_ten(db: ReplicaDatabase) -> None:
    with db.transaction():
        for n in range(12):
            file(db, 700 + n, "Anlage", f"anlage-{n}.pdf", paper_id=300 + n)
    with pytest.raises(DocumentAmbiguous) as caught:
        Library(db.conn).resolve_file("Anlage")
    lines = caught.value.message.splitlines()
    assert len(caught.value.candidates) == 12
    assert lines[1] == "  700  anlage-0.pdf  (Drucksache (nicht verfügbar))"
    assert lines[-1] == "  … and 2 more" and len(lines) == 12


# --- robustness -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-03-12T16:00:00Z", datetime(2026, 3, 12, 16, tzinfo=UTC)),
        ("2026-03-12T17:00:00+01:00", datetime(2026, 3, 12, 16, tzinfo=UTC)),
        ("2026-03-12T16:00:00.123456+00:00", datetime(2026, 3, 12, 16, 0, 0, 123456, tzinfo=UTC)),
        ("2026-03-12", datetime(2026, 3, 12, tzinfo=UTC)),
        (" 2026-03-12T16:00:00 ", datetime(2026, 3, 12, 16, tzinfo=UTC)),
        ("", None),
        (None, None),
        ("morgen", None),
        ("2026-02-30T10:00:00", None),
        (20260312, None),
        (["2026-03-12"], None),
    ],
)
def test_parse_time(value: Any, expected: datetime | None) -> None:
    parsed = parse_time(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is not None


def test_parse_time_keeps_offset() -> None:
    parsed = parse_time("2026-03-12T17:00:00+01:00")
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=1)
    assert parsed.tzinfo == timezone(timedelta(hours=1))


def test_odd_objects_do_not_break_the_library(db: ReplicaDatabase) -> None:
    with db.transaction():
        db.conn.execute(
            "INSERT INTO object (type, id, data, version, modified) VALUES ('meeting', '1', '[]', 1, 'x')"
        )
        put(db, "meeting", 2, name="Sitzung ohne Angaben")  # no start, no state, no organization
        put(db, "agenda_item", 3, meeting_id=2, name="Punkt ohne Nummer und Reihenfolge")
        put(db, "agenda_item", 4, meeting_id=2, number="1", order=1, name="Erster Punkt", public="nein")
        put(db, "file", 5, name="Datei ohne Besitzer")  # no owner, no file name, no size
        put(db, "consultation", 6, agenda_item_id=3)  # no paper
    library = Library(db.conn)
    [summary] = library.meetings()
    assert (summary.id, summary.start, summary.state, summary.organization) == ("2", None, "published", None)
    assert (summary.item_count, summary.nonpublic_count) == (2, 0)
    folder = library.meeting("2")
    assert folder is not None
    assert [(e.id, e.number, e.public, e.papers) for e in folder.items] == [
        ("4", "1", True, ()),
        ("3", None, True, ()),
    ]
    entry = library.file("5")
    assert entry is not None
    assert (entry.context, entry.file_name, entry.size, entry.sha256, entry.role) == ("", "", None, None, "")
    assert library.resolve_file("datei ohne besitzer").id == "5"
    assert library.meeting("1") is None  # a row that is not an object


def test_json_spelling_does_not_matter(db: ReplicaDatabase) -> None:
    """Objects written with spaces and \\u escapes are read the same (the set-wise reads look at the raw
    text only to narrow down, never to decide)."""

    def spaced(kind: str, object_id: int, **fields: Any) -> None:
        data = json.dumps({"type": kind, "id": object_id, **fields}, ensure_ascii=True, indent=1)
        db.conn.execute(
            "INSERT INTO object (type, id, data, version, modified) VALUES (?, ?, ?, 1, 'x')",
            (kind, str(object_id), data),
        )

    with db.transaction():
        spaced("meeting", 7, name="Ältestenrat", start="2026-03-12T12:00:00Z", state="published")
        spaced("meeting", 77, name="Hauptausschuss", start="2026-03-13T12:00:00Z", state="published")
        spaced("agenda_item", 70, meeting_id=7, number="1", order=1, name="Begrüßung", public=True)
        spaced("agenda_item", 71, meeting_id=77, number="7", order=7, name="Punkt 7", public=False)
        spaced("agenda_item", 72, meeting_id=77, number="8", order=8, name="Anträge zu TOP 7", public=True)
        spaced("file", 80, name="Übersicht", file_name="Übersicht.pdf", agenda_item_id=70, supersedes_id=None)
        spaced(
            "file", 81, name="Übersicht", file_name="Übersicht-v2.pdf", agenda_item_id=70, supersedes_id=80
        )
    library = Library(db.conn)
    folder = library.meeting("7")
    assert folder is not None
    assert [(e.id, e.name) for e in folder.items] == [("70", "Begrüßung")]
    assert ids(folder.items[0].files) == ["81"]
    assert folder.items[0].files[0].context == "TOP 1 · Ältestenrat 12.03.2026"
    other = library.meeting("77")
    assert other is not None and ids(other.items) == ["71", "72"]
    assert [(m.id, m.item_count, m.nonpublic_count) for m in library.meetings()] == [
        ("7", 1, 0),
        ("77", 2, 1),
    ]
    old = library.file("80")
    assert old is not None and old.superseded
    assert library.resolve_file("übersicht").id == "81"


def test_ids_as_urls(db: ReplicaDatabase) -> None:
    """OParl sources use URLs as ids; references are URLs too."""
    base = "https://oparl.example.de/oparl/v1"
    with db.transaction():
        for kind, object_id, data in (
            (
                "meeting",
                f"{base}/meeting/7",
                {"name": "Bezirksverordnetenversammlung", "start": "2026-05-06T15:00:00Z"},
            ),
            (
                "agenda_item",
                f"{base}/agendaitem/1",
                {
                    "meeting_id": f"{base}/meeting/7",
                    "number": "Ö 1",
                    "order": 1,
                    "name": "Einwohnerfragestunde",
                    "public": True,
                },
            ),
            (
                "file",
                f"{base}/file/9",
                {"agenda_item_id": f"{base}/agendaitem/1", "name": "Fragen", "file_name": "fragen.pdf"},
            ),
        ):
            db.conn.execute(
                "INSERT INTO object (type, id, data, version, modified) VALUES (?, ?, ?, NULL, 'x')",
                (kind, object_id, json.dumps({"type": kind, "id": object_id, **data})),
            )
    library = Library(db.conn)
    [summary] = library.meetings()
    assert (summary.id, summary.item_count) == (f"{base}/meeting/7", 1)
    folder = library.meeting(f"{base}/meeting/7")
    assert folder is not None
    assert ids(folder.items[0].files) == [f"{base}/file/9"]
    assert folder.items[0].files[0].context == "TOP Ö 1 · Bezirksverordnetenversammlung 06.05.2026"


# --- efficiency: set-wise queries, not one per object -----------------------------------------------------


class CountingConnection:
    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.statements = 0

    @property
    def in_transaction(self) -> bool:
        return bool(self.conn.in_transaction)

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        self.statements += 1
        return self.conn.execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> Any:
        self.statements += 1
        return self.conn.executemany(sql, parameters)

    def close(self) -> None:
        self.conn.close()


def _fill(db: ReplicaDatabase, meetings: int) -> None:
    with db.transaction():
        put(db, "organization", 1, body_id=1, name="Hauptausschuss")
        for m in range(meetings):
            mid = 1000 + m
            meeting(
                db, mid, f"{m + 1}. Sitzung Hauptausschuss", "2026-01-01T10:00:00+00:00", organization_id=1
            )
            for k in range(4):
                iid = mid * 10 + k
                item(db, iid, mid, str(k + 1), k + 1, f"Punkt {k + 1}", public=k != 3)
                put(db, "paper", iid, body_id=1, reference=f"21-{iid}", name="Vorlage")
                put(db, "consultation", iid, paper_id=iid, agenda_item_id=iid)
                file(db, iid, f"Vorlage {iid}", f"{iid}.pdf", paper_id=iid)
                file(db, iid + 5_000_000, f"Anlage {iid}", f"{iid}-a.pdf", agenda_item_id=iid)


@pytest.mark.parametrize("method", ["meetings", "meeting", "files", "status"])
def test_query_count_does_not_grow_with_the_replica(tmp_path: Path, method: str) -> None:
    counts = []
    for size in (2, 40):
        with open_database(tmp_path / f"{size}.db", os.urandom(32), create=True) as db:
            _fill(db, size)
            conn = CountingConnection(db.conn)
            library = Library(conn)
            result = library.meeting("1001") if method == "meeting" else getattr(library, method)()
            if method == "meetings":
                assert len(result) == size and result[0].item_count == 4 and result[0].nonpublic_count == 1
            if method == "meeting":
                assert [len(e.files) for e in result.items] == [2, 2, 2, 2]
            if method == "files":
                assert len(result) == size * 8
            counts.append(conn.statements)
    assert counts[0] == counts[1] <= 12
