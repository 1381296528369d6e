"""Why the operating system refused: an ``OSError`` as a stable reason ``code`` with an English phrase.

The phrases are written to follow a colon in a message ("“x.pdf” could not be saved: the disk is full.")
and say what the user can do; the window shows them in the user's language by the code
(gremalda.ui.os_texts, one source string per code, the same English). The system's own words
("[Errno 28] No space left on device") never go into a sentence: they are the error's detail.

How an errno reads can depend on what was being done: ENOENT is "the file does not exist" when reading
and "the folder does not exist" when writing (the file is made there); ENOSPC and EMFILE when watching
a folder are the system's limit of watched folders, not a full disk. ``access`` says which
(:data:`READ`, :data:`WRITE`, :data:`WATCH`, or "" when unknown or both).

:data:`ACTIONS` are the messages of the client's errors converted from an OSError (see
:meth:`gremalda.errors.GremaldaError.os_failure`), by a stable key; the window translates them by it.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Any

READ = "read"
WRITE = "write"
WATCH = "watch"
UNKNOWN = "unknown"

# code -> the English phrase (follows a colon, or stands in parentheses: none of its own, no full stop)
REASONS: dict[str, str] = {
    "not_found": "the file or folder does not exist",
    "no_file": "the file does not exist",
    "no_folder": "the folder does not exist",
    "no_permission": "no permission",
    "no_read_permission": "no permission to read it",
    "no_write_permission": "no permission to write there",
    "not_writable": "no permission to write, or a read-only drive",
    "is_a_folder": "it is a folder, not a file",
    "not_a_folder": "a part of the path is a file, not a folder",
    "disk_full": "the disk is full",
    "quota_exceeded": "your storage quota on this drive is used up",
    "read_only": "the drive is read-only",
    "name_too_long": "the file name or the path is too long",
    "too_many_open_files": "too many files are open; close other programs or restart Gremalda",
    "io_error": "the drive reported a read or write error; it may be damaged or disconnected",
    "exists": "a file or folder of that name exists already",
    "not_empty": "the folder is not empty",
    "cross_device": "it cannot be moved directly to another drive",
    "no_device": "the drive is not available; it may have been removed or not be mounted",
    "busy": "the file or drive is in use by another program",
    "file_too_large": "the file is too large for this drive",
    "no_memory": "there is not enough memory",
    "link_loop": "the path has too many symbolic links; a link may point to itself",
    "network_unreachable": "the network drive or connection cannot be reached",
    "connection_broken": "the connection to the other program was broken off",
    "connection_refused": "the other program refused the connection",
    "watch_limit": "the system's limit of watched folders is reached; close programs that watch many folders",
    UNKNOWN: "the operating system reported an unexpected error; see the details",
}

# errno -> code, for every access (the names that exist on this platform)
_CODES: dict[str, tuple[str, ...]] = {
    "is_a_folder": ("EISDIR",),
    "not_a_folder": ("ENOTDIR",),
    "disk_full": ("ENOSPC",),
    "quota_exceeded": ("EDQUOT",),
    "read_only": ("EROFS",),
    "name_too_long": ("ENAMETOOLONG",),
    "too_many_open_files": ("EMFILE", "ENFILE"),
    "io_error": ("EIO",),
    "exists": ("EEXIST",),
    "not_empty": ("ENOTEMPTY",),
    "cross_device": ("EXDEV",),
    "no_device": ("ENODEV", "ENXIO", "ENOMEDIUM"),
    "busy": ("EBUSY", "ETXTBSY"),
    "file_too_large": ("EFBIG",),
    "no_memory": ("ENOMEM",),
    "link_loop": ("ELOOP",),
    "network_unreachable": (
        "ESTALE",
        "ETIMEDOUT",
        "EHOSTDOWN",
        "EHOSTUNREACH",
        "ENETDOWN",
        "ENETUNREACH",
        "ENOLINK",
        "EREMOTEIO",
    ),
    "connection_broken": ("EPIPE", "ECONNRESET", "ECONNABORTED", "ENOTCONN", "ESHUTDOWN"),
    "connection_refused": ("ECONNREFUSED",),
}
CODES: dict[int, str] = {
    getattr(errno, name): code for code, names in _CODES.items() for name in names if hasattr(errno, name)
}
_NOT_FOUND = {READ: "no_file", WRITE: "no_folder"}
_PERMISSION = {READ: "no_read_permission", WRITE: "no_write_permission"}


def reason_code(cause: BaseException | int | None, access: str = "") -> str:
    """The reason code (a key of :data:`REASONS`) of an OSError or an errno; :data:`UNKNOWN` for an
    errno not known here, an OSError without one, or anything else."""
    number = cause.errno if isinstance(cause, OSError) else cause
    if isinstance(number, bool) or not isinstance(number, int):
        return UNKNOWN
    if number == errno.ENOENT:
        return _NOT_FOUND.get(access, "not_found")
    if number in (errno.EACCES, errno.EPERM):
        return _PERMISSION.get(access, "no_permission")
    if access == WATCH and number in (errno.ENOSPC, errno.EMFILE):
        return "watch_limit"  # inotify's limits of watches and of instances
    return CODES.get(number, UNKNOWN)


def system_text(exc: BaseException) -> str:
    """The system's own words, for the details and the log: "OSError: [Errno 28] No space left on
    device: '/x'"."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@dataclass(frozen=True, slots=True)
