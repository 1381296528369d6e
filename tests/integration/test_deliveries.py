"""Proof of delivery over real HTTP (issue 6): devices report "complete" and "opened" for published meeting
folders; the body's clerks read a table per meeting with the notice-period check (Ladungsfrist) and set
the notice days. World: the published meeting of committee A (member, deputy; a former member), starting
in three days."""

from __future__ import annotations

import hashlib
import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from sync.protocol.notice import notice_deadline
from sync.server.api.deliveries import _upsert_delivery
from sync.server.config import time_zone_name
from sync.server.db import write_session
from sync.server.demo.seed import DEMO_PASSWORD, DemoOptions, seed_demo
from sync.server.models import Delivery, DeliveryReport, Meeting, Membership, Person, User
from tests.conftest import new_pg_database
from tests.integration.live import LiveServer, live_server
from tests.integration.world import World, build_world, minimal_pdf

WAIT = 120.0  # how long a thread may take (never a measured limit; a loaded machine is slow)
Live = tuple[LiveServer, World, dict[str, str]]
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def live(fresh_server: tuple[LiveServer, World]) -> Live:
    server, world = fresh_server
    tokens = {
        r: server.token(r) for r in ("member", "deputy", "other", "former", "clerk", "admin", "foreign_clerk")
    }
    with server.client(tokens["clerk"]) as clerk:  # published through the API: published_at is set
        meeting = clerk.get(f"/api/v1/meetings/{world.ids['published_meeting']}").json()
        r = clerk.patch(
            f"/api/v1/meetings/{meeting['id']}",
            json={"state": "draft"},
            headers={"If-Match": str(meeting["version"])},
        )
        assert r.status_code == 200, r.text
        r = clerk.patch(
            f"/api/v1/meetings/{meeting['id']}",
            json={"state": "published"},
            headers={"If-Match": str(r.json()["version"])},
        )
        assert r.status_code == 200 and r.json()["published_at"], r.text
    return server, world, tokens


def sha(world: World) -> str:
    return hashlib.sha256(world.pdf).hexdigest()


def complete(
    meeting_id: int, files: list[str], key: str | None = None, at: datetime | None = None
) -> dict[str, Any]:
    return {
        "idempotency_key": key or uuid.uuid4().hex,
        "meeting_id": meeting_id,
        "event": "complete",
        "at": (at or datetime.now(UTC)).isoformat(),
        "files": files,
    }


def opened(meeting_id: int, at: datetime, key: str | None = None) -> dict[str, Any]:
    return {
        "idempotency_key": key or uuid.uuid4().hex,
        "meeting_id": meeting_id,
        "event": "opened",
        "at": at.isoformat(),
    }


def report(server: LiveServer, token: str, *items: dict[str, Any]) -> list[dict[str, str]]:
    with server.client(token) as c:
        r = c.post("/api/v1/deliveries", json={"items": list(items)})
    assert r.status_code == 200, r.text
    results: list[dict[str, str]] = r.json()["results"]
    assert len(results) == len(items)
    return results


def table(server: LiveServer, token: str, meeting_id: int) -> dict[str, Any]:
    with server.client(token) as c:
        r = c.get(f"/api/v1/meetings/{meeting_id}/deliveries")
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def row_of(data: dict[str, Any], person_id: int) -> dict[str, Any]:
    return next(r for r in data["rows"] if r["person_id"] == person_id)


def add_late_paper(server: LiveServer, token: str, world: World, text: str = "Tischvorlage") -> str:
    data = minimal_pdf(text)
    stored = server.ctx.blobs.put_bytes(data)
    with server.client(token) as c:
        r = c.post(
            "/api/v1/files",
            json={
                "name": text,
                "file_name": "tv.pdf",
                "sha256": stored.sha256,
                "role": "late",
                "agenda_item_id": world.ids["private_item"],
                "change_note": "Nachtrag",
            },
        )
    assert r.status_code == 201, r.text
    return stored.sha256


def local_deadline(start: datetime, days: int) -> datetime:
    """23:59:59 Berlin time on the day `days` + 1 days before the meeting's Berlin date."""
    day = start.astimezone(BERLIN).date() - timedelta(days=days + 1)
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=BERLIN)


def parse(value: str | None) -> datetime:
    assert value is not None
    return datetime.fromisoformat(value)


