"""XFDF export and import: a round trip keeps every annotation (hypothesis-made records of every kind,
pages of different sizes and origins), other programs' XFDF is read (names that are not UUIDs give the
same UUID each time), and malformed, hostile or huge input is refused with InvalidXfdf, never half read.
Import into a real replica database: one transaction, existing annotations changed only where they
differ, as local edits."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gremalda.core.annotations.errors import InvalidAnnotation, InvalidXfdf
from gremalda.core.annotations.merge import create, delete, edit
from gremalda.core.annotations.records import Annotation, Kind, TextQuote, Visibility
from gremalda.core.annotations.store import AnnotationStore
from gremalda.core.annotations.xfdf import MAX_BYTES, PageFrame, export_xfdf, iso_date, pdf_date
from gremalda.core.annotations.xfdf_read import parse_xfdf
from gremalda.store.database import ReplicaDatabase, open_database

A4 = PageFrame.of_height(841.89)
LETTER_SHIFTED = PageFrame((1.0, 0.0, 0.0, -1.0, -20.0, 812.0))  # media box starting at (20, -20)
FRAMES = [A4, LETTER_SHIFTED, PageFrame.of_height(400.0)]
SHA = "ab" * 32
NOW = "2026-12-01T10:00:00Z"
TOL = 0.01

# --- strategies ----------------------------------------------------------------------------------------

coord = st.floats(min_value=0, max_value=800, allow_nan=False).map(lambda v: round(v, 3))
# any text without lone surrogates: control characters XML cannot hold come from real PDFs' page texts
xml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
colour = st.integers(0, 0xFFFFFF).map(lambda v: f"#{v:06x}")
quad = (
    st.tuples(coord, coord, coord, coord)
    .map(lambda t: (min(t[0], t[2]), min(t[1], t[3]), max(t[0], t[2]), max(t[1], t[3])))
    .map(lambda r: (r[0], r[1], r[2], r[1], r[0], r[3], r[2], r[3]))
)
point = st.tuples(coord, coord, st.one_of(st.none(), st.floats(0, 1).map(lambda v: round(v, 4))))
rect = st.tuples(coord, coord, coord, coord).map(
    lambda t: (min(t[0], t[2]), min(t[1], t[3]), max(t[0], t[2]), max(t[1], t[3]))
)


@st.composite
def records(draw: st.DrawFn) -> Annotation:
    kind = draw(st.sampled_from(list(Kind)))
    values: dict[str, Any] = {
        "page": draw(st.integers(0, len(FRAMES) - 1)),
        "colour": draw(colour),
        "opacity": draw(st.floats(0, 1).map(lambda v: round(v, 3))),
        "width": draw(st.floats(0.1, 100).map(lambda v: round(v, 3))),
        "text": draw(xml_text),
        "visibility": draw(st.sampled_from(list(Visibility))),
        "author_name": draw(xml_text),
        "file_sha256": draw(st.sampled_from([None, SHA])),
        "page_text_hash": draw(st.sampled_from([None, "cd" * 32])),
        "attention": draw(st.booleans()),
    }
    if kind.is_text_markup:
        values["quads"] = tuple(draw(st.lists(quad, min_size=1, max_size=3)))
        exact = draw(xml_text.filter(lambda s: s.strip() != ""))
        values["quote"] = draw(st.sampled_from([None, TextQuote(exact, draw(xml_text), draw(xml_text))]))
    elif kind is Kind.INK:
        values["strokes"] = tuple(
            tuple(s) for s in draw(st.lists(st.lists(point, min_size=1, max_size=5), min_size=1, max_size=3))
        )
    else:
        values["rect"] = draw(rect)
        values["point"] = draw(st.one_of(st.none(), st.tuples(coord, coord)))
    created = draw(st.sampled_from(["", NOW, "2026-03-12T17:30:00+01:00", "2026-12-01T10:00:00.123456Z"]))
    record = create("dev-a", now=created, file_id="42", kind=kind, author_id="7", **values)
    return replace(record, modified=draw(st.sampled_from([created, "2026-12-02T08:15:00Z"])))


def assert_same(original: Annotation, read: Annotation) -> None:
    """Every field an exchange keeps (not the merge metadata, which a new record starts afresh)."""
    for name in (
        "id", "file_id", "kind", "page", "author_id", "author_name", "colour", "opacity", "width", "text",
        "visibility", "file_sha256", "page_text_hash", "attention", "quote", "created", "modified",
    ):  # fmt: skip
        assert getattr(read, name) == getattr(original, name), name
    assert read.opacity == pytest.approx(original.opacity, abs=1e-4)
    for a, b in zip(original.quads, read.quads, strict=True):
        assert a == pytest.approx(b, abs=TOL)
    assert len(original.strokes) == len(read.strokes)
    for sa, sb in zip(original.strokes, read.strokes, strict=True):
        assert len(sa) == len(sb)
        for pa, pb in zip(sa, sb, strict=True):
            assert pa[:2] == pytest.approx(pb[:2], abs=TOL) and pa[2] == pb[2]
    for name in ("rect", "point"):
        a, b = getattr(original, name), getattr(read, name)
        assert (a is None) == (b is None), name
        if a is not None:
            assert a == pytest.approx(b, abs=TOL), name


def read_back(data: bytes, file_id: str = "42") -> list[Annotation]:
    parsed = parse_xfdf(data, FRAMES, file_id=file_id)
    return [
        x.record(file_id=file_id, author_id=x.author_id or "me", author_name="", device="dev-b")
        for x in parsed.annotations
    ]


# --- round trip ----------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(records(), max_size=6, unique_by=lambda a: a.id))
def test_round_trip_keeps_every_annotation(originals: list[Annotation]) -> None:
    data = export_xfdf(originals, FRAMES, href="Vorlage Größe.pdf")
    read = read_back(data)
    assert len(read) == len(originals)
    for original, back in zip(originals, read, strict=True):
        assert_same(original, back)


def test_text_with_line_breaks_tabs_and_umlauts_survives() -> None:
    text = "Zeile 1\r\nZeile 2\n\tEingerückt: Größe, Übung, Maß <&> \"'\r"
    record = create(
        "dev-a", now=NOW, file_id="42", kind=Kind.NOTE, page=0, author_id="7", author_name="Jörg Müller",
        rect=(10.0, 20.0, 30.0, 40.0), text=text,
    )  # fmt: skip
    [back] = read_back(export_xfdf([record], FRAMES))
    assert back.text == text and back.author_name == "Jörg Müller"


def test_control_characters_xml_cannot_hold_travel_exactly_in_our_attributes() -> None:
    record = create(
        "dev-a", now=NOW, file_id="42", kind=Kind.HIGHLIGHT, page=0, author_id="7", author_name="A\x01",
        quads=((1.0, 2.0, 3.0, 2.0, 1.0, 4.0, 3.0, 4.0),), text="a\x00b\x07c",
        quote=TextQuote("habibi", "x\x03", "\x03ϲΒϴ"),
    )  # fmt: skip
    data = export_xfdf([record], FRAMES)
    assert b"<contents>abc</contents>" in data  # what other programs read
    [back] = read_back(data)
    assert (back.text, back.author_name, back.quote) == (record.text, record.author_name, record.quote)


def test_the_file_uses_xfdf_coordinates_and_names() -> None:
    quad = (10.0, 20.0, 110.0, 20.0, 10.0, 32.0, 110.0, 32.0)
    record = create(
        "dev-a", now=NOW, file_id="42", kind=Kind.HIGHLIGHT, page=0, author_id="7",
        author_name="Person member", quads=(quad,), colour="#ff8000", opacity=0.5,
    )  # fmt: skip
    text = export_xfdf([record], FRAMES).decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert 'xmlns="http://ns.adobe.com/xfdf/"' in text and 'xmlns:gremalda="urn:x-gremalda:xfdf:1"' in text
    assert f'name="{record.id}"' in text and 'title="Person member"' in text
    assert 'color="#FF8000"' in text and 'opacity="0.5"' in text
    assert 'coords="10,821.89,110,821.89,10,809.89,110,809.89"' in text  # bottom-left origin
    assert 'rect="10,809.89,110,821.89"' in text
    assert 'creationdate="D:20261201100000Z"' in text


def test_deleted_records_and_pages_beyond_the_document_are_not_exported() -> None:
    live = create(
        "d", now=NOW, file_id="42", kind=Kind.NOTE, page=0, author_id="7", rect=(1.0, 1.0, 2.0, 2.0)
    )
    gone = delete(replace(live, id=str(uuid.uuid4())), "d")
    far = replace(live, id=str(uuid.uuid4()), page=9)
    assert [a.id for a in read_back(export_xfdf([live, gone, far], FRAMES))] == [live.id]


def test_pdf_dates() -> None:
    assert pdf_date("2026-03-12T17:30:00+01:00") == "D:20260312173000+01'00'"
    assert pdf_date("2026-03-12T17:30:00Z") == "D:20260312173000Z"
    assert pdf_date("") == "" and pdf_date("gestern") == ""
    assert iso_date("D:20260312173000+01'00'") == "2026-03-12T16:30:00Z"
    assert iso_date("D:20260312") == "2026-03-12T00:00:00Z"
    assert iso_date("D:2026") == "2026-01-01T00:00:00Z"
    assert iso_date("D:20261399") == "" and iso_date("nonsense") == ""


# --- other programs' XFDF -----------------------------------------------------------------------------------

FOREIGN = b"""<?xml version="1.0" encoding="UTF-8"?>
<xfdf xmlns="http://ns.adobe.com/xfdf/" xml:space="preserve">
<annots>
<highlight color="#FFFF00" creationdate="D:20250101120000+01'00'" flags="print" date="D:20250102120000Z"
  name="a1b2-acrobat" page="0" rect="100,700,200,712" coords="100,712,200,712,100,700,200,700"
  title="Max Mustermann" width="0" opacity="0.4">
  <contents-richtext><body xmlns="http://www.w3.org/1999/xhtml"><p>Wichtig</p></body></contents-richtext>
  <popup flags="print,nozoom,norotate" open="no" page="0" rect="300,600,400,700"/>
