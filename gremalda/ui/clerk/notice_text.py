"""The notice deadline (Ladungsfrist) as the agenda editor, the publish confirmation and the proof of
delivery show it: the wall-clock time in the body's time zone, where the notice period counts days (the
server's rule, `sync.protocol.notice`), not in this machine's; the zone's name is added when this machine's
clock shows a different time then."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from gremalda.ui.formatting import council_time


def zoned_time(when: datetime | None, zone: ZoneInfo, *, short: bool = False) -> str:
    """`when` as "Tue 24 Nov 2026, 23:59" (the locale's words) in `zone`, with " (Europe/Berlin)" when this
    machine's local time differs from the zone's at that moment. `short`: the locale's short form
    ("24.11.26 23:59") without the zone's name, for a table whose heading names it. The zone's name is
    not broken across lines (:func:`~gremalda.ui.formatting.unbroken_zone`)."""
    return council_time(when, zone, named=not short, short=short, unbroken=True)