def test_complete_is_ok_only_for_every_current_file_the_caller_may_see(live: Live) -> None:
    server, world, tokens = live
    meeting = world.ids["published_meeting"]
    assert report(server, tokens["member"], complete(meeting, [sha(world)])) == [{"status": "ok"}]
    late = add_late_paper(server, tokens["clerk"], world)
    stale = report(server, tokens["member"], complete(meeting, [sha(world)]))
    assert stale[0]["status"] == "stale" and "next sync" in stale[0]["message"]
    assert report(server, tokens["member"], complete(meeting, [sha(world), late])) == [{"status": "ok"}]
    # the late paper is on a non-public item of A: a member of B is complete without it
    assert report(server, tokens["other"], complete(meeting, [sha(world)])) == [{"status": "ok"}]
    # a replaced file no longer counts, its replacement does
    newer = minimal_pdf("Tischvorlage, berichtigt")
    stored = server.ctx.blobs.put_bytes(newer)
    with server.client(tokens["clerk"]) as c:
        files = c.get(f"/api/v1/meetings/{meeting}/agenda").json()
        late_id = next(f["id"] for i in files["agenda"] for f in i["files"] if f["sha256"] == late)
        r = c.post(
            "/api/v1/files",
            json={
                "name": "Tischvorlage",
                "file_name": "tv2.pdf",
                "sha256": stored.sha256,
                "role": "late",
                "agenda_item_id": world.ids["private_item"],
                "supersedes_id": late_id,
            },
        )
        assert r.status_code == 201, r.text
    assert report(server, tokens["member"], complete(meeting, [sha(world), late]))[0]["status"] == "stale"
    assert report(server, tokens["member"], complete(meeting, [sha(world), stored.sha256])) == [
        {"status": "ok"}
    ]


@pytest.mark.parametrize(
    ("role", "meeting", "why"),
    [
        ("member", "draft_meeting", "No meeting"),  # a draft is the clerks' only
        ("clerk", "draft_meeting", "not published"),
        ("foreign_clerk", "published_meeting", "No meeting"),
    ],
)
def test_reports_on_drafts_and_invisible_meetings_are_rejected(
    live: Live, role: str, meeting: str, why: str
) -> None:
    server, world, tokens = live
    results = report(
        server,
        tokens[role],
        complete(world.ids[meeting], [sha(world)]),
        opened(world.ids[meeting], datetime.now(UTC)),
    )
    for result in results:
        assert result["status"] == "rejected" and why in result["message"], result


def test_malformed_reports_are_rejected_one_by_one(live: Live) -> None:
    server, world, tokens = live
    meeting = world.ids["published_meeting"]
    bad: list[Any] = [
        {"meeting_id": meeting, "event": "complete", "at": datetime.now(UTC).isoformat(), "files": []},
        {**complete(meeting, [sha(world)]), "event": "read"},
        {**complete(meeting, [sha(world)]), "at": "2026-01-01T10:00:00"},  # no time zone
        {**complete(meeting, ["nohex"])},
        {**complete(meeting, [])} | {"files": None},
        "not an object",
    ]
    results = report(server, tokens["member"], *bad, complete(meeting, [sha(world)]))
    assert [r["status"] for r in results] == ["rejected"] * len(bad) + ["ok"]
    with server.client(tokens["member"]) as c:
        assert c.post("/api/v1/deliveries", json={"items": [complete(meeting, [])] * 501}).status_code == 422
        assert c.post("/api/v1/deliveries", json=[complete(meeting, [])]).status_code == 422
        assert c.post("/api/v1/deliveries", json={"items": [], "x": 1}).status_code == 422
    with server.client() as c:
        assert c.post("/api/v1/deliveries", json={"items": []}).status_code == 401


def test_reports_are_idempotent(live: Live) -> None:
    server, world, tokens = live
    meeting = world.ids["published_meeting"]
    item = complete(meeting, [sha(world)], key="device-1-report-1")
    assert report(server, tokens["member"], item, item) == [{"status": "ok"}, {"status": "ok"}]
    first = table(server, tokens["clerk"], meeting)
    assert report(server, tokens["member"], item) == [{"status": "ok"}]
    assert table(server, tokens["clerk"], meeting) == first
    reused = report(server, tokens["member"], opened(meeting, datetime.now(UTC), key="device-1-report-1"))
    assert reused[0]["status"] == "rejected" and "already used" in reused[0]["message"]
    # another user may use the same key
    assert report(server, tokens["deputy"], complete(meeting, [sha(world)], key="device-1-report-1")) == [
        {"status": "ok"}
    ]
    with server.ctx.sessions() as s:
        keys = [(r.user_id, r.idempotency_key) for r in s.query(DeliveryReport).all()]
    assert len(keys) == len(set(keys)) == 2


