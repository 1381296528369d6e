"""Dates, times and document labels as the window shows them, in the user's locale."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale

from gremalda.core.records import FileEntry, MeetingSummary

translate = QCoreApplication.translate


def qdatetime(when: datetime) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(when.timestamp() * 1000)).toLocalTime()


def meeting_time(when: datetime | None) -> str:
    if when is None:
        return translate("Formatting", "no date")
    # a Qt date format: the translation may reorder it (German: "ddd dd.MM.yyyy, HH:mm")
    return QLocale().toString(qdatetime(when), translate("Formatting", "ddd d MMM yyyy, HH:mm"))


def meeting_date(when: datetime | None) -> str:
    if when is None:
        return translate("Formatting", "no date")
    return QLocale().toString(qdatetime(when), translate("Formatting", "ddd d MMM yyyy"))


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
        shorter = " ".join(name.replace(meeting.organization, " ").split())
        if shorter:
            return shorter
    return name


def meeting_label(meeting: MeetingSummary) -> str:
    """ "Wed 2 Dec 2026 · 3. Sitzung 2026", with the state when it is not simply published."""
    name = short_meeting_name(meeting) or translate("Formatting", "Meeting")
    text = f"{meeting_date(meeting.start)} · {name}"
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
