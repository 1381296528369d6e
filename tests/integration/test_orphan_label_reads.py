"""Keeping an annotated file's label (gremalda.core.annotations.labels.remember_documents) reads each
object of the file's place once: the library's reads for the label also tell whether the whole place is
there. A real replica (keys in the OS keyring: run under `.ci/with-keyring`); the replica's own
connection, with the statements it is given written down."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from gremalda.core.annotations.labels import document_label, remember_documents
from gremalda.core.annotations.merge import create
from gremalda.core.annotations.records import Kind
from gremalda.core.annotations.store import AnnotationStore
from gremalda.core.library import Library
from gremalda.store.database import Connection, Cursor
from gremalda.store.replica import Store, StoreReplica
from sync.client.api import Change

PLACE = ("meeting", "agenda_item", "efile", "process", "document")
OBJECTS: list[dict[str, Any]] = [
    {"type": "meeting", "id": 1, "name": "Rat", "start": "2026-12-03T17:00:00Z"},
    {"type": "agenda_item", "id": 2, "number": "3", "meeting_id": 1},
    {"type": "file", "id": 10, "name": "Haushalt 2027", "agenda_item_id": 2},
    {"type": "efile", "id": 3, "reference_number": "AZ-1"},
    {"type": "process", "id": 4, "title": "Stellen", "efile_id": 3},
    {"type": "document", "id": 5, "title": "Plan", "process_id": 4},
    {"type": "file", "id": 11, "name": "Stellenplan", "document_id": 5},
]


class Recording:
    """The replica's connection, writing down each statement and its parameters."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.statements: list[tuple[str, Sequence[Any]]] = []

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        self.statements.append((sql, parameters))
        return self.conn.execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> Cursor:
        return self.conn.executemany(sql, parameters)

    def close(self) -> None:
        self.conn.close()

    def object_reads(self) -> Counter[str]:
        """How often objects of each type were read (the type is a read's first parameter)."""
        return Counter(
            str(params[0])
            for sql, params in self.statements
            if "FROM object" in sql and params and params[0] in PLACE
        )


def _annotate(store: Store, file_id: str) -> None:
    notes = AnnotationStore(store.db, "laptop", user_id="3")
    notes.save(
        create(
            "laptop",
            now="2026-12-01T10:00:00Z",
            file_id=file_id,
            kind=Kind.NOTE,
            page=0,
            author_id="3",
            author_name="Max",
            rect=(1.0, 1.0, 20.0, 20.0),
            text="Kosten?",
        )
    )


def test_keeping_labels_reads_each_object_of_a_files_place_once(store: Store) -> None:
    changes = [
        Change(seq=n, kind=str(data["type"]), id=int(data["id"]), op="upsert", data=data)
        for n, data in enumerate(OBJECTS, 1)
    ]
    StoreReplica(store).apply_page(changes, "c1", last=True)
    for file_id in ("10", "11"):
        _annotate(store, file_id)
    library = Library(store.db.conn)
    expected = {}
    for file_id in ("10", "11"):
        entry = library.file(file_id)
        assert entry is not None
        expected[file_id] = document_label(entry)

    conn = Recording(store.db.conn)
    with store.db.transaction():
        assert remember_documents(conn, ["10", "11"]) == 2
    assert conn.object_reads() == Counter(PLACE)  # each once
    labels = dict(store.db.conn.execute("SELECT file_id, label FROM annotation").fetchall())
    assert labels == expected
    assert expected["10"].startswith("Haushalt 2027 — TOP 3 · Rat ")
    assert expected["11"] == "Stellenplan — Akte AZ-1 › Stellen › Plan"
