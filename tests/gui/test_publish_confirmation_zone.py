"""The publish confirmation names the notice deadline the server counts: when the server's member list
(the proof-of-delivery table) was read, its deadline in its zone (the server's live GREMALDA_TIME_ZONE),
not the replica's, whose body record may name the zone of an earlier start; and "passed already" is
decided by that deadline. Real server on loopback restarted with another zone on the same database, the
clerk's real SQLCipher replica not synced since, real keyring; offscreen."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from gremalda.core.clerk import ClerkService
from gremalda.ui.clerk.notice_text import zoned_time
from gremalda.ui.clerk.publish_confirmation import PublishConfirmation
from sync.protocol.notice import notice_deadline
from tests.integration.test_body_zone_restart import RESTARTED, SEEDED, restarted_with_another_zone

SHOTS = Path("/tmp/s5b_shots")  # looked at by the person changing the dialog


def test_the_confirmation_names_the_servers_deadline_in_the_servers_zone(qtbot: Any, tmp_path: Path) -> None:
    with restarted_with_another_zone(tmp_path) as restarted:
        desk = restarted.before  # the replica still counts in the zone of the server's first start
        assert desk.time_zone == SEEDED and desk.notice is not None
        table = ClerkService(restarted.clerk).deliveries(restarted.world.ids["published_meeting"])
    assert table.time_zone == RESTARTED and table.start is not None and table.deadline is not None
    assert table.deadline != desk.deadline
    # a moment between the end of the server's deadline and the end of the replica's: "passed" follows
    # the server's (which of the two ends first depends on the meeting's local date in either zone)
    served = notice_deadline(table.start, table.notice_days, ZoneInfo(RESTARTED)).late_from
    replica = desk.notice.late_from
    assert served != replica
    now = min(served, replica) + abs(served - replica) / 2
    passed = served < replica
    assert desk.notice.passed(now) is not passed

    box = PublishConfirmation(desk, table)
    qtbot.addWidget(box)
    text = box.question_text(desk, table, now=now)
    assert zoned_time(table.deadline, ZoneInfo(RESTARTED)) in text
    assert zoned_time(desk.notice.shown, ZoneInfo(SEEDED)) not in text
    assert ("This deadline has passed already." in text) is passed
    # without the server's table (it could not be read) the replica's is all there is
    alone = box.question_text(desk, None, now=now)
    assert zoned_time(desk.notice.shown, ZoneInfo(SEEDED)) in alone
    assert ("passed already" in alone) is not passed

    box.setText(text)
    box.show()
    SHOTS.mkdir(exist_ok=True)
    box.grab().save(str(SHOTS / "publish_confirmation_server_zone.png"))
