"""The push channel's listener (sync/engine/events.py) against the real server on loopback, partly behind
the fault-injecting proxy: whether its first connection starts a pass is asked when the stream opens, and
an event id not of the server's form (e.g. from a proxy) is not sent back as Last-Event-ID (the server
would refuse it on every reconnection). Real replicas (keys in the OS keyring: run under
`.ci/with-keyring`)."""

from __future__ import annotations

import threading

import pytest

from gremalda.core.push_channel import server_api
from sync.engine import EventListener
from tests.harness.faultproxy import Fault
from tests.integration.annotdevices import Devices, RestartableServer, publish_paper
from tests.integration.latepapers import quick_backoff, wait_until
from tests.integration.world import World

SECONDS = 120.0  # generous (polled): what must come normally comes within a second
EVENTS = r"/api/v1/events$"


class Calls:
    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def __call__(self) -> None:
        with self._lock:
            self.count += 1


@pytest.mark.parametrize("late", [False, True])
def test_the_first_connection_asks_whether_a_pass_read_the_feed_before_it_opened(
    world: tuple[RestartableServer, World], group: Devices, late: bool
) -> None:
    server, _ = world
    device = group.add("member", "tablet")
    calls = Calls()
    asked: list[bool] = []

    def feed_read() -> bool:
        asked.append(late)
        return late

    listener = EventListener(
        lambda: server_api(device.paths), calls, backoff=quick_backoff, first_trigger=feed_read
    )
    listener.start()
    try:
        assert listener.tried.wait(SECONDS) and listener.connected.is_set()
        publish_paper(server, "Nach dem Öffnen")  # announced: one call for it
        wait_until(lambda: listener.events >= 1 and calls.count >= 1 + late, SECONDS, "the new paper's event")
        # on opening: a call only when a pass read the feed before (a change in between is fetched)
        assert asked == [late] and calls.count == 1 + late
    finally:
        listener.stop()


def test_an_event_id_not_of_the_servers_form_is_not_sent_back(
    world: tuple[RestartableServer, World], group: Devices
) -> None:
    server, _ = world
    device, proxy = group.add_behind_proxy("member", "tablet")
    # a proxy on the way answers the first connection with an event of its own, with its own id
    foreign = b'id: proxy-7f3a\nevent: changes\ndata: {"seq": "x"}\n\n'
    proxy.inject(Fault.status_code(200, foreign, "text/event-stream"), path=EVENTS, times=1)
    calls = Calls()
    listener = EventListener(
        lambda: server_api(device.paths), calls, backoff=quick_backoff, first_trigger=False
    )
    listener.start()
    try:
        # the foreign stream ends at once; the next connection is the server's, and it accepts it
        wait_until(lambda: listener.connections >= 2 and listener.connected.is_set(), SECONDS, "reconnected")
        assert listener.last_event_id is None and listener.failures == 0
        publish_paper(server, "Nach dem Proxy")
        wait_until(lambda: listener.events >= 2, SECONDS, "the server's event")
        assert listener.last_event_id is not None and listener.last_event_id.isdigit()
    finally:
        listener.stop()
