"""The push channel over real HTTP (issue 6): GET /api/v1/events as a text/event-stream.

A connected member is told of a late paper for their committee and not of what they may not see (a
non-public item of another committee); the heartbeat; Last-Event-ID and ?after=; 40 concurrent
subscribers all told; keys recomputed when a membership changes; streams end when the server stops.
"Not told" is checked by order: an invisible change is made first, a visible one after it, and the first
event must name the visible one (an event for the invisible change would have come first)."""

from __future__ import annotations

import json
import queue
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from sync.server import events as events_module
from sync.server.deploy import DEFAULT_PREFIX, nginx_locations, nginx_upstream
from sync.server.feed import last_seq
from tests.conftest import new_pg_database
from tests.harness.nginx import nginx_missing_reason, running_nginx
from tests.integration.live import LiveServer, live_server
from tests.integration.world import World, build_world

WAIT = 120.0  # how long a test waits for something that must come (never a measured limit; a loaded
# machine may be 30 times slower than usual)


@dataclass
class Received:
    kind: str  # "event", "ping", "end"
    seq: int | None
    at: float
    raw: str = ""


@dataclass
class Listener:
    """One SSE connection read in a thread; what arrives goes into a queue."""

    url: str
    token: str
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)
    got: queue.Queue[Received] = field(default_factory=queue.Queue)
    status: int = 0
    connected: threading.Event = field(default_factory=threading.Event)
    stopping: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Listener:
        self.client = httpx.Client(base_url=self.url, trust_env=False, timeout=httpx.Timeout(30, read=60))
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.connected.wait(WAIT), "the event stream did not open"
        return self

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}", **self.headers}
        try:
            with self.client.stream("GET", "/api/v1/events", headers=headers, params=self.params) as r:
                self.status = r.status_code
                self.content_type = r.headers.get("content-type", "")
                self.connected.set()
                if r.status_code != 200:
                    r.read()
                    self.body = r.text
                    return
                fields: dict[str, str] = {}
                for line in r.iter_lines():
                    if self.stopping.is_set():
                        break
                    if line.startswith(":"):
                        self.got.put(Received("ping", None, time.monotonic(), line))
                    elif line == "":
                        if fields:
                            data = json.loads(fields["data"])
                            assert fields["event"] == "changes" and int(fields["id"]) == data["seq"]
                            self.got.put(Received("event", data["seq"], time.monotonic(), json.dumps(fields)))
                            fields = {}
                    else:
                        name, _, value = line.partition(": ")
                        fields[name] = value
        except httpx.HTTPError as exc:
            self.error = exc
        finally:
            self.connected.set()
            self.got.put(Received("end", None, time.monotonic()))
            self.client.close()

    def next(self, *, skip_pings: bool = True) -> Received:
        while True:
            item = self.got.get(timeout=WAIT)
            if item.kind != "ping" or not skip_pings:
                return item

    def pending(self) -> list[Received]:
        out = []
        while True:
            try:
                out.append(self.got.get_nowait())
            except queue.Empty:
                return out

    def close(self) -> None:
        """Leaves the thread to end with the stream (the server ends it when it stops; a read blocked in
        another thread cannot be interrupted): it leaves at the next line (a ping at the latest)."""
        self.stopping.set()


@pytest.fixture
def listeners() -> Iterator[list[Listener]]:
    made: list[Listener] = []
    yield made
    for one in made:
        one.close()


def listen(server: LiveServer, token: str, made: list[Listener], **kwargs: Any) -> Listener:
    one = Listener(server.url, token, **kwargs).start()
    made.append(one)
    assert one.status == 200, (getattr(one, "body", ""), getattr(one, "error", None))
    assert one.content_type.startswith("text/event-stream")
    assert one.next(skip_pings=False).kind == "ping"  # the stream opens with a ping
    return one


def seq_now(server: LiveServer) -> int:
    with server.ctx.sessions() as s:
        return last_seq(s)


def add_late_file(server: LiveServer, clerk: httpx.Client, world: World, **owner: int) -> int:
    """A late paper (Tischvorlage) on the given owner; returns the feed position after it."""
    sha = server.ctx.blobs.put_bytes(world.pdf).sha256
    r = clerk.post(
        "/api/v1/files",
        json={"name": "Tischvorlage", "file_name": "tv.pdf", "sha256": sha, "role": "late", **owner},
    )
    assert r.status_code == 201, r.text
    return seq_now(server)


