"""Council times (a meeting's start and end, the notice deadline, when papers were delivered) happen at the
council's wall-clock time: they are shown, and typed, in the body's time zone (its feed record's
``time_zone``, the server's GREMALDA_TIME_ZONE), not in this machine's. A meeting of an OParl source shows
its times in its body's zone when the body names one, else as the source gave them (with the source's
offset). The zone's name is worth adding where this machine's clock would show a different time.

No Qt here: the window's formatting (gremalda.ui.formatting) builds its texts on these."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from gremalda.core.replica_objects import ref_id
from gremalda.store.database import Connection
from sync.protocol.notice import DEFAULT_TIME_ZONE, body_zone, named_zone

__all__ = [
    "DEFAULT_TIME_ZONE",
    "DEFAULT_ZONE",
    "ObjectLookup",
    "body_zone",
    "from_wall_clock",
    "meeting_body",
    "meeting_zone",
    "named_zone",
    "replica_meeting_zone",
    "replica_zone",
    "wall_clock",
    "zone_label",
]

DEFAULT_ZONE = body_zone(DEFAULT_TIME_ZONE)


#: reads an object of the replica by type and id: ``None`` when absent (withheld) or for no id
ObjectLookup = Callable[[str, str | None], Mapping[str, Any] | None]


def meeting_zone(meeting: Mapping[str, Any] | None, body: Mapping[str, Any] | None) -> ZoneInfo | None:
    """The zone a meeting's times are shown in: its body's ``time_zone``; without one (or unknown here)
    the default zone for a meeting of our server (an older server, a replica synced before), ``None`` for
    a meeting of an OParl source (its times are shown as the source gave them)."""
    zone = named_zone(body.get("time_zone")) if body is not None else None
    if zone is not None:
        return zone
    if meeting is not None and meeting.get("source") == "oparl":
        return None
    return DEFAULT_ZONE


def meeting_body(meeting: Mapping[str, Any], get: ObjectLookup) -> Mapping[str, Any] | None:
    """A meeting's body: the one it names (``body_id``), else its committee's (its organization's
    ``body_id``: a meeting need not name its body, an OParl meeting never does); ``None`` when that body
    is not in the replica."""
    body_id = ref_id(meeting.get("body_id"))
    if body_id is None:
        organization = get("organization", ref_id(meeting.get("organization_id")))
        body_id = ref_id(organization.get("body_id")) if organization is not None else None
    return get("body", body_id)


def replica_meeting_zone(meeting: Mapping[str, Any], get: ObjectLookup) -> ZoneInfo | None:
    """The zone a meeting of the replica is shown in (:func:`meeting_zone` of its :func:`meeting_body`,
    read through `get`): the one look-up of the window, the library and the search."""
    return meeting_zone(meeting, meeting_body(meeting, get))


def replica_zone(conn: Connection) -> ZoneInfo:
    """The time zone of our server's body in the replica (the first body not from an OParl source), for a
    new meeting; the default zone when there is none or it names none."""
    rows = conn.execute(
        "SELECT data FROM object WHERE type = 'body' AND json_extract(data, '$.source') IS NULL ORDER BY id"
    )
    for (raw,) in rows:
        zone = meeting_zone(None, json.loads(raw) if isinstance(raw, str) else None)
        if zone is not None:
            return zone
    return DEFAULT_ZONE


def wall_clock(when: datetime, zone: tzinfo | None) -> datetime:
    """`when` on the council's clock: in `zone`, or as given (its own offset) when `zone` is None."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(zone) if zone is not None else when


def from_wall_clock(local: datetime, zone: tzinfo) -> datetime:
    """The moment a clerk means by the wall-clock time `local` (naive: its fields are read) in `zone`;
    in the hour skipped when clocks go forward the time is read with the offset before the change."""
    return local.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)


def _offset_name(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta()).total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_label(when: datetime, zone: tzinfo | None, machine: tzinfo | None = None) -> str:
    """The zone's name ("Europe/Berlin"; "UTC+02:00" for a time as a source gave it) when this machine's
    clock (`machine`: another zone, for a test) shows a different time at `when`; else ""."""
    shown = wall_clock(when, zone)
    mine = shown.astimezone(machine) if machine is not None else shown.astimezone()
    if mine.utcoffset() == shown.utcoffset():
        return ""
    key = getattr(zone, "key", None)
    return key if isinstance(key, str) else _offset_name(shown.utcoffset())
