"""The notes of a meeting, gathered for a summary (Qt-free; :mod:`gremalda.pdf.summary` prints them).

All live annotations on the meeting's documents — the meeting's own files (invitation, minutes) and
each agenda item's, older versions of a document included — by the signed-in user and, unless left
out, those others shared with them (each marked with its author). Grouped by agenda item in agenda
order, then by document; within a document by page and position. The meeting, its items and documents
are the library's records (:mod:`gremalda.core.records`, read through
:class:`~gremalda.core.library.Library`); a section and a document here only add their notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from gremalda.core.annotations.records import Annotation, Kind
from gremalda.core.annotations.store import AnnotationStore
from gremalda.core.errors import DocumentNotFound
from gremalda.core.library import Library, parse_time
from gremalda.core.records import AgendaEntry, FileEntry, MeetingSummary

if TYPE_CHECKING:
    from gremalda.core.account import Identity
    from gremalda.store.replica import Store


@dataclass(frozen=True)
class Note:
    page: int  # 1-based, as people count
    kind: Kind
    marked: str  # the marked text (text markup), "" for the others
    text: str  # the note's or comment's text
    author: str
    mine: bool
    when: datetime | None  # last changed (else made)
    attention: bool  # re-anchoring could not place it in a new version of the document


@dataclass(frozen=True)
class DocumentNotes:
    """The notes on one file (one version of a document) as the library lists it."""

    file: FileEntry
    notes: tuple[Note, ...]

    @property
    def file_id(self) -> str:
        return self.file.id

    @property
    def name(self) -> str:
        """The document's name as the user knows it (else its file name)."""
        return self.file.name or self.file.file_name

    @property
    def superseded(self) -> bool:
        return self.file.superseded


@dataclass(frozen=True)
class Section:
    """The notes of an agenda item's documents, or (``item`` None) of the meeting's own documents."""

    item: AgendaEntry | None
    documents: tuple[DocumentNotes, ...]

    @property
    def own(self) -> bool:
        return self.item is None

    @property
    def number(self) -> str:
        return (self.item.number or "") if self.item is not None else ""

    @property
    def name(self) -> str:
        return self.item.name if self.item is not None else ""


@dataclass(frozen=True)
class MeetingNotes:
    meeting: MeetingSummary
    user_name: str
    made: datetime
    sections: tuple[Section, ...]

    @property
    def count(self) -> int:
        return sum(len(d.notes) for s in self.sections for d in s.documents)


def _position(a: Annotation) -> tuple[float, float]:
    if a.quads:
        return (a.quads[0][1], a.quads[0][0])
    if a.strokes:
        return (min(p[1] for s in a.strokes for p in s), min(p[0] for s in a.strokes for p in s))
    if a.rect is not None:
        return (a.rect[1], a.rect[0])
    return (0.0, 0.0)


def _note(a: Annotation, user_id: str) -> Note:
    return Note(
        page=a.page + 1,
        kind=a.kind,
        marked=a.quote.exact if a.quote is not None else "",
        text=a.text,
        author=a.author_name or a.author_id,
        mine=a.author_id == user_id,
        when=parse_time(a.modified) or parse_time(a.created),
        attention=a.attention,
    )


def gather(store: Store, meeting_id: str, who: Identity, *, include_others: bool = True) -> MeetingNotes:
    """The notes on the documents of meeting ``meeting_id``; :class:`DocumentNotFound` when the
    replica does not hold that meeting."""
    folder = Library(store.db.conn).meeting(meeting_id, include_superseded=True)
    if folder is None:
        raise DocumentNotFound(
            f"There is no meeting {meeting_id} in the offline copy (ids: gremalda ls meetings).",
        )
    groups: list[tuple[AgendaEntry | None, tuple[FileEntry, ...]]] = [(None, folder.meeting_files)]
    groups += [(item, item.files) for item in folder.items]
    file_ids = [f.id for _, files in groups for f in files]
    by_file: dict[str, list[Annotation]] = {}
    for a in AnnotationStore(store.db, who.device, user_id=who.user_id).list_for_files(file_ids):
        if include_others or a.author_id == who.user_id:
            by_file.setdefault(a.file_id, []).append(a)
    sections = []
    listed: set[str] = set()
    for item, files in groups:
        documents = []
        for entry in files:
            if entry.id in listed or not by_file.get(entry.id):
                continue
            listed.add(entry.id)
            records = sorted(by_file[entry.id], key=lambda a: (a.page, _position(a), a.created, a.id))
            documents.append(DocumentNotes(entry, tuple(_note(a, who.user_id) for a in records)))
        if documents:
            sections.append(Section(item, tuple(documents)))
    return MeetingNotes(folder.meeting, who.author_name, datetime.now(UTC), tuple(sections))
