"""The notice period (Ladungsfrist) of a meeting: one rule for the server (which checks on time vs late in
the proof of delivery) and the client (which shows the deadline in the agenda editor and the publish
confirmation). Pure: no database, no Qt, no clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME_ZONE = "Europe/Berlin"  # the server's default body time zone (GREMALDA_TIME_ZONE)
DEFAULT_NOTICE_DAYS = 7


@dataclass(frozen=True, slots=True)
class NoticeDeadline:
    """`shown`: the last moment that is on time, 23:59:59 local time of the last day (with the body's
    offset on that day); `late_from`: the first instant that is late (local midnight starting the next
    day). Received before `late_from` is on time."""

    shown: datetime
    late_from: datetime

    def passed(self, now: datetime) -> bool:
        """Whether `now` (an aware time) is at or after the deadline's end."""
        return now >= self.late_from


def notice_deadline(start: datetime, notice_days: int, zone: ZoneInfo) -> NoticeDeadline:
    """The notice period in whole calendar days of the body's local time, as the rules of procedure count
    it (German Gemeindeordnungen: the invitation must reach the members at least N days before the
    meeting day; neither the day of receipt nor the meeting day counts): a folder received on local day D
    is on time when at least `notice_days` whole days lie between D and the meeting's local date, i.e.
    D ≤ meeting date − (notice_days + 1). With 7 days for a meeting on Wednesday the 9th, receipt by
    Tuesday the 1st, 23:59:59 local time, is on time. Midnight exists on every day in Europe's time zones
    (they change at 02:00/03:00). `start` must be aware."""
    meeting_day = start.astimezone(zone).date()
    last_day = meeting_day - timedelta(days=notice_days + 1)
    shown = datetime.combine(last_day, time(23, 59, 59), tzinfo=zone)
    late_from = datetime.combine(last_day + timedelta(days=1), time(0, 0), tzinfo=zone)
    return NoticeDeadline(shown, late_from)


MAX_ZONE_NAME = 100  # IANA names are under 40 characters; a deep path of slashes overflows ZoneInfo's stack


def named_zone(name: object) -> ZoneInfo | None:
    """The time zone a body's ``time_zone`` names (as the server sends it; spaces around it ignored);
    ``None`` when it names none or one unknown on this machine. The one reading of a zone's name, for
    the server and the client (:func:`body_zone`, ``gremalda.core.council_time.meeting_zone``)."""
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_ZONE_NAME:
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def body_zone(name: object) -> ZoneInfo:
    """The body's time zone from its name as the server sends it (the body's ``time_zone``); the
    default zone when it is missing or unknown on this machine (an older server, a replica synced before
    the field existed)."""
    zone = named_zone(name)
    return zone if zone is not None else ZoneInfo(DEFAULT_TIME_ZONE)
