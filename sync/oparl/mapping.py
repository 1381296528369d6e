"""From repaired OParl objects to the replica's records (our wire types, children pointing to parents).

A top-level object of a list (body, organization, person, meeting, paper) becomes an :class:`Entity`:
its own record plus one record per embedded object (a person's memberships; a meeting's agenda items
and files; a paper's consultations and files), all *owned* by it. When the object changes, the
replica replaces everything it owns (an agenda item that is no longer embedded is gone: the spec lets
servers drop sub-objects without a tombstone). Records carry the fields the library reads
(``meeting.organization_id``, ``agenda_item.meeting_id/number/order/public``,
``file.meeting_id/paper_id/agenda_item_id``, ``name``, ``mime_type``, ``size``, ...), the source
(``source: "oparl"``, ``source_id``) and the repaired OParl object under ``oparl`` (embedded objects
replaced by their ids).

Where a server names a sub-object by URL instead of embedding it, the entity lists a
:class:`ChildRef` (fetched later, owned by the same entity) and keeps what was fetched before.

Agenda order: the spec orders agenda items by their place in ``Meeting.agendaItem`` (``number`` is no
sort key). When every item has a distinct integer ``order`` (OParl 1.1), that order is followed; either
way ``order`` is written 0, 1, 2, ... (1-based orders, gaps, repeated or partial orders are noted).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sync.oparl.normalise import EMBEDDED, Normaliser
from sync.oparl.repairs import RepairLog

Data = dict[str, Any]

#: OParl type -> our wire type (what the replica keeps; the rest is ignored)
WIRE = {
    "Body": "body",
    "Organization": "organization",
    "Person": "person",
    "Membership": "membership",
    "Meeting": "meeting",
    "AgendaItem": "agenda_item",
    "Paper": "paper",
    "Consultation": "consultation",
    "File": "file",
}
#: the body's lists the importer walks, with the type of their entries
BODY_LISTS = (
    ("organization", "Organization"),
    ("person", "Person"),
    ("meeting", "Meeting"),
    ("paper", "Paper"),
)
#: file roles by the field that holds the file
_MEETING_FILES = (
    ("invitation", "invitation"),
    ("resultsProtocol", "minutes"),
    ("verbatimProtocol", "minutes"),
    ("auxiliaryFile", "auxiliary"),
)
_ITEM_FILES = (("resolutionFile", "resolution"), ("auxiliaryFile", "auxiliary"))
_PAPER_FILES = (("mainFile", "main"), ("auxiliaryFile", "auxiliary"))


@dataclass(slots=True)
class Record:
    """One object for the replica's ``object`` table."""

    kind: str  # wire type
    id: str
    data: Data
    modified: str


@dataclass(slots=True)
class ChildRef:
    """A sub-object named by URL where an embedded one belongs: fetched later, owned by ``owner``."""

    owner: str
    kind: str  # the OParl type expected there
    url: str
    context: Data  # what the parent tells about it (meeting_id, role, order, ...)


@dataclass(slots=True)
class Entity:
    """A top-level object with everything it owns (or a tombstone: ``deleted``)."""

    owner: str
    kind: str  # wire type
    modified: str
    deleted: bool = False
    records: list[Record] = field(default_factory=list)
    keeps: list[tuple[str, str]] = field(default_factory=list)  # (wire type, id) of URL-named children
    refs: list[ChildRef] = field(default_factory=list)
    org_refs: list[str] = field(default_factory=list)  # organizations the object names


def file_tag(data: Data) -> str:
    """What identifies the content a file record wants (OParl has no checksums): a change of the file's
    ``modified``, its URL or its announced size means other bytes."""
    original = data.get("oparl")
    modified = original.get("modified") if isinstance(original, dict) else None  # the file's own
    parts = (modified, data.get("download_url"), data.get("access_url"), data.get("oparl_size"))
    return "|".join(str(part or "") for part in parts)


def location_text(location: Any) -> str:
    """A meeting's place in one line: the location's description, else room, street, town."""
    if not isinstance(location, dict):
        return ""
    description = location.get("description")
    if isinstance(description, str) and description.strip():
        return " ".join(description.split())
    town = " ".join(
        " ".join(p.split())
        for p in (location.get("postalCode"), location.get("locality"))
        if isinstance(p, str)
    )
    parts = [location.get("room"), location.get("streetAddress"), town]
    return ", ".join(" ".join(p.split()) for p in parts if isinstance(p, str) and p.strip())


def _each(value: Any) -> Iterator[Any]:
    if isinstance(value, list):
        yield from value
    elif value is not None:
        yield value