def test_first_and_current_complete_after_a_late_paper(live: Live) -> None:
    server, world, tokens = live
    meeting = world.ids["published_meeting"]
    member = world.ids["person_member"]
    assert report(server, tokens["member"], complete(meeting, [sha(world)])) == [{"status": "ok"}]
    before = row_of(table(server, tokens["clerk"], meeting), member)
    assert (
        before["first_complete_at"] is not None
        and before["current_complete_at"] == before["first_complete_at"]
    )
    # a second device reports the same folder: nothing moves
    assert report(server, tokens["member"], complete(meeting, [sha(world)])) == [{"status": "ok"}]
    assert row_of(table(server, tokens["clerk"], meeting), member) == before
    late = add_late_paper(server, tokens["clerk"], world)
    after_late = row_of(table(server, tokens["clerk"], meeting), member)
    assert after_late["first_complete_at"] == before["first_complete_at"]
    assert after_late["current_complete_at"] is None  # the folder as it is now is not complete on a device
    assert report(server, tokens["member"], complete(meeting, [sha(world), late])) == [{"status": "ok"}]
    again = row_of(table(server, tokens["clerk"], meeting), member)
    assert again["first_complete_at"] == before["first_complete_at"]
    assert parse(again["current_complete_at"]) > parse(before["first_complete_at"])


def test_opened_is_clamped_to_publication_and_receipt(live: Live) -> None:
    server, world, tokens = live
    meeting = world.ids["published_meeting"]
    published = parse(table(server, tokens["clerk"], meeting)["meeting"]["published_at"])
    member, deputy = world.ids["person_member"], world.ids["person_deputy"]
    sent = datetime.now(UTC)
    assert report(server, tokens["member"], opened(meeting, datetime(2000, 1, 1, tzinfo=UTC))) == [
        {"status": "ok"}
    ]
    assert parse(row_of(table(server, tokens["clerk"], meeting), member)["first_opened_at"]) == published
    assert report(server, tokens["deputy"], opened(meeting, sent + timedelta(days=400))) == [{"status": "ok"}]
    future = parse(row_of(table(server, tokens["clerk"], meeting), deputy)["first_opened_at"])
    assert sent <= future <= datetime.now(UTC)  # the server's receipt time at the latest
    # an earlier opening reported later (an offline device) wins; a later one does not
    earlier = published + (future - published) / 2
    report(server, tokens["deputy"], opened(meeting, earlier))
    report(server, tokens["deputy"], opened(meeting, future))
    assert parse(row_of(table(server, tokens["clerk"], meeting), deputy)["first_opened_at"]) == earlier


