"""The client's one error hierarchy.

Every error the client shows a person is a :class:`GremaldaError`: a short ``title`` and a ``message``
written for the user (what happened, what to do), plus ``detail`` for the log (the foreign error it was
converted from). ``environment`` tells problems of the machine, the data or the network (the user can
act on them: install, unlock, reconnect) from bugs (:class:`InternalError`: report them).

Foreign errors (keyring, SQLite, OSError, httpx) are converted where they enter the client, in the module
that calls the foreign library; above that, code sees only these classes. Subclasses set a default
``title`` and ``message``; a raise site may pass a more specific message.
"""

from __future__ import annotations

from typing import ClassVar, Self

from gremalda.os_reasons import OsReason, action_message, action_reason


class GremaldaError(Exception):
    """Base of all errors meant for the user."""

    title: ClassVar[str] = "Gremalda error"
    default_message: ClassVar[str] = "Something went wrong."
    environment: ClassVar[bool] = True  # False: a bug in Gremalda, not something the user can fix

    def __init__(self, message: str | None = None, *, detail: str | None = None) -> None:
        self.message = message or self.default_message
        self.detail = detail
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.title}: {self.message}"

    # set by os_failure: why the operating system refused, the gremalda.os_reasons.ACTIONS key of the
    # message and the path it names (the window translates the message by them: gremalda.ui.os_texts)
    os_reason: OsReason | None = None
    os_action: str = ""
    os_path: str = ""

    @classmethod
    def os_failure(
        cls, cause: OSError | OsReason, action: str, path: object = "", *, detail: str | None = None
    ) -> Self:
        """The error for ``action`` (a key of gremalda.os_reasons.ACTIONS) on ``path`` refused by the
        operating system: the reason as a phrase of ours, the system's own words in ``detail``."""
        reason = cause if isinstance(cause, OsReason) else action_reason(action, cause)
        error = cls(action_message(action, reason, path), detail=detail or reason.system or None)
        error.os_reason, error.os_action, error.os_path = reason, action, str(path)
        return error


class InternalError(GremaldaError):
    """A bug: something the code assumed does not hold."""

    title = "Internal error"
    default_message = "Gremalda ran into an internal error. Please report it, with the log."
    environment = False


class DataDirUnusable(GremaldaError):
    """The data directory cannot be created, read or written."""

    title = "Data directory not usable"
    default_message = "Gremalda cannot use its data directory. Check its permissions, or choose another."


# --- keyring -----------------------------------------------------------------------------------------------

KEYRING_HINT = (
    "Install and unlock a Secret Service keyring such as GNOME Keyring or KWallet "
    "(Debian: apt-get install gnome-keyring), then try again."
)


class KeyringUnavailable(GremaldaError):
    """No usable OS keyring: Gremalda keeps its keys nowhere else, so it cannot go on."""

    title = "No keyring available"
    default_message = (
        "Gremalda keeps the keys of its encrypted data only in the system keyring, and none is "
        "available. " + KEYRING_HINT
    )


class KeyringLocked(KeyringUnavailable):
    """The keyring is there but locked, and unlocking it was refused or impossible (no prompt)."""

    title = "Keyring locked"
    default_message = (
        "The system keyring is locked. Unlock it (log in to your desktop session, or open the "
        "keyring manager such as Passwords and Keys / KWalletManager), then try again."
    )


# --- the replica -------------------------------------------------------------------------------------------


class ReplicaError(GremaldaError):
    """A problem with the encrypted replica on this device."""

    title = "Offline copy not usable"


class ReplicaMissing(ReplicaError):
    """There is no replica in the data directory (and creating one was not asked for)."""

    title = "No offline copy yet"
    default_message = "There is no offline copy in this data directory yet. Sign in and synchronise first."


class KeyMissing(ReplicaError):
    """The replica exists, but its key is not in the keyring."""

    title = "Key not found"
    default_message = (
        "The offline copy exists, but its key is not in the system keyring (another keyring, another "
        "user account, a reset keyring, or a moved data directory). Nothing has been deleted. Restore "
        "the keyring, or remove the data directory and synchronise again."
    )


class WrongKey(ReplicaError):
    """The key in the keyring does not open the replica."""

    title = "Wrong key"
    default_message = (
        "The key in the system keyring does not open the offline copy (or the copy's first page is "
        "damaged). Nothing has been changed or deleted. Remove the data directory and synchronise "
        "again to start afresh."
    )


class ReplicaCorrupt(ReplicaError):
    """The replica is not a Gremalda database, or it is damaged."""

    title = "Offline copy damaged"
    default_message = (
        "The offline copy is damaged or is not a Gremalda database. Nothing has been deleted. Remove "
        "the data directory and synchronise again."
    )


class ReplicaTooNew(ReplicaError):
    """The replica was written by a newer version of Gremalda."""

    title = "Offline copy from a newer version"
    default_message = "The offline copy was made by a newer version of Gremalda. Update Gremalda."


class ReplicaLocked(ReplicaError):
    """Another process holds the replica's database locked for too long."""

    title = "Offline copy busy"
    default_message = (
        "The offline copy is in use by another Gremalda process. Wait for it to finish or close it, "
        "then try again."
    )


class NotSignedIn(GremaldaError):
    """The data directory has no signed-in account, or the server ended this device's sign-in."""

    title = "Not signed in"
    default_message = "Sign in first: gremalda login --server URL --user NAME."


class AccountMismatch(GremaldaError):
    """The data directory holds another account's or another server's replica."""

    title = "Another account's offline copy"
    default_message = (
        "This data directory holds the offline copy of another account or server. "
        "Use another data directory (--data-dir), or remove this copy first (gremalda logout)."
    )


class SyncFailed(GremaldaError):
    """Talking to the server failed; the message comes from the sync engine and is meant for people."""

    title = "Synchronisation failed"
    default_message = "The server could not be reached or answered wrongly. Try again later."
