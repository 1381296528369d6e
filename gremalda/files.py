"""Files the user chose to write or read (exports, imports): written whole or not at all — a temporary
file beside the target, synced, then renamed over it, so a failed export never leaves half a file — and
read with a size limit; failures as errors written for people instead of ``OSError`` (the reason as a
code of gremalda.os_reasons, translated by the window)."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from gremalda.errors import GremaldaError
from gremalda.os_reasons import OsReason


class FileNotSaved(GremaldaError):
    """An export could not be saved (no permission, disk full, a folder that does not exist)."""

    title = "File not saved"
    default_message = "The file could not be saved. Choose another folder or name, and try again."


class FileNotRead(GremaldaError):
    """A file to import could not be read (or is far too large for what it should be)."""

    title = "File not read"
    default_message = "The file could not be read. Check that it exists and that you may read it."
    too_large: tuple[str, int] | None = None  # (path, limit in MB) when refused for its size

    @classmethod
    def larger_than(cls, source: Path, limit_mb: int) -> FileNotRead:
        """The file is larger than any file of its kind is (the window translates it by this)."""
        error = cls(f"“{source}” is larger than {limit_mb} MB: it is not a file of this kind.")
        error.too_large = (str(source), limit_mb)
        return error


class TargetExists(GremaldaError):
    title = "File exists"
    default_message = "The file exists already; choose another name or allow overwriting it."


def write_atomically(target: Path, data: bytes | bytearray, *, overwrite: bool = True) -> None:
    """Write ``data`` to ``target`` whole or not at all. :class:`TargetExists` when it exists and
    ``overwrite`` is false; :class:`FileNotSaved` when it cannot be written."""
    target = Path(target).expanduser()
    if target.is_dir():
        raise FileNotSaved.os_failure(OsReason("is_a_folder", errno.EISDIR), "save_file", target)
    if target.exists() and not overwrite:
        raise TargetExists(f"“{target}” exists; add --force to overwrite it, or choose another name.")
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise FileNotSaved.os_failure(exc, "save_file", target) from exc
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def read_limited(source: Path, limit: int) -> bytes:
    """The bytes of ``source``, at most ``limit`` of them; :class:`FileNotRead` on failure or when the
    file is larger."""
    try:
        with Path(source).open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise FileNotRead.os_failure(exc, "read_file", source) from exc
    if len(data) > limit:
        raise FileNotRead.larger_than(source, limit // (1024 * 1024))
    return data
