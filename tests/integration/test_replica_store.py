"""The encrypted replica: keys in the real OS keyring (Secret Service), a real SQLCipher database.

Run under `.ci/with-keyring` (a private D-Bus session with an unlocked gnome-keyring). Outside it, the
tests that need the Secret Service are skipped; inside it they must run (a missing keyring fails them)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest
import sqlcipher3
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from gremalda import errors
from gremalda.errors import (
    DataDirUnusable,
    GremaldaError,
    KeyMissing,
    KeyringLocked,
    KeyringUnavailable,
    ReplicaCorrupt,
    ReplicaLocked,
    ReplicaMissing,
    ReplicaTooNew,
    WrongKey,
)
from gremalda.paths import DATABASE_NAME, data_paths, default_data_dir, ensure_data_dirs
from gremalda.store import database, keys
from gremalda.store.database import MIGRATIONS, migrate, open_database, open_replica, split_statements
from gremalda.store.keys import DATABASE_KEY, SERVICE, VAULT_KEY, delete_key, get_or_create_key, key_account
from gremalda.store.textindex import TextIndex

REPO = Path(__file__).resolve().parents[2]
INSTALL_HINT = "apt-get install gnome-keyring"
MARKER = "Zwiebelkuchenverordnung-Q7X"  # stands for a confidential title or page text


def _secret_service_missing() -> str | None:
    try:
        keys.os_keyring()
    except KeyringUnavailable as exc:
        return f"no Secret Service reachable ({exc.detail}); run the tests under .ci/with-keyring"
    return None


@pytest.fixture
def secret_service() -> None:
    reason = _secret_service_missing()
    if reason is not None:
        if os.environ.get("GREMALDA_IN_KEYRING_SESSION") == "1":
            pytest.fail(f"inside .ci/with-keyring but {reason}")
        pytest.skip(reason)


@pytest.fixture
def data_dir(tmp_path: Path, secret_service: None) -> Iterator[Path]:
    """A data directory of its own; its keys are removed from the keyring afterwards."""
    path = tmp_path / "data"
    yield path
    for name in (DATABASE_KEY, VAULT_KEY):
        delete_key(name, path)


@pytest.fixture
def restore_keyring() -> Iterator[None]:
    saved = keyring.get_keyring()
    yield
    keyring.set_keyring(saved)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _create(data_dir: Path) -> None:
    with open_replica(data_dir, create=True) as db, db.transaction() as conn:
        conn.execute(
            "INSERT INTO object (type, id, data, version, modified) VALUES (?, ?, ?, ?, ?)",
            ("meeting", "1", json.dumps({"name": "Hauptausschuss"}), 1, "2025-01-01T10:00:00+01:00"),
        )


def _stored_hex(data_dir: Path) -> str | None:
    return keyring.get_password(SERVICE, key_account(DATABASE_KEY, data_dir))


# --- keys ------------------------------------------------------------------------------------------------


def test_key_created_once_in_the_keyring_and_reused(data_dir: Path) -> None:
    assert _stored_hex(data_dir) is None
    _create(data_dir)
    stored = _stored_hex(data_dir)
    assert stored is not None and len(bytes.fromhex(stored)) == 32
    with open_replica(data_dir, create=False) as db:
        assert db.conn.execute("SELECT data FROM object").fetchone()[0] == '{"name": "Hauptausschuss"}'
    with open_replica(data_dir, create=True) as db:  # an existing replica: opened, no new key
        assert db.conn.execute("SELECT count(*) FROM object").fetchone()[0] == 1
    assert _stored_hex(data_dir) == stored
    assert get_or_create_key(DATABASE_KEY, data_dir, create=True) == bytes.fromhex(stored)
    vault = get_or_create_key(VAULT_KEY, data_dir, create=True)
    assert vault != bytes.fromhex(stored) and get_or_create_key(VAULT_KEY, data_dir, create=False) == vault


def test_keys_are_per_data_directory(data_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    try:
        _create(data_dir)
        _create(other)
        assert _stored_hex(data_dir) != _stored_hex(other)
        link = tmp_path / "link"
        link.symlink_to(data_dir)
        assert key_account(DATABASE_KEY, link) == key_account(DATABASE_KEY, data_dir)
        with open_replica(link, create=False) as db:
            assert db.path == data_dir / DATABASE_NAME
    finally:
        delete_key(DATABASE_KEY, other)


def test_key_never_on_disk(data_dir: Path, tmp_path: Path) -> None:
    _create(data_dir)
    key = bytes.fromhex(_stored_hex(data_dir) or "")
    needles = [key, key.hex().encode(), key.hex().upper().encode(), base64.b64encode(key)]
    with open_replica(data_dir, create=False) as db:
        db.conn.execute("INSERT INTO sync_state VALUES ('cursor', 'abc')")
        for content in [*_files(tmp_path).values(), *_files(data_dir).values()]:
            assert not any(needle in content for needle in needles)
    for content in _files(tmp_path).values():
        assert not any(needle in content for needle in needles)


def test_no_plaintext_in_any_file(data_dir: Path) -> None:
    needles = [MARKER.encode(), MARKER.lower().encode(), MARKER.encode("utf-16-le"), b"zwiebelkuchen"]
    with open_replica(data_dir, create=True) as db:
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO object (type, id, data, version, modified) VALUES ('paper', '7', ?, 1, 'x')",
                (json.dumps({"name": MARKER}),),
            )
            conn.execute("INSERT INTO sync_state VALUES ('user', ?)", (MARKER,))
            conn.execute("INSERT INTO file (id) VALUES ('9')")
        TextIndex(db.conn).add_pages("9", [(0, f"Beschluss zur {MARKER} vom Mai")])
        assert TextIndex(db.conn).search(MARKER)[0].file_id == "9"

        def scan(when: str) -> None:
            files = _files(data_dir)
            assert DATABASE_NAME in files, when
            for name, content in files.items():
                assert not content.startswith(b"SQLite format 3"), (when, name)
                for needle in needles:
                    assert needle not in content, (when, name, needle)

        assert (data_dir / f"{DATABASE_NAME}-wal").stat().st_size > 0  # the rows are in the WAL now
        scan("in the WAL")
        db.checkpoint()
        assert (data_dir / f"{DATABASE_NAME}-wal").stat().st_size == 0
        scan("after a checkpoint")
    scan("closed")


def test_private_permissions(data_dir: Path) -> None:
    with open_replica(data_dir, create=True) as db:
        db.conn.execute("INSERT INTO sync_state VALUES ('a', 'b')")
        paths = data_paths(data_dir)
        assert stat.S_IMODE(paths.root.stat().st_mode) == 0o700
        assert stat.S_IMODE(paths.vault.stat().st_mode) == 0o700
        for name in (DATABASE_NAME, f"{DATABASE_NAME}-wal", f"{DATABASE_NAME}-shm"):
            assert stat.S_IMODE((data_dir / name).stat().st_mode) == 0o600, name


# --- wrong, missing, malformed keys ----------------------------------------------------------------------


def test_wrong_key_changes_nothing(data_dir: Path) -> None:
    _create(data_dir)
    before = _files(data_dir)
    right = _stored_hex(data_dir)
    keyring.set_password(SERVICE, key_account(DATABASE_KEY, data_dir), os.urandom(32).hex())
    keys.forget_keys(data_dir)  # as in a new process: this one still holds the right key in memory
    for create in (False, True):
        with pytest.raises(WrongKey) as caught:
            open_replica(data_dir, create=create)
        assert "Nothing has been changed or deleted" in caught.value.message
    with pytest.raises(WrongKey):
        open_database(data_dir / DATABASE_NAME, os.urandom(32), create=False)
    assert _files(data_dir) == before
    keyring.set_password(SERVICE, key_account(DATABASE_KEY, data_dir), right or "")
    with open_replica(data_dir, create=False) as db:
        assert db.integrity_check() == []


def test_malformed_key_entry_is_left_alone(data_dir: Path) -> None:
    _create(data_dir)
    account = key_account(DATABASE_KEY, data_dir)
    keyring.set_password(SERVICE, account, "not a key")
    keys.forget_keys(data_dir)  # as in a new process
    with pytest.raises(WrongKey):
        open_replica(data_dir, create=True)
    assert keyring.get_password(SERVICE, account) == "not a key"


def test_key_missing_deletes_nothing(data_dir: Path) -> None:
    _create(data_dir)
    before = _files(data_dir)
    stored = _stored_hex(data_dir)
    assert delete_key(DATABASE_KEY, data_dir) is True
    assert delete_key(DATABASE_KEY, data_dir) is False
    for create in (False, True):  # creating must not make a new key for an existing replica
        with pytest.raises(KeyMissing) as caught:
            open_replica(data_dir, create=create)
        assert "Nothing has been deleted" in caught.value.message
    assert _stored_hex(data_dir) is None
    assert _files(data_dir) == before and (data_dir / DATABASE_NAME).exists()
    keyring.set_password(SERVICE, key_account(DATABASE_KEY, data_dir), stored or "")
    with open_replica(data_dir, create=False) as db:
        assert db.conn.execute("SELECT count(*) FROM object").fetchone()[0] == 1


# --- no usable keyring -----------------------------------------------------------------------------------


def test_fail_keyring_in_process(tmp_path: Path, restore_keyring: None) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    target = tmp_path / "new"
    with pytest.raises(KeyringUnavailable) as caught:
        open_replica(target, create=True)
    assert INSTALL_HINT in caught.value.message and caught.value.environment
    assert not target.exists()  # refused before anything was created
    with pytest.raises(KeyringUnavailable):
        get_or_create_key(DATABASE_KEY, target, create=True)


def test_fail_keyring_for_an_existing_replica(data_dir: Path, restore_keyring: None) -> None:
    _create(data_dir)
    before = _files(data_dir)
    keyring.set_keyring(keyring.backends.fail.Keyring())
    with pytest.raises(KeyringUnavailable) as caught:  # not KeyMissing: the key may well be there
        open_replica(data_dir, create=False)
    assert INSTALL_HINT in caught.value.message
    assert _files(data_dir) == before


class _PlaintextFile(KeyringBackend):
    """Stands for keyrings.alt's plaintext or file backends: it must never be used."""

    viable = False  # never picked by keyring's own detection in this process

    def __init__(self) -> None:
        super().__init__()
        self.stored: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.stored.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.stored[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        del self.stored[(service, username)]


@pytest.mark.parametrize("backend", ["null", "plaintext", "empty chainer"])
def test_non_os_keyrings_are_refused(
    tmp_path: Path, restore_keyring: None, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    if backend == "null":
        keyring.set_keyring(keyring.backends.null.Keyring())
    elif backend == "plaintext":
        keyring.set_keyring(_PlaintextFile())
    else:
        monkeypatch.setattr(ChainerBackend, "backends", [])
        keyring.set_keyring(ChainerBackend())
    with pytest.raises(KeyringUnavailable) as caught:
        open_replica(tmp_path / "d", create=True)
    assert INSTALL_HINT in caught.value.message
    assert not (tmp_path / "d").exists()


def test_chainer_uses_only_the_os_keyring(
    data_dir: Path, restore_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    plaintext = _PlaintextFile()
    monkeypatch.setattr(ChainerBackend, "backends", [plaintext, keys.os_keyring()])
    keyring.set_keyring(ChainerBackend())
    _create(data_dir)
    assert plaintext.stored == {}
    assert _stored_hex(data_dir) is not None


def test_dbus_failure_during_a_call(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from secretstorage.exceptions import SecretServiceNotAvailableException

    _create(data_dir)
    backend = type(keys.os_keyring())

    def broken(self: object, service: str, username: str) -> str | None:
        raise SecretServiceNotAvailableException("Could not connect to the D-Bus session bus")

    monkeypatch.setattr(backend, "get_password", broken)
    keys.forget_keys(data_dir)  # as in a new process (the key is in this one's memory)
    with pytest.raises(KeyringUnavailable) as caught:
        open_replica(data_dir, create=False)
    assert INSTALL_HINT in caught.value.message and "D-Bus" in (caught.value.detail or "")


_PROBE = """
import json, sys
from gremalda.errors import GremaldaError
from gremalda.store.database import open_replica
data_dir, mode = sys.argv[1], sys.argv[2]
try:
    if mode == "lock":
        import secretstorage
        open_replica(data_dir, create=True).close()
        secretstorage.get_default_collection(secretstorage.dbus_init()).lock()
        from gremalda.store.keys import forget_keys
        forget_keys(data_dir)  # as in a new process (this one holds the key in memory)
    open_replica(data_dir, create=mode == "create").close()
    print(json.dumps({"error": None}))
except GremaldaError as exc:
    print(json.dumps({"error": type(exc).__name__, "message": exc.message, "environment": exc.environment}))
"""


def _probe(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return cast(dict[str, Any], json.loads(done.stdout.strip().splitlines()[-1]))


def test_no_dbus_in_a_subprocess(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON_KEYRING")}
    env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=/nonexistent"
    result = _probe([sys.executable, "-c", _PROBE, str(tmp_path / "d"), "create"], env)
    assert result["error"] == "KeyringUnavailable" and result["environment"] is True
    assert INSTALL_HINT in result["message"]
    assert not (tmp_path / "d").exists()


@pytest.mark.skipif(
    not (shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon")),
    reason="needs dbus-run-session and gnome-keyring-daemon (apt-get install dbus gnome-keyring)",
)
def test_locked_keyring_in_its_own_session(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GREMALDA_IN_KEYRING_SESSION"}
    args = [str(REPO / ".ci" / "with-keyring"), sys.executable, "-c", _PROBE, str(tmp_path / "d"), "lock"]
    result = _probe(args, env)
    assert result["error"] == "KeyringLocked", result
    assert "locked" in result["message"] and "Unlock" in result["message"]
    assert (tmp_path / "d" / DATABASE_NAME).exists()


# --- the database ----------------------------------------------------------------------------------------


def test_schema_and_settings(data_dir: Path) -> None:
    with open_replica(data_dir, create=True) as db:
        assert db.schema_version == len(MIGRATIONS)
        names = {row[0] for row in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"object", "sync_state", "file", "page_text", "page_fts", "text_source", "outbox"} <= names
        pragmas = {
            "journal_mode": "wal",
            "foreign_keys": 1,
            "secure_delete": 1,
            "temp_store": 2,
            "cipher_memory_security": "0",  # see gremalda.store.database
        }
        for pragma, value in pragmas.items():
            assert db.conn.execute(f"PRAGMA {pragma}").fetchone()[0] == value, pragma
        assert db.integrity_check() == []
        with pytest.raises(sqlcipher3.IntegrityError):  # checks hold
            db.conn.execute("INSERT INTO file (id, state) VALUES ('x', 'half')")


def test_reopen_is_idempotent(data_dir: Path) -> None:
    _create(data_dir)
    with open_replica(data_dir, create=False) as db:
        schema = db.conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    with open_replica(data_dir, create=False) as db:
        assert db.conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall() == schema
        assert migrate(db.conn) == len(MIGRATIONS)
        assert db.conn.execute("SELECT count(*) FROM object").fetchone()[0] == 1


def test_migrations_step_by_step_and_all_or_nothing(tmp_path: Path) -> None:
    db = open_database(tmp_path / "m.db", os.urandom(32), create=True)
    with db:
        assert db.schema_version == len(MIGRATIONS)
        broken = (*MIGRATIONS, "CREATE TABLE added (a);\nCREATE TABLE broken (;")
        with pytest.raises(sqlcipher3.OperationalError):
            migrate(db.conn, broken)
        assert db.schema_version == len(MIGRATIONS) and not db.conn.in_transaction
        assert db.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'added'").fetchone()[0] == 0
        later = (
            *MIGRATIONS,
            "CREATE TABLE added (a); -- a comment; with a semicolon\nINSERT INTO added VALUES (1);",
        )
        assert migrate(db.conn, later) == len(MIGRATIONS) + 1
        assert migrate(db.conn, later) == len(MIGRATIONS) + 1
        assert db.conn.execute("SELECT count(*) FROM added").fetchone()[0] == 1
        with pytest.raises(ReplicaTooNew):
            migrate(db.conn)


def test_newer_replica_is_refused(data_dir: Path) -> None:
    _create(data_dir)
    with open_replica(data_dir, create=False) as db:
        db.conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(ReplicaTooNew):
        open_replica(data_dir, create=False)


def test_split_statements_keeps_triggers_whole() -> None:
    trigger = "CREATE TRIGGER t AFTER DELETE ON a BEGIN\n  DELETE FROM a; SELECT 1;\nEND;"
    script = f"CREATE TABLE a (x);\n{trigger}\n-- end\n"
    assert split_statements(script) == [
        "CREATE TABLE a (x);",
        trigger,
    ]
    assert len(split_statements(MIGRATIONS[0])) >= 10


def test_transactions_and_savepoints(tmp_path: Path) -> None:
    with open_database(tmp_path / "t.db", os.urandom(32), create=True) as db:
        with db.transaction() as conn:
            conn.execute("INSERT INTO sync_state VALUES ('a', '1')")
            with pytest.raises(ValueError), db.transaction():
                conn.execute("INSERT INTO sync_state VALUES ('b', '2')")
                raise ValueError
            assert conn.in_transaction
        assert not db.conn.in_transaction
        assert db.conn.execute("SELECT key FROM sync_state").fetchall() == [("a",)]
        with pytest.raises(ValueError), db.transaction() as conn:
            conn.execute("INSERT INTO sync_state VALUES ('c', '3')")
            raise ValueError
        assert db.conn.execute("SELECT key FROM sync_state").fetchall() == [("a",)]


def test_missing_replica(tmp_path: Path, secret_service: None) -> None:
    with pytest.raises(ReplicaMissing):
        open_replica(tmp_path / "none", create=False)
    assert not (tmp_path / "none").exists()


def test_not_a_replica(data_dir: Path) -> None:
    ensure_data_dirs(data_paths(data_dir))
    target = data_dir / DATABASE_NAME
    plain = sqlite3.connect(target)
    plain.execute("CREATE TABLE t (x)")
    plain.commit()
    plain.close()
    before = _files(data_dir)
    with pytest.raises(ReplicaCorrupt) as caught:  # told before a key is looked up or made
        open_replica(data_dir, create=True)
    assert "unencrypted" in caught.value.message
    assert _stored_hex(data_dir) is None and _files(data_dir) == before
    target.write_bytes(os.urandom(1000))
    with pytest.raises(ReplicaCorrupt):
        open_replica(data_dir, create=False)


def test_damaged_replica(data_dir: Path) -> None:
    with open_replica(data_dir, create=True) as db, db.transaction() as conn:
        conn.executemany("INSERT INTO sync_state VALUES (?, ?)", [(f"k{i}", "x" * 1000) for i in range(200)])
    target = data_dir / DATABASE_NAME
    content = bytearray(target.read_bytes())
    assert len(content) > 20 * 4096
    content[-2000] ^= 0xFF  # one bit pattern in the last page
    target.write_bytes(bytes(content))
    with open_replica(data_dir, create=False) as db:
        problems = db.integrity_check()
    assert problems, "a damaged page must be reported"
    head = target.read_bytes()[:4096]
    target.write_bytes(head + os.urandom(len(content) - 4096))  # page 1 intact, the rest noise
    with open_replica(data_dir, create=False) as db:
        assert db.integrity_check()
    target.write_bytes(os.urandom(8192))  # a whole number of pages of noise: looks like a wrong key
    with pytest.raises(WrongKey):
        open_replica(data_dir, create=False)


def test_the_schema_fits_on_the_first_page(tmp_path: Path) -> None:
    """What test_damaged_replica relies on: page 1 alone holds the whole schema, so a replica whose other
    pages are damaged still opens and reports them (instead of failing like a wrong key). Measured on a
    plaintext copy (same layout, no per-page reserve): the free bytes must cover SQLCipher's reserve."""
    with open_database(tmp_path / "r.db", os.urandom(32), create=True) as db:
        _assert_schema_on_page_1(db, tmp_path / "plain.db")


def _assert_schema_on_page_1(db: database.ReplicaDatabase, plain: Path) -> None:
    reserve = 80  # IV and HMAC-SHA512 at the end of every page (SQLCipher 4 defaults)
    assert db.conn.execute("PRAGMA cipher_hmac_algorithm").fetchone()[0] == "HMAC_SHA512"
    db.conn.execute(f"ATTACH DATABASE '{plain}' AS plaintext KEY ''")
    db.conn.execute("SELECT sqlcipher_export('plaintext')")
    db.conn.execute("DETACH DATABASE plaintext")
    page = plain.read_bytes()[:4096]
    assert page[100] == 0x0D, "sqlite_master no longer fits on page 1 (page 1 is not a leaf page)"
    cells = int.from_bytes(page[103:105], "big")
    content = int.from_bytes(page[105:107], "big")
    free = content - (100 + 8 + 2 * cells) - reserve
    assert free >= 0, f"the schema needs {-free} bytes more than page 1 of the encrypted replica holds"


def test_locked_replica(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _create(data_dir)
    monkeypatch.setattr(database, "BUSY_TIMEOUT_MS", 100)
    with open_replica(data_dir, create=False) as holder:
        holder.conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        holder.conn.execute("INSERT INTO sync_state VALUES ('held', '1')")
        with pytest.raises(ReplicaLocked):
            open_replica(data_dir, create=False)


# --- paths and errors ------------------------------------------------------------------------------------


def test_default_data_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "gremalda"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/path")  # not absolute: ignored, as the spec says
    assert default_data_dir() == tmp_path / ".local" / "share" / "gremalda"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert data_paths(None).root == (tmp_path / ".local" / "share" / "gremalda").resolve()
    monkeypatch.chdir(tmp_path)
    paths = data_paths("rel")
    assert paths.root == (tmp_path / "rel").resolve() and paths.root.is_absolute()
    assert paths.database == paths.root / DATABASE_NAME and paths.vault == paths.root / "vault"
    assert not paths.root.exists()


def test_data_dirs_are_private(tmp_path: Path) -> None:
    root = tmp_path / "a" / "b"
    paths = ensure_data_dirs(data_paths(root))
    assert stat.S_IMODE(root.stat().st_mode) == 0o700 and stat.S_IMODE(paths.vault.stat().st_mode) == 0o700
    root.chmod(0o755)
    ensure_data_dirs(paths)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    (tmp_path / "file").write_text("x")
    with pytest.raises(DataDirUnusable):
        ensure_data_dirs(data_paths(tmp_path / "file"))


def test_error_hierarchy() -> None:
    classes = [getattr(errors, name) for name in dir(errors) if isinstance(getattr(errors, name), type)]
    for cls in classes:
        if issubclass(cls, GremaldaError):
            error = cls()
            assert error.title and error.message.endswith("."), cls
            assert str(error) == f"{error.title}: {error.message}"
    assert INSTALL_HINT in KeyringUnavailable().message
    assert issubclass(KeyringLocked, KeyringUnavailable)
    assert KeyringUnavailable.environment and not errors.InternalError.environment
    assert KeyMissing("custom", detail="d").message == "custom"


def test_schema_6_replica_with_annotations_upgrades_to_7(tmp_path: Path) -> None:
    """A replica at schema 6 holding annotations (with server ids) opens as 7: the rows stay as they
    were, without a kept label; the schema still fits on the database's first page."""
    key = os.urandom(32)
    path = tmp_path / "six.db"
    with open_database(path, key, create=True):  # a private, encrypted file ...
        pass
    path.unlink()
    for extra in ("-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    conn = sqlcipher3.connect(str(path), isolation_level=None)  # ... made again, as client 6 made it
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        assert migrate(conn, MIGRATIONS[:6]) == 6
        conn.execute(
            "INSERT INTO annotation (id, file_id, data, version, server_id) VALUES"
            " ('a1', '9', '{\"id\": \"a1\"}', 3, 41), ('a2', '10', '{\"id\": \"a2\"}', NULL, NULL)"
        )
    finally:
        conn.close()
    with open_database(path, key, create=False) as db:
        assert db.schema_version == 7 == len(MIGRATIONS)
        rows = db.conn.execute(
            "SELECT id, file_id, data, version, server_id, label FROM annotation ORDER BY id"
        ).fetchall()
        assert [tuple(r) for r in rows] == [
            ("a1", "9", '{"id": "a1"}', 3, 41, None),
            ("a2", "10", '{"id": "a2"}', None, None, None),
        ]
        _assert_schema_on_page_1(db, tmp_path / "plain.db")
