"""The replica's keys, kept only in the OS keyring (Secret Service, KWallet, macOS Keychain, Windows).

Each data directory has its own keys, so that several replicas (and test directories) never share or
overwrite one: service ``gremalda``, account ``<name>@<resolved data directory>``. A key is 32 random
bytes, stored as 64 hex digits. Two are used: :data:`DATABASE_KEY` (the SQLCipher raw key) and
:data:`VAULT_KEY` (the document vault's master key).

There is no fallback. A missing or unusable keyring (keyring's ``fail`` or ``null`` backend, a chainer
without an OS keyring, ``keyrings.alt`` plaintext or file backends, an unreachable D-Bus, a locked
collection) raises :class:`~gremalda.errors.KeyringUnavailable` telling the user what to install or
unlock; a key is never written to a file.

A key read from or written to the keyring is kept in this process's memory (never on disk) and served from
there when the replica is opened again (a Secret Service call takes about 24 ms, and calls are serialised).
Deleting a key here drops it at once. Another process's changes are not seen until they matter: a cached
key serves only the replica this process already opened with it (creating a replica always asks the
keyring), and when a cached key no longer opens the replica (another process signed out and in, making
new keys), :func:`open_with_key` drops the data directory's cached keys and reads the keyring once more.
A keyring locked or gone from D-Bus after the key was read goes unnoticed by this process.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend

from gremalda.errors import KeyMissing, KeyringLocked, KeyringUnavailable, WrongKey

SERVICE = "gremalda"
DATABASE_KEY = "database"
VAULT_KEY = "vault-master"
KEY_NAMES = (DATABASE_KEY, VAULT_KEY)
KEY_BYTES = 32

# keyring backends that keep secrets in the operating system's keyring; everything else is refused
OS_KEYRING_MODULES = frozenset(
    {
        "keyring.backends.SecretService",
        "keyring.backends.libsecret",
        "keyring.backends.kwallet",
        "keyring.backends.macOS",
        "keyring.backends.Windows",
    }
)

_T = TypeVar("_T")
log = logging.getLogger(__name__)


def key_account(name: str, data_dir: Path) -> str:
    """The keyring account of key ``name`` of the replica in ``data_dir``."""
    return f"{name}@{Path(data_dir).resolve()}"


def os_keyring() -> KeyringBackend:
    """The OS keyring backend that keyring selected (the first OS keyring of a chainer), or
    :class:`KeyringUnavailable`. Asked anew on every call, so that ``keyring.set_keyring`` takes effect."""
    try:
        _choose_linux_backend()
        selected = keyring.get_keyring()
        candidates = list(selected.backends) if isinstance(selected, ChainerBackend) else [selected]
    except _foreign_errors() as exc:
        raise KeyringUnavailable(detail=repr(exc)) from exc
    for backend in candidates:
        if type(backend).__module__ in OS_KEYRING_MODULES:
            return backend
    raise KeyringUnavailable(detail=f"keyring backend {_describe(selected)} is not an OS keyring")


_LINUX_BACKENDS = ("keyring.backends.SecretService.Keyring", "keyring.backends.kwallet.DBusKeyring")


def _choose_linux_backend() -> None:
    """keyring's own discovery imports every backend, and on Linux the macOS one runs gcc through
    ``ctypes.util.find_library``, which writes files into the temp directory. Unless the user chose a
    backend (PYTHON_KEYRING_BACKEND, keyringrc.cfg) or one is set, pick a usable Linux OS keyring
    directly; when none is usable, discovery runs as usual (and finds none)."""
    if not sys.platform.startswith("linux") or os.environ.get("PYTHON_KEYRING_BACKEND"):
        return
    if getattr(keyring.core, "_keyring_backend", None) is not None or keyring.core.load_config() is not None:
        return
    for path in _LINUX_BACKENDS:
        try:
            backend = keyring.core.load_keyring(path)
            if type(backend).priority <= 0:  # raises when the backend cannot work here
                continue
        except Exception as exc:  # not installed, no D-Bus, no service: try the next
            log.debug("keyring backend %s not usable: %r", path, exc)
            continue
        keyring.set_keyring(backend)
        return


def get_or_create_key(name: str, data_dir: Path, create: bool) -> bytes:
    """The key ``name`` of the replica in ``data_dir``. When there is none: a new random key, stored in
    the keyring, if ``create``; otherwise :class:`KeyMissing`. A stored value that is not a key of the
    right size raises :class:`WrongKey` and is left as it is. Without ``create``, a key this process
    already read or wrote is served from memory; with it, the keyring is always asked (a new replica
    must get the key that is in the keyring, not one another process has deleted since)."""
    return _key(name, data_dir, create, cached=not create)[0]


def open_with_key(
    name: str, data_dir: Path, create: bool, use: Callable[[bytes], _T], *, cached: bool = True
) -> _T:
    """``use(key)`` with the key ``name`` of the replica in ``data_dir`` (see :func:`get_or_create_key`;
    ``cached=False``: ask the keyring even without ``create``). When ``use`` raises :class:`WrongKey` for
    a key served from memory, the data directory's cached keys are dropped and the keyring is read once
    more: another process may have replaced the replica and its keys. Nothing else is retried."""
    key, from_cache = _key(name, data_dir, create, cached=cached and not create)
    try:
        return use(key)
    except WrongKey:
        if not from_cache:
            raise
        forget_keys(data_dir)
        fresh = get_or_create_key(name, data_dir, create=False)
        if fresh == key:
            raise
        log.info("the cached key %s of %s was replaced in the keyring; using the new one", name, data_dir)
    return use(fresh)


def forget_keys(data_dir: Path) -> None:
    """Drop this process's cached keys of the replica in ``data_dir``; the keyring is not touched."""
    with _CACHE_LOCK:
        for name in KEY_NAMES:
            _CACHE.pop((SERVICE, key_account(name, data_dir)), None)


