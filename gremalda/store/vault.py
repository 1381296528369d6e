"""The encrypted document vault: document bytes at rest, AES-256-GCM in chunks, one key per file.

The vault never sees a plaintext file and never writes one: documents come in as bytes (streamed through
a :class:`VaultWriter`) and go out as bytes in memory (:meth:`Vault.read`, :meth:`Vault.read_range`).

The on-disk format (keys, names, the key check file, a file's header and chunks) and crypto-shredding
are in :mod:`gremalda.store.vault_format`; disk and memory primitives in :mod:`gremalda.store.vault_io`;
the errors in :mod:`gremalda.store.vault_errors`.

Layout under the vault root (directories are created with mode 0700)::

    VAULT                    key check: wrong master key -> VaultWrongKey at open, nothing touched
    data/<name>.<version>    committed files
    partial/<name>.<version> unfinished resumable writes: the same format, synced every 16 chunks
    tmp/<random>.tmp         files being written; removed when the vault is opened

``<name>`` is a keyed hash of the file id (HMAC-SHA256 under a key derived from the master key): ids never
become paths, and without the key nobody can tell which documents a device holds (only how many versions
each has).

Writes go to an encrypted file in ``tmp/`` (or ``partial/`` when resumable) that is fsynced, then renamed
into ``data/`` atomically (and the directory fsynced): a crash never leaves a half-file under ``data/``,
and a half-file anywhere else does not authenticate. A *resumable* writer (``resume=True``) keeps the
full chunks written so far in ``partial/`` when it is interrupted (an exception, a crash, ``kill -9``);
the next resumable writer of the same file id and version authenticates them all and reports in
:attr:`VaultWriter.resumed_from` how many plaintext bytes are stored, so that a download can go on with
an HTTP ``Range`` request (a complete chunk that does not authenticate is damage, not a crash: the
write starts afresh). The rest of the document must be the same bytes as before (use ``If-Range``;
``expected_sha256`` catches a change): a chunk torn by a crash stays in the file until the chunk written
in its place, under the same nonce, proves to be the same ciphertext; if it differs, the writer raises
:class:`VaultError` and throws the write away, so that two ciphertexts under one nonce never reach the disk.

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
import hashlib
import logging
import os
import re
import threading
import weakref
from collections.abc import Iterator
from io import FileIO
from pathlib import Path
from types import TracebackType
from typing import ClassVar

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
    MAX_CHUNKS,
    MAX_FILE_ID_BYTES,
    MIN_CHUNK_SIZE,
    NAME,
    TAG,
    ChunkCipher,
    Header,
    VaultCrypto,
    check_version,
    encode_id,
    shred,
)
from gremalda.store.vault_io import (
    BINARY,
    create_tmp,
    datasync,
    fsync_dir,
    preadv,
    read_exact,
    remove_leftovers,
    sync_file_system,
    uninitialised,
    wipe,
    write_all,
)

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
_WORKERS = max(1, min(4, _CPUS))  # threads decrypting one large read (read here at each read)
_CHUNKS_PER_WORKER = 8  # below 8 chunks a worker thread does not pay for itself
Listing = list[tuple[str, int]]
# A resumable write is synced every this many chunks (and when suspended or committed): a process that
# dies keeps everything it wrote (the page cache survives it); after a power cut a resume may go back
# up to this many chunks (a chunk that did not reach the disk does not authenticate: the write then
# starts afresh from the last good chunk or from nothing).
_SYNC_EVERY = 16

_active_lock = threading.Lock()
_active: set[tuple[str, str]] = set()  # (vault identity, file name) of every open writer


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


class OpenFile:
    """A committed file opened for reading, its header authenticated; large ranges are decrypted by up to
    ``workers`` threads."""

    def __init__(self, fh: FileIO, header: Header, file_size: int, workers: int) -> None:
        self.fh, self.header = fh, header
        self.cipher = ChunkCipher(header)
        self.lock = threading.Lock()
        self.workers = workers
        body = file_size - header.length
        self.chunks = max(body, 0) // header.slot + 1
        self.last_length = body - (self.chunks - 1) * header.slot - TAG
        if self.last_length < 0:
            raise self._corrupt("its length is not that of a complete file (truncated or extended)")
        self.size = (self.chunks - 1) * header.chunk_size + self.last_length

    def _corrupt(self, why: str) -> VaultCorrupt:
        return VaultCorrupt(detail=f"{getattr(self.fh, 'name', '?')}: {why}")

    def authenticate_end(self) -> None:
        """Authenticate the last chunk, and with it the size."""
        tail = self.decrypt((self.chunks - 1) * self.header.chunk_size, self.size)
        tail[:] = bytes(len(tail))

    def decrypt(self, start: int, end: int) -> bytearray:
        """Plaintext bytes ``start:end`` (0 <= start <= end <= size), every chunk touched authenticated;
        the last chunk is authenticated whenever ``end == size`` (also when it is empty). Large ranges are
        decrypted by several threads (AES-GCM releases the GIL)."""
        first = start // self.header.chunk_size
        last = self.chunks - 1 if end == self.size else (end - 1) // self.header.chunk_size
        out = uninitialised(end - start)
        result = memoryview(out)
        count = last - first + 1
        workers = min(self.workers, count // _CHUNKS_PER_WORKER) or 1
        bounds = [first + count * k // workers for k in range(workers + 1)]
        failures: list[BaseException] = []

        def work(lo: int, hi: int) -> None:
            try:
                self._decrypt_chunks(range(lo, hi), start, end, result)
            except BaseException as exc:
                failures.append(exc)

        threads = [
            threading.Thread(target=work, args=(bounds[k], bounds[k + 1]), name="vault-decrypt", daemon=True)
            for k in range(1, workers)
        ]
        for thread in threads:
            thread.start()
        work(bounds[0], bounds[1])
        for thread in threads:
            thread.join()
        if failures:
            result[:] = bytes(len(result))  # every byte was to be overwritten; leave nothing behind
            raise failures[0]
        return out

    def _decrypt_chunks(self, indices: range, start: int, end: int, result: memoryview) -> None:
        """Decrypt chunks ``indices`` into their place in ``result`` (which holds bytes ``start:end``)."""
        size_c, slot, cipher = self.header.chunk_size, self.header.slot, self.cipher
        only_last = len(indices) == 1 and indices[0] == self.chunks - 1
        ciphertext = memoryview(bytearray(self.last_length + TAG if only_last else slot))
        scratch: memoryview | None = None
        try:
            for index in indices:
                is_last = index == self.chunks - 1
                length = self.last_length if is_last else size_c
                piece = ciphertext[: length + TAG]
                if self._pread(piece, self.header.length + index * slot) != len(piece):
                    raise self._corrupt("shorter than its size (changed while reading)")
                begin = index * size_c
                lo, hi = max(start, begin), min(end, begin + length)
                if lo == begin and hi == begin + length:
                    ok = cipher.decrypt_into(index, is_last, piece, result[lo - start : hi - start])
                else:
                    if scratch is None:
                        scratch = memoryview(bytearray(size_c))
                    ok = cipher.decrypt_into(index, is_last, piece, scratch[:length])
                    if ok:
                        result[lo - start : hi - start] = scratch[lo - begin : hi - begin]
                if not ok:
                    raise self._corrupt(f"chunk {index} of {self.chunks} does not authenticate")
        finally:
            if scratch is not None:
                scratch[:] = bytes(len(scratch))

    def _pread(self, view: memoryview, offset: int) -> int:
        """Read into ``view`` from ``offset`` without moving a shared file position (threads share it)."""
        done = 0
        while done < len(view):
            if preadv is not None:
                got = preadv(self.fh.fileno(), [view[done:]], offset + done)
            else:
                with self.lock:
                    self.fh.seek(offset + done)
                    got = self.fh.readinto(view[done:])
            if not got:
                break
            done += got
        return done


# --- writing ---


class _Handle:
    """What a writer's finalizer needs: its file descriptor and its claim on the document."""

    def __init__(self, fd: int, claim: tuple[str, str]) -> None:
        self.fd, self.claim, self.open = fd, claim, True

    def close(self) -> None:
        if self.open:
            self.open = False
            try:
                os.close(self.fd)
            finally:
                with _active_lock:
                    _active.discard(self.claim)


