"""Annotation records: validation and the JSON round trip."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from gremalda.core.annotations.errors import InvalidAnnotation
from gremalda.core.annotations.merge import create, delete, edit
from gremalda.core.annotations.records import Annotation, Kind, Stamp, TextQuote, Visibility, from_json

UID = "6f1c1f7e-8a53-4d5b-9c57-0b7d3f0f3a11"
QUAD = (10.0, 20.0, 110.0, 20.0, 10.0, 32.0, 110.0, 32.0)


def highlight(**kw: object) -> Annotation:
    values: dict[str, object] = {
        "file_id": "f1",
        "kind": Kind.HIGHLIGHT,
        "page": 0,
        "author_id": "u1",
        "quads": (QUAD,),
        "quote": TextQuote("Haushalt", "der ", " 2026"),
    }
    values.update(kw)
    return create("dev-a", id=UID, now="2026-12-01T10:00:00Z", **values)


def test_every_kind_round_trips_through_json() -> None:
    records = [
        highlight(),
        highlight(kind=Kind.UNDERLINE, colour="#ff0000", width=2.5, opacity=0.4),
        highlight(kind=Kind.STRIKEOUT, visibility=Visibility.FACTION, file_sha256="a" * 64),
        highlight(kind=Kind.INK, quads=(), quote=None, strokes=(((1.0, 2.0, 0.5), (3.0, 4.0, None)),)),
        highlight(
            kind=Kind.NOTE, quads=(), quote=None, rect=(1.0, 2.0, 21.0, 22.0), point=(1.0, 2.0), text="Ü"
        ),
        highlight(kind=Kind.FREETEXT, quads=(), quote=None, rect=(0.0, 0.0, 100.0, 20.0), text="Frage"),
    ]
    for record in records:
        assert from_json(record.to_json()) == record
    tomb = delete(edit(records[0], "dev-b", colour="#00ff00"), "dev-a")
    assert from_json(tomb.to_json()) == tomb
    assert tomb.clocks["colour"] == Stamp(2, "dev-b") and tomb.delete_seen["colour"] == Stamp(2, "dev-b")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"page": -1}, "page"),
        ({"colour": "red"}, "colour"),
        ({"opacity": 1.5}, "opacity"),
        ({"width": 0.0}, "width"),
        ({"width": float("nan")}, "width"),
        ({"quads": ()}, "quads"),
        ({"quads": ((1.0, 2.0),)}, "quads"),
        ({"rect": (0.0, 0.0, 1.0, 1.0)}, "rect"),
        ({"kind": Kind.INK}, "ink"),
        ({"kind": Kind.INK, "quads": (), "strokes": (((1.0, 1.0, 2.0),),)}, "pressure"),
        ({"kind": Kind.NOTE, "quads": ()}, "note"),
        ({"file_sha256": "xyz"}, "file_sha256"),
        ({"file_id": ""}, "file_id"),
        ({"author_id": ""}, "author_id"),
    ],
)
def test_invalid_records_are_refused_naming_the_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidAnnotation) as info:
        replace(highlight(), **changes)  # type: ignore[arg-type]
    assert field in (info.value.detail or "")
    assert "annotation" in str(info.value).lower()


def test_bad_ids_quotes_and_stamps() -> None:
    with pytest.raises(InvalidAnnotation):
        replace(highlight(), id="not-a-uuid")
    with pytest.raises(InvalidAnnotation):
        replace(highlight(), id=UID.upper())
    with pytest.raises(InvalidAnnotation):
        TextQuote("  ")
    with pytest.raises(InvalidAnnotation):
        replace(highlight(), clocks={"nonsense": Stamp(1, "d")})


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        "{",
        '{"id": "x"}',
        json.dumps({**json.loads(highlight().to_json()), "kind": "circle"}),
        json.dumps({**json.loads(highlight().to_json()), "extra": 1}),
        json.dumps({**json.loads(highlight().to_json()), "quads": 5}),
        json.dumps({**json.loads(highlight().to_json()), "clocks": {"colour": 3}}),
    ],
)
def test_malformed_json_is_an_invalid_annotation(text: str) -> None:
    with pytest.raises(InvalidAnnotation):
        from_json(text)
