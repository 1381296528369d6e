"""Errors of the clerk workspace, with sentences for clerks (see gremalda.errors for the hierarchy)."""

from __future__ import annotations

from gremalda.errors import GremaldaError


class ClerkError(GremaldaError):
    """Base of the clerk workspace's errors."""

    title = "Not saved"
    default_message = "The change could not be saved."


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
    """The preflight refused a document before anything was uploaded; the message holds the reason."""

    title = "Document refused"


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
