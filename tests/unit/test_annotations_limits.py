"""The server's size limits of an annotation (sync/protocol/limits.py) checked when the user saves, in a
real SQLCipher replica: a record the server would refuse is refused at once with a message for people,
and nothing of it is stored (neither the record nor an outbox row). Deleting stays possible."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from gremalda.core.annotations.errors import AnnotationTooLarge, InkTooLarge
from gremalda.core.annotations.merge import create
from gremalda.core.annotations.records import Annotation, InkPoint, Kind, to_dict
from gremalda.core.annotations.store import AnnotationStore
from gremalda.store.database import ReplicaDatabase, open_database
from gremalda.store.textindex import TextIndex
from sync.protocol.limits import (
    MAX_ANNOTATION_BYTES,
    MAX_INK_STROKES,
    MAX_STROKE_POINTS,
    annotation_record_bytes,
)
from sync.server.api import annotation_record, annotations

TOO_LONG = "This note is too long to be shared: at most 64 KiB"
TOO_LARGE_INK = "This drawing is too large to be shared: at most 100 strokes of at most 1,000 points each."


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ReplicaDatabase]:
    with open_database(tmp_path / "r.db", os.urandom(32), create=True) as database:
        yield database


@pytest.fixture
def store(db: ReplicaDatabase) -> AnnotationStore:
    return AnnotationStore(db, "dev-a", user_id="7")


def note(text: str) -> Annotation:
    return create(
        "dev-a", file_id="42", kind=Kind.NOTE, page=0, author_id="7", rect=(1.0, 2.0, 21.0, 22.0), text=text
    )


def ink(strokes: list[list[InkPoint]]) -> Annotation:
    return create(
        "dev-a", file_id="42", kind=Kind.INK, page=0, author_id="7", strokes=tuple(map(tuple, strokes))
    )


def exactly_at_the_limit() -> Annotation:
    """A note whose record is exactly MAX_ANNOTATION_BYTES (multi-byte text: counted as UTF-8)."""
    base = annotation_record_bytes(to_dict(note("")))
    free = MAX_ANNOTATION_BYTES - base
    record = note("ä" * (free // 2) + "x" * (free % 2))
    assert annotation_record_bytes(to_dict(record)) == MAX_ANNOTATION_BYTES
    return record


def _state(store: AnnotationStore) -> tuple[list[Annotation], list[tuple[int, str, str]]]:
    rows = store.db.conn.execute("SELECT id, target_id, payload FROM outbox ORDER BY id").fetchall()
    return store.all(include_deleted=True), [tuple(r) for r in rows]


def test_server_and_client_share_one_set_of_limits() -> None:
    assert annotations.MAX_RECORD_BYTES == MAX_ANNOTATION_BYTES == 64 * 1024
    assert (annotation_record.MAX_STROKES, annotation_record.MAX_STROKE_POINTS) == (
        MAX_INK_STROKES,
        MAX_STROKE_POINTS,
    )


def test_a_note_at_the_limit_is_saved_and_one_byte_more_is_refused_with_nothing_stored(
    store: AnnotationStore,
) -> None:
    at_limit = store.save(exactly_at_the_limit())
    assert store.get(at_limit.id) == at_limit and len(store.pending_outbox()) == 1
    before = _state(store)
    with pytest.raises(AnnotationTooLarge) as raised:
        store.edit(at_limit.id, text=at_limit.text + "x")
    assert raised.value.message.startswith(TOO_LONG)
    assert "The change was not saved." in raised.value.message
    assert _state(store) == before  # the record and its queued change as they were

    # a new note that is too long: nothing of it is stored
    with pytest.raises(AnnotationTooLarge, match="too long to be shared"):
        store.save(note("x" * MAX_ANNOTATION_BYTES))
    assert _state(store) == before


def test_ink_over_the_stroke_limits_is_refused_with_nothing_stored(store: AnnotationStore) -> None:
    point: InkPoint = (10.0, 10.0, None)
    kept = store.save(ink([[point] * MAX_STROKE_POINTS]))  # at the limits: saved
    store.save(ink([[point]] * MAX_INK_STROKES))
    before = _state(store)
    for strokes in ([[point] * (MAX_STROKE_POINTS + 1)], [[point]] * (MAX_INK_STROKES + 1)):
        with pytest.raises(InkTooLarge) as raised:
            store.save(ink(strokes))
        assert (
            raised.value.message
            == TOO_LARGE_INK + " Split it into several drawings. The change was not saved."
        )
    with pytest.raises(InkTooLarge):  # an edit that adds a stroke too many
        store.edit(kept.id, strokes=(*kept.strokes, *[(point,)] * MAX_INK_STROKES))
    assert _state(store) == before
    assert isinstance(InkTooLarge(), AnnotationTooLarge)


def test_a_record_larger_than_the_limit_can_still_be_deleted_and_kept_on_this_device(
    store: AnnotationStore,
) -> None:
    """A record stored before the limit was checked here (from the server or an older client): deleting it
    is never refused; one kept on this device only is not shared, so no limit applies."""
    big = note("x" * MAX_ANNOTATION_BYTES)
    store.apply_remote(big, 3)
    gone = store.delete(big.id)
    assert not gone.alive and store.get(big.id) == gone
    assert [e.record for e in store.pending_outbox()] == [gone]  # the server may refuse it; it says so

    local = store.save(note("klein"))
    store.keep_local([local.id])
    grown = store.edit(local.id, text="y" * MAX_ANNOTATION_BYTES)
    assert store.get(local.id) == grown and grown.text == "y" * MAX_ANNOTATION_BYTES
    assert [e.record for e in store.pending_outbox()] == [gone]  # nothing queued of the kept one


def test_re_anchoring_moves_the_others_and_leaves_a_record_over_the_limit_where_it_is(
    store: AnnotationStore, db: ReplicaDatabase
) -> None:
    """A record stored over the limit before it was checked here is not moved onto a new version (the
    move could not be shared); the document's other annotations are moved."""
    db.conn.execute("INSERT INTO file (id, state) VALUES ('42', 'complete'), ('43', 'complete')")
    TextIndex(db.conn).add_pages("43", [(1, "Neue Fassung")])
    big = note("x" * MAX_ANNOTATION_BYTES)
    store.apply_remote(big, 1)
    small = store.save(note("klein"))
    moved = store.reanchor_file("42", "43", "b" * 64)
    assert [a.id for a in moved] == [small.id] and moved[0].file_id == "43"
    assert store.get(big.id) == big