def _ref(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _refs(value: Any) -> list[str]:
    return [r for v in _each(value) if (r := _ref(v)) is not None]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _original(obj: Data) -> Data:
    """The OParl object with its embedded sub-objects (other than locations) replaced by their ids."""
    embedded = EMBEDDED.get(obj["type"], {})
    out: Data = {}
    for key, value in obj.items():
        child = embedded.get(key)
        if child is None or child == "Location":
            out[key] = value
        elif isinstance(value, list):
            out[key] = [v.get("id") if isinstance(v, dict) else v for v in value]
        elif isinstance(value, dict):
            out[key] = value.get("id")
        else:
            out[key] = value
    return out


class Mapper:
    """Maps repaired objects of one source to entities and records."""

    def __init__(self, source_id: int, log: RepairLog) -> None:
        self.source_id = source_id
        self.log = log
        self.normaliser = Normaliser(log)

    # ------------------------------------------------------------------------------- entry points

    def entity(self, obj: Data, body_id: str | None) -> Entity | None:
        """The entity of a repaired top-level object (None for a type the replica does not keep)."""
        kind = WIRE.get(obj["type"])
        if kind is None:
            self.log.skipped("unknown-type", f"{obj['id']} ({obj['type']})")
            return None
        modified = _text(obj.get("modified"))
        entity = Entity(obj["id"], kind, modified)
        if obj.get("deleted"):
            entity.deleted = True
            return entity
        body_id = _ref(obj.get("body")) or body_id
        if kind == "body":
            self._body(obj, entity)
        elif kind == "organization":
            self._add(entity, self._organization(obj, body_id))
        elif kind == "person":
            self._person(obj, entity, body_id)
        elif kind == "meeting":
            self._meeting(obj, entity, body_id)
        elif kind == "paper":
            self._paper(obj, entity, body_id)
        else:  # a sub-object served as a top-level object (OParl 1.1 body-wide lists)
            self.child(obj, ChildRef(obj["id"], obj["type"], obj["id"], {}), entity, body_id)
        return entity

    def child(self, obj: Data, ref: ChildRef, entity: Entity, body_id: str | None) -> None:
        """Add the records of a sub-object fetched for ``ref`` (repaired) to ``entity``."""
        kind = obj["type"]
        context = ref.context
        modified = _text(obj.get("modified")) or _text(context.get("modified"))
        if kind == "File":
            self._file_record(obj, dict(context), body_id, modified, entity)
        elif kind == "AgendaItem":
            meeting_id = _ref(obj.get("meeting")) or context.get("meeting_id")
            order = context.get("order")
            self._agenda_item(
                obj, meeting_id, order if isinstance(order, int) else None, body_id, modified, entity
            )
        elif kind == "Consultation":
            self._add(
                entity, self._consultation(obj, _ref(obj.get("paper")) or context.get("paper_id"), modified)
            )
        elif kind == "Membership":
            self._add(
                entity, self._membership(obj, _ref(obj.get("person")) or context.get("person_id"), modified)
            )
        else:
            self.log.skipped("unknown-type", f"{obj['id']} ({kind})")

    # ------------------------------------------------------------------------------------ helpers

    @staticmethod
    def _add(entity: Entity, record: Record) -> None:
        entity.records.append(record)

    def _base(self, obj: Data, kind: str, modified: str) -> Data:
        """The fields every record has. ``modified`` (the object's own, else its parent's) goes to the
        record's column; the data holds the object's own only, so that an embedded object stays
        unchanged when only its parent changed."""
        data: Data = {"type": kind, "id": obj["id"], "source": "oparl", "source_id": self.source_id}
        for key in ("created", "modified", "web"):
            if isinstance(obj.get(key), str):
                data[key] = obj[key]
        return data

    @staticmethod
    def _finish(data: Data, obj: Data) -> Data:
        data["oparl"] = _original(obj)
        return {k: v for k, v in data.items() if v is not None}

    def _sub(self, entity: Entity, value: Any, hint: str) -> Iterator[Data | str]:
        """The embedded objects (repaired) and URLs of a field."""
        for item in _each(value):
            if isinstance(item, str):
                yield item
            elif isinstance(item, dict):
                if "type" not in item:  # embedded objects come repaired; be safe
                    fixed = self.normaliser.object(item, hint, entity.owner)
                    if fixed is not None:
                        yield fixed
                else:
                    yield item

    def _file_or_ref(
        self, entity: Entity, value: Any, context: Data, body_id: str | None, modified: str
    ) -> None:
        for item in self._sub(entity, value, "File"):
            if isinstance(item, str):
                entity.refs.append(ChildRef(entity.owner, "File", item, {**context, "modified": modified}))
                entity.keeps.append(("file", item))
            else:
                self._file_record(item, dict(context), body_id, modified, entity)

    # -------------------------------------------------------------------------------------- types

    def _body(self, obj: Data, entity: Entity) -> None:
        data = self._base(obj, "body", entity.modified)
        data.update(
            name=_text(obj.get("name")),
            short_name=obj.get("shortName"),
            website=obj.get("website"),
            system=_ref(obj.get("system")),
        )
        entity.records.append(Record("body", obj["id"], self._finish(data, obj), entity.modified))

    def _organization(self, obj: Data, body_id: str | None) -> Record:
        modified = _text(obj.get("modified"))
        data = self._base(obj, "organization", modified)
        data.update(
            body_id=body_id,
            name=_text(obj.get("name")),
            short_name=obj.get("shortName"),
            kind=obj.get("organizationType") or obj.get("classification"),
            classification=obj.get("classification"),
            start_date=obj.get("startDate"),
            end_date=obj.get("endDate"),
            website=obj.get("website"),
        )
        return Record("organization", obj["id"], self._finish(data, obj), modified)

    def _person(self, obj: Data, entity: Entity, body_id: str | None) -> None:
        pid = obj["id"]
        data = self._base(obj, "person", entity.modified)
        title = obj.get("title")
        data.update(
            body_id=body_id,
            name=_text(obj.get("name")),
            given_name=obj.get("givenName"),
            family_name=obj.get("familyName"),
            form_of_address=obj.get("formOfAddress"),
            title=" ".join(t for t in title if isinstance(t, str)) if isinstance(title, list) else title,
            gender=obj.get("gender"),
        )
        entity.records.append(Record("person", pid, self._finish(data, obj), entity.modified))
        for item in self._sub(entity, obj.get("membership"), "Membership"):
            if isinstance(item, str):
                context = {"person_id": pid, "modified": entity.modified}
                entity.refs.append(ChildRef(pid, "Membership", item, context))
                entity.keeps.append(("membership", item))
            else:
                entity.records.append(
                    self._membership(item, _ref(item.get("person")) or pid, entity.modified)
                )

    def _membership(self, obj: Data, person_id: str | None, modified: str) -> Record:
        modified = _text(obj.get("modified")) or modified
        data = self._base(obj, "membership", modified)
        data.update(
            person_id=person_id,
            organization_id=_ref(obj.get("organization")),
            role=obj.get("role"),
            voting_right=obj.get("votingRight") if isinstance(obj.get("votingRight"), bool) else None,
            start_date=obj.get("startDate"),
            end_date=obj.get("endDate"),
            on_behalf_of=_ref(obj.get("onBehalfOf")),
        )
        return Record("membership", obj["id"], self._finish(data, obj), modified)

    def _meeting(self, obj: Data, entity: Entity, body_id: str | None) -> None:
        mid = obj["id"]
        modified = entity.modified
        organizations = _refs(obj.get("organization"))
        entity.org_refs.extend(organizations)
        data = self._base(obj, "meeting", modified)
        data.update(
            body_id=body_id,
            organization_id=organizations[0] if organizations else None,
            organization_ids=organizations,
            name=_text(obj.get("name")),
            state="cancelled" if obj.get("cancelled") is True else "published",
            meeting_state=obj.get("meetingState"),
            start=obj.get("start"),
            end=obj.get("end"),
            location=location_text(obj.get("location")),
        )
        entity.records.append(Record("meeting", mid, self._finish(data, obj), modified))
        for key, role in _MEETING_FILES:
            self._file_or_ref(entity, obj.get(key), {"meeting_id": mid, "role": role}, body_id, modified)
        items = list(self._sub(entity, obj.get("agendaItem"), "AgendaItem"))
        for item, order in zip(items, self._agenda_orders(items, mid), strict=True):
            if isinstance(item, str):
                context = {"meeting_id": mid, "order": order, "modified": modified}
                entity.refs.append(ChildRef(mid, "AgendaItem", item, context))
                entity.keeps.append(("agenda_item", item))
            else:
                self._agenda_item(item, _ref(item.get("meeting")) or mid, order, body_id, modified, entity)

    def _agenda_orders(self, items: list[Data | str], meeting_id: str) -> list[int]:
        """0, 1, 2, ... in the order the server means (see the module docstring)."""
        given = [
            item.get("order")
            if isinstance(item, dict)
            and isinstance(item.get("order"), int)
            and not isinstance(item.get("order"), bool)
            else None
            for item in items
        ]
        present = [o for o in given if o is not None]
        if not present:
            return list(range(len(items)))
        if len(present) == len(items) and len(set(present)) == len(items):
            ranked = sorted(range(len(items)), key=lambda i: given[i] or 0)
            orders = [0] * len(items)
            for rank, index in enumerate(ranked):
                orders[index] = rank
            if ranked != list(range(len(items))):
                self.log.repaired("agenda-order", meeting_id)  # the array is out of order
            elif given != list(range(len(items))):
                self.log.repaired("agenda-order-renumbered", meeting_id)
            return orders
        self.log.repaired("agenda-order", meeting_id)
        return list(range(len(items)))

    def _agenda_item(
        self,
        obj: Data,
        meeting_id: str | None,
        order: int | None,
        body_id: str | None,
        modified: str,
        entity: Entity,
    ) -> None:
        iid = obj["id"]
        modified = _text(obj.get("modified")) or modified
        data = self._base(obj, "agenda_item", modified)
        data.update(
            meeting_id=meeting_id,
            number=obj.get("number") if isinstance(obj.get("number"), str) else None,
            order=order,
            name=_text(obj.get("name")),
            public=obj.get("public") if isinstance(obj.get("public"), bool) else None,
            result=obj.get("result"),
            resolution_text=obj.get("resolutionText"),
            consultation_id=_ref(obj.get("consultation")),
            start=obj.get("start"),
            end=obj.get("end"),
        )
        entity.records.append(Record("agenda_item", iid, self._finish(data, obj), modified))
        for key, role in _ITEM_FILES:
            self._file_or_ref(entity, obj.get(key), {"agenda_item_id": iid, "role": role}, body_id, modified)

    def _paper(self, obj: Data, entity: Entity, body_id: str | None) -> None:
        pid = obj["id"]
        modified = entity.modified
        data = self._base(obj, "paper", modified)
        data.update(
            body_id=body_id,
            reference=obj.get("reference"),
            name=_text(obj.get("name")),
            paper_type=obj.get("paperType"),
            date=obj.get("date"),
            public=True,  # OParl publishes public papers only
        )
        entity.records.append(Record("paper", pid, self._finish(data, obj), modified))
        for key, role in _PAPER_FILES:
            self._file_or_ref(entity, obj.get(key), {"paper_id": pid, "role": role}, body_id, modified)
        for item in self._sub(entity, obj.get("consultation"), "Consultation"):
            if isinstance(item, str):
                context = {"paper_id": pid, "modified": modified}
                entity.refs.append(ChildRef(pid, "Consultation", item, context))
                entity.keeps.append(("consultation", item))
            else:
                entity.records.append(self._consultation(item, _ref(item.get("paper")) or pid, modified))

    def _consultation(self, obj: Data, paper_id: str | None, modified: str) -> Record:
        modified = _text(obj.get("modified")) or modified
        data = self._base(obj, "consultation", modified)
        data.update(
            paper_id=paper_id,
            agenda_item_id=_ref(obj.get("agendaItem")),
            meeting_id=_ref(obj.get("meeting")),
            organization_ids=_refs(obj.get("organization")),
            role=obj.get("role"),
            authoritative=obj.get("authoritative") if isinstance(obj.get("authoritative"), bool) else None,
        )
        return Record("consultation", obj["id"], self._finish(data, obj), modified)

    def _file_record(
        self, obj: Data, context: Data, body_id: str | None, modified: str, entity: Entity
    ) -> None:
        fid = obj["id"]
        modified = _text(obj.get("modified")) or modified
        if not any(k in context for k in ("meeting_id", "paper_id", "agenda_item_id")):
            # a file served on its own: its back references say where it belongs
            for key, field_name in (
                ("agendaItem", "agenda_item_id"),
                ("paper", "paper_id"),
                ("meeting", "meeting_id"),
            ):
                refs = _refs(obj.get(key))
                if refs:
                    context[field_name] = refs[0]
                    break
        data = self._base(obj, "file", modified)
        size = obj.get("size")
        data.update(
            body_id=_ref(obj.get("body")) or body_id,
            name=_text(obj.get("name")) or _text(obj.get("fileName")),
            file_name=_text(obj.get("fileName")),
            mime_type=_text(obj.get("mimeType")),
            size=size if isinstance(size, int) and size > 0 else None,
            oparl_size=size if isinstance(size, int) and size > 0 else None,
            role=context.get("role"),
            date=obj.get("date"),
            access_url=_ref(obj.get("accessUrl")),
            download_url=_ref(obj.get("downloadUrl")),
            meeting_id=context.get("meeting_id"),
            paper_id=context.get("paper_id"),
            agenda_item_id=context.get("agenda_item_id"),
        )
        entity.records.append(Record("file", fid, self._finish(data, obj), modified))
