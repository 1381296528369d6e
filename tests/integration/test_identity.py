"""Who writes here, read in one place (`gremalda.core.account.identity`) for the annotation model, the
export service and the clerk's writes: a real replica (keys in the OS keyring: run under
`.ci/with-keyring`)."""

from __future__ import annotations

import json

import pytest

from gremalda.core.account import identity, stored_account
from gremalda.core.annotations import exchange
from gremalda.core.annotations.store import device_id
from gremalda.core.clerk import local
from gremalda.errors import NotSignedIn
from gremalda.store.replica import Store, StoreReplica, account_user_id, put_state
from gremalda.ui.annotations.model import read_identity
from gremalda.ui.clerk.reads import is_clerk


def _sign_in(store: Store, account: object, person: object | None = None) -> None:
    with store.db.transaction() as conn:
        put_state(conn, "account", json.dumps(account))
        put_state(conn, "tokens", "{}")
        if person is not None:
            conn.execute(
                "INSERT INTO object (type, id, data, modified) VALUES ('person', '7', ?, '')",
                (person if isinstance(person, str) else json.dumps(person),),
            )


def test_everyone_reads_the_same_identity(store: Store) -> None:
    account = {"id": 3, "username": "member", "role": "clerk", "person_id": 7}
    _sign_in(store, account, {"name": " Max Muster "})
    who = identity(store)
    assert (who.user_id, who.author_name, who.device) == ("3", "Max Muster", device_id(store.db))
    assert exchange.identity(store) == read_identity(store) == who
    assert local.account(store)["role"] == "clerk" == local.require_clerk(store)["role"]


def test_a_person_that_cannot_be_read_leaves_the_user_name(store: Store) -> None:
    _sign_in(store, {"id": 3, "username": "member", "person_id": 7}, {"name": ["not", "a", "name"]})
    assert exchange.identity(store).author_name == "member" == read_identity(store).author_name


def test_no_user_name_shows_the_user_id(store: Store) -> None:
    _sign_in(store, {"id": 3})
    assert exchange.identity(store).author_name == "3" == read_identity(store).author_name


def test_not_signed_in(store: Store) -> None:
    assert stored_account(store) is None
    with pytest.raises(NotSignedIn):
        exchange.identity(store)
    with pytest.raises(NotSignedIn):
        local.account(store)
    assert read_identity(store) == exchange.Identity("", "", device_id(store.db))
    _sign_in(store, ["not", "an", "account"])
    assert stored_account(store) is None and read_identity(store).user_id == ""


@pytest.mark.parametrize("stored", [3, "3", "03", " 3 "])
def test_the_user_id_reads_the_same_everywhere(store: Store, stored: object) -> None:
    _sign_in(store, {"id": stored, "username": "member", "role": "clerk"})
    assert identity(store).user_id == account_user_id(store) == read_identity(store).user_id == "3"
    assert StoreReplica(store).annotations.user_id == "3"  # whose annotations are one's own
    assert is_clerk(store) and local.require_clerk(store)["role"] == "clerk"


@pytest.mark.parametrize("stored", [True, 3.0, "x", "", None])
def test_an_id_that_is_none_is_no_account_anywhere(store: Store, stored: object) -> None:
    _sign_in(store, {"id": stored, "username": "member", "role": "clerk"})
    assert stored_account(store) is None and account_user_id(store) is None
    with pytest.raises(NotSignedIn):
        identity(store)
    with pytest.raises(NotSignedIn):
        local.require_clerk(store)
    assert not is_clerk(store)  # the clerk's window is not offered to an account that cannot write