@pytest.fixture
def live(fresh_server: tuple[LiveServer, World]) -> tuple[LiveServer, World, dict[str, str]]:
    server, world = fresh_server
    tokens = {r: server.token(r) for r in ("member", "deputy", "other", "former", "clerk", "foreign_clerk")}
    return server, world, tokens


def b_private_item(clerk: httpx.Client, world: World) -> int:
    r = clerk.post(
        "/api/v1/agenda-items",
        json={"meeting_id": world.ids["cancelled_meeting"], "name": "Nichtöffentlich B", "public": False},
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_a_member_is_told_of_a_late_paper_for_their_committee_only(
    live: tuple[LiveServer, World, dict[str, str]], listeners: list[Listener]
) -> None:
    server, world, tokens = live
    member = listen(server, tokens["member"], listeners)
    other = listen(server, tokens["other"], listeners)
    former = listen(server, tokens["former"], listeners)
    clerk_stream = listen(server, tokens["clerk"], listeners)
    with server.client(tokens["clerk"]) as clerk:
        # invisible to the member: a non-public item of committee B and a late paper on it
        b_item = b_private_item(clerk, world)
        hidden = add_late_file(server, clerk, world, agenda_item_id=b_item)
        # visible to the member (a non-public item of A)
        started = time.monotonic()
        visible = add_late_file(server, clerk, world, agenda_item_id=world.ids["private_item"])
    got = member.next()
    assert got.kind == "event" and got.seq == visible, (got, hidden, visible)
    print(f"event latency (clerk's POST sent → member holds the event): {(got.at - started) * 1000:.1f} ms")
    first_other = other.next()
    assert first_other.kind == "event" and first_other.seq is not None and first_other.seq <= hidden
    assert clerk_stream.next().seq is not None
    # the one who left committee A hears nothing of either: a change they may see comes last, and it is
    # the first thing they hear of
    with server.client(tokens["clerk"]) as clerk:
        r = clerk.post("/api/v1/papers", json={"name": "Öffentliche Vorlage 2"})
        assert r.status_code == 201
    public = seq_now(server)
    assert former.next().seq == public


def test_the_other_bodys_clerk_hears_nothing(
    live: tuple[LiveServer, World, dict[str, str]], listeners: list[Listener]
) -> None:
    server, world, tokens = live
    foreign = listen(server, tokens["foreign_clerk"], listeners)
    with server.client(tokens["clerk"]) as clerk:
        add_late_file(server, clerk, world, agenda_item_id=world.ids["public_item"])
    with server.client(tokens["foreign_clerk"]) as c:
        r = c.post("/api/v1/papers", json={"name": "Vorlage anderswo"})
        assert r.status_code == 201
    own = seq_now(server)
    assert foreign.next().seq == own


def test_heartbeat(tmp_path: Path, server_url: str, listeners: list[Listener]) -> None:
    with live_server(tmp_path / "data", server_url, events_heartbeat_seconds=0.2) as server:
        build_world(server.ctx)
        one = listen(server, server.token("member"), listeners)
        pings = [one.next(skip_pings=False) for _ in range(3)]
        assert [p.kind for p in pings] == ["ping"] * 3
        assert pings[0].raw == ": ping"


def test_last_event_id_gives_one_event_at_once(
    live: tuple[LiveServer, World, dict[str, str]], listeners: list[Listener]
) -> None:
    server, world, tokens = live
    before = seq_now(server)
    with server.client(tokens["clerk"]) as clerk:
        visible = add_late_file(server, clerk, world, agenda_item_id=world.ids["private_item"])
        b_item = b_private_item(clerk, world)
        hidden = add_late_file(server, clerk, world, agenda_item_id=b_item)
    # missed a visible change: one event at once, naming the newest change they may notice
    resumed = listen(server, tokens["member"], listeners, headers={"Last-Event-ID": str(before)})
    got = resumed.next()
    assert got.kind == "event" and got.seq == visible
    by_query = listen(server, tokens["member"], listeners, params={"after": str(before)})
    assert by_query.next().seq == visible
    # missed only what they may not see: nothing at once; the next visible change is the first event
    quiet = listen(server, tokens["member"], listeners, headers={"Last-Event-ID": str(visible)})
    up_to_date = listen(server, tokens["member"], listeners, headers={"Last-Event-ID": str(hidden)})
    with server.client(tokens["clerk"]) as clerk:
        newest = add_late_file(server, clerk, world, agenda_item_id=world.ids["public_item"])
    assert quiet.next().seq == newest
    assert up_to_date.next().seq == newest
    assert resumed.next().seq == newest


@pytest.mark.parametrize("value", ["abc", "-1", "1e5", "9" * 30])
def test_malformed_last_event_id_is_refused(
    live: tuple[LiveServer, World, dict[str, str]], value: str
) -> None:
    server, _, tokens = live
    with server.client(tokens["member"]) as c:
        r = c.get("/api/v1/events", headers={"Last-Event-ID": value})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"


def test_forty_subscribers_are_all_told(
    live: tuple[LiveServer, World, dict[str, str]], listeners: list[Listener]
) -> None:
    server, world, tokens = live
    # 40 devices (a device holds at most 4 streams)
    devices = [
        server.login(("member", "deputy", "clerk")[i % 3], device=f"device-{i}")["access_token"]
        for i in range(40)
    ]
    streams = [listen(server, token, listeners) for token in devices]
    latencies = []
    for round_ in range(5):
        with server.client(tokens["clerk"]) as clerk:
            started = time.monotonic()
            seq = add_late_file(server, clerk, world, agenda_item_id=world.ids["private_item"])
        for one in streams:
            got = one.next()
            assert got.kind == "event" and got.seq == seq, (round_, got)
            latencies.append(got.at - started)
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    print(
        f"40 subscribers × 5 late papers: median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms (POST sent → event held)"
    )


def test_a_new_membership_widens_what_wakes_a_subscriber(
    live: tuple[LiveServer, World, dict[str, str]], listeners: list[Listener]
) -> None:
    server, world, tokens = live
    other = listen(server, tokens["other"], listeners)
    with server.client(tokens["clerk"]) as clerk:
        r = clerk.post(
            "/api/v1/memberships",
            json={"person_id": world.ids["person_other"], "organization_id": world.ids["committee_a"]},
        )
        assert r.status_code == 201, r.text
        joined = seq_now(server)
        assert other.next().seq == joined  # the membership itself (and what it lets them see now)
        visible = add_late_file(server, clerk, world, agenda_item_id=world.ids["private_item"])
    assert other.next().seq == visible


def test_a_stopping_server_ends_the_streams(
    tmp_path: Path, server_url: str, listeners: list[Listener]
) -> None:
    with live_server(tmp_path / "data", server_url) as server:
        build_world(server.ctx)
        token = server.token("member")
        streams = [listen(server, token, listeners) for _ in range(5)]
        port = server.url.rsplit(":", 1)[1]
    # live_server waited for uvicorn to finish: it did, and every stream ended
    assert not [t for t in threading.enumerate() if t.name == f"uvicorn-{port}"]
    for one in streams:
        assert one.next().kind == "end"


def test_a_revoked_device_hears_nothing_more(
    live: tuple[LiveServer, World, dict[str, str]], listeners: list[Listener]
) -> None:
    server, world, tokens = live
    login = server.login("member", device="tablet")
    one = listen(server, login["access_token"], listeners)
    with server.client(login["access_token"]) as c:
        assert c.post("/api/v1/auth/logout").status_code == 204  # the device is revoked
    # a membership change makes the watcher look at everybody's rights at once
    with server.client(tokens["clerk"]) as clerk:
        r = clerk.post(
            "/api/v1/memberships",
            json={"person_id": world.ids["person_former"], "organization_id": world.ids["committee_b"]},
        )
        assert r.status_code == 201
    assert one.next().kind == "end"


def test_without_a_valid_token_no_stream(live: tuple[LiveServer, World, dict[str, str]]) -> None:
    server, _, _ = live
    with server.client() as c:
        assert c.get("/api/v1/events").status_code == 401
        assert c.get("/api/v1/events", headers={"Authorization": "Bearer ga_forged"}).status_code == 401


@pytest.fixture
def server_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path}/server.sqlite3"
    return new_pg_database(request.getfixturevalue("pg_cluster"))


