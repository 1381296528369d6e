"""A *complete* delivery report the server refuses (the meeting was briefly back to draft when it arrived)
is reported again once the meeting is published again (gremalda/core/delivery.py): a real server on
loopback behind the fault-injecting proxy, a real replica (SQLCipher, keys in the OS keyring: run under
`.ci/with-keyring`)."""

from __future__ import annotations

from gremalda.core import delivery
from gremalda.core.syncing import push_changes, synchronise
from tests.harness.faultproxy import Fault
from tests.integration.annotdevices import Devices, RestartableServer
from tests.integration.latepapers import Clerk
from tests.integration.world import World

DELIVERIES = r"/api/v1/deliveries$"


def _set_state(server: RestartableServer, meeting: int, state: str) -> None:
    with server.live.client(server.live.token("clerk")) as clerk:
        r = clerk.patch(f"/api/v1/meetings/{meeting}", json={"state": state}, headers={"If-Match": "*"})
        assert r.status_code == 200, r.text


def test_a_refused_complete_report_is_sent_again_when_the_meeting_is_published_again(
    world: tuple[RestartableServer, World], group: Devices
) -> None:
    server, w = world
    meeting = w.ids["published_meeting"]
    device = group.add("deputy", "deputy", proxy=True)
    proxy = device.proxy
    assert proxy is not None
    # the pass stores the folder and queues its complete report; the report does not get through yet
    proxy.inject(Fault.reset(), path=DELIVERIES)
    synchronise(device.paths, index=False)
    assert delivery.pending_count(device.store.db) == 1
    # meanwhile the meeting is back to draft for a moment: the report arrives then and is refused
    _set_state(server, meeting, "draft")
    proxy.clear()
    push_changes(device.paths)
    assert delivery.pending_count(device.store.db) == 0
    [(_, payload, message)] = delivery.rejected(device.store.db)
    assert payload["event"] == "complete" and message  # a draft is not even visible to members
    # published again: the next pass reports the folder the device holds, and the server takes it
    _set_state(server, meeting, "published")
    synchronise(device.paths, index=False)
    assert delivery.pending_count(device.store.db) == 0
    clerk = Clerk(server.url)
    try:
        row = clerk.deliveries(meeting)[w.ids["person_deputy"]]
    finally:
        clerk.close()
    assert row["first_complete_at"] is not None and row["current_complete_at"] is not None
    # the refused report stays on record, with the server's message
    assert len(delivery.rejected(device.store.db)) == 1
