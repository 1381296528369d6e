"""The body's feed record names the time zone of the server's *current* setting: a server restarted on
the same database with another GREMALDA_TIME_ZONE republishes its bodies at start (sync.server.publish
`republish_bodies`, one transaction with their feed entries, as an edit of the body would), so a replica
synced before the restart counts the notice deadline in the zone the server's proof of delivery counts it
in. Real server on loopback (stopped and started again), real SQLCipher replica, real keyring."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from gremalda.core.account import sign_in
from gremalda.core.syncing import synchronise
from gremalda.paths import DataPaths, data_paths
from gremalda.store.replica import open_store, put_state
from gremalda.ui.clerk.reads import MeetingDesk, meeting_desk
from sync.protocol.kinds import Kind
from sync.server.db import write_session
from sync.server.models import Body, Change
from tests.integration.live import LiveServer, live_server
from tests.integration.syncworld import client_data_dir
from tests.integration.world import PASSWORD, World, build_world

SEEDED = "America/New_York"  # the zone the server was seeded with
RESTARTED = "Europe/Berlin"  # the zone of its next start


@dataclass
class Restarted:
    server: LiveServer  # running with RESTARTED, on the database seeded with SEEDED
    world: World
    clerk: DataPaths  # signed in and synced before the restart
    before: MeetingDesk  # the clerk's desk of the published meeting before the restart


def desk(paths: DataPaths, meeting_id: int) -> MeetingDesk:
    with open_store(paths) as store:
        found = meeting_desk(store, str(meeting_id))
    assert found is not None
    return found


@contextmanager
def restarted_with_another_zone(tmp_path: Path) -> Iterator[Restarted]:
    """A server seeded with SEEDED, the clerk's replica synced, the server stopped and started again on
    the same database and data directory with RESTARTED (the clerk's replica pointed at its new port:
    the test servers pick a free port each start); the clerk has not synced since."""
    url = f"sqlite:///{tmp_path}/s.sqlite3"
    with client_data_dir(tmp_path / "clerk") as root:
        paths = data_paths(root)
        with live_server(tmp_path / "server", url, body_time_zone=SEEDED) as first:
            world = build_world(first.ctx)
            sign_in(paths, first.url, "clerk", PASSWORD, device_name="pytest clerk")
            synchronise(paths, index=False, workers=2)
        before = desk(paths, world.ids["published_meeting"])
        with live_server(tmp_path / "server", url, body_time_zone=RESTARTED) as second:
            with open_store(paths) as store, store.db.transaction() as conn:
                put_state(conn, "server_url", second.url)  # the same server, at another port
            yield Restarted(second, world, paths, before)


def served_deadline(server: LiveServer, meeting_id: int) -> tuple[str, datetime]:
    with server.client(server.token("clerk")) as c:
        r = c.get(f"/api/v1/meetings/{meeting_id}/deliveries")
    assert r.status_code == 200, r.text
    meeting = r.json()["meeting"]
    return meeting["time_zone"], datetime.fromisoformat(meeting["deadline"])


def test_a_server_restarted_with_another_zone_gives_the_replica_its_zone_and_deadline(tmp_path: Path) -> None:
    with restarted_with_another_zone(tmp_path) as restarted:
        server, world, clerk = restarted.server, restarted.world, restarted.clerk
        meeting = world.ids["published_meeting"]
        assert restarted.before.time_zone == SEEDED  # what the replica had from the first start
        zone, deadline = served_deadline(server, meeting)
        assert zone == RESTARTED and deadline != restarted.before.deadline  # 6 hours apart

        synchronise(clerk, index=False, workers=2)
        after = desk(clerk, meeting)
        assert after.time_zone == zone == RESTARTED
        assert after.deadline == deadline

        # the body was written again once (its version counts the republication), and a second start with
        # the same zone writes nothing
        with write_session(server.ctx.sessions) as s:
            body = s.get(Body, world.ids["body"])
            assert body is not None
            version = body.version
            changes = len(s.scalars(select(Change.seq).where(Change.kind == int(Kind.BODY))).all())
    with (
        live_server(
            tmp_path / "server", f"sqlite:///{tmp_path}/s.sqlite3", body_time_zone=RESTARTED
        ) as again,
        write_session(again.ctx.sessions) as s,
    ):
        body = s.get(Body, world.ids["body"])
        assert body is not None and body.version == version
        assert len(s.scalars(select(Change.seq).where(Change.kind == int(Kind.BODY))).all()) == changes
