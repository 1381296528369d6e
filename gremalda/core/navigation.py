"""What the window's navigation shows: bodies → committees → meetings (upcoming first) and the e-files
(e-file → processes → documents), read from the replica in one go. Qt-free; built on the library.

A meeting is *upcoming* from the start of its day until the end of time: today's session stays on top
while it runs. The *next meeting* is the first upcoming one that is not cancelled (else the latest
past one), the one the window opens on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo

from gremalda.core.library import Library
from gremalda.core.records import EFileTree, MeetingSummary
from gremalda.store.database import Connection


@dataclass(frozen=True)
class CommitteeNode:
    name: str  # "" when the meeting's organisation is not known here
    meetings: tuple[MeetingSummary, ...]  # upcoming first (soonest first), then past (latest first)


@dataclass(frozen=True)
class BodyNode:
    id: str | None
    name: str  # "" when not known here
    committees: tuple[CommitteeNode, ...]


@dataclass(frozen=True)
class Navigation:
    bodies: tuple[BodyNode, ...]
    efiles: tuple[EFileTree, ...]
    next_meeting: str | None  # the id of the meeting to open first
    upcoming: frozenset[str]  # ids of the upcoming meetings


def _start_of_today(now: datetime, zone: tzinfo | None) -> datetime:
    """Midnight today on the council's clock (`zone`; None: this machine's)."""
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)


def is_upcoming(meeting: MeetingSummary, now: datetime) -> bool:
    """Starts today or later, "today" on the council's clock (the body's zone, else the start's own)."""
    if meeting.start is None:
        return False
    return meeting.start >= _start_of_today(now, meeting.zone or meeting.start.tzinfo)


def upcoming_first(meetings: Iterable[MeetingSummary], now: datetime) -> list[MeetingSummary]:
    """Upcoming meetings soonest first, then past ones latest first, then undated ones."""
    upcoming = sorted((m for m in meetings if is_upcoming(m, now)), key=lambda m: (m.start, m.id))
    rest = [m for m in meetings if not is_upcoming(m, now)]
    past = sorted((m for m in rest if m.start is not None), key=lambda m: (m.start, m.id), reverse=True)
    undated = [m for m in rest if m.start is None]
    return upcoming + past + undated


def next_meeting(meetings: Sequence[MeetingSummary], now: datetime) -> MeetingSummary | None:
    ordered = upcoming_first(meetings, now)
    for meeting in ordered:
        if is_upcoming(meeting, now) and not meeting.cancelled:
            return meeting
    past = [m for m in ordered if not is_upcoming(m, now) and m.start is not None and not m.cancelled]
    return past[0] if past else (ordered[0] if ordered else None)


def build_navigation(conn: Connection, now: datetime | None = None) -> Navigation:
    """The navigation of the replica behind ``conn`` (one thread)."""
    now = now or datetime.now(UTC)
    library = Library(conn)
    meetings = library.meetings()
    body_of = {
        str(meeting_id): (str(body_id) if body_id is not None else None)
        for meeting_id, body_id in conn.execute(
            "SELECT id, CAST(json_extract(data, '$.body_id') AS TEXT) FROM object WHERE type = 'meeting'"
        )
    }
    body_names = {
        str(body_id): name if isinstance(name, str) else ""
        for body_id, name in conn.execute(
            "SELECT id, json_extract(data, '$.name') FROM object WHERE type = 'body'"
        )
    }
    grouped: dict[str | None, dict[str, list[MeetingSummary]]] = defaultdict(lambda: defaultdict(list))
    for meeting in meetings:
        grouped[body_of.get(meeting.id)][meeting.organization or ""].append(meeting)
    bodies = []
    for body_id, committees in grouped.items():
        body_name = body_names.get(body_id or "", "")
        nodes = tuple(
            CommitteeNode(name, tuple(upcoming_first(committee, now)))
            for name, committee in sorted(
                committees.items(),
                # the plenary (named like the body) first, then the committees by name
                key=lambda c: (c[0] == "", c[0] != body_name, c[0].casefold()),
            )
        )
        bodies.append(BodyNode(body_id, body_name, nodes))
    bodies.sort(key=lambda b: (b.name == "", b.name.casefold(), b.id or ""))
    efiles = tuple(tree for e in library.efiles() if (tree := library.efile(e.id)) is not None)
    first = next_meeting(meetings, now)
    return Navigation(
        bodies=tuple(bodies),
        efiles=efiles,
        next_meeting=first.id if first else None,
        upcoming=frozenset(m.id for m in meetings if is_upcoming(m, now)),
    )
