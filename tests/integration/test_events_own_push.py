"""The push channel and a device's own annotation push (real server, real event streams): the pushing
device already holds what it pushed (the server's answer gives the versions), so its stream is not woken
by it -- no needless sync pass -- while the same user's other devices are (they need the record). A
clerk's own write still wakes the clerk's streams (their replica fetches what the write changed).

"Not woken" is checked by order, as in test_events.py: the own push comes first, a change by somebody
else after it, and the first event the stream delivers must name the later one (an event for the push
would have come first). Nothing here waits for a time to pass."""

from __future__ import annotations

from sqlalchemy import select

from sync.server.models import Change, Device
from tests.integration.annotworld import item, push_ok, record
from tests.integration.live import LiveServer
from tests.integration.test_events import Listener, listen, listeners, seq_now
from tests.integration.world import World

__all__ = ["listeners"]  # the fixture, used by name


def members_paper(server: LiveServer, token: str) -> int:
    """A change by the clerk that the member may see (a public paper); returns its feed position."""
    with server.client(token) as clerk:
        r = clerk.post("/api/v1/papers", json={"name": "Öffentliche Vorlage"})
        assert r.status_code == 201, r.text
    return seq_now(server)


def private_note(server: LiveServer, world: World, token: str) -> int:
    """The member's private highlight on a public file, pushed with this device's token; its position."""
    with server.client(token) as device:
        push_ok(device, item(record(world.ids["user_member"], world.ids["public_file"])))
    return seq_now(server)


def test_own_push_does_not_wake_the_pushing_device_but_the_users_other_device(
    fresh_server: tuple[LiveServer, World], listeners: list[Listener]
) -> None:
    server, world = fresh_server
    laptop, tablet = server.token("member"), server.token("member")  # two devices of the member
    laptop_stream = listen(server, laptop, listeners)
    tablet_stream = listen(server, tablet, listeners)
    pushed = private_note(server, world, laptop)
    got = tablet_stream.next()
    assert got.kind == "event" and got.seq == pushed, (got, pushed)  # the other device fetches the note
    public = members_paper(server, server.token("clerk"))
    got = laptop_stream.next()
    assert got.kind == "event" and got.seq == public, (got, pushed, public)
    assert tablet_stream.next().seq == public


def test_reconnecting_device_is_not_told_of_its_own_push(
    fresh_server: tuple[LiveServer, World], listeners: list[Listener]
) -> None:
    server, world = fresh_server
    laptop, tablet = server.token("member"), server.token("member")
    before = seq_now(server)
    pushed = private_note(server, world, laptop)
    # the laptop missed nothing but its own push: nothing at once; the next change is its first event
    resumed = listen(server, laptop, listeners, headers={"Last-Event-ID": str(before)})
    # the tablet missed the note: one event at once
    other = listen(server, tablet, listeners, headers={"Last-Event-ID": str(before)})
    assert other.next().seq == pushed
    public = members_paper(server, server.token("clerk"))
    got = resumed.next()
    assert got.kind == "event" and got.seq == public, (got, pushed, public)


def test_a_push_among_other_changes_still_wakes_the_device_for_those(
    fresh_server: tuple[LiveServer, World], listeners: list[Listener]
) -> None:
    """The own push's rows are left out, not the round they come in: a change by somebody else read in
    the same round (or a later one) wakes the device with its position."""
    server, world = fresh_server
    laptop = server.token("member")
    stream = listen(server, laptop, listeners)
    clerk = server.token("clerk")
    public = members_paper(server, clerk)
    private_note(server, world, laptop)
    got = stream.next()
    assert got.kind == "event" and got.seq == public, (got, public)


def test_a_clerks_own_write_still_wakes_the_clerks_stream(
    fresh_server: tuple[LiveServer, World], listeners: list[Listener]
) -> None:
    server, _ = fresh_server
    clerk = server.token("clerk")
    stream = listen(server, clerk, listeners)
    written = members_paper(server, clerk)
    got = stream.next()
    assert got.kind == "event" and got.seq == written, (got, written)


def test_the_push_is_marked_with_its_device_only_on_annotation_rows(
    fresh_server: tuple[LiveServer, World],
) -> None:
    server, world = fresh_server
    token = server.token("member")
    pushed = private_note(server, world, token)
    members_paper(server, server.token("clerk"))
    with server.ctx.sessions() as s:
        rows = {seq: device for seq, device in s.execute(select(Change.seq, Change.device_id))}
        members = list(s.scalars(select(Device.id).where(Device.user_id == world.ids["user_member"])))
    assert len(members) == 1 and rows[pushed] == members[0]
    assert [seq for seq, device in rows.items() if device is not None] == [pushed]