</highlight>
<ink color="#0000FF" name="ink-7" page="2" rect="0,0,100,100" width="2">
  <inklist><gesture>10,390;20,380;30,370</gesture><gesture>50,50;60,60</gesture></inklist>
</ink>
<text name="n1" page="1" rect="40,700,60,720" icon="Comment">
  <contents>Frage an die Verwaltung</contents></text>
<freetext name="ft" page="0" rect="100,100,300,150" width="0">
  <contents>Freier Text</contents>
  <defaultappearance>1 0 0 rg /Helv 12 Tf</defaultappearance>
</freetext>
<square name="sq" page="0" rect="1,1,20,20"/>
<circle name="c" page="0" rect="1,1,20,20"/>
<square name="sq2" page="0" rect="1,1,20,20"/>
</annots>
<f href="Vorlage.pdf"/>
</xfdf>
"""


def test_other_programs_xfdf_is_read() -> None:
    parsed = parse_xfdf(FOREIGN, FRAMES, file_id="42")
    assert dict(parsed.unsupported) == {"square": 2, "circle": 1}
    highlight, ink, note, freetext = parsed.annotations
    assert highlight.kind is Kind.HIGHLIGHT and highlight.author_name == "Max Mustermann"
    assert highlight.values["text"] == "Wichtig" and highlight.values["colour"] == "#ffff00"
    assert highlight.values["opacity"] == 0.4 and "width" not in highlight.values
    assert highlight.values["quads"][0] == pytest.approx((100, 129.89, 200, 129.89, 100, 141.89, 200, 141.89))
    assert highlight.created == "2025-01-01T11:00:00Z" and highlight.modified == "2025-01-02T12:00:00Z"
    assert highlight.author_id is None
    assert ink.values["strokes"][0][0] == (10.0, 10.0, None) and len(ink.values["strokes"]) == 2
    assert note.kind is Kind.NOTE and note.values["text"] == "Frage an die Verwaltung"
    assert note.values["rect"] == pytest.approx((20, 92, 40, 112))  # the shifted media box of page 2
    assert freetext.values["colour"] == "#ff0000" and freetext.values["text"] == "Freier Text"
    # names that are not UUIDs: a UUID of file and name, the same each time, another for another file
    again = parse_xfdf(FOREIGN, FRAMES, file_id="42").annotations
    elsewhere = parse_xfdf(FOREIGN, FRAMES, file_id="43").annotations
    assert [a.id for a in again] == [a.id for a in parsed.annotations]
    assert not {a.id for a in elsewhere} & {a.id for a in parsed.annotations}
    assert all(str(uuid.UUID(a.id)) == a.id for a in parsed.annotations)
    made = highlight.record(file_id="42", author_id="7", author_name="Ich", device="dev")
    assert made.author_name == "Max Mustermann" and made.width == 1.0


def test_annotations_without_names_get_stable_uuids_even_when_alike() -> None:
    data = ann('<text page="0" rect="1,1,2,2"/>' * 3 + '<text page="0" rect="5,5,9,9"/>')
    first, again = ([a.id for a in parse_xfdf(data, FRAMES, file_id="42").annotations] for _ in range(2))
    assert len(set(first)) == 4 and first == again


def test_too_many_annotations_are_refused() -> None:
    from gremalda.core.annotations.xfdf import MAX_ANNOTATIONS

    data = ann("".join(f'<text page="0" rect="1,1,2,2" name="n{i}"/>' for i in range(MAX_ANNOTATIONS + 1)))
    with pytest.raises(InvalidXfdf, match="more than"):
        parse_xfdf(data, FRAMES, file_id="42")


def test_xfdf_without_namespace_and_uppercase_uuid_names() -> None:
    name = "6F9619FF-8B86-D011-B42D-00CF4FC964FF"
    data = f'<xfdf><annots><text name="{name}" page="0" rect="1,1,20,20"/></annots></xfdf>'.encode()
    [note] = parse_xfdf(data, FRAMES, file_id="42").annotations
    assert note.id == name.lower()


# --- malformed and hostile input ----------------------------------------------------------------------------


def ann(body: str) -> bytes:
    return f'<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots>{body}</annots></xfdf>'.encode()


BAD = {
    "empty": b"",
    "not xml": b"%PDF-1.7 this is a PDF, not XFDF",
    "truncated": b'<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots><text page="0"',
    "wrong root": b"<html><body>hallo</body></html>",
    "not a number": ann('<text page="0" rect="1,2,drei,4"/>'),
    "nan": ann('<text page="0" rect="1,2,NaN,4"/>'),
    "infinite": ann('<text page="0" rect="1,2,inf,4"/>'),
    "huge number": ann('<text page="0" rect="1,2,1e300,4"/>'),
    "three numbers": ann('<text page="0" rect="1,2,3"/>'),
    "no rect": ann('<text page="0"/>'),
    "no page": ann('<text rect="1,2,3,4"/>'),
    "page text": ann('<text page="eins" rect="1,2,3,4"/>'),
    "unknown page": ann('<text page="3" rect="1,2,3,4"/>'),
    "negative page": ann('<text page="-1" rect="1,2,3,4"/>'),
    "coords not 8": ann('<highlight page="0" coords="1,2,3,4,5,6,7"/>'),
    "bad colour": ann('<text page="0" rect="1,2,3,4" color="gelb"/>'),
    "opacity above 1": ann('<text page="0" rect="1,2,3,4" opacity="1.5"/>'),
    "negative width": ann('<ink page="0" width="-2"><inklist><gesture>1,2</gesture></inklist></ink>'),
    "ink without strokes": ann('<ink page="0"><inklist/></ink>'),
    "odd gesture": ann('<ink page="0"><inklist><gesture>1,2;3</gesture></inklist></ink>'),
    "twice the same name": ann(
        '<text page="0" rect="1,2,3,4" name="x"/><text page="0" rect="1,2,3,4" name="x"/>'
    ),
    "bad visibility": ann(
        '<text xmlns:g="urn:x-gremalda:xfdf:1" g:visibility="public" page="0" rect="1,2,3,4"/>'
    ),
    "entity expansion": b"""<?xml version="1.0"?>
