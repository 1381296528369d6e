"""What the clerk workspace reads from the replica (Qt-free; run on the replica workers, never on the
GUI thread): whether the account is a clerk, the committees, a meeting as the agenda editor shows it,
the papers and the e-file documents that can be linked."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from gremalda.core.library import parse_time
from gremalda.core.version_chain import VersionChains
from gremalda.store.replica import Store, stored_account
from sync.protocol.notice import (
    DEFAULT_NOTICE_DAYS,
    DEFAULT_TIME_ZONE,
    NoticeDeadline,
    body_zone,
    notice_deadline,
)


@dataclass(frozen=True)
class DeskFile:
    id: str
    name: str
    role: str
    change_note: str


@dataclass(frozen=True)
class DeskItem:
    id: str
    number: str
    name: str
    public: bool
    files: tuple[DeskFile, ...]
    papers: tuple[str, ...]  # "reference name" of each paper consulted on the item
    paper_ids: tuple[str, ...] = ()  # their ids, in the same order
    paper_files: tuple[tuple[DeskFile, ...], ...] = ()  # each paper's current documents, same order


@dataclass(frozen=True)
class MeetingDesk:
    """A meeting as the agenda editor shows it."""

    id: str
    name: str
    state: str
    start: datetime | None
    end: datetime | None
    location: str
    organization_id: int | None
    body_id: int | None
    published_at: datetime | None
    items: tuple[DeskItem, ...]
    files: tuple[DeskFile, ...]  # the meeting's own documents
    members: int  # active memberships (members and deputies) of its committee
    notice_days: int
    time_zone: str = DEFAULT_TIME_ZONE  # the body's (its feed record's time_zone)

    @property
    def zone(self) -> ZoneInfo:
        return body_zone(self.time_zone)

    @property
    def notice(self) -> NoticeDeadline | None:
        """The notice deadline (Ladungsfrist) by the server's rule (`sync.protocol.notice`): whole
        calendar days in the body's time zone."""
        if self.start is None:
            return None
        return notice_deadline(self.start, self.notice_days, self.zone)

    @property
    def deadline(self) -> datetime | None:
        """The last moment that is on time (23:59:59 in the body's time zone)."""
        notice = self.notice
        return notice.shown if notice is not None else None


def _objects(store: Store, kind: str) -> list[dict[str, Any]]:
    rows = store.db.conn.execute("SELECT data FROM object WHERE type = ?", (kind,)).fetchall()
    return [d for (raw,) in rows if isinstance(d := json.loads(raw), dict)]


def _get(store: Store, kind: str, object_id: object) -> dict[str, Any] | None:
    row = store.db.conn.execute(
        "SELECT data FROM object WHERE type = ? AND id = ?", (kind, str(object_id))
    ).fetchone()
    data = json.loads(row[0]) if row else None
    return data if isinstance(data, dict) else None


def is_clerk(store: Store) -> bool:
    """Whether a clerk is signed in (the account as :func:`stored_account` reads it)."""
    account = stored_account(store)
    return account is not None and account.get("role") == "clerk"


def committees(store: Store) -> list[tuple[int, str]]:
    """The organizations a meeting can belong to (not factions), by name."""
    found = [
        (int(o["id"]), str(o.get("name") or o["id"]))
        for o in _objects(store, "organization")
        if o.get("kind") != "faction" and isinstance(o.get("id"), int)
    ]
    return sorted(found, key=lambda pair: pair[1].casefold())


def _current_files(store: Store, field: str, owner_id: object) -> list[DeskFile]:
    rows = store.db.conn.execute(
        "SELECT data FROM object WHERE type = 'file' AND json_extract(data, '$.' || ?) = ?",
        (field, int(str(owner_id))),
    ).fetchall()
    files = [d for (raw,) in rows if isinstance(d := json.loads(raw), dict)]
    replaced = VersionChains.read(store.db.conn).replaced()  # the library's rule: a cycle's newest is current
    return [
        DeskFile(
            str(f["id"]),
            str(f.get("name") or f.get("file_name") or ""),
            str(f.get("role") or ""),
            str(f.get("change_note") or ""),
        )
        for f in sorted(files, key=lambda f: int(f.get("id") or 0))
        if str(f.get("id")) not in replaced
    ]


