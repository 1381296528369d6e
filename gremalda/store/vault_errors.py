"""The document vault's errors (one hierarchy under :class:`VaultError`), and the conversion of the
vault's foreign error, OSError, into :class:`VaultStorageError`.

Importable from :mod:`gremalda.store.vault` as well."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from gremalda.errors import ReplicaError, WrongKey

__all__ = [
    "SealBroken",
    "VaultBusy",
    "VaultChecksumMismatch",
    "VaultCorrupt",
    "VaultError",
    "VaultNotFound",
    "VaultResumeMismatch",
    "VaultStorageError",
    "VaultWrongKey",
    "storage_errors",
]


class VaultError(ReplicaError):
    """A problem with the encrypted document vault."""

    title = "Offline documents not usable"
    default_message = "The offline copy of the documents cannot be used."


class VaultNotFound(VaultError):
    """The vault holds no such document version."""

    title = "Document not available offline"
    default_message = "This document is not (yet) in the offline copy. Synchronise to fetch it."


class VaultCorrupt(VaultError):
    """A stored file does not authenticate: damaged, truncated, extended, or not the file asked for."""

    title = "Offline document damaged"
    default_message = (
        "The offline copy of this document is damaged or has been tampered with, so it is not shown. "
        "Remove it and synchronise again."
    )


class VaultWrongKey(VaultCorrupt, WrongKey):
    """The master key does not open this vault."""

    title = "Wrong key"
    default_message = (
        "The key in the system keyring does not open the offline documents. Nothing has been changed "
        "or deleted. Restore the keyring, or remove the data directory and synchronise again."
    )


class VaultChecksumMismatch(VaultError):
    """The bytes written do not have the SHA-256 the writer was told to expect; nothing was kept."""

    title = "Download damaged"
    default_message = "A document arrived damaged (its checksum does not match) and was not stored."


class VaultStorageError(VaultError):
    """The disk refused: full, read-only, permissions."""

    title = "Cannot store documents"
    default_message = "The offline documents cannot be written or read. Check the free disk space."


class VaultBusy(VaultError):
    """Another writer of the same document version is still open (a bug in the caller)."""

    title = "Document busy"
    default_message = "This document is already being written."
    environment = False


class VaultResumeMismatch(VaultError):
    """A resumed write did not continue the same document (the bytes after the resume point differ from
    the ones a crash left half-written); the unfinished write was discarded."""

    title = "Download discarded"
    default_message = (
        "A resumed download did not continue the same document; it was discarded. Synchronise again."
    )


class SealBroken(VaultCorrupt):
    """The sealed data key does not open: a wrong master key, another vault's file, or damage.
    (Internal: the vault tells it apart when it checks a master key without a key check file.)"""


@contextlib.contextmanager
def storage_errors(action: str) -> Iterator[None]:
    """Convert OSError (the foreign error of the vault) into :class:`VaultStorageError`."""
    try:
        yield
    except OSError as exc:  # the reason as a code (gremalda.os_reasons); the action in the details
        kind = "read_documents" if action.startswith(("read", "list")) else "store_documents"
        raise VaultStorageError.os_failure(exc, kind, detail=f"Could not {action}: {exc!r}") from exc