<!DOCTYPE xfdf [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots>
<text page="0" rect="1,2,3,4"><contents>&c;</contents></text></annots></xfdf>""",
    "external entity": b"""<?xml version="1.0"?>
<!DOCTYPE xfdf [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<xfdf xmlns="http://ns.adobe.com/xfdf/"><annots>
<text page="0" rect="1,2,3,4"><contents>&x;</contents></text></annots></xfdf>""",
    "doctype only": b'<!DOCTYPE xfdf SYSTEM "http://example.org/x.dtd"><xfdf/>',
    "undefined entity": ann('<text page="0" rect="1,2,3,4"><contents>&nbsp;</contents></text>'),
}


@pytest.mark.parametrize("name", list(BAD))
def test_malformed_xfdf_is_refused_clearly(name: str) -> None:
    with pytest.raises(InvalidXfdf) as caught:
        parse_xfdf(BAD[name], FRAMES, file_id="42")
    error = caught.value
    assert isinstance(error, InvalidAnnotation) and error.title == "Invalid XFDF file"
    assert "Nothing of it has been imported" in error.message and len(error.message) < 300


def test_huge_input_is_refused_before_parsing() -> None:
    with pytest.raises(InvalidXfdf, match="larger than"):
        parse_xfdf(b" " * (MAX_BYTES + 1), FRAMES, file_id="42")


def test_an_annotation_the_record_rules_refuse_is_invalid_xfdf() -> None:
    parsed = parse_xfdf(ann('<text page="0" rect="1,2,3,4" name="n"/>'), FRAMES, file_id="42")
    with pytest.raises(InvalidXfdf, match="does not make sense"):
        parsed.annotations[0].record(file_id="", author_id="7", author_name="", device="d")


# --- importing into a real replica database -------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ReplicaDatabase]:
    with open_database(tmp_path / "r.db", os.urandom(32), create=True) as database:
        yield database


def test_only_fields_that_differ_count_as_changes(db: ReplicaDatabase) -> None:
    from gremalda.core.annotations.exchange import _changes

    store = AnnotationStore(db, "dev-a", user_id="7")
    quad = (10.0, 20.0, 110.0, 20.0, 10.0, 32.0, 110.0, 32.0)
    mine = store.save(
        create("dev-a", now=NOW, file_id="42", kind=Kind.HIGHLIGHT, page=0, author_id="7", quads=(quad,))
    )
    exported = export_xfdf([mine], FRAMES)
    [same] = parse_xfdf(exported, FRAMES, file_id="42").annotations
    assert _changes(mine, same) == {}
    changed = store.save(edit(mine, "dev-a", colour="#00ff00", text="neu"))
    [other] = parse_xfdf(export_xfdf([changed], FRAMES), FRAMES, file_id="42").annotations
    assert _changes(mine, other) == {"colour": "#00ff00", "text": "neu"}


def test_quote_and_pressure_travel_in_our_namespace() -> None:
    record = create(
        "dev-a", now=NOW, file_id="42", kind=Kind.INK, page=1, author_id="7",
        strokes=(((10.0, 10.0, 0.25), (20.0, 25.0, None)),),
    )  # fmt: skip
    text = export_xfdf([record], FRAMES).decode()
    assert 'gremalda:pressure="0.25;"' in text and 'xmlns:gremalda="urn:x-gremalda:xfdf:1"' in text
    markup = create(
        "dev-a", now=NOW, file_id="42", kind=Kind.STRIKEOUT, page=0, author_id="7",
        quads=((1.0, 2.0, 3.0, 2.0, 1.0, 4.0, 3.0, 4.0),), quote=TextQuote("Größe", "die ", " des"),
    )  # fmt: skip
    [back] = read_back(export_xfdf([markup], FRAMES))
    assert back.quote == TextQuote("Größe", "die ", " des")