def test_the_clerks_table_and_the_notice_days(live: Live) -> None:
    server, world, tokens = live
    meeting = world.ids["published_meeting"]
    with write_session(server.ctx.sessions) as s:  # a member without an account
        person = Person(body_id=world.ids["body"], name="Ohne Konto")
        s.add(person)
        s.flush()
        s.add(Membership(person_id=person.id, organization_id=world.ids["committee_a"]))
        s.flush()
        no_account = person.id
    assert report(server, tokens["member"], complete(meeting, [sha(world)])) == [{"status": "ok"}]
    data = table(server, tokens["clerk"], meeting)
    start = parse(data["meeting"]["start"])
    assert data["meeting"]["id"] == meeting and data["meeting"]["notice_days"] == 7
    assert parse(data["meeting"]["deadline"]) == local_deadline(start, 7)
    keys = {"id", "name", "start", "published_at", "notice_days", "deadline", "time_zone"}
    assert set(data["meeting"]) == keys
    rows = {r["person_id"]: r for r in data["rows"]}
    # members and deputies of committee A; the former member's membership has ended
    assert set(rows) == {world.ids["person_member"], world.ids["person_deputy"], no_account}
    for row in rows.values():
        assert set(row) == {
            "person_id",
            "name",
            "role",
            "deputy",
            "user_id",
            "first_complete_at",
            "current_complete_at",
            "first_opened_at",
            "status",
        }
    member, deputy = rows[world.ids["person_member"]], rows[world.ids["person_deputy"]]
    # the meeting starts in three days: seven days' notice had passed, so the delivery came late
    assert member["status"] == "late" and member["user_id"] == world.ids["user_member"]
    assert member["deputy"] is False and member["role"] == "Mitglied"
    assert deputy["status"] == "missing" and deputy["deputy"] is True and deputy["first_complete_at"] is None
    assert rows[no_account]["status"] == "no_account" and rows[no_account]["user_id"] is None
    assert [r["deputy"] for r in data["rows"]] == sorted(r["deputy"] for r in data["rows"])  # members first
    # two days' notice: on time
    with server.client(tokens["clerk"]) as c:
        body = c.get(f"/api/v1/bodies/{world.ids['body']}").json()
        r = c.patch(
            f"/api/v1/bodies/{world.ids['body']}",
            json={"notice_days": 2},
            headers={"If-Match": str(body["version"])},
        )
        assert r.status_code == 200, r.text
        assert r.json()["notice_days"] == 2 and r.headers["etag"] == f'"{body["version"] + 1}"'
    data = table(server, tokens["clerk"], meeting)
    assert data["meeting"]["notice_days"] == 2
    assert parse(data["meeting"]["deadline"]) == local_deadline(start, 2)
    assert row_of(data, world.ids["person_member"])["status"] == "on_time"
    assert row_of(data, world.ids["person_deputy"])["status"] == "pending"  # the deadline is tomorrow


@pytest.mark.parametrize(
    ("role", "status"),
    [("member", 403), ("deputy", 403), ("other", 403), ("admin", 403), ("foreign_clerk", 404), (None, 401)],
)
def test_only_the_bodys_clerks_read_the_table(live: Live, role: str | None, status: int) -> None:
    server, world, tokens = live
    with server.client(tokens[role] if role else None) as c:
        for meeting in ("published_meeting", "draft_meeting"):
            r = c.get(f"/api/v1/meetings/{world.ids[meeting]}/deliveries")
            expected = 404 if meeting == "draft_meeting" and role else status
            assert r.status_code == expected, (role, meeting, r.text)
            assert "rows" not in r.text
        assert c.get("/api/v1/meetings/999999/deliveries").status_code == (401 if role is None else 404)


@pytest.mark.parametrize(
    ("role", "body", "if_match", "status"),
    [
        ("member", {"notice_days": 3}, "*", 403),
        ("foreign_clerk", {"notice_days": 3}, "*", 404),
        ("admin", {"notice_days": 3}, "*", 200),
        ("clerk", {"notice_days": 61}, "*", 422),
        ("clerk", {"notice_days": -1}, "*", 422),
        ("clerk", {"notice_days": 3, "name": "x"}, "*", 422),
        ("clerk", {"notice_days": 3}, None, 428),
        ("clerk", {"notice_days": 3}, "999", 412),
        ("clerk", {"notice_days": 0}, "*", 200),
    ],
)
def test_changing_the_notice_days(
    live: Live, role: str, body: dict[str, Any], if_match: str | None, status: int
) -> None:
    server, world, tokens = live
    headers = {"If-Match": if_match} if if_match else {}
    with server.client(tokens[role]) as c:
        r = c.patch(f"/api/v1/bodies/{world.ids['body']}", json=body, headers=headers)
    assert r.status_code == status, r.text
    with server.client(tokens["clerk"]) as c:
        now = c.get(f"/api/v1/bodies/{world.ids['body']}").json()["notice_days"]
    assert now == (body["notice_days"] if status == 200 else 7)


