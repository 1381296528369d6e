"""OParl sources end to end: the real Hürtgenwald crawl from the fixture server on a loopback port, every
quirk of DESIGN §4 switched on in turn, into a real encrypted replica (keys in the real OS keyring: run
under `.ci/with-keyring`), read back through the library.

The expected counts come from the served data itself (tests.harness.oparlfixture.expected_counts: no
client code), minus tombstones and what the server answers with 404."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from gremalda.app import main as client_main
from gremalda.core.account import sign_out
from gremalda.core.library import Library
from gremalda.core.navigation import build_navigation
from gremalda.core.oparl import (
    SourceOutcome,
    add_source,
    fetch_meeting_files,
    list_sources,
    remove_source,
    sync_sources,
)
from gremalda.paths import DataPaths, data_paths
from gremalda.store.replica import open_store
from gremalda.store.textindex import TextIndex
from sync.engine import RetryPolicy
from sync.server.api.write import delete_tree
from sync.server.db import write_session
from sync.server.models import Meeting, Paper
from tests.harness.oparlfixture import (
    FOREIGN,
    ORIGIN,
    OParlFixture,
    Quirk,
    data_missing_reason,
    embedded_objects,
)
from tests.integration.live import LiveServer
from tests.integration.world import World

pytestmark = pytest.mark.skipif(data_missing_reason() is not None, reason=str(data_missing_reason()))

QUICK = RetryPolicy(attempts=4, base=0.01, cap=0.05)
#: the 2017-02-16 council meeting: 24 agenda items, resolution files, papers consulted
COUNCIL = ORIGIN + "body/1/meeting/967"


def _sync(paths: DataPaths, **kwargs: Any) -> SourceOutcome:
    outcomes = sync_sources(paths, index=False, retry=QUICK, **kwargs)
    assert len(outcomes) == 1
    assert outcomes[0].error is None, outcomes[0].error
    return outcomes[0]


def _replica_counts(paths: DataPaths) -> dict[str, int]:
    with open_store(paths) as store:
        objects = Library(store.db.conn).status().objects
    return {k: n for k, n in objects.items() if k not in ("efile", "process", "document")}


def _codes(outcome: SourceOutcome) -> set[str]:
    assert outcome.imported is not None
    return {i.code for i in outcome.imported.repairs + outcome.imported.skips}


@dataclass
class Imported:
    fixture: OParlFixture
    paths: DataPaths
    outcome: SourceOutcome


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    """The whole crawl imported once for the module's read-only tests."""
    paths = data_paths(tmp_path_factory.mktemp("oparl") / "client")
    with OParlFixture() as fixture:
        add_source(paths, fixture.system_url)
        try:
            yield Imported(fixture, paths, _sync(paths))
        finally:
            sign_out(paths)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[DataPaths]:
    paths = data_paths(tmp_path / "client")
    yield paths
    sign_out(paths)


# --- the whole crawl -------------------------------------------------------------------------------------


def test_the_whole_crawl_is_imported(crawl: Imported) -> None:
    expected = crawl.fixture.expected_counts()
    assert expected == {
        "body": 1,
        "organization": 22,
        "person": 49,
        "membership": 533,
        "meeting": 346,
        "agenda_item": 5106,
        "paper": 2097,
        "consultation": 2228,
        "file": 6947,
    }
    assert _replica_counts(crawl.paths) == expected
    report = crawl.outcome.imported
    assert report is not None and report.full and report.complete
    assert dict(report.applied.added) == expected
    assert report.skips == []
    repairs = {i.code: i.count for i in report.repairs}
    assert repairs["tombstone-no-type"] == 39  # the crawl's deleted stubs
    assert repairs["file-name"] == 6947  # SD.NET sends no fileName
    assert report.bodies == ["Gemeinde Hürtgenwald"]
    # what the real server answered with 404 is never asked for; the crawl's lists are read once each
    asked = {ORIGIN + r.split("/v1.0/", 1)[1] for r in crawl.fixture.requests}
    assert not asked & crawl.fixture.missing
    assert (
        report.requests == 1 + 1 + 1 + 2 + 15 + 85
    )  # system, bodies, organizations, persons, meetings, papers
    with open_store(crawl.paths) as store:
        deleted = [
            o["id"] for name in ("meeting", "paper") for o in crawl.fixture.lists[name] if o.get("deleted")
        ]
        assert Library(store.db.conn).status().files_total == 6947
        assert not store.db.conn.execute(
            "SELECT id FROM object WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps([crawl.fixture.url(i) for i in deleted]),),
        ).fetchall()
        source = list_sources(crawl.paths)[0]
        assert source.name == "Gemeinde Hürtgenwald" and source.objects == expected


