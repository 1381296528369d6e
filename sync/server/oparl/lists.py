"""OParl object lists: filters, pagination and tombstones.

A list holds the objects of one kind (of one body) the caller may see, ordered by id, filtered by
`created_since`/`created_until` (when the object was created) and `modified_since`/`modified_until`
(when its feed state last changed). With `modified_since`, the list ends with tombstones: objects
changed since then that the caller could see once and cannot see now, because they were deleted or
left the caller's sight. Pages are numbered (`page`, `elementsPerPage`); every link keeps the filters.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from sync.protocol.kinds import Kind
from sync.server.errors import Invalid
from sync.server.models import (
    AgendaItem,
    Body,
    Consultation,
    FeedObject,
    File,
    Meeting,
    Membership,
    ObjectAudience,
    Organization,
    Paper,
    Person,
)
from sync.server.oparl.access import OParlCaller, body_of_keys, history
from sync.server.oparl.render import Renderer, load
from sync.server.oparl.urls import with_query

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 500
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")
MODEL: dict[Kind, Any] = {
    Kind.BODY: Body,
    Kind.ORGANIZATION: Organization,
    Kind.PERSON: Person,
    Kind.MEMBERSHIP: Membership,
    Kind.MEETING: Meeting,
    Kind.AGENDA_ITEM: AgendaItem,
    Kind.PAPER: Paper,
    Kind.CONSULTATION: Consultation,
    Kind.FILE: File,
}


def parse_time(name: str, raw: str) -> datetime:
    text = raw.strip().replace(" ", "+")  # an unencoded "+" of the offset arrives as a space
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{name} must be a date and time like 2024-01-31T12:00:00+01:00.") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


@dataclass
class ListQuery:
    """The filters and the page a list request asks for, as given (to repeat them in the links)."""

    params: dict[str, str] = field(default_factory=dict)
    times: dict[str, datetime] = field(default_factory=dict)
    omit_internal: bool = False
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @classmethod
    def from_params(cls, query: dict[str, str]) -> ListQuery:
        out = cls()
        for name in FILTERS:
            if name in query:
                out.times[name] = parse_time(name, query[name])
                out.params[name] = out.times[name].isoformat()
        if "omit_internal" in query:
            out.omit_internal = query["omit_internal"].strip().lower() not in ("false", "0", "no")
            out.params["omit_internal"] = "true" if out.omit_internal else "false"
        out.page = _positive(query, "page", 1, 2**31 - 1)
        out.per_page = min(_positive(query, "elementsPerPage", DEFAULT_PER_PAGE, 2**31 - 1), MAX_PER_PAGE)
        if "elementsPerPage" in query:
            out.params["elementsPerPage"] = str(out.per_page)
        return out

    def link(self, url: str, page: int) -> str:
        return with_query(url, {**self.params, **({"page": str(page)} if page > 1 else {})})


def _positive(query: dict[str, str], name: str, default: int, limit: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    if not raw.strip().isdigit() or not 1 <= int(raw) <= limit:
        raise Invalid(f"{name} must be a whole number of at least 1.")
    return int(raw)


def scoped(kind: Kind, body_id: int | None) -> Select[Any]:
    """The live objects of a kind that belong to a body (all bodies for None), e-files' files left out."""
    model = MODEL[kind]
    q = (
        select(FeedObject.obj_id)
        .join(model, model.id == FeedObject.obj_id)
        .where(FeedObject.kind == int(kind), FeedObject.payload.is_not(None))
    )
    if kind == Kind.FILE:
        q = q.where(File.document_id.is_(None))
    if body_id is None:
        return q
    if kind == Kind.BODY:
        return q.where(Body.id == body_id)
    if kind == Kind.MEMBERSHIP:
        return q.join(Person, Person.id == Membership.person_id).where(Person.body_id == body_id)
    if kind == Kind.AGENDA_ITEM:
        return q.join(Meeting, Meeting.id == AgendaItem.meeting_id).where(Meeting.body_id == body_id)
    if kind == Kind.CONSULTATION:
        return q.join(Paper, Paper.id == Consultation.paper_id).where(Paper.body_id == body_id)
    return q.where(model.body_id == body_id)


def in_scope(session: Session, kind: Kind, body_id: int | None, obj_id: int) -> bool:
    return session.scalar(scoped(kind, body_id).where(FeedObject.obj_id == obj_id)) is not None


