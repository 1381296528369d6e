"""Content-addressed storage of document bytes: `blobs/ab/abcdef…` named by SHA-256, streamed in
and out in chunks, never held whole in memory; written to a temp file, fsynced, then renamed."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from pathlib import Path

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

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def _begin(self) -> tuple[int, str]:
        return tempfile.mkstemp(dir=self.root / "tmp", prefix="incoming-")

    def _finish(self, tmp: str, digest: str, size: int) -> StoredBlob:
        final = self.path(digest)
        final.parent.mkdir(exist_ok=True)
        if final.exists():
            os.unlink(tmp)
        else:
            os.replace(tmp, final)
        return StoredBlob(digest, size)

    def put_chunks(self, chunks: Iterable[bytes], max_size: int | None = None) -> StoredBlob:
        fd, tmp = self._begin()
        hasher, size = hashlib.sha256(), 0
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    size += len(chunk)
                    if max_size is not None and size > max_size:
                        raise BlobTooLarge(size)
                    hasher.update(chunk)
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            os.unlink(tmp)
            raise
        return self._finish(tmp, hasher.hexdigest(), size)

    def put_bytes(self, data: bytes) -> StoredBlob:
        return self.put_chunks([data[i : i + (1 << 20)] for i in range(0, len(data), 1 << 20)] or [b""])

    def put_file(self, path: Path) -> StoredBlob:
        def read() -> Iterable[bytes]:
            with path.open("rb") as fh:
                while chunk := fh.read(1 << 20):
                    yield chunk

        return self.put_chunks(read())

    async def put_stream(self, chunks: AsyncIterator[bytes], max_size: int) -> StoredBlob:
        fd, tmp = self._begin()
        hasher, size = hashlib.sha256(), 0
        try:
            with os.fdopen(fd, "wb") as fh:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > max_size:
                        raise BlobTooLarge(size)
                    hasher.update(chunk)
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            os.unlink(tmp)
            raise
        return self._finish(tmp, hasher.hexdigest(), size)
