"""Reading XFDF (see :mod:`gremalda.core.annotations.xfdf` for the format and our extensions).

Defensive: the data is parsed by expat with any DOCTYPE, entity declaration or external entity refused,
at most :data:`~gremalda.core.annotations.xfdf.MAX_BYTES` long; a malformed file or annotation (not
XML, another root, a bad number or colour, a page the document does not have) raises
:class:`InvalidXfdf` naming what is wrong, before anything is stored. Annotation types we do not have
(squares, stamps, …) are counted, not imported; popups belong to their parent and are skipped. The ink
of other programs is simplified as drawn ink is (:func:`~gremalda.core.annotations.authoring.stroke`).
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
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn
from xml.parsers import expat

from gremalda.core.annotations.authoring import INK_MAX_POINTS, stroke
from gremalda.core.annotations.errors import InvalidAnnotation, InvalidXfdf
from gremalda.core.annotations.merge import create
from gremalda.core.annotations.records import Annotation, Kind, Quad, Stroke, TextQuote, Visibility
from gremalda.core.annotations.xfdf import (
    ELEMENT,
    MAX_ANNOTATIONS,
    MAX_BYTES,
    NAME_NAMESPACE,
    XFDF_NS,
    PageFrame,
    iso_date,
    local_name,
    num,
    ours,
    xfdf_name,
)

_KIND = {name: kind for kind, name in ELEMENT.items()}
_SKIPPED = {"popup"}  # part of their parent annotation
_DEFAULT_COLOUR = {Kind.HIGHLIGHT: "#ffd700", Kind.NOTE: "#ffd700"}
_COLOUR = re.compile(r"#([0-9a-fA-F]{6})")
_DA_RGB = re.compile(r"([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+rg")


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
    if root.tag not in (xfdf_name("xfdf"), "xfdf"):
        _refuse(f"its root element is <{local_name(root.tag)}>, not <xfdf>")
    parsed = ParsedXfdf()
    ns = "" if root.tag == "xfdf" else f"{{{XFDF_NS}}}"
    seen: set[str] = set()
    for annots in root.iter(f"{ns}annots"):
        for number, element in enumerate(annots, 1):
            local = local_name(element.tag)
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
        self.label = f"annotation {number} (<{local_name(element.tag)}>)"

    def fail(self, what: str) -> NoReturn:
        _refuse(f"{self.label}: {what}")

    def attr(self, name: str, *, own: bool = False) -> str | None:
        """An attribute's value (an XFDF one, or with ``own`` one of our namespace), exactly as it
        was written when it came with its JSON form (see ``_put``)."""
        exact = self.e.get(ours(name + "-json"))
        if exact is not None:
            try:
                value = json.loads(exact)
            except ValueError:
                value = None
            if not isinstance(value, str):
                self.fail(f"the attribute {name}-json is not a JSON string")
            return value
        return self.e.get(ours(name) if own else name)

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
                    self.fail(f"{name} {_short(text)} is not between {num(low)} and {num(high)}")
                if name == "width" and value == 0:  # no border: other programs' highlights say so
                    continue
                values[name] = value
        values["text"] = self.text()
        self.extensions(frame, values)
        name = self.attr("name") or ""
        created = self.attr("created", own=True)
        modified = self.attr("modified", own=True)
        author_id = self.attr("author-id", own=True) or None
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
            if (mine := self.colour(ours("colour"))) is not None:
                return mine
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
            # Another program's handwriting keeps every point its pen gave: simplified as drawn ink is
            # (a stroke of ours was already, and stays as it is unless it is too long to share).
            ours_ = self.e.get(ours("visibility")) is not None
            strokes = []
            for gesture in self.e.iter(f"{self.ns}gesture"):
                nums = self.numbers(gesture.text or "", "an ink gesture", multiple=2)
                pressure = self.pressure(gesture, len(nums) // 2)
                drawn: Stroke = tuple(
                    (*frame.to_ours(nums[i], nums[i + 1]), pressure[i // 2]) for i in range(0, len(nums), 2)
                )
                strokes.append(drawn if ours_ and len(drawn) <= INK_MAX_POINTS else stroke(drawn))
            if not strokes:
                self.fail("an ink annotation without strokes")
            values["strokes"] = tuple(strokes)
        else:
            values["rect"] = self.rect(frame)

    def pressure(self, gesture: ET.Element, count: int) -> list[float | None]:
        text = gesture.get(ours("pressure"))
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
        if self.e.get(ours("text-json")) is not None:
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
        if (visibility := self.attr("visibility", own=True)) is not None:
            try:
                values["visibility"] = Visibility(visibility)
            except ValueError:
                self.fail(f"the visibility “{_short(visibility)}” is not known")
        for attr, name in (("file-sha256", "file_sha256"), ("page-text-hash", "page_text_hash")):
            if (value := self.attr(attr, own=True)) is not None:
                values[name] = value
        if self.attr("attention", own=True) == "true":
            values["attention"] = True
        exact = self.attr("quote-exact", own=True)
        if exact is not None and exact.strip():
            values["quote"] = TextQuote(
                exact,
                self.attr("quote-prefix", own=True) or "",
                self.attr("quote-suffix", own=True) or "",
            )
        point = self.attr("point", own=True)
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
        if not name.strip():  # no name: what it is, where, and its place in the file make it
            shape = values.get("quads") or values.get("strokes") or values.get("rect")
            name = f"{self.label}|{self.kind}|{values['page']}|{shape}"
        return str(uuid.uuid5(NAME_NAMESPACE, f"{self.file_id}\x00{name}"))


def _quad(v: Sequence[float]) -> Quad:
    return (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7])


def _short(text: str, length: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
