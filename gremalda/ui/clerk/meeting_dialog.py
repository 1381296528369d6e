"""New meeting… / Edit meeting…: committee, name, start and end (date and time), location."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDateTime
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

from gremalda.ui.clerk.reads import MeetingDesk


def _qdt(when: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(when.timestamp())).toLocalTime()


def _py(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toSecsSinceEpoch()).astimezone()


class MeetingDialog(QDialog):
    """``meeting`` None: a new meeting; else its fields to edit. :meth:`values` after acceptance."""

    def __init__(
        self,
        committees: list[tuple[int, str]],
        meeting: MeetingDesk | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
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
        self.end = QDateTimeEdit(self)
        self.end.setObjectName("meetingEnd")
        self.end.setAccessibleName(self.tr("End"))
        self.end.setCalendarPopup(True)
        self.location = QLineEdit(self)
        self.location.setObjectName("meetingLocation")
        self.location.setAccessibleName(self.tr("Location"))
        self.problem = QLabel(self)
        self.problem.setObjectName("meetingProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        if meeting is None:
            start = (datetime.now().astimezone() + timedelta(days=14)).replace(
                hour=17, minute=0, second=0, microsecond=0
            )
            self.start.setDateTime(_qdt(start))
            self.end.setDateTime(_qdt(start + timedelta(hours=2)))
        else:
            index = self.committee.findData(meeting.organization_id)
            self.committee.setCurrentIndex(max(index, 0))
            self.committee.setEnabled(False)  # a meeting stays with its committee
            self.name.setText(meeting.name)
            if meeting.start is not None:
                self.start.setDateTime(_qdt(meeting.start))
            end = meeting.end or (meeting.start + timedelta(hours=2) if meeting.start else None)
            if end is not None:
                self.end.setDateTime(_qdt(end))
            self.location.setText(meeting.location)
        form = QFormLayout()
        form.addRow(self.tr("&Committee:"), self.committee)
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("&Start:"), self.start)
        form.addRow(self.tr("&End:"), self.end)
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

    def values(self) -> dict[str, Any]:
        return {
            "organization_id": self.committee.currentData(),
            "name": self.name.text().strip(),
            "start": _py(self.start.dateTime()),
            "end": _py(self.end.dateTime()),
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
