"""Council times (gremalda.core.council_time): the body's zone from its feed record, OParl meetings as the
source gave them, wall-clock reading and typing in the body's zone (also across the clock changes), and
when the zone is worth naming (this machine's clock differs; the machine's zone as a parameter and, in a
subprocess, through TZ)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from gremalda.core.council_time import (
    DEFAULT_ZONE,
    from_wall_clock,
    meeting_body,
    meeting_zone,
    replica_meeting_zone,
    wall_clock,
    zone_label,
)
from sync.protocol.notice import body_zone, named_zone

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")


def test_the_bodys_zone_else_berlin_for_our_server_else_as_given_for_oparl() -> None:
    assert meeting_zone({"id": 1}, {"time_zone": "Europe/Lisbon"}) == ZoneInfo("Europe/Lisbon")
    assert meeting_zone({"id": 1}, {"name": "old server"}) is DEFAULT_ZONE == BERLIN
    assert meeting_zone({"id": 1}, {"time_zone": "Mars/Olympus"}) == BERLIN  # unknown here: the default
    assert meeting_zone({"id": 1}, None) == BERLIN
    oparl = {"id": "https://oparl.example/meeting/1", "source": "oparl"}
    assert meeting_zone(oparl, {"name": "Stadt"}) is None  # OParl has no zone: as the source gave it
    assert meeting_zone(oparl, {"time_zone": "Europe/Vienna"}) == ZoneInfo("Europe/Vienna")


KIRITIMATI = ZoneInfo("Pacific/Kiritimati")
NOT_ZONES = (None, 3, "", "   ", "Mars/Olympus", "Europe", "../etc/passwd", "/etc/localtime",
             "Europe//Berlin", "zone.tab", "a/" * 3000 + "b", "x" * 5000)  # fmt: skip


def test_one_reading_of_a_zones_name_the_server_falls_back_the_client_keeps_oparls_none() -> None:
    """sync.protocol.notice.named_zone reads the name for both: the server's body_zone falls back to the
    default, the client's meeting_zone to the default for our server and to None (as given) for OParl."""
    assert named_zone(" Pacific/Kiritimati ") == body_zone(" Pacific/Kiritimati ") == KIRITIMATI
    oparl = {"source": "oparl"}
    assert meeting_zone(oparl, {"time_zone": "Pacific/Kiritimati\n"}) == KIRITIMATI
    for name in NOT_ZONES:  # none of them raises (a deep path of slashes overflowed ZoneInfo's stack)
        assert named_zone(name) is None, name
        assert body_zone(name) == BERLIN
        assert meeting_zone({"id": 1}, {"time_zone": name}) == BERLIN
        assert meeting_zone(oparl, {"time_zone": name}) is None


def test_a_meetings_body_is_the_one_it_names_else_its_committees() -> None:
    objects: dict[str, dict[str, dict[str, Any]]] = {
        "body": {
            "1": {"id": 1, "time_zone": "Europe/Berlin"},
            "5": {"id": 5, "time_zone": "Pacific/Kiritimati"},
        },
        "organization": {"6": {"id": 6, "body_id": 5}, "7": {"id": 7}},
    }

    def get(kind: str, object_id: str | None) -> dict[str, Any] | None:
        return objects[kind].get(object_id) if object_id is not None else None

    assert meeting_body({"body_id": 1, "organization_id": 6}, get) == objects["body"]["1"]
    assert replica_meeting_zone({"organization_id": 6}, get) == KIRITIMATI  # through its committee
    assert replica_meeting_zone({"organization_id": "6", "body_id": None}, get) == KIRITIMATI
    # a body named but not in the replica (withheld): not guessed from the committee
    assert meeting_body({"body_id": 9, "organization_id": 6}, get) is None
    assert replica_meeting_zone({"body_id": 9, "organization_id": 6}, get) == BERLIN
    for meeting in ({"organization_id": 7}, {"organization_id": 8}, {}):
        assert meeting_body(meeting, get) is None
        assert replica_meeting_zone(meeting, get) == BERLIN
        assert replica_meeting_zone({**meeting, "source": "oparl"}, get) is None


