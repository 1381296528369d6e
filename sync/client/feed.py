"""The change feed (GET /api/v1/changes): pages of upserts and removals after a cursor."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sync.client.errors import ServerProtocolError
from sync.client.session import Session
from sync.client.wire import field, int_, object_, str_
from sync.protocol.kinds import Kind

_WIRE_KINDS = frozenset(k.wire for k in Kind)


@dataclass(frozen=True)
class Change:
    """One change feed entry: `upsert` carries the object's state in `data`; `remove` has data None."""

    op: str  # "upsert" or "remove"
    seq: int
    kind: str  # wire name, e.g. "meeting", see sync.protocol.kinds
    id: int
    data: dict[str, Any] | None


@dataclass(frozen=True)
class ChangePage:
    cursor: str  # keep it: the next call continues from here
    has_more: bool  # True: call again at once with `cursor`
    entries: list[Change]


def _parse_change(raw: Any) -> Change:
    entry = object_(raw, "a change entry")
    op = field(entry, "op", "a change entry")
    seq = int_(field(entry, "seq", "a change entry"), "a change sequence number")
    if seq < 0:
        raise ServerProtocolError("The server sent a negative change sequence number.")
    if op == "upsert":
        data = object_(field(entry, "data", "an upsert entry"), "an object")
        kind = str_(field(data, "type", "an object"), "an object type")
        obj_id = int_(field(data, "id", "an object"), "an object id")
    elif op == "remove":
        data = None
        kind = str_(field(entry, "type", "a remove entry"), "an object type")
        obj_id = int_(field(entry, "id", "a remove entry"), "an object id")
    else:
        raise ServerProtocolError(f"The server sent a change entry with the unknown operation {op!r}.")
    if kind not in _WIRE_KINDS:
        raise ServerProtocolError(f"The server sent an object of the unknown type {kind!r}.")
    return Change(op, seq, kind, obj_id, data)


def parse_change_page(data: Any) -> ChangePage:
    page = object_(data, "a change page")
    cursor = str_(field(page, "cursor", "a change page"), "a cursor")
    has_more = field(page, "has_more", "a change page")
    changes = field(page, "changes", "a change page")
    if not cursor:
        raise ServerProtocolError("The server sent an empty sync cursor.")
    if not isinstance(has_more, bool):
        raise ServerProtocolError("The server sent 'has_more' that is not true or false.")
    if not isinstance(changes, list):
        raise ServerProtocolError("The server sent 'changes' that is not a list.")
    return ChangePage(cursor, has_more, [_parse_change(c) for c in changes])


class FeedRoutes(Session):
    def changes(self, cursor: str | None, limit: int | None = None) -> ChangePage:
        """One page of the change feed after `cursor` (None: a full snapshot). Follow `page.cursor`
        while `page.has_more`. A cursor the server no longer accepts raises RequestRejected (status
        422): start again without one."""
        params: dict[str, Any] = {}
        if cursor:
            params["cursor"] = cursor
        if limit is not None:
            if limit < 1:
                raise ValueError("limit must be at least 1")
            params["limit"] = limit
        return parse_change_page(self._json("GET", "api/v1/changes", params=params))
