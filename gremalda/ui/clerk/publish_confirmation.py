"""The confirmation before a meeting is published: who receives the electronic invitation (the members
and deputies of the committee with a Gremalda account, as the server's proof-of-delivery table lists them)
and who does not (no account: the clerk has to invite them another way, named when they are few), and the
notice deadline (Ladungsfrist) by the server's rule in the body's time zone, with a warning when it has
passed already."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QMessageBox, QWidget

from gremalda.core.clerk import DeliveryTable
from gremalda.ui.clerk.notice_text import zoned_time
from gremalda.ui.clerk.reads import MeetingDesk
from sync.protocol.notice import NoticeDeadline, notice_deadline

NAMED_UP_TO = 6  # members without access are named when there are at most this many


class PublishConfirmation(QMessageBox):
    """Publish or Cancel (the default) for `desk`; `table` is the server's member list (None: it could
    not be read, so who has access is not known and the question says so)."""

    def __init__(self, desk: MeetingDesk, table: DeliveryTable | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("publishConfirmation")
        self.setIcon(QMessageBox.Icon.Question)
        self.setWindowTitle(self.tr("Publish meeting"))
        self.setText(self.question_text(desk, table))
        self.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        self.button(QMessageBox.StandardButton.Yes).setText(self.tr("Publish"))
        self.button(QMessageBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.setDefaultButton(QMessageBox.StandardButton.Cancel)

    def question_text(
        self, desk: MeetingDesk, table: DeliveryTable | None, now: datetime | None = None
    ) -> str:
        if table is None:
            text = self.tr(
                "Publish “%1”? Its folder becomes the electronic invitation for the members and deputies of "
                "the committee who have Gremalda access. Who has no access could not be checked now."
            ).replace("%1", desk.name)
        else:
            with_access = [row for row in table.rows if row.user_id is not None]
            without = [row for row in table.rows if row.user_id is None]
            if with_access:
                text = self.tr(
                    "Publish “%1”? Its folder becomes the electronic invitation for the %n member(s) and "
                    "deputies of the committee with Gremalda access.",
                    "",
                    len(with_access),
                ).replace("%1", desk.name)
            else:
                text = self.tr(
                    "Publish “%1”? Nobody in the committee has Gremalda access: nobody receives the folder "
                    "as the electronic invitation."
                ).replace("%1", desk.name)
            if without and len(without) <= NAMED_UP_TO:
                text += " " + self.tr(
                    "%n without Gremalda access – please invite them another way: %1.", "", len(without)
                ).replace("%1", ", ".join(row.name for row in without))
            elif without:
                text += " " + self.tr(
                    "%n without Gremalda access – please invite them another way.", "", len(without)
                )
        notice = _notice(desk, table)
        if notice is not None:
            days, zone, deadline = notice
            text += "\n\n" + self.tr("Notice deadline (%n day(s) before the meeting): %1.", "", days).replace(
                "%1", zoned_time(deadline.shown, zone)
            )
            if deadline.passed(now or datetime.now(UTC)):
                text += " " + self.tr("This deadline has passed already.")
        return text


def _notice(desk: MeetingDesk, table: DeliveryTable | None) -> tuple[int, ZoneInfo, NoticeDeadline] | None:
    """The notice days, the zone and the deadline to show: the server's table's when it was read and has
    one (its zone is the server's live setting; the replica's body record may name an older one), else the
    replica's."""
    if table is None or table.start is None or table.deadline is None:
        notice = desk.notice
        return (desk.notice_days, desk.zone, notice) if notice is not None else None
    ruled = notice_deadline(table.start, table.notice_days, table.zone)  # late_from: when it has passed
    return table.notice_days, table.zone, NoticeDeadline(shown=table.deadline, late_from=ruled.late_from)