def test_the_demo_council_has_a_clerk_and_a_delivery_table(tmp_path: Path) -> None:
    """`make demo`: the clerk "sitzungsdienst" sees the table of an upcoming published meeting with the
    delivery of "stellvertretung" on time, others missing or without an account."""
    with live_server(tmp_path, f"sqlite:///{tmp_path}/demo.sqlite3") as server:
        seed_demo(server.ctx.sessions, server.ctx.blobs, DemoOptions(budget_pages=40))
        clerk = server.login("sitzungsdienst", DEMO_PASSWORD)
        token = str(clerk["access_token"])
        with server.ctx.sessions() as s:
            deputy = s.scalar(select(User).where(User.username == "stellvertretung"))
            assert deputy is not None
            delivery = s.scalar(select(Delivery).where(Delivery.user_id == deputy.id))
            assert delivery is not None
            meeting = s.get(Meeting, delivery.meeting_id)
            assert meeting is not None and meeting.start > datetime.now(UTC)
        data = table(server, token, delivery.meeting_id)
        rows = {r["user_id"]: r for r in data["rows"] if r["user_id"] is not None}
        assert rows[deputy.id]["status"] == "on_time" and rows[deputy.id]["first_opened_at"] is not None
        assert rows[deputy.id]["current_complete_at"] is not None
        statuses = {r["status"] for r in data["rows"]}
        # the others have not received it: missing once the notice deadline has passed, pending before
        # (which one depends on the hour the test runs relative to the demo's next meeting)
        assert statuses >= {"on_time", "no_account"} and statuses & {"missing", "pending"}


@pytest.mark.parametrize(
    ("start", "days", "deadline", "late_from"),
    [
        # 7 days for Wednesday the 9th: receipt by Tuesday the 1st, 23:59:59 local time
        ("2026-12-09T18:00:00+01:00", 7, "2026-12-01T23:59:59+01:00", "2026-12-02T00:00:00+01:00"),
        # just after local midnight: the meeting day is the 9th in Berlin although the UTC date is the 8th
        ("2026-12-08T23:30:00+00:00", 7, "2026-12-01T23:59:59+01:00", "2026-12-02T00:00:00+01:00"),
        # just before local midnight
        ("2026-12-09T23:59:00+01:00", 7, "2026-12-01T23:59:59+01:00", "2026-12-02T00:00:00+01:00"),
        # no notice days: receipt by the end of the day before the meeting day
        ("2026-12-09T09:00:00+01:00", 0, "2026-12-08T23:59:59+01:00", "2026-12-09T00:00:00+01:00"),
        # meeting in summer time, deadline in winter time (clocks went forward on 29 March 2026)
        ("2026-04-02T19:00:00+02:00", 7, "2026-03-25T23:59:59+01:00", "2026-03-26T00:00:00+01:00"),
        # the deadline day is the day the clocks go forward (23 hours long)
        ("2026-04-06T19:00:00+02:00", 7, "2026-03-29T23:59:59+02:00", "2026-03-30T00:00:00+02:00"),
        # the deadline day is the day the clocks go back (25 hours long, 25 October 2026)
        ("2026-11-02T19:00:00+01:00", 7, "2026-10-25T23:59:59+01:00", "2026-10-26T00:00:00+01:00"),
        # the day before the clocks go back, still summer time
        ("2026-11-01T10:00:00+01:00", 7, "2026-10-24T23:59:59+02:00", "2026-10-25T00:00:00+02:00"),
    ],
)
def test_the_notice_deadline_counts_whole_local_days(
    start: str, days: int, deadline: str, late_from: str
) -> None:
    found = notice_deadline(datetime.fromisoformat(start), days, BERLIN)
    shown, end = found.shown, found.late_from
    assert shown.isoformat() == deadline
    assert end == datetime.fromisoformat(late_from)
    assert end - shown == timedelta(seconds=1)


def _move_meeting_and_delivery(server: LiveServer, world: World, start: datetime, first: datetime) -> None:
    with write_session(server.ctx.sessions) as s:
        meeting = s.get(Meeting, world.ids["published_meeting"])
        assert meeting is not None
        meeting.start = start
        meeting.end = start + timedelta(hours=3)
        s.add(
            Delivery(
                meeting_id=meeting.id,
                user_id=world.ids["user_member"],
                first_complete_at=first,
                current_files="",
            )
        )


