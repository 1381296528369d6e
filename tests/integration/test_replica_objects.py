"""Objects put into the replica by the feed and by the clerk's local echo go through one place
(`StoreReplica.put_object` / `remove_object`): a real replica (keys in the OS keyring: run under
`.ci/with-keyring`)."""

from __future__ import annotations

from gremalda.core.annotations.merge import create
from gremalda.core.annotations.records import Kind
from gremalda.core.annotations.store import AnnotationStore
from gremalda.core.clerk import local
from gremalda.store.replica import Store, StoreReplica
from sync.client.api import Change

OLD, NEW = "a" * 64, "b" * 64


def _file(version: int, sha256: str) -> dict[str, object]:
    return {"type": "file", "id": 9, "version": version, "sha256": sha256, "size": 3, "modified": "x"}


def _row(store: Store) -> tuple[object, ...] | None:
    row = store.db.conn.execute("SELECT sha256, state FROM file WHERE id = '9'").fetchone()
    return None if row is None else tuple(row)


def test_a_late_echo_leaves_the_newer_file_the_feed_brought(store: Store) -> None:
    replica = StoreReplica(store)
    replica.apply_page([Change(seq=1, kind="file", id=9, op="upsert", data=_file(5, NEW))], "c1", last=True)
    local.remember(store, _file(4, OLD))  # the answer to an older write, echoed after the feed's page
    assert _row(store) == (NEW, "missing")
    assert local.get(store, "file", 9)["sha256"] == NEW
    local.remember(store, _file(6, OLD))  # a newer answer replaces the content to fetch
    assert _row(store) == (OLD, "missing") and local.version(store, "file", 9) == 6


def test_a_forgotten_file_goes_with_its_row_as_a_feed_removal_would(store: Store) -> None:
    local.remember(store, _file(1, OLD))
    assert _row(store) == (OLD, "missing")
    local.forget(store, "file", 9)
    assert _row(store) is None
    assert store.db.conn.execute("SELECT count(*) FROM object").fetchone()[0] == 0
    assert store.state("gc_pending") == "1"


def test_annotations_on_a_file_the_clerk_deleted_keep_its_name(store: Store) -> None:
    local.remember(store, {**_file(1, OLD), "name": "Vorlage Haushalt"})
    notes = AnnotationStore(store.db, "laptop", user_id="3")
    made = create(
        "laptop",
        now="2026-12-01T10:00:00Z",
        file_id="9",
        kind=Kind.NOTE,
        page=0,
        author_id="3",
        author_name="Max",
        rect=(1.0, 1.0, 20.0, 20.0),
        text="Kosten?",
    )
    notes.save(made)
    local.forget(store, "file", 9)  # the clerk deleted it: gone before the feed tells
    assert notes.document_labels(["9"]) == {"9": "Vorlage Haushalt"}
    assert notes.get(made.id) is not None  # the user's own annotation stays (an orphan)


def _note_on_9(store: Store) -> AnnotationStore:
    notes = AnnotationStore(store.db, "laptop", user_id="3")
    notes.save(
        create(
            "laptop",
            now="2026-12-01T10:00:00Z",
            file_id="9",
            kind=Kind.NOTE,
            page=0,
            author_id="3",
            author_name="Max",
            rect=(1.0, 1.0, 20.0, 20.0),
            text="Kosten?",
        )
    )
    return notes


def _item_with_file(store: Store) -> None:
    local.remember(store, {"type": "meeting", "id": 1, "version": 1, "name": "Rat", "modified": "x"})
    item = {"type": "agenda_item", "id": 2, "version": 1, "number": "3", "meeting_id": 1, "modified": "x"}
    local.remember(store, item)
    local.remember(store, {**_file(1, OLD), "name": "Vorlage Haushalt", "agenda_item_id": 2})


def test_a_file_forgotten_after_its_agenda_item_keeps_the_item_in_its_name(store: Store) -> None:
    _item_with_file(store)
    notes = _note_on_9(store)
    local.forget(store, "agenda_item", 2)  # the clerk deleted the item; its file goes later
    local.forget(store, "file", 9)
    assert notes.document_labels(["9"]) == {"9": "Vorlage Haushalt — TOP 3 · Rat"}


def test_a_feed_removal_split_across_pages_keeps_the_place(store: Store) -> None:
    replica = StoreReplica(store)
    _item_with_file(store)
    notes = _note_on_9(store)
    replica.apply_page([Change(seq=1, kind="agenda_item", id=2, op="remove", data=None)], "c1", last=True)
    replica.apply_page([Change(seq=2, kind="meeting", id=1, op="remove", data=None)], "c2", last=True)
    replica.apply_page([Change(seq=3, kind="file", id=9, op="remove", data=None)], "c3", last=True)
    assert notes.document_labels(["9"]) == {"9": "Vorlage Haushalt — TOP 3 · Rat"}


def test_a_file_removed_after_its_meeting_but_before_its_item_keeps_the_meeting_in_its_name(
    store: Store,
) -> None:
    """The item is still there when the file goes, its meeting is not: the label made while the meeting was
    there stays (a label that silently lost the meeting must not replace it)."""
    replica = StoreReplica(store)
    _item_with_file(store)
    notes = _note_on_9(store)
    replica.apply_page([Change(seq=1, kind="meeting", id=1, op="remove", data=None)], "c1", last=True)
    replica.apply_page([Change(seq=2, kind="file", id=9, op="remove", data=None)], "c2", last=True)
    replica.apply_page([Change(seq=3, kind="agenda_item", id=2, op="remove", data=None)], "c3", last=True)
    assert notes.document_labels(["9"]) == {"9": "Vorlage Haushalt — TOP 3 · Rat"}


def test_a_file_moved_to_another_item_is_named_by_its_new_place_when_it_goes(store: Store) -> None:
    """A label made when some place object went is replaced when the file goes with its whole place there."""
    _item_with_file(store)
    notes = _note_on_9(store)
    local.remember(
        store, {"type": "agenda_item", "id": 5, "version": 1, "number": "7", "meeting_id": 1, "modified": "x"}
    )
    local.forget(store, "agenda_item", 2)  # labels the file as "TOP 3 · Rat"
    local.remember(store, {**_file(2, OLD), "name": "Vorlage Haushalt", "agenda_item_id": 5})
    local.forget(store, "file", 9)
    assert notes.document_labels(["9"]) == {"9": "Vorlage Haushalt — TOP 7 · Rat"}