class VaultWriter:
    """Streams one document version into the vault (see :meth:`Vault.writer`). Use it as a context
    manager, or call :meth:`commit` / :meth:`discard` (and, if resumable, :meth:`suspend`)."""

    resumed_from: int
    """Plaintext bytes already stored when the writer was opened (0 unless a resumed write)."""

    _CLOSED: ClassVar[str] = "this vault writer is already closed"

    def __init__(
        self,
        vault: Vault,
        raw_id: bytes,
        version: int,
        resumable: bool,
        expected: str | None,
        durable: bool = True,
    ) -> None:
        self._vault, self._raw_id, self._version = vault, raw_id, version
        self._durable = durable
        self._resumable, self._expected = resumable, expected
        self._hasher = hashlib.sha256() if expected is not None else None
        self._torn = b""  # ciphertext of a chunk torn by a crash, to be overwritten identically
        name = vault._name(raw_id, version)
        self._final = vault._data / name
        claim = (vault._identity, name)
        with _active_lock:
            if claim in _active:
                raise VaultBusy(detail=f"{name} already has an open writer")
            _active.add(claim)
        try:
            with storage_errors("store a document"):
                if resumable:
                    self._path = vault._partial / name
                    fd, header, index = self._open_partial()
                else:
                    shred(vault._partial / name)
                    header_bytes, header = vault._crypto.new_header(raw_id, version, vault.chunk_size)
                    self._path, fd = create_tmp(vault._tmp)
                    try:
                        write_all(fd, header_bytes)
                    except BaseException:
                        os.close(fd)
                        self._path.unlink(missing_ok=True)
                        raise
                    index = 0
        except BaseException:
            with _active_lock:
                _active.discard(claim)
            raise
        self._handle = _Handle(fd, claim)
        self._finalizer = weakref.finalize(self, self._handle.close)
        self._cipher = ChunkCipher(header)
        self._size = header.chunk_size
        self._index = index
        self.resumed_from = index * header.chunk_size
        self._buffer = uninitialised(header.chunk_size)  # read only up to _fill; wiped on close
        self._fill = 0
        self._out = memoryview(uninitialised(header.slot))  # ciphertext only

    @property
    def written(self) -> int:
        """Plaintext bytes of the document so far (resumed ones included)."""
        return self._index * self._size + self._fill

    def _open_partial(self) -> tuple[int, Header, int]:
        """Open (creating if needed) this writer's partial file: fd, header, chunks kept."""
        vault, path = self._vault, self._path
        try:
            fd = os.open(path, os.O_RDWR | BINARY)
        except FileNotFoundError:
            fd = -1
        if fd >= 0:
            try:
                kept = self._verify_partial(fd)
            except BaseException:
                os.close(fd)
                raise
            if kept is not None:
                return (fd, *kept)
            os.close(fd)
            shred(path)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC | BINARY, 0o600)
        header_bytes, header = vault._crypto.new_header(self._raw_id, self._version, vault.chunk_size)
        try:
            write_all(fd, header_bytes)
            os.fsync(fd)
            fsync_dir(path.parent)
        except BaseException:
            os.close(fd)
            raise
        return fd, header, 0

    def _verify_partial(self, fd: int) -> tuple[Header, int] | None:
        """Authenticate the full chunks of an unfinished write and cut off a torn chunk after them;
        None if the file is unusable (then it is started afresh)."""
        fh = os.fdopen(os.dup(fd), "rb", buffering=0)
        with fh:
            try:
                header = self._vault._crypto.read_header(fh, self._raw_id, self._version)
            except VaultCorrupt as exc:
                log.warning("vault: unfinished write not resumable, starting afresh: %s", exc)
                return None
            cipher = ChunkCipher(header)
            body = os.fstat(fd).st_size - header.length
            ciphertext = memoryview(bytearray(header.slot))
            plaintext = memoryview(bytearray(header.chunk_size))
            hasher = hashlib.sha256() if self._hasher is not None else None
            kept = body // header.slot
            try:
                for index in range(kept):
                    if read_exact(fh, ciphertext) != header.slot or not cipher.decrypt_into(
                        index, False, ciphertext, plaintext
                    ):  # a complete chunk that does not authenticate: damage, not a crash
                        log.warning("vault: unfinished write damaged at chunk %d, starting afresh", index)
                        return None
                    if hasher is not None:
                        hasher.update(plaintext)
            finally:
                plaintext[:] = bytes(len(plaintext))
            if hasher is not None:
                self._hasher = hasher
            # A chunk torn by a crash (shorter than a slot), or nothing. It stays in the file until the
            # chunk written in its place proves to be the same ciphertext (see _emit).
            self._torn = fh.read(header.slot)
        os.lseek(fd, header.length + kept * header.slot, os.SEEK_SET)
        return header, kept

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Append ``data`` to the document."""
        if not self._handle.open:
            raise ValueError(self._CLOSED)
        view = memoryview(data).cast("B")
        if self._hasher is not None:
            self._hasher.update(view)
        size, pos, total = self._size, 0, len(view)
        with storage_errors("store a document"):
            if self._fill:
                take = min(size - self._fill, total)
                self._buffer[self._fill : self._fill + take] = view[:take]
                self._fill += take
                pos = take
                if self._fill == size:
                    self._emit(memoryview(self._buffer), last=False)
                    self._fill = 0
            while total - pos >= size:
                self._emit(view[pos : pos + size], last=False)
                pos += size
            if pos < total:
                self._buffer[: total - pos] = view[pos:]
                self._fill = total - pos

    def _emit(self, plaintext: memoryview, last: bool) -> None:
        if self._index >= MAX_CHUNKS:
            raise VaultError(
                "This document is too large for the offline copy.", detail="chunk index overflow"
            )
        out = self._out[: len(plaintext) + TAG]
        self._cipher.encrypt_into(self._index, last, plaintext, out)
        torn, self._torn = self._torn, b""
        if torn:
            common = min(len(torn), len(plaintext))  # compare the encrypted bytes, not the tags
            if out[:common] != torn[:common]:
                self._abandon_changed()
        write_all(self._handle.fd, out)
        if torn:  # the chunk written over the torn one may be shorter (the last one)
            os.ftruncate(self._handle.fd, os.lseek(self._handle.fd, 0, os.SEEK_CUR))
        self._index += 1
        if self._resumable and not last and self._index % _SYNC_EVERY == 0:
            datasync(self._handle.fd)  # what a resume after a power cut can count on

    def _abandon_changed(self) -> None:
        self._close()
        with contextlib.suppress(OSError):
            shred(self._path)
        raise VaultResumeMismatch(
            detail=f"{self._path}: the bytes after the resume point differ from the ones stored before"
        )

    def commit(self) -> None:
        """Finish the document and move it into place atomically (fsynced). With ``expected_sha256``,
        a mismatch raises :class:`VaultChecksumMismatch` and nothing is kept."""
        if not self._handle.open:
            raise ValueError(self._CLOSED)
        if self._hasher is not None and self._hasher.hexdigest() != self._expected:
            actual = self._hasher.hexdigest()
            self.discard()
            raise VaultChecksumMismatch(detail=f"expected sha256 {self._expected}, got {actual}")
        try:
            with storage_errors("store a document"):
                self._emit(memoryview(self._buffer)[: self._fill], last=True)
                if self._durable:
                    os.fsync(self._handle.fd)
                os.replace(self._path, self._final)
                if self._durable:
                    fsync_dir(self._final.parent)
        except BaseException:
            self.discard()
            raise
        self._close()

    def discard(self) -> None:
        """Throw the document away (an unfinished resumable write too). Does nothing once closed."""
        if self._handle.open:
            self._close()
            with storage_errors("discard a document"):
                shred(self._path)

    def suspend(self) -> None:
        """Close a resumable writer, keeping its full chunks for a later resume (bytes after the last
        full chunk are dropped: resume from :attr:`written` rounded down to the chunk size)."""
        if not self._resumable:
            raise ValueError("only a resumable writer (resume=True) can be suspended")
        if self._handle.open:
            with contextlib.suppress(OSError):  # best effort: the chunks are in the page cache anyway
                datasync(self._handle.fd)
        self._close()

    def _close(self) -> None:
        wipe(self._buffer)
        self._fill = 0
        self._finalizer()

    def __enter__(self) -> VaultWriter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self._handle.open:
            return
        if exc_type is None:
            self.commit()
        elif self._resumable:
            self.suspend()
        else:
            self.discard()
