"""One notice-deadline rule (Ladungsfrist, `sync.protocol.notice`) for the server's proof of delivery and
the client's agenda editor: the body's feed record carries the server's time zone, the clerk's real
replica computes the same deadline as the server's table for meetings around midnight and the DST
changes; a member whose folder has not arrived is "pending" until the deadline has passed and "missing"
after it (not highlighted before). Real server on loopback, real SQLCipher replica, real keyring."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gremalda.core.account import sign_in
from gremalda.core.clerk import ClerkService
from gremalda.core.syncing import synchronise
from gremalda.paths import DataPaths, data_paths
from gremalda.store.replica import open_store
from gremalda.ui.clerk.reads import meeting_desk
from sync.protocol.notice import DEFAULT_TIME_ZONE, body_zone, notice_deadline
from sync.server.db import write_session
from sync.server.models import Delivery, Meeting
from tests.integration.live import LiveServer, live_server
from tests.integration.syncworld import client_data_dir
from tests.integration.world import PASSWORD, World, build_world

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[LiveServer, World]]:
    zone = getattr(request, "param", DEFAULT_TIME_ZONE)
    with live_server(tmp_path / "server", f"sqlite:///{tmp_path}/s.sqlite3", body_time_zone=zone) as server:
        yield server, build_world(server.ctx)


@pytest.fixture
def clerk(served: tuple[LiveServer, World], tmp_path: Path) -> Iterator[DataPaths]:
    server, _world = served
    with client_data_dir(tmp_path / "clerk") as root:
        paths = data_paths(root)
        sign_in(paths, server.url, "clerk", PASSWORD, device_name="pytest clerk")
        synchronise(paths, index=False, workers=2)
        yield paths


def _table(server: LiveServer, meeting_id: int) -> dict[str, Any]:
    with server.client(server.token("clerk")) as c:
        r = c.get(f"/api/v1/meetings/{meeting_id}/deliveries")
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def _move(server: LiveServer, meeting_id: int, start: datetime) -> None:
    with write_session(server.ctx.sessions) as s:
        meeting = s.get(Meeting, meeting_id)
        assert meeting is not None
        meeting.start, meeting.end = start, start + timedelta(hours=3)


@pytest.mark.parametrize("served", ["America/New_York", "Europe/Berlin"], indirect=True)
def test_the_body_feed_record_carries_the_servers_time_zone(
    served: tuple[LiveServer, World], clerk: DataPaths
) -> None:
    server, world = served
    zone = server.ctx.settings.body_time_zone
    with open_store(clerk) as store:
        desk = meeting_desk(store, str(world.ids["published_meeting"]))
    assert desk is not None and desk.time_zone == zone
    data = _table(server, world.ids["published_meeting"])
    assert data["meeting"]["time_zone"] == zone
    assert desk.deadline == datetime.fromisoformat(data["meeting"]["deadline"])
    # a change of the body (its notice days, through the API) keeps the zone in its feed record
    ClerkService(clerk).set_notice_days(world.ids["body"], 3)
    synchronise(clerk, index=False, workers=2)
    with open_store(clerk) as store:
        changed = meeting_desk(store, str(world.ids["published_meeting"]))
    assert changed is not None and changed.notice_days == 3 and changed.time_zone == zone
    served_deadline = _table(server, world.ids["published_meeting"])["meeting"]["deadline"]
    assert changed.deadline == datetime.fromisoformat(served_deadline)


@pytest.mark.parametrize(
    "start",
    [
        "2027-12-09T00:30:00+01:00",  # just after local midnight (the UTC date is the day before)
        "2027-12-08T23:59:00+01:00",  # just before local midnight
        "2027-03-28T00:30:00+01:00",  # the night the clocks go forward (28 March 2027)
        "2027-04-05T00:15:00+02:00",  # the deadline day is the day the clocks go forward (23 hours)
        "2027-11-08T00:15:00+01:00",  # the deadline day is the day the clocks go back (31 October)
        "2027-10-31T02:30:00+01:00",  # the second 02:30 of the night the clocks go back
    ],
)
def test_the_replica_and_the_server_count_the_same_deadline(
    served: tuple[LiveServer, World], clerk: DataPaths, start: str
) -> None:
    """On a machine running UTC the client once counted "start minus N days" in its own time; now the
    replica, the shared rule and the server's table agree to the second, in Berlin time."""
    server, world = served
    meeting = world.ids["published_meeting"]
    _move(server, meeting, datetime.fromisoformat(start))
    synchronise(clerk, index=False, workers=2)
    with open_store(clerk) as store:
        desk = meeting_desk(store, str(meeting))
    assert desk is not None and desk.start == datetime.fromisoformat(start)
    served_deadline = datetime.fromisoformat(_table(server, meeting)["meeting"]["deadline"])
    expected = notice_deadline(datetime.fromisoformat(start), 7, BERLIN).shown
    assert desk.deadline == served_deadline == expected
    assert desk.deadline.utcoffset() == served_deadline.utcoffset()  # the same wall clock, 23:59:59
    shown = desk.deadline.astimezone(BERLIN)
    assert (shown.hour, shown.minute, shown.second) == (23, 59, 59)
    assert shown.date() == datetime.fromisoformat(start).astimezone(BERLIN).date() - timedelta(days=8)
    table = ClerkService(clerk).deliveries(meeting)
    assert table.deadline == served_deadline and table.time_zone == "Europe/Berlin"


