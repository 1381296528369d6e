"""Dates, times and document labels as the window shows them, in the user's locale."""

from __future__ import annotations

from datetime import datetime, tzinfo

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime, QTimeZone

from gremalda.core.council_time import wall_clock, zone_label
from gremalda.core.records import FileEntry, MeetingSummary

translate = QCoreApplication.translate


def qdatetime(when: datetime) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(when.timestamp() * 1000)).toLocalTime()


def wall_qdatetime(when: datetime, zone: tzinfo | None) -> QDateTime:
    """`when`'s wall-clock fields in the council's zone (:func:`council_time.wall_clock`) in a fixed UTC
    QDateTime: Qt formats them without converting them to this machine's zone."""
    local = wall_clock(when, zone)
    return QDateTime(
        QDate(local.year, local.month, local.day),
        QTime(local.hour, local.minute, local.second),
        QTimeZone.utc(),
    )


def council_time(
    when: datetime | None,
    zone: tzinfo | None,
    *,
    named: bool = False,
    short: bool = False,
    machine: tzinfo | None = None,
    unbroken: bool = False,
) -> str:
    """A council's time (a meeting's start, a deadline, a delivery) as "Tue 24 Nov 2026, 23:59" (the
    locale's words) on the council's clock (`zone`: the body's, None: as an OParl source gave it).
    `named`: with " (Europe/Berlin)" when this machine's clock (`machine`: another zone, for a test) shows
    a different time then; `short`: the locale's short form ("24.11.26 23:59"), never named; `unbroken`:
    the zone's name is not broken across lines in a wrapping label ("(Europe/" and "Berlin)" were)."""
    if when is None:
        return translate("Formatting", "no date")
    shown = wall_qdatetime(when, zone)
    if short:
        return QLocale().toString(shown, QLocale.FormatType.ShortFormat)
    # a Qt date format: the translation may reorder it (German: "ddd dd.MM.yyyy, HH:mm")
    text = QLocale().toString(shown, translate("Formatting", "ddd d MMM yyyy, HH:mm"))
    if named and (label := zone_label(when, zone, machine)):
        text += f" ({unbroken_zone(label) if unbroken else label})"
    return text


WORD_JOINER = "\u2060"  # invisible; no line break on either side


def unbroken_zone(label: str) -> str:
    """A zone's name ("Europe/Berlin") that a wrapping label keeps on one line: a word joiner after each
    "/" and "-" (where lines may otherwise break)."""
    return label.replace("/", "/" + WORD_JOINER).replace("-", "-" + WORD_JOINER)


def meeting_time(when: datetime | None, zone: tzinfo | None, *, named: bool = False) -> str:
    """A meeting's start or end on the council's clock (:func:`council_time`)."""
    return council_time(when, zone, named=named)


def meeting_date(when: datetime | None, zone: tzinfo | None) -> str:
    if when is None:
        return translate("Formatting", "no date")
    return QLocale().toString(wall_qdatetime(when, zone), translate("Formatting", "ddd d MMM yyyy"))


def state_text(state: str) -> str:
    return {
        "cancelled": translate("Formatting", "cancelled"),
        "draft": translate("Formatting", "draft"),
        "published": translate("Formatting", "published"),
    }.get(state, state)


def short_meeting_name(meeting: MeetingSummary) -> str:
    """The meeting's name without its committee's (the navigation shows that above it)."""
    name = meeting.name
    if meeting.organization and meeting.organization in name:
        # "Ausschuss A, 3. Sitzung": "3. Sitzung", not ", 3. Sitzung"
        shorter = " ".join(name.replace(meeting.organization, " ").split()).strip(" ,;:-–·")
        if shorter:
            return shorter
    return name


def meeting_label(meeting: MeetingSummary) -> str:
    """ "Wed 2 Dec 2026 · 3. Sitzung 2026", with the state when it is not simply published."""
    name = short_meeting_name(meeting) or translate("Formatting", "Meeting")
    text = f"{meeting_date(meeting.start, meeting.zone)} · {name}"
    if meeting.state in ("cancelled", "draft"):
        text += f" ({state_text(meeting.state)})"
    return text


def role_text(role: str) -> str:
    return {
        "invitation": translate("Formatting", "invitation"),
        "main": translate("Formatting", "paper"),
        "auxiliary": translate("Formatting", "attachment"),
        "late": translate("Formatting", "late paper"),
        "minutes": translate("Formatting", "minutes"),
    }.get(role, role)


def file_label(entry: FileEntry) -> str:
    return entry.name or entry.file_name or translate("Formatting", "Document %1").replace("%1", entry.id)


def size_text(size: int | None) -> str:
    if size is None:
        return ""
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeSIQuantifiers)
