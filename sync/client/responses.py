"""Reading an answer's body within a limit, and the error for an answer that is not a success (with the
server's own message when it sent one)."""

from __future__ import annotations

import json
from typing import Any

import httpx

from sync.client.connection import offline
from sync.client.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    RequestRejected,
    ServerError,
    ServerProtocolError,
    SignInRequired,
    SyncClientError,
)
from sync.client.wire import BAD_TEXT

MAX_ERROR_BYTES = 64 << 10  # an error body larger than this is refused


def read_limited(
    response: httpx.Response,
    limit: int,
    subject: str = "The server's answer",
    broken: type[ServerProtocolError] = ServerProtocolError,
) -> bytes:
    """The whole (decoded) body, at most `limit` bytes, else ServerProtocolError ("`subject` is larger
    than ..."); a body that cannot be decoded raises `broken`. Transport errors pass through."""
    parts: list[bytes] = []
    total = 0
    try:
        for data in response.iter_bytes():
            total += len(data)
            if total > limit:
                raise ServerProtocolError(f"{subject} is larger than {limit} bytes.")
            parts.append(data)
    except httpx.DecodingError as exc:
        raise broken(f"{subject} could not be decoded: {exc}") from None
    return b"".join(parts)


def read_capped(response: httpx.Response, limit: int) -> bytes:
    """The whole (decoded) body, at most `limit` bytes; transport errors become Offline."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ServerProtocolError(f"The server's answer is too large ({declared} bytes).")
    try:
        return read_limited(response, limit)
    except httpx.TransportError as exc:
        raise offline(exc) from None


def retry_after(response: httpx.Response) -> float | None:
    """The pause a 429/503 asks for (`Retry-After` in seconds, at most an hour), or None."""
    value = response.headers.get("retry-after", "")
    return float(min(int(value), 3600)) if value.isdigit() else None


def error_for(response: httpx.Response, body: bytes) -> SyncClientError:
    """The error for a non-2xx answer, with the server's own message when it sent one."""
    status = response.status_code
    message, code = None, None
    try:
        data = json.loads(body.decode("utf-8"))
        err = data["error"]
        if isinstance(err.get("message"), str) and not BAD_TEXT.search(err["message"]):
            message = err["message"][:500]
        code = err.get("code") if isinstance(err.get("code"), str) else None
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        pass  # a proxy's HTML page or an empty body: the status alone decides
    kwargs: dict[str, Any] = {"status": status, "code": code, "retry_after": retry_after(response)}
    if status == 401:
        return SignInRequired(message or "The sign-in has ended. Please sign in again.", **kwargs)
    if status == 403:
        return Forbidden(message or "This account may not do that.", **kwargs)
    if status in (404, 410):
        return NotFound(message or "That is not (or no longer) available on the server.", **kwargs)
    if status == 412:
        return PreconditionFailed(message or "This was changed in the meantime. Reload and retry.", **kwargs)
    if status == 409:
        return Conflict(message or "The request does not fit the server's current state.", **kwargs)
    if status in (408, 429) or status >= 500:
        what = "is busy" if status in (429, 503) else "had a problem"
        return ServerError(f"The server {what} (HTTP {status}); sync will try again.", **kwargs)
    if 400 <= status < 500:
        return RequestRejected(message or f"The server refused the request (HTTP {status}).", **kwargs)
    if 300 <= status < 400 and response.headers.get("location"):
        return ServerProtocolError(
            f"The server redirects to {response.headers['location'][:200]!r} (HTTP {status}); "
            "check the server address.",
            **kwargs,
        )
    return ServerProtocolError(f"The server sent an unexpected answer (HTTP {status}).", **kwargs)
