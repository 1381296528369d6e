"""Whom an annotation may be shared with (gremalda.core.annotations.sharing), read from a real encrypted
replica: the user's factions today (active memberships only, committees not counted), none without a
person, and an OParl source's documents that keep their annotations on this device."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from gremalda.core.annotations.records import Visibility
from gremalda.core.annotations.sharing import Sharing, factions, file_is_local, refusal, sharing
from gremalda.paths import data_paths
from gremalda.store.database import open_database
from gremalda.store.replica import Store, put_state
from gremalda.store.vault import Vault

TODAY = date(2026, 12, 1)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    paths = data_paths(tmp_path / "client")
    paths.root.mkdir(parents=True)
    db = open_database(paths.database, os.urandom(32), create=True)
    with db.transaction() as conn:
        put_state(conn, "account", json.dumps({"id": 7, "username": "member", "person_id": 70}))
    opened = Store(paths, db, Vault(paths.vault, os.urandom(32)))
    try:
        yield opened
    finally:
        opened.close()


def put(store: Store, type_: str, object_id: object, **data: object) -> None:
    with store.db.transaction() as conn:
        conn.execute(
            "INSERT INTO object (type, id, data, modified) VALUES (?, ?, ?, '')",
            (type_, str(object_id), json.dumps({"id": object_id, **data})),
        )


def test_the_factions_of_today_count(store: Store) -> None:
    put(store, "organization", 1, name="Ausschuss A", kind="committee")
    put(store, "organization", 2, name="Fraktion Grün", kind="faction")
    put(store, "organization", 3, name="Fraktion Alt", kind="faction")
    put(store, "organization", 4, name="Fraktion Bald", kind="faction")
    put(store, "membership", 10, person_id=70, organization_id=1)
    assert factions(store, TODAY) == ()  # a committee is no faction
    put(
        store,
        "membership",
        11,
        person_id=70,
        organization_id=3,
        start_date="2020-01-01",
        end_date="2026-11-30",
    )
    put(store, "membership", 12, person_id=70, organization_id=4, start_date="2026-12-02")
    put(store, "membership", 13, person_id=71, organization_id=2)  # someone else's
    assert factions(store, TODAY) == ()  # ended yesterday, begins tomorrow
    put(
        store,
        "membership",
        14,
        person_id=70,
        organization_id=2,
        start_date="2026-01-01",
        end_date="2026-12-01",
    )
    assert factions(store, TODAY) == ("Fraktion Grün",)
    # sharing() reads the machine's today itself: compared with factions() read just before and just after
    # it, so that a run crossing midnight (a membership here ends or begins then) cannot tell them apart
    before = factions(store)
    shared = sharing(store, "5")
    after = factions(store)
    assert not shared.local and not shared.kept and shared.factions in (before, after)


def test_no_person_no_faction(store: Store) -> None:
    with store.db.transaction() as conn:
        put_state(conn, "account", json.dumps({"id": 8, "username": "admin"}))
    put(store, "organization", 2, name="Fraktion Grün", kind="faction")
    put(store, "membership", 14, person_id=70, organization_id=2)
    assert factions(store, TODAY) == ()


def test_oparl_documents_keep_their_annotations_private(store: Store) -> None:
    put(store, "file", 5, name="Vorlage")
    put(store, "file", "oparl-1", name="Aus OParl", source="oparl")
    assert not file_is_local(store, "5")
    assert file_is_local(store, "oparl-1") and file_is_local(store, "https://oparl.example.org/file/9")
    local = Sharing(local=True, factions=("Fraktion Grün",))
    assert [refusal(local, v) for v in Visibility] == [None, "local", "local"]
    alone = Sharing(local=False, factions=())
    assert [refusal(alone, v) for v in Visibility] == [None, "no_faction", None]
    assert [refusal(Sharing(factions=("F",)), v) for v in Visibility] == [None, None, None]