def test_the_library_shows_the_meetings_with_their_agenda(crawl: Imported) -> None:
    fixture = crawl.fixture
    original = next(m for m in fixture.meetings() if m["id"] == COUNCIL)
    with open_store(crawl.paths) as store:
        library = Library(store.db.conn)
        meetings = library.meetings()
        assert len(meetings) == 346
        assert meetings[0].start is not None and meetings[0].start.year == 2007
        folder = library.meeting(fixture.url(COUNCIL))
        navigation = build_navigation(store.db.conn)
    assert folder is not None
    summary = folder.meeting
    assert summary.name == "Gemeinderat (25. Sitzung)" and summary.organization == "Gemeinderat"
    assert summary.start == datetime.fromisoformat("2017-02-16T18:00:00+01:00")
    assert summary.location.startswith("Rathaus Gemeinde Hürtgenwald")
    assert summary.item_count == len(original["agendaItem"])
    assert [(i.number, i.name) for i in folder.items] == [
        (item.get("number") or None, item["name"]) for item in original["agendaItem"]
    ]
    assert {f.role for f in folder.meeting_files} == {"invitation", "minutes"}
    by_id = {i.id: i for i in folder.items}
    for item in original["agendaItem"]:
        entry = by_id[fixture.url(item["id"])]
        own = {fixture.url(f["id"]) for f in embedded_objects(item) if "accessUrl" in f}
        assert own <= {f.id for f in entry.files}
        if "consultation" in item:  # the paper consulted, with its files
            assert entry.papers, item["id"]
            assert any(f.role == "main" for f in entry.files)
    assert all(f.mime_type in ("application/pdf", "image/jpeg") and f.file_name for f in folder.meeting_files)
    (body,) = navigation.bodies
    assert body.name == "Gemeinde Hürtgenwald"
    assert {c.name for c in body.committees} >= {"Gemeinderat", "Haupt- und Finanzausschuss"}


def test_a_no_change_pass_asks_only_for_the_lists(crawl: Imported) -> None:
    fixture = crawl.fixture
    fixture.reset_requests()
    outcome = _sync(crawl.paths)
    report = outcome.imported
    assert report is not None and not report.full
    assert fixture.requests == fixture.list_requests()
    assert len(fixture.requests) == 6  # system, bodies, and the four lists with modified_since
    assert all("modified_since=" in r for r in fixture.requests[2:])
    assert not report.applied.added and not report.applied.updated and not report.applied.removed
    listed = [i for i in fixture.served_ids if i not in {b["id"] for b in fixture.bodies}]
    assert listed == [] and report.unchanged == 0  # the crawl's lists are quiet: asked from their marks
    assert _replica_counts(crawl.paths) == fixture.expected_counts()


def test_a_meetings_files_on_request(crawl: Imported) -> None:
    fixture = crawl.fixture
    meeting = fixture.url(COUNCIL)
    outcome = fetch_meeting_files(crawl.paths, meeting, workers=4)
    assert outcome.files is not None and outcome.files.failures == []
    original = next(m for m in fixture.meetings() if m["id"] == COUNCIL)
    items = {i["id"] for i in original["agendaItem"]}
    papers = [
        p
        for p in fixture.lists["paper"]
        if any(c.get("agendaItem") in items for c in p.get("consultation", []))
    ]
    expected = {f["id"] for f in embedded_objects(original) if "accessUrl" in f}
    expected |= {f["id"] for p in papers for f in embedded_objects(p) if "accessUrl" in f}
    assert outcome.files.downloaded == len(expected) > 40
    assert outcome.index is not None and outcome.index.files == len(expected)
    with open_store(crawl.paths) as store:
        library = Library(store.db.conn)
        folder = library.meeting(meeting)
        assert folder is not None
        shown = [f for i in folder.items for f in i.files] + list(folder.meeting_files)
        assert {f.id for f in shown} == {fixture.url(i) for i in expected}
        assert all(f.stored for f in shown)
        sample = next(f for f in folder.meeting_files if f.role == "invitation")
        data = store.vault.read(sample.id, sample.vault_version or 0)
        served = fixture.pdf_of(sample.id)
        assert bytes(data) == served and sample.sha256 == hashlib.sha256(served).hexdigest()
        assert sample.size == len(served)
        hits = TextIndex(store.db.conn).search("Bekanntmachung Gemeinderat")
        assert sample.id in {h.file_id for h in hits}
    again = fetch_meeting_files(crawl.paths, meeting)
    assert again.files is not None and again.files.wanted == 0


