"""The operating system's reasons in the user's language: each reason code of gremalda.os_reasons gets a
phrase of ours, and each message made from an OSError (gremalda.os_reasons.ACTIONS, made by
GremaldaError.os_failure) is put together from its translated template, its path and the phrase. The
English sources are the core's English texts, with %1 for the path and %2 for the reason; the system's
own words stay in the error's details, never inside a sentence (a code not known here gets a generic
phrase that points to the details)."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

from gremalda.errors import GremaldaError
from gremalda.os_reasons import UNKNOWN, OsReason

CONTEXT = "OsText"
_PLACEHOLDER = re.compile(r"%(\d)")


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:  # noqa: N802 (pyside6-lupdate finds it by name)
    """Marks ``source`` for translation in ``context`` (translated where it is shown)."""
    return source


# reason code -> the English phrase (the same as gremalda.os_reasons.REASONS)
REASONS: dict[str, str] = {
    "not_found": QT_TRANSLATE_NOOP("OsText", "the file or folder does not exist"),
    "no_file": QT_TRANSLATE_NOOP("OsText", "the file does not exist"),
    "no_folder": QT_TRANSLATE_NOOP("OsText", "the folder does not exist"),
    "no_permission": QT_TRANSLATE_NOOP("OsText", "no permission"),
    "no_read_permission": QT_TRANSLATE_NOOP("OsText", "no permission to read it"),
    "no_write_permission": QT_TRANSLATE_NOOP("OsText", "no permission to write there"),
    "not_writable": QT_TRANSLATE_NOOP("OsText", "no permission to write, or a read-only drive"),
    "is_a_folder": QT_TRANSLATE_NOOP("OsText", "it is a folder, not a file"),
    "not_a_folder": QT_TRANSLATE_NOOP("OsText", "a part of the path is a file, not a folder"),
    "disk_full": QT_TRANSLATE_NOOP("OsText", "the disk is full"),
    "quota_exceeded": QT_TRANSLATE_NOOP("OsText", "your storage quota on this drive is used up"),
    "read_only": QT_TRANSLATE_NOOP("OsText", "the drive is read-only"),
    "name_too_long": QT_TRANSLATE_NOOP("OsText", "the file name or the path is too long"),
    "too_many_open_files": QT_TRANSLATE_NOOP(
        "OsText", "too many files are open; close other programs or restart Gremalda"
    ),
    "io_error": QT_TRANSLATE_NOOP(
        "OsText", "the drive reported a read or write error; it may be damaged or disconnected"
    ),
    "exists": QT_TRANSLATE_NOOP("OsText", "a file or folder of that name exists already"),
    "not_empty": QT_TRANSLATE_NOOP("OsText", "the folder is not empty"),
    "cross_device": QT_TRANSLATE_NOOP("OsText", "it cannot be moved directly to another drive"),
    "no_device": QT_TRANSLATE_NOOP(
        "OsText", "the drive is not available; it may have been removed or not be mounted"
    ),
    "busy": QT_TRANSLATE_NOOP("OsText", "the file or drive is in use by another program"),
    "file_too_large": QT_TRANSLATE_NOOP("OsText", "the file is too large for this drive"),
    "no_memory": QT_TRANSLATE_NOOP("OsText", "there is not enough memory"),
    "link_loop": QT_TRANSLATE_NOOP(
        "OsText", "the path has too many symbolic links; a link may point to itself"
    ),
    "network_unreachable": QT_TRANSLATE_NOOP("OsText", "the network drive or connection cannot be reached"),
    "connection_broken": QT_TRANSLATE_NOOP("OsText", "the connection to the other program was broken off"),
    "connection_refused": QT_TRANSLATE_NOOP("OsText", "the other program refused the connection"),
    "watch_limit": QT_TRANSLATE_NOOP(
        "OsText",
        "the system's limit of watched folders is reached; close programs that watch many folders",
    ),
    UNKNOWN: QT_TRANSLATE_NOOP(
        "OsText", "the operating system reported an unexpected error; see the details"
    ),
}

# action key -> the English message (the same as gremalda.os_reasons.ACTIONS): %1 the path, %2 the reason
ACTIONS: dict[str, str] = {
    "save_file": QT_TRANSLATE_NOOP("OsText", "“%1” could not be saved: %2. Choose another folder or name."),
    "read_file": QT_TRANSLATE_NOOP("OsText", "“%1” could not be read: %2."),
    "data_dir": QT_TRANSLATE_NOOP(
        "OsText",
        "Cannot create or use the data directory %1: %2. Check its permissions, or choose another one "
        "with --data-dir.",
    ),
    "create_replica": QT_TRANSLATE_NOOP(
        "OsText",
        "Cannot create the offline copy %1: %2. Check the permissions of the data directory, or choose "
        "another one with --data-dir.",
    ),
    "read_replica": QT_TRANSLATE_NOOP("OsText", "Cannot read the offline copy %1: %2."),
    "replica_io": QT_TRANSLATE_NOOP(
        "OsText",
        "Gremalda cannot read or write its offline copy %1: %2. Check the disk space and the permissions "
        "of the data directory.",
    ),
    "store_documents": QT_TRANSLATE_NOOP("OsText", "The documents could not be stored on this device: %2."),
    "read_documents": QT_TRANSLATE_NOOP(
        "OsText", "The documents stored on this device could not be read: %2."
    ),
}


def fill(template: str, *values: object) -> str:
    """``template`` with %1, %2, … replaced in one pass (a value containing "%2" stays as it is)."""

    def value(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return str(values[index]) if 0 <= index < len(values) else match.group(0)

    return _PLACEHOLDER.sub(value, template)


def reason_text(reason: OsReason | str) -> str:
    """The reason's phrase in the user's language (the generic one for a code not known here)."""
    code = reason.code if isinstance(reason, OsReason) else reason
    return QCoreApplication.translate(CONTEXT, REASONS.get(code, REASONS[UNKNOWN]))


def translated_reason(reason: OsReason) -> str | None:
    """The reason's phrase in the user's language; None when there is no translation (English)."""
    source = REASONS.get(reason.code, REASONS[UNKNOWN])
    text = QCoreApplication.translate(CONTEXT, source)
    return None if text == source else text


def os_message(error: GremaldaError) -> str | None:
    """The message of an error made from an OSError (:meth:`GremaldaError.os_failure`) in the user's
    language; None for any other error."""
    if error.os_reason is None or error.os_action not in ACTIONS:
        return None
    template = QCoreApplication.translate(CONTEXT, ACTIONS[error.os_action])
    return fill(template, error.os_path, reason_text(error.os_reason))
