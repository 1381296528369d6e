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
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

from gremalda.core.council_time import meeting_zone, wall_clock
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
from gremalda.store.database import Connection

Data = dict[str, Any]

UNAVAILABLE = "nicht verfügbar"
#: the object types of the change feed, in the feed's order
OBJECT_TYPES = (
    "body", "organization", "person", "membership", "meeting", "agenda_item",
    "paper", "consultation", "efile", "process", "document", "file",
)  # fmt: skip
_ROLE_ORDER = {"invitation": 0, "main": 1, "auxiliary": 2, "late": 3, "minutes": 4}
_AMBIGUOUS_SHOWN = 10
_LABEL_LENGTH = 60


# --- values of the wire JSON, read defensively ---------------------------------------------------------


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 date or date-time as an aware datetime (naive ones are taken as UTC, as the server
    sends UTC); ``None`` for anything absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def ref_id(value: Any) -> str | None:
    """A reference to another object as the replica's id text (``None``: no reference)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value or None
    return None


def _supersedes(file: Data) -> str | None:
    return ref_id(file.get("supersedes_id"))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _flag(value: Any, default: bool) -> bool:
    return bool(value) if isinstance(value, bool | int) else default


def _short(text: str, length: int = _LABEL_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


_NUMBER = re.compile(r"([0-9]+)")


def _natural(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that puts "TOP 2" before "TOP 10" and "3.2" before "3.10"."""
    parts = _NUMBER.split(text.casefold())
    return tuple((0, int(part), "") if _NUMBER.fullmatch(part) else (1, 0, part) for part in parts if part)


def _id_key(object_id: str) -> tuple[int, int, str]:
    return (0, int(object_id), "") if object_id.isascii() and object_id.isdigit() else (1, 0, object_id)


def _token(object_id: str) -> str | None:
    """The longest run of ASCII letters and digits in an id (they appear unescaped in any JSON text)."""
    return max(re.findall(r"[0-9A-Za-z]+", object_id), key=len, default=None)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


# --- reading objects -------------------------------------------------------------------------------------


