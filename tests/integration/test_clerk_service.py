"""The clerk service against the real server on loopback, with a clerk's real (SQLCipher) replica:
meetings, agenda, documents (preflight, resumable upload), late papers, replacements, links, publish,
proof of delivery, the notice period; refusals before anything is sent; conflicts."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gremalda.core.account import sign_in
from gremalda.core.clerk import ClerkService
from gremalda.core.clerk.attach import STATE_PREFIX
from gremalda.core.clerk.errors import (
    ChangedMeanwhile,
    FileRefused,
    Gone,
    NotClerk,
    NotInReplica,
    UploadStopped,
)
from gremalda.core.syncing import synchronise
from gremalda.paths import DataPaths, data_paths
from gremalda.store.replica import Store, StoreReplica, open_store
from sync.client import Change
from sync.server.db import write_session
from sync.server.models import AgendaItem, Consultation, EFileShare, File, IdempotencyRecord, Meeting
from tests.integration.live import LiveServer
from tests.integration.syncworld import PDF_DIR, client_data_dir
from tests.integration.world import PASSWORD, World

pytestmark = pytest.mark.usefixtures("backend")


def real(name: str) -> Path:
    path = PDF_DIR / name
    if not path.is_file():
        pytest.skip(f"the real test PDFs are not there ({PDF_DIR}; see shared/data/README.md)")
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Desk:
    server: LiveServer
    world: World
    paths: DataPaths
    service: ClerkService
    writes: list[int] = field(default_factory=list)

    def sync(self) -> None:
        synchronise(self.paths, index=False, workers=2)

    def session(self) -> AbstractContextManager[Session]:
        return write_session(self.server.ctx.sessions)


def signed_in(server: LiveServer, tmp: Path, user: str) -> DataPaths:
    paths = data_paths(tmp)
    sign_in(paths, server.url, user, PASSWORD, device_name=f"pytest {user}")
    synchronise(paths, index=False, workers=2)
    return paths


@pytest.fixture
def desk(fresh_server: tuple[LiveServer, World], tmp_path: Path) -> Iterator[Desk]:
    server, world = fresh_server
    with client_data_dir(tmp_path / "clerk") as root:
        paths = signed_in(server, root, "clerk")
        writes: list[int] = []
        service = ClerkService(paths, on_write=lambda: writes.append(1), upload_chunk_size=256 << 10)
        yield Desk(server, world, paths, service, writes)


def start_in(days: int) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)


def test_a_clerk_builds_publishes_and_proves_delivery_of_a_meeting(desk: Desk) -> None:
    ids, svc = desk.world.ids, desk.service
    meeting = svc.create_meeting(ids["committee_a"], "Ausschuss A, 3. Sitzung", start_in(14), None, "Rathaus")
    first = svc.add_item(meeting, "Eröffnung")
    budget = svc.add_item(meeting, "Haushalt 2027")
    misc = svc.add_item(meeting, "Verschiedenes", public=False)
    svc.update_item(budget, number="2")
    sub = svc.add_item(meeting, "Haushalt: Stellenplan", position=3)  # between budget and misc
    svc.update_item(sub, number="2a")
    svc.reorder_items(meeting, [budget, sub, first, misc])
    with desk.session() as s:
        items = s.scalars(select(AgendaItem).where(AgendaItem.meeting_id == int(meeting))).all()
        agenda = sorted((i.order, i.number, i.name, i.public) for i in items)
    assert agenda == [
        (1, "1", "Haushalt 2027", True),
        (2, "1a", "Haushalt: Stellenplan", True),
        (3, "2", "Eröffnung", True),
        (4, "3", "Verschiedenes", False),
    ]
    svc.update_meeting(meeting, location="Ratssaal")

    # documents: a real PDF, a late paper, a replacement, a paper and an e-file document linked
    invitation = real("pdflatex-4-pages.pdf")
    progress: list[tuple[int, int]] = []
    main = svc.attach(
        "agenda_item",
        budget,
        invitation,
        name="Haushaltsplan",
        on_progress=lambda a, b: progress.append((a, b)),
    )
    assert progress[-1] == (invitation.stat().st_size, invitation.stat().st_size)
    inv = svc.attach("meeting", meeting, real("minimal-document.pdf"), role="invitation")
    svc.link_paper(first, ids["public_paper"])
    assert svc.link_paper(first, ids["public_paper"]) == svc.link_paper(first, ids["public_paper"])
    with desk.session() as s:  # the clerk sees an e-file's documents once it is shared with them
        s.add(EFileShare(efile_id=ids["shared_efile"], person_id=ids["person_clerk"]))
    desk.sync()
    linked = svc.link_document(misc, ids["shared_efile_file"])
    svc.publish(meeting)
    late = svc.add_late_paper(
        "agenda_item", sub, real("knuth-complexity-of-songs.pdf"), "Tischvorlage: Stellenplan"
    )
    newer = svc.replace_file(main, real("multicolumn.pdf"), "Seite 3 korrigiert")
    with desk.session() as s:
        m = s.get(Meeting, int(meeting))
        assert (
            m is not None
            and m.state == "published"
            and m.published_at is not None
            and m.location == "Ratssaal"
        )
        files = {
            f.id: f
            for f in s.scalars(
                select(File).where(File.id.in_([int(x) for x in (main, inv, linked, late, newer)]))
            )
        }
        assert files[int(main)].sha256 == sha(invitation) and files[int(main)].name == "Haushaltsplan"
        assert files[int(inv)].role == "invitation" and files[int(inv)].meeting_id == int(meeting)
        assert files[int(late)].role == "late" and files[int(late)].change_note == "Tischvorlage: Stellenplan"
        assert (
            files[int(newer)].supersedes_id == int(main)
            and files[int(newer)].change_note == "Seite 3 korrigiert"
        )
        assert files[int(newer)].name == "Haushaltsplan" and files[int(newer)].agenda_item_id == int(budget)
        source = s.get(File, ids["shared_efile_file"])
        assert source is not None and files[int(linked)].sha256 == source.sha256
        assert files[int(linked)].agenda_item_id == int(misc)
        links = s.scalars(select(Consultation).where(Consultation.agenda_item_id == int(first))).all()
        assert [c.paper_id for c in links] == [ids["public_paper"]]
    assert len(desk.writes) >= 15  # every write asked for a sync pass

    # the replica already holds what was written; a sync pass changes nothing of it
    with open_store(desk.paths) as store:
        before = store.db.conn.execute(
            "SELECT data FROM object WHERE type='meeting' AND id=?", (meeting,)
        ).fetchone()
        assert store.state(f"{STATE_PREFIX}{sha(invitation)}") is None
    desk.sync()
    with open_store(desk.paths) as store:
        after = store.db.conn.execute(
            "SELECT data FROM object WHERE type='meeting' AND id=?", (meeting,)
        ).fetchone()
    assert before == after

    svc.set_notice_days(ids["body"], 10)
    table = svc.deliveries(meeting)
    assert table.meeting_name == "Ausschuss A, 3. Sitzung" and table.notice_days == 10
    # the notice period in whole local days (sync.server.api.deliveries.notice_deadline): received by the end
    # of the local day 11 days before the meeting's local date
    berlin = ZoneInfo("Europe/Berlin")
    assert table.start is not None and table.deadline is not None
    local_deadline = table.deadline.astimezone(berlin)
    assert local_deadline.date() == table.start.astimezone(berlin).date() - timedelta(days=11)
    assert (local_deadline.hour, local_deadline.minute, local_deadline.second) == (23, 59, 59)
    names = {row.name: row for row in table.rows}
    assert set(names) >= {"Person member", "Person deputy"} and "Person other" not in names
    # the meeting is in 14 days, the deadline (10 days) in 3: not received yet is pending, not missing
    assert names["Person deputy"].deputy and names["Person member"].status == "pending"
    assert "Person member" in table.to_csv() and table.to_pdf().startswith(b"%PDF")


def test_a_broken_pdf_is_refused_before_any_upload(desk: Desk, tmp_path: Path) -> None:
    meeting = desk.world.ids["draft_meeting"]
    data = real("GeoTopo-komprimiert.pdf").read_bytes()
    truncated = tmp_path / "abgeschnitten.pdf"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(FileRefused, match=r"abgeschnitten\.pdf: The PDF is damaged"):
        desk.service.attach("meeting", meeting, truncated)
    with pytest.raises(FileRefused, match="password"):
        desk.service.attach("meeting", meeting, real("libreoffice-writer-password.pdf"))
    staging = desk.server.ctx.settings.upload_dir
    assert not staging.exists() or list(staging.iterdir()) == []
    with open_store(desk.paths) as store:
        kept = store.db.conn.execute("SELECT key FROM sync_state WHERE key LIKE 'upload:%'").fetchall()
    assert kept == [] and desk.writes == []


def test_an_interrupted_upload_resumes_from_the_servers_offset_after_a_restart(desk: Desk) -> None:
    ids = desk.world.ids
    pdf = real("GeoTopo-komprimiert.pdf")
    size = pdf.stat().st_size
    chunk = desk.service.upload_chunk_size
    stop = threading.Event()
    seen: list[int] = []

    def stop_after_two_chunks(sent: int, total: int) -> None:
        seen.append(sent)
        if sent >= 2 * chunk:
            stop.set()

    with pytest.raises(UploadStopped):
        desk.service.attach(
            "agenda_item", ids["draft_item"], pdf, on_progress=stop_after_two_chunks, stop=stop
        )
    assert seen[-1] == 2 * chunk < size
    with open_store(desk.paths) as store:
        kept = store.state(f"{STATE_PREFIX}{sha(pdf)}")
    assert kept is not None

    # a new service (another process after a crash or restart would do the same) continues there
    resumed: list[int] = []
    again = ClerkService(desk.paths, upload_chunk_size=chunk)
    file_id = again.attach("agenda_item", ids["draft_item"], pdf, on_progress=lambda a, b: resumed.append(a))
    assert resumed[0] == 2 * chunk and resumed[-1] == size
    with desk.session() as s:
        stored = s.get(File, int(file_id))
        assert stored is not None and stored.sha256 == sha(pdf) and stored.size == size
    with open_store(desk.paths) as store:
        assert store.state(f"{STATE_PREFIX}{sha(pdf)}") is None


def test_a_member_may_not_use_the_clerk_service(
    fresh_server: tuple[LiveServer, World], tmp_path: Path
) -> None:
    server, world = fresh_server
    with client_data_dir(tmp_path / "member") as root:
        paths = signed_in(server, root, "member")
        service = ClerkService(paths)
        with pytest.raises(NotClerk, match="Only clerks"):
            service.create_meeting(world.ids["committee_a"], "Heimlich", start_in(3))
        with pytest.raises(NotClerk):
            service.attach("meeting", world.ids["published_meeting"], real("minimal-document.pdf"))
    with write_session(server.ctx.sessions) as s:
        assert s.scalars(select(Meeting).where(Meeting.name == "Heimlich")).first() is None


def test_a_stale_version_is_a_conflict_and_nothing_is_overwritten(desk: Desk) -> None:
    svc = desk.service
    meeting = svc.create_meeting(desk.world.ids["committee_a"], "Sondersitzung", start_in(5))
    with desk.session() as s:  # a colleague renames it meanwhile
        m = s.get(Meeting, int(meeting))
        assert m is not None
        m.name = "Sondersitzung (verlegt)"
    with pytest.raises(ChangedMeanwhile, match="changed this meanwhile"):
        svc.update_meeting(meeting, location="Aula")
    with desk.session() as s:
        m = s.get(Meeting, int(meeting))
        assert m is not None and m.location == "" and m.name == "Sondersitzung (verlegt)"
    desk.sync()  # reload: now it works
    svc.update_meeting(meeting, location="Aula")


def local_get(store: Store, kind: str, object_id: int | str) -> str:
    row = store.db.conn.execute(
        "SELECT data FROM object WHERE type = ? AND id = ?", (kind, str(object_id))
    ).fetchone()
    assert row is not None
    return str(row[0])


def member_has(paths: DataPaths, kind: str, object_id: int | str) -> bool:
    with open_store(paths) as store:
        row = store.db.conn.execute(
            "SELECT 1 FROM object WHERE type = ? AND id = ?", (kind, str(object_id))
        ).fetchone()
    return row is not None


def test_a_clerk_removes_a_document_and_unlinks_a_paper_and_may_link_them_again(
    desk: Desk, tmp_path: Path
) -> None:
    """Detach and unlink reach the members through the feed; linking again afterwards creates anew (no
    replayed answer of the deleted link, no ghost in the replica)."""
    ids, svc = desk.world.ids, desk.service
    item, paper = ids["public_item"], ids["private_paper"]
    doc = svc.attach("agenda_item", item, real("minimal-document.pdf"), name="Anlage")
    first = svc.link_paper(item, paper)
    with client_data_dir(tmp_path / "member") as root:
        member = signed_in(desk.server, root, "member")
        assert member_has(member, "file", doc) and member_has(member, "consultation", first)

        svc.detach_file(doc)
        svc.unlink_paper(item, paper)
        with desk.session() as s:
            assert s.get(File, int(doc)) is None and s.get(Consultation, int(first)) is None
        assert not member_has(desk.paths, "file", doc) and not member_has(desk.paths, "consultation", first)
        with open_store(desk.paths) as store:
            assert store.db.conn.execute("SELECT 1 FROM file WHERE id = ?", (doc,)).fetchone() is None
        synchronise(member, index=False, workers=2)
        assert not member_has(member, "file", doc) and not member_has(member, "consultation", first)

        again = svc.link_paper(item, paper)
        assert again != first
        with desk.session() as s:
            links = s.scalars(select(Consultation).where(Consultation.agenda_item_id == item)).all()
            assert [c.id for c in links if c.paper_id == paper] == [int(again)]
        assert member_has(desk.paths, "consultation", again) and not member_has(
            desk.paths, "consultation", first
        )
        synchronise(member, index=False, workers=2)
        assert member_has(member, "consultation", again)
    with pytest.raises(NotInReplica):
        svc.detach_file(doc)  # not in the replica any more: nothing sent
    svc.unlink_paper(item, paper)
    with pytest.raises(Gone):
        svc.unlink_paper(item, paper)


def test_a_replayed_key_never_answers_with_a_deleted_object_and_keys_expire(desk: Desk) -> None:
    ids = desk.world.ids
    body = {"paper_id": ids["private_paper"], "agenda_item_id": ids["public_item"]}
    with desk.server.client(desk.server.token("clerk")) as c:
        first = c.post("/api/v1/consultations", json=body, headers={"Idempotency-Key": "link-1"})
        assert first.status_code == 201, first.text
        replay = c.post("/api/v1/consultations", json=body, headers={"Idempotency-Key": "link-1"})
        assert replay.status_code == 201 and replay.json()["id"] == first.json()["id"]
        gone = c.delete(f"/api/v1/consultations/{first.json()['id']}", headers={"If-Match": "*"})
        assert gone.status_code == 204
        ghost = c.post("/api/v1/consultations", json=body, headers={"Idempotency-Key": "link-1"})
        assert ghost.status_code == 409 and "deleted since" in ghost.text, ghost.text

        made = c.post("/api/v1/consultations", json=body, headers={"Idempotency-Key": "link-2"})
        assert made.status_code == 201
        with desk.session() as s:  # a day and an hour later
            for record in s.scalars(select(IdempotencyRecord)):
                record.created = datetime.now(UTC) - timedelta(hours=25)
        other = {"paper_id": ids["public_paper"], "agenda_item_id": ids["public_item"]}
        fresh = c.post("/api/v1/consultations", json=other, headers={"Idempotency-Key": "link-2"})
        assert fresh.status_code == 201 and fresh.json()["paper_id"] == ids["public_paper"], fresh.text
    with desk.session() as s:
        keys = s.scalars(select(IdempotencyRecord.key)).all()
    assert keys == ["link-2"]  # the expired records were cleaned up, the new answer kept


def test_a_reorder_is_all_or_nothing(desk: Desk) -> None:
    """A stale item anywhere in the agenda: nothing renumbered (members never see duplicate numbers)."""
    svc = desk.service
    meeting = svc.create_meeting(desk.world.ids["committee_a"], "Reihenfolge", start_in(9))
    items = [svc.add_item(meeting, name) for name in ("Eins", "Zwei", "Drei", "Vier")]
    with desk.session() as s:  # a colleague renames the last item meanwhile
        last = s.get(AgendaItem, int(items[-1]))
        assert last is not None
        last.name = "Vier (geändert)"
    with pytest.raises(ChangedMeanwhile):
        svc.reorder_items(meeting, list(reversed(items)))
    with desk.session() as s:
        rows = s.scalars(select(AgendaItem).where(AgendaItem.meeting_id == int(meeting))).all()
        assert sorted((i.number, i.name) for i in rows) == [
            ("1", "Eins"),
            ("2", "Zwei"),
            ("3", "Drei"),
            ("4", "Vier (geändert)"),
        ]
    desk.sync()
    count = len(desk.writes)
    svc.reorder_items(meeting, list(reversed(items)))
    assert len(desk.writes) == count + 1  # one request
    with desk.session() as s:
        rows = s.scalars(select(AgendaItem).where(AgendaItem.meeting_id == int(meeting))).all()
        assert sorted((i.order, i.number, i.name) for i in rows) == [
            (1, "1", "Vier (geändert)"),
            (2, "2", "Drei"),
            (3, "3", "Zwei"),
            (4, "4", "Eins"),
        ]
    with open_store(desk.paths) as store:
        local_numbers = sorted(
            (json.loads(d)["number"], json.loads(d)["name"])
            for (d,) in store.db.conn.execute("SELECT data FROM object WHERE type = 'agenda_item'")
            if json.loads(d)["meeting_id"] == int(meeting)
        )
    assert local_numbers == [("1", "Vier (geändert)"), ("2", "Drei"), ("3", "Zwei"), ("4", "Eins")]


def test_an_older_feed_page_does_not_roll_back_a_clerks_write(desk: Desk) -> None:
    """A page read before the clerk's PATCH but applied after its local echo keeps the newer version (and
    the file row stays with its object)."""
    ids, svc = desk.world.ids, desk.service
    item = ids["draft_item"]
    doc = svc.attach("agenda_item", item, real("minimal-document.pdf"), name="Alt")
    with open_store(desk.paths) as store:
        old_item = json.loads(local_get(store, "agenda_item", item))
        old_file = json.loads(local_get(store, "file", doc))
    svc.update_item(item, name="Neu")
    newer = real("pdflatex-4-pages.pdf")
    with open_store(desk.paths) as store:
        replica = StoreReplica(store)
        new_file = {**old_file, "version": old_file["version"] + 1, "sha256": sha(newer)}
        replica.apply_page([Change("upsert", 1, "file", int(doc), new_file)], "c1", last=False)
        stale = [
            Change("upsert", 2, "agenda_item", item, old_item),
            Change("upsert", 3, "file", int(doc), old_file),
        ]
        replica.apply_page(stale, "c2", last=False)
        kept = json.loads(local_get(store, "agenda_item", item))
        kept_file = json.loads(local_get(store, "file", doc))
        (row_sha,) = store.db.conn.execute("SELECT sha256 FROM file WHERE id = ?", (doc,)).fetchone()
    assert kept["name"] == "Neu" and kept["version"] == old_item["version"] + 1
    assert kept_file["sha256"] == sha(newer) and row_sha == sha(newer)
    svc.update_item(item, name="Neuer")  # no false conflict
