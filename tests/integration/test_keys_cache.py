"""The per-process cache of replica keys (gremalda.store.keys) against the real Secret Service.

Run under `.ci/with-keyring`. The keyring calls are counted by a backend registered with
``keyring.set_keyring`` that hands every call on to the real Secret Service backend; "another process"
is a real subprocess running gremalda's own sign-out and store opening, or writing the keyring itself."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend

from gremalda.core.account import sign_out
from gremalda.errors import KeyMissing, KeyringUnavailable, ReplicaMissing, WrongKey
from gremalda.paths import DataPaths, data_paths
from gremalda.store import keys
from gremalda.store.database import open_replica
from gremalda.store.keys import DATABASE_KEY, SERVICE, VAULT_KEY, delete_key, get_or_create_key, key_account
from gremalda.store.replica import open_store

REPO = Path(__file__).resolve().parents[2]


class _CountingSecretService(KeyringBackend):
    """The real Secret Service backend, every call counted. keys.os_keyring() accepts OS keyrings only,
    told by their module, so this wrapper carries the module of the backend it hands on to."""

    __module__ = "keyring.backends.SecretService"
    viable = False  # never picked by keyring's own detection

    def __init__(self, real: KeyringBackend) -> None:
        super().__init__()
        self.real = real
        self.calls: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def _count(self, call: str, username: str) -> None:
        with self._lock:
            self.calls.append((call, username))

    def get_password(self, service: str, username: str) -> str | None:
        self._count("get", username)
        return self.real.get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self._count("set", username)
        self.real.set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self._count("delete", username)
        self.real.delete_password(service, username)


@pytest.fixture
def counting() -> Iterator[_CountingSecretService]:
    try:
        real = keys.os_keyring()
    except KeyringUnavailable as exc:
        if os.environ.get("GREMALDA_IN_KEYRING_SESSION") == "1":
            pytest.fail(f"inside .ci/with-keyring but no Secret Service: {exc.detail}")
        pytest.skip("no Secret Service reachable; run the tests under .ci/with-keyring")
    saved = keyring.get_keyring()
    wrapper = _CountingSecretService(real)
    keyring.set_keyring(wrapper)
    yield wrapper
    keyring.set_keyring(saved)


@pytest.fixture
def paths(tmp_path: Path, counting: _CountingSecretService) -> Iterator[DataPaths]:
    """A data directory of its own; its keys are removed from the keyring afterwards."""
    paths = data_paths(tmp_path / "data")
    yield paths
    for name in (DATABASE_KEY, VAULT_KEY):
        delete_key(name, paths.root)


def _create(paths: DataPaths, marker: str) -> None:
    with open_store(paths, create=True) as store:
        store.set_state("marker", marker)


def _marker(paths: DataPaths) -> str | None:
    with open_store(paths) as store:
        return store.state("marker")


def _stored(name: str, paths: DataPaths) -> str | None:
    return keyring.get_password(SERVICE, key_account(name, paths.root))


def _other_process(script: str, *args: str) -> None:
    """Run ``script`` in a new Python process (same keyring session, same code)."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


_SIGN_OUT_AND_IN = """
import sys
from gremalda.core.account import sign_out
from gremalda.paths import data_paths
from gremalda.store.replica import open_store
paths = data_paths(sys.argv[1])
assert sign_out(paths)
if sys.argv[2] == "sign-in":
    with open_store(paths, create=True) as store:
        store.set_state("marker", "new")
"""

_DELETE_ENTRY = """
import sys, keyring
keyring.delete_password(sys.argv[1], sys.argv[2])
"""


def test_a_second_opening_does_not_call_the_keyring(
    paths: DataPaths, counting: _CountingSecretService
) -> None:
    _create(paths, "old")
    keys.forget_keys(paths.root)  # as in a process that has not opened the replica yet
    counting.calls.clear()
    assert _marker(paths) == "old"
    assert sorted(call for call, _ in counting.calls) == ["get", "get"]  # the database's key, the vault's
    counting.calls.clear()
    assert _marker(paths) == "old"
    with open_replica(paths, create=False):
        pass
    assert get_or_create_key(VAULT_KEY, paths.root, create=False) == bytes.fromhex(
        _stored(VAULT_KEY, paths) or ""
    )
    counting.calls.clear()
    assert _marker(paths) == "old"
    assert counting.calls == []


def test_keys_written_are_served_from_memory(paths: DataPaths, counting: _CountingSecretService) -> None:
    _create(paths, "old")  # the keys are made here ...
    counting.calls.clear()
    assert _marker(paths) == "old"  # ... and not read back from the keyring
    assert counting.calls == []