class _Objects:
    """The objects one call reads, by type and id; each is read at most once (absent ones too)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.cache: dict[str, dict[str, Data]] = defaultdict(dict)
        self.absent: dict[str, set[str]] = defaultdict(set)
        self.complete: set[str] = set()
        self._superseded: set[str] | None = None

    def _rows(
        self, kind: str, sql: str, parameters: tuple[Any, ...], keep: Callable[[Data], bool] | None = None
    ) -> dict[str, Data]:
        """The objects the query reads (``id, data``), those ``keep`` accepts; they are remembered."""
        found: dict[str, Data] = {}
        for object_id, raw in self.conn.execute(sql, parameters):
            data = json.loads(raw)
            if isinstance(data, dict) and (keep is None or keep(data)):
                found[str(object_id)] = data
        self.cache[kind].update(found)
        return found

    def scan(self, kind: str) -> Iterator[Data]:
        """Every object of the type, read once and not remembered (for counting)."""
        for (raw,) in self.conn.execute("SELECT data FROM object WHERE type = ?", (kind,)):
            if isinstance(data := json.loads(raw), dict):
                yield data

    def all(self, kind: str) -> dict[str, Data]:
        if kind not in self.complete:
            self.cache[kind] = {}
            self._rows(kind, "SELECT id, data FROM object WHERE type = ?", (kind,))
            self.complete.add(kind)
        return self.cache[kind]

    def some(self, kind: str, ids: Iterable[str | None]) -> dict[str, Data]:
        wanted = {object_id for object_id in ids if object_id is not None}
        cache = self.cache[kind]
        absent = self.absent[kind]
        unknown = (
            set() if kind in self.complete else {i for i in wanted if i not in cache and i not in absent}
        )
        if unknown:
            self._rows(
                kind,
                "SELECT id, data FROM object WHERE type = ? AND id IN (SELECT value FROM json_each(?))",
                (kind, json.dumps(sorted(unknown))),
            )
            absent.update(i for i in unknown if i not in cache)
        return {object_id: cache[object_id] for object_id in wanted if object_id in cache}

    def get(self, kind: str, object_id: str | None) -> Data | None:
        if object_id is None:
            return None
        found = self.cache[kind].get(object_id)
        if found is None and kind not in self.complete and object_id not in self.absent[kind]:
            found = self.some(kind, (object_id,)).get(object_id)
        return found

    def where(self, kind: str, refs: Mapping[str, Collection[str]]) -> dict[str, Data]:
        """The objects of ``kind`` whose reference ``field`` is one of the ids, for any of ``refs``.

        Reads every object of the type and keeps the matches, except for the children of one parent:
        then only the rows whose JSON text holds the parent id's longest run of ASCII letters and
        digits (JSON never escapes those) are read and checked."""
        wanted = {field: set(ids) for field, ids in refs.items() if ids}
        if not wanted:
            return {}

        checks = list(wanted.items())

        def keep(data: Data) -> bool:
            for field, ids in checks:
                value = data.get(field)
                if value is not None and ref_id(value) in ids:
                    return True
            return False

        if kind in self.complete:
            return {object_id: data for object_id, data in self.cache[kind].items() if keep(data)}
        everything = set().union(*wanted.values())
        token = _token(next(iter(everything))) if len(everything) == 1 else None
        if token is None:
            return self._rows(kind, "SELECT id, data FROM object WHERE type = ?", (kind,), keep)
        return self._rows(
            kind, "SELECT id, data FROM object WHERE type = ? AND instr(data, ?) > 0", (kind, token), keep
        )

    def superseded(self) -> set[str]:
        """The ids of the files a present file supersedes."""
        if self._superseded is None:
            if "file" in self.complete:
                files = self.cache["file"]
            else:  # only rows with a supersedes_id (any other spelling of null is read and checked too)
                sql = "SELECT id, data FROM object WHERE type = ? AND instr(data, ?) = 0"
                files = self._rows(
                    "file", sql, ("file", '"supersedes_id":null'), lambda f: _supersedes(f) is not None
                )
            self._superseded = {ref for data in files.values() if (ref := _supersedes(data))}
        return self._superseded

    def prefetch_owners(self, files: Iterable[Data]) -> None:
        """Read what the context labels of these files need, a query per type."""
        files = list(files)
        items = self.some("agenda_item", (ref_id(f.get("agenda_item_id")) for f in files))
        self.some("paper", (ref_id(f.get("paper_id")) for f in files))
        meeting_ids = [ref_id(f.get("meeting_id")) for f in files]
        self.some("meeting", meeting_ids + [ref_id(item.get("meeting_id")) for item in items.values()])
        documents = self.some("document", (ref_id(f.get("document_id")) for f in files))
        processes = self.some("process", (ref_id(d.get("process_id")) for d in documents.values()))
        self.some("efile", (ref_id(p.get("efile_id")) for p in processes.values()))


# --- labels ----------------------------------------------------------------------------------------------


def meeting_label(meeting: Data, objects: _Objects | None = None) -> str:
    """ "1. Sitzung Verkehrsausschuss 2026 12.03.2026": the name and the date of the start in the body's
    time zone (:func:`council_time.meeting_zone`; its body read through `objects`)."""
    name = _short(_text(meeting.get("name"))) or "Sitzung"
    start = parse_time(meeting.get("start"))
    zone = _meeting_zone(meeting, objects) if objects is not None else meeting_zone(meeting, None)
    return f"{name} {wall_clock(start, zone):%d.%m.%Y}" if start else name


def _meeting_zone(meeting: Data, objects: _Objects) -> tzinfo | None:
    """The zone of a meeting's times: its body's (the meeting's body, else its committee's)."""
    body_id = ref_id(meeting.get("body_id"))
    if body_id is None:
        organization = objects.get("organization", ref_id(meeting.get("organization_id")))
        body_id = ref_id(organization.get("body_id")) if organization else None
    return meeting_zone(meeting, objects.get("body", body_id))


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
            zone=_meeting_zone(data, objects),
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
