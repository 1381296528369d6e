"""Proof of delivery (Ladungsnachweis): devices report when they hold a published meeting folder complete
and when the member opened it; the body's clerks read a table per meeting with the notice-period check
(Ladungsfrist, see `sync.protocol.notice.notice_deadline`), and set the notice period per body."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Body, Depends, Request, Response
from pydantic import AwareDatetime, Field, ValidationError
from sqlalchemy import Insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from sync.protocol.kinds import Kind
from sync.protocol.notice import DEFAULT_NOTICE_DAYS, notice_deadline
from sync.server import audience as aud
from sync.server import file_versions
from sync.server.api.deps import Caller, caller, context, db, write_caller, writer
from sync.server.api.schemas import PathId, Strict
from sync.server.api.write import _if_match, _result
from sync.server.context import ServerContext
from sync.server.errors import Forbidden, Invalid, NotFound
from sync.server.models import (
    AgendaItem,
    Consultation,
    Delivery,
    DeliveryReport,
    File,
    Meeting,
    MeetingState,
    Membership,
    ObjectAudience,
    Person,
    Role,
    User,
    utcnow,
)
from sync.server.models import Body as CouncilBody

router = APIRouter(prefix="/api/v1", tags=["deliveries"])

MAX_ITEMS = 500


class ReportIn(Strict):
    idempotency_key: Annotated[str, Field(min_length=1, max_length=100)]
    meeting_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    event: Literal["complete", "opened"]
    at: AwareDatetime
    files: list[Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]] | None = Field(
        default=None, max_length=20_000
    )


class NoticeDaysIn(Strict):
    notice_days: Annotated[int, Field(ge=0, le=60)]


def folder_files(session: Session, meeting_id: int, keys: frozenset[str]) -> set[str]:
    """The sha256 of every current (not superseded, by the version chain's rule: `sync.server.file_versions`)
    file of the meeting the keys may see: the meeting's own files, its agenda items' files and the files of
    the papers consulted on its items."""
    items = select(AgendaItem.id).where(AgendaItem.meeting_id == meeting_id)
    papers = select(Consultation.paper_id).where(Consultation.agenda_item_id.in_(items))
    rows = session.execute(
        select(File.id, File.sha256).where(
            or_(File.meeting_id == meeting_id, File.agenda_item_id.in_(items), File.paper_id.in_(papers))
        )
    ).all()
    ids = [int(r.id) for r in rows]
    superseded = file_versions.superseded(
        session, ids
    )  # the version chain's rule: a cycle's newest is current
    current = {int(r.id): str(r.sha256) for r in rows if int(r.id) not in superseded}
    shown = set(
        session.scalars(
            select(ObjectAudience.obj_id).where(
                ObjectAudience.kind == int(Kind.FILE),
                ObjectAudience.obj_id.in_(list(current)),
                ObjectAudience.key.in_(sorted(keys)),
            )
        )
    )
    return {sha for file_id, sha in current.items() if file_id in shown}


def _upsert_delivery(session: Session, meeting_id: int, user_id: int) -> Delivery:
    """The (meeting, user) summary row, made when it is missing. Insert-or-nothing, then read: another
    device's first report for the same meeting, committed meanwhile, is found instead of failing on the
    primary key (SQLite and PostgreSQL both know ON CONFLICT DO NOTHING)."""
    row = session.get(Delivery, (meeting_id, user_id))
    if row is not None:
        return row
    values = {"meeting_id": meeting_id, "user_id": user_id, "current_files": ""}
    dialect = session.get_bind().dialect.name
    statement: Insert
    if dialect == "postgresql":
        statement = postgresql.insert(Delivery).values(**values).on_conflict_do_nothing()
    else:
        statement = sqlite.insert(Delivery).values(**values).on_conflict_do_nothing()
    session.execute(statement)
    row = session.get(Delivery, (meeting_id, user_id), populate_existing=True)
    assert row is not None  # inserted now or by the other report
    return row


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _result_of(status: str, message: str = "") -> dict[str, str]:
    return {"status": status, "message": message} if message else {"status": status}


@router.post("/deliveries")
def report_deliveries(
    raw: Any = Body(...),
    who: Caller = Depends(write_caller),
    session: Session = Depends(writer, scope="function"),
) -> dict[str, Any]:
    """Records what devices report: "complete" (every current file of the published folder the caller may
    see is held: `files` lists their sha256) and "opened" (the member opened the folder at `at`). Each
    item is answered ok, stale (the folder changed: report again after the next sync) or rejected."""
    if not isinstance(raw, dict) or set(raw) != {"items"} or not isinstance(raw["items"], list):
        raise Invalid('Send {"items": [...]} with the delivery reports.')
    if len(raw["items"]) > MAX_ITEMS:
        raise Invalid(f"At most {MAX_ITEMS} reports at a time.")
    now = utcnow()
    results = [_report(session, who, entry, now) for entry in raw["items"]]
    return {"results": results}


def _report(session: Session, who: Caller, entry: Any, now: datetime) -> dict[str, str]:
    try:
        item = ReportIn.model_validate(entry)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
        return _result_of("rejected", f"Invalid report: {problems}")
    done = session.scalar(
        select(DeliveryReport).where(
            DeliveryReport.user_id == who.user.id, DeliveryReport.idempotency_key == item.idempotency_key
        )
    )
    if done is not None:
        if done.meeting_id != item.meeting_id or done.event != item.event:
            return _result_of("rejected", "This idempotency key was already used for another report.")
        return _result_of("ok")
    meeting = session.get(Meeting, item.meeting_id)
    if meeting is None or not (aud.AudienceResolver(session).meeting(meeting) & who.keys):
        return _result_of("rejected", f"No meeting with id {item.meeting_id}.")
    if meeting.state == MeetingState.DRAFT:
        return _result_of("rejected", "The meeting is not published yet.")
    if item.event == "complete":
        if item.files is None:
            return _result_of("rejected", 'A "complete" report lists the sha256 of the files held.')
        required = folder_files(session, meeting.id, who.keys)
        missing = required - set(item.files)
        if missing:
            return _result_of(
                "stale",
                f"The folder has changed ({len(missing)} file(s) not held yet). "
                "Report again after the next sync.",
            )
    row = _upsert_delivery(session, meeting.id, who.user.id)
    if item.event == "complete":
        if row.first_complete_at is None:
            row.first_complete_at = now
        still = row.current_complete_at is not None and required <= set(row.current_files.split())
        if not still:
            row.current_complete_at = now
            row.current_files = " ".join(sorted(required))
    else:
        at = item.at.astimezone(UTC)
        if meeting.published_at is not None:
            at = max(at, meeting.published_at)
        at = min(at, now)
        if row.first_opened_at is None or at < row.first_opened_at:
            row.first_opened_at, row.first_opened_received_at = at, now
    session.add(
        DeliveryReport(
            user_id=who.user.id,
            device_id=who.device.id,
            meeting_id=meeting.id,
            idempotency_key=item.idempotency_key,
            event=item.event,
            client_at=item.at,
            received_at=now,
            file_count=len(item.files or []),
        )
    )
    session.flush()
    return _result_of("ok")


def _clerk_meeting(session: Session, who: Caller, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not (aud.AudienceResolver(session).meeting(meeting) & who.keys):
        raise NotFound(f"No meeting with id {meeting_id}.")
    if who.user.role != Role.CLERK or who.user.body_id != meeting.body_id:
        raise Forbidden("Only the clerks of this body may see the proof of delivery.")
    return meeting


@router.get("/meetings/{meeting_id}/deliveries")
def meeting_deliveries(
    meeting_id: PathId,
    who: Caller = Depends(caller),
    session: Session = Depends(db, scope="function"),
    ctx: ServerContext = Depends(context),
) -> dict[str, Any]:
    """One row per member and deputy of the meeting's organization: when a device of theirs first held the
    published folder complete, whether it still holds it as it is now, when they first opened it, and the
    notice check (on time: complete by the end of the local day `notice_days + 1` days before the meeting's
    local date, see `notice_deadline`; `deadline` is that 23:59:59 with the body's UTC offset, `time_zone`
    the body's zone). Not received yet: "pending" until the deadline has passed, "missing" after it."""
    meeting = _clerk_meeting(session, who, meeting_id)
    body = session.get(CouncilBody, meeting.body_id)
    notice_days = body.notice_days if body is not None else DEFAULT_NOTICE_DAYS
    zone = ZoneInfo(ctx.settings.body_time_zone)
    found = notice_deadline(meeting.start, notice_days, zone)
    deadline, late_from = found.shown, found.late_from
    day = meeting.start.astimezone(zone).date()
    memberships = [
        (m, p)
        for m, p in session.execute(
            select(Membership, Person)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.organization_id == meeting.organization_id)
        )
        if m.active_on(day)
    ]
    by_person: dict[int, tuple[Membership, Person]] = {}
    for m, p in memberships:
        if p.id not in by_person or (by_person[p.id][0].deputy and not m.deputy):
            by_person[p.id] = (m, p)
    users: dict[int, list[User]] = {}
    for user in session.scalars(select(User).where(User.person_id.in_(list(by_person))).order_by(User.id)):
        users.setdefault(int(user.person_id or 0), []).append(user)
    deliveries = {
        d.user_id: d for d in session.scalars(select(Delivery).where(Delivery.meeting_id == meeting.id))
    }
    now = utcnow()
    today = now.date()
    rows = []
    for m, p in sorted(by_person.values(), key=lambda mp: (mp[0].deputy, mp[1].name, mp[1].id)):
        row: dict[str, Any] = {
            "person_id": p.id,
            "name": p.name,
            "role": m.role,
            "deputy": m.deputy,
            "user_id": None,
            "first_complete_at": None,
            "current_complete_at": None,
            "first_opened_at": None,
            "status": "no_account",
        }
        accounts = users.get(p.id, [])
        if accounts:
            row.update(_account_row(session, meeting, accounts, deliveries, today))
            first = row["_first"]
            del row["_first"]
            if first is not None:
                row["status"] = "on_time" if first < late_from else "late"
            else:  # not received: pending until the deadline has passed, then missing
                row["status"] = "pending" if now < late_from else "missing"
        rows.append(row)
    return {
        "meeting": {
            "id": meeting.id,
            "name": meeting.name,
            "start": _iso(meeting.start),
            "published_at": _iso(meeting.published_at),
            "notice_days": notice_days,
            "deadline": deadline.isoformat(),
            "time_zone": ctx.settings.body_time_zone,
        },
        "rows": rows,
    }


def _account_row(
    session: Session, meeting: Meeting, accounts: list[User], deliveries: dict[int, Delivery], today: date
) -> dict[str, Any]:
    """The delivery of the person's account (of the one delivered first, when they have several)."""
    found = [(u, deliveries[u.id]) for u in accounts if u.id in deliveries]
    if not found:
        return {"user_id": accounts[0].id, "_first": None}
    far = datetime.max.replace(tzinfo=UTC)
    user, delivery = min(found, key=lambda ud: (ud[1].first_complete_at or far, ud[0].id))
    current = delivery.current_complete_at
    if current is not None:
        required = folder_files(session, meeting.id, aud.user_keys(session, user, today))
        if not required <= set(delivery.current_files.split()):
            current = None  # the folder changed since (a late paper, a new version)
    opened = [d.first_opened_at for _, d in found if d.first_opened_at is not None]
    return {
        "user_id": user.id,
        "first_complete_at": _iso(delivery.first_complete_at),
        "current_complete_at": _iso(current),
        "first_opened_at": _iso(min(opened)) if opened else None,
        "_first": delivery.first_complete_at,
    }


@router.patch("/bodies/{body_id}")
def change_body(
    body_id: PathId,
    request: Request,
    raw: Any = Body(...),
    who: Caller = Depends(write_caller),
    session: Session = Depends(writer, scope="function"),
) -> Response:
    """Sets the body's notice period (Ladungsfrist, days before a meeting); its clerks and administrators."""
    body = session.get(CouncilBody, body_id)
    if body is None or who.user.body_id != body_id:
        raise NotFound(f"No body with id {body_id}.")
    if who.user.role not in (Role.CLERK, Role.ADMIN):
        raise Forbidden("Only the clerks of this body may change it.")
    try:
        values = NoticeDaysIn.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise Invalid(f"Invalid body: {problems}") from None
    _if_match(request, body)
    body.notice_days = values.notice_days
    session.flush()
    return _result(body, 200)
