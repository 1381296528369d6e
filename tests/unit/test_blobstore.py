"""The content-addressed blob store: named by SHA-256, atomic, no partial files left behind."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.server.blobstore import BlobStore, BlobTooLarge


def test_put_and_dedupe(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    data = b"Haushaltsplan " * 100_000
    first = store.put_bytes(data)
    second = store.put_chunks(iter([data[:7], data[7:]]))
    assert first == second
    assert first.sha256 == hashlib.sha256(data).hexdigest() and first.size == len(data)
    assert store.path(first.sha256).read_bytes() == data
    assert list((tmp_path / "tmp").iterdir()) == []


def test_too_large_leaves_nothing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    with pytest.raises(BlobTooLarge):
        store.put_chunks(iter([b"x" * 600, b"y" * 600]), max_size=1000)
    assert list((tmp_path / "tmp").iterdir()) == []
    assert [p for p in tmp_path.iterdir() if p.name != "tmp"] == []


def test_failing_source_leaves_nothing(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)

    def broken() -> Iterator[bytes]:
        yield b"begin"
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        store.put_chunks(broken())
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("name", ["../etc/passwd", "abc", "A" * 64, "0" * 63, "0" * 64 + "/x"])
def test_only_digests_make_paths(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="sha256"):
        BlobStore(tmp_path).path(name)