def test_not_received_is_pending_until_the_deadline_then_missing(
    served: tuple[LiveServer, World], clerk: DataPaths
) -> None:
    server, world = served
    meeting = world.ids["published_meeting"]
    service = ClerkService(clerk)
    # the deadline a week away: nobody has the folder yet, and that is not (yet) a problem
    _move(server, meeting, datetime.now(UTC) + timedelta(days=15))
    data = _table(server, meeting)
    statuses = {r["person_id"]: r["status"] for r in data["rows"]}
    assert statuses[world.ids["person_member"]] == "pending"
    assert statuses[world.ids["person_deputy"]] == "pending"
    table = service.deliveries(meeting)
    pending = [row for row in table.rows if row.status == "pending"]
    assert len(pending) == 2 and not any(row.flagged for row in pending)
    assert table.counts()["pending"] == 2 and table.counts()["missing"] == 0
    assert "ausstehend" in table.to_csv() and "nicht zugestellt" not in table.to_csv()
    # one of them received it long ago
    with write_session(server.ctx.sessions) as s:
        s.add(
            Delivery(
                meeting_id=meeting,
                user_id=world.ids["user_member"],
                first_complete_at=datetime.now(UTC) - timedelta(days=10),
                current_files="",
            )
        )
    statuses = {r["person_id"]: r["status"] for r in _table(server, meeting)["rows"]}
    assert statuses[world.ids["person_member"]] == "on_time"
    assert statuses[world.ids["person_deputy"]] == "pending"
    # the deadline has passed (the meeting is in three days): the one without the folder is missing now
    _move(server, meeting, datetime.now(UTC) + timedelta(days=3))
    data = _table(server, meeting)
    statuses = {r["person_id"]: r["status"] for r in data["rows"]}
    assert statuses[world.ids["person_deputy"]] == "missing"
    assert statuses[world.ids["person_member"]] == "on_time"  # received before the earlier deadline too
    missing = next(row for row in service.deliveries(meeting).rows if row.status == "missing")
    assert missing.flagged


def test_an_unknown_or_missing_zone_name_is_the_default_zone() -> None:
    """A replica synced from an older server has no time_zone in its body record."""
    assert body_zone(None) == body_zone("") == body_zone("Mars/Olympus") == ZoneInfo(DEFAULT_TIME_ZONE)
    assert body_zone("America/New_York") == ZoneInfo("America/New_York")
