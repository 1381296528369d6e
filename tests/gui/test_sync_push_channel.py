"""The window's sync bridge opens the server's push channel with its schedule, before its first pass reads
the feed: a change committed after that pass's feed read (here: right after the pass, before the window
would have subscribed under the old order) is announced and fetched at once, not with the next interval
pass. A real server on loopback, a real replica (keys in the OS keyring: run under `.ci/with-keyring`),
the bridge's own threads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gremalda.core.syncing import SyncOutcome, synchronise
from gremalda.paths import DataPaths
from gremalda.store.replica import Store, open_store
from gremalda.ui.sync_bridge import SyncBridge
from tests.integration.annotdevices import Devices, RestartableServer, devices, restartable_world
from tests.integration.world import World

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine
LATE = "Tischvorlage während der ersten Synchronisierung"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[RestartableServer, World]]:
    with restartable_world(tmp_path / "server") as served:
        yield served


@pytest.fixture
def group(tmp_path: Path, world: tuple[RestartableServer, World]) -> Iterator[Devices]:
    with devices(tmp_path, world[0]) as made:
        yield made


def _papers(store: Store) -> set[str]:
    rows = store.db.conn.execute(
        "SELECT json_extract(data, '$.name') FROM object WHERE type = 'paper'"
    ).fetchall()
    return {str(r[0]) for r in rows}


def test_a_change_committed_after_the_first_passs_feed_read_arrives_at_once(
    qtbot: Any, world: tuple[RestartableServer, World], group: Devices
) -> None:
    server, _ = world
    member = group.add("member", "laptop")
    passes: list[SyncOutcome] = []
    first_pass: set[str] = set()  # the papers the first pass stored (read before a second can run)

    def run(paths: DataPaths, **kwargs: Any) -> SyncOutcome:
        outcome = synchronise(paths, index=False, **kwargs)
        if not passes:  # the first pass has read the feed: a clerk publishes a late paper now
            with open_store(paths) as store:  # on the sync thread: a second pass cannot have run yet
                first_pass.update(_papers(store))
            with server.live.client(server.live.token("clerk")) as clerk:
                r = clerk.post("/api/v1/papers", json={"name": LATE})
                assert r.status_code == 201, r.text
        passes.append(outcome)
        return outcome

    bridge = SyncBridge(member.paths, interval=3600, run=run)  # no interval pass within the test
    try:
        with qtbot.waitSignal(bridge.finished, timeout=WAIT):
            bridge.start()
        # not with the first pass (read where it ran: by the time its finished signal is handled here, the
        # second pass, started on the sync thread at once, may already have stored it)
        assert first_pass and LATE not in first_pass
        # announced by the push channel (open before the pass read the feed): a second pass fetches it
        qtbot.waitUntil(lambda: LATE in _papers(member.store), timeout=WAIT)
    finally:
        bridge.stop()
