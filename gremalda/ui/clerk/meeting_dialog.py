"""New meeting… / Edit meeting…: committee, name, start and end (date and time), location.

Start and end are typed on the council's clock (the body's time zone, :mod:`gremalda.core.council_time`):
a clerk on a laptop set to UTC types 16:00 and means 16:00 in Europe/Berlin; the zone is named beside the
fields when this machine's clock differs."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.council_time import DEFAULT_ZONE, from_wall_clock, zone_label
from gremalda.ui.clerk.reads import MeetingDesk
from gremalda.ui.formatting import wall_qdatetime


def _py(value: QDateTime, zone: tzinfo) -> datetime:
    """The moment the field's wall-clock fields (kept in UTC, unconverted) mean in the body's zone."""
    day, clock = value.date(), value.time()
    local = datetime(day.year(), day.month(), day.day(), clock.hour(), clock.minute())
    return from_wall_clock(local, zone)


class MeetingDialog(QDialog):
    """``meeting`` None: a new meeting; else its fields to edit. :meth:`values` after acceptance."""

    def __init__(
        self,
        committees: list[tuple[int, str]],
        meeting: MeetingDesk | None = None,
        parent: QWidget | None = None,
        *,
        zone: tzinfo = DEFAULT_ZONE,
    ) -> None:
        """`zone`: the body's time zone for a new meeting (an edited one has its own, ``meeting.zone``)."""
        super().__init__(parent)
        self.zone: tzinfo = meeting.zone if meeting is not None else zone
        self.setObjectName("meetingDialog")
        title = self.tr("New meeting") if meeting is None else self.tr("Edit meeting")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.committee = QComboBox(self)
        self.committee.setObjectName("meetingCommittee")
        self.committee.setAccessibleName(self.tr("Committee"))
        for org_id, name in committees:
            self.committee.addItem(name, org_id)
        self.name = QLineEdit(self)
        self.name.setObjectName("meetingName")
        self.name.setAccessibleName(self.tr("Name of the meeting"))
        self.start = QDateTimeEdit(self)
        self.start.setObjectName("meetingStart")
        self.start.setAccessibleName(self.tr("Start"))
        self.start.setCalendarPopup(True)
        self.start.setTimeZone(QTimeZone.utc())  # the body's wall-clock fields, not converted by Qt
        self.end = QDateTimeEdit(self)
        self.end.setObjectName("meetingEnd")
        self.end.setAccessibleName(self.tr("End"))
        self.end.setCalendarPopup(True)
        self.end.setTimeZone(QTimeZone.utc())
        self.location = QLineEdit(self)
        self.location.setObjectName("meetingLocation")
        self.location.setAccessibleName(self.tr("Location"))
        self.problem = QLabel(self)
        self.problem.setObjectName("meetingProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        if meeting is None:
            start = (datetime.now(self.zone) + timedelta(days=14)).replace(
                hour=17, minute=0, second=0, microsecond=0
            )
            self.start.setDateTime(wall_qdatetime(start, self.zone))
            self.end.setDateTime(wall_qdatetime(start + timedelta(hours=2), self.zone))
        else:
            index = self.committee.findData(meeting.organization_id)
            self.committee.setCurrentIndex(max(index, 0))
            self.committee.setEnabled(False)  # a meeting stays with its committee
            self.name.setText(meeting.name)
            if meeting.start is not None:
                self.start.setDateTime(wall_qdatetime(meeting.start, self.zone))
            end = meeting.end or (meeting.start + timedelta(hours=2) if meeting.start else None)
            if end is not None:
                self.end.setDateTime(wall_qdatetime(end, self.zone))
            self.location.setText(meeting.location)
        form = QFormLayout()
        form.addRow(self.tr("&Committee:"), self.committee)
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("&Start:"), self.start)
        form.addRow(self.tr("&End:"), self.end)
        self.zone_note = QLabel(self)
        self.zone_note.setObjectName("meetingZone")
        label = zone_label(self.values_start(), self.zone)
        self.zone_note.setText(self.tr("Times in %1").replace("%1", label))
        self.zone_note.setVisible(bool(label))
        form.addRow("", self.zone_note)
        form.addRow(self.tr("&Location:"), self.location)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("OK"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def values_start(self) -> datetime:
        return _py(self.start.dateTime(), self.zone)

    def values(self) -> dict[str, Any]:
        return {
            "organization_id": self.committee.currentData(),
            "name": self.name.text().strip(),
            "start": _py(self.start.dateTime(), self.zone),
            "end": _py(self.end.dateTime(), self.zone),
            "location": self.location.text().strip(),
        }

    def accept(self) -> None:
        problem = ""
        if self.committee.currentData() is None:
            problem = self.tr("Choose a committee (synchronise first if the list is empty).")
        elif not self.name.text().strip():
            problem = self.tr("Give the meeting a name.")
        elif self.end.dateTime() < self.start.dateTime():
            problem = self.tr("The end lies before the start.")
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            return
        super().accept()
