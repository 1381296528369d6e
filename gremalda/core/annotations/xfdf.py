"""XFDF 3.0 (Adobe's XML form of PDF annotations): export and import of our annotation records.

Other PDF programs read and write XFDF; it carries, per annotation, its type as the element name
(``highlight``, ``underline``, ``strikeout``, ``ink``, ``text`` for a sticky note, ``freetext``), the
0-based ``page``, geometry in PDF user space (origin bottom-left, so it is converted with the page's
:class:`PageFrame`), ``color``, ``opacity``, ``width``, ``name`` (our UUID), ``title`` (the author),
``creationdate``/``date`` (PDF dates) and the text in ``<contents>``. What XFDF has no place for
(author id, visibility, the text quote, page-text hash, ink pressure, exact time stamps) travels in
attributes of our own namespace, :data:`GREMALDA_NS`, which other programs ignore; so an export read
back here gives every field again.

Reading is defensive: the data is parsed by expat with any DOCTYPE, entity declaration or external
entity refused, at most :data:`MAX_BYTES` long; a malformed file or annotation (not XML, another root,
a bad number or colour, a page the document does not have) raises :class:`InvalidXfdf` naming what is
wrong, before anything is stored. Annotation types we do not have (squares, stamps, …) are counted,
not imported; popups belong to their parent and are skipped.

Names that are not UUIDs (other programs' ids) become a UUID5 of the target file and the name, so that
importing the same file twice gives the same records.
"""

from __future__ import annotations

import json
import math
import re
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, NoReturn
from xml.parsers import expat

from gremalda.core.annotations.errors import InvalidAnnotation, InvalidXfdf
from gremalda.core.annotations.merge import create
from gremalda.core.annotations.records import Annotation, Kind, Quad, TextQuote, Visibility

XFDF_NS = "http://ns.adobe.com/xfdf/"
GREMALDA_NS = "urn:x-gremalda:xfdf:1"
MAX_BYTES = 32 << 20
MAX_ANNOTATIONS = 100_000
FREETEXT_FONT_SIZE = 12.0
#: the namespace under which our own names of other programs' annotations become UUIDs
NAME_NAMESPACE = uuid.UUID("5d0c3d0e-7a0b-4f1e-9a55-2f0e6b6c9a11")

ET.register_namespace("gremalda", GREMALDA_NS)

_ELEMENT = {
    Kind.HIGHLIGHT: "highlight",
    Kind.UNDERLINE: "underline",
    Kind.STRIKEOUT: "strikeout",
    Kind.INK: "ink",
    Kind.NOTE: "text",
    Kind.FREETEXT: "freetext",
}
_KIND = {name: kind for kind, name in _ELEMENT.items()}
_SKIPPED = {"popup"}  # part of their parent annotation
_DEFAULT_COLOUR = {Kind.HIGHLIGHT: "#ffd700", Kind.NOTE: "#ffd700"}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_COLOUR = re.compile(r"#([0-9a-fA-F]{6})")
_DA_RGB = re.compile(r"([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+rg")
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


@dataclass(frozen=True)
class XfdfAnnotation:
    """One annotation read from XFDF: its record fields, before it meets the store.

    ``values`` holds the fields the file carries (editable ones; an XFDF of another program carries
    no visibility or quote, for example); ``author_id`` is set only when the file is one of ours."""

    id: str
    name: str
    kind: Kind
    values: dict[str, Any]
    author_id: str | None = None
    author_name: str = ""
    created: str = ""
    modified: str = ""

    def record(self, *, file_id: str, author_id: str, author_name: str, device: str) -> Annotation:
        """A new record of this annotation on ``file_id`` made by ``author_id`` on ``device``."""
        try:
            made = create(
                device,
                id=self.id,
                now=self.created,
                file_id=file_id,
                kind=self.kind,
                author_id=author_id,
                author_name=self.author_name or author_name,
                **self.values,
            )
            return replace(made, modified=self.modified or self.created)
        except InvalidAnnotation as exc:
            raise InvalidXfdf(
                f"The annotation “{self.name}” does not make sense here ({exc.detail or exc.message}). "
                "Nothing of the file has been imported.",
                detail=exc.detail,
            ) from None


