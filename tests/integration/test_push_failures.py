"""A push that fails does not hold up the pull, and a server without one of the push endpoints still takes
the other kind of change (the sync engine's push, sync/engine/engine.py): a real server on loopback
behind the fault-injecting proxy, real replicas (SQLCipher, keys in the OS keyring: run under
`.ci/with-keyring`)."""

from __future__ import annotations

import pytest

from gremalda.core import delivery
from gremalda.core.readstate import ReadState
from sync.client import ServerError, ServerProtocolError, SyncClientError
from sync.engine import RetryPolicy
from tests.harness.faultproxy import Fault
from tests.integration.annotdevices import (
    Device,
    Devices,
    RestartableServer,
    publish_paper,
    server_record,
)
from tests.integration.world import World

BATCH = r"/api/v1/annotations/batch$"
DELIVERIES = r"/api/v1/deliveries$"
QUICK = RetryPolicy(attempts=2, base=0.01, cap=0.05)


def _paper_names(device: Device) -> set[str]:
    rows = device.store.db.conn.execute(
        "SELECT json_extract(data, '$.name') FROM object WHERE type = 'paper'"
    ).fetchall()
    return {str(r[0]) for r in rows}


@pytest.mark.parametrize(
    ("fault", "error"),
    [(Fault.status_code(503), ServerError), (Fault.malformed_json(), ServerProtocolError)],
    ids=["5xx", "nonsense"],
)
def test_a_failing_push_is_reported_and_the_pull_still_brings_what_is_new(
    world: tuple[RestartableServer, World], group: Devices, fault: Fault, error: type[SyncClientError]
) -> None:
    server, w = world
    laptop, proxy = group.add_behind_proxy("member", "laptop")
    assert laptop.sync(QUICK).complete
    made = laptop.note(w.ids["public_file"], "hängt fest")
    publish_paper(server, "Dringliche Vorlage")  # a late paper while the push is stuck
    proxy.inject(fault, path=BATCH)
    report = laptop.sync(QUICK)
    assert report.push_error and report.pushed == 0 and report.pending == 1
    assert "Dringliche Vorlage" in _paper_names(laptop)  # pulled in spite of the push
    assert laptop.notes.pending_count() == 1  # nothing lost
    # a quick push (nothing else to do) still says that it failed
    with pytest.raises(error):
        laptop.push(QUICK)
    proxy.clear()
    assert laptop.sync(QUICK).pushed == 1 and server_record(laptop, made.id)[0] == 1


@pytest.mark.parametrize("push_batch", [1, 500])
def test_a_server_without_deliveries_still_takes_the_annotations(
    world: tuple[RestartableServer, World], group: Devices, push_batch: int
) -> None:
    _server, w = world
    laptop, proxy = group.add_behind_proxy("member", "laptop")
    assert laptop.sync(QUICK).complete
    while delivery.pending_count(laptop.store.db):  # the pass's own complete report, if any: sent
        assert laptop.push(QUICK).push_error == ""
    # an opened report first in the outbox, an annotation behind it; the server is older: no /deliveries
    ReadState(laptop.store.db).mark_opened(str(w.ids["public_file"]), None)
    assert delivery.pending_count(laptop.store.db) == 1
    made = laptop.note(w.ids["public_file"], "trotzdem hochladen")
    proxy.inject(Fault.status_code(404), path=DELIVERIES)
    report = laptop.sync(QUICK, push_batch=push_batch)
    assert report.push_error and report.pushed == 1 and report.pending == 0
    assert server_record(laptop, made.id)[1]["text"] == "trotzdem hochladen"
    assert delivery.pending_count(laptop.store.db) == 1 and delivery.rejected(laptop.store.db) == []
    # the server learns deliveries: the report goes with the next pass
    proxy.clear()
    report = laptop.sync(QUICK, push_batch=push_batch)
    assert report.delivered == 1 and report.push_error == ""
    assert delivery.pending_count(laptop.store.db) == 0
