"""What can go wrong talking to the server: one small hierarchy with messages for people.

Every error says whether trying again later can help (`retryable`). The engine retries retryable
errors with `backoff_delays` (at least `retry_after` seconds when the server asked for a pause) and
reports the others to the user.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any


class SyncClientError(Exception):
    """Base class; `message` is meant for people, `status`/`code` come from the server if it answered."""

    retryable = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retry_after = retry_after


class InsecureServerUrl(SyncClientError, ValueError):
    """The server address is not https (plain http is allowed only to this computer) or not a URL."""


class Offline(SyncClientError):
    """The server could not be reached: no network, DNS, connection refused or reset, a timeout."""

    retryable = True


class CertificateError(SyncClientError):
    """The server's TLS certificate could not be verified; retrying does not help."""


class ServerError(SyncClientError):
    """The server failed (5xx) or asked us to slow down (429); try again later."""

    retryable = True


class ServerProtocolError(SyncClientError):
    """The server answered something that is not what the protocol promises (an HTML page, broken or
    malformed JSON, wrong types, a wrong byte range or size). Not retried automatically: it usually
    means a wrong address, a proxy or login page in the way, or a server bug."""


class ChecksumMismatch(ServerProtocolError):
    """The downloaded bytes do not have the expected sha256. The sink holds bad bytes and must be
    discarded; downloading again from offset 0 may help (corruption in transit), so it is retryable."""

    retryable = True


class SignInRequired(SyncClientError):
    """The sign-in of this device has ended (expired, revoked or a reused refresh token): sign in again."""


class BadCredentials(SignInRequired):
    """Login refused: wrong user name or password."""


class Forbidden(SyncClientError):
    """The account may not do this (403)."""


class NotFound(SyncClientError):
    """The object does not exist or is no longer visible to this account (404, 410)."""


class RequestRejected(SyncClientError):
    """The server refused the request as invalid (another 4xx), e.g. a sync cursor it no longer accepts."""


class Conflict(RequestRejected):
    """The server's state does not fit the request (409), e.g. an upload at another offset."""


class PreconditionFailed(Conflict):
    """The object was changed meanwhile (412: If-Match named an older version): reload and retry."""


class TransferCancelled(SyncClientError):
    """A download or upload was stopped because the caller asked to (`should_stop` / `stop`); a download's
    sink keeps what arrived, an upload can be resumed by its id."""


class TransferIncomplete(SyncClientError):
    """A download stopped before its end (connection lost, body shorter than announced). The sink keeps
    the bytes received; resume with `download(..., offset=exc.offset, etag=exc.etag, hasher=exc.hasher)`."""

    retryable = True

    def __init__(self, message: str, *, offset: int, etag: str | None, hasher: Any | None) -> None:
        super().__init__(message)
        self.offset = offset  # bytes the sink holds now, from the start of the file
        self.etag = etag
        self.hasher = hasher  # sha256 state of those bytes, or None when the download was not hashed


def backoff_delays(
    base: float = 0.5, cap: float = 60.0, *, rng: random.Random | None = None
) -> Iterator[float]:
    """Endless delays in seconds for retry number 0, 1, 2, …: "full jitter", each uniformly random in
    [0, min(cap, base * 2**n)], so many clients that failed together do not come back together."""
    if base <= 0 or cap <= 0:
        raise ValueError("base and cap must be positive")
    rng = rng or random.Random()  # jitter, not a secret
    ceiling = base
    while True:
        yield rng.uniform(0.0, min(cap, ceiling))
        if ceiling < cap:
            ceiling *= 2
