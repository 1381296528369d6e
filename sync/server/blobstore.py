"""Content-addressed storage of document bytes: `blobs/ab/abcdef…` named by SHA-256, streamed in
and out in chunks, never held whole in memory; written to a temp file, fsynced, then renamed."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_HEX = re.compile(r"^[0-9a-f]{64}$")


class BlobTooLarge(Exception):
    pass


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "tmp").mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if not _HEX.match(sha256):
            raise ValueError("not a sha256 digest")
        return self.root / sha256[:2] / sha256

    def _begin(self) -> _Incoming:
        fd, tmp = tempfile.mkstemp(dir=self.root / "tmp", prefix="incoming-")
        return _Incoming(self, os.fdopen(fd, "wb"), tmp)

    def _finish(self, tmp: str, digest: str, size: int) -> StoredBlob:
        final = self.path(digest)
        final.parent.mkdir(exist_ok=True)
        if final.exists():
            os.unlink(tmp)
        else:
            os.replace(tmp, final)
        return StoredBlob(digest, size)

    def put_chunks(self, chunks: Iterable[bytes], max_size: int | None = None) -> StoredBlob:
        with self._begin() as incoming:
            for chunk in chunks:
                incoming.write(chunk, max_size)
            return incoming.finish()

    def put_bytes(self, data: bytes) -> StoredBlob:
        return self.put_chunks([data[i : i + (1 << 20)] for i in range(0, len(data), 1 << 20)] or [b""])

    def put_file(self, path: Path) -> StoredBlob:
        def read() -> Iterable[bytes]:
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    yield chunk

        return self.put_chunks(read())

    def put_staged(self, path: Path, sha256: str, size: int) -> StoredBlob:
        """Moves a fsynced file whose digest is known (a finished resumable upload) into the store."""
        tmp = self.root / "tmp" / f"staged-{uuid.uuid4().hex}"
        try:
            os.replace(path, tmp)
        except OSError:  # another file system: copy
            shutil.copyfile(path, tmp)
            os.unlink(path)
        return self._finish(str(tmp), sha256, size)

    async def put_stream(self, chunks: AsyncIterator[bytes], max_size: int) -> StoredBlob:
        with self._begin() as incoming:
            async for chunk in chunks:
                incoming.write(chunk, max_size)
            return incoming.finish()


class _Incoming:
    """A blob being written: hashed as it comes, fsynced, then moved into place; removed on error."""

    def __init__(self, store: BlobStore, fh: BinaryIO, tmp: str) -> None:
        self.store, self.fh, self.tmp = store, fh, tmp
        self.hasher, self.size = hashlib.sha256(), 0

    def write(self, chunk: bytes, max_size: int | None) -> None:
        self.size += len(chunk)
        if max_size is not None and self.size > max_size:
            raise BlobTooLarge(self.size)
        self.hasher.update(chunk)
        self.fh.write(chunk)

    def finish(self) -> StoredBlob:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        return self.store._finish(self.tmp, self.hasher.hexdigest(), self.size)

    def __enter__(self) -> _Incoming:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is not None:
            self.fh.close()
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.tmp)
