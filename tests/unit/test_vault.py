"""The encrypted document vault: round trips, tampering, crashes and resumes, shredding, and no plaintext
on disk."""

from __future__ import annotations

import gc
import hashlib
import itertools
import os
import random
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gremalda.errors import ReplicaError, WrongKey
from gremalda.store import vault as vault_module
from gremalda.store.vault import (
    Vault,
    VaultBusy,
    VaultChecksumMismatch,
    VaultCorrupt,
    VaultError,
    VaultNotFound,
    VaultWrongKey,
)

ROOT = Path(__file__).resolve().parents[2]
C = 4096  # a small chunk size, so that chunk boundaries are cheap to cover
HEADER_FIXED = 38
SLOT = C + 16
SYSTEM_TEMP = Path(tempfile.gettempdir())  # before any test points tempfile elsewhere
KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


def payload(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


def data_path(vault: Vault, file_id: str, version: int) -> Path:
    return vault._data_path(file_id.encode(), version)


def header_length(file_id: str) -> int:
    return HEADER_FIXED + 56 + len(file_id.encode())


def all_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(tmp_path / "vault", KEY, chunk_size=C)


# --- round trips ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, C - 1, C, C + 1, 2 * C, 3 * C + 5, 5 * C - 1])
def test_round_trip_small_chunks(vault: Vault, size: int) -> None:
    data = payload(size, size)
    vault.put("doc", 1, data)
    assert vault.read("doc", 1) == data
    assert vault.size("doc", 1) == size
    assert vault.exists("doc", 1) and not vault.exists("doc", 2)
    body = data_path(vault, "doc", 1).stat().st_size - header_length("doc")
    assert body == size + 16 * (size // C + 1)  # one tag per chunk, and always a last chunk


@pytest.mark.parametrize("size", [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 5 * (1 << 20) + 12345])
def test_round_trip_default_chunks(tmp_path: Path, size: int) -> None:
    vault = Vault(tmp_path / "vault", KEY)
    data = payload(size, size)
    vault.put("Drucksache 21/1234", 7, data)
    assert vault.chunk_size == 1 << 20
    assert vault.read("Drucksache 21/1234", 7) == data
    assert vault.size("Drucksache 21/1234", 7) == size


def test_large_read_uses_threads_and_detects_damage_in_any_part(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(vault_module, "_WORKERS", 3)
    vault = Vault(tmp_path / "vault", KEY, chunk_size=C)
    data = payload(40 * C + 17, 3)
    vault.put("big", 1, data)
    assert vault.read("big", 1) == data
    assert vault.read_range("big", 1, 5 * C + 3, 30 * C) == data[5 * C + 3 : 35 * C + 3]
    path = data_path(vault, "big", 1)
    raw = bytearray(path.read_bytes())
    raw[header_length("big") + 33 * SLOT + 100] ^= 1  # in the third worker's share
    path.write_bytes(raw)
    with pytest.raises(VaultCorrupt):
        vault.read("big", 1)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    size=st.integers(0, 6 * C + 3) | st.sampled_from([0, 1, C - 1, C, C + 1, 3 * C]),
    cuts=st.lists(st.integers(0, 6 * C + 3), max_size=6),
    ranges=st.lists(st.tuples(st.integers(0, 7 * C), st.integers(0, 3 * C)), min_size=1, max_size=8),
    seed=st.integers(0, 2**32),
)
def test_streamed_round_trip_and_ranges(
    vault: Vault, size: int, cuts: list[int], ranges: list[tuple[int, int]], seed: int
) -> None:
    data = payload(size, seed)
    points = sorted({0, size, *(c for c in cuts if c <= size)})
    with vault.writer("stream", seed) as writer:
        for i, (a, b) in enumerate(itertools.pairwise(points)):
            piece = data[a:b]
            writer.write(piece if i % 3 == 0 else bytearray(piece) if i % 3 == 1 else memoryview(piece))
        assert writer.written == size
    assert vault.read("stream", seed) == data
    for start, length in ranges:
        got = vault.read_range("stream", seed, start, length)
        assert isinstance(got, bytearray)
        assert got == data[start : start + length]


def test_put_replaces_and_versions_are_separate(vault: Vault) -> None:
    vault.put("doc", 1, b"first")
    vault.put("doc", 2, b"second version")
    vault.put("doc", 1, b"replaced")
    assert vault.read("doc", 1) == b"replaced"
    assert vault.read("doc", 2) == b"second version"
    assert vault.list() == [("doc", 1), ("doc", 2)]


def test_arbitrary_ids_never_become_paths(vault: Vault) -> None:
    ids = [
        "../../etc/passwd",
        "",
        "a/b\\c:d",
        "Ausschuss für Umwelt · ß",
        "\udc80 lone surrogate",
        "x" * 4096,
    ]
    for n, file_id in enumerate(ids):
        vault.put(file_id, n, file_id.encode("utf-8", "surrogatepass"))
    assert vault.list() == sorted((file_id, n) for n, file_id in enumerate(ids))
    for n, file_id in enumerate(ids):
        assert vault.read(file_id, n) == file_id.encode("utf-8", "surrogatepass")
    names = {p.name for p in (vault.root / "data").iterdir()}
    assert len(names) == len(ids)
    assert all(len(name.split(".")[0]) == 64 and name.split(".")[1].isdigit() for name in names)
    assert not (vault.root.parent / "etc").exists()
    with pytest.raises(ValueError, match="4096"):
        vault.put("x" * 4097, 1, b"")


def test_ids_are_not_guessable_without_the_key(tmp_path: Path) -> None:
    first = Vault(tmp_path / "a", KEY, chunk_size=C)
    second = Vault(tmp_path / "b", OTHER_KEY, chunk_size=C)
    first.put("paper/42", 1, b"x")
    second.put("paper/42", 1, b"x")
    assert hashlib.sha256(b"paper/42").hexdigest() not in data_path(first, "paper/42", 1).name
    assert data_path(first, "paper/42", 1).name != data_path(second, "paper/42", 1).name


def test_reopened_with_another_chunk_size_reads_old_files(tmp_path: Path) -> None:
    data = payload(3 * C + 1)
    Vault(tmp_path / "v", KEY, chunk_size=C).put("doc", 1, data)
    vault = Vault(tmp_path / "v", KEY, chunk_size=8 * C)
    vault.put("doc", 2, data)
    assert vault.read("doc", 1) == data and vault.read("doc", 2) == data


def test_missing_document_and_bad_arguments(vault: Vault) -> None:
    with pytest.raises(VaultNotFound) as info:
        vault.read("nothing", 1)
    assert isinstance(info.value, ReplicaError) and "Synchronise" in info.value.message
    with pytest.raises(VaultNotFound):
        vault.size("nothing", 1)
    vault.put("doc", 1, b"abc")
    with pytest.raises(ValueError):
        vault.read_range("doc", 1, -1, 2)
    with pytest.raises(ValueError):
        vault.read_range("doc", 1, 0, -2)
    with pytest.raises(ValueError):
        vault.put("doc", -1, b"")
    with pytest.raises(TypeError):
        vault.put("doc", True, b"")
    with pytest.raises(ValueError, match="32 bytes"):
        Vault(vault.root, b"short")
    with pytest.raises(ValueError, match="chunk size"):
        Vault(vault.root, KEY, chunk_size=8 << 20)
    with pytest.raises(ValueError, match="sha256"):
        vault.writer("doc", 1, expected_sha256="abc")


def test_read_returns_a_wipeable_copy(vault: Vault) -> None:
    vault.put("doc", 1, b"secret text")
    first = vault.read("doc", 1)
    first[:] = bytes(len(first))
    assert vault.read("doc", 1) == b"secret text"


# --- the master key ---------------------------------------------------------------------------------------


def test_wrong_master_key_refused_clearly_and_nothing_touched(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    vault = Vault(root, KEY, chunk_size=C)
    vault.put("doc", 1, payload(3 * C))
    with vault.writer("partial", 1, resume=True) as writer:
        writer.write(payload(2 * C + 5))
        writer.suspend()
    (root / "tmp" / "leftover.tmp").write_bytes(b"ciphertext of an interrupted write")
    before = all_files(root)
    with pytest.raises(VaultCorrupt) as info:
        Vault(root, OTHER_KEY, chunk_size=C)
    assert isinstance(info.value, VaultWrongKey) and isinstance(info.value, WrongKey)
    assert (
        "does not open" in info.value.message and "Nothing has been changed or deleted" in info.value.message
    )
    assert all_files(root) == before
    # without the key check file, the stored files still tell a wrong key apart
    (root / "VAULT").unlink()
    before = all_files(root)
    with pytest.raises(VaultWrongKey):
        Vault(root, OTHER_KEY, chunk_size=C)
    assert all_files(root) == before
    reopened = Vault(root, KEY, chunk_size=C)
    assert reopened.read("doc", 1) == payload(3 * C)
    assert (root / "VAULT").exists()
    assert not (root / "tmp" / "leftover.tmp").exists()  # swept only once the key was right


def test_damaged_key_check_is_reported_not_deleted(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    Vault(root, KEY).put("doc", 1, b"abc")
    (root / "VAULT").write_bytes(b"garbage")
    before = all_files(root)
    with pytest.raises(VaultCorrupt, match="key check"):
        Vault(root, KEY)
    assert all_files(root) == before


def test_file_from_another_vault_does_not_open(tmp_path: Path) -> None:
    mine = Vault(tmp_path / "mine", KEY, chunk_size=C)
    theirs = Vault(tmp_path / "theirs", OTHER_KEY, chunk_size=C)
    theirs.put("doc", 1, b"their document")
    mine.put("doc", 1, b"my document")
    data_path(mine, "doc", 1).write_bytes(data_path(theirs, "doc", 1).read_bytes())
    with pytest.raises(VaultCorrupt, match="tampered"):
        mine.read("doc", 1)
    assert mine.list() == []  # an unreadable header is left out of the listing


# --- tampering --------------------------------------------------------------------------------------------


def test_every_flipped_byte_is_detected(vault: Vault) -> None:
    data = payload(C + 100)  # header, a full chunk, the last chunk
    vault.put("doc", 1, data)
    path = data_path(vault, "doc", 1)
    original = path.read_bytes()
    for position in range(len(original)):
        damaged = bytearray(original)
        damaged[position] ^= 0x40
        path.write_bytes(damaged)
        with pytest.raises(VaultCorrupt):
            vault.read("doc", 1)
    path.write_bytes(original)
    assert vault.read("doc", 1) == data


def test_damage_outside_a_range_does_not_hide_the_range(vault: Vault) -> None:
    data = payload(3 * C)
    vault.put("doc", 1, data)
    path = data_path(vault, "doc", 1)
    raw = bytearray(path.read_bytes())
    raw[header_length("doc") + SLOT + 7] ^= 1  # chunk 1
    path.write_bytes(raw)
    assert vault.read_range("doc", 1, 10, 100) == data[10:110]  # chunk 0 only, authenticated
    with pytest.raises(VaultCorrupt):
        vault.read_range("doc", 1, C - 1, 2)
    with pytest.raises(VaultCorrupt):
        vault.read("doc", 1)


@pytest.mark.parametrize("size", [2 * C + 100, 2 * C, 0])
def test_truncation_is_detected(vault: Vault, size: int) -> None:
    vault.put("doc", 1, payload(size))
    path = data_path(vault, "doc", 1)
    original = path.read_bytes()
    head = header_length("doc")
    cuts = {len(original) - 1, len(original) - 16, head + SLOT, head + 2 * SLOT, head, head - 1, 10, 0}
    for cut in sorted(c for c in cuts if 0 <= c < len(original)):
        path.write_bytes(original[:cut])
        with pytest.raises(VaultCorrupt):
            vault.read("doc", 1)
        with pytest.raises(VaultCorrupt):
            vault.size("doc", 1)
        with pytest.raises(VaultCorrupt):
            vault.read_range("doc", 1, max(size - 1, 0), 10)  # reaches the end: the end is checked


@pytest.mark.parametrize(
    "extra", [b"\0", b"x" * 16, b"y" * SLOT, b"z" * (SLOT + 16)], ids=["1", "16", "slot", "slot+16"]
)
def test_appended_garbage_is_detected(vault: Vault, extra: bytes) -> None:
    vault.put("doc", 1, payload(C + 5))
    path = data_path(vault, "doc", 1)
    path.write_bytes(path.read_bytes() + extra)
    with pytest.raises(VaultCorrupt):
        vault.read("doc", 1)
    with pytest.raises(VaultCorrupt):
        vault.size("doc", 1)


def test_appending_a_copy_of_the_last_chunk_is_detected(vault: Vault) -> None:
    vault.put("doc", 1, payload(2 * C))  # last chunk empty: a bare tag
    path = data_path(vault, "doc", 1)
    raw = path.read_bytes()
    path.write_bytes(raw + raw[-16:])
    with pytest.raises(VaultCorrupt):
        vault.read("doc", 1)


def test_swapped_chunks_are_detected(vault: Vault) -> None:
    vault.put("doc", 1, payload(3 * C + 9))
    path = data_path(vault, "doc", 1)
    raw = path.read_bytes()
    head = header_length("doc")
    chunks = [raw[head + i * SLOT : head + (i + 1) * SLOT] for i in range(3)]
    path.write_bytes(raw[:head] + chunks[1] + chunks[0] + raw[head + 2 * SLOT :])
    with pytest.raises(VaultCorrupt):
        vault.read("doc", 1)
    path.write_bytes(raw[:head] + chunks[0] + chunks[1] + chunks[1] + raw[head + 3 * SLOT :])
    with pytest.raises(VaultCorrupt):
        vault.read("doc", 1)


def test_file_of_another_id_or_version_is_detected(vault: Vault) -> None:
    vault.put("A", 1, payload(2 * C, 1))
    vault.put("B", 1, payload(2 * C, 2))
    vault.put("A", 2, payload(2 * C, 3))
    data_path(vault, "B", 1).write_bytes(data_path(vault, "A", 1).read_bytes())
    with pytest.raises(VaultCorrupt) as info:
        vault.read("B", 1)
    assert "another document" in (info.value.detail or "")
    data_path(vault, "A", 2).write_bytes(data_path(vault, "A", 1).read_bytes())
    with pytest.raises(VaultCorrupt):
        vault.read("A", 2)
    assert vault.read("A", 1) == payload(2 * C, 1)
    assert vault.list() == [("A", 1)]  # misplaced copies are left out


def test_chunk_moved_between_files_is_detected(vault: Vault) -> None:
    vault.put("A", 1, payload(2 * C, 1))
    vault.put("B", 1, payload(2 * C, 2))
    a, b = data_path(vault, "A", 1), data_path(vault, "B", 1)
    head = header_length("A")
    raw_a, raw_b = a.read_bytes(), b.read_bytes()
    b.write_bytes(raw_b[:head] + raw_a[head : head + SLOT] + raw_b[head + SLOT :])
    with pytest.raises(VaultCorrupt):
        vault.read("B", 1)


# --- writing: failures, crashes, resumes ------------------------------------------------------------------


def vault_dirs_empty(vault: Vault) -> bool:
    return all(not list((vault.root / d).iterdir()) for d in ("data", "partial", "tmp"))


def test_exception_in_writer_leaves_nothing(vault: Vault) -> None:
    with pytest.raises(RuntimeError, match="connection lost"), vault.writer("doc", 1) as writer:
        writer.write(payload(3 * C + 1))
        raise RuntimeError("connection lost")
    assert not vault.exists("doc", 1)
    assert vault_dirs_empty(vault)


def test_exception_in_writer_keeps_the_old_version(vault: Vault) -> None:
    vault.put("doc", 1, b"old")
    with pytest.raises(KeyboardInterrupt), vault.writer("doc", 1) as writer:
        writer.write(payload(2 * C))
        raise KeyboardInterrupt
    assert vault.read("doc", 1) == b"old"
    assert not any((vault.root / "tmp").iterdir())


def test_checksum_mismatch_keeps_nothing(vault: Vault) -> None:
    data = payload(2 * C + 3)
    with pytest.raises(VaultChecksumMismatch), vault.writer("doc", 1, expected_sha256="0" * 64) as writer:
        writer.write(data)
    assert vault_dirs_empty(vault)
    with vault.writer("doc", 1, expected_sha256=hashlib.sha256(data).hexdigest().upper()) as writer:
        writer.write(data)
    assert vault.read("doc", 1) == data


def test_one_writer_per_document(vault: Vault) -> None:
    first = vault.writer("doc", 1)
    with pytest.raises(VaultBusy):
        vault.writer("doc", 1)
    other = vault.writer("doc", 2)
    other.discard()
    first.write(b"abc")
    first.commit()
    with pytest.raises(ValueError, match="closed"):
        first.write(b"more")
    with vault.writer("doc", 1) as again:
        again.write(b"xyz")
    assert vault.read("doc", 1) == b"xyz"


def test_dropped_writer_frees_its_document(vault: Vault) -> None:
    writer = vault.writer("doc", 1)
    writer.write(payload(C + 1))
    del writer
    gc.collect()
    assert not vault.exists("doc", 1)
    vault.put("doc", 1, b"fine")
    assert vault.read("doc", 1) == b"fine"
    Vault(vault.root, KEY, chunk_size=C)  # the next open removes the dropped writer's temp file
    assert not any((vault.root / "tmp").iterdir())


def test_resume_after_an_exception(vault: Vault) -> None:
    data = payload(5 * C + 77)
    with pytest.raises(ConnectionError), vault.writer("doc", 3, resume=True) as writer:
        assert writer.resumed_from == 0
        writer.write(data[: 2 * C + 500])
        raise ConnectionError("reset by peer")
    assert not vault.exists("doc", 3)
    assert vault.partial_size("doc", 3) == 2 * C
    assert vault.list_partial() == [("doc", 3)]
    expected = hashlib.sha256(data).hexdigest()
    with vault.writer("doc", 3, resume=True, expected_sha256=expected) as writer:
        assert writer.resumed_from == 2 * C
        writer.write(data[writer.resumed_from :])
    assert vault.read("doc", 3) == data
    assert vault.partial_size("doc", 3) == 0 and vault.list_partial() == []
    assert vault_dirs_empty(vault) is False and not any((vault.root / "partial").iterdir())


def test_resume_false_discards_an_unfinished_write(vault: Vault) -> None:
    with vault.writer("doc", 1, resume=True) as writer:
        writer.write(payload(3 * C))
        writer.suspend()
    assert vault.partial_size("doc", 1) == 3 * C
    with vault.writer("doc", 1) as writer:
        assert writer.resumed_from == 0
        writer.write(b"fresh")
    assert vault.read("doc", 1) == b"fresh"
    assert not any((vault.root / "partial").iterdir())


def test_damaged_unfinished_write_starts_afresh(vault: Vault) -> None:
    data = payload(4 * C + 1)
    with vault.writer("doc", 1, resume=True) as writer:
        writer.write(data[: 3 * C])
        writer.suspend()
    partial = vault.root / "partial" / data_path(vault, "doc", 1).name
    raw = bytearray(partial.read_bytes())
    raw[header_length("doc") + SLOT + 3] ^= 1  # damage to chunk 1 of 3, not a crash
    partial.write_bytes(raw)
    with vault.writer("doc", 1, resume=True, expected_sha256=hashlib.sha256(data).hexdigest()) as writer:
        assert writer.resumed_from == 0
        writer.write(data)
    assert vault.read("doc", 1) == data


def test_resume_of_a_torn_chunk(vault: Vault) -> None:
    data = payload(4 * C + 10)
    with vault.writer("doc", 1, resume=True) as writer:
        writer.write(data[: 3 * C])
        writer.suspend()
    partial = vault.root / "partial" / data_path(vault, "doc", 1).name
    with partial.open("r+b") as fh:  # a crash in the middle of writing chunk 2
        fh.truncate(header_length("doc") + 2 * SLOT + 1000)
    with vault.writer("doc", 1, resume=True) as writer:  # resumed, and interrupted again at once
        assert writer.resumed_from == 2 * C
        writer.suspend()
    assert partial.stat().st_size == header_length("doc") + 2 * SLOT + 1000  # the torn chunk is kept
    with vault.writer("doc", 1, resume=True) as writer:
        assert writer.resumed_from == 2 * C
        writer.write(data[2 * C : 2 * C + 10])
        writer.write(data[2 * C + 10 :])
    assert vault.read("doc", 1) == data


def test_torn_chunk_overwritten_by_a_shorter_last_chunk(vault: Vault) -> None:
    data = payload(4 * C)
    with vault.writer("doc", 1, resume=True) as writer:
        writer.write(data[: 3 * C])
        writer.suspend()
    partial = vault.root / "partial" / data_path(vault, "doc", 1).name
    with partial.open("r+b") as fh:
        fh.truncate(header_length("doc") + 2 * SLOT + 1000)
    with vault.writer("doc", 1, resume=True) as writer:  # the same bytes, but the document ends sooner
        writer.write(data[2 * C : 2 * C + 500])
    assert vault.read("doc", 1) == data[: 2 * C + 500]  # the rest of the torn chunk was cut off


def test_resume_with_other_bytes_after_a_torn_chunk_is_refused(vault: Vault) -> None:
    data = payload(4 * C + 10)
    with vault.writer("doc", 1, resume=True) as writer:
        writer.write(data[: 3 * C])
        writer.suspend()
    partial = vault.root / "partial" / data_path(vault, "doc", 1).name
    with partial.open("r+b") as fh:
        fh.truncate(header_length("doc") + 2 * SLOT + 1000)
    changed = payload(2 * C, seed=99)  # the server's file changed in the meantime
    with (
        pytest.raises(VaultError, match="did not continue the same document"),
        vault.writer("doc", 1, resume=True) as writer,
    ):
        writer.write(changed)
    assert vault_dirs_empty(vault)
    with vault.writer("doc", 1, resume=True) as writer:
        assert writer.resumed_from == 0
        writer.write(data)
    assert vault.read("doc", 1) == data


def test_resume_uses_the_chunk_size_of_the_unfinished_write(tmp_path: Path) -> None:
    data = payload(3 * C + 3)
    with Vault(tmp_path / "v", KEY, chunk_size=C).writer("doc", 1, resume=True) as writer:
        writer.write(data[: 2 * C])
        writer.suspend()
    vault = Vault(tmp_path / "v", KEY, chunk_size=4 * C)
    assert vault.partial_size("doc", 1) == 2 * C
    with vault.writer("doc", 1, resume=True) as writer:
        assert writer.resumed_from == 2 * C
        writer.write(data[2 * C :])
    assert vault.read("doc", 1) == data


CHILD = textwrap.dedent(
    """
    import os, random, sys, time
    from pathlib import Path
    from gremalda.store.vault import Vault

    root, size, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    data = random.Random(seed).randbytes(size)
    vault = Vault(root, bytes.fromhex(os.environ["VAULT_TEST_KEY"]), chunk_size=4096)
    rng = random.Random()
    with vault.writer("doc", 1, resume=True) as writer:
        print("resumed", writer.resumed_from, flush=True)
        position = writer.resumed_from
        while position < size:
            step = rng.randint(1, 3 * 4096)
            writer.write(data[position : position + step])
            position += step
            print("written", min(position, size), flush=True)
            time.sleep(0.001)
        sys.stdin.readline()  # the parent's go-ahead: a kill meant for this run comes before the commit
    print("committed", flush=True)
    """
)


def run_child(root: Path, size: int, seed: int, kill_at: int | None) -> tuple[int, int, bool]:
    """Run the writer in a child process, SIGKILLed once it reported ``kill_at`` bytes written (while it
    goes on writing; it commits only when let, so a kill that comes late still comes first). Returns where it
    resumed, the last position it reported, and whether it committed."""
    env = {**os.environ, "VAULT_TEST_KEY": KEY.hex(), "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(root), str(size), str(seed)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert child.stdin is not None and child.stdout is not None
    if kill_at is None:
        child.stdin.write("commit\n")  # read once everything is written
        child.stdin.flush()
    resumed = int(child.stdout.readline().split()[1])
    reported, committed = resumed, False
    for line in child.stdout:
        committed = committed or line.strip() == "committed"
        if line.startswith("written"):
            reported = int(line.split()[1])
            if kill_at is not None and reported >= kill_at:
                child.send_signal(signal.SIGKILL)
                break
    rest, _ = child.communicate(timeout=300)
    committed = committed or "committed" in rest.split()
    assert committed == (child.returncode == 0)
    return resumed, reported, committed


def test_resume_after_kill_9_at_random_moments(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    size, seed = 120 * C + 123, 7
    kills = sorted(random.Random(1).sample(range(C, size // 2), 8))  # leaves the child ≥ 60 ms to go
    stored = 0
    for kill_at in kills:
        resumed, reported, committed = run_child(root, size, seed, kill_at)
        assert not committed
        assert resumed == stored  # the run went on exactly where the killed one stopped
        vault = Vault(root, KEY, chunk_size=C)
        stored = vault.partial_size("doc", 1)
        assert stored % C == 0 and reported - C < stored < size
        assert not vault.exists("doc", 1)
    resumed, _, committed = run_child(root, size, seed, None)
    assert committed and resumed == stored > 0
    vault = Vault(root, KEY, chunk_size=C)
    assert vault.read("doc", 1) == payload(size, seed)
    assert vault.list_partial() == [] and not any((root / "tmp").iterdir())


# --- deleting ---------------------------------------------------------------------------------------------


def test_delete_shreds_the_key_and_removes_the_data(vault: Vault, tmp_path: Path) -> None:
    vault.put("doc", 1, payload(2 * C))
    vault.put("keep", 1, b"other document")
    path = data_path(vault, "doc", 1)
    raw = path.read_bytes()
    head = header_length("doc")
    sealed = raw[HEADER_FIXED:head]
    lingering = tmp_path / "lingering-blocks"
    os.link(path, lingering)  # the same inode: what an undeleted copy of the blocks would hold
    vault.delete("doc", 1)
    assert not path.exists() and not vault.exists("doc", 1)
    shredded = lingering.read_bytes()
    assert shredded[16:head] == bytes(head - 16)  # nonce prefix, seal nonce and sealed data key zeroed
    assert all(sealed not in content for content in all_files(vault.root).values())
    path.write_bytes(shredded)
    with pytest.raises(VaultCorrupt):
        vault.read("doc", 1)
    path.write_bytes(raw[:16] + shredded[16:])
    with pytest.raises(VaultCorrupt):
        vault.read("doc", 1)
    path.unlink()
    assert vault.read("keep", 1) == b"other document"
    assert vault.list() == [("keep", 1)]


def test_delete_all_versions_and_unfinished_writes(vault: Vault) -> None:
    for version in (1, 2, 10):
        vault.put("doc", version, b"v%d" % version)
    vault.put("other", 1, b"stays")
    with vault.writer("doc", 11, resume=True) as writer:
        writer.write(payload(2 * C))
        writer.suspend()
    vault.delete("doc", 2)
    assert vault.list() == [("doc", 1), ("doc", 10), ("other", 1)]
    vault.delete("doc")
    assert vault.list() == [("other", 1)] and vault.list_partial() == []
    assert vault.partial_size("doc", 11) == 0
    vault.delete("doc")  # nothing left: no error
    vault.delete("missing", 3)
    assert len(list((vault.root / "data").iterdir())) == 1


def test_shredded_leftover_is_skipped_and_does_not_look_like_a_wrong_key(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    vault = Vault(root, KEY, chunk_size=C)
    vault.put("a", 1, b"a")
    vault.put("b", 1, b"b")
    path = data_path(vault, "a", 1)
    lingering = tmp_path / "copy"
    os.link(path, lingering)
    vault.delete("a", 1)
    os.link(lingering, path)  # a crash between the overwrite and the unlink
    (root / "VAULT").unlink()
    reopened = Vault(root, KEY, chunk_size=C)
    assert reopened.list() == [("b", 1)]


# --- no plaintext on disk ---------------------------------------------------------------------------------


@pytest.fixture
def private_tempdir(tmp_path: Path, monkeypatch) -> Iterator[Path]:
    """A fresh temp dir as the process's temp dir, to be scanned completely afterwards."""
    temp = tmp_path / "systemp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    yield temp


def files_touched_since(directory: Path, since: float) -> Iterator[Path]:
    for dirpath, _, filenames in os.walk(directory, onerror=lambda _: None):
        for filename in filenames:
            path = Path(dirpath, filename)
            try:
                if path.is_file() and not path.is_symlink() and path.stat().st_mtime >= since:
                    yield path
            except OSError:
                continue


def test_no_plaintext_on_disk(tmp_path: Path, private_tempdir: Path) -> None:
    started = time.time() - 1
    marker = b"GEHEIM-Haushaltsplan-2025-" + os.urandom(8).hex().encode()
    body = payload(6 * C + 321, 5)
    document = body[:1000] + marker + body[1000:] + marker
    file_id = "Vorlage " + marker.decode()
    vault = Vault(tmp_path / "vault", KEY, chunk_size=C)
    vault.put(file_id, 1, document)
    with vault.writer(file_id, 2) as writer:
        for i in range(0, len(document), 777):
            writer.write(document[i : i + 777])
    with pytest.raises(ConnectionError), vault.writer(file_id, 3, resume=True) as writer:
        writer.write(document[: 4 * C + 10])
        raise ConnectionError
    with vault.writer(file_id, 4, resume=True) as writer:  # left unfinished, on disk in partial/
        writer.write(document[: 3 * C])
        writer.suspend()
    with vault.writer(file_id, 3, resume=True) as writer:
        writer.write(document[writer.resumed_from :])
    for version in (1, 2, 3):
        assert vault.read(file_id, version) == document
        assert vault.read_range(file_id, version, 900, 200) == document[900:1100]
    windows = [document[i : i + 32] for i in range(0, len(document) - 32, 101)]
    scanned = 0
    candidates = [p for p in (tmp_path / "vault").rglob("*") if p.is_file()]
    candidates += list(private_tempdir.rglob("*"))
    candidates += [p for p in files_touched_since(SYSTEM_TEMP, started) if p.stat().st_size < 64 << 20]
    for path in candidates:
        try:
            content = path.read_bytes()
        except OSError:
            continue  # another user's file, or gone meanwhile
        scanned += 1
        assert marker not in content, path
        assert marker.hex().encode() not in content, path
        assert not any(window in content for window in windows), path
    assert scanned >= 5  # VAULT, three committed versions, one unfinished write


def test_writes_made_durable_in_a_batch_by_one_sync(vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    import gremalda.store.vault as vault_module

    fsyncs: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(vault_module.os, "fsync", lambda fd: fsyncs.append(fd) or real_fsync(fd))
    contents = {f"doc-{i}": os.urandom(3 * C + i) for i in range(5)}
    for file_id, data in contents.items():
        with vault.writer(file_id, 1, durable=False, expected_sha256=hashlib.sha256(data).hexdigest()) as w:
            w.write(data)
    assert fsyncs == []  # no fsync per file ...
    vault.sync()  # ... one syncfs for the batch
    for file_id, data in contents.items():
        assert bytes(vault.read(file_id, 1)) == data


def test_a_closed_writer_leaves_no_plaintext_in_its_buffer(vault: Vault) -> None:
    writer = vault.writer("doc", 1)
    writer.write(b"geheim" * 10)
    buffer = writer._buffer
    writer.discard()
    assert bytes(buffer) == bytes(len(buffer))


def test_a_vault_opened_meanwhile_leaves_a_running_write_alone_and_removes_true_leftovers(
    tmp_path: Path,
) -> None:
    """Opening a vault removes what interrupted writes left in tmp/, but not the file another store
    (another thread of this process, another process) is writing right now."""
    vault = Vault(tmp_path / "vault", KEY, chunk_size=C)
    data = payload(5 * C + 3, 11)
    writer = vault.writer("doc", 1)
    writer.write(data[: 2 * C])
    leftover = tmp_path / "vault" / "tmp" / "0123abcd.tmp"
    leftover.write_bytes(b"what a killed write left")
    Vault(tmp_path / "vault", KEY, chunk_size=C)  # e.g. a worker thread opening its store
    assert not leftover.exists()
    writer.write(data[2 * C :])
    writer.commit()
    assert vault.read("doc", 1) == data
    assert list((tmp_path / "vault" / "tmp").iterdir()) == []
