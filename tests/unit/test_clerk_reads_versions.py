"""The clerk workspace's reads (gremalda.ui.clerk.reads) list the current files of a meeting's desk and
of the e-file documents by the version chain's rule (gremalda.core.version_chain, the library's and the
server's too): of an old cycle (files replacing each other round) its newest file is current, and a file
naming itself stays current. The naive rule ("every file another one names is replaced") listed none of
a cycle's files. A real SQLCipher replica with objects as the feed brings them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gremalda.store.replica import Store
from gremalda.ui.clerk.reads import efile_documents, meeting_desk
from tests.unit.test_version_chain import open_replica


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_replica(tmp_path / "client")
    try:
        yield opened
    finally:
        opened.close()


def put(store: Store, kind: str, object_id: int, **fields: Any) -> None:
    with store.db.transaction() as conn:
        conn.execute(
            "INSERT INTO object (type, id, data, modified) VALUES (?, ?, ?, '')",
            (kind, str(object_id), json.dumps({"id": object_id, **fields})),
        )


def test_the_meeting_desk_shows_a_cycles_newest_file_as_current(store: Store) -> None:
    put(store, "meeting", 1, name="Sitzung")
    put(store, "agenda_item", 5, meeting_id=1, number="1", order=1, name="Punkt")
    put(store, "file", 10, name="a", agenda_item_id=5, supersedes_id=12)  # 10 -> 12 -> 11 -> 10
    put(store, "file", 11, name="b", agenda_item_id=5, supersedes_id=10)
    put(store, "file", 12, name="c", agenda_item_id=5, supersedes_id=11)
    put(store, "file", 20, name="lone", agenda_item_id=5, supersedes_id=20)  # naming itself
    put(store, "file", 30, name="Einladung", meeting_id=1)
    put(store, "file", 31, name="Einladung neu", meeting_id=1, supersedes_id=30)
    desk = meeting_desk(store, "1")
    assert desk is not None
    assert [f.id for f in desk.items[0].files] == ["12", "20"]
    assert [f.id for f in desk.files] == ["31"]  # a plain chain: its newest only


def test_the_efile_documents_show_a_cycles_newest_file_as_current(store: Store) -> None:
    put(store, "efile", 3, reference_number="AZ-1")
    put(store, "process", 4, efile_id=3)
    put(store, "document", 7, title="Gutachten", process_id=4)
    put(store, "file", 40, name="v1", document_id=7, supersedes_id=41)  # replacing each other
    put(store, "file", 41, name="v2", document_id=7, supersedes_id=40)
    put(store, "file", 42, name="Anlage", document_id=7)
    assert efile_documents(store) == [("42", "AZ-1 · Gutachten · Anlage"), ("41", "AZ-1 · Gutachten · v2")]
