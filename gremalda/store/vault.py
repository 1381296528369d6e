"""The encrypted document vault: document bytes at rest, AES-256-GCM in chunks, one key per file.

The vault never sees a plaintext file and never writes one: documents come in as bytes (streamed through
a :class:`VaultWriter`) and go out as bytes in memory (:meth:`Vault.read`, :meth:`Vault.read_range`).

This module holds :class:`Vault` (opening a vault and checking its key, naming and finding files,
listing, deleting) and re-exports the vault's public names. The parts:

- :mod:`gremalda.store.vault_format`: keys, file names, the key check, a file's header and chunk cipher
  (the on-disk format is described there), crypto-shredding;
- :mod:`gremalda.store.vault_writer`: :class:`VaultWriter`, atomic and resumable writes;
- :mod:`gremalda.store.vault_reader`: decrypting (ranges of) a committed file, on several threads;
- :mod:`gremalda.store.vault_io`: disk and memory primitives (fsyncs, files in ``tmp/``, buffers);
- :mod:`gremalda.store.vault_errors`: the errors.

Layout under the vault root (directories are created with mode 0700)::

    VAULT                    key check: wrong master key -> VaultWrongKey at open, nothing touched
    data/<name>.<version>    committed files
    partial/<name>.<version> unfinished resumable writes: the same format, synced every 16 chunks
    tmp/<random>.tmp         files being written; removed when the vault is opened

``<name>`` is a keyed hash of the file id (HMAC-SHA256 under a key derived from the master key): ids never
become paths, and without the key nobody can tell which documents a device holds (only how many versions
each has).

Reads decrypt straight into one new buffer (a ``bytearray``, so that the caller can wipe it), large ones
on several threads (AES-GCM releases the GIL). Plaintext exists only in memory.

Deleting a file overwrites its sealed data key in place with zeros, fsyncs, then unlinks the file
(crypto-shredding). On copy-on-write file systems and flash the old blocks may survive an overwrite;
the guarantee that always holds comes from destroying the master key in the keyring (a wipe).

One process uses a vault at a time (the application holds its data directory); within it, the
:class:`Vault` may be shared between threads, with one writer per file id and version at a time.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path

from gremalda.store.vault_errors import (
    SealBroken,
    VaultBusy,
    VaultChecksumMismatch,
    VaultCorrupt,
    VaultError,
    VaultNotFound,
    VaultResumeMismatch,
    VaultStorageError,
    VaultWrongKey,
    storage_errors,
)
from gremalda.store.vault_format import (
    DEFAULT_CHUNK_SIZE,
    KEY_BYTES,
    MAX_CHUNK_SIZE,
    MAX_FILE_ID_BYTES,
    MIN_CHUNK_SIZE,
    NAME,
    VaultCrypto,
    check_version,
    encode_id,
    shred,
)
from gremalda.store.vault_io import (
    create_tmp,
    fsync_dir,
    remove_leftovers,
    sync_file_system,
    write_all,
)
from gremalda.store.vault_reader import OpenFile
from gremalda.store.vault_writer import VaultWriter

__all__ = [
    "DEFAULT_CHUNK_SIZE",
    "MAX_CHUNK_SIZE",
    "MAX_FILE_ID_BYTES",
    "MIN_CHUNK_SIZE",
    "Vault",
    "VaultBusy",
    "VaultChecksumMismatch",
    "VaultCorrupt",
    "VaultError",
    "VaultNotFound",
    "VaultResumeMismatch",
    "VaultStorageError",
    "VaultWriter",
    "VaultWrongKey",
]

log = logging.getLogger(__name__)

_CPUS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
_WORKERS = max(1, min(4, _CPUS))  # threads decrypting one large read; read at each open (tests change it)
Listing = list[tuple[str, int]]


class Vault:
    """The document vault in ``root``, opened with ``master_key`` (32 bytes).

    New files are written with ``chunk_size`` (default 1 MiB); files of any valid chunk size are read.
    A wrong master key raises :class:`VaultWrongKey` here, before anything is changed."""

    def __init__(self, root: Path, master_key: bytes, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        if not isinstance(master_key, bytes | bytearray) or len(master_key) != KEY_BYTES:
            raise ValueError(f"the vault master key must be {KEY_BYTES} bytes")
        if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
            raise ValueError(f"chunk size must be between {MIN_CHUNK_SIZE} and {MAX_CHUNK_SIZE} bytes")
        master = bytes(master_key)
        self._root = Path(root)
        self._chunk_size = chunk_size
        self._crypto = VaultCrypto(master)
        self._data = self._root / "data"
        self._partial = self._root / "partial"
        self._tmp = self._root / "tmp"
        with storage_errors("open the offline documents"):
            for directory in (self._root, self._data, self._partial, self._tmp):
                directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            self._identity = str(self._root.resolve())
            self._check_key()
            remove_leftovers(self._tmp)  # encrypted leftovers of interrupted writes

    @property
    def root(self) -> Path:
        return self._root

    @property
    def chunk_size(self) -> int:
        return self._chunk_size

    # -- writing --

    def writer(
        self,
        file_id: str,
        version: int,
        *,
        resume: bool = False,
        expected_sha256: str | None = None,
        durable: bool = True,
    ) -> VaultWriter:
        """A writer of document ``file_id`` at ``version``: ``write()`` its bytes, then commit (a clean
        exit of the ``with`` block). It replaces a stored file of the same id and version on commit.

        ``resume=False``: a fresh write in ``tmp/``; an exception, :meth:`VaultWriter.discard` or a crash
        leaves nothing behind (a leftover of a crash is removed on the next open). An unfinished
        resumable write of the same file is thrown away.

        ``resume=True``: a resumable write in ``partial/``, synced every 16 chunks and when suspended.
        It continues an unfinished write of the same file id and version if there is one:
        :attr:`VaultWriter.resumed_from` tells how many plaintext bytes are already stored, and the next
        ``write()`` must continue from there. On an exception the full chunks written are kept for
        another resume (the exception goes on).

        ``expected_sha256`` (hex): the SHA-256 of the whole document (resumed bytes included); on a
        mismatch the commit raises :class:`VaultChecksumMismatch` and nothing is kept.

        ``durable=False``: the commit does not fsync the file and its directory; the caller makes a batch of
        commits durable with one :meth:`sync` before it relies on them (after a power cut an unsynced
        file may be missing or may not authenticate, never wrong)."""
        raw_id = encode_id(file_id)
        check_version(version)
        expected = None
        if expected_sha256 is not None:
            expected = expected_sha256.lower()
            if not re.fullmatch(r"[0-9a-f]{64}", expected):
                raise ValueError("expected_sha256 must be 64 hex digits")
        return VaultWriter(self, raw_id, version, resume, expected, durable)

    def put(self, file_id: str, version: int, data: bytes | bytearray | memoryview) -> None:
        """Store ``data`` as document ``file_id`` at ``version`` (replacing a stored one)."""
        with self.writer(file_id, version) as writer:
            writer.write(data)

    def sync(self) -> None:
        """Make every committed write durable (see ``durable=False``): one syncfs of the vault's file
        system where there is one, else a sync of all file systems."""
        with storage_errors("store documents"):
            sync_file_system(self._data)

    # -- reading --

    def read(self, file_id: str, version: int) -> bytearray:
        """The whole document, decrypted and authenticated, in memory. A ``bytearray``, so that the caller
        can wipe it when done."""
        with self._open(file_id, version) as doc:
            return doc.decrypt(0, doc.size)

    def read_range(self, file_id: str, version: int, start: int, length: int) -> bytearray:
        """``read(file_id, version)[start:start + length]``, decrypting only the chunks needed."""
        if start < 0 or length < 0:
            raise ValueError("start and length must not be negative")
        with self._open(file_id, version) as doc:
            end = min(start + length, doc.size)
            if start >= end:
                if length and start >= doc.size:
                    doc.authenticate_end()  # the answer depends on where the file ends
                return bytearray()
            return doc.decrypt(start, end)

    def size(self, file_id: str, version: int) -> int:
        """The document's size in bytes (its last chunk is authenticated)."""
        with self._open(file_id, version) as doc:
            doc.authenticate_end()
            return doc.size

    def exists(self, file_id: str, version: int) -> bool:
        """Whether a committed file of this id and version is stored (nothing is decrypted)."""
        return self._data_path(encode_id(file_id), version).is_file()

    def list(self) -> Listing:
        """The (file id, version) of every committed file, sorted. Files whose header does not
        authenticate are left out (and logged)."""
        return self._scan(self._data)

    def list_partial(self) -> Listing:
        """The (file id, version) of every unfinished resumable write, sorted."""
        return self._scan(self._partial)

    def partial_size(self, file_id: str, version: int) -> int:
        """How many plaintext bytes an unfinished resumable write of this file holds (0 if none). Counted
        from the file size; the resumed writer verifies them (:attr:`VaultWriter.resumed_from`)."""
        raw_id = encode_id(file_id)
        path = self._partial_path(raw_id, version)
        with storage_errors("read an unfinished download"):
            try:
                fh = path.open("rb", buffering=0)
            except FileNotFoundError:
                return 0
            with fh:
                try:
                    header = self._crypto.read_header(fh, raw_id, version)
                except VaultCorrupt:
                    return 0
                length = os.fstat(fh.fileno()).st_size - header.length
        return max(length, 0) // header.slot * header.chunk_size

    # -- deleting --

    def delete(self, file_id: str, version: int | None = None) -> None:
        """Destroy document ``file_id`` at ``version`` (every version if None), committed and unfinished:
        its sealed data key is overwritten in place and fsynced, then the file is removed."""
        raw_id = encode_id(file_id)
        if version is not None:
            check_version(version)
            name = self._name(raw_id, version)
            targets = [self._data / name, self._partial / name]
        else:
            stem = self._crypto.stem(raw_id)
            targets = [
                path
                for directory in (self._data, self._partial)
                for path in directory.glob(stem + ".*")
                if NAME.match(path.name)
            ]
        with storage_errors("delete a document"):
            touched = set()
            for path in targets:
                if shred(path):
                    touched.add(path.parent)
            for directory in touched:
                fsync_dir(directory)

    # -- internals --

    def _name(self, raw_id: bytes, version: int) -> str:
        return self._crypto.name(raw_id, version)

    def _data_path(self, raw_id: bytes, version: int) -> Path:
        return self._data / self._name(raw_id, version)

    def _partial_path(self, raw_id: bytes, version: int) -> Path:
        return self._partial / self._name(raw_id, version)

    def _check_key(self) -> None:
        path = self._root / "VAULT"
        try:
            stored = path.read_bytes()
        except FileNotFoundError:
            stored = None
        if stored is not None:
            self._crypto.verify_check(stored, path)
            return
        # no key check (a new vault, or it was lost): the key must open a stored file, if any opens at all
        refused: Path | None = None
        for stored_file in sorted([*self._data.iterdir(), *self._partial.iterdir()]):
            if not NAME.match(stored_file.name):
                continue
            with stored_file.open("rb", buffering=0) as fh:
                try:
                    self._crypto.read_header(fh, None, None)
                    break
                except SealBroken:
                    refused = refused or stored_file
                except VaultCorrupt:  # shredded or truncated: says nothing about the key
                    continue
        else:
            if refused is not None:
                raise VaultWrongKey(detail=f"no key check, and no stored file opens (first: {refused})")
        self._atomic_write(path, self._crypto.new_check())

    def _atomic_write(self, path: Path, data: bytes) -> None:
        tmp, fd = create_tmp(self._tmp)
        try:
            write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        fsync_dir(path.parent)

    @contextlib.contextmanager
    def _open(self, file_id: str, version: int) -> Iterator[OpenFile]:
        raw_id = encode_id(file_id)
        path = self._data_path(raw_id, version)
        with storage_errors("read a document"):
            try:
                fh = path.open("rb", buffering=0)
            except FileNotFoundError:
                raise VaultNotFound(detail=f"{file_id!r} version {version}") from None
            with fh:
                header = self._crypto.read_header(fh, raw_id, version)
                yield OpenFile(fh, header, os.fstat(fh.fileno()).st_size, _WORKERS)

    def _scan(self, directory: Path) -> Listing:
        found: Listing = []
        with storage_errors("list the offline documents"):
            for path in directory.iterdir():
                match = NAME.match(path.name)
                if not match:
                    continue
                try:
                    with path.open("rb", buffering=0) as fh:
                        header = self._crypto.read_header(fh, None, None)
                except (VaultCorrupt, FileNotFoundError) as exc:
                    log.warning("vault: skipping unreadable %s: %s", path, exc)
                    continue
                if self._name(header.raw_id, header.version) != path.name:
                    log.warning("vault: skipping misplaced %s", path)
                    continue
                found.append((header.file_id, header.version))
        return sorted(found)
