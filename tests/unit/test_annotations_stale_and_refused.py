"""Review fixes of the annotation store, on real SQLCipher databases: a save made from a stale copy
merges with what a sync pass stored meanwhile; annotations of OParl documents stay local; refused
changes can be kept as private copies or removed; re-anchoring finds placements outside its write
transaction and leaves alone records changed meanwhile."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from gremalda.core.annotations.anchor import page_text_hash, quote_at
from gremalda.core.annotations.merge import create, edit
from gremalda.core.annotations.records import Annotation, Kind
from gremalda.core.annotations.store import AnnotationStore
from gremalda.errors import GremaldaError
from gremalda.store.database import ReplicaDatabase, open_database
from gremalda.store.textindex import TextIndex

QUAD = (10.0, 20.0, 110.0, 20.0, 10.0, 32.0, 110.0, 32.0)
KEY = os.urandom(32)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ReplicaDatabase]:
    with open_database(tmp_path / "r.db", KEY, create=True) as database:
        yield database


def note(file_id: str = "7", text: str = "Frage") -> Annotation:
    return create(
        "dev-a",
        file_id=file_id,
        kind=Kind.NOTE,
        page=0,
        author_id="u1",
        rect=(1.0, 2.0, 21.0, 22.0),
        text=text,
    )


def test_a_save_from_a_stale_copy_keeps_what_a_sync_pass_merged_meanwhile(db: ReplicaDatabase) -> None:
    store = AnnotationStore(db, "dev-a", user_id="u1")
    shown = store.save(note())  # what the viewer holds in memory
    store.acknowledge(store.pending_outbox()[0].id, 1, 11)
    # a sync pass merges the other device's edit (server version 2) after the viewer read the record
    theirs = edit(shown, "dev-b", text="vom Tablet")
    store.apply_remote(theirs, 2, server_id=11)
    # the viewer's next edit is made on its stale copy
    saved = store.save(edit(shown, "dev-a", colour="#ff0000"))
    assert (saved.text, saved.colour) == ("vom Tablet", "#ff0000")
    assert store.get(shown.id) == saved
    [entry] = store.pending_outbox()
    assert (entry.record, entry.base_version) == (saved, 2)  # what goes to the server holds both edits


def test_annotations_of_oparl_documents_stay_on_this_device(db: ReplicaDatabase) -> None:
    oparl_file = "https://ratsinfo.example/oparl/file/12"
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO object (type, id, data, modified) VALUES ('file', ?, ?, '')",
            (oparl_file, json.dumps({"type": "file", "id": oparl_file, "source": "oparl", "source_id": 1})),
        )
        conn.execute(
            "INSERT INTO object (type, id, data, modified) VALUES ('file', '8', ?, '')",
            (json.dumps({"id": 8, "file_name": "a.pdf"}),),
        )
    store = AnnotationStore(db, "dev-a", user_id="u1")
    local = store.save(note(oparl_file))
    gone = store.save(note("https://other.example/oparl/file/3"))  # its document left the replica
    ours = store.save(note("8"))
    assert store.get(local.id) == local and store.get(gone.id) == gone
    assert [e.target_id for e in store.pending_outbox()] == [ours.id]
    store.edit(local.id, text="geändert")
    assert [e.target_id for e in store.pending_outbox()] == [ours.id] and store.pending_count() == 1


def test_refused_changes_are_counted_and_can_be_kept_privately_or_removed(db: ReplicaDatabase) -> None:
    store = AnnotationStore(db, "dev-a", user_id="u1")
    kept, dropped, fine = store.save(note()), store.save(note()), store.save(note())
    for entry in store.pending_outbox():
        if entry.target_id != fine.id:
            store.reject(entry.id, "only its author can change it")
    assert store.rejected_count() == 2 and store.pending_count() == 1
    assert {e.target_id for e, m in store.rejected_outbox() if m == "only its author can change it"} == {
        kept.id,
        dropped.id,
    }
    assert store.keep_local([kept.id]) == 1
    assert store.discard_rejected([dropped.id, fine.id]) == 1  # only a refused one is removed
    assert store.rejected_count() == 0 and store.get(dropped.id) is None and store.get(fine.id) == fine
    assert store.get(kept.id) == kept
    store.edit(kept.id, text="privat")  # a private copy: later changes are not queued
    assert [e.target_id for e in store.pending_outbox()] == [fine.id]
    assert store.get(kept.id).text == "privat"  # type: ignore[union-attr]


def test_reanchoring_finds_placements_outside_its_write_transaction(
    db: ReplicaDatabase, tmp_path: Path
) -> None:
    old_text = "Der Ausschuss berät den Haushaltsplan 2026 und die Straßenreinigung."
    new_text = "Vorbemerkung. Der Ausschuss berät den Haushaltsplan 2026 und die Straßenreinigung."
    db.conn.execute("INSERT INTO file (id, state) VALUES ('1', 'complete'), ('2', 'complete')")
    index = TextIndex(db.conn)
    index.add_pages("1", [(1, old_text)])
    index.add_pages("2", [(1, new_text)])
    store = AnnotationStore(db, "dev-a", user_id="u1")
    start = old_text.index("Haushaltsplan")

    def marked() -> Annotation:
        return store.save(
            create(
                "dev-a", file_id="1", kind=Kind.HIGHLIGHT, page=0, author_id="u1", quads=(QUAD,),
                quote=quote_at(old_text, start, start + len("Haushaltsplan")),
                page_text_hash=page_text_hash(old_text),
            )
        )  # fmt: skip

    first, second = marked(), marked()
    other = open_database(tmp_path / "r.db", KEY, create=False)  # the viewer's own connection
    other.conn.execute("PRAGMA busy_timeout = 0")
    edited: list[Annotation] = []

    def locate(page: int, begin: int, end: int) -> list[tuple[float, ...]]:
        # the viewer saves while the document is read: neither waits for the other nor is overwritten
        if not edited:
            viewer = AnnotationStore(other, "dev-a", user_id="u1")
            edited.append(viewer.edit(second.id, text="während des Verschiebens"))
        return [(1.0, 2.0, 3.0, 2.0, 1.0, 4.0, 3.0, 4.0)]

    try:
        moved = store.reanchor_file("1", "2", "b" * 64, locate=locate)  # type: ignore[arg-type]
    except GremaldaError as exc:  # the old code held the write lock here
        pytest.fail(f"the viewer's save failed while re-anchoring: {exc}")
    finally:
        other.close()
    assert [a.id for a in moved] == [first.id] and moved[0].file_id == "2"
    kept = store.get(second.id)
    assert kept is not None and kept.text == "während des Verschiebens" and kept.file_id == "1"
    again = store.reanchor_file("1", "2", "b" * 64, locate=locate)  # type: ignore[arg-type]
    assert [a.id for a in again] == [second.id] and again[0].text == "während des Verschiebens"
