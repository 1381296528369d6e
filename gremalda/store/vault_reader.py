"""Reading a committed vault file: the size of its plaintext from the file size, and decryption of any
range of it straight into one new buffer (a ``bytearray``, so that the caller can wipe it), every chunk
touched authenticated, large ranges on several threads (AES-GCM releases the GIL). Plaintext exists
only in memory."""

from __future__ import annotations

import threading
from io import FileIO

from gremalda.store.vault_errors import VaultCorrupt
from gremalda.store.vault_format import TAG, ChunkCipher, Header
from gremalda.store.vault_io import preadv, uninitialised

__all__ = ["OpenFile"]

_CHUNKS_PER_WORKER = 8  # below 8 chunks a worker thread does not pay for itself


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