WRITER = """
import sys
from sync.server.db import make_engine, make_sessionmaker, write_session
from sync.server.models import Paper
with write_session(make_sessionmaker(make_engine(sys.argv[1]))) as s:
    s.add(Paper(body_id=int(sys.argv[2]), name="Aus einem anderen Prozess"))
"""


def test_a_change_committed_by_another_process_is_pushed_too(
    tmp_path: Path, server_url: str, listeners: list[Listener]
) -> None:
    """Another server process on the same database: this server's watcher finds the change by reading the
    feed counter (no in-process wake-up)."""
    with live_server(tmp_path / "a", server_url) as server:
        world = build_world(server.ctx)
        one = listen(server, server.token("member"), listeners)
        before = seq_now(server)
        subprocess.run(
            [sys.executable, "-c", WRITER, server_url, str(world.ids["body"])],
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        got = one.next()
        assert got.kind == "event" and got.seq == seq_now(server) > before


def test_events_pass_through_nginx_at_once(tmp_path: Path, listeners: list[Listener]) -> None:
    """Behind the nginx configuration we generate (proxy_buffering off): each event arrives by itself."""
    reason = nginx_missing_reason()
    if reason:
        pytest.skip(reason)
    with live_server(
        tmp_path, f"sqlite:///{tmp_path / 's.sqlite3'}", accel_redirect=DEFAULT_PREFIX
    ) as server:
        world = build_world(server.ctx)
        upstream = nginx_upstream(server.url.removeprefix("http://"))
        (tmp_path / "www").mkdir()
        locations = nginx_locations(server.ctx.settings.blob_dir)
        with running_nginx(
            tmp_path / "www", tmp_path / "nginx", locations=locations, http_extra=upstream
        ) as url:
            one = Listener(url, server.token("member")).start()
            listeners.append(one)
            assert one.status == 200 and one.next(skip_pings=False).kind == "ping"
            with server.client(server.token("clerk")) as clerk:
                seq = add_late_file(server, clerk, world, agenda_item_id=world.ids["private_item"])
            assert one.next().seq == seq
            one.close()  # nginx quits gracefully only once its connections are done
            assert one.next().kind == "end"


def test_a_last_event_id_far_behind_is_answered_at_once_without_looking(
    tmp_path: Path, server_url: str, listeners: list[Listener]
) -> None:
    """A reconnect reads at most `events_max_lookback` change rows: further behind, an event comes at once
    (naming the newest change) even though nothing there concerns the caller; they pull and find out."""
    with live_server(tmp_path / "data", server_url, events_max_lookback=3) as server:
        world = build_world(server.ctx)
        token = server.token("member")
        with server.client(server.token("clerk")) as clerk:
            before = seq_now(server)
            b_item = b_private_item(clerk, world)
            add_late_file(server, clerk, world, agenda_item_id=b_item)
            for n in range(3):  # more than three change rows, none of them the member may notice
                r = clerk.post(
                    "/api/v1/agenda-items",
                    json={"meeting_id": world.ids["cancelled_meeting"], "name": f"B {n}", "public": False},
                )
                assert r.status_code == 201, r.text
            hidden = seq_now(server)
            assert hidden - before > 3
            # within the look-back: nothing at once (only what they may not see happened)
            near = listen(server, token, listeners, headers={"Last-Event-ID": str(hidden - 2)})
            # far behind: an event at once, without looking at the rows
            far = listen(server, token, listeners, headers={"Last-Event-ID": str(before)})
            visible = add_late_file(server, clerk, world, agenda_item_id=world.ids["private_item"])
        assert far.next().seq == hidden
        assert far.next().seq == visible
        assert near.next().seq == visible


def test_a_device_holds_at_most_four_streams_the_oldest_ends(
    live: tuple[LiveServer, World, dict[str, str]], listeners: list[Listener]
) -> None:
    """A fifth stream of the same device closes that device's oldest one (documented in events.py);
    other devices of the same user keep theirs, and the remaining streams are still told."""
    server, world, tokens = live
    assert server.ctx.settings.events_max_streams_per_device == 4
    tablet = server.login("member", device="tablet")["access_token"]
    other_device = listen(server, tablet, listeners)
    streams = [listen(server, tokens["member"], listeners) for _ in range(4)]
    watcher = next(w for w in list(events_module._watchers) if w.ctx is server.ctx)
    assert watcher.subscriber_count() == 5
    newest = listen(server, tokens["member"], listeners)
    assert streams[0].next().kind == "end"
    assert watcher.subscriber_count() == 5
    with server.client(tokens["clerk"]) as clerk:
        seq = add_late_file(server, clerk, world, agenda_item_id=world.ids["private_item"])
    for one in [*streams[1:], newest, other_device]:
        got = one.next()
        assert got.kind == "event" and got.seq == seq, got
    # a sixth closes the next oldest
    listen(server, tokens["member"], listeners)
    assert streams[1].next().kind == "end"
