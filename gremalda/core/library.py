"""The library: a read-only view of the replica — meetings with their agendas, e-files, files, status.

Used by the command line (``gremalda ls``, ``status``, ``export``) and the Qt views; it returns the plain
records of :mod:`gremalda.core.records` and never touches the network or Qt.

The replica holds the server's objects as their wire JSON (``object`` table, one row per object). They
may be incomplete: an object can point to one this user may not see (a consultation whose paper is not
visible, a file of a withheld agenda item). A dangling reference is skipped, or named "nicht verfügbar"
in a label; it never raises.

Every call reads the objects it needs with a few set-wise queries (never one per meeting or per item),
so a replica with tens of thousands of agenda items answers quickly. Nothing is cached between calls:
the sync engine changes the replica underneath.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from gremalda.core.council_time import meeting_zone, replica_meeting_zone, wall_clock
from gremalda.core.errors import DocumentAmbiguous, DocumentNotFound
from gremalda.core.records import (
    AgendaEntry,
    DocumentEntry,
    EFileSummary,
    EFileTree,
    FileEntry,
    MeetingFolder,
    MeetingSummary,
    PaperRef,
    ProcessEntry,
    ReplicaStatus,
)
from gremalda.core.replica_objects import (
    Data,
    _flag,
    _fold,
    _id_key,
    _int,
    _natural,
    _Objects,
    _short,
    _text,
    parse_time,
    ref_id,
)
from gremalda.store.database import Connection

__all__ = ["OBJECT_TYPES", "UNAVAILABLE", "Data", "Library", "meeting_label", "parse_time", "ref_id"]

UNAVAILABLE = "nicht verfügbar"
#: the object types of the change feed, in the feed's order
OBJECT_TYPES = (
    "body", "organization", "person", "membership", "meeting", "agenda_item",
    "paper", "consultation", "efile", "process", "document", "file",
)  # fmt: skip
_ROLE_ORDER = {"invitation": 0, "main": 1, "auxiliary": 2, "late": 3, "minutes": 4}
_AMBIGUOUS_SHOWN = 10


# --- labels ----------------------------------------------------------------------------------------------


def meeting_label(meeting: Data, objects: _Objects | None = None) -> str:
    """ "1. Sitzung Verkehrsausschuss 2026 12.03.2026": the name and the date of the start in the body's
    time zone (:func:`council_time.meeting_zone`; its body read through `objects`)."""
    name = _short(_text(meeting.get("name"))) or "Sitzung"
    start = parse_time(meeting.get("start"))
    zone = replica_meeting_zone(meeting, objects.get) if objects is not None else meeting_zone(meeting, None)
    return f"{name} {wall_clock(start, zone):%d.%m.%Y}" if start else name


def _item_label(item: Data) -> str:
    number = _text(item.get("number")).strip()
    return f"TOP {number}" if number else _short(_text(item.get("name"))) or "TOP"


def _paper_label(paper: Data) -> str:
    reference = _text(paper.get("reference")).strip()
    return f"Drucksache {reference}" if reference else _short(_text(paper.get("name"))) or "Drucksache"


def _context(file: Data, objects: _Objects) -> str:
    """Where a file belongs, in a few words (its owner's objects must have been prefetched)."""
    if (item_id := ref_id(file.get("agenda_item_id"))) is not None:
        item = objects.get("agenda_item", item_id)
        if item is None:
            return f"TOP ({UNAVAILABLE})"
        meeting = objects.get("meeting", ref_id(item.get("meeting_id")))
        return _item_label(item) + (f" · {meeting_label(meeting, objects)}" if meeting else "")
    if (paper_id := ref_id(file.get("paper_id"))) is not None:
        paper = objects.get("paper", paper_id)
        return _paper_label(paper) if paper else f"Drucksache ({UNAVAILABLE})"
    if (meeting_id := ref_id(file.get("meeting_id"))) is not None:
        meeting = objects.get("meeting", meeting_id)
        return meeting_label(meeting, objects) if meeting else f"Sitzung ({UNAVAILABLE})"
    if (document_id := ref_id(file.get("document_id"))) is not None:
        document = objects.get("document", document_id)
        if document is None:
            return f"Akte ({UNAVAILABLE})"
        process = objects.get("process", ref_id(document.get("process_id")))
        efile = objects.get("efile", ref_id(process.get("efile_id"))) if process else None
        parts = []
        if efile is not None:
            parts.append(
                "Akte " + (_text(efile.get("reference_number")) or _short(_text(efile.get("title"))))
            )
        if process is not None:
            parts.append(_short(_text(process.get("title")) or _text(process.get("reference"))))
        parts.append(_short(_text(document.get("title"))) or "Dokument")
        return " › ".join(parts)
    return ""


def _file_order(entry: FileEntry) -> tuple[Any, ...]:
    return (
        entry.superseded,
        _ROLE_ORDER.get(entry.role, len(_ROLE_ORDER)),
        _natural(entry.name),
        _id_key(entry.id),
    )


# --- the service ------------------------------------------------------------------------------------------


class Library:
    """Read-only queries over the replica's database (one connection, one thread)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # meetings

    def meetings(self, *, include_cancelled: bool = True) -> list[MeetingSummary]:
        """All meetings by start (undated ones last), then id."""
        objects = _Objects(self.conn)
        meetings = objects.all("meeting")
        objects.some("organization", (ref_id(m.get("organization_id")) for m in meetings.values()))
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # meeting id -> items, non-public
        for item in objects.scan("agenda_item"):
            if (meeting_id := ref_id(item.get("meeting_id"))) is not None:
                counts[meeting_id][0] += 1
                counts[meeting_id][1] += not _flag(item.get("public"), True)
        summaries = [
            self._summary(meeting_id, data, objects, *counts.get(meeting_id, (0, 0)))
            for meeting_id, data in meetings.items()
        ]
        if not include_cancelled:
            summaries = [s for s in summaries if not s.cancelled]
        return sorted(summaries, key=_meeting_order)

    def meeting(self, meeting_id: str, *, include_superseded: bool = False) -> MeetingFolder | None:
        """A meeting with its agenda in order; ``None`` if the replica does not hold it."""
        objects = _Objects(self.conn)
        data = objects.get("meeting", meeting_id)
        if data is None:
            return None
        objects.get("organization", ref_id(data.get("organization_id")))
        items = objects.where("agenda_item", {"meeting_id": [meeting_id]})
        consultations = objects.where("consultation", {"agenda_item_id": items.keys()})
        papers = objects.some("paper", (ref_id(c.get("paper_id")) for c in consultations.values()))
        files = objects.where(
            "file", {"agenda_item_id": items.keys(), "paper_id": papers.keys(), "meeting_id": [meeting_id]}
        )
        entries = self._entries(objects, files)
        shown = [e for e in entries.values() if include_superseded or not e.superseded]
        by_owner: dict[tuple[str, str], list[FileEntry]] = defaultdict(list)
        for entry in sorted(shown, key=_file_order):
            file = files[entry.id]
            for field in ("agenda_item_id", "paper_id", "meeting_id"):
                if (owner := ref_id(file.get(field))) is not None:
                    by_owner[field, owner].append(entry)
        papers_of: dict[str, list[str]] = defaultdict(list)
        for _, consultation in sorted(consultations.items(), key=lambda c: _id_key(c[0])):
            item_id, paper_id = (
                ref_id(consultation.get("agenda_item_id")),
                ref_id(consultation.get("paper_id")),
            )
            if item_id is not None and paper_id in papers and paper_id not in papers_of[item_id]:
                papers_of[item_id].append(paper_id)
        agenda = []
        for item_id, item in sorted(items.items(), key=_item_order):
            item_files: dict[str, FileEntry] = {}
            for paper_id in papers_of[item_id]:
                item_files.update((e.id, e) for e in by_owner["paper_id", paper_id])
            item_files.update((e.id, e) for e in by_owner["agenda_item_id", item_id])
            agenda.append(
                AgendaEntry(
                    id=item_id,
                    number=_text(item.get("number")).strip() or None,
                    name=_text(item.get("name")),
                    public=_flag(item.get("public"), True),
                    result=_text(item.get("result")),
                    papers=tuple(_paper_ref(p, papers[p]) for p in papers_of[item_id]),
                    files=tuple(item_files.values()),
                )
            )
        nonpublic = sum(1 for entry in agenda if not entry.public)
        summary = self._summary(meeting_id, data, objects, len(agenda), nonpublic)
        return MeetingFolder(summary, tuple(agenda), tuple(by_owner["meeting_id", meeting_id]))

    @staticmethod
    def _summary(
        meeting_id: str, data: Data, objects: _Objects, items: int, nonpublic: int
    ) -> MeetingSummary:
        organization = objects.get("organization", ref_id(data.get("organization_id")))
        return MeetingSummary(
            id=meeting_id,
            name=_text(data.get("name")),
            start=parse_time(data.get("start")),
            end=parse_time(data.get("end")),
            state=_text(data.get("state")) or "published",
            organization=(_text(organization.get("name")) or None) if organization else None,
            location=_text(data.get("location")),
            item_count=items,
            nonpublic_count=nonpublic,
            zone=replica_meeting_zone(data, objects.get),
        )

    # e-files

    def efiles(self) -> list[EFileSummary]:
        """All e-files by reference number."""
        objects = _Objects(self.conn)
        documents: dict[str | None, int] = defaultdict(int)  # process id -> documents
        for document in objects.scan("document"):
            documents[ref_id(document.get("process_id"))] += 1
        processes: dict[str, list[str]] = defaultdict(list)
        for process_id, process in objects.all("process").items():
            if (efile_id := ref_id(process.get("efile_id"))) is not None:
                processes[efile_id].append(process_id)
        summaries = [
            _efile_summary(
                efile_id,
                data,
                len(processes[efile_id]),
                sum(documents.get(p, 0) for p in processes[efile_id]),
            )
            for efile_id, data in objects.all("efile").items()
        ]
        return sorted(summaries, key=lambda e: (_natural(e.reference_number), _id_key(e.id)))

    def efile(self, efile_id: str, *, include_superseded: bool = False) -> EFileTree | None:
        """An e-file with its processes, their documents and the documents' files; ``None`` if absent."""
        objects = _Objects(self.conn)
        data = objects.get("efile", efile_id)
        if data is None:
            return None
        processes = objects.where("process", {"efile_id": [efile_id]})
        documents = objects.where("document", {"process_id": processes.keys()})
        files = objects.where("file", {"document_id": documents.keys()})
        entries = self._entries(objects, files)
        files_of: dict[str, list[FileEntry]] = defaultdict(list)
        for entry in sorted(entries.values(), key=_file_order):
            if include_superseded or not entry.superseded:
                files_of[ref_id(files[entry.id].get("document_id")) or ""].append(entry)
        documents_of: dict[str, list[DocumentEntry]] = defaultdict(list)
        for document_id, document in sorted(documents.items(), key=_document_order):
            documents_of[ref_id(document.get("process_id")) or ""].append(
                DocumentEntry(
                    id=document_id,
                    title=_text(document.get("title")),
                    order=_int(document.get("order")) or 0,
                    files=tuple(files_of[document_id]),
                )
            )
        tree = [
            ProcessEntry(
                id=process_id,
                reference=_text(process.get("reference")),
                title=_text(process.get("title")),
                documents=tuple(documents_of[process_id]),
            )
            for process_id, process in sorted(
                processes.items(), key=lambda p: (_natural(_text(p[1].get("reference"))), _id_key(p[0]))
            )
        ]
        summary = _efile_summary(efile_id, data, len(tree), len(documents))
        return EFileTree(summary, tuple(tree))

    # files

    def files(self, *, include_superseded: bool = True) -> list[FileEntry]:
        """All files, by id."""
        objects = _Objects(self.conn)
        entries = self._entries(objects, objects.all("file"))
        shown = [e for e in entries.values() if include_superseded or not e.superseded]
        return sorted(shown, key=lambda e: _id_key(e.id))

    def file(self, file_id: str) -> FileEntry | None:
        """One file (also an older version), or ``None`` if the replica does not hold it."""
        found = self.file_with_owners(file_id)
        return None if found is None else found[0]

    def file_with_owners(
        self, file_id: str
    ) -> tuple[FileEntry, Callable[[str, str | None], Data | None]] | None:
        """:meth:`file`, and a lookup (type, id: the object, or ``None`` if the replica lacks it) that holds
        what was read for it: the file and its place (agenda item and meeting, paper, meeting, or
        document, process and e-file), so the caller walks the place without reading it again."""
        objects = _Objects(self.conn)
        data = objects.get("file", file_id)
        return None if data is None else (self._entries(objects, {file_id: data})[file_id], objects.get)

    def resolve_file(self, ref: str) -> FileEntry:
        """The file a person means by ``ref``: a file id, else the file whose file name or name is ``ref``
        (case-insensitive), else whose file name without its extension is. When several versions of
        a document match, the current one is taken. Raises :class:`DocumentNotFound` or
        :class:`DocumentAmbiguous`."""
        wanted = _fold(ref)
        if not wanted:
            raise DocumentNotFound("No document named: give a file id or a file name.")
        if (entry := self.file(ref.strip())) is not None:
            return entry
        objects = _Objects(self.conn)
        exact: dict[str, Data] = {}
        stems: dict[str, Data] = {}
        for file_id, data in objects.all("file").items():
            file_name = _fold(_text(data.get("file_name")))
            if wanted in (file_name, _fold(_text(data.get("name")))):
                exact[file_id] = data
            elif "." in file_name and file_name.rsplit(".", 1)[0] == wanted:
                stems[file_id] = data
        matches = exact or stems
        if not matches:
            raise DocumentNotFound(
                f"No document “{ref.strip()}” is in the offline copy. Give a file id or a file name as "
                "`gremalda ls` lists them, or synchronise first."
            )
        entries = sorted(self._entries(objects, matches).values(), key=_file_order)
        current = [e for e in entries if not e.superseded]
        if len(entries) == 1 or len(current) == 1:
            return (current or entries)[0]
        lines = [f"  {e.id}  {e.file_name}" + (f"  ({e.context})" if e.context else "") for e in entries]
        if len(lines) > _AMBIGUOUS_SHOWN:
            lines = [*lines[:_AMBIGUOUS_SHOWN], f"  … and {len(lines) - _AMBIGUOUS_SHOWN} more"]
        raise DocumentAmbiguous(
            f"“{ref.strip()}” matches {len(entries)} documents. Give the id of the one you mean:\n"
            + "\n".join(lines),
            candidates=[e.id for e in entries],
        )

    def _entries(self, objects: _Objects, files: Mapping[str, Data]) -> dict[str, FileEntry]:
        """The entries of these file objects, with local state, index state and context labels."""
        if not files:
            return {}
        objects.prefetch_owners(files.values())
        superseded = objects.superseded()
        local: dict[str, tuple[str, int | None, int | None, str | None, int]] = {}
        for file_id, state, vault_version, size, sha256, pages in self.conn.execute(
            "SELECT f.id, f.state, f.vault_version, f.size, f.sha256, coalesce(t.pages, 0) FROM file AS f "
            "LEFT JOIN text_source AS t ON t.file_id = f.id WHERE f.id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(files)),),
        ):
            local[str(file_id)] = (str(state), vault_version, size, sha256, int(pages))
        entries: dict[str, FileEntry] = {}
        for file_id, data in files.items():
            state, vault_version, size, sha256, pages = local.get(file_id, ("missing", None, None, None, 0))
            entries[file_id] = FileEntry(
                id=file_id,
                name=_text(data.get("name")),
                file_name=_text(data.get("file_name")),
                mime_type=_text(data.get("mime_type")),
                size=_int(data.get("size")) if _int(data.get("size")) is not None else size,
                sha256=_text(data.get("sha256")) or sha256,
                role=_text(data.get("role")),
                state=state,
                stored=state == "complete" and vault_version is not None,
                vault_version=vault_version,
                pages_indexed=pages,
                context=_context(data, objects),
                superseded=file_id in superseded,
                supersedes_id=ref_id(data.get("supersedes_id")),
                change_note=_text(data.get("change_note")),
            )
        return entries

    # status

    def status(self) -> ReplicaStatus:
        """Counts of what the replica holds, and its sync state."""
        counts = dict.fromkeys(OBJECT_TYPES, 0)
        for kind, count in self.conn.execute("SELECT type, count(*) FROM object GROUP BY type"):
            counts[str(kind)] = int(count)
        total, stored, partial, stored_bytes = self.conn.execute(
            "SELECT count(*), "
            "coalesce(sum(f.state = 'complete' AND f.vault_version IS NOT NULL), 0), "
            "coalesce(sum(f.state = 'partial'), 0), "
            "coalesce(sum(CASE WHEN f.state = 'complete' AND f.vault_version IS NOT NULL "
            "THEN coalesce(f.size, json_extract(o.data, '$.size'), 0) END), 0) "
            "FROM object AS o LEFT JOIN file AS f ON f.id = o.id WHERE o.type = 'file'"
        ).fetchone()
        pages = self.conn.execute("SELECT coalesce(sum(pages), 0) FROM text_source").fetchone()[0]
        pending, failed = self.conn.execute("SELECT count(*), count(last_error) FROM outbox").fetchone()
        state = {str(k): str(v) for k, v in self.conn.execute("SELECT key, value FROM sync_state")}
        return ReplicaStatus(
            objects=counts,
            files_total=int(total),
            files_stored=int(stored),
            files_partial=int(partial),
            files_missing=int(total) - int(stored) - int(partial),
            bytes_stored=int(stored_bytes),
            pages_indexed=int(pages),
            outbox_pending=int(pending),
            outbox_failed=int(failed),
            server_url=state.get("server_url") or None,
            username=state.get("username") or None,
            device_id=state.get("device_id") or None,
            last_sync=parse_time(state.get("last_sync")),
            has_cursor=bool(state.get("cursor")),
        )


def _paper_ref(paper_id: str, paper: Data) -> PaperRef:
    return PaperRef(id=paper_id, reference=_text(paper.get("reference")), name=_text(paper.get("name")))


def _efile_summary(efile_id: str, data: Data, processes: int, documents: int) -> EFileSummary:
    return EFileSummary(
        id=efile_id,
        reference_number=_text(data.get("reference_number")),
        title=_text(data.get("title")),
        process_count=processes,
        document_count=documents,
    )


_NO_TIME = datetime.max.replace(tzinfo=UTC)


def _meeting_order(meeting: MeetingSummary) -> tuple[Any, ...]:
    return (meeting.start is None, meeting.start or _NO_TIME, _id_key(meeting.id))


def _item_order(item: tuple[str, Data]) -> tuple[Any, ...]:
    order = _int(item[1].get("order"))
    return (order is None, order or 0, _natural(_text(item[1].get("number"))), _id_key(item[0]))


def _document_order(document: tuple[str, Data]) -> tuple[Any, ...]:
    order = _int(document[1].get("order"))
    return (order is None, order or 0, _natural(_text(document[1].get("title"))), _id_key(document[0]))
