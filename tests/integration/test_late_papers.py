"""Late papers reach connected members' clients through the server's push channel, and the clients prove
delivery (issue 6, parts 3-5): real server on loopback, real replicas (SQLCipher, keys in the OS keyring:
run under `.ci/with-keyring`), BackgroundSync and event listener threads in this process.

No timing is asserted beyond generous timeouts (the latency is measured by tests/bench/bench_late_paper.py).
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from gremalda.core import delivery
from gremalda.core.readstate import ReadState
from gremalda.core.syncing import push_changes, synchronise
from gremalda.errors import SyncFailed
from gremalda.store.replica import open_store
from sync.client import ServerApi, TransferCancelled
from sync.engine import Phase, Progress
from tests.harness.faultproxy import Fault, FaultProxy
from tests.integration.annotdevices import Devices, RestartableServer
from tests.integration.latepapers import Clerk, ConnectedClient, wait_until
from tests.integration.syncworld import real_pdfs
from tests.integration.world import World

SECONDS = 120.0  # generous (polled): a late paper normally arrives within a second or two, a loaded machine
# may be 30 times slower


@pytest.fixture
def clerk(world: tuple[RestartableServer, World]) -> Iterator[Clerk]:
    made = Clerk(world[0].url)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def running() -> Iterator[list[ConnectedClient]]:
    clients: list[ConnectedClient] = []
    try:
        yield clients
    finally:
        for client in clients:
            client.stop()


def _connect(
    group: Devices, running: list[ConnectedClient], user: str, name: str, **kw: bool
) -> ConnectedClient:
    device = group.add(user, name, **kw)
    client = ConnectedClient(name, device.paths)
    client.start()
    running.append(client)
    wait_until(lambda: client.listener.connected.is_set() and client.background.passes >= 1, SECONDS, name)
    return client


def _row(clerk: Clerk, w: World, user: str) -> dict[str, object]:
    return clerk.deliveries(w.ids["published_meeting"])[w.ids[f"person_{user}"]]


# --- push channel ------------------------------------------------------------------------------------


def test_a_late_paper_reaches_every_connected_client_and_only_those_entitled(
    world: tuple[RestartableServer, World], group: Devices, clerk: Clerk, running: list[ConnectedClient]
) -> None:
    _, w = world
    laptop = _connect(group, running, "member", "laptop")
    tablet = _connect(group, running, "member", "tablet")
    deputy = _connect(group, running, "deputy", "deputy")
    other = _connect(group, running, "other", "other")  # committee B: not entitled to A's non-public item
    members = (laptop, tablet, deputy)
    # a Tischvorlage on the non-public item of committee A's published meeting
    file_id, sha = clerk.late_paper(agenda_item_id=w.ids["private_item"])
    for client in members:
        wait_until(lambda c=client: c.holds(file_id, sha), SECONDS, f"{client.name} holds the late paper")
        assert client.listener.events >= 1
    # a replacement (new version with a change note) of the public paper's file
    new_id, new_sha = clerk.late_paper(
        supersedes_id=w.ids["public_file"], agenda_item_id=w.ids["public_item"]
    )
    for client in (*members, other):
        wait_until(lambda c=client: c.holds(new_id, new_sha), SECONDS, f"{client.name} holds the new version")
    # the non-entitled client never got the non-public late paper, neither by event nor by a full pass
    passes = other.background.passes  # read before the trigger: a quick pass may end before the next line
    other.background.trigger()
    wait_until(lambda: other.background.passes > passes, SECONDS, "a pass of the other client")
    assert not other.has_file(file_id)
    assert all(not c.errors for c in members), [c.errors for c in members]


def test_a_client_offline_during_the_publish_gets_the_paper_on_reconnect(
    world: tuple[RestartableServer, World], group: Devices, clerk: Clerk, running: list[ConnectedClient]
) -> None:
    _, w = world
    online = _connect(group, running, "member", "online")
    away = _connect(group, running, "deputy", "away", proxy=True)
    first, first_sha = clerk.late_paper(agenda_item_id=w.ids["public_item"])
    wait_until(
        lambda: away.holds(first, first_sha), SECONDS, "the first paper on the client behind the proxy"
    )
    seen_id = away.listener.last_event_id
    assert seen_id is not None
    proxy = group.devices[-1].proxy
    assert proxy is not None
    proxy.inject(Fault.reset())  # the network is gone: every request fails ...
    proxy.stop()  # ... and the open stream breaks
    wait_until(lambda: not away.listener.connected.is_set(), SECONDS, "the stream noticed broken")
    late, late_sha = clerk.late_paper(agenda_item_id=w.ids["public_item"])
    wait_until(lambda: online.holds(late, late_sha), SECONDS, "the online client holds the paper")
    assert not away.holds(late, late_sha)
    failures = away.listener.failures
    wait_until(lambda: away.listener.failures > failures, SECONDS, "a reconnection tried while offline")
    proxy.clear()
    proxy.start()  # a new port: the network is back, under another address (as after a network change)
    away.move_server(proxy.url)
    wait_until(lambda: away.holds(late, late_sha), SECONDS, "the paper after the reconnection")
    assert away.listener.connections >= 2


def test_hostile_event_streams_give_clear_errors_and_reconnects_never_a_crash(
    world: tuple[RestartableServer, World], group: Devices, clerk: Clerk, running: list[ConnectedClient]
) -> None:
    _, w = world
    client = _connect(group, running, "member", "hostile", proxy=True)
    proxy = group.devices[-1].proxy
    assert proxy is not None
    stream = "text/event-stream"
    hostile = [
        Fault.status_code(200, b"data: " + b"x" * 100_000 + b"\n\n", stream),  # a huge line
        Fault.status_code(200, b"\xff\xfe\x00garbage\n\n" * 10, stream),  # not text
        Fault.status_code(200, b": ping\n\n", stream),  # the server closes at once
        Fault.html_200(),  # a login page of the network
        Fault.truncate(after=3),  # cut in the middle of a line
        Fault.status_code(503),
        Fault.malformed_json(),
    ]
    failures = client.listener.failures
    for fault in hostile:
        proxy.inject(fault, r"/api/v1/events$", times=1)
    proxy.stop()  # break the open stream: the next connections meet the faults
    proxy.start()
    client.move_server(proxy.url)
    wait_until(lambda: proxy.seen(r"/api/v1/events$") >= len(hostile) + 1, SECONDS, "every fault met")
    wait_until(lambda: client.listener.connected.is_set(), SECONDS, "connected again")
    assert client.listener.running and client.background.running
    assert client.listener.failures >= failures + 5
    messages = [str(getattr(e, "message", e)) for e in client.errors]
    assert any("longer than" in m for m in messages), messages
    assert any("not UTF-8" in m for m in messages), messages
    assert any("instead of an event stream" in m for m in messages), messages
    late, sha = clerk.late_paper(agenda_item_id=w.ids["public_item"])
    wait_until(lambda: client.holds(late, sha), SECONDS, "a late paper after the hostile streams")


def test_the_stop_of_a_listener_ends_a_waiting_read_at_once(
    world: tuple[RestartableServer, World], group: Devices
) -> None:
    device = group.add("member", "quiet")
    stop = threading.Event()
    opened = threading.Event()
    got: list[object] = []
    with ServerApi(world[0].url, tokens=device.api().tokens, trust_env=False) as api:

        def listen() -> None:
            got.extend(api.events(last_event_id=None, stop=stop, on_open=opened.set))

        thread = threading.Thread(target=listen)
        thread.start()
        assert opened.wait(SECONDS)
        stop.set()
        thread.join(SECONDS)
        assert not thread.is_alive() and got == []


# --- proof of delivery ---------------------------------------------------------------------------------


def test_delivery_reports_complete_stale_and_complete_again_opened_and_opened_offline(
    world: tuple[RestartableServer, World], group: Devices, clerk: Clerk
) -> None:
    _, w = world
    meeting = w.ids["published_meeting"]
    device = group.add("deputy", "deputy", proxy=True)
    before = _row(clerk, w, "deputy")
    assert before["first_complete_at"] is None and before["first_opened_at"] is None
    # the first pass stores the folder: complete
    synchronise(device.paths, index=False)
    row = _row(clerk, w, "deputy")
    assert row["first_complete_at"] is not None and row["current_complete_at"] is not None
    first_complete = row["first_complete_at"]
    assert delivery.pending_count(device.store.db) == 0
    # a second pass with nothing new reports nothing again
    assert synchronise(device.paths, index=False).sync.push_requests == 0
    # the pass fetches a late paper (a new list to report), and another one is published between the
    # pass's pull and its report: the report is stale
    clerk.late_paper(agenda_item_id=w.ids["public_item"])
    published: list[int] = []

    def publish_during_the_pass(progress: Progress) -> None:
        if progress.phase is Phase.DONE and not published:
            published.append(clerk.late_paper(agenda_item_id=w.ids["public_item"])[0])

    synchronise(device.paths, index=False, progress=publish_during_the_pass)
    assert published
    row = _row(clerk, w, "deputy")
    assert row["current_complete_at"] is None and row["first_complete_at"] == first_complete
    assert delivery.pending_count(device.store.db) == 0 and delivery.rejected(device.store.db) == []
    with open_store(device.paths) as store:  # the stale answer made the replica forget the list it sent
        assert store.state(f"{delivery.COMPLETE_KEY}{meeting}") is None
    # the next pass fetches the late paper and reports the folder complete again
    synchronise(device.paths, index=False)
    row = _row(clerk, w, "deputy")
    assert row["current_complete_at"] is not None and row["first_complete_at"] == first_complete
    # opened offline: queued with the device's time, reported when the network is back
    proxy = device.proxy
    assert proxy is not None
    proxy.inject(Fault.reset())
    with open_store(device.paths) as store:
        ReadState(store.db).mark_opened(str(w.ids["public_file"]), None)
        ReadState(store.db).mark_opened(
            str(w.ids["private_item_file"]), None
        )  # same meeting: no second report
        opened_at = store.state(f"{delivery.OPENED_KEY}{meeting}")
    assert opened_at is not None and delivery.pending_count(device.store.db) == 1
    with pytest.raises(SyncFailed):
        push_changes(device.paths)
    assert delivery.pending_count(device.store.db) == 1
    time.sleep(1.5)  # the report goes later than the open happened
    proxy.clear()
    pushed_from = datetime.now(UTC)
    push_changes(device.paths)
    assert delivery.pending_count(device.store.db) == 0
    row = _row(clerk, w, "deputy")
    first_opened = row["first_opened_at"]
    assert isinstance(first_opened, str)
    opened_server = datetime.fromisoformat(first_opened.replace("Z", "+00:00"))
    assert opened_server < pushed_from  # the device's time of the open, not the time of the report
    assert abs((opened_server - datetime.fromisoformat(opened_at.replace("Z", "+00:00"))).total_seconds()) < 1
    # the member who has not synced is missing, no account rows stay as they are
    assert _row(clerk, w, "member")["first_complete_at"] is None


def test_a_connected_client_reports_complete_after_the_late_paper_arrives(
    world: tuple[RestartableServer, World], group: Devices, clerk: Clerk, running: list[ConnectedClient]
) -> None:
    _, w = world
    client = _connect(group, running, "member", "reporting")
    wait_until(lambda: _row(clerk, w, "member")["current_complete_at"] is not None, SECONDS, "complete")
    clerk.late_paper(meeting_id=w.ids["published_meeting"])
    # the late paper makes the folder incomplete on the server; the client fetches it and reports again
    wait_until(
        lambda: _row(clerk, w, "member")["current_complete_at"] is not None and client.background.passes >= 2,
        SECONDS,
        "complete again",
    )


# --- resumable upload ----------------------------------------------------------------------------------


def test_an_interrupted_upload_resumes_from_the_servers_offset(
    world: tuple[RestartableServer, World], group: Devices
) -> None:
    server, _ = world

    pdfs = [p for p in real_pdfs() if 300_000 <= len(p[1]) <= 4_000_000]
    if not pdfs:
        pytest.skip("no real PDF of a few hundred KB in shared/data/pdf")
    name, data = pdfs[0]
    chunk = 64 << 10
    chunks = -(-len(data) // chunk)
    with FaultProxy(server.url) as proxy:
        api = ServerApi(proxy.url, trust_env=False)
        api.login("clerk", "pw-secret-1", "clerk")
        started: list[str] = []
        stop = threading.Event()
        progress: list[int] = []

        def stop_after_three(sent: int, size: int) -> None:
            progress.append(sent)
            if sent >= 3 * chunk:
                stop.set()

        with pytest.raises(TransferCancelled):
            api.upload(
                io.BytesIO(data), len(data), "application/pdf", name, chunk_size=chunk,
                on_started=started.append, on_progress=stop_after_three, stop=stop,
            )  # fmt: skip
        assert len(started) == 1 and proxy.seen(r"/uploads/") == 3  # three PUTs
        # resumed by a new client: it asks the server's offset, sends only the rest; a chunk whose answer
        # is lost (the server took it) is not sent again either
        resumed: list[int] = []

        def lose_one_answer(sent: int, size: int) -> None:
            resumed.append(sent)
            if len(resumed) == 2:
                proxy.inject(Fault.reset(after=0), r"/uploads/", times=1)

        proxy.reset_seen()
        api2 = ServerApi(proxy.url, tokens=api.tokens, trust_env=False)
        result = api2.upload(
            io.BytesIO(data), len(data), "application/pdf", name, chunk_size=chunk,
            resume_id=started[0], on_progress=lose_one_answer,
        )  # fmt: skip
        assert resumed[0] == 3 * chunk  # not from 0
        assert result.size == len(data) and result.upload_id == started[0]
        puts = chunks - 3  # every remaining chunk once (the lost answer's chunk was taken by the server)
        gets = 2  # the offset at the resume and after the lost answer
        assert proxy.seen(r"/uploads/") == puts + gets
        api.close()
        api2.close()
