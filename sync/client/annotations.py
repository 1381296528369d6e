"""Annotations made on the device: pushing changed records (POST /api/v1/annotations/batch) and reading
one as the server holds it (GET /api/v1/annotations/{uuid})."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sync.client.errors import ServerProtocolError
from sync.client.session import Session
from sync.client.wire import field, object_, positive, str_

MAX_PUSH_ITEMS = 500  # per request, as the server accepts
_MAX_MESSAGE = 500


@dataclass(frozen=True)
class PushItem:
    """One change to push: the whole record, the version it builds on (None: a create) and the key that
    makes a repeated push of it do nothing twice."""

    idempotency_key: str
    base_version: int | None
    record: Mapping[str, Any]  # its "id" is the annotation's UUID


@dataclass(frozen=True)
class PushAnswer:
    """The server's answer to one pushed change: ``ok`` (taken as ``version``), ``conflict`` (the server
    holds ``current`` as ``current_version``) or ``rejected`` (``message`` says why, for people)."""

    uuid: str
    status: str
    version: int | None = None
    server_id: int | None = None
    current: dict[str, Any] | None = None
    current_version: int | None = None
    message: str = ""


@dataclass(frozen=True)
class AnnotationState:
    """An annotation as the server holds it."""

    uuid: str
    server_id: int
    version: int
    record: dict[str, Any]


def _record_of(value: Any, expected: str, what: str) -> dict[str, Any]:
    record = object_(value, what)
    if record.get("id") != expected:
        raise ServerProtocolError(f"The server sent {what} of another annotation than {expected}.")
    return record


def _parse_push_answer(raw: Any, expected: str) -> PushAnswer:
    what = "an answer to a pushed change"
    obj = object_(raw, what)
    got = str_(field(obj, "uuid", what), "an annotation id")
    if got != expected:
        raise ServerProtocolError(
            f"The server answered for annotation {got[:40]!r} where {expected} was pushed (order mixed up)."
        )
    status = field(obj, "status", what)
    if status == "ok":
        return PushAnswer(
            got,
            status,
            version=positive(field(obj, "version", what), "a version"),
            server_id=positive(field(obj, "server_id", what), "an annotation's server id"),
        )
    if status == "conflict":
        return PushAnswer(
            got,
            status,
            server_id=positive(field(obj, "server_id", what), "an annotation's server id"),
            current=_record_of(field(obj, "current", what), got, "the current record"),
            current_version=positive(field(obj, "current_version", what), "a version"),
        )
    if status == "rejected":
        message = str_(obj.get("message", ""), "a message").strip()[:_MAX_MESSAGE]
        return PushAnswer(got, status, message=message or "The server refused the change.")
    raise ServerProtocolError(f"The server answered a pushed change with the unknown status {status!r}.")


def parse_push_answers(data: Any, expected: Sequence[str]) -> list[PushAnswer]:
    """The answers to a push of the records ``expected`` (their ids, in order), or ServerProtocolError."""
    obj = object_(data, "an answer to pushed changes")
    results = field(obj, "results", "an answer to pushed changes")
    if not isinstance(results, list):
        raise ServerProtocolError("The server sent 'results' that is not a list.")
    if len(results) != len(expected):
        raise ServerProtocolError(
            f"The server answered {len(results)} results for {len(expected)} pushed changes."
        )
    return [_parse_push_answer(raw, uid) for raw, uid in zip(results, expected, strict=True)]


def parse_annotation_state(data: Any, expected: str) -> AnnotationState:
    what = "an annotation"
    obj = object_(data, what)
    got = str_(field(obj, "uuid", what), "an annotation id")
    if got != expected:
        raise ServerProtocolError(f"The server sent annotation {got[:40]!r} when {expected} was asked for.")
    return AnnotationState(
        got,
        positive(field(obj, "server_id", what), "an annotation's server id"),
        positive(field(obj, "version", what), "a version"),
        _record_of(field(obj, "record", what), got, "an annotation record"),
    )


def check_uuid(value: str) -> str:
    try:
        if str(uuid.UUID(value)) == value:
            return value
    except (ValueError, TypeError, AttributeError):
        pass
    raise ValueError(f"{value!r} is not a lowercase UUID")


class AnnotationRoutes(Session):
    def push_annotations(self, items: Sequence[PushItem]) -> list[PushAnswer]:
        """Push changed annotation records (at most MAX_PUSH_ITEMS), applied by the server in order in one
        transaction; one answer per item, in the same order. Pushing the same items again (same keys)
        does nothing twice: the server repeats its answers. ServerProtocolError for an answer that does
        not fit what was pushed."""
        if not items:
            return []
        if len(items) > MAX_PUSH_ITEMS:
            raise ValueError(f"at most {MAX_PUSH_ITEMS} changes per push")
        expected = [check_uuid(str(item.record.get("id"))) for item in items]
        body = {
            "items": [
                {
                    "idempotency_key": item.idempotency_key,
                    "base_version": item.base_version,
                    "record": dict(item.record),
                }
                for item in items
            ]
        }
        return parse_push_answers(self._json("POST", "api/v1/annotations/batch", json_body=body), expected)

    def get_annotation(self, annotation_id: str) -> AnnotationState:
        """The annotation as the server holds it; NotFound when it is unknown or not visible to us."""
        uid = check_uuid(annotation_id)
        return parse_annotation_state(self._json("GET", f"api/v1/annotations/{uid}"), uid)
