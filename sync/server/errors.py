"""One error hierarchy for the API: each error has a status, a machine code and a message for people."""

from __future__ import annotations


class ApiError(Exception):
    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class Unauthenticated(ApiError):
    status = 401
    code = "unauthenticated"
    title = "Sign-in required"

    def __init__(self, message: str = "Please sign in.") -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(ApiError):
    status = 403
    code = "forbidden"
    title = "Not allowed"


class NotFound(ApiError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(ApiError):
    status = 409
    code = "conflict"
    title = "Conflict"


class PreconditionFailed(ApiError):
    status = 412
    code = "precondition_failed"
    title = "Changed in the meantime"


class PayloadTooLarge(ApiError):
    status = 413
    code = "payload_too_large"
    title = "Too large"


class UnsupportedMedia(ApiError):
    status = 415
    code = "unsupported_media_type"
    title = "Unsupported type"


class RangeNotSatisfiable(ApiError):
    status = 416
    code = "range_not_satisfiable"
    title = "Range not satisfiable"


class Invalid(ApiError):
    status = 422
    code = "invalid"
    title = "Invalid input"


class TooManyRequests(ApiError):
    status = 429
    code = "too_many_requests"
    title = "Too many attempts"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, headers={"Retry-After": str(retry_after)})
