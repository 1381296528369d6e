"""Signing a device in and out, and the server connection of a signed-in replica.

The replica remembers which server and account it belongs to (``sync_state``: server_url, username,
device_id, tls) and the device's tokens (``tokens``, inside the encrypted database; the database and
vault keys are the only secrets in the OS keyring). Refreshed tokens are saved at once, from whatever
thread refreshed them, through a connection of their own.

Every client made for a data directory (``connect``, ``shared_api``: the sync pass, the push channel,
the clerk's writes, ...) shares one :class:`sync.client.token_holder.TokenHolder` per process: the
server revokes a device whose rotated refresh token comes back, so two clients refreshing with the
same token would sign the member out. Before refreshing, the holder re-reads the stored tokens under
a file lock in the data directory (``refresh.lock``), so that another process (the command line next
to the desktop client) that refreshed first is followed instead of answered with a reuse. The server
keeps its strict reuse detection (no grace period, see ``sync.server.tokens``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from gremalda.core.annotations.store import device_id
from gremalda.errors import AccountMismatch, GremaldaError, NotSignedIn, SyncFailed
from gremalda.paths import DataPaths
from gremalda.store.database import open_replica, sqlite_errors
from gremalda.store.keys import KEY_NAMES, delete_key
from gremalda.store.replica import Store, account_id, open_store, put_state
from gremalda.store.replica import stored_account as stored_account  # read in one place
from sync.client import Account, ServerApi, SignInRequired, SyncClientError, Tokens, check_server_url
from sync.client.token_holder import TokenHolder

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: refreshes are serialised within one process only
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
REFRESH_LOCK_FILE = "refresh.lock"


@dataclass(frozen=True, slots=True)
class Tls:
    """How the server's certificate is checked: the system's CA store, a CA bundle file, or (tests on
    a loopback address only) not at all."""

    ca_bundle: str | None = None
    insecure: bool = False

    @property
    def verify(self) -> bool | str:
        if self.insecure:
            return False
        return self.ca_bundle or True

    def dump(self) -> str:
        return json.dumps({"ca_bundle": self.ca_bundle, "insecure": self.insecure})

    @classmethod
    def load(cls, text: str | None) -> Tls:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(data.get("ca_bundle"), bool(data.get("insecure")))


def sync_error(exc: SyncClientError) -> GremaldaError:
    """The sync engine's error as the client's: the message is already meant for people."""
    if isinstance(exc, SignInRequired):
        return NotSignedIn(exc.message + " Sign in again: gremalda login.", detail=type(exc).__name__)
    return SyncFailed(exc.message, detail=f"{type(exc).__name__} status={exc.status} code={exc.code}")


@dataclass(frozen=True)
class Identity:
    """Who writes here: the signed-in account's id, the name shown as the author (the account's person's
    name, else the user name), and this replica's annotation device id."""

    user_id: str
    author_name: str
    device: str


def identity(store: Store) -> Identity:
    """The signed-in user of the replica (see :class:`Identity`); :class:`NotSignedIn` when there is none."""
    account = stored_account(store)
    user_id = None if account is None else account_id(account)
    if account is None or user_id is None:
        raise NotSignedIn()
    name = str(account.get("username") or "")
    person_id = account.get("person_id")
    if person_id is not None:
        row = store.db.conn.execute(
            "SELECT data FROM object WHERE type = 'person' AND id = ?", (str(person_id),)
        ).fetchone()
        try:
            person = json.loads(row[0]) if row is not None else None
        except ValueError:
            person = None
        if isinstance(person, dict) and isinstance(person.get("name"), str) and person["name"].strip():
            name = person["name"].strip()
    return Identity(user_id, name or user_id, device_id(store.db))


def default_device_name() -> str:
    return f"gremalda on {socket.gethostname() or 'this computer'}"


def sign_in(
    paths: DataPaths,
    server: str,
    username: str,
    password: str,
    *,
    device_name: str | None = None,
    tls: Tls | None = None,
) -> Account:
    """Sign this device in and bind the replica (created if needed) to the server and account."""
    tls = tls or Tls()
    try:
        url = str(check_server_url(server)).rstrip("/")
    except SyncClientError as exc:
        raise sync_error(exc) from None
    with open_store(paths, create=True) as store:
        bound_url, bound_user = store.state("server_url"), store.state("username")
        if (bound_url, bound_user) != (None, None) and (bound_url, bound_user) != (url, username):
            raise AccountMismatch(
                f"This data directory holds the offline copy of {bound_user} at {bound_url}. "
                "Use another data directory (--data-dir), or remove this copy first (gremalda logout)."
            )
        try:
            with ServerApi(url, verify=tls.verify) as api:
                signin = api.login(username, password, device_name or default_device_name())
        except SyncClientError as exc:
            raise sync_error(exc) from None
        with store.db.transaction() as conn:
            for key, value in (
                ("server_url", url),
                ("username", username),
                ("account", json.dumps(asdict(signin.user))),
                ("device_id", str(signin.tokens.device_id)),
                ("tls", tls.dump()),
                ("tokens", _dump_tokens(signin.tokens)),
            ):
                put_state(conn, key, value)
    _forget_holder(paths)  # this process's clients start from the new sign-in's tokens
    return signin.user


