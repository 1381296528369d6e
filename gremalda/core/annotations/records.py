"""The annotation record (DESIGN §3) and its JSON form.

Geometry is in PDF user space (points, origin as PyMuPDF reports it) on a 0-based ``page``:
``quads`` for text markup (highlight, underline, strikeout; 8 numbers each: x0 y0 x1 y1 x2 y2 x3 y3 for
upper-left, upper-right, lower-left, lower-right), ``strokes`` of points ``(x, y, pressure | None)`` for
ink, ``rect`` (+ optional anchor ``point``) for notes and free text.

Merge metadata: every *register* (a field, or fields that only make sense together) carries a
:class:`Stamp` — a Lamport counter with the device id as tie-breaker — in ``clocks``; a tombstone
carries, in ``delete_seen``, the stamps of the registers the deleting device had seen (see
:mod:`gremalda.core.annotations.merge`). ``created``/``modified`` are wall-clock times shown to people,
never used to decide anything.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, NamedTuple

from gremalda.core.annotations.errors import AnnotationTooLarge, InkTooLarge, InvalidAnnotation
from sync.protocol.limits import (
    MAX_ANNOTATION_BYTES,
    MAX_INK_STROKES,
    MAX_STROKE_POINTS,
    annotation_record_bytes,
)


class Kind(StrEnum):
    HIGHLIGHT = "highlight"
    UNDERLINE = "underline"
    STRIKEOUT = "strikeout"
    INK = "ink"
    NOTE = "note"
    FREETEXT = "freetext"

    @property
    def is_text_markup(self) -> bool:
        return self in (Kind.HIGHLIGHT, Kind.UNDERLINE, Kind.STRIKEOUT)


class Visibility(StrEnum):
    PRIVATE = "private"
    FACTION = "faction"
    COMMITTEE = "committee"


class Stamp(NamedTuple):
    """A Lamport stamp: ordered by counter, then device id (a total order the same on every device)."""

    counter: int
    device: str


ZERO = Stamp(0, "")

Quad = tuple[float, float, float, float, float, float, float, float]
InkPoint = tuple[float, float, float | None]
Stroke = tuple[InkPoint, ...]
Rect = tuple[float, float, float, float]
Point = tuple[float, float]

# The registers a merge decides separately, and the fields each one holds. Where a record sits (its
# document, page, geometry and anchor) changes as a whole: a move and a re-anchoring never mix halves.
REGISTERS: dict[str, tuple[str, ...]] = {
    "placement": (
        "file_id", "file_sha256", "page", "quads", "strokes", "rect", "point", "quote", "page_text_hash",
        "attention",
    ),
    "colour": ("colour",),
    "width": ("width",),
    "opacity": ("opacity",),
    "text": ("text",),
    "visibility": ("visibility",),
}  # fmt: skip
DELETED = "deleted"  # the tombstone's register
FIELD_REGISTER: dict[str, str] = {name: reg for reg, names in REGISTERS.items() for name in names}
IMMUTABLE = ("id", "kind", "author_id", "author_name", "created")

_COLOUR = re.compile(r"#[0-9a-f]{6}")
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class TextQuote:
    """A W3C-style text-quote selector: the marked text and a little context before and after it."""

    exact: str
    prefix: str = ""
    suffix: str = ""

    def __post_init__(self) -> None:
        if not self.exact.strip():
            raise InvalidAnnotation(detail="quote.exact is empty")


@dataclass(frozen=True)
class Annotation:
    id: str
    file_id: str
    kind: Kind
    page: int
    author_id: str
    author_name: str = ""
    file_sha256: str | None = None
    quads: tuple[Quad, ...] = ()
    strokes: tuple[Stroke, ...] = ()
    rect: Rect | None = None
    point: Point | None = None
    colour: str = "#ffd700"
    width: float = 1.0
    opacity: float = 1.0
    text: str = ""
    quote: TextQuote | None = None
    page_text_hash: str | None = None
    attention: bool = False  # re-anchoring did not find the quote in a new version: a person should look
    visibility: Visibility = Visibility.PRIVATE
    created: str = ""
    modified: str = ""
    deleted: bool = False
    clocks: Mapping[str, Stamp] = field(default_factory=dict)
    delete_seen: Mapping[str, Stamp] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _validate(self)

    def stamp(self, register: str) -> Stamp:
        return self.clocks.get(register, ZERO)

    @property
    def max_counter(self) -> int:
        counters = [s.counter for s in self.clocks.values()] + [s.counter for s in self.delete_seen.values()]
        return max(counters, default=0)

    @property
    def alive(self) -> bool:
        """Whether the record shows: not deleted, or edited in a way the deletion had not seen (an edit
        beats a concurrent delete)."""
        if not self.deleted:
            return True
        return any(self.stamp(reg) > self.delete_seen.get(reg, ZERO) for reg in REGISTERS)

    def to_json(self) -> str:
        return json.dumps(to_dict(self), ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _fail(detail: str) -> InvalidAnnotation:
    return InvalidAnnotation(detail=detail)


def _finite(name: str, *values: float | None) -> None:
    for v in values:
        if v is not None and (not isinstance(v, int | float) or isinstance(v, bool) or not math.isfinite(v)):
            raise _fail(f"{name}: {v!r} is not a finite number")


def _validate(a: Annotation) -> None:
    try:
        if str(uuid.UUID(a.id)) != a.id:
            raise ValueError(a.id)
    except (ValueError, TypeError, AttributeError):
        raise _fail(f"id: {a.id!r} is not a lowercase UUID") from None
    if not isinstance(a.kind, Kind):
        raise _fail(f"kind: {a.kind!r}")
    if not isinstance(a.visibility, Visibility):
        raise _fail(f"visibility: {a.visibility!r}")
    if not a.file_id:
        raise _fail("file_id is empty")
    if not a.author_id:
        raise _fail("author_id is empty")
    if a.file_sha256 is not None and not _SHA256.fullmatch(a.file_sha256):
        raise _fail(f"file_sha256: {a.file_sha256!r}")
    if a.page_text_hash is not None and not _SHA256.fullmatch(a.page_text_hash):
        raise _fail(f"page_text_hash: {a.page_text_hash!r}")
    if isinstance(a.page, bool) or not isinstance(a.page, int) or a.page < 0:
        raise _fail(f"page: {a.page!r} is not a 0-based page number")
    if not _COLOUR.fullmatch(a.colour):
        raise _fail(f"colour: {a.colour!r} is not #rrggbb (lowercase)")
    _finite("width", a.width)
    _finite("opacity", a.opacity)
    if not 0 < a.width <= 100:
        raise _fail(f"width: {a.width!r} is not in (0, 100]")
    if not 0 <= a.opacity <= 1:
        raise _fail(f"opacity: {a.opacity!r} is not in [0, 1]")
    for quad in a.quads:
        if len(quad) != 8:
            raise _fail(f"quads: {quad!r} does not have 8 numbers")
        _finite("quads", *quad)
    for stroke in a.strokes:
        if not stroke:
            raise _fail("strokes: an empty stroke")
        for p in stroke:
            if len(p) != 3:
                raise _fail(f"strokes: {p!r} is not (x, y, pressure)")
            _finite("strokes", *p)
            if p[2] is not None and not 0 <= p[2] <= 1:
                raise _fail(f"strokes: pressure {p[2]!r} is not in [0, 1]")
    if a.rect is not None:
        if len(a.rect) != 4:
            raise _fail(f"rect: {a.rect!r}")
        _finite("rect", *a.rect)
        if a.rect[0] > a.rect[2] or a.rect[1] > a.rect[3]:
            raise _fail(f"rect: {a.rect!r} has x0 > x1 or y0 > y1")
    if a.point is not None:
        if len(a.point) != 2:
            raise _fail(f"point: {a.point!r}")
        _finite("point", *a.point)
    if a.kind.is_text_markup:
        if not a.quads or a.strokes or a.rect is not None:
            raise _fail(f"{a.kind}: text markup needs quads, and no strokes or rect")
    elif a.kind is Kind.INK:
        if not a.strokes or a.quads or a.rect is not None:
            raise _fail("ink: needs strokes, and no quads or rect")
    elif a.rect is None or a.quads or a.strokes:
        raise _fail(f"{a.kind}: needs a rect, and no quads or strokes")
    for name, stamps in (("clocks", a.clocks), ("delete_seen", a.delete_seen)):
        for reg, s in stamps.items():
            if reg not in REGISTERS and reg != DELETED:
                raise _fail(f"{name}: unknown register {reg!r}")
            if not isinstance(s, Stamp) or s.counter < 0 or not isinstance(s.device, str):
                raise _fail(f"{name}[{reg}]: {s!r} is not a stamp")


def check_shareable(a: Annotation) -> None:
    """Raise :class:`InkTooLarge` or :class:`AnnotationTooLarge` when the server would refuse ``a`` for
    its size (the limits of sync/protocol/limits.py, which the server checks on every push)."""
    if len(a.strokes) > MAX_INK_STROKES:
        raise InkTooLarge(detail=f"{len(a.strokes)} strokes; at most {MAX_INK_STROKES}")
    longest = max((len(s) for s in a.strokes), default=0)
    if longest > MAX_STROKE_POINTS:
        raise InkTooLarge(detail=f"a stroke of {longest} points; at most {MAX_STROKE_POINTS}")
    try:
        size = annotation_record_bytes(to_dict(a))
    except UnicodeEncodeError as exc:
        raise InvalidAnnotation(detail=f"text that is not valid Unicode: {exc}") from None
    if size > MAX_ANNOTATION_BYTES:
        raise AnnotationTooLarge(detail=f"{size} bytes; at most {MAX_ANNOTATION_BYTES}")


# --- JSON ------------------------------------------------------------------------------------------------


def to_dict(a: Annotation) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(a):
        value = getattr(a, f.name)
        if f.name in ("clocks", "delete_seen"):
            value = {reg: [s.counter, s.device] for reg, s in sorted(value.items())}
        elif f.name == "quote" and value is not None:
            value = {"exact": value.exact, "prefix": value.prefix, "suffix": value.suffix}
        elif isinstance(value, tuple):
            value = json.loads(json.dumps(value))
        out[f.name] = value
    return out


def _tuple(value: Any, depth: int) -> Any:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {value!r}")
    if depth == 1:
        return tuple(value)
    return tuple(_tuple(v, depth - 1) for v in value)


def from_dict(data: Mapping[str, Any]) -> Annotation:
    """The record of a JSON object (stored or received); :class:`InvalidAnnotation` when malformed."""
    try:
        known = {f.name for f in fields(Annotation)}
        unknown = set(data) - known
        if unknown:
            raise _fail(f"unknown fields {sorted(unknown)}")
        kw = dict(data)
        kw["kind"] = Kind(kw["kind"])
        if "visibility" in kw:
            kw["visibility"] = Visibility(kw["visibility"])
        if "quads" in kw:
            kw["quads"] = _tuple(kw["quads"], 2)
        if "strokes" in kw:
            kw["strokes"] = _tuple(kw["strokes"], 3)
        for name in ("rect", "point"):
            if kw.get(name) is not None:
                kw[name] = _tuple(kw[name], 1)
        if kw.get("quote") is not None:
            kw["quote"] = TextQuote(**kw["quote"])
        for name in ("clocks", "delete_seen"):
            if name in kw:
                kw[name] = {str(reg): Stamp(int(c), str(d)) for reg, (c, d) in kw[name].items()}
        return Annotation(**kw)
    except InvalidAnnotation:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _fail(f"malformed annotation data: {type(exc).__name__}: {exc}") from exc


def from_json(text: str) -> Annotation:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _fail(f"annotation data is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise _fail("annotation data is not a JSON object")
    return from_dict(data)
