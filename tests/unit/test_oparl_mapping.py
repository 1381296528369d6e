"""From repaired OParl objects to the replica's records (sync.oparl.mapping)."""

from __future__ import annotations

from typing import Any

import pytest

from sync.oparl.mapping import Entity, Mapper, file_tag, location_text
from sync.oparl.normalise import Normaliser
from sync.oparl.repairs import RepairLog

B = "https://ris.example.de/oparl/body/1/"


def _entity(raw: dict[str, Any], hint: str = "Meeting") -> tuple[Entity, RepairLog]:
    log = RepairLog()
    obj = Normaliser(log).object(raw, hint)
    assert obj is not None
    entity = Mapper(7, log).entity(obj, B.rstrip("/"))
    assert entity is not None
    return entity, log


def _file(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{B}file/{n}",
        "type": "https://schema.oparl.org/1.0/File",
        "name": f"Datei {n}",
        "mimeType": "application/pdf",
        "accessUrl": f"{B}files/{n}/datei-{n}.pdf",
        **extra,
    }


def _meeting(items: list[Any], **extra: Any) -> dict[str, Any]:
    return {
        "id": B + "meeting/1",
        "type": "https://schema.oparl.org/1.0/Meeting",
        "name": "Gemeinderat (25. Sitzung)",
        "start": "2017-02-16T18:00:00+01:00",
        "organization": [B + "organization/1-8"],
        "location": {
            "id": B + "location/2-1",
            "type": "Location",
            "room": "Großer Saal",
            "streetAddress": "August-Scholl-Str. 5",
            "postalCode": "52393\u00a0",
            "locality": "Hürtgenwald",
        },
        "invitation": _file(1),
        "resultsProtocol": _file(2),
        "agendaItem": items,
        "modified": "2017-03-01T10:00:00+01:00",
        **extra,
    }


def _item(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"{B}agendaitem/{n}",
        "type": "AgendaItem",
        "number": f"{n}.",
        "name": f"Punkt {n}",
        **extra,
    }


def test_a_meeting_brings_its_agenda_and_files() -> None:
    entity, _ = _entity(
        _meeting(
            [_item(1, resolutionFile=_file(3), consultation=B + "consultation/9"), _item(2, public=False)]
        )
    )
    records = {(r.kind, r.id): r.data for r in entity.records}
    meeting = records["meeting", B + "meeting/1"]
    assert meeting["organization_id"] == B + "organization/1-8" and meeting["body_id"] == B.rstrip("/")
    assert meeting["location"] == "Großer Saal, August-Scholl-Str. 5, 52393 Hürtgenwald"
    assert meeting["state"] == "published" and meeting["source"] == "oparl" and meeting["source_id"] == 7
    assert meeting["oparl"]["agendaItem"] == [B + "agendaitem/1", B + "agendaitem/2"]  # ids, not copies
    assert meeting["oparl"]["invitation"] == B + "file/1"
    first, second = records["agenda_item", B + "agendaitem/1"], records["agenda_item", B + "agendaitem/2"]
    assert (first["meeting_id"], first["order"], first["number"]) == (B + "meeting/1", 0, "1.")
    assert first["consultation_id"] == B + "consultation/9" and "public" not in first
    assert second["order"] == 1 and second["public"] is False
    roles = {
        r.id.rsplit("/", 1)[1]: (r.data["role"], r.data.get("meeting_id"), r.data.get("agenda_item_id"))
        for r in entity.records
        if r.kind == "file"
    }
    assert roles == {
        "1": ("invitation", B + "meeting/1", None),
        "2": ("minutes", B + "meeting/1", None),
        "3": ("resolution", None, B + "agendaitem/1"),
    }
    assert entity.org_refs == [B + "organization/1-8"]
    assert entity.refs == [] and entity.keeps == []


@pytest.mark.parametrize(
    ("orders", "expected", "noted"),
    [
        ([None, None, None], [0, 1, 2], None),  # OParl 1.0: the array's order
        ([0, 1, 2], [0, 1, 2], None),
        ([1, 2, 3], [0, 1, 2], "agenda-order-renumbered"),  # 1-based
        ([10, 20, 30], [0, 1, 2], "agenda-order-renumbered"),  # gaps
        ([3, 1, 2], [2, 0, 1], "agenda-order"),  # the array out of order: order wins
        ([1, 1, 2], [0, 1, 2], "agenda-order"),  # repeated: the array's order
        ([1, None, 2], [0, 1, 2], "agenda-order"),  # partial: the array's order
    ],
)
def test_agenda_order(orders: list[int | None], expected: list[int], noted: str | None) -> None:
    items = [_item(n + 1, **({"order": o} if o is not None else {})) for n, o in enumerate(orders)]
    entity, log = _entity(_meeting(items))
    got = [r.data["order"] for r in entity.records if r.kind == "agenda_item"]
    assert got == expected
    assert {i.code for i in log.incidents()} - {"file-name"} == ({noted} if noted else set())


