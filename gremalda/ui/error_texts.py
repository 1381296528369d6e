"""The errors' titles and default messages in the user's language.

The error classes (Qt-free) carry English text. Here each known class gets its title and, when the
error carries its class's default message, that message, translated; a specific message a raise site
wrote (naming a file or a server) is shown as written, except a clerk error's: it names its reason by
a code with parameters, translated in gremalda.ui.clerk_texts; and an error made from an OSError
(GremaldaError.os_failure): its message is translated by its action and reason in gremalda.ui.os_texts."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale

from gremalda.core.clerk.errors import ClerkError
from gremalda.errors import GremaldaError
from gremalda.files import FileNotRead
from gremalda.ui.clerk_texts import clerk_message
from gremalda.ui.os_texts import os_message
from sync.protocol.limits import MAX_ANNOTATION_BYTES, MAX_INK_STROKES, MAX_STROKE_POINTS

translate = QCoreApplication.translate


def _texts() -> dict[str, tuple[str, str]]:
    """Class name -> (title, default message), translated now (the language may have changed)."""
    not_saved = translate("ErrorText", "The change could not be saved.")
    return {
        "GremaldaError": (
            translate("ErrorText", "Gremalda error"),
            translate("ErrorText", "Something went wrong."),
        ),
        "InternalError": (
            translate("ErrorText", "Internal error"),
            translate(
                "ErrorText", "Gremalda ran into an internal error. Please report it, with the details below."
            ),
        ),
        "DataDirUnusable": (
            translate("ErrorText", "Data directory not usable"),
            translate(
                "ErrorText",
                "Gremalda cannot use its data directory. Check its permissions, or choose another.",
            ),
        ),
        "KeyringUnavailable": (
            translate("ErrorText", "No keyring available"),
            translate(
                "ErrorText",
                "Gremalda keeps the keys of its encrypted data only in the system keyring, and none is "
                "available. Install and unlock a Secret Service keyring such as GNOME Keyring or "
                "KWallet (Debian: apt-get install gnome-keyring), then try again.",
            ),
        ),
        "KeyringLocked": (
            translate("ErrorText", "Keyring locked"),
            translate(
                "ErrorText",
                "The system keyring is locked. Unlock it (log in to your desktop session, or open the "
                "keyring manager such as Passwords and Keys / KWalletManager), then try again.",
            ),
        ),
        "ReplicaError": (
            translate("ErrorText", "Offline copy not usable"),
            translate("ErrorText", "The offline copy cannot be used."),
        ),
        "ReplicaMissing": (
            translate("ErrorText", "No offline copy yet"),
            translate(
                "ErrorText",
                "There is no offline copy in this data directory yet. Sign in and synchronise first.",
            ),
        ),
        "KeyMissing": (
            translate("ErrorText", "Key not found"),
            translate(
                "ErrorText",
                "The offline copy exists, but its key is not in the system keyring (another keyring, "
                "another user account, a reset keyring, or a moved data directory). Nothing has been "
                "deleted. Restore the keyring, or remove the data directory and synchronise again.",
            ),
        ),
        "WrongKey": (
            translate("ErrorText", "Wrong key"),
            translate(
                "ErrorText",
                "The key in the system keyring does not open the offline copy (or the copy's first page "
                "is damaged). Nothing has been changed or deleted. Remove the data directory and "
                "synchronise again to start afresh.",
            ),
        ),
        "ReplicaCorrupt": (
            translate("ErrorText", "Offline copy damaged"),
            translate(
                "ErrorText",
                "The offline copy is damaged or is not a Gremalda database. Nothing has been deleted. "
                "Remove the data directory and synchronise again.",
            ),
        ),
        "ReplicaTooNew": (
            translate("ErrorText", "Offline copy from a newer version"),
            translate(
                "ErrorText", "The offline copy was made by a newer version of Gremalda. Update Gremalda."
            ),
        ),
        "ReplicaLocked": (
            translate("ErrorText", "Offline copy busy"),
            translate(
                "ErrorText",
                "The offline copy is in use by another Gremalda process. Wait for it to finish or close "
                "it, then try again.",
            ),
        ),
        "NotSignedIn": (
            translate("ErrorText", "Not signed in"),
            translate("ErrorText", "This device is not signed in. Sign in with your user name and password."),
        ),
        "AccountMismatch": (
            translate("ErrorText", "Another account's offline copy"),
            translate(
                "ErrorText",
                "This data directory holds the offline copy of another account or server. Use another "
                "data directory, or remove this copy first.",
            ),
        ),
        "SyncFailed": (
            translate("ErrorText", "Synchronisation failed"),
            translate("ErrorText", "The server could not be reached or answered wrongly. Try again later."),
        ),
        "VaultError": (
            translate("ErrorText", "Offline documents not usable"),
            translate("ErrorText", "The offline copy of the documents cannot be used."),
        ),
        "VaultNotFound": (
            translate("ErrorText", "Document not available offline"),
            translate(
                "ErrorText", "This document is not (yet) in the offline copy. Synchronise to fetch it."
            ),
        ),
        "VaultCorrupt": (
            translate("ErrorText", "Offline document damaged"),
            translate(
                "ErrorText",
                "The offline copy of this document is damaged or has been tampered with, so it is not "
                "shown. Remove it and synchronise again.",
            ),
        ),
        "VaultStorageError": (
            translate("ErrorText", "Cannot store documents"),
            translate(
                "ErrorText", "The offline documents cannot be written or read. Check the free disk space."
            ),
        ),
        "DocumentNotFound": (
            translate("ErrorText", "Document not found"),
            translate("ErrorText", "This document is not in the offline copy. Synchronise first."),
        ),
        # annotations (issue 5)
        "InvalidAnnotation": (
            translate("ErrorText", "Invalid annotation"),
            translate("ErrorText", "An annotation could not be read or saved because its data is not valid."),
        ),
        "AnnotationMismatch": (
            translate("ErrorText", "Annotations do not match"),
            translate(
                "ErrorText",
                "Two different annotations were taken for the same one. Please report it, with the log.",
            ),
        ),
        "ReadOnlyAnnotation": (
            translate("ErrorText", "Annotation is read-only"),
            translate(
                "ErrorText",
                "This annotation was made by someone else. Only its author can change or delete it.",
            ),
        ),
        "AnnotationTooLarge": (
            translate("ErrorText", "Annotation too large"),
            translate(
                "ErrorText",
                "This note is too long to be shared: at most %1 KiB of text and drawing per annotation. "
                "Shorten it, or split it into several annotations. The change was not saved.",
            ).replace("%1", str(MAX_ANNOTATION_BYTES // 1024)),
        ),
        "InkTooLarge": (
            translate("ErrorText", "Annotation too large"),
            translate(
                "ErrorText",
                "This drawing is too large to be shared: at most %1 strokes of at most %2 points each. "
                "Split it into several drawings. The change was not saved.",
            )
            .replace("%1", str(MAX_INK_STROKES))
            .replace("%2", QLocale().toString(MAX_STROKE_POINTS)),
        ),
        "InvalidXfdf": (
            translate("ErrorText", "Invalid XFDF file"),
            translate(
                "ErrorText",
                "The file is not XFDF annotation data that Gremalda can read. Nothing of it has been "
                "imported.",
            ),
        ),
        "PdfExportFailed": (
            translate("ErrorText", "Export failed"),
            translate("ErrorText", "The document could not be exported with its annotations."),
        ),
        "DocumentNotStored": (
            translate("ErrorText", "Document not downloaded"),
            translate("ErrorText", "The document is not downloaded yet: synchronise first (gremalda sync)."),
        ),
        "TargetExists": (
            translate("ErrorText", "File exists"),
            translate("ErrorText", "The file exists already; choose another name or allow overwriting it."),
        ),
        "DocumentGone": (
            translate("ErrorText", "Document not on this device"),
            translate(
                "ErrorText",
                "The document of this annotation is no longer on this device. The annotation is kept: see "
                "Annotations → Orphaned annotations.",
            ),
        ),
        "FileNotSaved": (
            translate("ErrorText", "File not saved"),
            translate(
                "ErrorText", "The file could not be saved. Choose another folder or name, and try again."
            ),
        ),
        "FileNotRead": (
            translate("ErrorText", "File not read"),
            translate(
                "ErrorText", "The file could not be read. Check that it exists and that you may read it."
            ),
        ),
        # the clerk workspace (issue 6)
        "ClerkError": (translate("ErrorText", "Not saved"), not_saved),
        "NotClerk": (
            translate("ErrorText", "Clerks only"),
            translate(
                "ErrorText",
                "Only clerks (Sitzungsdienst) may prepare meetings. This device is signed in with an account "
                "without the clerk role; sign in as a clerk.",
            ),
        ),
        "ClerkOffline": (
            translate("ErrorText", "Offline"),
            translate(
                "ErrorText",
                "The server cannot be reached, so the change was not saved. Check the network connection and "
                "try again; preparing meetings needs a connection.",
            ),
        ),
        "ChangedMeanwhile": (
            translate("ErrorText", "Changed meanwhile"),
            translate(
                "ErrorText",
                "Someone changed this meanwhile. Reload (synchronise) to see the current state, then make "
                "your change again.",
            ),
        ),
        "NotInReplica": (
            translate("ErrorText", "Not loaded yet"),
            translate("ErrorText", "This is not in the offline copy (yet). Synchronise, then try again."),
        ),
        "Gone": (
            translate("ErrorText", "No longer there"),
            translate(
                "ErrorText",
                "This was deleted meanwhile or is no longer visible to you. Reload (synchronise).",
            ),
        ),
        "RequestRefused": (translate("ErrorText", "Change refused"), not_saved),
        "FileRefused": (translate("ErrorText", "Document refused"), not_saved),
        "UploadStopped": (
            translate("ErrorText", "Upload stopped"),
            translate(
                "ErrorText",
                "The upload was stopped. Attach the same file again to continue where it stopped (within 24 "
                "hours).",
            ),
        ),
        "ServerTrouble": (
            translate("ErrorText", "Server problem"),
            translate(
                "ErrorText", "The server had a problem and the change was not saved. Try again in a moment."
            ),
        ),
        "HotFolderUnusable": (
            translate("ErrorText", "Hot folder not usable"),
            translate(
                "ErrorText",
                "The hot folder does not exist or cannot be read. Choose another folder.",
            ),
        ),
    }


def error_text(error: GremaldaError) -> tuple[str, str]:
    """The title and the message to show for ``error``, in the user's language where known."""
    texts = _texts()
    title, message = error.title, error.message
    for cls in type(error).__mro__:
        known = texts.get(cls.__name__)
        if known is None:
            continue
        if title == error.title and getattr(cls, "title", None) == error.title:
            title = known[0]
        if message == error.message and getattr(cls, "default_message", None) == error.message:
            message = known[1]
    if error.os_reason is not None:  # made from an OSError: its template and reason, translated
        message = os_message(error) or message
    if isinstance(error, ClerkError) and error.code:
        message = clerk_message(error) or message
    if isinstance(error, FileNotRead) and error.too_large is not None:
        path, limit_mb = error.too_large
        message = translate("ErrorText", "“%1” is larger than %2 MB: it is not a file of this kind.")
        message = message.replace("%1", path).replace("%2", QLocale().toString(limit_mb))
    return title, message
