"""XFDF 3.0 (Adobe's XML form of PDF annotations): export and import of our annotation records.

Other PDF programs read and write XFDF; it carries, per annotation, its type as the element name
(``highlight``, ``underline``, ``strikeout``, ``ink``, ``text`` for a sticky note, ``freetext``), the
0-based ``page``, geometry in PDF user space (origin bottom-left, so it is converted with the page's
:class:`PageFrame`), ``color``, ``opacity``, ``width``, ``name`` (our UUID), ``title`` (the author),
``creationdate``/``date`` (PDF dates) and the text in ``<contents>``. What XFDF has no place for
(author id, visibility, the text quote, page-text hash, ink pressure, exact time stamps) travels in
attributes of our own namespace, :data:`GREMALDA_NS`, which other programs ignore; so an export read
back here gives every field again.

Writing is here; reading, which is defensive about what other programs (or attackers) hand us, is in
:mod:`gremalda.core.annotations.xfdf_read`.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from gremalda.core.annotations.records import Annotation, Kind

XFDF_NS = "http://ns.adobe.com/xfdf/"
GREMALDA_NS = "urn:x-gremalda:xfdf:1"
MAX_BYTES = 32 << 20
MAX_ANNOTATIONS = 100_000
FREETEXT_FONT_SIZE = 12.0
#: the namespace under which our own names of other programs' annotations become UUIDs
NAME_NAMESPACE = uuid.UUID("5d0c3d0e-7a0b-4f1e-9a55-2f0e6b6c9a11")

ET.register_namespace("gremalda", GREMALDA_NS)

ELEMENT = {
    Kind.HIGHLIGHT: "highlight",
    Kind.UNDERLINE: "underline",
    Kind.STRIKEOUT: "strikeout",
    Kind.INK: "ink",
    Kind.NOTE: "text",
    Kind.FREETEXT: "freetext",
}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PDF_DATE = re.compile(
    r"D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?\s*(?:([Zz+-])(\d{2})?'?(\d{2})?'?)?"
)

Matrix = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class PageFrame:
    """How a page's PDF user space (origin bottom-left, as XFDF has it) maps to the coordinates our
    records use (PyMuPDF's, origin top-left, unrotated): the PDF-to-ours matrix ``(a, b, c, d, e, f)``,
    ``x' = a·x + c·y + e``, ``y' = b·x + d·y + f`` — PyMuPDF's ``page.transformation_matrix``."""

    matrix: Matrix

    @classmethod
    def of_height(cls, height: float) -> PageFrame:
        """The usual page whose media box starts at (0, 0): y is flipped."""
        return cls((1.0, 0.0, 0.0, -1.0, 0.0, float(height)))

    def to_ours(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.matrix
        return a * x + c * y + e, b * x + d * y + f

    def to_pdf(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.matrix
        det = a * d - b * c
        x, y = x - e, y - f
        return (d * x - c * y) / det, (a * y - b * x) / det


# --- writing ---------------------------------------------------------------------------------------------


def num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _nums(values: Iterable[float]) -> str:
    return ",".join(num(v) for v in values)


def clean(text: str) -> str:
    """Text as XML 1.0 can hold it (control characters other than tab and line breaks cannot be)."""
    return _XML_ILLEGAL.sub("", text)


def _put(attrs: dict[str, str], name: str, value: str) -> None:
    """Set an attribute; a value XML cannot hold (control characters, e.g. from a PDF's text) also
    goes, exactly, as JSON into an attribute of ours, ``<name>-json``."""
    attrs[name] = clean(value)
    if attrs[name] != value:
        attrs[ours(local_name(name) + "-json")] = json.dumps(value)


def ours(name: str) -> str:
    """The name ``name`` in our namespace."""
    return f"{{{GREMALDA_NS}}}{name}"


def xfdf_name(name: str) -> str:
    """The name of an XFDF element as the parser gives it."""
    return f"{{{XFDF_NS}}}{name}"


def _pdf_rect(frame: PageFrame, rect: tuple[float, float, float, float]) -> tuple[float, ...]:
    xs, ys = zip(*(frame.to_pdf(x, y) for x in (rect[0], rect[2]) for y in (rect[1], rect[3])), strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def _bbox(points: Iterable[tuple[float, float]], margin: float = 0.0) -> tuple[float, float, float, float]:
    xs, ys = zip(*points, strict=True)
    return min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin


def pdf_date(iso: str) -> str:
    """An ISO 8601 time as a PDF date (``D:20261201100000Z``); ``""`` when it is not one."""
    try:
        when = datetime.fromisoformat(iso.strip())
    except ValueError:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    offset = when.utcoffset() or timedelta(0)
    if offset == timedelta(0):
        return when.strftime("D:%Y%m%d%H%M%SZ")
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return when.strftime("D:%Y%m%d%H%M%S") + f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


def iso_date(pdf: str) -> str:
    """A PDF date as ISO 8601 in UTC (``2026-12-01T10:00:00Z``); ``""`` when it is not one."""
    m = _PDF_DATE.fullmatch(pdf.strip())
    if m is None:
        return ""
    year, month, day, hour, minute, second, sign, tzh, tzm = m.groups()
    try:
        offset = timedelta(hours=int(tzh or 0), minutes=int(tzm or 0))
        tz = timezone(-offset if sign == "-" else offset)
        when = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            0,
            tz,
        )
    except ValueError:
        return ""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def export_xfdf(records: Sequence[Annotation], frames: Sequence[PageFrame], *, href: str = "") -> bytes:
    """The XFDF document of ``records`` (live ones; those on pages ``frames`` does not have are left
    out — see :func:`exportable`)."""
    # plain names with the XFDF namespace declared as the default (ElementTree's default_namespace
    # cannot have unqualified attributes); our own attributes get the prefix "gremalda"
    root = ET.Element("xfdf", {"xmlns": XFDF_NS, "{http://www.w3.org/XML/1998/namespace}space": "preserve"})
    annots = ET.SubElement(root, "annots")
    for record in exportable(records, len(frames)):
        annots.append(_element(record, frames[record.page]))
    if href:
        ET.SubElement(root, "f", {"href": clean(href)})
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    # ElementTree writes a carriage return in text as it is, which a parser reads as a line feed
    body = body.replace("\r", "&#13;")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode()


def exportable(records: Iterable[Annotation], page_count: int) -> list[Annotation]:
    """The live records that have a place in a document of ``page_count`` pages."""
    return [r for r in records if r.alive and r.page < page_count]


def _element(a: Annotation, frame: PageFrame) -> ET.Element:
    attrs: dict[str, str] = {
        "page": str(a.page),
        "name": a.id,
        "flags": "print",
        "opacity": num(a.opacity),
        "width": num(a.width),
        ours("visibility"): str(a.visibility),
    }
    _put(attrs, "title", a.author_name)
    _put(attrs, ours("author-id"), a.author_id)
    _put(attrs, ours("created"), a.created)
    _put(attrs, ours("modified"), a.modified)
    if created := pdf_date(a.created):
        attrs["creationdate"] = created
    if modified := pdf_date(a.modified):
        attrs["date"] = modified
    for name, value in (("file-sha256", a.file_sha256), ("page-text-hash", a.page_text_hash)):
        if value is not None:
            attrs[ours(name)] = value
    if a.attention:
        attrs[ours("attention")] = "true"
    if a.quote is not None:
        _put(attrs, ours("quote-exact"), a.quote.exact)
        _put(attrs, ours("quote-prefix"), a.quote.prefix)
        _put(attrs, ours("quote-suffix"), a.quote.suffix)
    if a.kind is Kind.FREETEXT:  # XFDF's color of a free text is its background: ours is the text's
        attrs[ours("colour")] = a.colour
        attrs["defaultstyle"] = f"font:Helvetica {num(FREETEXT_FONT_SIZE)}pt; color:{a.colour.upper()}"
    else:
        attrs["color"] = a.colour.upper()
    children: list[ET.Element] = []
    if a.kind.is_text_markup:
        points = [frame.to_pdf(q[i], q[i + 1]) for q in a.quads for i in range(0, 8, 2)]
        attrs["coords"] = _nums(v for p in points for v in p)
        attrs["rect"] = _nums(_bbox(points))
    elif a.kind is Kind.INK:
        inklist = ET.Element("inklist")
        all_points = []
        for stroke in a.strokes:
            points = [frame.to_pdf(x, y) for x, y, _ in stroke]
            all_points += points
            gesture = ET.SubElement(inklist, "gesture")
            gesture.text = ";".join(f"{num(x)},{num(y)}" for x, y in points)
            if any(p is not None for _, _, p in stroke):
                gesture.set(ours("pressure"), ";".join("" if p is None else repr(p) for _, _, p in stroke))
        attrs["rect"] = _nums(_bbox(all_points, a.width / 2))
        children.append(inklist)
    else:
        assert a.rect is not None
        attrs["rect"] = _nums(_pdf_rect(frame, a.rect))
        if a.kind is Kind.NOTE:
            attrs["icon"] = "Comment"
        if a.point is not None:
            attrs[ours("point")] = _nums(frame.to_pdf(*a.point))
    element = ET.Element(ELEMENT[a.kind], attrs)
    if a.text:
        contents = ET.SubElement(element, "contents")
        contents.text = clean(a.text)
        if contents.text != a.text:
            element.set(ours("text-json"), json.dumps(a.text))
    if a.kind is Kind.FREETEXT:
        r, g, b = (int(a.colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        da = ET.SubElement(element, "defaultappearance")
        da.text = f"{num(r)} {num(g)} {num(b)} rg /Helv {num(FREETEXT_FONT_SIZE)} Tf"
    element.extend(children)
    return element


def local_name(tag: str) -> str:
    """An element's or attribute's name without its namespace."""
    return tag.rsplit("}", 1)[-1]