# Keys by (service, account), in this process's memory only. Misses, creations and deletions hold the
# lock through their keyring calls, so a deletion can never be followed by a late read caching the key.
_CACHE: dict[tuple[str, str], bytes] = {}
_CACHE_LOCK = threading.Lock()


def _key(name: str, data_dir: Path, create: bool, *, cached: bool) -> tuple[bytes, bool]:
    """The key and whether it came from this process's memory."""
    backend = os_keyring()  # no (longer an) OS keyring: refused even for a cached key
    account = key_account(name, data_dir)
    if cached:
        key = _CACHE.get((SERVICE, account))
        if key is not None:
            return key, True
    with _CACHE_LOCK:
        key = _CACHE.get((SERVICE, account)) if cached else None
        if key is not None:  # another thread read it while this one waited
            return key, True
        key = _read_or_create(backend, account, create)
        _CACHE[(SERVICE, account)] = key
    return key, False


def _read_or_create(backend: KeyringBackend, account: str, create: bool) -> bytes:
    stored = _call(backend.get_password, SERVICE, account)
    if stored is not None:
        return _decode(stored, account)
    if not create:
        raise KeyMissing(detail=f"no keyring entry {SERVICE}/{account} in {_describe(backend)}")
    key = secrets.token_bytes(KEY_BYTES)
    _call(backend.set_password, SERVICE, account, key.hex())
    if _call(backend.get_password, SERVICE, account) != key.hex():
        raise KeyringUnavailable(
            "The system keyring did not keep the new key. " + KeyringUnavailable.default_message,
            detail=f"{_describe(backend)} lost {SERVICE}/{account}",
        )
    return key


def delete_key(name: str, data_dir: Path) -> bool:
    """Remove the key ``name`` of the replica in ``data_dir`` from the keyring (the data it protects
    becomes unreadable: crypto-shredding). Returns whether there was one."""
    backend = os_keyring()
    account = key_account(name, data_dir)
    with _CACHE_LOCK:
        _CACHE.pop((SERVICE, account), None)
        if _call(backend.get_password, SERVICE, account) is None:
            return False
        _call(backend.delete_password, SERVICE, account)
    return True


def _decode(stored: str, account: str) -> bytes:
    try:
        key = bytes.fromhex(stored)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise WrongKey(
            "The keyring entry for this offline copy does not hold a valid key. Nothing has been changed "
            "or deleted. Remove the data directory and synchronise again to start afresh.",
            detail=f"keyring entry {SERVICE}/{account} is not {KEY_BYTES} bytes in hex",
        )
    return key


# One keyring call at a time in this process: gnome-keyring answered concurrent calls (the sync threads,
# the push channel's) now and then with "Item does not exist" for an existing key or by trying to create
# its collection ("Prompt dismissed"), measured with 40 threads x 40 calls; serialised, none failed.
_KEYRING_LOCK = threading.Lock()


def _call(function: Callable[..., _T], *args: str) -> _T:
    """Call the keyring, converting its errors (and those of D-Bus beneath it) into ours."""
    try:
        with _KEYRING_LOCK:
            return function(*args)
    except keyring.errors.KeyringLocked as exc:
        raise KeyringLocked(detail=repr(exc)) from exc
    except _foreign_errors() as exc:
        raise KeyringUnavailable(detail=repr(exc)) from exc


def _describe(backend: object) -> str:
    return f"{type(backend).__module__}.{type(backend).__qualname__}"


def _foreign_errors() -> tuple[type[Exception], ...]:
    """What keyring and its D-Bus libraries raise when the keyring cannot be used."""
    errors: list[type[Exception]] = [keyring.errors.KeyringError, OSError]
    try:
        from secretstorage.exceptions import SecretStorageException

        errors.append(SecretStorageException)
    except ImportError:  # not on macOS and Windows
        pass
    try:
        from jeepney.wrappers import DBusErrorResponse

        errors.append(DBusErrorResponse)
    except ImportError:
        pass
    return tuple(errors)
