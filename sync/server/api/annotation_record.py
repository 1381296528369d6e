"""The annotation record as the server checks it before storing it.

A mirror of the client's record (gremalda/core/annotations/records.py; the server never imports the
client): the same fields, the same rules for ids, geometry, colours and sizes, unknown fields refused.
Types are strict -- a number sent as a string is refused, not converted -- because the server stores
and forwards the record exactly as it came, and every client must be able to read it back.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic import Strict as StrictType

from sync.protocol.limits import MAX_INK_STROKES, MAX_STROKE_POINTS
from sync.server.api.schemas import MAX_ID

REGISTERS = ("placement", "colour", "width", "opacity", "text", "visibility", "deleted")
TEXT_MARKUP = ("highlight", "underline", "strikeout")
_ID_DIGITS = re.compile(r"[1-9][0-9]{0,9}")
MAX_STROKES = MAX_INK_STROKES  # the client checks the same limits when saving (sync/protocol/limits.py)

Number = Annotated[float, StrictType(), Field(allow_inf_nan=False)]
Pressure = Annotated[float, StrictType(), Field(ge=0, le=1, allow_inf_nan=False)]
Sha256 = Annotated[str, StrictType(), Field(pattern=r"^[0-9a-f]{64}$")]
Stamp = tuple[Annotated[int, StrictType(), Field(ge=0)], StrictStr]
Register = Literal["placement", "colour", "width", "opacity", "text", "visibility", "deleted"]


def _id_digits(value: str, what: str) -> str:
    if not _ID_DIGITS.fullmatch(value) or int(value) > MAX_ID:
        raise ValueError(f"{value!r} is not the id of a {what}")
    return value


class TextQuoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    exact: StrictStr
    prefix: StrictStr = ""
    suffix: StrictStr = ""

    @field_validator("exact")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the quoted text is empty")
        return value


class AnnotationRecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: StrictStr
    file_id: StrictStr
    kind: Literal["highlight", "underline", "strikeout", "ink", "note", "freetext"]
    page: Annotated[int, StrictType(), Field(ge=0)]
    author_id: StrictStr
    author_name: Annotated[str, StrictType(), Field(max_length=300)] = ""
    file_sha256: Sha256 | None = None
    quads: list[tuple[Number, Number, Number, Number, Number, Number, Number, Number]] = []
    strokes: Annotated[
        list[
            Annotated[
                list[tuple[Number, Number, Pressure | None]],
                Field(min_length=1, max_length=MAX_STROKE_POINTS),
            ]
        ],
        Field(max_length=MAX_STROKES),
    ] = []
    rect: tuple[Number, Number, Number, Number] | None = None
    point: tuple[Number, Number] | None = None
    colour: Annotated[str, StrictType(), Field(pattern=r"^#[0-9a-f]{6}$")] = "#ffd700"
    width: Annotated[float, StrictType(), Field(gt=0, le=100, allow_inf_nan=False)] = 1.0
    opacity: Annotated[float, StrictType(), Field(ge=0, le=1, allow_inf_nan=False)] = 1.0
    text: StrictStr = ""
    quote: TextQuoteIn | None = None
    page_text_hash: Sha256 | None = None
    attention: StrictBool = False
    visibility: Literal["private", "faction", "committee"] = "private"
    created: Annotated[str, StrictType(), Field(max_length=64)] = ""
    modified: Annotated[str, StrictType(), Field(max_length=64)] = ""
    deleted: StrictBool = False
    clocks: dict[Register, Stamp] = {}
    delete_seen: dict[Register, Stamp] = {}

    @field_validator("id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        try:
            ok = str(uuid.UUID(value)) == value
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(f"{value!r} is not a lowercase UUID")
        return value

    @field_validator("file_id")
    @classmethod
    def _file(cls, value: str) -> str:
        return _id_digits(value, "file")

    @field_validator("author_id")
    @classmethod
    def _author(cls, value: str) -> str:
        return _id_digits(value, "user")

    @model_validator(mode="after")
    def _geometry(self) -> AnnotationRecordIn:
        if self.rect is not None and (self.rect[0] > self.rect[2] or self.rect[1] > self.rect[3]):
            raise ValueError(f"rect {list(self.rect)} has x0 > x1 or y0 > y1")
        if self.kind in TEXT_MARKUP:
            if not self.quads or self.strokes or self.rect is not None:
                raise ValueError(f"{self.kind}: text mark-up needs quads, and no strokes or rect")
        elif self.kind == "ink":
            if not self.strokes or self.quads or self.rect is not None:
                raise ValueError("ink needs strokes, and no quads or rect")
        elif self.rect is None or self.quads or self.strokes:
            raise ValueError(f"{self.kind} needs a rect, and no quads or strokes")
        return self


class InvalidRecord(ValueError):
    """A record the server will not store; the message says why, for people."""


def check_record(raw: dict[str, Any]) -> AnnotationRecordIn:
    try:
        return AnnotationRecordIn.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(x) for x in e['loc']) or 'record'}: {e['msg']}" for e in exc.errors()[:10]
        )
        raise InvalidRecord(f"The annotation is not valid: {problems}") from None
