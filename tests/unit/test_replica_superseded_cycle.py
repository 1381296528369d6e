"""Which files of a real SQLCipher replica count as replaced (FileEntry.superseded, left out of meeting
folders) by the version chain's rule (gremalda.core.version_chain): of a cycle (files replacing each
other round, as an older server let a clerk write, and old replicas still hold) the newest id stays
current, and a file naming itself is not replaced. Counting every file another one names as replaced
made such documents vanish from meeting folders although the walk (the open tabs, re-anchoring) says
the cycle's newest is current."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gremalda.core.library import Library
from gremalda.core.search import SearchFilters, SearchService
from gremalda.core.version_chain import VersionChains
from gremalda.store.replica import Store
from gremalda.store.textindex import TextIndex
from tests.unit.test_version_chain import open_replica

MEETING, ITEM = "m1", "i1"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_replica(tmp_path / "client")
    try:
        put(opened, "organization", "o1", name="Verkehrsausschuss")
        put(opened, "meeting", MEETING, name="1. Sitzung", organization_id="o1", start="2026-03-12T17:00:00Z")
        put(opened, "agenda_item", ITEM, meeting_id=MEETING, number="1", name="Radwege", order=1)
        yield opened
    finally:
        opened.close()


def put(store: Store, kind: str, object_id: str, **fields: Any) -> None:
    """An object as the change feed brings it (files without their bytes: the folder lists them)."""
    with store.db.transaction() as conn:
        conn.execute(
            "INSERT INTO object (type, id, data, modified) VALUES (?, ?, ?, '')",
            (kind, object_id, json.dumps({"id": object_id, **fields})),
        )


def document(store: Store, file_id: str, supersedes: Any = None) -> None:
    """A file on the agenda item, replacing ``supersedes`` (as the server sends it: a number)."""
    put(store, "file", file_id, name=f"Vorlage {file_id}", file_name=f"{file_id}.pdf", role="main",
        agenda_item_id=ITEM, supersedes_id=supersedes)  # fmt: skip


def shown(store: Store) -> list[str]:
    """The ids of the files the meeting folder shows on the item."""
    folder = Library(store.db.conn).meeting(MEETING)
    assert folder is not None
    return sorted(entry.id for item in folder.items for entry in item.files)


def agrees_with_the_walk(store: Store) -> None:
    """Each file is replaced for the library exactly when the walk gives it a newer version."""
    chains = VersionChains.read(store.db.conn)
    for entry in Library(store.db.conn).files():
        assert entry.superseded == bool(chains.newer(entry.id)), entry.id


def test_two_files_replacing_each_other_show_the_newer(store: Store) -> None:
    document(store, "10", supersedes=11)
    document(store, "11", supersedes=10)
    assert shown(store) == ["11"]
    library = Library(store.db.conn)
    assert (library.file("10").superseded, library.file("11").superseded) == (True, False)  # type: ignore[union-attr]
    assert VersionChains.read(store.db.conn).newer("10") == ["11"]
    agrees_with_the_walk(store)


def test_a_cycle_of_three_shows_its_newest_id_also_of_text_ids(store: Store) -> None:
    document(store, "10", supersedes=12)
    document(store, "11", supersedes=10)
    document(store, "12", supersedes=11)
    document(store, "b", supersedes="a")
    document(store, "a", supersedes="c")
    document(store, "c", supersedes="b")
    assert shown(store) == ["12", "c"]
    agrees_with_the_walk(store)


def test_a_file_naming_itself_is_shown(store: Store) -> None:
    document(store, "10", supersedes=10)
    document(store, "20", supersedes="20")
    assert shown(store) == ["10", "20"]
    agrees_with_the_walk(store)


def test_a_newer_version_of_a_cycles_file_leads_out_of_it_and_plain_chains_are_as_before(
    store: Store,
) -> None:
    """10 and 11 replacing each other and 12 replacing 11: the walk goes 10, 11, 12 (at 11 the newer of
    the two replacing it), so 12 alone is current. 20 replaced by 21, and 30 replacing a file that is
    not here: as before the rule."""
    document(store, "10", supersedes=11)
    document(store, "11", supersedes=10)
    document(store, "12", supersedes=11)
    document(store, "20")
    document(store, "21", supersedes=20)
    document(store, "30", supersedes=29)
    assert shown(store) == ["12", "21", "30"]
    folder = Library(store.db.conn).meeting(MEETING, include_superseded=True)
    assert folder is not None and len(folder.items[0].files) == 6
    agrees_with_the_walk(store)


def test_the_rule_holds_when_every_file_is_read_first(store: Store) -> None:
    """Library.files() reads every file object before asking (the other branch of the check)."""
    document(store, "10", supersedes=11)
    document(store, "11", supersedes=10)
    document(store, "12", supersedes=12)
    current = sorted(e.id for e in Library(store.db.conn).files(include_superseded=False))
    assert current == ["11", "12"]


def test_search_finds_the_cycles_newest_as_current(store: Store) -> None:
    """The search's filter of older versions (gremalda.core.search) follows the same rule."""
    document(store, "10", supersedes=11)
    document(store, "11", supersedes=10)
    document(store, "12", supersedes=12)
    with store.db.transaction() as conn:
        for file_id in ("10", "11", "12"):
            conn.execute("INSERT OR IGNORE INTO file (id) VALUES (?)", (file_id,))
            TextIndex(conn).add_pages(file_id, [(1, "Radweg an der Hauptstraße")])
    search = SearchService(store.db.conn)
    assert {hit.file_id for hit in search.search("Radweg", limit=10).hits} == {"11", "12"}
    hits = search.search("Radweg", SearchFilters(include_superseded=True), limit=10).hits
    assert {hit.file_id for hit in hits} == {"10", "11", "12"}