# --- every quirk of real servers ------------------------------------------------------------------------

#: what each quirk must leave in the report
QUIRK_CODES = {
    Quirk.EMPTY_404: {"empty-list-404"},
    Quirk.EMPTY_BARE: {"empty-list-bare"},
    Quirk.NEXT_DROPS_FILTER: {"next-drops-filter"},
    Quirk.PAGE_LOOP: {"page-loop"},
    Quirk.HTML_200: {"html-200"},
    Quirk.CONTROL_CHARS: {"control-characters"},
    Quirk.TOMBSTONE_NO_TYPE: {"tombstone-no-type"},
    Quirk.OBJECT_FOR_ARRAY: {"object-for-array"},
    Quirk.BAD_OFFSETS: {"bad-offset", "naive-time"},
    Quirk.ABSENT_VALUES: {"absent-value"},
    Quirk.BAD_FILE_META: {"file-size", "mime-type"},
    Quirk.AGENDA_ORDER: {"agenda-order", "agenda-order-renumbered"},
    Quirk.FOREIGN_IDS: {"foreign-id"},
    Quirk.DANGLING_REFS: {"referenced-404"},
    Quirk.NO_CHECKSUMS: {"file-name"},  # nothing to repair: there never are checksums
}


def _change(fixture: OParlFixture) -> None:
    """A council's day: papers edited (more than a page of them), a meeting renamed, one deleted."""
    papers = [p for p in fixture.lists["paper"] if not p.get("deleted")]
    for paper in papers[:30]:
        fixture.touch(paper["id"], name=paper["name"] + " (geändert)")
    meetings = fixture.meetings()
    fixture.touch(meetings[1]["id"], name="Umbenannte Sitzung")
    fixture.delete(meetings[2]["id"])


@pytest.mark.parametrize("quirk", list(Quirk), ids=str)
def test_each_quirk_still_gives_a_complete_import(quirk: Quirk, client: DataPaths) -> None:
    with OParlFixture([quirk], pages=2) as fixture:
        if quirk is Quirk.DANGLING_REFS:
            fixture.make_dangling(every=4)
        add_source(client, fixture.system_url)
        first = _sync(client)
        assert first.imported is not None and first.imported.complete
        assert _replica_counts(client) == fixture.expected_counts()
        _change(fixture)
        second = _sync(client)
        assert second.imported is not None and not second.imported.full and second.imported.complete
        assert second.imported.applied.updated["paper"] == 30
        assert second.imported.applied.removed["meeting"] == 1
        assert _replica_counts(client) == fixture.expected_counts()
        assert QUIRK_CODES[quirk] <= _codes(first) | _codes(second), _codes(first) | _codes(second)
        _check_quirk(quirk, fixture, client)


def _check_quirk(quirk: Quirk, fixture: OParlFixture, paths: DataPaths) -> None:
    """What each quirk could have spoilt is right in the replica."""
    with open_store(paths) as store:
        library = Library(store.db.conn)
        meetings = {m.id: m for m in library.meetings()}
        conn = store.db.conn
        names = [n for (n,) in conn.execute("SELECT json_extract(data, '$.name') FROM object") if n]
        assert not any(ch in name for name in names for ch in "\x01\x0b\x1f")
        for original in fixture.meetings()[:6]:
            summary = meetings[fixture.url(original["id"])]
            assert summary.start == datetime.fromisoformat(original["start"])
            folder = library.meeting(summary.id)
            assert folder is not None
            assert [i.id for i in folder.items] == [
                fixture.url(i["id"]) for i in original.get("agendaItem", [])
            ]
            assert summary.organization is not None
        files = library.files()
        assert all(f.mime_type in ("application/pdf", "image/jpeg") for f in files)
        assert all(f.size is None or f.size > 0 for f in files)
        if quirk is Quirk.FOREIGN_IDS:
            assert all(m.startswith(FOREIGN) for m in meetings)
    if quirk in (Quirk.NO_CHECKSUMS, Quirk.FOREIGN_IDS, Quirk.BAD_FILE_META, Quirk.DANGLING_REFS):
        meeting = fixture.url(fixture.meetings()[0]["id"])
        fetched = fetch_meeting_files(paths, meeting, index=False, retry=QUICK)
        assert fetched.files is not None and fetched.files.downloaded > 0 and fetched.files.failures == []
        with open_store(paths) as store:
            folder = Library(store.db.conn).meeting(meeting)
            assert folder is not None
            for entry in list(folder.meeting_files) + [f for i in folder.items for f in i.files]:
                served = fixture.pdf_of(entry.id)
                assert entry.stored and entry.size == len(served)  # not the 4242 or 0 announced
                assert entry.sha256 == hashlib.sha256(served).hexdigest()


