"""Our objects as OParl 1.1 objects.

Each object is built from its feed state (the serialised payload the change feed keeps, with its
audience and the time the feed last changed it, which is the OParl `modified`: a change of who may see
an object counts as a change). Embedded objects (a meeting's agenda items and files, a paper's
consultations and files, a person's memberships) are those the caller may see; links point only to
objects the caller may see. What anonymous callers could not see carries `"gremalda:public": false`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.kinds import Kind
from sync.server import audience as aud
from sync.server import file_versions
from sync.server.models import AgendaItem, Consultation, FeedObject, File, Meeting, Membership
from sync.server.oparl.access import VENDOR, OParlCaller
from sync.server.oparl.urls import TYPE_NAME, Urls, oparl_type

ORGANIZATION_TYPE = {  # our kind -> (organizationType, classification)
    "parliament": ("Gremium", "Parlament"),
    "committee": ("Gremium", "Ausschuss"),
    "faction": ("Fraktion", "Fraktion"),
    "other": ("Sonstiges", ""),
}


@dataclass(frozen=True)
class Obj:
    kind: Kind
    id: int
    data: dict[str, Any]
    audience: frozenset[str]
    modified: datetime


def load(session: Session, kind: Kind, ids: Iterable[int]) -> dict[int, Obj]:
    """The live feed state of these objects (tombstones and unknown ids left out)."""
    wanted = sorted(set(ids))
    out: dict[int, Obj] = {}
    for i in range(0, len(wanted), 500):
        rows = session.execute(
            select(FeedObject.obj_id, FeedObject.payload, FeedObject.audience, FeedObject.modified).where(
                FeedObject.kind == int(kind),
                FeedObject.obj_id.in_(wanted[i : i + 500]),
                FeedObject.payload.is_not(None),
            )
        )
        for obj_id, payload, audience, modified in rows:
            out[int(obj_id)] = Obj(
                kind, int(obj_id), json.loads(str(payload)), aud.decode(audience), modified
            )
    return out


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    """Sets optional fields only when they carry something (no "" or empty lists)."""
    if value is not None and value != "" and value != []:
        out[key] = value


class Renderer:
    def __init__(self, session: Session, who: OParlCaller, urls: Urls, omit_internal: bool = False) -> None:
        self.session, self.who, self.urls = session, who, urls
        self.omit_internal = omit_internal  # leave out embedded objects (the lists' `omit_internal`)
        self._cache: dict[tuple[str, int], list[Obj]] = {}  # (what, parent id) -> visible children

    # -- lookups ---------------------------------------------------------------------------------

    def visible(self, kind: Kind, ids: Iterable[int]) -> list[Obj]:
        """The objects among `ids` the caller may see, in id order."""
        found = load(self.session, kind, ids)
        return [o for _, o in sorted(found.items()) if self.who.sees(o.audience)]

    def _files(self, column: str, value: int) -> list[Obj]:
        """The caller's visible files of one owner, current versions only (not superseded)."""
        if (column, value) not in self._cache:
            self._prefetch_files(column, [value])
        return self._cache[(column, value)]

    def _prefetch_files(self, column: str, owners: list[int]) -> None:
        owner = getattr(File, column)
        rows = self.session.execute(
            select(File.id, owner).where(owner.in_(owners), File.document_id.is_(None))
        ).all()
        ids = [int(r[0]) for r in rows]
        superseded = file_versions.superseded(self.session, ids)  # a cycle's newest stays current
        found = {f.id: f for f in self.visible(Kind.FILE, ids) if f.id not in superseded}
        for o in owners:
            self._cache[(column, o)] = []
        for file_id, owner_id in sorted(rows):
            if file_id in found:
                self._cache[(column, int(owner_id))].append(found[file_id])

    def _item_consultations(self, item_id: int) -> list[Obj]:
        if ("consultations", item_id) not in self._cache:
            self._prefetch_items([item_id])
        return self._cache[("consultations", item_id)]

    def _prefetch_items(self, item_ids: list[int]) -> None:
        """The consultations and files of many agenda items in a few queries (a meeting's agenda)."""
        rows = self.session.execute(
            select(Consultation.id, Consultation.agenda_item_id).where(
                Consultation.agenda_item_id.in_(item_ids)
            )
        ).all()
        found = {c.id: c for c in self.visible(Kind.CONSULTATION, [int(r[0]) for r in rows])}
        for i in item_ids:
            self._cache[("consultations", i)] = []
        for consultation_id, item_id in sorted(rows):
            if consultation_id in found:
                self._cache[("consultations", int(item_id))].append(found[consultation_id])
        self._prefetch_files("agenda_item_id", item_ids)

    # -- common ----------------------------------------------------------------------------------

    def _head(self, obj: Obj) -> dict[str, Any]:
        return {"id": self.urls.obj(obj.kind, obj.id), "type": oparl_type(TYPE_NAME[obj.kind])}

    def _tail(self, obj: Obj, out: dict[str, Any]) -> dict[str, Any]:
        out["created"] = obj.data["created"]
        out["modified"] = obj.modified.isoformat()
        if not self.who.is_public(obj.audience):
            out[f"{VENDOR}:public"] = False
        return out

    def render(self, obj: Obj, embedded: bool = False) -> dict[str, Any]:
        method = {
            Kind.BODY: self.body,
            Kind.ORGANIZATION: self.organization,
            Kind.PERSON: self.person,
            Kind.MEMBERSHIP: self.membership,
            Kind.MEETING: self.meeting,
            Kind.AGENDA_ITEM: self.agenda_item,
            Kind.PAPER: self.paper,
            Kind.CONSULTATION: self.consultation,
            Kind.FILE: self.file,
        }[obj.kind]
        return method(obj, embedded)

    def tombstone(
        self, kind: Kind, obj_id: int, modified: datetime, last: dict[str, Any] | None
    ) -> dict[str, Any]:
        """A deleted object (or one gone from the caller's sight): id, type, created, modified, deleted.

        `last` is its last state where we still have it (the feed keeps no state of deleted objects,
        so their `created` is lost). What the schemas require stays too: an agenda item's `order` (the
        last known one, else 0), a file's `accessUrl` (which answers 404 now)."""
        out: dict[str, Any] = {"id": self.urls.obj(kind, obj_id), "type": oparl_type(TYPE_NAME[kind])}
        if last is not None:
            out["created"] = last["created"]
        if kind == Kind.AGENDA_ITEM:
            out["order"] = int(last["order"]) if last is not None else 0
        if kind == Kind.FILE:
            out["accessUrl"] = self.urls.file_access(obj_id)
        out["modified"] = modified.isoformat()
        out["deleted"] = True
        return out

    # -- the object types ------------------------------------------------------------------------

    def body(self, obj: Obj, embedded: bool = False) -> dict[str, Any]:
        d, u = obj.data, self.urls
        out = self._head(obj)
        out["system"] = u.system()
        out["name"] = d["name"]
        _put(out, "shortName", d["short_name"])
        if str(d["website"]).startswith(("http://", "https://")):
            out["website"] = d["website"]
        for key, kind in (
            ("organization", Kind.ORGANIZATION),
            ("person", Kind.PERSON),
            ("meeting", Kind.MEETING),
            ("paper", Kind.PAPER),
            ("agendaItem", Kind.AGENDA_ITEM),
            ("consultation", Kind.CONSULTATION),
            ("file", Kind.FILE),
            ("membership", Kind.MEMBERSHIP),
        ):
            out[key] = u.body_list(obj.id, kind)
        out["legislativeTerm"] = []  # we keep no legislative terms
        out[f"{VENDOR}:noticeDays"] = d["notice_days"]
        return self._tail(obj, out)

    def organization(self, obj: Obj, embedded: bool = False) -> dict[str, Any]:
        d = obj.data
        out = self._head(obj)
        out["body"] = self.urls.obj(Kind.BODY, d["body_id"])
        out["name"] = d["name"]
        _put(out, "shortName", d["short_name"])
        org_type, classification = ORGANIZATION_TYPE.get(d["kind"], ("Sonstiges", ""))
        out["organizationType"] = org_type
        _put(out, "classification", classification)
        _put(out, "startDate", d["start_date"])
        _put(out, "endDate", d["end_date"])
        member_ids = self.session.scalars(select(Membership.id).where(Membership.organization_id == obj.id))
        _put(
            out,
            "membership",
            [self.urls.obj(Kind.MEMBERSHIP, m.id) for m in self.visible(Kind.MEMBERSHIP, member_ids)],
        )
        return self._tail(obj, out)

    def person(self, obj: Obj, embedded: bool = False) -> dict[str, Any]:
        d = obj.data
        out = self._head(obj)
        out["body"] = self.urls.obj(Kind.BODY, d["body_id"])
        out["name"] = d["name"]
        _put(out, "familyName", d["family_name"])
        _put(out, "givenName", d["given_name"])
        _put(out, "formOfAddress", d["form_of_address"])
        if d["title"]:
            out["title"] = [d["title"]]
        if self.omit_internal:
            return self._tail(obj, out)
        member_ids = self.session.scalars(select(Membership.id).where(Membership.person_id == obj.id))
        _put(
            out,
            "membership",
            [self.membership(m, embedded=True) for m in self.visible(Kind.MEMBERSHIP, member_ids)],
        )
        return self._tail(obj, out)

    def membership(self, obj: Obj, embedded: bool = False) -> dict[str, Any]:
        d = obj.data
        out = self._head(obj)
        if not embedded:
            out["person"] = self.urls.obj(Kind.PERSON, d["person_id"])
        out["organization"] = self.urls.obj(Kind.ORGANIZATION, d["organization_id"])
        _put(out, "role", d["role"])
        out["votingRight"] = bool(d["voting_right"])
        _put(out, "startDate", d["start_date"])
        _put(out, "endDate", d["end_date"])
        out[f"{VENDOR}:deputy"] = bool(d["deputy"])
        return self._tail(obj, out)

    def meeting(self, obj: Obj, embedded: bool = False) -> dict[str, Any]:
        d = obj.data
        out = self._head(obj)
        out["name"] = d["name"]
        files = self._files("meeting_id", obj.id)
        invitation = [f for f in files if f.data["role"] == "invitation"]
        minutes = [f for f in files if f.data["role"] == "minutes"]
        state = d["state"]
        out["meetingState"] = "Entwurf" if state == "draft" else "durchgeführt" if minutes else "eingeladen"
        out["cancelled"] = state == "cancelled"
        out[f"{VENDOR}:state"] = state
        out["start"] = d["start"]
        _put(out, "end", d["end"])
        out["organization"] = [self.urls.obj(Kind.ORGANIZATION, d["organization_id"])]
        if self.omit_internal:
            return self._tail(obj, out)
        if d["location"]:
            out["location"] = self.location(obj, embedded=True)
        if invitation:
            out["invitation"] = self.file(invitation[0], embedded=True)
        if minutes:
            out["resultsProtocol"] = self.file(minutes[0], embedded=True)
        rest = [f for f in files if f not in invitation[:1] + minutes[:1]]
        _put(out, "auxiliaryFile", [self.file(f, embedded=True) for f in rest])
        item_ids = self.session.scalars(select(AgendaItem.id).where(AgendaItem.meeting_id == obj.id))
        items = sorted(self.visible(Kind.AGENDA_ITEM, item_ids), key=lambda i: (i.data["order"], i.id))
        self._prefetch_items([i.id for i in items])
        out["agendaItem"] = [self.agenda_item(i, embedded=True) for i in items]
        return self._tail(obj, out)

    def location(self, meeting: Obj, embedded: bool = False) -> dict[str, Any]:
        """The place of a meeting (we keep it as text on the meeting, so it lives under the meeting)."""
        out: dict[str, Any] = {
            "id": self.urls.location(meeting.id),
            "type": oparl_type("Location"),
            "description": meeting.data["location"],
        }
        if not embedded:
            out["meetings"] = [self.urls.obj(Kind.MEETING, meeting.id)]
        return self._tail(meeting, out)

    def agenda_item(self, obj: Obj, embedded: bool = False) -> dict[str, Any]:
        d = obj.data
        out = self._head(obj)
        if not embedded:
            out["meeting"] = self.urls.obj(Kind.MEETING, d["meeting_id"])
        _put(out, "number", d["number"])
        out["order"] = int(d["order"])
        out["name"] = d["name"]
        out["public"] = bool(d["public"])
        consultations = self._item_consultations(obj.id)
        if consultations:  # OParl has one consultation per item; more are named in the vendor field
            out["consultation"] = self.urls.obj(Kind.CONSULTATION, consultations[0].id)
        if len(consultations) > 1:
            out[f"{VENDOR}:consultations"] = [self.urls.obj(Kind.CONSULTATION, c.id) for c in consultations]
        _put(out, "result", d["result"])
        if not self.omit_internal:
            files = self._files("agenda_item_id", obj.id)
            _put(out, "auxiliaryFile", [self.file(f, embedded=True) for f in files])
        return self._tail(obj, out)

    def paper(self, obj: Obj, embedded: bool = False) -> dict[str, Any]:
        d = obj.data
        out = self._head(obj)
        out["body"] = self.urls.obj(Kind.BODY, d["body_id"])
        out["name"] = d["name"]
        _put(out, "reference", d["reference"])
        _put(out, "date", d["date"])
        _put(out, "paperType", d["paper_type"])
        if self.omit_internal:
            return self._tail(obj, out)
        files = self._files("paper_id", obj.id)
        main = [f for f in files if f.data["role"] == "main"][:1]
        if main:
            out["mainFile"] = self.file(main[0], embedded=True)
        _put(out, "auxiliaryFile", [self.file(f, embedded=True) for f in files if f not in main])
        consultation_ids = self.session.scalars(
            select(Consultation.id).where(Consultation.paper_id == obj.id)
        )
        _put(
            out,
            "consultation",
            [self.consultation(c, embedded=True) for c in self.visible(Kind.CONSULTATION, consultation_ids)],
        )
        return self._tail(obj, out)

    def consultation(self, obj: Obj, embedded: bool = False) -> dict[str, Any]:
        d = obj.data
        out = self._head(obj)
        if not embedded and self.visible(Kind.PAPER, [d["paper_id"]]):
            out["paper"] = self.urls.obj(Kind.PAPER, d["paper_id"])
        out["agendaItem"] = self.urls.obj(Kind.AGENDA_ITEM, d["agenda_item_id"])
        row = self.session.execute(
            select(Meeting.id, Meeting.organization_id)
            .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
            .where(AgendaItem.id == d["agenda_item_id"])
        ).first()
        if row is not None:
            out["meeting"] = self.urls.obj(Kind.MEETING, row.id)
            out["organization"] = [self.urls.obj(Kind.ORGANIZATION, row.organization_id)]
        out["authoritative"] = bool(d["authoritative"])
        _put(out, "role", d["role"])
        return self._tail(obj, out)

    def file(self, obj: Obj, embedded: bool = False) -> dict[str, Any]:
        d = obj.data
        out = self._head(obj)
        out["name"] = d["name"]
        out["fileName"] = d["file_name"]
        out["mimeType"] = d["mime_type"]
        out["size"] = int(d["size"])
        out["date"] = str(d["created"])[:10]
        out["accessUrl"] = self.urls.file_access(obj.id)
        out["downloadUrl"] = self.urls.file_download(obj.id)
        if not embedded:
            for key, column, kind in (
                ("meeting", "meeting_id", Kind.MEETING),
                ("agendaItem", "agenda_item_id", Kind.AGENDA_ITEM),
                ("paper", "paper_id", Kind.PAPER),
            ):
                if d[column] is not None:
                    out[key] = [self.urls.obj(kind, d[column])]
        out[f"{VENDOR}:sha256"] = d["sha256"]
        out[f"{VENDOR}:role"] = d["role"]
        if d["supersedes_id"] is not None:
            out[f"{VENDOR}:supersedes"] = self.urls.obj(Kind.FILE, d["supersedes_id"])
        _put(out, f"{VENDOR}:changeNote", d["change_note"])
        return self._tail(obj, out)
