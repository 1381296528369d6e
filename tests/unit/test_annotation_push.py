"""The replica's side of pushing and pulling annotations, on a real SQLCipher database (no server needed):
what the server's answers do to the outbox (acknowledged, merged after a conflict, refused and kept), the
server ids, and annotation entries of the change feed (merged, malformed ones skipped, others' removed,
the user's own never)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from gremalda.core.annotations.merge import create, edit
from gremalda.core.annotations.records import Annotation, Kind, Stamp, Visibility, to_dict
from gremalda.paths import data_paths
from gremalda.store.database import open_database
from gremalda.store.replica import Store, StoreReplica, put_state
from gremalda.store.vault import Vault
from sync.client.api import Change
from sync.engine import PushResult, PushStatus

ME, THEM = "7", "8"


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[StoreReplica]:
    paths = data_paths(tmp_path / "client")
    paths.root.mkdir(parents=True)
    db = open_database(paths.database, os.urandom(32), create=True)
    with db.transaction() as conn:
        put_state(conn, "account", json.dumps({"id": int(ME), "username": "member"}))
    store = Store(paths, db, Vault(paths.vault, os.urandom(32)))
    try:
        yield StoreReplica(store)
    finally:
        store.close()


def note(author: str = ME, text: str = "Frage", device: str = "dev-a") -> Annotation:
    return create(
        device, file_id="42", kind=Kind.NOTE, page=0, author_id=author, rect=(1.0, 2.0, 3.0, 4.0), text=text
    )


def entry(record: Annotation, server_id: int, version: int = 1, seq: int = 1) -> Change:
    data = {
        "type": "annotation",
        "id": server_id,
        "version": version,
        "uuid": record.id,
        "file_id": int(record.file_id),
        "author_id": int(record.author_id),
        "modified": "2026-12-01T10:00:00Z",
        "record": to_dict(record),
    }
    return Change("upsert", seq, "annotation", server_id, data)


def test_the_replica_knows_its_user_and_lists_what_to_push_in_order(replica: StoreReplica) -> None:
    notes = replica.annotations
    assert notes.user_id == ME
    a, b = notes.save(note(text="a")), notes.save(note(text="b"))
    notes.edit(a.id, text="a2")  # replaces the unsent create of a: one row per annotation
    out = replica.outgoing(10)
    assert [(o.target_type, o.target_id, o.base_version, o.payload["text"]) for o in out] == [
        ("annotation", b.id, None, "b"),
        ("annotation", a.id, None, "a2"),
    ]
    assert out[1].payload == to_dict(notes.get(a.id))  # type: ignore[arg-type]
    assert len({o.idempotency_key for o in out}) == 2
    assert replica.outgoing(1) == out[:1] and replica.pending_pushes() == 2


def test_an_acknowledged_change_leaves_the_outbox_and_later_ones_build_on_its_version(
    replica: StoreReplica,
) -> None:
    notes = replica.annotations
    a = notes.save(note())
    [sent] = replica.outgoing(10)
    notes.mark_failed(sent.outbox_id, "timeout")  # tried: a later change does not replace it
    notes.edit(a.id, text="später")
    assert replica.pending_pushes() == 1 and len(replica.outgoing(10)) == 2
    replica.pushed([PushResult(sent.outbox_id, PushStatus.OK, version=3, server_id=91)])
    [later] = replica.outgoing(10)
    assert later.base_version == 3 and later.payload["text"] == "später"
    assert notes.version(a.id) == 3 and notes.server_id(a.id) == 91
    replica.pushed([PushResult(later.outbox_id, PushStatus.OK, version=4, server_id=91)])
    assert replica.outgoing(10) == [] and replica.pending_pushes() == 0 and notes.version(a.id) == 4


def test_a_conflict_is_merged_and_pushed_again_only_when_the_server_lacks_something(
    replica: StoreReplica,
) -> None:
    notes = replica.annotations
    a = notes.save(note())
    [sent] = replica.outgoing(10)
    theirs = edit(a, "dev-b", colour="#ff0000")  # the other device changed the colour meanwhile
    replica.pushed(
        [
            PushResult(
                sent.outbox_id, PushStatus.CONFLICT, server_id=5, current=to_dict(theirs), current_version=2
            )
        ]
    )
    # the server's record holds everything we had: nothing to push again
    assert replica.outgoing(10) == [] and notes.get(a.id) == theirs and notes.version(a.id) == 2
    notes.edit(a.id, text="meins")
    [again] = replica.outgoing(10)
    # the other device's text edit has the same counter as ours, and loses by device id ("0" sorts first)
    newer = edit(theirs, "0", text="deins")
    answer = PushResult(
        again.outbox_id, PushStatus.CONFLICT, server_id=5, current=to_dict(newer), current_version=3
    )
    replica.pushed([answer])
    [merged] = replica.outgoing(10)
    assert merged.base_version == 3 and (merged.payload["colour"], merged.payload["text"]) == (
        "#ff0000",
        "meins",
    )
    assert to_dict(notes.get(a.id)) == merged.payload  # type: ignore[arg-type]
    # had theirs won, the merge would be theirs: nothing to push again
    again_theirs = edit(notes.get(a.id), "zzzz", text="deins")  # type: ignore[arg-type]
    replica.pushed(
        [
            PushResult(
                merged.outbox_id,
                PushStatus.CONFLICT,
                server_id=5,
                current=to_dict(again_theirs),
                current_version=4,
            )
        ]
    )
    assert replica.outgoing(10) == [] and notes.get(a.id) == again_theirs and notes.version(a.id) == 4


def test_a_refused_change_is_kept_with_its_message_until_the_annotation_changes(
    replica: StoreReplica,
) -> None:
    notes = replica.annotations
    a, b = notes.save(note(text="a")), notes.save(note(text="b"))
    first, second = replica.outgoing(10)
    replica.pushed(
        [
            PushResult(first.outbox_id, PushStatus.REJECTED, message="The document 42 does not exist."),
            PushResult(second.outbox_id, PushStatus.OK, version=1, server_id=2),
        ]
    )
    assert replica.outgoing(10) == [] and replica.pending_pushes() == 0
    [(kept, message)] = notes.rejected_outbox()
    assert kept.target_id == a.id and message == "The document 42 does not exist." and kept.attempts == 1
    assert notes.get(a.id) == a  # the annotation itself stays
    notes.edit(a.id, text="a2")
    [retry] = replica.outgoing(10)
    replica.pushed([PushResult(retry.outbox_id, PushStatus.REJECTED, message="again")])
    assert [m for _, m in notes.rejected_outbox()] == ["again"]  # the older refusal is contained
    notes.edit(a.id, text="a3")
    [third] = replica.outgoing(10)
    replica.pushed([PushResult(third.outbox_id, PushStatus.OK, version=1, server_id=3)])
    assert notes.rejected_outbox() == [] and b.id != a.id


def test_a_current_record_that_does_not_merge_is_refused_not_applied(replica: StoreReplica) -> None:
    notes = replica.annotations
    a = notes.save(note())
    [sent] = replica.outgoing(10)
    forged = to_dict(replace(a, author_id=THEM))  # the same id, another author: not a version of it
    replica.pushed(
        [PushResult(sent.outbox_id, PushStatus.CONFLICT, server_id=5, current=forged, current_version=2)]
    )
    assert notes.get(a.id) == a and replica.outgoing(10) == []
    [(_entry, message)] = notes.rejected_outbox()
    assert "cannot be merged" in message


def test_feed_entries_merge_skip_what_is_malformed_and_remove_only_others(replica: StoreReplica) -> None:
    notes = replica.annotations
    mine = notes.save(note(text="meins"))
    theirs = note(author=THEM, text="geteilt", device="dev-t")
    bad = dict(entry(theirs, 12).data or {}, record={**to_dict(theirs), "colour": "red"})
    wrong_author = dict(entry(note(author=THEM), 13).data or {}, author_id=int(ME))
    page = [
        entry(theirs, 11),
        Change("upsert", 2, "annotation", 12, bad),
        Change("upsert", 3, "annotation", 13, wrong_author),
        entry(mine, 10, version=1, seq=4),
    ]
    applied = replica.apply_page(page, "c1", last=True)
    assert (applied.upserts, applied.skipped) == (2, 2)
    assert notes.get(theirs.id) == theirs and notes.server_id(theirs.id) == 11
    assert notes.server_id(mine.id) == 10 and notes.version(mine.id) == 1
    assert replica.store.db.conn.execute("SELECT count(*) FROM object").fetchone()[0] == 0
    # lost access: a removal drops their annotation, never mine
    applied = replica.apply_page(
        [Change("remove", 5, "annotation", 11, None), Change("remove", 6, "annotation", 10, None)],
        "c2",
        last=True,
    )
    assert applied.removes == 1 and notes.get(theirs.id) is None and notes.get(mine.id) is not None


def test_a_snapshot_drops_the_others_it_did_not_mention_and_keeps_all_of_mine(replica: StoreReplica) -> None:
    notes = replica.annotations
    mine = notes.save(note(text="nur hier"))  # never pushed: no server id
    kept, gone = note(author=THEM, device="dev-t"), note(author=THEM, text="weg", device="dev-t")
    replica.apply_page([entry(kept, 21), entry(gone, 22, seq=2)], "c1", last=True)
    replica.begin_snapshot()
    replica.apply_page([entry(kept, 21, seq=5)], "c2", last=False)
    assert notes.get(gone.id) is not None  # not before the snapshot's end
    replica.apply_page([], "c3", last=True)
    assert set(a.id for a in notes.all()) == {mine.id, kept.id}
    assert replica.pending_pushes() == 1


def test_stamps_survive_the_round_trip_through_the_feed(replica: StoreReplica) -> None:
    theirs = replace(
        note(author=THEM, device="dev-t"),
        visibility=Visibility.FACTION,
        clocks={"placement": Stamp(4, "dev-t"), "visibility": Stamp(9, "dev-t")},
    )
    replica.apply_page([entry(theirs, 30)], "c1", last=True)
    assert replica.annotations.get(theirs.id) == theirs


def test_a_change_saved_while_its_push_was_under_way_builds_on_the_answer(replica: StoreReplica) -> None:
    notes = replica.annotations
    a = notes.save(note())
    [sent] = replica.outgoing(10)
    notes.edit(a.id, text="während des Hochladens")  # replaces the row being pushed (never tried before)
    replica.pushed([PushResult(sent.outbox_id, PushStatus.OK, version=1, server_id=17)])
    [later] = replica.outgoing(10)
    assert later.base_version == 1 and later.payload["text"] == "während des Hochladens"
    assert notes.version(a.id) == 1 and notes.server_id(a.id) == 17
