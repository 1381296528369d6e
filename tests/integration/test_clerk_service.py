"""The clerk service against the real server on loopback, with a clerk's real (SQLCipher) replica:
meetings, agenda, documents (preflight, resumable upload), late papers, replacements, links, publish,
proof of delivery, the notice period; refusals before anything is sent; conflicts."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gremalda.core.account import sign_in
from gremalda.core.clerk import ClerkService
from gremalda.core.clerk.attach import STATE_PREFIX
from gremalda.core.clerk.errors import ChangedMeanwhile, FileRefused, NotClerk, UploadStopped
from gremalda.core.syncing import synchronise
from gremalda.paths import DataPaths, data_paths
from gremalda.store.replica import open_store
from sync.server.db import write_session
from sync.server.models import AgendaItem, Consultation, EFileShare, File, Meeting
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
    assert table.start is not None and table.deadline == table.start - timedelta(days=10)
    names = {row.name: row for row in table.rows}
    assert set(names) >= {"Person member", "Person deputy"} and "Person other" not in names
    assert names["Person deputy"].deputy and names["Person member"].status == "missing"
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
