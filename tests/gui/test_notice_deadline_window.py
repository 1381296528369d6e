"""The notice deadline (Ladungsfrist) and the proof of delivery in the German window, against the real
server on loopback with a clerk's real replica (offscreen): the same deadline, by the server's rule in
Berlin time, in the agenda editor's header, the publish confirmation and the delivery dialog for a meeting
just after midnight whose deadline day is the day the clocks go forward; the confirmation says how many
have Gremalda access and names who has none; right after publishing the members are pending (not
highlighted); the table fits without scrolling sideways, sorts by its headers, lists missing and late
first, and its CSV export has the dialog's headings."""

from __future__ import annotations

import csv
import io
import itertools
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QLocale, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QWidget

from gremalda.core.clerk import DeliveryTable
from gremalda.paths import DataPaths
from gremalda.ui.clerk.delivery_dialog import DeliveryDialog
from gremalda.ui.clerk.notice_text import zoned_time
from gremalda.ui.clerk.publish_confirmation import PublishConfirmation
from gremalda.ui.clerk.reads import MeetingDesk
from gremalda.ui.clerk.workspace import ClerkWorkspace
from gremalda.ui.i18n import install_translations
from gremalda.ui.main_window import MainWindow
from gremalda.ui.preferences import Preferences
from sync.protocol.notice import notice_deadline
from sync.server.db import write_session
from sync.server.models import Delivery, Meeting, MeetingState, Membership, Person
from tests.gui.conftest import FakeDocumentView, GuiWorld, show_in_clerk_editor

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine
BERLIN = ZoneInfo("Europe/Berlin")


def _spring_forward(after: datetime) -> date:
    """The next last Sunday of March (Berlin's clocks go forward) at least two weeks after ``after``."""
    for year in itertools.count(after.year):
        sunday = max(date(year, 3, day) for day in range(25, 32) if date(year, 3, day).weekday() == 6)
        if datetime.combine(sunday, time(), BERLIN) > after + timedelta(days=14):
            return sunday
    raise AssertionError("unreachable")


# just after local midnight (22:15 UTC the day before); seven days' notice: the deadline day is the
# Sunday when the clocks go forward. The next one (the meeting is still ahead, and its deadline too,
# whenever the tests run: a fixed year ran out)
CLOCKS_FORWARD = _spring_forward(datetime.now(UTC))
START = datetime.combine(CLOCKS_FORWARD + timedelta(days=8), time(0, 15), BERLIN)
SHOTS = Path("/tmp/s5b_shots")  # the PNGs are looked at by the person changing the dialog


@pytest.fixture
def german_clerk(
    qtbot: Any,
    fake_views: Callable[[QWidget], FakeDocumentView],
    preferences: Preferences,
    gui_world: GuiWorld,
    tmp_path: Path,
) -> Iterator[tuple[MainWindow, dict[str, int]]]:
    ids = _add_meeting_and_member(gui_world)
    assert install_translations(None, QLocale("de_DE")) == "de"
    window: MainWindow | None = None
    try:
        paths: DataPaths = gui_world.replica(tmp_path, "clerk")
        window = MainWindow(paths, preferences=preferences, view_factory=fake_views, sync=False)
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        window.resize(1400, 900)
        with qtbot.waitExposed(window, timeout=WAIT):  # (without "with" it waits for nothing)
            window.show()
        with qtbot.waitSignal(window.navigationLoaded, timeout=WAIT):
            window.start()
        qtbot.waitUntil(lambda: window is not None and window.clerk.clerk, timeout=WAIT)
        yield window, ids
    finally:
        if window is not None:
            window.shutdown()
        assert install_translations("en") == "en"


def _add_meeting_and_member(gui_world: GuiWorld) -> dict[str, int]:
    """A draft meeting of committee A at START and a member of the committee without an account (once
    per module: the server is shared)."""
    world = gui_world.world
    if "notice_meeting" in gui_world.ids:
        return {"meeting": gui_world.ids["notice_meeting"], "person": gui_world.ids["no_account"]}
    with write_session(gui_world.server.ctx.sessions) as s:
        meeting = Meeting(
            body_id=world.ids["body"],
            organization_id=world.ids["committee_a"],
            name="Ausschuss A, Sitzung nach der Zeitumstellung",
            state=MeetingState.DRAFT,
            start=START,
            end=START + timedelta(hours=2),
        )
        person = Person(body_id=world.ids["body"], name="Ohne Konto")
        s.add_all([meeting, person])
        s.flush()
        s.add(Membership(person_id=person.id, organization_id=world.ids["committee_a"]))
        s.flush()
        gui_world.ids.update(notice_meeting=int(meeting.id), no_account=int(person.id))
    return {"meeting": gui_world.ids["notice_meeting"], "person": gui_world.ids["no_account"]}


