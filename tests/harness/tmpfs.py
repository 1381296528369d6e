"""A tiny real file system for tests of a full or read-only disk: a tmpfs of a few KiB mounted on a
directory of the test (needs mount privileges: root, or a user namespace). The test is skipped, with
the reason, where mounting is not allowed."""

from __future__ import annotations

import contextlib
import gc
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def small_tmpfs(where: Path, *, size_kib: int = 64, read_only: bool = False) -> Iterator[Path]:
    """Mount a tmpfs of ``size_kib`` KiB (read-only when ``read_only``) on ``where`` (made if need be)
    for the block; unmounted afterwards. Skips the test when mounting is not allowed here."""
    where.mkdir(parents=True, exist_ok=True)
    options = f"size={size_kib}k,mode=0777" + (",ro" if read_only else "")
    try:
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
            capture_output=True,
            text=True,
            timeout=120,  # at once when things work; a loaded machine may take seconds
            check=False,
        )
    except OSError as exc:  # no mount program
        pytest.skip(f"cannot mount a tmpfs for a full or read-only disk: {exc}")
    if mounted.returncode != 0:
        pytest.skip(
            "cannot mount a tmpfs for a full or read-only disk (needs root or CAP_SYS_ADMIN): "
            + (mounted.stderr.strip() or f"mount exited with {mounted.returncode}")
        )
    try:
        yield where
    finally:
        _unmount(where)


def _unmount(where: Path) -> None:
    """Unmount ``where``. A file still open on it makes umount fail ("target is busy"): an open file the
    test's objects hold until the garbage collector gets to them (an exception's traceback keeps the frames
    of a failed write, and their files, alive in a reference cycle), so collect first and try again a few
    times; as a last resort detach it lazily (gone from the tree at once, freed when the last file closes)
    rather than fail a test over the moment the collector ran."""
    for attempt in range(5):
        gc.collect()
        result = subprocess.run(
            ["umount", str(where)], capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode == 0:
            return
        time.sleep(0.1 * (attempt + 1))
    subprocess.run(["umount", "--lazy", str(where)], capture_output=True, text=True, timeout=120, check=True)


def fill_up(directory: Path) -> None:
    """Fill the file system of ``directory`` to the last byte (a file ``filler``)."""
    fd = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with contextlib.suppress(OSError):  # ENOSPC: full
            while True:
                os.write(fd, b"\0" * 4096)
    finally:
        os.close(fd)