def _visible_ids(kind: Kind, who: OParlCaller) -> Any:
    return select(ObjectAudience.obj_id).where(
        ObjectAudience.kind == int(kind), ObjectAudience.key.in_(sorted(who.keys))
    )


def _live(kind: Kind, body_id: int | None, who: OParlCaller, q: ListQuery) -> Select[Any]:
    model = MODEL[kind]
    stmt = scoped(kind, body_id).where(FeedObject.obj_id.in_(_visible_ids(kind, who)))
    t = q.times
    if "created_since" in t:
        stmt = stmt.where(model.created >= t["created_since"])
    if "created_until" in t:
        stmt = stmt.where(model.created <= t["created_until"])
    if "modified_since" in t:
        stmt = stmt.where(FeedObject.modified >= t["modified_since"])
    if "modified_until" in t:
        stmt = stmt.where(FeedObject.modified <= t["modified_until"])
    return stmt


def tombstones(
    session: Session, kind: Kind, body_id: int | None, who: OParlCaller, q: ListQuery
) -> list[tuple[int, datetime, dict[str, Any] | None]]:
    """(id, modified, last state if any) of what changed since `modified_since` that the caller saw
    once but cannot see now."""
    since = q.times.get("modified_since")
    if since is None:
        return []
    stmt = select(FeedObject.obj_id, FeedObject.payload, FeedObject.modified).where(
        FeedObject.kind == int(kind),
        FeedObject.modified >= since,
        FeedObject.obj_id.not_in(_visible_ids(kind, who)),
    )
    if "modified_until" in q.times:
        stmt = stmt.where(FeedObject.modified <= q.times["modified_until"])
    candidates = {int(i): (payload, modified) for i, payload, modified in session.execute(stmt)}
    if not candidates:
        return []
    seen = history(session, kind, candidates)
    live = [i for i, (payload, _) in candidates.items() if payload is not None]
    live_in_scope: set[int] = set()
    for i in range(0, len(live), 500):
        chunk = live[i : i + 500]
        live_in_scope.update(session.scalars(scoped(kind, body_id).where(FeedObject.obj_id.in_(chunk))))
    out = []
    for obj_id, (payload, modified) in sorted(candidates.items()):
        keys = seen.get(obj_id, frozenset())
        if not keys & who.keys:
            continue  # the caller never saw it
        if payload is not None:
            if obj_id not in live_in_scope:
                continue
            last = json.loads(payload)
        else:
            bodies = body_of_keys(keys)
            if not bodies or (body_id is not None and body_id not in bodies):
                continue  # not a council object of this body (an e-file's file, say)
            last = None
        out.append((obj_id, modified, last))
    return out


def object_list(
    session: Session,
    who: OParlCaller,
    renderer: Renderer,
    kind: Kind,
    body_id: int | None,
    q: ListQuery,
    url: str,
) -> dict[str, Any]:
    live = _live(kind, body_id, who, q)
    live_count = int(session.scalar(select(func.count()).select_from(live.subquery())) or 0)
    dead = tombstones(session, kind, body_id, who, q)
    total = live_count + len(dead)
    pages = max(1, math.ceil(total / q.per_page))
    offset = (q.page - 1) * q.per_page
    data: list[dict[str, Any]] = []
    if offset < live_count:
        ids = [
            int(i) for i in session.scalars(live.order_by(FeedObject.obj_id).offset(offset).limit(q.per_page))
        ]
        found = load(session, kind, ids)
        data += [renderer.render(found[i]) for i in ids if i in found]
    start = max(0, offset - live_count)
    for obj_id, modified, last in dead[start : start + q.per_page - len(data)]:
        data.append(renderer.tombstone(kind, obj_id, modified, last))
    if q.omit_internal:
        data = [_without_internal(d) for d in data]
    links = {"first": q.link(url, 1), "self": q.link(url, q.page), "last": q.link(url, pages)}
    if q.page > 1:
        links["prev"] = q.link(url, min(q.page - 1, pages))
    if q.page < pages:
        links["next"] = q.link(url, q.page + 1)
    return {
        "data": data,
        "pagination": {
            "totalElements": total,
            "elementsPerPage": q.per_page,
            "currentPage": q.page,
            "totalPages": pages,
        },
        "links": links,
    }


def _without_internal(obj: dict[str, Any]) -> dict[str, Any]:
    """An object without its embedded objects (`omit_internal`)."""

    def internal(value: Any) -> bool:
        return isinstance(value, dict) or (
            isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
        )

    return {k: v for k, v in obj.items() if not internal(v)}