def _show(qtbot: Any, ws: ClerkWorkspace, meeting_id: int) -> None:
    show_in_clerk_editor(qtbot, ws.window, meeting_id, timeout=WAIT)


def _open_deliveries(qtbot: Any, ws: ClerkWorkspace) -> DeliveryDialog:
    qtbot.waitUntil(lambda: ws.actions["deliveries"].isEnabled(), timeout=WAIT)
    ws.actions["deliveries"].trigger()
    dialog = ws.dialog
    assert isinstance(dialog, DeliveryDialog)
    qtbot.waitUntil(lambda: dialog.table_data is not None, timeout=WAIT)
    assert QTest.qWaitForWindowExposed(dialog, WAIT)  # shown by the action already
    return dialog


def _column(dialog: DeliveryDialog, column: int) -> list[str]:
    return [dialog.table.item(r, column).text() for r in range(dialog.table.rowCount())]


def _shoot(widget: QWidget, name: str, tmp_path: Path) -> Path:
    path = tmp_path / name
    assert widget.grab().save(str(path))
    SHOTS.mkdir(exist_ok=True)
    shutil.copy(path, SHOTS / name)
    return path


def test_one_deadline_in_editor_confirmation_and_delivery_table(
    german_clerk: tuple[MainWindow, dict[str, int]], gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    window, ids = german_clerk
    ws = window.clerk
    deadline = notice_deadline(START, 7, BERLIN).shown
    assert deadline == datetime.combine(CLOCKS_FORWARD, time(23, 59, 59), BERLIN)
    shown = zoned_time(deadline, BERLIN)
    assert f"{CLOCKS_FORWARD:%d.%m.%Y}, 23:59" in shown  # Berlin's wall clock, whatever this machine's zone

    # the agenda editor's header
    _show(qtbot, ws, ids["meeting"])
    assert f"Ladungsfrist (7 Tage): {shown}" in ws.editor.header.text()
    _shoot(ws.editor, "editor_header.png", tmp_path)

    # the publish confirmation: who has access, who has none, the same deadline
    ws.actions["publish"].trigger()
    qtbot.waitUntil(lambda: isinstance(ws.dialog, PublishConfirmation), timeout=WAIT)
    box = ws.dialog
    text = box.text()
    assert "für die 2 Mitglieder und Stellvertretungen des Gremiums mit Gremalda-Zugang" in text
    assert "1 ohne Gremalda-Zugang – bitte auf anderem Weg laden: Ohne Konto." in text
    assert f"Ladungsfrist (7 Tage vor der Sitzung): {shown}." in text
    assert "verstrichen" not in text  # the deadline is ahead
    _shoot(box, "publish_confirmation.png", tmp_path)
    box.button(QMessageBox.StandardButton.Yes).click()

    def state() -> str:
        with write_session(gui_world.server.ctx.sessions) as s:
            meeting = s.get(Meeting, ids["meeting"])
            return str(meeting.state if meeting else "")

    qtbot.waitUntil(lambda: state() == "published", timeout=WAIT)
    qtbot.waitUntil(lambda: ws.editor.desk is not None and ws.editor.desk.state == "published", timeout=WAIT)

    # the proof of delivery: the same deadline; nobody has it yet, and that is not late yet
    dialog = _open_deliveries(qtbot, ws)
    assert f"Ladungsfrist: {shown}." in dialog.heading.text()
    statuses = _column(dialog, 6)
    assert sorted(statuses) == ["ausstehend", "ausstehend", "kein Zugang"]
    for row in range(dialog.table.rowCount()):
        assert dialog.table.item(row, 6).background().style() == Qt.BrushStyle.NoBrush  # not highlighted
    assert "0 nicht zugestellt" in dialog.summary.text() and "2 ausstehend" in dialog.summary.text()
    dialog.accept()


def test_the_delivery_table_fits_sorts_and_exports_the_dialogs_headings(
    german_clerk: tuple[MainWindow, dict[str, int]], gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    """The published meeting starts in three days (seven days' notice: the deadline has passed): the
    member's folder came late, the deputy's never; the one without an account has none."""
    window, _ids = german_clerk
    ws = window.clerk
    world = gui_world.world
    meeting = world.ids["published_meeting"]
    with write_session(gui_world.server.ctx.sessions) as s:
        if s.get(Delivery, (meeting, world.ids["user_member"])) is None:
            s.add(
                Delivery(
                    meeting_id=meeting,
                    user_id=world.ids["user_member"],
                    first_complete_at=datetime.now(UTC),
                    current_files="",
                )
            )
    _show(qtbot, ws, meeting)
    dialog = _open_deliveries(qtbot, ws)
    table = dialog.table
    # missing and late first (the server lists members, then deputies, by name)
    assert _column(dialog, 0) == ["Person deputy", "Person member", "Ohne Konto"]
    assert _column(dialog, 6) == ["nicht zugestellt", "verspätet", "kein Zugang"]
    assert table.item(0, 6).background().color().name() == "#ffb3b3"
    assert table.item(1, 6).background().color().name() == "#ffe08a"
    assert table.item(2, 6).background().style() == Qt.BrushStyle.NoBrush

    # every column fits: no scrolling sideways, the status words are not cut off
    qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0, timeout=WAIT)
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    for column in range(1, table.columnCount()):
        widest = max(metrics.horizontalAdvance(text) for text in _column(dialog, column))
        assert header.sectionSize(column) > widest, (column, header.sectionSize(column), widest)
    assert header.sectionSize(0) > metrics.horizontalAdvance("Person deputy")
    assert sum(header.sectionSize(c) for c in range(table.columnCount())) <= table.viewport().width()
    shot = _shoot(dialog, "delivery_dialog.png", tmp_path)
    assert shot.stat().st_size > 0

    # a click on a heading sorts by it; a click on Status brings the urgent rows back to the top
    def click(column: int) -> None:
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))

    click(0)
    by_name = _column(dialog, 0)
    assert by_name in (["Ohne Konto", "Person deputy", "Person member"], list(reversed(by_name)))
    assert by_name == sorted(by_name) or by_name == sorted(by_name, reverse=True)
    click(0)
    assert _column(dialog, 0) == list(reversed(by_name))
    click(6)
    if _column(dialog, 6)[0] != "nicht zugestellt":  # a style may sort a new column descending first
        click(6)
    assert _column(dialog, 6) == ["nicht zugestellt", "verspätet", "kein Zugang"]

    # the export's headings are the dialog's
    headings = [table.horizontalHeaderItem(c).text().replace("\n", " ") for c in range(table.columnCount())]
    assert headings[0] == "Mitglied" and headings[6] == "Status"
    target = tmp_path / "nachweis.csv"
    with qtbot.waitSignal(dialog.exported, timeout=WAIT):
        dialog.export("csv", target)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0] == headings
    dialog.accept()