def connect(store: Store) -> ServerApi:
    """A client for the replica's server, with the stored tokens; refreshed tokens are saved."""
    url, tokens = store.state("server_url"), store.state("tokens")
    if url is None or tokens is None:
        raise NotSignedIn()
    return shared_api(store.paths, url, Tls.load(store.state("tls")), _load_tokens(tokens))


def shared_api(paths: DataPaths, url: str, tls: Tls, stored: Tokens) -> ServerApi:
    """A client for the replica of `paths` whose tokens are those of every other client of it in this
    process (see the module's doc); `stored` are the tokens read from the replica, used only by the
    first client of the data directory."""
    return ServerApi(url, verify=tls.verify, holder=token_holder(paths, stored))


_HOLDERS: dict[Path, TokenHolder] = {}
_HOLDERS_LOCK = threading.Lock()


def token_holder(paths: DataPaths, stored: Tokens) -> TokenHolder:
    """The process's token holder of the data directory, made with `stored` if there is none yet. An
    existing holder keeps its tokens: they are at least as new as the stored ones (it saves each
    refresh at once and re-reads the stored tokens before refreshing)."""
    with _HOLDERS_LOCK:
        holder = _HOLDERS.get(paths.database)
        if holder is None:
            holder = TokenHolder(
                stored,
                save=_TokenSaver(paths),
                reload=lambda: _stored_tokens(paths),
                exclusive=lambda: _token_lock(paths),
            )
            _HOLDERS[paths.database] = holder
        return holder


def _forget_holder(paths: DataPaths) -> None:
    with _HOLDERS_LOCK:
        _HOLDERS.pop(paths.database, None)


def _stored_tokens(paths: DataPaths) -> Tokens | None:
    """The tokens stored in the replica (reading the database only: opening the vault would clear
    writes a sync pass may be making); None when there are none or they cannot be read."""
    try:
        with open_replica(paths, create=False) as db, sqlite_errors(paths.database):
            row = db.conn.execute("SELECT value FROM sync_state WHERE key = 'tokens'").fetchone()
        return None if row is None else _load_tokens(str(row[0]))
    except (GremaldaError, ValueError, KeyError, TypeError) as exc:
        log.warning("could not read the stored tokens before a refresh: %s", exc)
        return None


@contextlib.contextmanager
def _token_lock(paths: DataPaths) -> Iterator[None]:
    """An exclusive lock on ``refresh.lock`` in the data directory, held by the process that re-reads
    and refreshes the tokens (waiting at most as long as the other's refresh request)."""
    if fcntl is None or not paths.root.is_dir():  # pragma: no cover
        yield
        return
    fd = os.open(paths.root / REFRESH_LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def sign_out(paths: DataPaths) -> bool:
    """Remove the replica of the data directory: its keys first (crypto-shredding everything it holds),
    then its files. Returns False when there was nothing."""
    _forget_holder(paths)
    existed = paths.database.exists() or paths.vault.exists()
    for name in KEY_NAMES:
        existed = delete_key(name, paths.root) or existed
    for suffix in ("", "-wal", "-shm"):
        target = paths.database.with_name(paths.database.name + suffix)
        target.unlink(missing_ok=True)
    shutil.rmtree(paths.vault, ignore_errors=True)
    (paths.root / REFRESH_LOCK_FILE).unlink(missing_ok=True)
    return existed


class _TokenSaver:
    def __init__(self, paths: DataPaths) -> None:
        self._paths = paths
        self._lock = threading.Lock()

    def __call__(self, tokens: Tokens) -> None:
        with self._lock, open_store(self._paths) as store:
            store.set_state("tokens", _dump_tokens(tokens))


def _dump_tokens(tokens: Tokens) -> str:
    return json.dumps(
        {
            "device_id": tokens.device_id,
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_in": tokens.expires_in,
        }
    )


def _load_tokens(text: str) -> Tokens:
    data = json.loads(text)
    return Tokens(
        int(data["device_id"]), str(data["access_token"]), str(data["refresh_token"]), int(data["expires_in"])
    )