@pytest.mark.slow
def test_all_quirks_at_once_on_the_whole_crawl(client: DataPaths) -> None:
    quirks = set(Quirk) - {Quirk.EMPTY_BARE}  # one answer for an empty list at a time
    with OParlFixture(quirks) as fixture:
        fixture.make_dangling(every=10)
        add_source(client, fixture.system_url)
        first = _sync(client)
        assert first.imported is not None and first.imported.complete
        expected = fixture.expected_counts()
        assert expected["meeting"] == 346 and expected["agenda_item"] == 5106 and expected["paper"] == 2097
        assert expected["file"] == 6947 - len(fixture.unreachable)
        assert _replica_counts(client) == expected
        _change(fixture)
        second = _sync(client)
        assert second.imported is not None and second.imported.complete
        assert _replica_counts(client) == fixture.expected_counts()
        assert set().union(*(QUIRK_CODES[q] for q in quirks)) <= _codes(first) | _codes(second)


# --- incremental passes and reconciliation --------------------------------------------------------------


def _overlap_window(fixture: OParlFixture, minutes: int = 10) -> set[str]:
    """The objects a pass asks for again although unchanged: modified within the overlap window before
    the newest of their list."""
    ids: set[str] = set()
    for name in ("organization", "person", "meeting", "paper"):
        times = {o["id"]: datetime.fromisoformat(o["modified"]) for o in fixture.lists[name]}
        newest = max(times.values())
        ids |= {i for i, t in times.items() if t >= newest - timedelta(minutes=minutes)}
    return ids


def test_an_incremental_pass_fetches_only_what_changed(client: DataPaths) -> None:
    with OParlFixture(pages=4) as fixture:
        add_source(client, fixture.system_url)
        _sync(client)
        window = _overlap_window(fixture)
        meetings = [m for m in fixture.meetings() if len(m.get("agendaItem", [])) > 3]
        renamed, edited, shortened, deleted = meetings[:4]
        papers = [p for p in fixture.lists["paper"] if not p.get("deleted")]
        fixture.touch(renamed["id"], name="Sondersitzung")
        fixture.touch(edited["agendaItem"][0]["id"], name="Geänderter Tagesordnungspunkt")
        dropped = shortened["agendaItem"][-1]["id"]
        fixture.drop_embedded(dropped)
        fixture.delete(deleted["id"])
        fixture.delete(papers[0]["id"])
        vanished = papers[1]["id"]
        fixture.vanish(vanished)
        added = fixture.clone(meetings[4]["id"], "-neu")
        changed = {renamed["id"], edited["id"], shortened["id"], deleted["id"], papers[0]["id"]}
        changed.add(fixture.origin(added))

        fixture.reset_requests()
        outcome = _sync(client)
        report = outcome.imported
        assert report is not None and not report.full
        # only the lists, one page each, with exactly the changed objects (and the overlap window's)
        assert fixture.requests == fixture.list_requests() and len(fixture.requests) == 6
        served = set(fixture.served_ids) - {b["id"] for b in fixture.bodies}
        assert changed <= served <= changed | window
        assert report.unchanged == len(served - changed)
        applied = report.applied
        assert applied.updated["meeting"] == 3 and applied.updated["agenda_item"] == 1
        assert applied.added["meeting"] == 1 and applied.added["agenda_item"] == len(
            meetings[4]["agendaItem"]
        )
        assert applied.removed["meeting"] == 1 and applied.removed["paper"] == 1
        assert applied.removed["agenda_item"] == 1 + len(deleted["agendaItem"])
        # the vanished paper (no tombstone) is still there: only a full pass can tell
        expected = fixture.expected_counts()
        counts = _replica_counts(client)
        assert counts["paper"] == expected["paper"] + 1
        with open_store(client) as store:
            library = Library(store.db.conn)
            assert library.meeting(fixture.url(deleted["id"])) is None
            folder = library.meeting(fixture.url(renamed["id"]))
            assert folder is not None and folder.meeting.name == "Sondersitzung"
            folder = library.meeting(fixture.url(shortened["id"]))
            assert folder is not None and fixture.url(dropped) not in {i.id for i in folder.items}
            folder = library.meeting(fixture.url(edited["id"]))
            assert folder is not None and folder.items[0].name == "Geänderter Tagesordnungspunkt"
            assert library.meeting(added) is not None

        full = _sync(client, full=True)
        assert full.imported is not None and full.imported.full
        assert full.imported.applied.removed["paper"] == 1
        assert _replica_counts(client) == fixture.expected_counts()
        assert list_sources(client)[0].last_full is not None

        fixture.reset_requests()
        quiet = _sync(client)
        assert quiet.imported is not None and len(fixture.requests) == 6
        assert not quiet.imported.applied.added and not quiet.imported.applied.updated


