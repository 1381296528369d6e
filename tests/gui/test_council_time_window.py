"""Council times in the window on this machine (UTC here), against the real server on loopback with real
replicas (offscreen): a meeting at 16:00 Berlin shows 16:00 in the member's navigation and meeting header
(which names Europe/Berlin when this machine's clock differs), in the clerk's agenda editor, the meeting
dialog and the proof of delivery (dialog and export); a meeting on the day the clocks go forward too; the
meeting dialog sends 16:00 Berlin for 16:00 typed on a UTC laptop; and, in a subprocess with TZ set to
Tokyo, the dialog and the formatting still mean Berlin's clock."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime
from PySide6.QtWidgets import QLabel, QWidget

from gremalda.core.council_time import zone_label
from gremalda.paths import DataPaths
from gremalda.ui.clerk.delivery_dialog import DeliveryDialog
from gremalda.ui.clerk.meeting_dialog import MeetingDialog
from gremalda.ui.clerk.workspace import ClerkWorkspace
from gremalda.ui.main_window import MainWindow
from gremalda.ui.navigation_tree import ID_ROLE, KIND_ROLE
from gremalda.ui.preferences import Preferences
from sync.server.db import write_session
from sync.server.models import Meeting, MeetingState
from tests.gui.conftest import FakeDocumentView, GuiWorld, show_in_clerk_editor

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine
BERLIN = ZoneInfo("Europe/Berlin")
AT_FOUR = datetime(2027, 6, 10, 16, 0, tzinfo=BERLIN)  # 14:00 UTC
SPRING = datetime(2027, 3, 28, 16, 0, tzinfo=BERLIN)  # the day the clocks go forward: 14:00 UTC
SHOTS = Path("/tmp/s5b_shots")  # the PNGs are looked at by the person changing the window


def _meetings(gui_world: GuiWorld) -> dict[str, int]:
    """Two published meetings of committee A (once per module: the server is shared)."""
    if "at_four" not in gui_world.ids:
        world = gui_world.world
        with write_session(gui_world.server.ctx.sessions) as s:
            made = {
                key: Meeting(
                    body_id=world.ids["body"],
                    organization_id=world.ids["committee_a"],
                    name=name,
                    state=MeetingState.PUBLISHED,
                    start=start,
                    end=start + timedelta(hours=2),
                    published_at=datetime(2027, 1, 4, 9, 30, tzinfo=BERLIN),
                )
                for key, name, start in (
                    ("at_four", "Ausschuss A, Sitzung um vier", AT_FOUR),
                    ("spring", "Ausschuss A, Sitzung zur Zeitumstellung", SPRING),
                )
            }
            s.add_all(made.values())
            s.flush()
            gui_world.ids.update({key: int(m.id) for key, m in made.items()})
    return {key: gui_world.ids[key] for key in ("at_four", "spring")}


def _window(
    qtbot: Any, paths: DataPaths, preferences: Preferences, fake_views: Callable[[QWidget], FakeDocumentView]
) -> MainWindow:
    window = MainWindow(paths, preferences=preferences, view_factory=fake_views, sync=False)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.resize(1300, 850)
    with qtbot.waitExposed(window, timeout=WAIT):
        window.show()
    with qtbot.waitSignal(window.navigationLoaded, timeout=WAIT):
        window.start()
    return window


@pytest.fixture
def member_window(
    qtbot: Any,
    gui_world: GuiWorld,
    preferences: Preferences,
    fake_views: Callable[[QWidget], FakeDocumentView],
    tmp_path: Path,
) -> Iterator[tuple[MainWindow, dict[str, int]]]:
    ids = _meetings(gui_world)
    window = _window(qtbot, gui_world.replica(tmp_path, "member"), preferences, fake_views)
    try:
        yield window, ids
    finally:
        window.shutdown()


@pytest.fixture
def clerk_window(
    qtbot: Any,
    gui_world: GuiWorld,
    preferences: Preferences,
    fake_views: Callable[[QWidget], FakeDocumentView],
    tmp_path: Path,
) -> Iterator[tuple[MainWindow, dict[str, int]]]:
    ids = _meetings(gui_world)
    window = _window(qtbot, gui_world.replica(tmp_path, "clerk"), preferences, fake_views)
    qtbot.waitUntil(lambda: window.clerk.clerk, timeout=WAIT)
    try:
        yield window, ids
    finally:
        window.shutdown()


def _navigation(window: MainWindow) -> dict[str, tuple[str, str]]:
    """Meeting ids in the navigation -> (row text, tooltip)."""
    found: dict[str, tuple[str, str]] = {}
    model = window.navigation.model_

    def walk(parent: Any) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            if index.data(KIND_ROLE) == "meeting":
                found[str(index.data(ID_ROLE))] = (
                    str(index.data(Qt.ItemDataRole.DisplayRole)),
                    str(index.data(Qt.ItemDataRole.ToolTipRole)),
                )
            walk(index)

    walk(model.index(-1, -1))
    return found


def _laid_out(qtbot: Any, label: QLabel) -> None:
    """Wait until a wrapping label has the height its text needs (the layout runs after the text is set)."""
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=WAIT)


def _shoot(widget: QWidget, name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    assert widget.grab().save(str(path))
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / name)


def _named(when: datetime) -> str:
    """What the header adds on this machine: " (Europe/Berlin)" where its clock differs ("" in Berlin)."""
    label = zone_label(when, BERLIN)
    return f" ({label})" if label else ""


def test_member_sees_berlin_times_in_navigation_and_header(
    member_window: tuple[MainWindow, dict[str, int]], qtbot: Any, tmp_path: Path
) -> None:
    window, ids = member_window
    rows = _navigation(window)
    text, tip = rows[str(ids["at_four"])]
    assert text == "Thu 10 Jun 2027 · Sitzung um vier"
    assert "Thu 10 Jun 2027, 16:00" in tip and "14:00" not in tip and "Europe/Berlin" not in tip
    text, tip = rows[str(ids["spring"])]
    assert "Sun 28 Mar 2027, 16:00" in tip

    with qtbot.waitSignal(window.folderShown, timeout=WAIT):
        window.folders.show_meeting(str(ids["at_four"]))
    details = window.agenda.details.text()
    assert details.startswith(f"Thu 10 Jun 2027, 16:00{_named(AT_FOUR)} · Ausschuss A")
    if datetime.now().astimezone().utcoffset() == timedelta(0):  # this UTC machine: the zone is named
        assert "(Europe/Berlin)" in details
    _laid_out(qtbot, window.agenda.details)
    _shoot(window, "member_window_berlin_time.png", tmp_path)

    with qtbot.waitSignal(window.folderShown, timeout=WAIT):
        window.folders.show_meeting(str(ids["spring"]))
    assert window.agenda.details.text().startswith(f"Sun 28 Mar 2027, 16:00{_named(SPRING)}")


def _show(qtbot: Any, ws: ClerkWorkspace, meeting_id: int) -> None:
    show_in_clerk_editor(qtbot, ws.window, meeting_id, timeout=WAIT)


def _server_start(gui_world: GuiWorld, name: str) -> datetime | None:
    with write_session(gui_world.server.ctx.sessions) as s:
        meeting = s.query(Meeting).filter_by(name=name).one_or_none()
        start = meeting.start if meeting is not None else None
    if start is None:
        return None
    return start if start.tzinfo is not None else start.replace(tzinfo=UTC)


def _type(field: Any, day: QDate, hour: int) -> None:
    """What a clerk types into a date-time field: the date and the hour, read as the field shows them."""
    field.setDateTime(QDateTime(day, QTime(hour, 0), field.timeZone()))
    assert field.dateTime().time().hour() == hour


def test_clerk_editor_dialog_and_delivery_use_berlin_time(
    clerk_window: tuple[MainWindow, dict[str, int]], gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    window, ids = clerk_window
    ws = window.clerk
    _show(qtbot, ws, ids["at_four"])
    header = ws.editor.header.text()
    assert "Thu 10 Jun 2027, 16:00 · Published Mon 4 Jan 2027, 09:30." in header
    _laid_out(qtbot, ws.editor.header)
    _shoot(ws.editor, "clerk_editor_berlin_time.png", tmp_path)

    # editing: the dialog shows 16:00, and saving unchanged keeps 14:00 UTC
    ws.edit_meeting()
    qtbot.waitUntil(lambda: isinstance(ws.dialog, MeetingDialog), timeout=WAIT)
    dialog = ws.dialog
    assert isinstance(dialog, MeetingDialog)
    assert dialog.start.dateTime().time() == QTime(16, 0) and dialog.end.dateTime().time() == QTime(18, 0)
    assert "16:00" in dialog.start.text()
    assert dialog.values()["start"] == AT_FOUR
    assert dialog.zone_note.isVisible() == bool(zone_label(AT_FOUR, BERLIN))
    _shoot(dialog, "meeting_dialog_berlin_time.png", tmp_path)
    dialog.reject()

    # the proof of delivery: heading and export
    qtbot.waitUntil(lambda: ws.actions["deliveries"].isEnabled(), timeout=WAIT)
    ws.actions["deliveries"].trigger()
    delivery = ws.dialog
    assert isinstance(delivery, DeliveryDialog)
    qtbot.waitUntil(lambda: delivery.table_data is not None, timeout=WAIT)
    assert "starts Thu 10 Jun 2027, 16:00, published Mon 4 Jan 2027, 09:30." in delivery.heading.text()
    assert delivery.table_data is not None
    assert "10.06.2027 16:00" in delivery.table_data.to_html("en")
    delivery.accept()

    # a new meeting: 16:00 typed on this machine means 16:00 in Berlin
    ws.new_meeting()
    qtbot.waitUntil(lambda: isinstance(ws.dialog, MeetingDialog), timeout=WAIT)
    new = ws.dialog
    assert isinstance(new, MeetingDialog)
    assert getattr(new.zone, "key", None) == "Europe/Berlin"
    assert new.start.time().hour() == 17  # the suggested start: 17:00 on the council's clock
    new.committee.setCurrentIndex(new.committee.findData(gui_world.world.ids["committee_a"]))
    new.name.setText("Ausschuss A, neu um vier")
    _type(new.start, QDate(2027, 3, 28), 16)  # the day the clocks go forward
    _type(new.end, QDate(2027, 3, 28), 18)
    new.accept()
    qtbot.waitUntil(lambda: _server_start(gui_world, "Ausschuss A, neu um vier") is not None, timeout=WAIT)
    assert _server_start(gui_world, "Ausschuss A, neu um vier") == datetime(2027, 3, 28, 14, 0, tzinfo=UTC)


def test_in_tokyo_the_dialog_and_the_texts_still_mean_berlin(tmp_path: Path) -> None:
    """This machine's zone set to Tokyo in a subprocess: a Berlin meeting still reads 16:00 (named), and
    16:00 typed in the meeting dialog is sent as 16:00 Berlin (14:00 UTC in summer)."""
    script = tmp_path / "tokyo.py"
    script.write_text(
        "import os\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from datetime import UTC, datetime\n"
        "from zoneinfo import ZoneInfo\n"
        "from PySide6.QtCore import QDate, QDateTime, QTime\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from gremalda.ui.clerk.meeting_dialog import MeetingDialog\n"
        "from gremalda.ui.formatting import meeting_time\n"
        "berlin = ZoneInfo('Europe/Berlin')\n"
        "print(meeting_time(datetime(2027, 6, 10, 14, 0, tzinfo=UTC), berlin, named=True))\n"
        "dialog = MeetingDialog([(1, 'A')], None, zone=berlin)\n"
        "dialog.start.setDateTime(QDateTime(QDate(2027, 6, 10), QTime(16, 0), dialog.start.timeZone()))\n"
        "print(dialog.values()['start'].astimezone(UTC).isoformat())\n"
        "print(dialog.start.text())\n"
    )
    out = subprocess.run(
        [sys.executable, str(script)],
        env={**os.environ, "TZ": "Asia/Tokyo"},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout.splitlines()
    assert out[0] == "Thu 10 Jun 2027, 16:00 (Europe/Berlin)"
    assert out[1] == "2027-06-10T14:00:00+00:00"
    assert "16:00" in out[2] or "4:00" in out[2]
