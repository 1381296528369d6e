"""Errors of the clerk workspace, with sentences for clerks (see gremalda.errors for the hierarchy).

A raise site with a message more specific than its class's default names it by a stable ``code`` (one of
:data:`REASONS`) with its ``params``: :meth:`ClerkError.because` makes the English message (the CLI's)
from them (:meth:`ClerkError.because_os` with an OSError's reason), and the window translates by the
code (gremalda.ui.clerk_texts). An error without a code
carries its class's default message. A document refused by the preflight carries the preflight's
:class:`~gremalda.pdf.preflight.Finding` too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from gremalda.errors import GremaldaError
from gremalda.os_reasons import OsReason
from gremalda.pdf.preflight import Finding

# code -> the English message (str.format with the error's params)
REASONS: dict[str, str] = {
    "no_time_zone": "A date and time needs a time zone.",
    "bad_order": (
        "The new order does not name every agenda item of the meeting exactly once. Reload "
        "(synchronise) and try again."
    ),
    "not_replaceable": "Only documents of meetings, agenda items and papers can be replaced here.",
    "notice_days": "The notice period must be a whole number of days from 0 to 60.",
    "server_forbidden": (
        "The server does not allow this account to change this (only clerks of the body may)."
    ),
    # the server's own reason; ``server_code`` (sync/server/errors.py) tells which, if it is known
    "server_refused": "The server refused the change: {server_message}",
    "not_in_replica": "This {what} ({id}) is not in the offline copy (yet). Synchronise, then try again.",
    "file_unreadable": "{name}: the file cannot be read ({error}).",
    "preflight": "{name}: {reason}",
    "bad_delivery_table": "The server sent a delivery table that cannot be read.",
    "hot_folder_missing": "The hot folder {folder} does not exist or is not a folder.",
    "hot_folder_unwatchable": "The hot folder {folder} cannot be watched: {error}.",
}


class ClerkError(GremaldaError):
    """Base of the clerk workspace's errors. ``code`` "" : the class's default message."""

    title = "Not saved"
    default_message = "The change could not be saved."

    def __init__(
        self,
        message: str | None = None,
        *,
        detail: str | None = None,
        code: str = "",
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, detail=detail)
        self.code = code
        self.params: dict[str, Any] = dict(params or {})

    @classmethod
    def because(cls, code: str, *, detail: str | None = None, **params: Any) -> Self:
        """The error of this class for the reason ``code`` (see :data:`REASONS`) with its params."""
        return cls(REASONS[code].format(**params), detail=detail, code=code, params=params)

    @classmethod
    def because_os(cls, code: str, error: OSError, access: str = "", **params: Any) -> Self:
        """:meth:`because` for a reason the operating system gave (``error`` while ``access``: READ,
        WRITE, WATCH of gremalda.os_reasons): its params (``error``, ``reason``, ``errno``, ``system``)
        join ``params``, and its own words are the detail."""
        reason = OsReason.of(error, access)
        return cls.because(code, detail=reason.system, **params, **reason.params())


class NotClerk(ClerkError):
    """The signed-in account is not a clerk (or not of this body)."""

    title = "Clerks only"
    default_message = (
        "Only clerks (Sitzungsdienst) may prepare meetings. This device is signed in with an account "
        "without the clerk role; sign in as a clerk."
    )


class ClerkOffline(ClerkError):
    """The server cannot be reached; nothing was changed there."""

    title = "Offline"
    default_message = (
        "The server cannot be reached, so the change was not saved. Check the network connection and "
        "try again; preparing meetings needs a connection."
    )


class ChangedMeanwhile(ClerkError):
    """If-Match failed: someone changed the object since this replica last saw it."""

    title = "Changed meanwhile"
    default_message = (
        "Someone changed this meanwhile. Reload (synchronise) to see the current state, then make "
        "your change again."
    )


class NotInReplica(ClerkError):
    """The object is not (yet) in the offline copy, so its version is unknown."""

    title = "Not loaded yet"
    default_message = "This is not in the offline copy (yet). Synchronise, then try again."


class Gone(ClerkError):
    """The server no longer has the object (deleted meanwhile) or does not show it to this account."""

    title = "No longer there"
    default_message = "This was deleted meanwhile or is no longer visible to you. Reload (synchronise)."


class RequestRefused(ClerkError):
    """The server refused the change as invalid; the message is the server's."""

    title = "Change refused"


class FileRefused(ClerkError):
    """The preflight refused a document before anything was uploaded; the message holds the reason
    (``finding``: the preflight's, when it was the preflight that refused it)."""

    title = "Document refused"
    finding: Finding | None = None

    @classmethod
    def by_preflight(cls, name: str, finding: Finding, *, detail: str | None = None) -> Self:
        error = cls(
            REASONS["preflight"].format(name=name, reason=finding.text),
            detail=detail,
            code="preflight",
            params={"name": name, "reason": finding.text, "finding_code": finding.code},
        )
        error.finding = finding
        return error


class UploadStopped(ClerkError):
    """An upload was stopped on request (or broke off); it resumes where it stopped on the next try."""

    title = "Upload stopped"
    default_message = (
        "The upload was stopped. Attach the same file again to continue where it stopped (within 24 hours)."
    )


class ServerTrouble(ClerkError):
    """The server failed (5xx) or answered something unexpected."""

    title = "Server problem"
    default_message = "The server had a problem and the change was not saved. Try again in a moment."
