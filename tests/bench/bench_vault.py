"""Benchmark of the encrypted document vault: reading a large document back, against reading its plaintext.

Run as ``.venv/bin/python tests/bench/bench_vault.py`` (``SMALL=1`` or ``--small`` for a quick run).

1. Writes a pseudo-random document of 1 GiB (SMALL: 200 MiB; an AES-CTR keystream, generated in 8 MiB
   pieces outside the timings) into a fresh vault (default 1 MiB chunks, ``Vault.writer``, committed with
   its fsync) and the same bytes into a plain temp file (written, fsynced). Both write rates are reported;
   so is a resumable write (``resume=True``, fsynced per chunk) of the first quarter.
2. Reads both back into memory several times, alternating which goes first: ``Vault.read`` (decrypt and
   authenticate every chunk into one new buffer) and ``Path.read_bytes`` of the plaintext file. Nothing is
   dropped from the page cache: both files were just written and one untimed read of each precedes the
   measured ones, so this compares the **warm cache** case (the one that matters when a member reopens a
   document), and the plaintext read is the ceiling. The first read of the vault is checked against the
   SHA-256 of what was written.

Figures are 10^9 bytes per second. ``vault_read_gb_s`` and ``plain_read_gb_s`` are medians over the
rounds (the best runs are reported too); ``read_ratio`` is vault / plain (medians). Progress goes to
stderr, one JSON line to stdout. Everything lives in a temp dir that is removed at the end.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # noqa: E402

from gremalda.store import vault as vault_module  # noqa: E402
from gremalda.store.vault import Vault  # noqa: E402
from tests.bench.harness import emit, small_run  # noqa: E402

GB = 1e9
PIECE = 8 << 20
TARGET_READ_GB_S = 1.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pseudo_random(size: int, seed: int = 2025) -> Iterator[bytes]:
    """``size`` bytes of AES-CTR keystream, in pieces of 8 MiB."""
    encryptor = Cipher(algorithms.AES(seed.to_bytes(32, "big")), modes.CTR(bytes(16))).encryptor()
    zeros = bytes(PIECE)
    for offset in range(0, size, PIECE):
        yield encryptor.update(zeros[: min(PIECE, size - offset)])


def rate(size: int, seconds: float) -> float:
    return round(size / seconds / GB, 3)


def main() -> int:
    small = small_run()
    size = (200 if small else 1024) << 20
    rounds = 5 if small else 4
    workdir = Path(tempfile.mkdtemp(prefix="gremalda-bench-vault-"))
    try:
        free = shutil.disk_usage(workdir).free
        if free < 2.5 * size:
            log(f"bench_vault: needs {2.5 * size / GB:.1f} GB free in {workdir.parent}, has {free / GB:.1f}")
            return 2
        vault = Vault(workdir / "vault", os.urandom(32))
        plain = workdir / "plain.bin"
        log(f"bench_vault: {size >> 20} MiB document, chunks of {vault.chunk_size >> 20} MiB, in {workdir}")

        digest = hashlib.sha256()
        vault_seconds = plain_seconds = 0.0
        with vault.writer("bench/document", 1) as writer, plain.open("wb", buffering=0) as out:
            for piece in pseudo_random(size):
                digest.update(piece)
                started = time.perf_counter()
                writer.write(piece)
                vault_seconds += time.perf_counter() - started
                started = time.perf_counter()
                out.write(piece)
                plain_seconds += time.perf_counter() - started
            started = time.perf_counter()
            os.fsync(out.fileno())
            plain_seconds += time.perf_counter() - started
            started = time.perf_counter()
        vault_seconds += time.perf_counter() - started  # the commit: last chunk, fsync, rename
        expected = digest.hexdigest()
        log(f"  write: vault {rate(size, vault_seconds)} GB/s, plain {rate(size, plain_seconds)} GB/s")

        quarter = size // 4
        resumable_seconds = 0.0
        with vault.writer("bench/resumable", 1, resume=True) as writer:
            for piece in pseudo_random(quarter, seed=7):
                started = time.perf_counter()
                writer.write(piece)
                resumable_seconds += time.perf_counter() - started
            started = time.perf_counter()
        resumable_seconds += time.perf_counter() - started
        vault.delete("bench/resumable")
        log(f"  resumable write (fsync per chunk): {rate(quarter, resumable_seconds)} GB/s")

        warm = vault.read("bench/document", 1)
        if hashlib.sha256(warm).hexdigest() != expected or len(plain.read_bytes()) != size:
            log("bench_vault: the vault did not give back what was written")
            return 1
        del warm
        gc.collect()

        times: dict[str, list[float]] = {"vault": [], "plain": []}
        for n in range(rounds):
            order = ["vault", "plain"] if n % 2 == 0 else ["plain", "vault"]
            for which in order:
                started = time.perf_counter()
                data = vault.read("bench/document", 1) if which == "vault" else plain.read_bytes()
                times[which].append(time.perf_counter() - started)
                assert len(data) == size
                del data
                gc.collect()
            vault_now, plain_now = rate(size, times["vault"][-1]), rate(size, times["plain"][-1])
            log(f"  round {n + 1}: vault {vault_now} GB/s, plain {plain_now} GB/s")

        vault_read = rate(size, statistics.median(times["vault"]))
        plain_read = rate(size, statistics.median(times["plain"]))
        result = {
            "bench": "vault",
            "small": small,
            "size_bytes": size,
            "chunk_size": vault.chunk_size,
            "rounds": rounds,
            "cache": "warm",
            "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
            "decrypt_threads": vault_module._WORKERS,
            "vault_read_gb_s": vault_read,
            "plain_read_gb_s": plain_read,
            "read_ratio": round(vault_read / plain_read, 3),
            "vault_read_gb_s_best": rate(size, min(times["vault"])),
            "plain_read_gb_s_best": rate(size, min(times["plain"])),
            "vault_write_gb_s": rate(size, vault_seconds),
            "plain_write_gb_s": rate(size, plain_seconds),
            "vault_write_resumable_gb_s": rate(quarter, resumable_seconds),
            "targets": {"vault_read_gb_s": [">=", TARGET_READ_GB_S]},
            "met": {"vault_read_gb_s": vault_read >= TARGET_READ_GB_S},
        }
        emit(result)
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
