"""The OParl 1.1 endpoints: the system, bodies, body-wide lists, every object under its id, files."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.protocol.kinds import Kind
from sync.server import audience as aud
from sync.server.api.deps import db
from sync.server.api.schemas import PathId
from sync.server.errors import NotFound
from sync.server.models import Body, FeedObject
from sync.server.oparl import content
from sync.server.oparl.access import OParlCaller, body_of_keys, history, oparl_caller
from sync.server.oparl.lists import ListQuery, in_scope, object_list
from sync.server.oparl.render import Renderer, load
from sync.server.oparl.urls import PLURAL, PREFIX, Urls, oparl_type

router = APIRouter(prefix=PREFIX, tags=["oparl"])

BODY_LISTS = (
    Kind.ORGANIZATION,
    Kind.PERSON,
    Kind.MEMBERSHIP,
    Kind.MEETING,
    Kind.AGENDA_ITEM,
    Kind.PAPER,
    Kind.CONSULTATION,
    Kind.FILE,
)


def _json(data: dict[str, Any], who: OParlCaller) -> Response:
    headers = {"Access-Control-Allow-Origin": "*"} if who.user is None else {"Cache-Control": "private"}
    return Response(
        json.dumps(data, ensure_ascii=False).encode("utf-8"),
        media_type="application/json; charset=utf-8",
        headers=headers,
    )


def _renderer(session: Session, who: OParlCaller, request: Request) -> Renderer:
    return Renderer(session, who, Urls(request))


def find(session: Session, who: OParlCaller, renderer: Renderer, kind: Kind, obj_id: int) -> dict[str, Any]:
    """One object as the caller may see it: the object, its tombstone, or NotFound."""
    row = session.execute(
        select(FeedObject.payload, FeedObject.audience, FeedObject.modified).where(
            FeedObject.kind == int(kind), FeedObject.obj_id == obj_id
        )
    ).first()
    missing = NotFound(f"No {kind.wire.replace('_', ' ')} with id {obj_id}.")
    if row is None:
        raise missing
    live = row.payload is not None
    if live and not in_scope(session, kind, None, obj_id):
        raise missing  # an e-file's file
    if live and who.sees(aud.decode(row.audience)):
        return renderer.render(load(session, kind, [obj_id])[obj_id])
    seen = history(session, kind, [obj_id]).get(obj_id, frozenset())
    if seen & who.keys and body_of_keys(seen):  # deleted, or gone from the caller's sight
        return renderer.tombstone(kind, obj_id, row.modified, json.loads(row.payload) if live else None)
    raise missing


@router.get("/system")
def system(
    request: Request,
    who: OParlCaller = Depends(oparl_caller),
    session: Session = Depends(db, scope="function"),
) -> Response:
    urls = Urls(request)
    out: dict[str, Any] = {
        "id": urls.system(),
        "type": oparl_type("System"),
        "oparlVersion": "https://schema.oparl.org/1.1/",
        "name": "Gremalda",
        "body": urls.bodies(),
    }
    created, modified = session.execute(
        select(func.min(Body.created), func.max(FeedObject.modified))
        .select_from(Body)
        .join(FeedObject, (FeedObject.kind == int(Kind.BODY)) & (FeedObject.obj_id == Body.id))
    ).one()
    if created is not None:
        out["created"] = created.isoformat()
        out["modified"] = modified.isoformat()
    return _json(out, who)


@router.get("/bodies")
def bodies(
    request: Request,
    who: OParlCaller = Depends(oparl_caller),
    session: Session = Depends(db, scope="function"),
) -> Response:
    query = ListQuery.from_params(dict(request.query_params))
    renderer = Renderer(session, who, Urls(request), query.omit_internal)
    return _json(object_list(session, who, renderer, Kind.BODY, None, query, Urls(request).bodies()), who)


@router.get("/meetings/{meeting_id}/location")
def location(
    meeting_id: PathId,
    request: Request,
    who: OParlCaller = Depends(oparl_caller),
    session: Session = Depends(db, scope="function"),
) -> Response:
    renderer = _renderer(session, who, request)
    meeting = find(session, who, renderer, Kind.MEETING, meeting_id)
    found = load(session, Kind.MEETING, [meeting_id]).get(meeting_id)
    if meeting.get("deleted") or found is None or not found.data["location"]:
        raise NotFound(f"Meeting {meeting_id} has no location.")
    return _json(renderer.location(found), who)


@router.get("/files/{file_id}/access")
async def file_access(file_id: PathId, request: Request) -> Response:
    return await content.serve(request, file_id, attachment=False)


@router.get("/files/{file_id}/download")
async def file_download(file_id: PathId, request: Request) -> Response:
    return await content.serve(request, file_id, attachment=True)


router.add_api_route(
    "/files/{file_id}/access",
    file_access,
    methods=["HEAD"],
    include_in_schema=False,
    name="oparl_access_head",
)
router.add_api_route(
    "/files/{file_id}/download",
    file_download,
    methods=["HEAD"],
    include_in_schema=False,
    name="oparl_download_head",
)


def _register_object(kind: Kind) -> None:
    def get_object(
        obj_id: PathId,
        request: Request,
        who: OParlCaller = Depends(oparl_caller),
        session: Session = Depends(db, scope="function"),
    ) -> Response:
        return _json(find(session, who, _renderer(session, who, request), kind, obj_id), who)

    router.add_api_route(
        f"/{PLURAL[kind]}/{{obj_id}}", get_object, methods=["GET"], name=f"oparl_{kind.wire}"
    )


def _register_list(kind: Kind) -> None:
    def list_objects(
        body_id: PathId,
        request: Request,
        who: OParlCaller = Depends(oparl_caller),
        session: Session = Depends(db, scope="function"),
    ) -> Response:
        query = ListQuery.from_params(dict(request.query_params))
        renderer = Renderer(session, who, Urls(request), query.omit_internal)
        body = find(session, who, renderer, Kind.BODY, body_id)
        if body.get("deleted"):
            raise NotFound(f"No body with id {body_id}.")
        url = Urls(request).body_list(body_id, kind)
        return _json(object_list(session, who, renderer, kind, body_id, query, url), who)

    router.add_api_route(
        f"/bodies/{{body_id}}/{PLURAL[kind]}", list_objects, methods=["GET"], name=f"oparl_list_{kind.wire}"
    )


for _kind in (Kind.BODY, *BODY_LISTS):
    _register_object(_kind)
for _kind in BODY_LISTS:
    _register_list(_kind)
