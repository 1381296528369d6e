"""Input schemas of the write endpoints. Unknown fields are refused; names are checked for tricks."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from sync.server.models import FileRole, MeetingState, OrganizationKind

# control characters (C0, DEL, C1), bidirectional overrides and isolates (name spoofing), path separators
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069/\\]|^\.{1,2}$|^\s|\s$")


def _safe_file_name(value: str) -> str:
    if _BAD_NAME.search(value) or ".." in value:
        raise ValueError("a file name may not contain path separators, '..' or control characters")
    return value


SafeFileName = Annotated[str, Field(min_length=1, max_length=255), AfterValidator(_safe_file_name)]
Text300 = Annotated[str, Field(min_length=1, max_length=300)]

MAX_ID = 2**31 - 1  # ids are INTEGER columns; larger numbers would fail in the database driver (a 500)
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:  # PostgreSQL cannot store it in text
            raise ValueError("text may not contain NUL characters")
        return value


class OrganizationIn(Strict):
    name: Text300
    short_name: str = Field(default="", max_length=100)
    kind: OrganizationKind
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class PersonIn(Strict):
    name: Text300
    given_name: str = Field(default="", max_length=150)
    family_name: str = Field(default="", max_length=150)
    form_of_address: str = Field(default="", max_length=50)
    title: str = Field(default="", max_length=100)


class MembershipIn(Strict):
    person_id: Id
    organization_id: Id
    role: str = Field(default="Mitglied", max_length=100)
    voting_right: bool = True
    deputy: bool = False
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class MeetingIn(Strict):
    organization_id: Id
    name: Text300
    start: AwareDatetime
    end: AwareDatetime | None = None
    location: str = Field(default="", max_length=300)
    state: MeetingState = MeetingState.DRAFT


class AgendaItemIn(Strict):
    meeting_id: Id
    number: str = Field(default="", max_length=30)
    order: int = Field(default=0, ge=0, le=100_000)
    name: Annotated[str, Field(min_length=1, max_length=5000)]
    public: bool = True
    result: str = Field(default="", max_length=200)


class PaperIn(Strict):
    reference: str = Field(default="", max_length=50)
    name: Annotated[str, Field(min_length=1, max_length=5000)]
    paper_type: str = Field(default="Vorlage", max_length=100)
    date: dt.date | None = None
    public: bool = True


class ConsultationIn(Strict):
    paper_id: Id
    agenda_item_id: Id
    role: str = Field(default="Beratung", max_length=100)
    authoritative: bool = False


class FileIn(Strict):
    name: Text300
    file_name: SafeFileName
    mime_type: str = Field(default="application/pdf", max_length=100)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    role: FileRole = FileRole.MAIN
    paper_id: Id | None = None
    agenda_item_id: Id | None = None
    meeting_id: Id | None = None
    document_id: Id | None = None
    supersedes_id: Id | None = None
    change_note: str = Field(default="", max_length=2000)


class EFileIn(Strict):
    reference_number: Annotated[str, Field(min_length=1, max_length=100)]
    title: Annotated[str, Field(min_length=1, max_length=500)]


class ProcessIn(Strict):
    efile_id: Id
    reference: str = Field(default="", max_length=100)
    title: Annotated[str, Field(min_length=1, max_length=500)]


class DocumentIn(Strict):
    process_id: Id
    title: Annotated[str, Field(min_length=1, max_length=500)]
    order: int = Field(default=0, ge=0, le=100_000)
