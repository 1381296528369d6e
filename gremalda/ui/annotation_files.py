"""Reading and writing the files of annotation exports and imports (on a worker thread), with errors
written for people instead of ``OSError``. A file is written whole or not at all: to a temporary file
beside it, then renamed over the target (an export that fails never leaves half a file behind)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from gremalda.errors import GremaldaError

MAX_IMPORT_BYTES = 64 * 1024 * 1024


class AnnotationFileNotWritten(GremaldaError):
    """An export could not be saved (no permission, disk full, a folder that does not exist)."""

    title = "File not saved"
    default_message = "The file could not be saved. Choose another folder or name, and try again."


class AnnotationFileNotRead(GremaldaError):
    """A file to import could not be read."""

    title = "File not read"
    default_message = "The file could not be read. Check that it exists and that you may read it."


def write_file(target: Path, content: bytes) -> None:
    """Write ``content`` to ``target`` atomically; :class:`AnnotationFileNotWritten` on failure."""
    temporary: str | None = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise AnnotationFileNotWritten(
            f"“{target}” could not be saved: {exc.strerror or exc}. Choose another folder or name.",
            detail=repr(exc),
        ) from exc
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def read_file(source: Path, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """The bytes of ``source`` (at most ``limit``); :class:`AnnotationFileNotRead` on failure."""
    try:
        with source.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise AnnotationFileNotRead(
            f"“{source}” could not be read: {exc.strerror or exc}.", detail=repr(exc)
        ) from exc
    if len(data) > limit:
        raise AnnotationFileNotRead(
            f"“{source}” is larger than {limit // (1024 * 1024)} MB: that is not an annotation file."
        )
    return data