@dataclass
class ParsedXfdf:
    annotations: list[XfdfAnnotation] = field(default_factory=list)
    unsupported: Counter[str] = field(default_factory=Counter)  # element name -> how many


# --- writing ---------------------------------------------------------------------------------------------


def _num(value: float) -> str:
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _nums(values: Iterable[float]) -> str:
    return ",".join(_num(v) for v in values)


def _clean(text: str) -> str:
    """Text as XML 1.0 can hold it (control characters other than tab and line breaks cannot be)."""
    return _XML_ILLEGAL.sub("", text)


def _put(attrs: dict[str, str], name: str, value: str) -> None:
    """Set an attribute; a value XML cannot hold (control characters, e.g. from a PDF's text) also
    goes, exactly, as JSON into an attribute of ours, ``<name>-json``."""
    attrs[name] = _clean(value)
    if attrs[name] != value:
        attrs[_g(_local(name) + "-json")] = json.dumps(value)


def _g(name: str) -> str:
    return f"{{{GREMALDA_NS}}}{name}"


def _x(name: str) -> str:
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
        ET.SubElement(root, "f", {"href": _clean(href)})
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
        "opacity": _num(a.opacity),
        "width": _num(a.width),
        _g("visibility"): str(a.visibility),
    }
    _put(attrs, "title", a.author_name)
    _put(attrs, _g("author-id"), a.author_id)
    _put(attrs, _g("created"), a.created)
    _put(attrs, _g("modified"), a.modified)
    if created := pdf_date(a.created):
        attrs["creationdate"] = created
    if modified := pdf_date(a.modified):
        attrs["date"] = modified
    for name, value in (("file-sha256", a.file_sha256), ("page-text-hash", a.page_text_hash)):
        if value is not None:
            attrs[_g(name)] = value
    if a.attention:
        attrs[_g("attention")] = "true"
    if a.quote is not None:
        _put(attrs, _g("quote-exact"), a.quote.exact)
        _put(attrs, _g("quote-prefix"), a.quote.prefix)
        _put(attrs, _g("quote-suffix"), a.quote.suffix)
    if a.kind is Kind.FREETEXT:  # XFDF's color of a free text is its background: ours is the text's
        attrs[_g("colour")] = a.colour
        attrs["defaultstyle"] = f"font:Helvetica {_num(FREETEXT_FONT_SIZE)}pt; color:{a.colour.upper()}"
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
            gesture.text = ";".join(f"{_num(x)},{_num(y)}" for x, y in points)
            if any(p is not None for _, _, p in stroke):
                gesture.set(_g("pressure"), ";".join("" if p is None else repr(p) for _, _, p in stroke))
        attrs["rect"] = _nums(_bbox(all_points, a.width / 2))
        children.append(inklist)
    else:
        assert a.rect is not None
        attrs["rect"] = _nums(_pdf_rect(frame, a.rect))
        if a.kind is Kind.NOTE:
            attrs["icon"] = "Comment"
        if a.point is not None:
            attrs[_g("point")] = _nums(frame.to_pdf(*a.point))
    element = ET.Element(_ELEMENT[a.kind], attrs)
    if a.text:
        contents = ET.SubElement(element, "contents")
        contents.text = _clean(a.text)
        if contents.text != a.text:
            element.set(_g("text-json"), json.dumps(a.text))
    if a.kind is Kind.FREETEXT:
        r, g, b = (int(a.colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
        da = ET.SubElement(element, "defaultappearance")
        da.text = f"{_num(r)} {_num(g)} {_num(b)} rg /Helv {_num(FREETEXT_FONT_SIZE)} Tf"
    element.extend(children)
    return element


# --- reading ---------------------------------------------------------------------------------------------


def _refuse(what: str) -> NoReturn:
    raise InvalidXfdf(f"The file is not XFDF Gremalda can read: {what}. Nothing of it has been imported.")


def parse_tree(data: bytes) -> ET.Element:
    """The element tree of ``data``, read with expat; DOCTYPEs, entity declarations and external
    entities are refused, and so is anything longer than :data:`MAX_BYTES`."""
    if len(data) > MAX_BYTES:
        _refuse(f"it is larger than {MAX_BYTES >> 20} MB")
    if not data.strip():
        _refuse("it is empty")
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def name(raw: str) -> str:
        return "{" + raw if "}" in raw else raw

    def hostile(*_: Any) -> NoReturn:
        _refuse("it declares a document type or entities, which XFDF has no use for and which are refused")

    parser.StartDoctypeDeclHandler = hostile
    parser.EntityDeclHandler = hostile
    parser.ExternalEntityRefHandler = hostile
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = lambda tag, attrs: builder.start(
        name(tag), {name(k): v for k, v in attrs.items()}
    )
    parser.EndElementHandler = lambda tag: builder.end(name(tag))
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        _refuse(f"it is not well-formed XML ({expat.ErrorString(exc.code)}, line {exc.lineno})")
    except (ValueError, UnicodeError) as exc:
        _refuse(f"it could not be decoded ({exc})")
    root: ET.Element = builder.close()
    return root


def parse_xfdf(data: bytes, frames: Sequence[PageFrame], *, file_id: str) -> ParsedXfdf:
    """The annotations of the XFDF ``data`` for a document whose pages are ``frames`` and whose id is
    ``file_id`` (it makes the UUIDs of foreign names); :class:`InvalidXfdf` when malformed."""
    root = parse_tree(data)
    if root.tag not in (_x("xfdf"), "xfdf"):
        _refuse(f"its root element is <{_local(root.tag)}>, not <xfdf>")
    parsed = ParsedXfdf()
    ns = "" if root.tag == "xfdf" else f"{{{XFDF_NS}}}"
    seen: set[str] = set()
    for annots in root.iter(f"{ns}annots"):
        for number, element in enumerate(annots, 1):
            local = _local(element.tag)
            if not element.tag.startswith(ns) or local in _SKIPPED:
                continue
            kind = _KIND.get(local)
            if kind is None:
                parsed.unsupported[local] += 1
                continue
            if len(parsed.annotations) >= MAX_ANNOTATIONS:
                _refuse(f"it holds more than {MAX_ANNOTATIONS} annotations")
            annotation = _Reader(element, kind, number, ns, frames, file_id).read()
            if annotation.id in seen:
                _refuse(f"the annotation name “{annotation.name}” occurs twice")
            seen.add(annotation.id)
            parsed.annotations.append(annotation)
    return parsed


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Reader:
    """Reads one annotation element."""

    def __init__(
        self, element: ET.Element, kind: Kind, number: int, ns: str, frames: Sequence[PageFrame], file_id: str
    ) -> None:
        self.e = element
        self.kind = kind
        self.ns = ns
        self.frames = frames
        self.file_id = file_id
        self.label = f"annotation {number} (<{_local(element.tag)}>)"

    def fail(self, what: str) -> NoReturn:
        _refuse(f"{self.label}: {what}")

    def attr(self, name: str, *, ours: bool = False) -> str | None:
        """An attribute's value (an XFDF one, or with ``ours`` one of our namespace), exactly as it
        was written when it came with its JSON form (see ``_put``)."""
        exact = self.e.get(_g(name + "-json"))
        if exact is not None:
            try:
                value = json.loads(exact)
            except ValueError:
                value = None
            if not isinstance(value, str):
                self.fail(f"the attribute {name}-json is not a JSON string")
            return value
        return self.e.get(_g(name) if ours else name)

    def number(self, text: str, what: str) -> float:
        try:
            value = float(text)
        except ValueError:
            self.fail(f"{what} “{_short(text)}” is not a number")
        if not math.isfinite(value) or abs(value) > 1e7:
            self.fail(f"{what} “{_short(text)}” is not a usable number")
        return value

    def numbers(self, text: str, what: str, *, multiple: int = 1) -> list[float]:
        parts = [p for p in re.split(r"[\s,;]+", text.strip()) if p]
        values = [self.number(p, what) for p in parts]
        if not values or len(values) % multiple:
            self.fail(f"{what} does not hold a multiple of {multiple} numbers")
        return values

    def colour(self, name: str) -> str | None:
        text = self.attr(name)
        if text is None or not text.strip():
            return None
        m = _COLOUR.fullmatch(text.strip())
        if m is None:
            self.fail(f"the colour “{_short(text)}” is not #RRGGBB")
        return "#" + m.group(1).lower()

    def read(self) -> XfdfAnnotation:
        page_text = self.attr("page")
        if page_text is None:
            self.fail("it has no page")
        try:
            page = int(page_text.strip())
        except ValueError:
            self.fail(f"the page “{_short(page_text)}” is not a page number")
        if not 0 <= page < len(self.frames):
            self.fail(f"page {page + 1} is not in the document, which has {len(self.frames)} pages")
        frame = self.frames[page]
        values: dict[str, Any] = {"page": page}
        self.geometry(frame, values)
        values["colour"] = self.read_colour()
        for name, low, high in (("opacity", 0.0, 1.0), ("width", 0.0, 100.0)):
            text = self.attr(name)
            if text is not None and text.strip():
                value = self.number(text, name)
                if not low <= value <= high:
                    self.fail(f"{name} {_short(text)} is not between {_num(low)} and {_num(high)}")
                if name == "width" and value == 0:  # no border: other programs' highlights say so
                    continue
                values[name] = value
        values["text"] = self.text()
        self.extensions(frame, values)
        name = self.attr("name") or ""
        created = self.attr("created", ours=True)
        modified = self.attr("modified", ours=True)
        author_id = self.attr("author-id", ours=True) or None
        title = self.attr("title") or ""
        return XfdfAnnotation(
            id=self.identity(name, values),
            name=name or self.label,
            kind=self.kind,
            values=values,
            author_id=author_id,
            author_name=title if title.strip() or author_id else "",
            created=created if created is not None else iso_date(self.attr("creationdate") or ""),
            modified=modified if modified is not None else iso_date(self.attr("date") or ""),
        )

    def read_colour(self) -> str:
        if self.kind is Kind.FREETEXT:
            if (ours := self.colour(_g("colour"))) is not None:
                return ours
            style = self.attr("defaultstyle") or ""
            if m := re.search(r"color\s*:\s*(#[0-9a-fA-F]{6})", style):
                return m.group(1).lower()
            da = self.e.find(f"{self.ns}defaultappearance")
            if da is not None and (m := _DA_RGB.search(da.text or "")):
                rgb = [min(max(self.number(v, "the text colour"), 0.0), 1.0) for v in m.groups()]
                return "#" + "".join(f"{round(v * 255):02x}" for v in rgb)
            return "#000000"
        return self.colour("color") or _DEFAULT_COLOUR.get(self.kind, "#000000")

    def geometry(self, frame: PageFrame, values: dict[str, Any]) -> None:
        if self.kind.is_text_markup:
            coords = self.attr("coords")
            if coords is not None and coords.strip():
                nums = self.numbers(coords, "coords", multiple=8)
                points = [frame.to_ours(nums[i], nums[i + 1]) for i in range(0, len(nums), 2)]
                flat = [v for p in points for v in p]
                values["quads"] = tuple(_quad(flat[i : i + 8]) for i in range(0, len(flat), 8))
            else:  # no quads: the rectangle is the one marked
                x0, y0, x1, y1 = self.rect(frame)
                values["quads"] = ((x0, y0, x1, y0, x0, y1, x1, y1),)
        elif self.kind is Kind.INK:
            strokes = []
            for gesture in self.e.iter(f"{self.ns}gesture"):
                nums = self.numbers(gesture.text or "", "an ink gesture", multiple=2)
                pressure = self.pressure(gesture, len(nums) // 2)
                strokes.append(
                    tuple(
                        (*frame.to_ours(nums[i], nums[i + 1]), pressure[i // 2])
                        for i in range(0, len(nums), 2)
                    )
                )
            if not strokes:
                self.fail("an ink annotation without strokes")
            values["strokes"] = tuple(strokes)
        else:
            values["rect"] = self.rect(frame)

    def pressure(self, gesture: ET.Element, count: int) -> list[float | None]:
        text = gesture.get(_g("pressure"))
        if text is None:
            return [None] * count
        parts = text.split(";")
        if len(parts) != count:
            self.fail("the pressures of an ink gesture do not match its points")
        values: list[float | None] = []
        for part in parts:
            value = self.number(part, "an ink pressure") if part.strip() else None
            if value is not None and not 0 <= value <= 1:
                self.fail(f"the ink pressure {_short(part)} is not between 0 and 1")
            values.append(value)
        return values

    def rect(self, frame: PageFrame) -> tuple[float, float, float, float]:
        text = self.attr("rect")
        if text is None:
            self.fail("it has no rect")
        nums = self.numbers(text, "rect")
        if len(nums) != 4:
            self.fail("its rect does not hold 4 numbers")
        corners = [frame.to_ours(x, y) for x in (nums[0], nums[2]) for y in (nums[1], nums[3])]
        xs, ys = zip(*corners, strict=True)
        return (min(xs), min(ys), max(xs), max(ys))

    def text(self) -> str:
        if self.e.get(_g("text-json")) is not None:
            return self.attr("text") or ""
        contents = self.e.find(f"{self.ns}contents")
        if contents is not None:
            return contents.text or ""
        rich = self.e.find(f"{self.ns}contents-richtext")
        if rich is not None:
            return "".join(rich.itertext()).strip()
        return ""

    def extensions(self, frame: PageFrame, values: dict[str, Any]) -> None:
        """Our own attributes, when the file is one of ours."""
        if (visibility := self.attr("visibility", ours=True)) is not None:
            try:
                values["visibility"] = Visibility(visibility)
            except ValueError:
                self.fail(f"the visibility “{_short(visibility)}” is not known")
        for attr, name in (("file-sha256", "file_sha256"), ("page-text-hash", "page_text_hash")):
            if (value := self.attr(attr, ours=True)) is not None:
                values[name] = value
        if self.attr("attention", ours=True) == "true":
            values["attention"] = True
        exact = self.attr("quote-exact", ours=True)
        if exact is not None and exact.strip():
            values["quote"] = TextQuote(
                exact,
                self.attr("quote-prefix", ours=True) or "",
                self.attr("quote-suffix", ours=True) or "",
            )
        point = self.attr("point", ours=True)
        if point is not None:
            nums = self.numbers(point, "the note's point")
            if len(nums) != 2:
                self.fail("the note's point does not hold 2 numbers")
            values["point"] = frame.to_ours(nums[0], nums[1])

    def identity(self, name: str, values: dict[str, Any]) -> str:
        try:
            parsed = uuid.UUID(name.strip())
        except ValueError:
            pass
        else:
            if parsed.int:
                return str(parsed)
        if not name.strip():  # no name: what it is and where makes it
            shape = values.get("quads") or values.get("strokes") or values.get("rect")
            name = f"{self.kind}|{values['page']}|{shape}"
        return str(uuid.uuid5(NAME_NAMESPACE, f"{self.file_id}\x00{name}"))


def _quad(v: Sequence[float]) -> Quad:
    return (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7])


def _short(text: str, length: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
