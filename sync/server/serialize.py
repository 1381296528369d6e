"""The wire representation of every synced object (viewer-independent: children point to parents)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session, object_session

from sync.protocol.kinds import Kind
from sync.protocol.notice import DEFAULT_TIME_ZONE
from sync.server.models import (
    AgendaItem,
    Annotation,
    Body,
    Consultation,
    Document,
    EFile,
    File,
    Meeting,
    Membership,
    Organization,
    Paper,
    Person,
    Process,
)

KIND_OF: dict[type, Kind] = {
    Body: Kind.BODY,
    Organization: Kind.ORGANIZATION,
    Person: Kind.PERSON,
    Membership: Kind.MEMBERSHIP,
    Meeting: Kind.MEETING,
    AgendaItem: Kind.AGENDA_ITEM,
    Paper: Kind.PAPER,
    Consultation: Kind.CONSULTATION,
    EFile: Kind.EFILE,
    Process: Kind.PROCESS,
    Document: Kind.DOCUMENT,
    File: Kind.FILE,
    Annotation: Kind.ANNOTATION,
}
MODEL_OF: dict[Kind, type] = {v: k for k, v in KIND_OF.items()}
# the session info key of the server's body time zone (`sync.server.db.make_sessionmaker`)
TIME_ZONE_INFO = "gremalda_body_time_zone"

_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.BODY: ("name", "short_name", "website", "notice_days"),
    Kind.ORGANIZATION: ("body_id", "name", "short_name", "kind", "start_date", "end_date"),
    Kind.PERSON: ("body_id", "name", "given_name", "family_name", "form_of_address", "title"),
    Kind.MEMBERSHIP: (
        "person_id",
        "organization_id",
        "role",
        "voting_right",
        "deputy",
        "start_date",
        "end_date",
    ),
    Kind.MEETING: ("body_id", "organization_id", "name", "state", "start", "end", "location", "published_at"),
    Kind.AGENDA_ITEM: ("meeting_id", "number", "order", "name", "public", "result"),
    Kind.PAPER: ("body_id", "reference", "name", "paper_type", "date", "public"),
    Kind.CONSULTATION: ("paper_id", "agenda_item_id", "role", "authoritative"),
    Kind.EFILE: ("body_id", "reference_number", "title"),
    Kind.PROCESS: ("efile_id", "reference", "title"),
    Kind.DOCUMENT: ("process_id", "title", "order"),
    Kind.FILE: (
        "body_id",
        "name",
        "file_name",
        "mime_type",
        "size",
        "sha256",
        "role",
        "paper_id",
        "agenda_item_id",
        "meeting_id",
        "document_id",
        "supersedes_id",
        "change_note",
    ),
}


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def body_time_zone(session: Session | None) -> str:
    """The time zone a body's feed record names when written in `session` (the server's setting)."""
    return (session.info.get(TIME_ZONE_INFO) if session else None) or DEFAULT_TIME_ZONE


def to_dict(obj: Any) -> dict[str, Any]:
    if isinstance(obj, Annotation):
        return json.loads(to_json(obj))  # type: ignore[no-any-return]
    kind = KIND_OF[type(obj)]
    data: dict[str, Any] = {"type": kind.wire, "id": obj.id}
    for name in _FIELDS[kind]:
        data[name] = _value(getattr(obj, name))
    if kind is Kind.BODY:
        # the zone its notice period (Ladungsfrist) counts days in: a server setting, not a column
        data["time_zone"] = body_time_zone(object_session(obj))
    data["version"] = obj.version
    data["created"] = _value(obj.created)
    data["modified"] = _value(obj.modified)
    return data


def to_json(obj: Any) -> str:
    if isinstance(obj, Annotation):
        return annotation_json(obj)
    return json.dumps(to_dict(obj), ensure_ascii=False, separators=(",", ":"))


def annotation_json(note: Annotation) -> str:
    """The feed form of an annotation: what the server knows of it, and the record exactly as its
    author's client pushed it (stored as JSON text, so it is put in as it is)."""
    head = {
        "type": Kind.ANNOTATION.wire,
        "id": note.id,
        "version": note.version,
        "uuid": note.uuid,
        "file_id": note.file_id,
        "author_id": note.author_id,
        "modified": _value(note.modified),
    }
    return (
        json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1] + ',"record":' + note.payload + "}"
    )
