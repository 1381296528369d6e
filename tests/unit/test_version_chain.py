"""The version chain of a document (gremalda.core.version_chain) in a real SQCipher replica with a real
encrypted vault, and what re-anchoring (gremalda.core.annotations.reanchoring) makes of it: the walk
it shares with the open tabs (tests/gui/test_document_versions.py checks their side on the same
chains)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gremalda.core.annotations.reanchoring import reanchor_replaced
from gremalda.core.version_chain import VersionChains
from gremalda.paths import data_paths
from gremalda.store.database import open_database
from gremalda.store.replica import Store, put_state
from gremalda.store.vault import Vault
from tests.unit.test_annotations_reanchoring import ME, NEW, OLD, QUOTE, highlight, make_pdf, notes, put_file


def open_replica(root: Path) -> Store:
    """A new replica (SQLCipher, vault) of the signed-in user ME."""
    paths = data_paths(root)
    paths.root.mkdir(parents=True)
    db = open_database(paths.database, os.urandom(32), create=True)
    with db.transaction() as conn:
        put_state(conn, "account", json.dumps({"id": int(ME), "username": "member"}))
    return Store(paths, db, Vault(paths.vault, os.urandom(32)))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_replica(tmp_path / "client")
    try:
        yield opened
    finally:
        opened.close()


def chains(store: Store) -> VersionChains:
    return VersionChains.read(store.db.conn)


def file_object(store: Store, file_id: str, **fields: Any) -> None:
    """A file object as the feed brings it, without a ``file`` row (as an OParl file before its bytes
    came), or with odd ``supersedes_id`` values."""
    with store.db.transaction() as conn:
        conn.execute(
            "INSERT INTO object (type, id, data, modified) VALUES ('file', ?, ?, '')",
            (file_id, json.dumps({"id": file_id, **fields})),
        )


def test_a_chain_of_three_is_followed_to_its_newest_and_the_annotations_go_there(store: Store) -> None:
    old, new, newest = make_pdf(OLD), make_pdf(NEW), make_pdf(NEW, top=300.0)
    put_file(store, "10", old)
    mark = highlight(store, "10", old, 0, QUOTE)
    put_file(store, "11", new, supersedes="10")
    put_file(store, "12", newest, supersedes="11")
    found = chains(store)
    assert (found.newer("10"), found.newer("11"), found.newer("12")) == (["11", "12"], ["12"], [])
    assert found.newer("99") == []  # not in the replica, replaced by nothing

    assert reanchor_replaced(store).moved == 1
    assert notes(store).get(mark.id).file_id == "12"  # type: ignore[union-attr]
    assert reanchor_replaced(store).moved == 0


def test_a_cycle_stops_the_walk_at_its_newest_id_and_the_annotations_stay_there(store: Store) -> None:
    """10 replaced by 11, 11 by 12, and 10 (edited later) naming 12 as the file it replaces: each file's
    chain ends at 12, which nothing replaces. The walk stopping just where the cycle closed gave 12 the
    chain 10, 11: the annotations moved on round the cycle on every pass (a write, a push and a change
    on every other device each time)."""
    pdfs = {n: make_pdf(NEW, top=100.0 + 50 * n) for n in range(3)}
    put_file(store, "10", pdfs[0], supersedes="12")
    put_file(store, "11", pdfs[1], supersedes="10")
    put_file(store, "12", pdfs[2], supersedes="11")
    found = chains(store)
    assert (found.newer("10"), found.newer("11"), found.newer("12")) == (["11", "12"], ["12"], [])

    mark = highlight(store, "10", pdfs[0], 1, QUOTE)
    assert reanchor_replaced(store).moved == 1
    assert notes(store).get(mark.id).file_id == "12"  # type: ignore[union-attr]
    for _ in range(3):  # a fixed point: later passes leave them
        assert reanchor_replaced(store).moved == 0
    assert notes(store).get(mark.id).file_id == "12"  # type: ignore[union-attr]


def test_a_cycle_of_text_ids_and_a_branch(store: Store) -> None:
    file_object(store, "b", supersedes_id="a")
    file_object(store, "a", supersedes_id="c")
    file_object(store, "c", supersedes_id="b")
    file_object(store, "7", supersedes_id=5)
    file_object(store, "30", supersedes_id=5)  # two replace 5: the newer id is followed (30 > 7 by number)
    file_object(store, "31", supersedes_id="30")
    found = chains(store)
    assert (found.newer("a"), found.newer("b"), found.newer("c")) == (["b", "c"], ["c"], [])
    assert (found.newer("5"), found.newer("7")) == (["30", "31"], [])


def test_a_missing_link_ends_the_chain_before_it_and_an_orphans_chain_goes_on(store: Store) -> None:
    """10 replaced by 11 replaced by 12, and 11 not in the replica (removed): nothing here says that 10
    was replaced; annotations left on 11 (orphans) go on to 12."""
    old, newest = make_pdf(OLD), make_pdf(NEW)
    put_file(store, "10", old)
    put_file(store, "12", newest, supersedes="11")
    mark = highlight(store, "10", old, 0, QUOTE)
    orphan = highlight(store, "11", old, 0, QUOTE)  # made on 11, whose file went since
    found = chains(store)
    assert (found.newer("10"), found.newer("11")) == ([], ["12"])

    report = reanchor_replaced(store)
    assert (report.moved, report.files) == (1, {"11", "12"})
    assert notes(store).get(orphan.id).file_id == "12"  # type: ignore[union-attr]
    assert notes(store).get(mark.id) == mark


def test_a_newest_version_without_a_file_row_is_waited_for(store: Store) -> None:
    """A new version the replica knows but holds no bytes (nor a ``file`` row) of: the annotations move
    to the newest one that is ready and wait there."""
    old, new = make_pdf(OLD), make_pdf(NEW)
    put_file(store, "10", old)
    mark = highlight(store, "10", old, 0, QUOTE)
    file_object(store, "11", supersedes_id=10)
    assert chains(store).newer("10") == ["11"]
    report = reanchor_replaced(store)
    assert (report.moved, report.waiting) == (0, 1)
    assert notes(store).get(mark.id) == mark
    put_file(store, "12", new, supersedes="11")
    file_object(store, "13", supersedes_id="12")
    assert chains(store).newer("10") == ["11", "12", "13"]
    report = reanchor_replaced(store)
    assert (report.moved, report.waiting) == (1, 0)
    assert notes(store).get(mark.id).file_id == "12"  # type: ignore[union-attr]
    assert reanchor_replaced(store).waiting == 1  # 13 is not here yet


@pytest.mark.parametrize("value", [True, False, 1.5, "", None, {"id": 10}, [10], "20"])
def test_what_is_not_another_files_id_links_nothing(store: Store, value: Any) -> None:
    """As the library reads a ``supersedes_id``: an id as number or text; a file naming itself is no
    link (``true`` was file 1 to the tabs)."""
    file_object(store, "1")
    file_object(store, "10")
    file_object(store, "20", supersedes_id=value)
    found = chains(store)
    assert found.newer("1") == found.newer("10") == found.newer("20") == []
    assert found.newer("True") == found.newer("1.5") == []