def test_wall_clock_in_the_bodys_zone_or_as_given() -> None:
    start = datetime(2027, 6, 10, 14, 0, tzinfo=UTC)  # 16:00 in Berlin (summer time)
    assert wall_clock(start, BERLIN).strftime("%H:%M") == "16:00"
    given = datetime(2027, 6, 10, 18, 0, tzinfo=timezone(timedelta(hours=4)))
    assert wall_clock(given, None) is given and wall_clock(given, None).strftime("%H:%M") == "18:00"
    assert wall_clock(datetime(2027, 1, 5, 15, 0), BERLIN).strftime("%H:%M") == "16:00"  # naive: UTC


def test_meetings_on_the_days_the_clocks_change_show_their_wall_clock_time() -> None:
    spring = datetime(2027, 3, 28, 14, 0, tzinfo=UTC)  # the day clocks go forward: 16:00 CEST
    autumn = datetime(2027, 10, 31, 15, 0, tzinfo=UTC)  # the day clocks go back: 16:00 CET
    assert wall_clock(spring, BERLIN).strftime("%d.%m. %H:%M") == "28.03. 16:00"
    assert wall_clock(autumn, BERLIN).strftime("%d.%m. %H:%M") == "31.10. 16:00"
    # typed back: 16:00 on those days is the same moment
    assert from_wall_clock(datetime(2027, 3, 28, 16, 0), BERLIN) == spring
    assert from_wall_clock(datetime(2027, 10, 31, 16, 0), BERLIN) == autumn
    # 02:30 on 28 March does not exist in Berlin: read with the offset before the change (03:30 CEST)
    skipped = from_wall_clock(datetime(2027, 3, 28, 2, 30), BERLIN)
    assert skipped.astimezone(UTC) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert skipped.strftime("%H:%M") == "03:30"


def test_the_zone_is_named_only_where_this_machines_clock_differs() -> None:
    start = datetime(2027, 6, 10, 14, 0, tzinfo=UTC)
    assert zone_label(start, BERLIN, machine=UTC) == "Europe/Berlin"
    assert zone_label(start, BERLIN, machine=TOKYO) == "Europe/Berlin"
    assert zone_label(start, BERLIN, machine=ZoneInfo("Europe/Paris")) == ""  # same clock then
    given = datetime(2027, 6, 10, 18, 0, tzinfo=timezone(timedelta(hours=4)))
    assert zone_label(given, None, machine=UTC) == "UTC+04:00"
    assert zone_label(given, None, machine=ZoneInfo("Asia/Dubai")) == ""


def test_with_another_machine_zone_in_a_subprocess_berlin_stays_berlin() -> None:
    script = (
        "from datetime import datetime, UTC\n"
        "from zoneinfo import ZoneInfo\n"
        "from gremalda.core.council_time import wall_clock, zone_label, from_wall_clock\n"
        "b = ZoneInfo('Europe/Berlin')\n"
        "s = datetime(2027, 6, 10, 14, 0, tzinfo=UTC)\n"
        "print(wall_clock(s, b).strftime('%H:%M'), zone_label(s, b),"
        " from_wall_clock(datetime(2027, 6, 10, 16, 0), b).astimezone(UTC).strftime('%H:%M'),"
        " s.astimezone().strftime('%H:%M'))\n"
    )
    for tz, machine in (("Asia/Tokyo", "23:00"), ("Europe/Berlin", "16:00"), ("UTC", "14:00")):
        out = subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "TZ": tz},
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        ).stdout.split()
        named = "" if tz == "Europe/Berlin" else "Europe/Berlin"
        assert out == ["16:00", *([named] if named else []), "14:00", machine], (tz, out)


def test_upcoming_counts_from_midnight_on_the_councils_clock() -> None:
    """Half past midnight in Tokyo (15:30 UTC the day before): a Tokyo council's meeting of yesterday
    23:00 is past, though this machine's (UTC) day had not begun it yet; one of tonight is upcoming."""
    from gremalda.core.navigation import is_upcoming
    from gremalda.core.records import MeetingSummary

    def meeting(start: datetime) -> MeetingSummary:
        return MeetingSummary("1", "Sitzung", start, None, "published", "Rat", "", 0, 0, zone=TOKYO)

    now = datetime(2027, 4, 5, 0, 30, tzinfo=TOKYO)
    assert not is_upcoming(meeting(datetime(2027, 4, 4, 23, 0, tzinfo=TOKYO)), now)
    assert is_upcoming(meeting(datetime(2027, 4, 5, 19, 0, tzinfo=TOKYO)), now)
    assert is_upcoming(meeting(datetime(2027, 4, 5, 0, 5, tzinfo=TOKYO)), now)  # earlier today