def test_a_full_pass_comes_by_itself_after_a_week(client: DataPaths) -> None:
    with OParlFixture(pages=1) as fixture:
        add_source(client, fixture.system_url)
        assert _sync(client).imported.full  # type: ignore[union-attr]
        assert not _sync(client).imported.full  # type: ignore[union-attr]
        later = datetime.now().astimezone() + timedelta(days=8)
        outcome = sync_sources(client, index=False, retry=QUICK, clock=lambda: later)[0]
        assert outcome.imported is not None and outcome.imported.full


def test_a_full_resync_with_our_server_does_not_lose_the_oparl_source(client: DataPaths) -> None:
    from gremalda.store.replica import StoreReplica

    with OParlFixture(pages=1) as fixture:
        add_source(client, fixture.system_url)
        _sync(client)
        with open_store(client) as store:  # what the sync engine does on a full snapshot of our feed
            replica = StoreReplica(store)
            replica.begin_snapshot()
            replica.apply_page([], "1", last=True)
        assert _replica_counts(client)["meeting"] == 0
        outcome = _sync(client)
        assert outcome.imported is not None and outcome.imported.full
        assert _replica_counts(client) == fixture.expected_counts()


# --- files ----------------------------------------------------------------------------------------------


def test_all_files_and_a_changed_one(client: DataPaths) -> None:
    with OParlFixture([Quirk.BAD_FILE_META], pages=1) as fixture:
        add_source(client, fixture.system_url, files="all")
        outcome = sync_sources(client, retry=QUICK)[0]
        expected = fixture.expected_counts()["file"]
        assert outcome.files is not None and outcome.files.failures == []
        assert outcome.files.downloaded == expected
        assert outcome.index is not None and outcome.index.files > 0
        with open_store(client) as store:
            status = Library(store.db.conn).status()
            assert status.files_stored == status.files_total == expected
            assert len(store.vault.list()) == expected

        meeting = next(m for m in fixture.meetings() if isinstance(m.get("invitation"), dict))
        invitation = meeting["invitation"]
        fixture.touch(invitation["id"], accessUrl=invitation["accessUrl"] + "?v=2")
        again = sync_sources(client, retry=QUICK, index=False)[0]
        assert again.files is not None and again.files.wanted == 1 and again.files.downloaded == 1
        assert again.destroyed == 1  # the old content
        with open_store(client) as store:
            entry = Library(store.db.conn).file(fixture.url(invitation["id"]))
            assert entry is not None and entry.stored and entry.vault_version == 2

        info, applied = remove_source(client, "1")
        assert info.id == 1 and applied.removed["meeting"] == fixture.expected_counts()["meeting"]
        with open_store(client) as store:
            assert store.db.conn.execute("SELECT count(*) FROM object").fetchone()[0] == 0
            assert store.db.conn.execute("SELECT count(*) FROM file").fetchone()[0] == 0
            assert store.vault.list() == []
        assert list_sources(client) == []


