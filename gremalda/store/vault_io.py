"""The document vault's disk and memory primitives: whole writes and reads on file descriptors, fsyncs of
files, directories and whole file systems, the locked files of ``tmp/`` and the removal of the ones
interrupted writes left behind, and buffers for plaintext (allocated without zero-filling, wiped in
place). Nothing here knows the vault's format or keys; OSError goes to the caller."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from io import FileIO
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux/macOS: leftovers are removed only when old
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "BINARY",
    "create_tmp",
    "datasync",
    "fsync_dir",
    "preadv",
    "read_exact",
    "remove_leftovers",
    "sync_file_system",
    "uninitialised",
    "wipe",
    "write_all",
]

datasync = getattr(os, "fdatasync", os.fsync)
BINARY = getattr(os, "O_BINARY", 0)  # Windows
preadv = getattr(os, "preadv", None)

try:  # PyByteArray_FromStringAndSize(NULL, n): a bytearray whose bytes are not initialised (CPython)
    import ctypes

    _new_bytearray: Callable[[None, int], object] | None = ctypes.PYFUNCTYPE(
        ctypes.py_object, ctypes.c_void_p, ctypes.c_ssize_t
    )(("PyByteArray_FromStringAndSize", ctypes.pythonapi))
except (ImportError, AttributeError):  # pragma: no cover - not CPython
    _new_bytearray = None

try:  # syncfs(2): flush one file system (Linux), instead of one fsync per file of a batch
    _syncfs: Callable[[int], int] | None = ctypes.CDLL(None, use_errno=True).syncfs
except (AttributeError, OSError, NameError):  # pragma: no cover - not Linux / not CPython
    _syncfs = None

_LEFTOVER_AGE = 24 * 3600.0  # without file locks: a file in tmp/ this old is nobody's write any more


# --- memory --------------------------------------------------------------------------------------------


def wipe(buffer: bytearray) -> None:
    """Overwrite ``buffer`` with zeros in place (memset: no temporary copy of its size)."""
    if not buffer:
        return
    try:
        ctypes.memset((ctypes.c_char * len(buffer)).from_buffer(buffer), 0, len(buffer))
    except (NameError, TypeError, BufferError):  # pragma: no cover - not CPython, or exported
        buffer[:] = bytes(len(buffer))


def uninitialised(size: int) -> bytearray:
    """A bytearray of ``size`` bytes for the caller to overwrite completely. ``bytearray(size)`` first
    zero-fills it on one thread, which measured at 1.4 GB/s on a 2-core VM: slower than AES-GCM, so a large
    buffer is allocated without that and its pages are first touched by the decrypting threads."""
    if size < (1 << 20) or _new_bytearray is None:
        return bytearray(size)
    made = _new_bytearray(None, size)
    assert isinstance(made, bytearray)
    return made


# --- reading and writing -------------------------------------------------------------------------------


def write_all(fd: int, data: memoryview | bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def read_exact(fh: FileIO, view: memoryview) -> int:
    """Fill ``view`` from ``fh``; returns how many bytes were read (less only at the end of the file)."""
    done = 0
    while done < len(view):
        got = fh.readinto(view[done:])
        if not got:
            break
        done += got
    return done


# --- durability ----------------------------------------------------------------------------------------


def fsync_dir(directory: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory; its renames are durable enough
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_file_system(directory: Path) -> None:
    """Flush the file system holding ``directory``: one syncfs where there is one, else a sync of all
    file systems."""
    if _syncfs is not None:
        fd = os.open(directory, os.O_RDONLY)
        try:
            if _syncfs(fd) != 0:
                errno = ctypes.get_errno()
                raise OSError(errno, os.strerror(errno))
        finally:
            os.close(fd)
    else:  # pragma: no cover - not Linux
        os.sync()


# --- files being written -------------------------------------------------------------------------------


def create_tmp(directory: Path) -> tuple[Path, int]:
    """A new file in ``tmp/``, locked (``flock``) for as long as it is open: a vault opened on the same
    directory meanwhile (another thread's store, another process) never takes it for a leftover."""
    while True:
        path = directory / f"{secrets.token_hex(16)}.tmp"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | BINARY, 0o600)
        if fcntl is None:
            return path, fd
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink > 0:
            return path, fd
        os.close(fd)  # removed as a leftover between its creation and the lock: take another name


def remove_leftovers(directory: Path) -> None:
    """Remove the files of ``tmp/`` that no write holds any more (a crash or kill left them)."""
    for leftover in directory.iterdir():
        try:
            fd = os.open(leftover, os.O_RDONLY | BINARY)
        except FileNotFoundError:
            continue
        try:
            if fcntl is None:
                if time.time() - os.fstat(fd).st_mtime < _LEFTOVER_AGE:
                    continue
            else:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # being written right now
            leftover.unlink(missing_ok=True)
        finally:
            os.close(fd)
