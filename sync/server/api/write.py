"""Write endpoints for clerks: create (POST, idempotent with an Idempotency-Key), change (PATCH with
If-Match on the version) and delete (DELETE with If-Match). Each write is one transaction and the
change feed records it in the same transaction."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request, Response
from pydantic import Field, ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sync.protocol.kinds import Kind
from sync.server import audience as aud
from sync.server.api import schemas
from sync.server.api.deps import Caller, context, write_caller, writer
from sync.server.context import ServerContext
from sync.server.errors import ApiError, Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from sync.server.models import (
    AgendaItem,
    Consultation,
    Document,
    EFile,
    EFileShare,
    File,
    IdempotencyRecord,
    Meeting,
    MeetingState,
    Membership,
    Organization,
    Paper,
    Person,
    Process,
    Role,
    User,
    utcnow,
)
from sync.server.serialize import to_dict

router = APIRouter(prefix="/api/v1", tags=["write"])

# How long the answer to a POST made with an Idempotency-Key is replayed: long enough for the retries of
# one operation (a lost answer), short enough that the same key days later is a new request.
IDEMPOTENCY_TTL = timedelta(hours=24)
CREATED = 201  # the status of the records this module keeps (annotation pushes keep theirs: 200)


class PreconditionRequired(ApiError):
    status = 428
    code = "precondition_required"
    title = "Version required"


class SupersedesItself(Invalid):
    code = "supersedes_itself"
    title = "A file cannot replace itself"


class VersionCycle(Conflict):
    code = "version_cycle"
    title = "Versions would replace each other"


@dataclass(frozen=True)
class Writable:
    kind: Kind
    model: type[Any]
    schema: type[schemas.Strict]


WRITABLE: dict[str, Writable] = {
    "organizations": Writable(Kind.ORGANIZATION, Organization, schemas.OrganizationIn),
    "persons": Writable(Kind.PERSON, Person, schemas.PersonIn),
    "memberships": Writable(Kind.MEMBERSHIP, Membership, schemas.MembershipIn),
    "meetings": Writable(Kind.MEETING, Meeting, schemas.MeetingIn),
    "agenda-items": Writable(Kind.AGENDA_ITEM, AgendaItem, schemas.AgendaItemIn),
    "papers": Writable(Kind.PAPER, Paper, schemas.PaperIn),
    "consultations": Writable(Kind.CONSULTATION, Consultation, schemas.ConsultationIn),
    "files": Writable(Kind.FILE, File, schemas.FileIn),
    "efiles": Writable(Kind.EFILE, EFile, schemas.EFileIn),
    "processes": Writable(Kind.PROCESS, Process, schemas.ProcessIn),
    "documents": Writable(Kind.DOCUMENT, Document, schemas.DocumentIn),
}


def _ref(session: Session, model: type[Any], obj_id: int | None, what: str) -> Any:
    obj = session.get(model, obj_id) if obj_id is not None else None
    if obj is None:
        raise Invalid(f"The {what} {obj_id} does not exist.")
    return obj


TOP_LEVEL = (Organization, Person, Paper, EFile)  # belong to a body directly, not through what they refer to


def body_of(session: Session, model: type[Any], values: dict[str, Any], caller_body: int) -> int:
    """The body an object belongs to, from what it refers to; refuses references across bodies."""
    if model in TOP_LEVEL:
        return caller_body
    if model is Membership:
        person = _ref(session, Person, values["person_id"], "person")
        org = _ref(session, Organization, values["organization_id"], "organization")
        if person.body_id != org.body_id:
            raise Invalid("The person and the organization belong to different bodies.")
        return int(org.body_id)
    if model is Meeting:
        return int(_ref(session, Organization, values["organization_id"], "organization").body_id)
    if model is AgendaItem:
        return int(_ref(session, Meeting, values["meeting_id"], "meeting").body_id)
    if model is Consultation:
        paper = _ref(session, Paper, values["paper_id"], "paper")
        item = _ref(session, AgendaItem, values["agenda_item_id"], "agenda item")
        if paper.body_id != session.get(Meeting, item.meeting_id).body_id:  # type: ignore[union-attr]
            raise Invalid("The paper and the agenda item belong to different bodies.")
        return int(paper.body_id)
    if model is Process:
        return int(_ref(session, EFile, values["efile_id"], "e-file").body_id)
    if model is Document:
        process = _ref(session, Process, values["process_id"], "process")
        return int(_ref(session, EFile, process.efile_id, "e-file").body_id)
    if model is File:
        return _file_body(session, values)
    raise TypeError(model)


def _file_body(session: Session, values: dict[str, Any]) -> int:
    owners = [
        k for k in ("paper_id", "agenda_item_id", "meeting_id", "document_id") if values.get(k) is not None
    ]
    if len(owners) != 1:
        raise Invalid("A file belongs to exactly one paper, agenda item, meeting or e-file document.")
    owner = owners[0]
    if owner == "paper_id":
        return int(_ref(session, Paper, values[owner], "paper").body_id)
    if owner == "meeting_id":
        return int(_ref(session, Meeting, values[owner], "meeting").body_id)
    if owner == "agenda_item_id":
        return body_of(
            session,
            AgendaItem,
            {"meeting_id": _ref(session, AgendaItem, values[owner], "agenda item").meeting_id},
            0,
        )
    document = _ref(session, Document, values[owner], "document")
    return body_of(session, Document, {"process_id": document.process_id}, 0)


def _validate(entry: Writable, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise Invalid("The request body must be a JSON object.")
    try:
        return entry.schema.model_validate(raw).model_dump()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise Invalid(f"Invalid {entry.kind.wire.replace('_', ' ')}: {problems}") from None


def _apply_side_effects(
    session: Session, obj: Any, values: dict[str, Any], ctx: ServerContext, *, relinked: bool = True
) -> None:
    """Checks and derived fields of a create or change; ``relinked``: a file's ``supersedes_id`` is new
    or changed (its cycle check runs only then)."""
    if (
        isinstance(obj, Meeting)
        and values.get("state") == MeetingState.PUBLISHED
        and obj.published_at is None
    ):
        obj.published_at = utcnow()
    if isinstance(obj, File):
        blob = ctx.blobs.path(values["sha256"])
        if not blob.is_file():
            raise Invalid("Upload the content first (POST /api/v1/blobs); no content has that sha256.")
        obj.size = blob.stat().st_size
        if values.get("supersedes_id") is not None:
            _check_supersedes(session, obj, values["supersedes_id"], changed=relinked)


def _check_supersedes(session: Session, obj: File, older_id: int, *, changed: bool) -> None:
    """The file ``obj`` is to supersede must exist in its body, and (when the link is new or changed) be
    neither the file itself nor one of its own newer versions: a version chain ends at its newest file,
    and a cycle has none (the server would list none of its files as current). A cycle that is older
    than this check does not stop other changes of its files; changing the link (to null, or to a file
    off the cycle) is how a clerk ends it."""
    if changed and older_id == obj.id:
        raise SupersedesItself(f"File {obj.id} cannot supersede itself: name the older version it replaces.")
    old = _ref(session, File, older_id, "file")
    if old.body_id != obj.body_id:
        raise Invalid("A file can only supersede another file of the same body.")
    if not changed or obj.id is None:  # a new file: nothing supersedes it yet, so no cycle can close
        return
    seen = {older_id}
    current: File | None = old
    while current is not None and current.supersedes_id is not None and current.supersedes_id not in seen:
        if current.supersedes_id == obj.id:
            raise VersionCycle(
                f"File {obj.id} cannot supersede file {older_id}: file {older_id} is itself a newer "
                f"version of file {obj.id}, so neither would be the current version. Name an older "
                "version instead."
            )
        seen.add(current.supersedes_id)
        current = session.get(File, current.supersedes_id)


def _if_match(request: Request, obj: Any) -> None:
    header = request.headers.get("if-match")
    if header is None:
        raise PreconditionRequired("Send If-Match with the version you last saw.")
    wanted = header.strip().strip('"').removeprefix("W/").strip('"')
    if header.strip() != "*" and wanted != str(obj.version):
        raise PreconditionFailed(
            f"This was changed in the meantime (now version {obj.version}). Reload and retry."
        )


def _result(obj: Any, status: int) -> Response:
    return Response(
        json.dumps(to_dict(obj), ensure_ascii=False),
        status_code=status,
        media_type="application/json",
        headers={"ETag": f'"{obj.version}"'},
    )


def _register(plural: str, entry: Writable) -> None:
    def create(
        request: Request,
        raw: Any = Body(...),
        who: Caller = Depends(write_caller),
        session: Session = Depends(writer, scope="function"),
        ctx: ServerContext = Depends(context),
    ) -> Response:
        if not isinstance(raw, dict):  # before the digest: json.dumps fails on the bytes of a non-JSON body
            raise Invalid("The request body must be a JSON object.")
        key = request.headers.get("idempotency-key")
        digest = hashlib.sha256(f"{plural}\n{json.dumps(raw, sort_keys=True)}".encode()).hexdigest()
        if key:
            if len(key) > 100:
                raise Invalid("The Idempotency-Key is too long (at most 100 characters).")
            _expire_keys(session, who.user.id)
            done = session.get(IdempotencyRecord, (who.user.id, key))
            if done is not None:
                if done.request_hash != digest:
                    raise Conflict("This Idempotency-Key was already used for a different request.")
                if _replayed_gone(session, entry, done.body):
                    raise Conflict(
                        "What this request created earlier has been deleted since. Send it with a new "
                        "Idempotency-Key to create it again."
                    )
                return Response(done.body, status_code=done.status, media_type="application/json")
        values = _validate(entry, raw)
        body_id = body_of(session, entry.model, values, who.user.body_id)
        who.require_clerk(body_id)
        obj = entry.model(**values)
        if hasattr(obj, "body_id"):
            obj.body_id = body_id
        _apply_side_effects(session, obj, values, ctx)
        session.add(obj)
        session.flush()
        response = _result(obj, 201)
        if key:
            session.add(
                IdempotencyRecord(
                    user_id=who.user.id,
                    key=key,
                    request_hash=digest,
                    status=CREATED,
                    body=bytes(response.body).decode(),
                )
            )
        return response

    def change(
        obj_id: schemas.PathId,
        request: Request,
        raw: Any = Body(...),
        who: Caller = Depends(write_caller),
        session: Session = Depends(writer, scope="function"),
        ctx: ServerContext = Depends(context),
    ) -> Response:
        obj = session.get(entry.model, obj_id)
        if obj is None:
            raise NotFound(f"No {entry.kind.wire.replace('_', ' ')} with id {obj_id}.")
        who.require_clerk(_owning_body(session, entry, obj))
        if not isinstance(raw, dict):
            raise Invalid("The request body must be a JSON object.")
        values = _validate(entry, _patched(obj, entry, raw))
        new_body = body_of(session, entry.model, values, who.user.body_id)
        who.require_clerk(new_body)
        _if_match(request, obj)
        relinked = isinstance(obj, File) and values.get("supersedes_id") != obj.supersedes_id
        for name, value in values.items():
            setattr(obj, name, value)
        _apply_side_effects(session, obj, values, ctx, relinked=relinked)
        session.flush()
        return _result(obj, 200)

    def remove(
        obj_id: schemas.PathId,
        request: Request,
        who: Caller = Depends(write_caller),
        session: Session = Depends(writer, scope="function"),
    ) -> Response:
        obj = session.get(entry.model, obj_id)
        if obj is None:
            raise NotFound(f"No {entry.kind.wire.replace('_', ' ')} with id {obj_id}.")
        who.require_clerk(_owning_body(session, entry, obj))
        _if_match(request, obj)
        delete_tree(session, obj)
        return Response(status_code=204)

    router.add_api_route(
        f"/{plural}", create, methods=["POST"], status_code=201, name=f"create_{entry.kind.wire}"
    )
    router.add_api_route(f"/{plural}/{{obj_id}}", change, methods=["PATCH"], name=f"change_{entry.kind.wire}")
    router.add_api_route(
        f"/{plural}/{{obj_id}}", remove, methods=["DELETE"], status_code=204, name=f"delete_{entry.kind.wire}"
    )


def _expire_keys(session: Session, user_id: int) -> None:
    """Forget the caller's create answers older than IDEMPOTENCY_TTL (a cheap delete on the primary key's
    user prefix, on every keyed create)."""
    session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id,
            IdempotencyRecord.status == CREATED,
            IdempotencyRecord.created < utcnow() - IDEMPOTENCY_TTL,
        )
    )


def _replayed_gone(session: Session, entry: Writable, body: str) -> bool:
    """Whether the object a stored create answer names has been deleted since (never replay a ghost)."""
    try:
        obj_id = json.loads(body).get("id")
    except (ValueError, AttributeError):
        return True
    return not isinstance(obj_id, int) or session.get(entry.model, obj_id) is None


def _owning_body(session: Session, entry: Writable, obj: Any) -> int:
    """The body an existing object belongs to."""
    if entry.model in TOP_LEVEL:
        return int(obj.body_id)
    return body_of(session, entry.model, _current(obj, entry), caller_body=0)  # not top-level: unused


def _patched(obj: Any, entry: Writable, raw: dict[str, Any]) -> dict[str, Any]:
    """The object's fields as a PATCH leaves them: the sent ones replace the current ones. A file whose
    content is replaced under the same id without a change note loses its old one (it spoke of the old
    content; members would read it as the note of the new one)."""
    fields = {**_current(obj, entry), **raw}
    if isinstance(obj, File) and "change_note" not in raw and fields.get("sha256") != obj.sha256:
        fields["change_note"] = ""
    return fields


def _current(obj: Any, entry: Writable) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in entry.schema.model_fields}


def delete_tree(session: Session, obj: Any) -> None:
    """Deletes an object with everything that belongs to it, each through the ORM so the feed sees it."""
    children: list[Any] = []
    if isinstance(obj, Meeting):
        children += session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == obj.id))
        children += session.scalars(select(File).where(File.meeting_id == obj.id))
    elif isinstance(obj, AgendaItem):
        children += session.scalars(select(Consultation).where(Consultation.agenda_item_id == obj.id))
        children += session.scalars(select(File).where(File.agenda_item_id == obj.id))
    elif isinstance(obj, Paper):
        children += session.scalars(select(Consultation).where(Consultation.paper_id == obj.id))
        children += session.scalars(select(File).where(File.paper_id == obj.id))
    elif isinstance(obj, EFile):
        children += session.scalars(select(Process).where(Process.efile_id == obj.id))
        children += session.scalars(select(EFileShare).where(EFileShare.efile_id == obj.id))
    elif isinstance(obj, Process):
        children += session.scalars(select(Document).where(Document.process_id == obj.id))
    elif isinstance(obj, Document):
        children += session.scalars(select(File).where(File.document_id == obj.id))
    elif isinstance(obj, Organization):
        if session.scalar(select(Meeting.id).where(Meeting.organization_id == obj.id).limit(1)) is not None:
            raise Conflict("This organization still has meetings; delete or move them first.")
        children += session.scalars(select(Membership).where(Membership.organization_id == obj.id))
    elif isinstance(obj, Person):
        if session.scalar(select(User.id).where(User.person_id == obj.id).limit(1)) is not None:
            raise Conflict("This person has an account; an administrator must unlink or remove it first.")
        children += session.scalars(select(Membership).where(Membership.person_id == obj.id))
        children += session.scalars(select(EFileShare).where(EFileShare.person_id == obj.id))
    elif isinstance(obj, File):
        for newer in session.scalars(select(File).where(File.supersedes_id == obj.id)):
            newer.supersedes_id = obj.supersedes_id
    for child in children:
        delete_tree(session, child)
    session.delete(obj)
    session.flush()


def _share_of(
    session: Session, who: Caller, efile_id: int, person_id: int
) -> tuple[EFile, EFileShare | None]:
    """The e-file (the caller must be one of its body's clerks) and its share with the person, if any."""
    efile = session.get(EFile, efile_id)
    if efile is None:
        raise NotFound(f"No e-file with id {efile_id}.")
    who.require_clerk(efile.body_id)
    share = session.scalar(
        select(EFileShare).where(EFileShare.efile_id == efile_id, EFileShare.person_id == person_id)
    )
    return efile, share


@router.put("/efiles/{efile_id}/shares/{person_id}", status_code=204)
def share(
    efile_id: schemas.PathId,
    person_id: schemas.PathId,
    who: Caller = Depends(write_caller),
    session: Session = Depends(writer, scope="function"),
) -> None:
    efile, existing = _share_of(session, who, efile_id, person_id)
    person = _ref(session, Person, person_id, "person")
    if person.body_id != efile.body_id:
        raise Invalid("The person belongs to another body.")
    if existing is None:
        session.add(EFileShare(efile_id=efile_id, person_id=person_id))


@router.delete("/efiles/{efile_id}/shares/{person_id}", status_code=204)
def unshare(
    efile_id: schemas.PathId,
    person_id: schemas.PathId,
    who: Caller = Depends(write_caller),
    session: Session = Depends(writer, scope="function"),
) -> None:
    _, existing = _share_of(session, who, efile_id, person_id)
    if existing is not None:
        session.delete(existing)


class OrderedItem(schemas.Strict):
    id: schemas.Id
    number: str = Field(default="", max_length=30)
    order: int = Field(ge=0, le=100_000)
    version: int = Field(ge=0)


class AgendaOrderIn(schemas.Strict):
    items: Annotated[list[OrderedItem], Field(max_length=2000)]


@router.put("/meetings/{meeting_id}/agenda-order")
def agenda_order(
    meeting_id: schemas.PathId,
    raw: Any = Body(...),
    who: Caller = Depends(write_caller),
    session: Session = Depends(writer, scope="function"),
) -> Response:
    """Renumber and reorder a meeting's whole agenda in one transaction: every item of the meeting once,
    each with the version the clerk saw (a stale one, or an agenda changed meanwhile: 412, nothing
    changed). The meeting's body's clerks only (who may see the meeting otherwise: 403; else 404)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not (aud.AudienceResolver(session).meeting(meeting) & who.keys):
        raise NotFound(f"No meeting with id {meeting_id}.")
    if who.user.role != Role.CLERK or who.user.body_id != meeting.body_id:
        raise Forbidden("Only the clerks of this body may change its agendas.")
    if not isinstance(raw, dict):
        raise Invalid("The request body must be a JSON object.")
    try:
        wanted = AgendaOrderIn.model_validate(raw).items
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise Invalid(f"Invalid agenda order: {problems}") from None
    if len({w.id for w in wanted}) != len(wanted):
        raise Invalid("The agenda order names an item more than once.")
    current = {
        i.id: i for i in session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting_id))
    }
    if {w.id for w in wanted} != set(current):
        raise PreconditionFailed(
            "The agenda was changed in the meantime (items added or removed). Reload and retry."
        )
    stale = [w.id for w in wanted if current[w.id].version != w.version]
    if stale:
        raise PreconditionFailed(
            f"Agenda item(s) {', '.join(map(str, stale))} were changed in the meantime. Reload and retry."
        )
    for w in wanted:
        item = current[w.id]
        if item.number != w.number or item.order != w.order:
            item.number, item.order = w.number, w.order
    session.flush()
    items = sorted(current.values(), key=lambda i: (i.order, i.id))
    return Response(
        json.dumps({"items": [to_dict(i) for i in items]}, ensure_ascii=False),
        status_code=200,
        media_type="application/json",
    )


for _plural, _entry in WRITABLE.items():
    _register(_plural, _entry)
