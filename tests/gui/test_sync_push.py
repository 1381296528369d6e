"""The window's sync bridge pushes annotations soon after they are saved, and within seconds when the
network comes back: a real server on loopback behind a fault-injecting proxy (the network going away),
a real replica (keys in the OS keyring: run under `.ci/with-keyring`), the bridge's own thread."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from gremalda.core.syncing import synchronise
from gremalda.ui.sync_bridge import SyncBridge
from sync.engine import RetryPolicy
from tests.harness.faultproxy import Fault
from tests.integration.annotdevices import (
    Devices,
    RestartableServer,
    devices,
    restartable_world,
    server_record,
)
from tests.integration.world import World

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[RestartableServer, World]]:
    with restartable_world(tmp_path / "server") as served:
        yield served


@pytest.fixture
def group(tmp_path: Path, world: tuple[RestartableServer, World]) -> Iterator[Devices]:
    with devices(tmp_path, world[0]) as made:
        yield made


def test_saved_annotations_are_pushed_soon_and_when_the_network_is_back(
    qtbot: Any, world: tuple[RestartableServer, World], group: Devices
) -> None:
    _server, w = world
    laptop = group.add("member", "laptop", proxy=True, timeout=60.0)  # its API client, for server_record
    proxy = laptop.proxy
    assert proxy is not None
    # a pass's retry waits up to ten minutes (jittered): only the network coming back ends it sooner
    run = partial(synchronise, index=False, retry=RetryPolicy(attempts=2, base=600, cap=600))
    # the push channel off: its passes (after an event, e.g. for this push) would blur the counts here
    bridge = SyncBridge(laptop.paths, interval=3600, run=run, probe=0.2, push_channel=False)
    told: list[int] = []  # what waited in the replica each time the bridge said the outbox may have changed
    bridge.outboxChanged.connect(lambda: told.append(laptop.notes.pending_count()))
    try:
        with qtbot.waitSignals([bridge.outboxChanged, bridge.finished], timeout=WAIT, order="strict"):
            bridge.start()
        assert told == [0]
        # a save here: pushed about a second later, without a full pass
        first = laptop.note(w.ids["public_file"], "gleich hochladen")
        with qtbot.waitSignal(bridge.pushed, timeout=WAIT) as pushed:
            bridge.push_soon()
            bridge.push_soon()  # a burst of saves makes one push
        assert pushed.args[0].pushed == 1 and pushed.args[0].pending == 0
        qtbot.waitUntil(lambda: len(told) == 2, timeout=WAIT)
        assert told == [0, 0]
        assert server_record(laptop, first.id)[1]["text"] == "gleich hochladen"
        # the network goes away: the push fails, and the window is told to count what waits again
        proxy.inject(Fault.reset(), path="")
        second = laptop.note(w.ids["public_file"], "im Zug")
        with qtbot.waitSignal(bridge.outboxChanged, timeout=WAIT):
            bridge.push_soon()
        assert told[-1] == 1
        # back: a probe a few tenths of a second later succeeds, and a full pass follows at once
        passes = bridge._background.passes
        with qtbot.waitSignals([bridge.pushed, bridge.finished], timeout=WAIT, order="strict"):
            proxy.clear()
        assert bridge._background.passes == passes + 1 and told[-1] == 0
        assert server_record(laptop, second.id)[1]["text"] == "im Zug"
        # the network said to be back while a pass waits for its retry: it goes on at once
        proxy.inject(Fault.reset(), path="")
        feed = r"/api/v1/changes$"
        asked = proxy.seen(feed)
        bridge.sync_now()
        qtbot.waitUntil(lambda: proxy.seen(feed) > asked, timeout=WAIT)  # failed once: waiting now
        proxy.clear()
        with qtbot.waitSignal(bridge.finished, timeout=WAIT):
            bridge.network_back()
        assert told[-1] == 0 and 1 in told
    finally:
        bridge.stop()
