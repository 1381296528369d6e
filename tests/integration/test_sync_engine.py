"""The sync engine end to end: the real server on a loopback port, a real SQLCipher replica with its keys
in the real OS keyring (run under `.ci/with-keyring`), the encrypted vault, PDF text extraction in
worker processes. Each scenario ends with the replica equal to what the server shows the user."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, select

from gremalda.core.account import connect, sign_in
from gremalda.core.syncing import SyncOutcome, synchronise
from gremalda.errors import NotSignedIn, SyncFailed
from gremalda.paths import DataPaths, data_paths
from gremalda.store.replica import StoreReplica, open_store
from gremalda.store.textindex import TextIndex
from sync.engine import BackgroundSync, RetryPolicy, SyncEngine
from sync.server.db import write_session
from sync.server.models import File, Meeting, Membership
from tests.integration.feedclient import server_view
from tests.integration.live import LiveServer
from tests.integration.world import PASSWORD, World, minimal_pdf

QUICK = RetryPolicy(attempts=3, base=0.01, cap=0.05)


def _signed_in(server: LiveServer, tmp_path: Path, user: str = "member") -> DataPaths:
    paths = data_paths(tmp_path / f"client-{user}")
    sign_in(paths, server.url, user, PASSWORD, device_name="pytest")
    return paths


def _sync(paths: DataPaths, **kwargs: Any) -> SyncOutcome:
    return synchronise(paths, retry=QUICK, **kwargs)


def _replica(paths: DataPaths) -> dict[tuple[str, int], dict[str, Any]]:
    with open_store(paths) as store:
        rows = store.db.conn.execute("SELECT type, id, data FROM object").fetchall()
    return {(t, int(i)): json.loads(d) for t, i, d in rows}


def assert_mirrors_server(server: LiveServer, paths: DataPaths, user: str = "member") -> None:
    """The replica holds exactly what the read API lists for the user, every file complete and intact,
    and nothing else in the vault."""
    with server.client(server.token(user)) as client:
        view = server_view(client)
    assert _replica(paths) == view
    with open_store(paths) as store:
        assert store.db.integrity_check() == []
        rows = store.db.conn.execute("SELECT id, sha256, size, state, vault_version FROM file").fetchall()
        assert {int(r[0]) for r in rows} == {i for (k, i) in view if k == "file"}
        for file_id, sha, size, state, version in rows:
            assert state == "complete", file_id
            data = store.vault.read(file_id, version)
            assert (
                len(data) == size
                and hashlib.sha256(data).hexdigest() == sha == view[("file", int(file_id))]["sha256"]
            )
        assert set(store.vault.list()) == {(r[0], r[4]) for r in rows}
        assert list(store.vault.list_partial()) == []


def _add_file(server: LiveServer, world: World, content: bytes, **owner: int) -> int:
    stored = server.ctx.blobs.put_bytes(content)
    with write_session(server.ctx.sessions) as s:
        f = File(
            body_id=world.ids["body"],
            name=f"Anlage {stored.sha256[:6]}",
            file_name=f"anlage-{stored.sha256[:6]}.pdf",
            mime_type="application/pdf",
            size=stored.size,
            sha256=stored.sha256,
            **owner,
        )
        s.add(f)
        s.flush()
        return int(f.id)


def test_first_sync_mirrors_the_server_then_a_resync_is_one_request(
    fresh_server: tuple[LiveServer, World], tmp_path: Path
) -> None:
    server, world = fresh_server
    paths = _signed_in(server, tmp_path)
    outcome = _sync(paths)
    report = outcome.sync
    assert report.snapshot and report.complete and report.files_downloaded > 0
    assert report.bytes_downloaded == sum(v["size"] for (k, _), v in _replica(paths).items() if k == "file")
    assert_mirrors_server(server, paths)
    # the member sees the non-public item of committee A, not the draft meeting or committee B's
    replica = _replica(paths)
    assert ("agenda_item", world.ids["private_item"]) in replica
    assert ("meeting", world.ids["draft_meeting"]) not in replica
    # every PDF is searchable offline, German spelling folded
    assert outcome.index is not None and outcome.index.files == report.files_downloaded
    with open_store(paths) as store:
        hits = TextIndex(store.db.conn).search("groesse uebung")
        assert {h.file_id for h in hits} == {str(i) for (k, i) in replica if k == "file"}

    again = _sync(paths).sync
    assert (again.requests, again.upserts, again.removes, again.files_downloaded) == (1, 0, 0, 0)
    assert not again.snapshot


def test_changes_new_files_and_replaced_content_arrive(
    fresh_server: tuple[LiveServer, World], tmp_path: Path
) -> None:
    server, world = fresh_server
    paths = _signed_in(server, tmp_path)
    _sync(paths)
    with open_store(paths) as store:
        old_version = store.db.conn.execute(
            "SELECT vault_version FROM file WHERE id = ?", (str(world.ids["public_file"]),)
        ).fetchone()[0]

    big = os.urandom(3 * (1 << 20) + 12345)  # several vault chunks
    new_id = _add_file(server, world, big, paper_id=world.ids["public_paper"])
    replacement = minimal_pdf("Neue Fassung: Zwiebelturm")
    stored = server.ctx.blobs.put_bytes(replacement)
    with write_session(server.ctx.sessions) as s:
        meeting = s.get(Meeting, world.ids["published_meeting"])
        assert meeting is not None
        meeting.name = "Sitzung A (verlegt)"
        f = s.get(File, world.ids["public_file"])
        assert f is not None
        f.sha256, f.size = stored.sha256, stored.size

    report = _sync(paths).sync
    assert report.complete and report.files_downloaded == 2 and report.destroyed == 1
    assert _replica(paths)[("meeting", world.ids["published_meeting"])]["name"] == "Sitzung A (verlegt)"
    assert_mirrors_server(server, paths)
    with open_store(paths) as store:
        version = store.db.conn.execute(
            "SELECT vault_version FROM file WHERE id = ?", (str(world.ids["public_file"]),)
        ).fetchone()[0]
        assert version == old_version + 1
        assert bytes(store.vault.read(str(new_id), 1)) == big
        assert not store.vault.exists(str(world.ids["public_file"]), old_version)  # the old one is destroyed
        hits = TextIndex(store.db.conn).search("Zwiebelturm")
        assert [h.file_id for h in hits] == [str(world.ids["public_file"])]


def test_lost_membership_removes_what_is_no_longer_visible_and_destroys_it(
    fresh_server: tuple[LiveServer, World], tmp_path: Path
) -> None:
    server, world = fresh_server
    paths = _signed_in(server, tmp_path)
    _sync(paths)
    private = str(world.ids["private_file"])
    with open_store(paths) as store:
        private_version = store.db.conn.execute(
            "SELECT vault_version FROM file WHERE id = ?", (private,)
        ).fetchone()[0]
        assert store.vault.exists(private, private_version)
        vault_files_before = {p.name for p in (store.paths.vault / "data").iterdir()}

    with write_session(server.ctx.sessions) as s:
        member = world.ids["person_member"]
        s.execute(
            delete(Membership).where(
                Membership.person_id == member, Membership.organization_id == world.ids["committee_a"]
            )
        )
        assert s.scalars(select(Membership).where(Membership.person_id == member)).first() is not None

    report = _sync(paths).sync
    assert report.removes > 0 and report.files_removed >= 2 and report.destroyed >= 2
    replica = _replica(paths)
    assert ("agenda_item", world.ids["private_item"]) not in replica
    assert ("file", world.ids["private_file"]) not in replica
    assert_mirrors_server(server, paths)
    with open_store(paths) as store:
        assert not store.vault.exists(private, private_version)
        assert {p.name for p in (store.paths.vault / "data").iterdir()} < vault_files_before
        assert (
            store.db.conn.execute("SELECT count(*) FROM page_text WHERE file_id = ?", (private,)).fetchone()[
                0
            ]
            == 0
        )


def test_a_cursor_the_server_refuses_leads_to_a_full_snapshot_that_drops_stale_objects(
    fresh_server: tuple[LiveServer, World], tmp_path: Path
) -> None:
    server, _ = fresh_server
    paths = _signed_in(server, tmp_path)
    _sync(paths)
    with open_store(paths) as store, store.db.transaction() as conn:
        conn.execute("UPDATE sync_state SET value = 'not-a-cursor' WHERE key = 'cursor'")
        conn.execute(
            "INSERT INTO object (type, id, data, version, modified) VALUES ('meeting', '999999', ?, 1, '')",
            (json.dumps({"type": "meeting", "id": 999999, "name": "Verwaist"}),),
        )
    report = _sync(paths).sync
    assert report.snapshot and report.removes == 1
    assert report.files_downloaded == 0  # the stored files are still the right ones
    assert_mirrors_server(server, paths)


def test_a_snapshot_interrupted_between_pages_goes_on_where_it_stopped(
    fresh_server: tuple[LiveServer, World], tmp_path: Path
) -> None:
    server, _ = fresh_server
    paths = _signed_in(server, tmp_path)
    with open_store(paths) as store:
        api = connect(store)
        engine = SyncEngine(api, StoreReplica(store), retry=QUICK, page_limit=3)
        calls = 0
        original = api.changes

        def failing_after_two(cursor: str | None, limit: int | None = None) -> Any:
            nonlocal calls
            calls += 1
            if calls > 2:
                raise KeyboardInterrupt  # stands for the process dying between pages
            return original(cursor, limit)

        api.changes = failing_after_two  # type: ignore[method-assign]
        with pytest.raises(KeyboardInterrupt):
            engine.run_once()
        assert store.state("snapshot") == "1" and store.state("cursor") is not None
        stored = store.db.conn.execute("SELECT count(*) FROM object").fetchone()[0]
        assert stored == 6
        api.changes = original  # type: ignore[method-assign]
        report = engine.run_once()
        api.close()
    assert report.complete and not report.snapshot  # continued, not started again
    assert_mirrors_server(server, paths)


def test_background_sync_runs_passes_on_its_own_thread_and_stops(
    fresh_server: tuple[LiveServer, World], tmp_path: Path
) -> None:
    server, world = fresh_server
    paths = _signed_in(server, tmp_path)
    outcomes: list[SyncOutcome] = []
    errors: list[BaseException] = []
    threads: list[str] = []
    arrived = threading.Event()

    def run_pass(stop: threading.Event) -> SyncOutcome:
        threads.append(threading.current_thread().name)
        return synchronise(paths, retry=QUICK, stop=stop)

    def on_result(outcome: SyncOutcome) -> None:
        outcomes.append(outcome)
        arrived.set()

    background = BackgroundSync(run_pass, interval=3600, on_result=on_result, on_error=errors.append)
    background.start()
    try:
        assert arrived.wait(120), errors
        arrived.clear()
        assert outcomes[0].sync.files_downloaded > 0
        _add_file(server, world, b"%PDF-1.4 nachgereicht", paper_id=world.ids["public_paper"])
        background.trigger()
        assert arrived.wait(120), errors
        assert outcomes[1].sync.files_downloaded == 1
    finally:
        background.stop(timeout=120)
    assert not background.running and background.passes == 2
    assert threads == ["sync-background", "sync-background"]
    assert errors == []
    assert_mirrors_server(server, paths)


def test_background_sync_stops_a_pass_midway_and_keeps_what_it_stored(
    fresh_server: tuple[LiveServer, World], tmp_path: Path
) -> None:
    server, world = fresh_server
    for _ in range(6):
        _add_file(server, world, os.urandom(2 << 20), paper_id=world.ids["public_paper"])
    paths = _signed_in(server, tmp_path)
    started = threading.Event()

    def run_pass(stop: threading.Event) -> SyncOutcome:
        def progress(p: Any) -> None:
            if p.bytes_done > 0:
                started.set()

        return synchronise(paths, retry=QUICK, stop=stop, progress=progress, workers=1, index=False)

    background: BackgroundSync[SyncOutcome] = BackgroundSync(run_pass, interval=3600)
    background.start()
    assert started.wait(120)
    background.stop(timeout=120)
    assert not background.running and background.passes == 0
    with open_store(paths) as store:
        assert store.db.integrity_check() == []
    report = _sync(paths).sync
    assert report.complete
    assert_mirrors_server(server, paths)


def test_a_revoked_device_is_told_to_sign_in_again(
    fresh_server: tuple[LiveServer, World], tmp_path: Path
) -> None:
    server, _ = fresh_server
    paths = _signed_in(server, tmp_path)
    _sync(paths)
    with open_store(paths) as store:
        tokens = json.loads(store.state("tokens") or "{}")
    r = httpx.post(
        f"{server.url}/api/v1/auth/logout", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert r.status_code == 204
    with pytest.raises(NotSignedIn) as caught:
        _sync(paths)
    assert "gremalda login" in caught.value.message
    # the replica stays readable offline
    assert _replica(paths)


def test_an_unreachable_server_is_reported_and_the_replica_stays(
    fresh_server: tuple[LiveServer, World], tmp_path: Path
) -> None:
    server, _ = fresh_server
    paths = _signed_in(server, tmp_path)
    _sync(paths)
    before = _replica(paths)
    with open_store(paths) as store:
        store.set_state("server_url", "http://127.0.0.1:9")  # nothing listens on the discard port
    with pytest.raises(SyncFailed) as caught:
        _sync(paths)
    assert "reach" in caught.value.message.lower() or "connect" in caught.value.message.lower()
    assert _replica(paths) == before


def test_the_replica_stays_readable_while_a_sync_writes(
    fresh_server: tuple[LiveServer, World], tmp_path: Path
) -> None:
    server, world = fresh_server
    paths = _signed_in(server, tmp_path)
    _sync(paths)
    for _ in range(8):
        _add_file(server, world, os.urandom(1 << 20), paper_id=world.ids["public_paper"])
    with write_session(server.ctx.sessions) as s:
        meeting = s.get(Meeting, world.ids["published_meeting"])
        assert meeting is not None
        meeting.name = "Sitzung A, neu"
    done = threading.Event()
    reads: list[int] = []
    failures: list[BaseException] = []

    def reader() -> None:
        from gremalda.core.library import Library

        try:
            with open_store(paths) as store:
                library = Library(store.db.conn)
                public = str(world.ids["public_file"])
                while not done.is_set():
                    assert library.meeting(str(world.ids["published_meeting"])) is not None
                    entry = library.file(public)
                    assert entry is not None and entry.vault_version is not None
                    data = store.vault.read(public, entry.vault_version)
                    assert hashlib.sha256(data).hexdigest() == entry.sha256
                    reads.append(1)
        except BaseException as exc:  # reported to the test thread
            failures.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        report = _sync(paths, workers=2).sync
    finally:
        done.set()
        thread.join(120)
    assert failures == [] and len(reads) > 0
    assert report.files_downloaded == 8
    assert_mirrors_server(server, paths)
