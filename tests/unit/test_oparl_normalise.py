"""Repairing OParl objects as real servers send them (sync.oparl.normalise), on made-up and real data."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from sync.oparl.normalise import Normaliser, fix_datetime, short_type
from sync.oparl.repairs import RepairLog

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "oparl"
BASE = "https://ris.example.de/oparl/"


def _norm(raw: Any, hint: str | None = None) -> tuple[dict[str, Any] | None, RepairLog]:
    log = RepairLog()
    return Normaliser(log).object(raw, hint), log


def _codes(log: RepairLog) -> set[str]:
    return {i.code for i in log.incidents()}


@pytest.mark.parametrize(
    ("written", "fixed", "code"),
    [
        ("2017-02-16T18:00:00+01:00", "2017-02-16T18:00:00+01:00", None),
        ("2017-02-16T18:00:00+01::00", "2017-02-16T18:00:00+01:00", "bad-offset"),
        ("2017-02-16T18:00:00+0100", "2017-02-16T18:00:00+01:00", "bad-offset"),
        ("2017-02-16T18:00:00+1:00", "2017-02-16T18:00:00+01:00", "bad-offset"),
        ("2017-02-16T18:00:00+01", "2017-02-16T18:00:00+01:00", "bad-offset"),
        ("2017-02-16 18:00:00+01:00", "2017-02-16T18:00:00+01:00", None),
        ("2017-02-16T18:00:00Z", "2017-02-16T18:00:00Z", None),
        ("2017-02-16T18:00:00.250+02:00", "2017-02-16T18:00:00.250+02:00", None),
        ("2017-02-16T18:00", "2017-02-16T18:00:00+01:00", "naive-time"),  # winter: CET
        ("2017-07-16T18:00:00", "2017-07-16T18:00:00+02:00", "naive-time"),  # summer: CEST
        ("2017-02-16", "2017-02-16", None),  # a date stays a date
        ("Hauptausschuss", "Hauptausschuss", None),
    ],
)
def test_date_times_are_written_as_rfc3339(written: str, fixed: str, code: str | None) -> None:
    log = RepairLog()
    assert fix_datetime(written, log, "x") == fixed
    assert _codes(log) == ({code} if code else set())
    if "T" in fixed:
        assert datetime.fromisoformat(fixed).tzinfo is not None


def test_an_unreadable_offset_is_dropped_not_guessed() -> None:
    log = RepairLog()
    assert fix_datetime("2017-02-16T18:00:00+99:00", log, "x") is None


def test_types_are_short_names() -> None:
    assert short_type("https://schema.oparl.org/1.0/Meeting") == "Meeting"
    assert short_type("https://schema.oparl.org/1.1/AgendaItem") == "AgendaItem"
    assert short_type("http://oparl.org/schema/1.0/agendaitem/") == "AgendaItem"
    assert short_type("oparl:Paper") == "Paper"
    assert short_type("") is None and short_type(None) is None


def test_absent_values_are_dropped() -> None:
    meeting, log = _norm(
        {
            "id": BASE + "meeting/1",
            "type": "https://schema.oparl.org/1.0/Meeting",
            "name": "Rat",
            "end": "",
            "meetingState": "N/A",
            "cancelled": None,
            "keyword": ["", "Haushalt", "n/a"],
        }
    )
    assert meeting == {"id": BASE + "meeting/1", "type": "Meeting", "name": "Rat", "keyword": ["Haushalt"]}
    assert _codes(log) == {"absent-value"}
    assert log.count("absent-value") == 4


def test_single_values_where_lists_belong_and_the_other_way_round() -> None:
    meeting, log = _norm(
        {
            "id": BASE + "meeting/1",
            "type": "Meeting",
            "organization": BASE + "organization/1",
            "agendaItem": {"id": BASE + "ai/1", "type": "AgendaItem", "name": "Eröffnung"},
            "invitation": [{"id": BASE + "file/1", "type": "File", "name": "Einladung"}],
        }
    )
    assert meeting is not None
    assert meeting["organization"] == [BASE + "organization/1"]
    assert [i["id"] for i in meeting["agendaItem"]] == [BASE + "ai/1"]
    assert meeting["invitation"]["id"] == BASE + "file/1"
    assert _codes(log) == {"object-for-array", "array-for-object"}


def test_a_tombstone_without_type_takes_the_type_of_its_list() -> None:
    stub, log = _norm(
        {
            "id": BASE + "meeting/9",
            "created": "2018-01-02T09:41:05+01:00",
            "modified": "2018-03-08T19:10:48+01::00",
            "deleted": True,
        },
        "Meeting",
    )
    assert stub == {
        "id": BASE + "meeting/9",
        "type": "Meeting",
        "deleted": True,
        "created": "2018-01-02T09:41:05+01:00",
        "modified": "2018-03-08T19:10:48+01:00",
    }
    assert _codes(log) == {"tombstone-no-type", "bad-offset"}


def test_objects_without_id_are_skipped() -> None:
    assert _norm({"type": "Meeting", "name": "x"})[0] is None
    assert _norm("https://not-an-object")[0] is None
    obj, log = _norm({"id": "   ", "type": "Meeting"})
    assert obj is None and _codes(log) == {"object-without-id"}


def test_file_size_mime_type_and_name_are_repaired() -> None:
    file, log = _norm(
        {
            "id": BASE + "file/1",
            "type": "https://schema.oparl.org/1.0/File",
            "name": "Beschlussvorlage",
            "size": 0,
            "mimeType": "pdf",
            "accessUrl": BASE + "files/abc/Beschlussvorlage%2017-2017.pdf",
        }
    )
    assert file is not None
    assert "size" not in file
    assert file["mimeType"] == "application/pdf"
    assert file["fileName"] == "Beschlussvorlage 17-2017.pdf"
    assert _codes(log) == {"file-size", "mime-type", "file-name"}
    other, _ = _norm(
        {"id": BASE + "file/2", "type": "File", "size": "1234", "mimeType": "JPG", "fileName": "a.jpg"}
    )
    assert other is not None and other["size"] == 1234 and other["mimeType"] == "image/jpeg"
    unknown, _ = _norm({"id": BASE + "file/3", "type": "File", "mimeType": "???", "fileName": "x.bin"})
    assert unknown is not None and unknown["mimeType"] == "application/octet-stream"


def test_german_dates_become_iso_dates() -> None:
    paper, log = _norm(
        {"id": BASE + "paper/1", "type": "Paper", "date": "16.02.2017", "reference": "1.2.2017"}
    )
    assert paper is not None and paper["date"] == "2017-02-16" and paper["reference"] == "1.2.2017"
    assert _codes(log) == {"german-date"}


def test_the_input_is_not_changed() -> None:
    raw = {"id": BASE + "meeting/1", "type": "Meeting", "organization": BASE + "o/1", "end": ""}
    before = json.dumps(raw)
    _norm(raw)
    assert json.dumps(raw) == before


def _real_files() -> list[Path]:
    folders = [SHARED / "systems-and-bodies", SHARED / "missing-objects"]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.glob("*.json"))


@pytest.mark.skipif(not _real_files(), reason="shared/data/oparl is not beside the checkout")
@pytest.mark.parametrize("path", _real_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_systems_and_bodies_are_read(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    entries = raw["data"] if isinstance(raw, dict) and isinstance(raw.get("data"), list) else [raw]
    for entry in entries:
        obj, _ = _norm(entry)
        assert obj is not None, entry.get("id")
        assert obj["type"] in {"System", "Body", "Meeting"}
        for key, value in obj.items():
            assert value not in ("", "N/A"), (path.name, key)


@pytest.mark.skipif(not (SHARED / "systems-and-bodies").is_dir(), reason="shared/data/oparl is missing")
def test_leipzigs_absent_values() -> None:
    system, log = _norm(
        json.loads((SHARED / "systems-and-bodies" / "systems-Stadt_Leipzig.json").read_text())
    )
    assert system is not None and "name" not in system and "website" not in system
    bodies = json.loads((SHARED / "systems-and-bodies" / "bodies-Stadt_Leipzig.json").read_text())
    body, log = _norm(bodies["data"][0] if "data" in bodies else bodies)
    assert body is not None and "created" not in body and "shortName" not in body
    assert log.count("absent-value") >= 2