@pytest.mark.parametrize(
    ("received", "status"),
    [
        ("2027-12-01T23:59:59.500000+01:00", "on_time"),  # the last moment of the last day
        ("2027-12-02T00:00:00+01:00", "late"),  # local midnight: the next day
        ("2027-12-01T23:15:00+00:00", "late"),  # 00:15 local on the 2nd (the UTC date is still the 1st)
        ("2027-12-01T00:00:00+01:00", "on_time"),
    ],
)
def test_the_table_checks_the_notice_by_local_calendar_days(live: Live, received: str, status: str) -> None:
    """A meeting on Thursday, 9 December 2027 at 00:30 Berlin time (8 December 23:30 UTC), 7 days'
    notice: received by Wednesday the 1st, 23:59:59 Berlin time is on time; the UTC date does not count."""
    server, world, tokens = live
    start = datetime(2027, 12, 9, 0, 30, tzinfo=BERLIN)
    _move_meeting_and_delivery(server, world, start, datetime.fromisoformat(received))
    data = table(server, tokens["clerk"], world.ids["published_meeting"])
    assert data["meeting"]["deadline"] == "2027-12-01T23:59:59+01:00"
    assert row_of(data, world.ids["person_member"])["status"] == status


def test_the_body_time_zone_is_a_server_setting(tmp_path: Path) -> None:
    with live_server(
        tmp_path, f"sqlite:///{tmp_path}/s.sqlite3", body_time_zone="America/New_York"
    ) as server:
        world = build_world(server.ctx)
        start = datetime(2027, 12, 9, 0, 30, tzinfo=BERLIN)  # 8 December, 18:30 in New York
        _move_meeting_and_delivery(server, world, start, datetime(2027, 11, 30, 12, 0, tzinfo=UTC))
        data = table(server, server.token("clerk"), world.ids["published_meeting"])
    assert data["meeting"]["deadline"] == "2027-11-30T23:59:59-05:00"
    assert row_of(data, world.ids["person_member"])["status"] == "on_time"
    with pytest.raises(ValueError, match="Unknown time zone"):
        time_zone_name("Mars/Olympus")


def test_two_devices_first_reports_for_one_meeting_at_once(live: Live) -> None:
    """Two devices of one member report the same folder at the same moment: both are answered ok, one
    summary row, two reports."""
    server, world, _ = live
    meeting = world.ids["published_meeting"]
    devices = [server.login("member", device=f"device-{n}")["access_token"] for n in range(2)]
    for round_ in range(5):
        with write_session(server.ctx.sessions) as s:
            s.query(Delivery).delete()
        start = threading.Barrier(len(devices))
        answers: list[Any] = [None] * len(devices)

        def send(n: int, start: threading.Barrier, answers: list[Any]) -> None:
            with server.client(devices[n]) as c:
                item = complete(meeting, [sha(world)])
                start.wait(WAIT)
                answers[n] = c.post("/api/v1/deliveries", json={"items": [item]})

        threads = [threading.Thread(target=send, args=(n, start, answers)) for n in range(len(devices))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(WAIT)
        for r in answers:
            assert r is not None and r.status_code == 200, (round_, r.text if r is not None else r)
            assert r.json() == {"results": [{"status": "ok"}]}
    with server.ctx.sessions() as s:
        assert s.query(Delivery).count() == 1
        assert s.query(DeliveryReport).count() == 2 * 5


@pytest.mark.postgres
def test_the_summary_row_is_made_once_without_the_writer_lock(pg_cluster: Any, tmp_path: Path) -> None:
    """The summary row does not rely on the writers' lock: two transactions that both find no row (the
    first has inserted but not committed) both end with the one row; the second waits and finds it instead
    of failing on the primary key. (On SQLite only the writers' lock lets a transaction write at all.)"""
    with live_server(tmp_path, new_pg_database(pg_cluster)) as server:
        world = build_world(server.ctx)
        meeting, user = world.ids["published_meeting"], world.ids["user_member"]
        first = server.ctx.sessions()
        row = _upsert_delivery(first, meeting, user)  # inserted, not committed
        got: list[Any] = []

        def second() -> None:
            try:
                with server.ctx.sessions() as s:
                    other = _upsert_delivery(s, meeting, user)  # waits for the first transaction
                    other.first_complete_at = datetime.now(UTC)
                    s.commit()
                    got.append(other)
            except Exception as exc:  # reported below
                got.append(exc)

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.5)  # gives the second transaction time to reach the insert (either order is fine)
        row.current_files = "a"
        first.commit()
        first.close()
        thread.join(WAIT)
        assert len(got) == 1 and isinstance(got[0], Delivery), got
        with server.ctx.sessions() as s:
            rows = s.query(Delivery).all()
        assert len(rows) == 1 and rows[0].current_files == "a" and rows[0].first_complete_at is not None
