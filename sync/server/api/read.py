"""Read endpoints. Every object is served from its feed state after checking its audience against
the caller's keys; what the caller may not see answers 404 exactly like what does not exist."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from sync.protocol.kinds import Kind
from sync.server import audience as aud
from sync.server.api.deps import Caller, caller, db
from sync.server.api.schemas import MAX_ID, PathId
from sync.server.errors import NotFound
from sync.server.models import AgendaItem, Consultation, FeedObject, File, ObjectAudience

router = APIRouter(prefix="/api/v1", tags=["read"])

PLURALS: dict[str, Kind] = {
    "bodies": Kind.BODY,
    "organizations": Kind.ORGANIZATION,
    "persons": Kind.PERSON,
    "memberships": Kind.MEMBERSHIP,
    "meetings": Kind.MEETING,
    "agenda-items": Kind.AGENDA_ITEM,
    "papers": Kind.PAPER,
    "consultations": Kind.CONSULTATION,
    "efiles": Kind.EFILE,
    "processes": Kind.PROCESS,
    "documents": Kind.DOCUMENT,
    "files": Kind.FILE,
}


def _json(text: str) -> Response:
    return Response(text.encode("utf-8"), media_type="application/json")


def visible_payload(session: Session, who: Caller, kind: Kind, obj_id: int) -> str:
    row = session.execute(
        select(FeedObject.audience, FeedObject.payload).where(
            FeedObject.kind == int(kind), FeedObject.obj_id == obj_id
        )
    ).first()
    if row is None or row.payload is None or not (aud.decode(row.audience) & who.keys):
        raise NotFound(f"No {kind.wire.replace('_', ' ')} with id {obj_id}.")
    return str(row.payload)


def visible_ids(session: Session, who: Caller, kind: Kind, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    rows = session.scalars(
        select(ObjectAudience.obj_id).where(
            ObjectAudience.kind == int(kind),
            ObjectAudience.obj_id.in_(ids),
            ObjectAudience.key.in_(sorted(who.keys)),
        )
    )
    return set(rows)


def _list(session: Session, who: Caller, kind: Kind, after: int, limit: int) -> dict[str, Any]:
    ids = (
        select(ObjectAudience.obj_id)
        .where(
            ObjectAudience.kind == int(kind),
            ObjectAudience.key.in_(sorted(who.keys)),
            ObjectAudience.obj_id > after,
        )
        .distinct()
        .order_by(ObjectAudience.obj_id)
        .limit(limit + 1)
        .subquery()
    )
    rows = session.scalars(
        select(FeedObject.payload)
        .join(ids, and_(FeedObject.kind == int(kind), FeedObject.obj_id == ids.c.obj_id))
        .order_by(FeedObject.obj_id)
    ).all()
    data = [json.loads(p) for p in rows[:limit] if p is not None]
    return {"data": data, "next_after": data[-1]["id"] if len(rows) > limit and data else None}


def _register(plural: str, kind: Kind) -> None:
    def list_objects(
        after: int = Query(0, ge=0, le=MAX_ID),
        limit: int = Query(200, ge=1, le=1000),
        who: Caller = Depends(caller),
        session: Session = Depends(db, scope="function"),
    ) -> dict[str, Any]:
        return _list(session, who, kind, after, limit)

    def get_object(
        obj_id: PathId, who: Caller = Depends(caller), session: Session = Depends(db, scope="function")
    ) -> Response:
        return _json(visible_payload(session, who, kind, obj_id))

    router.add_api_route(f"/{plural}", list_objects, methods=["GET"], name=f"list_{kind.wire}")
    router.add_api_route(f"/{plural}/{{obj_id}}", get_object, methods=["GET"], name=f"get_{kind.wire}")


for _plural, _kind in PLURALS.items():
    _register(_plural, _kind)


@router.get("/meetings/{meeting_id}/agenda")
def agenda(
    meeting_id: PathId, who: Caller = Depends(caller), session: Session = Depends(db, scope="function")
) -> Response:
    """The meeting with the agenda items the caller may see, each with its papers and files."""
    meeting = json.loads(visible_payload(session, who, Kind.MEETING, meeting_id))
    items = list(session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)))
    shown = visible_ids(session, who, Kind.AGENDA_ITEM, [i.id for i in items])
    out = []
    for item in sorted((i for i in items if i.id in shown), key=lambda i: (i.order, i.id)):
        entry = json.loads(visible_payload(session, who, Kind.AGENDA_ITEM, item.id))
        paper_ids = list(
            session.scalars(select(Consultation.paper_id).where(Consultation.agenda_item_id == item.id))
        )
        papers = [
            json.loads(visible_payload(session, who, Kind.PAPER, p))
            for p in sorted(visible_ids(session, who, Kind.PAPER, paper_ids))
        ]
        file_ids = list(
            session.scalars(
                select(File.id).where(
                    (File.agenda_item_id == item.id) | (File.paper_id.in_([p["id"] for p in papers]))
                )
            )
        )
        entry["papers"] = papers
        entry["files"] = [
            json.loads(visible_payload(session, who, Kind.FILE, f))
            for f in sorted(visible_ids(session, who, Kind.FILE, file_ids))
        ]
        out.append(entry)
    meeting_files = list(session.scalars(select(File.id).where(File.meeting_id == meeting_id)))
    meeting["files"] = [
        json.loads(visible_payload(session, who, Kind.FILE, f))
        for f in sorted(visible_ids(session, who, Kind.FILE, meeting_files))
    ]
    meeting["agenda"] = out
    return _json(json.dumps(meeting, ensure_ascii=False))