def _desk(start: datetime, notice_days: int = 7) -> MeetingDesk:
    return MeetingDesk(
        id="1",
        name="Rat, 1. Sitzung",
        state="draft",
        start=start,
        end=None,
        location="",
        organization_id=1,
        body_id=1,
        published_at=None,
        items=(),
        files=(),
        members=9,
        notice_days=notice_days,
        time_zone="Europe/Berlin",
    )


def _members(with_account: int, without: int) -> DeliveryTable:
    rows = [
        {
            "person_id": n,
            "name": f"Person {n}",
            "user_id": n if n < with_account else None,
            "status": "pending",
        }
        for n in range(with_account + without)
    ]
    return DeliveryTable.from_json({"meeting": {"id": 1, "name": "x", "notice_days": 7}, "rows": rows})


def test_the_confirmation_warns_from_the_first_late_moment_and_names_only_a_few(qtbot: Any) -> None:
    """The warning that the deadline has passed comes at local midnight after the last day (the server's
    rule), not at "start minus seven days"; up to six without access are named, more are counted."""
    start = datetime(2027, 4, 5, 0, 15, tzinfo=BERLIN)  # the old rule: passed only at 29 March, 00:15
    desk = _desk(start)
    box = PublishConfirmation(desk, _members(3, 2))
    qtbot.addWidget(box)
    late_from = datetime(2027, 3, 29, 0, 0, tzinfo=BERLIN)
    before = box.question_text(desk, _members(3, 2), now=late_from - timedelta(seconds=1))
    after = box.question_text(desk, _members(3, 2), now=late_from)
    assert "passed already" not in before and "This deadline has passed already." in after
    assert "for the 3 members and deputies of the committee with Gremalda access." in before
    assert "2 without Gremalda access – please invite them another way: Person 3, Person 4." in before
    many = box.question_text(desk, _members(1, 7), now=late_from)
    assert "for the 1 member or deputy of the committee" in many
    assert "7 without Gremalda access – please invite them another way." in many
    assert "Person 1" not in many
    nobody = box.question_text(desk, _members(0, 16), now=late_from)
    assert "Nobody in the committee has Gremalda access" in nobody and "for the 0" not in nobody
    assert "16 without Gremalda access – please invite them another way." in nobody
    unknown = box.question_text(desk, None, now=late_from)
    assert "Who has no access could not be checked now." in unknown
