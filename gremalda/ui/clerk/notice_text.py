"""The notice deadline (Ladungsfrist) as the agenda editor, the publish confirmation and the proof of
delivery show it: the wall-clock time in the body's time zone, where the notice period counts days (the
server's rule, `sync.protocol.notice`), not in this machine's; the zone's name is added when this machine's
clock shows a different time then."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QDate, QDateTime, QLocale, QTime, QTimeZone

translate = QCoreApplication.translate


def zoned_time(when: datetime | None, zone: ZoneInfo, *, short: bool = False) -> str:
    """`when` as "Tue 24 Nov 2026, 23:59" (the locale's words) in `zone`, with " (Europe/Berlin)" when this
    machine's local time differs from the zone's at that moment. `short`: the locale's short form
    ("24.11.26 23:59") without the zone's name, for a table whose heading names it."""
    if when is None:
        return translate("Formatting", "no date")
    local = when.astimezone(zone)
    # the wall-clock fields in a fixed UTC QDateTime: Qt formats them without converting to this machine
    shown = QDateTime(
        QDate(local.year, local.month, local.day),
        QTime(local.hour, local.minute, local.second),
        QTimeZone.utc(),
    )
    if short:
        return QLocale().toString(shown, QLocale.FormatType.ShortFormat)
    text = QLocale().toString(shown, translate("Formatting", "ddd d MMM yyyy, HH:mm"))
    if when.astimezone().utcoffset() != local.utcoffset():
        text += f" ({zone.key})"
    return text