def test_concurrent_openings_read_each_key_once(paths: DataPaths, counting: _CountingSecretService) -> None:
    _create(paths, "old")
    keys.forget_keys(paths.root)
    counting.calls.clear()
    results: list[str | None] = []
    threads = [threading.Thread(target=lambda: results.append(_marker(paths))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["old"] * 8
    assert sorted(user.split("@")[0] for _, user in counting.calls) == [DATABASE_KEY, VAULT_KEY]


def test_sign_out_drops_the_cached_keys(paths: DataPaths, counting: _CountingSecretService) -> None:
    _create(paths, "old")
    assert sign_out(paths)
    assert _stored(DATABASE_KEY, paths) is None and _stored(VAULT_KEY, paths) is None
    counting.calls.clear()
    for name in (DATABASE_KEY, VAULT_KEY):
        with pytest.raises(KeyMissing):  # not served from memory
            get_or_create_key(name, paths.root, create=False)
    assert [call for call, _ in counting.calls] == ["get", "get"]
    with pytest.raises(ReplicaMissing):
        _marker(paths)
    _create(paths, "again")  # signing in again makes new keys, which open the new replica
    keys.forget_keys(paths.root)
    assert _marker(paths) == "again"


def test_deleting_a_key_drops_it_from_memory(paths: DataPaths) -> None:
    _create(paths, "old")
    assert delete_key(VAULT_KEY, paths.root) is True
    with pytest.raises(KeyMissing):
        get_or_create_key(VAULT_KEY, paths.root, create=False)
    with pytest.raises(KeyMissing):
        _marker(paths)
    assert get_or_create_key(DATABASE_KEY, paths.root, create=False) == bytes.fromhex(
        _stored(DATABASE_KEY, paths) or ""
    )


def test_another_process_signing_out_and_in_is_recovered_from(
    paths: DataPaths, counting: _CountingSecretService
) -> None:
    _create(paths, "old")
    old = (_stored(DATABASE_KEY, paths), _stored(VAULT_KEY, paths))
    _other_process(_SIGN_OUT_AND_IN, str(paths.root), "sign-in")
    new = (_stored(DATABASE_KEY, paths), _stored(VAULT_KEY, paths))
    assert None not in new and new[0] != old[0] and new[1] != old[1]
    counting.calls.clear()
    # the cached old keys do not open the new replica: dropped, the keyring read once more
    assert _marker(paths) == "new"
    assert sorted(user.split("@")[0] for _, user in counting.calls) == [DATABASE_KEY, VAULT_KEY]
    assert {call for call, _ in counting.calls} == {"get"}
    counting.calls.clear()
    assert _marker(paths) == "new"  # the new keys are now the cached ones
    assert counting.calls == []
    assert (_stored(DATABASE_KEY, paths), _stored(VAULT_KEY, paths)) == new  # nothing written or deleted


def test_signing_in_after_another_process_signed_out_makes_new_keys(paths: DataPaths) -> None:
    _create(paths, "old")
    old = _stored(DATABASE_KEY, paths)
    _other_process(_SIGN_OUT_AND_IN, str(paths.root), "out only")
    _create(paths, "mine")  # creating a replica asks the keyring: the old keys are gone, new ones made
    assert _stored(DATABASE_KEY, paths) not in (None, old)
    assert _stored(VAULT_KEY, paths) is not None
    keys.forget_keys(paths.root)  # as in a new process: the keys in the keyring open the new replica
    assert _marker(paths) == "mine"


def test_a_key_deleted_elsewhere_serves_the_replica_this_process_uses(paths: DataPaths) -> None:
    _create(paths, "old")
    _other_process(_DELETE_ENTRY, SERVICE, key_account(DATABASE_KEY, paths.root))
    assert _stored(DATABASE_KEY, paths) is None
    assert _marker(paths) == "old"  # still in this process's memory
    keys.forget_keys(paths.root)  # a new process would not find it
    with pytest.raises(KeyMissing):
        _marker(paths)


def test_a_wrong_key_in_the_keyring_is_still_refused(
    paths: DataPaths, counting: _CountingSecretService
) -> None:
    _create(paths, "old")
    account = key_account(DATABASE_KEY, paths.root)
    right = _stored(DATABASE_KEY, paths) or ""
    keyring.set_password(SERVICE, account, os.urandom(32).hex())  # this process's memory: the right key
    assert _marker(paths) == "old"
    keys.forget_keys(paths.root)
    counting.calls.clear()
    with pytest.raises(WrongKey):  # read from the keyring just now: refused without a second read
        _marker(paths)
    assert [call for call, _ in counting.calls] == ["get"]
    counting.calls.clear()
    with pytest.raises(WrongKey):  # served from memory, refused, read once more, refused
        _marker(paths)
    assert [call for call, _ in counting.calls] == ["get"]
    keyring.set_password(SERVICE, account, right)
    assert _marker(paths) == "old"  # the cached wrong key is replaced by the right one