# --- our own backend's OParl 1.1 ------------------------------------------------------------------------

_BODY_LISTS = {
    "organization": "organization",
    "person": "person",
    "meeting": "meeting",
    "paper": "paper",
    "agendaItem": "agenda_item",
    "consultation": "consultation",
    "file": "file",
    "membership": "membership",
}


def _served(system_url: str) -> dict[str, int]:
    """What the server lists for anyone, counted with plain httpx: every body and the (non-deleted)
    entries of every body-wide list of OParl 1.1, following next links."""
    counts = dict.fromkeys(["body", *_BODY_LISTS.values()], 0)
    with httpx.Client(trust_env=False, timeout=30) as http:

        def walk(url: str | None) -> Iterator[dict[str, Any]]:
            while url:
                page = http.get(url).json()
                yield from (o for o in page["data"] if not o.get("deleted"))
                url = page["links"].get("next")

        for body in walk(http.get(system_url).json()["body"]):
            counts["body"] += 1
            for field, kind in _BODY_LISTS.items():
                counts[kind] += sum(1 for _ in walk(body.get(field)))
    return counts


def test_our_own_oparl_endpoint_is_read_back_completely(
    fresh_server: tuple[LiveServer, World], client: DataPaths
) -> None:
    server, world = fresh_server
    system = server.url + "/oparl/v1.1/system"
    expected = _served(system)
    assert expected["meeting"] > 0 and expected["file"] > 0
    add_source(client, system, files="all")
    first = _sync(client)
    assert first.imported is not None and first.imported.complete and first.imported.skips == []
    assert _replica_counts(client) == expected
    assert (
        first.files is not None and first.files.failures == [] and first.files.downloaded == expected["file"]
    )

    with write_session(server.ctx.sessions) as s:
        paper = s.get(Paper, world.ids["public_paper"])
        assert paper is not None
        paper.name = "Öffentliche Vorlage, neu gefasst"
        delete_tree(s, s.get(Meeting, world.ids["cancelled_meeting"]))
    second = _sync(client)
    assert second.imported is not None and not second.imported.full
    assert second.imported.applied.removed["meeting"] == 1 and second.imported.applied.updated["paper"] == 1
    assert _replica_counts(client) == _served(system)
    with open_store(client) as store:
        names = {
            p["name"]
            for (raw,) in store.db.conn.execute("SELECT data FROM object WHERE type = 'paper'")
            for p in [json.loads(raw)]
        }
    assert "Öffentliche Vorlage, neu gefasst" in names


# --- the command line -----------------------------------------------------------------------------------


def test_the_command_line(client: DataPaths, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = str(client.root)
    with OParlFixture([Quirk.EMPTY_404], pages=1) as fixture:
        assert client_main(["oparl", "add", fixture.system_url, "--data-dir", data_dir, "-q"]) == 0
        out = capsys.readouterr().out
        assert "Added OParl source 1" in out and "full import:" in out
        assert "new: 1 bodies, 22 organizations, 25 persons" in out
        assert "deleted object without type" not in out or "repaired:" in out

        assert client_main(["oparl", "list", "--data-dir", data_dir]) == 0
        out = capsys.readouterr().out
        assert "OParl source 1 (Gemeinde Hürtgenwald)" in out and "files: none" in out

        assert client_main(["oparl", "sync", "--data-dir", data_dir, "-q"]) == 0
        out = capsys.readouterr().out
        assert "incremental update: 0 new, 0 updated, 0 removed" in out
        assert "empty filtered list answered with 404" in out

        meeting = fixture.url(fixture.meetings()[0]["id"])
        assert client_main(["ls", "--data-dir", data_dir]) == 0
        assert meeting in capsys.readouterr().out
        assert client_main(["oparl", "files", meeting, "--data-dir", data_dir]) == 0
        assert "files: " in capsys.readouterr().out

        assert client_main(["oparl", "add", fixture.system_url, "--data-dir", data_dir]) == 1
        assert "already a source" in capsys.readouterr().err
        assert client_main(["oparl", "remove", "1", "--yes", "--data-dir", data_dir]) == 0
        assert "Removed OParl source 1" in capsys.readouterr().out
        assert client_main(["oparl", "remove", "1", "--yes", "--data-dir", data_dir]) == 1
        assert "No such OParl source" in capsys.readouterr().err