class OsReason:
    """Why the operating system refused: the ``code``, its ``errno`` (None when there is none) and the
    system's own words (``system``, for the details)."""

    code: str
    errno: int | None = None
    system: str = ""

    @classmethod
    def of(cls, exc: OSError, access: str = "") -> OsReason:
        number = exc.errno if isinstance(exc.errno, int) else None
        return cls(reason_code(exc, access), number, system_text(exc))

    @property
    def known(self) -> bool:
        return self.code != UNKNOWN and self.code in REASONS

    @property
    def text(self) -> str:
        """The English phrase (the generic one for a code not known here)."""
        return REASONS.get(self.code, REASONS[UNKNOWN])

    def params(self) -> dict[str, Any]:
        """The reason as the parameters of a coded message (a clerk error's, a preflight finding's):
        ``error`` the English phrase, ``reason`` the code, ``errno``, ``system`` the system's words."""
        return {"error": self.text, "reason": self.code, "errno": self.errno, "system": self.system}


def params_reason(params: dict[str, Any], access: str = "") -> OsReason:
    """The reason a coded message's ``params`` name (by ``reason``, else by ``errno``: params made
    before the codes)."""
    code = params.get("reason")
    number = params.get("errno")
    number = number if isinstance(number, int) and not isinstance(number, bool) else None
    if not isinstance(code, str) or code not in REASONS:
        code = reason_code(number, access)
    return OsReason(code, number, str(params.get("system") or ""))


# action key -> (access, English message with {path} and {reason}); the window's sources are the same
ACTIONS: dict[str, tuple[str, str]] = {
    "save_file": (WRITE, "“{path}” could not be saved: {reason}. Choose another folder or name."),
    "read_file": (READ, "“{path}” could not be read: {reason}."),
    "data_dir": (
        "",
        "Cannot create or use the data directory {path}: {reason}. Check its permissions, or choose "
        "another one with --data-dir.",
    ),
    "create_replica": (
        WRITE,
        "Cannot create the offline copy {path}: {reason}. Check the permissions of the data directory, "
        "or choose another one with --data-dir.",
    ),
    "read_replica": (READ, "Cannot read the offline copy {path}: {reason}."),
    "replica_io": (
        "",
        "Gremalda cannot read or write its offline copy {path}: {reason}. Check the disk space and the "
        "permissions of the data directory.",
    ),
    "store_documents": (WRITE, "The documents could not be stored on this device: {reason}."),
    "read_documents": (READ, "The documents stored on this device could not be read: {reason}."),
}


def action_message(action: str, reason: OsReason, path: object = "") -> str:
    """The English message of ``action`` (a key of :data:`ACTIONS`) refused for ``reason``."""
    return ACTIONS[action][1].format(path=path, reason=reason.text)


def action_reason(action: str, exc: OSError) -> OsReason:
    """The reason of ``exc`` as it reads for ``action`` (reading or writing)."""
    return OsReason.of(exc, ACTIONS[action][0])
