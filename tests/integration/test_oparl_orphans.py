"""Annotations on an OParl source's documents keep their document's name and place when the source
removes it (an entity's tombstone, a paper that drops a file, a removed source), as a feed removal of
our server's documents does: a real replica (keys in the OS keyring: run under `.ci/with-keyring`)."""

from __future__ import annotations

from gremalda.core.annotations.merge import create
from gremalda.core.annotations.records import Kind
from gremalda.core.annotations.store import AnnotationStore
from gremalda.store.oparl_replica import OParlStoreReplica, add_source, delete_source
from gremalda.store.replica import Store
from sync.oparl.mapping import Entity, Record

MEETING, ITEM, FILE = "https://ris.example/m/1", "https://ris.example/i/1", "https://ris.example/f/1"
LABEL = "Haushalt 2027 — TOP 3 · Rat"


def _meeting(*, with_file: bool = True) -> Entity:
    records = [
        Record("meeting", MEETING, {"type": "meeting", "id": MEETING, "name": "Rat", "source": "oparl"}, "m"),
        Record(
            "agenda_item",
            ITEM,
            {"type": "agenda_item", "id": ITEM, "number": "3", "meeting_id": MEETING, "source": "oparl"},
            "m",
        ),
    ]
    if with_file:
        data = {
            "type": "file",
            "id": FILE,
            "name": "Haushalt 2027",
            "agenda_item_id": ITEM,
            "source": "oparl",
        }
        records.append(Record("file", FILE, data, "m"))
    return Entity(owner=MEETING, kind="meeting", modified="m", records=records)


def _annotate(store: Store) -> tuple[AnnotationStore, str]:
    notes = AnnotationStore(store.db, "laptop", user_id="3")
    made = create(
        "laptop",
        now="2026-12-01T10:00:00Z",
        file_id=FILE,
        kind=Kind.NOTE,
        page=0,
        author_id="3",
        author_name="Max",
        rect=(1.0, 1.0, 20.0, 20.0),
        text="Kosten?",
    )
    notes.save(made)
    return notes, made.id


def _source(store: Store) -> OParlStoreReplica:
    row = add_source(store, "https://ris.example/system", body_url=None, files="all", ca_bundle=None)
    return OParlStoreReplica(store, row.id)


def test_a_file_the_source_no_longer_brings_keeps_its_name_and_place(store: Store) -> None:
    replica = _source(store)
    replica.apply([_meeting()])
    notes, kept = _annotate(store)
    applied = replica.apply([_meeting(with_file=False)])
    assert applied.removed["file"] == 1
    assert notes.document_labels([FILE]) == {FILE: LABEL}
    assert notes.get(kept) is not None


def test_a_meeting_removed_with_its_items_and_files_keeps_the_place(store: Store) -> None:
    replica = _source(store)
    replica.apply([_meeting()])
    notes, _ = _annotate(store)
    replica.apply([Entity(owner=MEETING, kind="meeting", modified="n", deleted=True)])
    assert store.db.conn.execute("SELECT count(*) FROM object").fetchone()[0] == 0
    assert notes.document_labels([FILE]) == {FILE: LABEL}


def test_a_removed_source_leaves_named_orphans(store: Store) -> None:
    replica = _source(store)
    replica.apply([_meeting()])
    notes, kept = _annotate(store)
    delete_source(store, replica.source_id)
    assert notes.document_labels([FILE]) == {FILE: LABEL}
    assert [a.id for a in notes.orphaned_in_replica()] == [kept]
