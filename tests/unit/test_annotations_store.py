"""Annotations in a real SQLCipher replica database: a save and its outbox row commit together (or
neither does), deletes are tombstones, remote records merge, orphans are kept, re-anchoring."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import sqlcipher3
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from gremalda.core.annotations.anchor import page_text_hash, quote_at
from gremalda.core.annotations.errors import InvalidAnnotation, ReadOnlyAnnotation
from gremalda.core.annotations.merge import create, delete, edit, merge
from gremalda.core.annotations.records import Annotation, Kind, TextQuote
from gremalda.core.annotations.store import AnnotationStore, device_id
from gremalda.store.database import ReplicaDatabase, migrate, open_database
from gremalda.store.textindex import TextIndex

QUAD = (10.0, 20.0, 110.0, 20.0, 10.0, 32.0, 110.0, 32.0)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ReplicaDatabase]:
    with open_database(tmp_path / "r.db", os.urandom(32), create=True) as database:
        yield database


@pytest.fixture
def store(db: ReplicaDatabase) -> AnnotationStore:
    return AnnotationStore(db, "dev-a")


def note(file_id: str = "f1", device: str = "dev-a", page: int = 0, text: str = "Frage") -> Annotation:
    return create(
        device,
        file_id=file_id,
        kind=Kind.NOTE,
        page=page,
        author_id="u1",
        rect=(1.0, 2.0, 21.0, 22.0),
        text=text,
    )


def test_save_writes_the_record_and_one_outbox_row(store: AnnotationStore) -> None:
    record = store.save(note())
    assert store.get(record.id) == record and store.list_for_file("f1") == [record]
    [entry] = store.pending_outbox()
    assert (entry.action, entry.target_id, entry.base_version, entry.record) == (
        "put",
        record.id,
        None,
        record,
    )
    uuid.UUID(entry.idempotency_key)
    edited = store.edit(record.id, text="Antwort")
    [entry2] = store.pending_outbox()  # the unsent older change is contained in the newer one
    assert entry2.record == edited and edited.text == "Antwort"


def test_a_failure_mid_transaction_leaves_neither_record_nor_outbox_row(
    store: AnnotationStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = store.save(note())

    def broken(self: AnnotationStore, record: Annotation, base_version: int | None) -> None:
        self.db.conn.execute(
            "INSERT INTO outbox (idempotency_key, action, target_type, target_id, payload)"
            " VALUES ('k', 'put', 'annotation', ?, '{}')",
            (record.id,),
        )
        raise OSError("disk gone")

    monkeypatch.setattr(AnnotationStore, "_enqueue", broken)
    lost = note(text="nie gespeichert")
    with pytest.raises(OSError, match="disk gone"):
        store.save(lost)
    with pytest.raises(OSError):
        store.edit(kept.id, text="auch nicht")
    monkeypatch.undo()
    assert store.get(lost.id) is None and store.get(kept.id) == kept
    assert [e.record for e in store.pending_outbox()] == [kept]
    assert not store.db.conn.in_transaction


def test_delete_is_a_queued_tombstone(store: AnnotationStore) -> None:
    record = store.save(note())
    store.delete(record.id)
    assert store.list_for_file("f1") == []
    [tomb] = store.list_for_file("f1", include_deleted=True)
    assert tomb.deleted and not tomb.alive and store.get(record.id) == tomb
    assert [e.record for e in store.pending_outbox()] == [tomb]
    with pytest.raises(InvalidAnnotation):
        store.delete(str(uuid.uuid4()))


def test_outbox_drains_in_order_and_keeps_the_server_version(
    store: AnnotationStore, db: ReplicaDatabase
) -> None:
    db.conn.execute(
        "INSERT INTO outbox (idempotency_key, action, target_type, target_id, payload)"
        " VALUES ('other', 'put', 'paper', '7', '{}')"
    )
    a, b = store.save(note()), store.save(note(file_id="f2"))
    first, second = store.pending_outbox()
    assert (first.record, second.record) == (a, b) and first.id < second.id
    store.mark_failed(first.id, "timeout")
    store.edit(a.id, text="neu")  # the tried row stays (it may have reached the server); a new one follows
    entries = store.pending_outbox()
    assert [e.record.text for e in entries] == ["Frage", "Frage", "neu"] and entries[0].attempts == 1
    store.mark_sent(first.id, version=5)
    assert store.version(a.id) == 5
    assert [(e.target_id, e.base_version) for e in store.pending_outbox()] == [(b.id, None), (a.id, 5)]
    for entry in store.pending_outbox():
        store.mark_sent(entry.id)
    assert store.pending_outbox() == []
    assert db.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1  # not ours: untouched


def test_apply_remote_merges_and_queues_what_the_server_lacks(store: AnnotationStore) -> None:
    base = note()
    remote_new = store.apply_remote(base, version=1)
    assert store.get(base.id) == remote_new == base and store.pending_outbox() == []
    assert store.version(base.id) == 1
    mine = store.edit(base.id, colour="#ff0000")
    for entry in store.pending_outbox():
        store.mark_sent(entry.id)
    theirs = edit(base, "dev-b", text="vom Tablet")
    merged = store.apply_remote(theirs, version=2)
    assert (merged.colour, merged.text) == (mine.colour, "vom Tablet")
    assert [e.record for e in store.pending_outbox()] == [merged]  # the server has only theirs
    assert store.apply_remote(theirs) == merged  # a duplicate changes nothing
    assert len(store.pending_outbox()) == 1
    # a remote delete that had not seen our edit loses against it
    store.apply_remote(delete(base, "dev-b"))
    assert store.list_for_file("f1") == [store.get(base.id)] and store.get(base.id).alive  # type: ignore[union-attr]


def test_orphans_are_kept_and_listed(store: AnnotationStore, db: ReplicaDatabase) -> None:
    db.conn.execute("INSERT INTO file (id, state) VALUES ('f1', 'complete')")
    here, gone = store.save(note("f1")), store.save(note("f9"))
    store.save(delete(note("f8"), "dev-a"))
    assert store.orphaned({"f1"}) == [gone] and store.orphaned_in_replica() == [gone]
    assert store.orphaned({"f1", "f9"}) == []
    db.conn.execute("DELETE FROM file WHERE id = 'f1'")  # a sync removes the document
    assert {a.id for a in store.orphaned_in_replica()} == {here.id, gone.id}
    assert {a.id for a in store.list_for_files(["f1", "f9", "f1"])} == {here.id, gone.id}


def test_device_id_is_made_once(db: ReplicaDatabase) -> None:
    first = device_id(db)
    assert device_id(db) == first and AnnotationStore(db).device == first


def test_reanchor_file_moves_found_quotes_and_flags_the_rest(
    store: AnnotationStore, db: ReplicaDatabase
) -> None:
    old_text = "Der Ausschuss berät den Haushaltsplan 2026 und die Straßenreinigung."
    new_pages = [
        "Deckblatt",
        "Vorbemerkung. Der Ausschuss beraet den HAUSHALTSPLAN 2026 und die Strassenreinigung.",
    ]
    db.conn.execute("INSERT INTO file (id, state) VALUES ('f1', 'complete'), ('f2', 'complete')")
    index = TextIndex(db.conn)  # as the indexer stores pages: 1-based (annotation pages are 0-based)
    index.add_pages("f1", [(1, old_text)])
    index.add_pages("f2", list(enumerate(new_pages, start=1)))
    start = old_text.index("Haushaltsplan")
    found = store.save(
        create(
            "dev-a", file_id="f1", kind=Kind.HIGHLIGHT, page=0, author_id="u1", quads=(QUAD,),
            quote=quote_at(old_text, start, start + len("Haushaltsplan 2026")),
            page_text_hash=page_text_hash(old_text),
        )
    )  # fmt: skip
    missing = store.save(
        create(
            "dev-a", file_id="f1", kind=Kind.UNDERLINE, page=0, author_id="u1", quads=(QUAD,),
            quote=TextQuote("Tagesordnung"),
        )
    )  # fmt: skip
    ink = store.save(
        create("dev-a", file_id="f1", kind=Kind.INK, page=0, author_id="u1", strokes=(((1.0, 1.0, None),),))
    )
    spans: list[tuple[int, int, int]] = []

    def locate(page: int, start: int, end: int) -> list[tuple[float, ...]]:
        spans.append((page, start, end))
        return [(1.0, 2.0, 3.0, 2.0, 1.0, 4.0, 3.0, 4.0)]

    moved = {a.id: a for a in store.reanchor_file("f1", "f2", "b" * 64, locate=locate)}  # type: ignore[arg-type]
    text = new_pages[1]
    assert spans == [(1, text.index("HAUSHALTSPLAN"), text.index(" und"))]
    hit = moved[found.id]
    assert (hit.file_id, hit.file_sha256, hit.page, hit.attention) == ("f2", "b" * 64, 1, False)
    assert hit.quote is not None and hit.quote.exact == "HAUSHALTSPLAN 2026" and hit.quads[0][0] == 1.0
    assert moved[missing.id].attention and moved[missing.id].file_id == "f2"
    assert moved[missing.id].quads == missing.quads and moved[ink.id].attention
    assert {a.id for a in store.needing_attention()} == {missing.id, ink.id}
    assert store.list_for_file("f1") == [] and len(store.list_for_file("f2")) == 3


def test_others_annotations_are_read_only_and_never_queued(db: ReplicaDatabase) -> None:
    store = AnnotationStore(db, "dev-a", user_id="u2")
    theirs = note()  # by u1
    older = edit(theirs, "dev-x", text="alt")
    newer = edit(older, "dev-x", text="neu")
    store.apply_remote(newer, version=2)
    assert store.apply_remote(older, version=1).text == "neu"  # an older feed entry arriving late
    assert store.pending_outbox() == [] and store.version(theirs.id) == 2
    with pytest.raises(ReadOnlyAnnotation):
        store.edit(theirs.id, text="meins")
    with pytest.raises(ReadOnlyAnnotation):
        store.delete(theirs.id)
    assert store.get(theirs.id) == newer and store.pending_outbox() == []
    mine = store.save(replace(note(), author_id="u2"))
    assert [e.record for e in store.pending_outbox()] == [mine]


# --- two replicas through a server that only merges what the outboxes push ---------------------------


class TwoReplicas(RuleBasedStateMachine):
    """Two replicas (each its own database) edit offline, push their outboxes to a merging server in
    random order and pull from it; after a full round they hold the same records as the server."""

    def __init__(self) -> None:
        super().__init__()
        self.stores: dict[str, AnnotationStore] = {}
        for device in ("dev-a", "dev-b"):
            conn = sqlcipher3.connect(":memory:", isolation_level=None)
            migrate(conn)
            self.stores[device] = AnnotationStore(ReplicaDatabase(conn, Path(device)), device)
        self.server: dict[str, Annotation] = {}
        self.n = 0

    def _pick(self, device: str, data: st.DataObject) -> Annotation | None:
        records = self.stores[device].all(include_deleted=True)
        return data.draw(st.sampled_from(records)) if records else None

    @rule(device=st.sampled_from(["dev-a", "dev-b"]))
    def create(self, device: str) -> None:
        self.n += 1
        self.stores[device].save(replace(note(device=device), id=str(uuid.UUID(int=self.n))))

    @rule(device=st.sampled_from(["dev-a", "dev-b"]), text=st.sampled_from(["x", "y", "z"]), data=st.data())
    def edit(self, device: str, text: str, data: st.DataObject) -> None:
        record = self._pick(device, data)
        if record is not None:
            self.stores[device].edit(record.id, text=text)

    @rule(device=st.sampled_from(["dev-a", "dev-b"]), data=st.data())
    def delete(self, device: str, data: st.DataObject) -> None:
        record = self._pick(device, data)
        if record is not None:
            self.stores[device].delete(record.id)

    @rule(device=st.sampled_from(["dev-a", "dev-b"]), lose_ack=st.booleans())
    def push_one(self, device: str, lose_ack: bool) -> None:
        pending = self.stores[device].pending_outbox()
        if not pending:
            return
        entry = pending[0]  # the outbox drains in order
        known = self.server.get(entry.target_id)
        self.server[entry.target_id] = entry.record if known is None else merge(known, entry.record)
        if lose_ack:  # the server took it, the answer was lost: the retry sends it again
            self.stores[device].mark_failed(entry.id, "timeout")
        else:
            self.stores[device].mark_sent(entry.id)

    @rule(device=st.sampled_from(["dev-a", "dev-b"]))
    def pull(self, device: str) -> None:
        for record in list(self.server.values()):
            self.stores[device].apply_remote(record)

    @rule()
    def full_round(self) -> None:
        for _ in range(2):
            for device, store in self.stores.items():
                while store.pending_outbox():
                    self.push_one(device, False)
                self.pull(device)
        for store in self.stores.values():
            assert store.pending_outbox() == []
            assert {a.id: a for a in store.all(include_deleted=True)} == self.server

    def teardown(self) -> None:
        self.full_round()
        for store in self.stores.values():
            store.db.close()


TestTwoReplicas = TwoReplicas.TestCase
TestTwoReplicas.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