def _active(membership: dict[str, Any], today: date) -> bool:
    start, end = membership.get("start_date"), membership.get("end_date")
    return (not start or str(start) <= today.isoformat()) and (not end or today.isoformat() <= str(end))


def meeting_desk(store: Store, meeting_id: str) -> MeetingDesk | None:
    meeting = _get(store, "meeting", meeting_id)
    if meeting is None:
        return None
    organization_id = meeting.get("organization_id")
    body_id = meeting.get("body_id")
    items = []
    rows = store.db.conn.execute(
        "SELECT data FROM object WHERE type = 'agenda_item' AND json_extract(data, '$.meeting_id') = ?",
        (int(meeting_id),),
    ).fetchall()
    agenda = [d for (raw,) in rows if isinstance(d := json.loads(raw), dict)]
    agenda.sort(
        key=lambda i: (i.get("order") if isinstance(i.get("order"), int) else 0, int(i.get("id") or 0))
    )
    consultations = _objects(store, "consultation")
    for item in agenda:
        papers = []
        paper_ids = []
        paper_files = []
        for c in consultations:
            if c.get("agenda_item_id") == item.get("id"):
                paper = _get(store, "paper", c.get("paper_id"))
                if paper is not None:
                    paper_ids.append(str(paper.get("id")))
                    paper_files.append(tuple(_current_files(store, "paper_id", paper.get("id"))))
                    papers.append(
                        " ".join(
                            p for p in (str(paper.get("reference") or ""), str(paper.get("name") or "")) if p
                        )
                    )
        items.append(
            DeskItem(
                str(item["id"]),
                str(item.get("number") or ""),
                str(item.get("name") or ""),
                bool(item.get("public", True)),
                tuple(_current_files(store, "agenda_item_id", item["id"])),
                tuple(papers),
                tuple(paper_ids),
                tuple(paper_files),
            )
        )
    today = date.today()
    members = sum(
        1
        for m in _objects(store, "membership")
        if m.get("organization_id") == organization_id and _active(m, today)
    )
    body = _get(store, "body", body_id) if body_id is not None else None
    notice = body.get("notice_days") if body is not None else None
    zone = body_zone(body.get("time_zone") if body is not None else None)
    return MeetingDesk(
        id=str(meeting["id"]),
        name=str(meeting.get("name") or ""),
        state=str(meeting.get("state") or "published"),
        start=parse_time(meeting.get("start")),
        end=parse_time(meeting.get("end")),
        location=str(meeting.get("location") or ""),
        organization_id=organization_id if isinstance(organization_id, int) else None,
        body_id=body_id if isinstance(body_id, int) else None,
        published_at=parse_time(meeting.get("published_at")),
        items=tuple(items),
        files=tuple(_current_files(store, "meeting_id", meeting_id)),
        members=members,
        notice_days=notice if isinstance(notice, int) else DEFAULT_NOTICE_DAYS,
        time_zone=zone.key,
    )


def papers(store: Store) -> list[tuple[str, str]]:
    """(id, "reference name") of the papers in the replica, newest reference first."""
    found = [
        (str(p["id"]), " ".join(x for x in (str(p.get("reference") or ""), str(p.get("name") or "")) if x))
        for p in _objects(store, "paper")
    ]
    return sorted(found, key=lambda pair: pair[1], reverse=True)


def efile_documents(store: Store) -> list[tuple[str, str]]:
    """(file id, "e-file · document · file") of the current files of e-file documents in the replica."""
    documents = {str(d["id"]): d for d in _objects(store, "document")}
    processes = {str(p["id"]): p for p in _objects(store, "process")}
    efiles = {str(e["id"]): e for e in _objects(store, "efile")}
    files = _objects(store, "file")
    replaced = VersionChains.read(store.db.conn).replaced()
    found = []
    for f in files:
        document = documents.get(str(f.get("document_id")))
        if document is None or str(f.get("id")) in replaced:
            continue
        process = processes.get(str(document.get("process_id")), {})
        efile = efiles.get(str(process.get("efile_id")), {})
        parts = [
            str(efile.get("reference_number") or ""),
            str(document.get("title") or ""),
            str(f.get("name") or ""),
        ]
        found.append((str(f["id"]), " · ".join(p for p in parts if p)))
    return sorted(found, key=lambda pair: pair[1])
