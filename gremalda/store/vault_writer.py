"""Streaming one document version into the vault: :class:`VaultWriter` (made by
:meth:`gremalda.store.vault.Vault.writer`).

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

One writer per file id and version of a vault at a time in a process (:class:`VaultBusy` otherwise).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
import weakref
from types import TracebackType
from typing import TYPE_CHECKING, ClassVar

from gremalda.store.vault_errors import (
    VaultBusy,
    VaultChecksumMismatch,
    VaultCorrupt,
    VaultError,
    VaultResumeMismatch,
    storage_errors,
)
from gremalda.store.vault_format import MAX_CHUNKS, TAG, ChunkCipher, Header, shred
from gremalda.store.vault_io import (
    BINARY,
    create_tmp,
    datasync,
    fsync_dir,
    read_exact,
    uninitialised,
    wipe,
    write_all,
)

if TYPE_CHECKING:
    from gremalda.store.vault import Vault

__all__ = ["VaultWriter"]

log = logging.getLogger("gremalda.store.vault")  # the vault's one logger, as before the split

# A resumable write is synced every this many chunks (and when suspended or committed): a process that
# dies keeps everything it wrote (the page cache survives it); after a power cut a resume may go back
# up to this many chunks (a chunk that did not reach the disk does not authenticate: the write then
# starts afresh from the last good chunk or from nothing).
_SYNC_EVERY = 16

_active_lock = threading.Lock()
_active: set[tuple[str, str]] = set()  # (vault identity, file name) of every open writer


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