def test_sub_objects_named_by_url_are_fetched_later_and_kept() -> None:
    entity, _ = _entity(_meeting([B + "agendaitem/5", _item(6)], invitation=B + "file/1"))
    refs = {(r.kind, r.url): r.context for r in entity.refs}
    assert refs["AgendaItem", B + "agendaitem/5"]["order"] == 0
    assert refs["File", B + "file/1"]["role"] == "invitation"
    assert set(entity.keeps) == {("agenda_item", B + "agendaitem/5"), ("file", B + "file/1")}


def test_a_paper_brings_consultations_and_files() -> None:
    entity, _ = _entity(
        {
            "id": B + "paper/1",
            "type": "Paper",
            "name": "Forstwirtschaftsplan 2009",
            "reference": "5/2009",
            "paperType": "Beschlussvorlage",
            "mainFile": _file(10),
            "auxiliaryFile": [_file(11)],
            "consultation": [
                {
                    "id": B + "consultation/1",
                    "type": "Consultation",
                    "agendaItem": B + "agendaitem/4182",
                    "meeting": B + "meeting/434",
                    "organization": [B + "organization/1-2"],
                }
            ],
        },
        "Paper",
    )
    records = {(r.kind, r.id): r.data for r in entity.records}
    assert records["paper", B + "paper/1"]["paper_type"] == "Beschlussvorlage"
    consultation = records["consultation", B + "consultation/1"]
    assert (consultation["paper_id"], consultation["agenda_item_id"]) == (
        B + "paper/1",
        B + "agendaitem/4182",
    )
    assert (
        records["file", B + "file/10"]["role"] == "main"
        and records["file", B + "file/11"]["role"] == "auxiliary"
    )
    assert records["file", B + "file/10"]["paper_id"] == B + "paper/1"


def test_a_person_brings_memberships() -> None:
    entity, _ = _entity(
        {
            "id": B + "person/277",
            "type": "Person",
            "name": "Frau Helma Grewe",
            "familyName": "Grewe",
            "membership": [
                {
                    "id": B + "membership/1",
                    "type": "Membership",
                    "organization": B + "organization/2-5",
                    "role": "Mitglied",
                    "votingRight": True,
                    "startDate": "2020-11-01",
                }
            ],
        },
        "Person",
    )
    membership = next(r.data for r in entity.records if r.kind == "membership")
    assert membership["person_id"] == B + "person/277" and membership["voting_right"] is True


def test_a_tombstone_is_an_entity_without_records() -> None:
    entity, _ = _entity({"id": B + "meeting/9", "deleted": True, "modified": "2018-03-08T19:10:48+01:00"})
    assert entity.deleted and entity.records == [] and entity.kind == "meeting"


def test_systems_and_locations_are_not_records() -> None:
    log = RepairLog()
    system = Normaliser(log).object({"id": "https://x/system", "type": "System"}, None)
    assert system is not None and Mapper(1, log).entity(system, None) is None
    assert log.count("unknown-type") == 1


def test_the_file_tag_ignores_the_parents_modified() -> None:
    a, _ = _entity(_meeting([]))
    b, _ = _entity(_meeting([], modified="2020-01-01T00:00:00+01:00"))
    tags = [{r.id: file_tag(r.data) for r in e.records if r.kind == "file"} for e in (a, b)]
    assert tags[0] == tags[1]
    c, _ = _entity(_meeting([], invitation=_file(1, size=1234)))
    assert file_tag(next(r.data for r in c.records if r.id == B + "file/1")) != tags[0][B + "file/1"]


def test_location_text() -> None:
    assert location_text({"description": "  Rathaus,\n Saal 1 "}) == "Rathaus, Saal 1"
    assert location_text({"locality": "Hürtgenwald"}) == "Hürtgenwald"
    assert location_text(B + "location/1") == ""
