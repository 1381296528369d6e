"""Proof of delivery of one meeting: per member and deputy when a device had the published folder
complete (first, and for the folder as it is now) and when the member first opened it, with the
notice-period (Ladungsfrist) check; late and missing rows highlighted and listed first (pending ones, whose
deadline has not passed, are not), sortable by any column, a summary line, the body's notice days,
refresh, and export as CSV and PDF (written atomically, with the same headings). Times are shown in the
body's time zone, where the notice period counts days. Network and disk work runs on the clerk runner's
thread."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.clerk import DeliveryRow, DeliveryTable
from gremalda.core.clerk.deliveries import STATUS_ORDER
from gremalda.files import write_atomically
from gremalda.ui.clerk.runner import ClerkRunner
from gremalda.ui.formatting import council_time, meeting_time

HIGHLIGHT = {"late": "#ffe08a", "missing": "#ffb3b3"}
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
NAME, STATUS = 0, 6  # columns


def _two_lines(text: str) -> str:
    """A heading of several words on two lines (the break at its last space)."""
    head, space, tail = text.rpartition(" ")
    return f"{head}\n{tail}" if space else text


class SortItem(QTableWidgetItem):
    """A cell that sorts by its key (times by time, the status by urgency), not by its text."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if mine is None or theirs is None:
            return super().__lt__(other)
        return bool(mine < theirs)


class DeliveryDialog(QDialog):
    loaded = Signal(object)  # DeliveryTable
    exported = Signal(str)  # path written

    def __init__(
        self, runner: ClerkRunner, meeting_id: str, body_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("deliveryDialog")
        self.runner = runner
        self.meeting_id = meeting_id
        self.body_id = body_id
        self.table_data: DeliveryTable | None = None
        self.setWindowTitle(self.tr("Proof of delivery"))
        self.setAccessibleName(self.tr("Proof of delivery"))
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.summary = QLabel(self)
        self.summary.setObjectName("deliverySummary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 7, self)
        self.table.setObjectName("deliveryTable")
        self.table.setAccessibleName(self.tr("Delivery per member"))
        self.headings = [  # the exports' headings too (gremalda.core.clerk.deliveries.LABELS)
            self.tr("Member"),
            self.tr("Role"),
            self.tr("Deputy"),
            self.tr("Invitation complete"),
            self.tr("Current folder complete"),
            self.tr("First opened"),
            self.tr("Status"),
        ]
        # the times' headings on two lines (their words are wider than the times below them)
        self.table.setHorizontalHeaderLabels(
            [_two_lines(text) if 3 <= column <= 5 else text for column, text in enumerate(self.headings)]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        # the name takes the room left; the other columns are as wide as their contents (short words,
        # times): all fit without scrolling sideways, the dialog is made wide enough for them
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(STATUS, Qt.SortOrder.AscendingOrder)  # missing and late first
        self.table.setSortingEnabled(True)
        self.notice = QSpinBox(self)
        self.notice.setObjectName("noticeDays")
        self.notice.setAccessibleName(self.tr("Notice period in days (for the whole body)"))
        self.notice.setRange(0, 60)
        self.notice.setSuffix(self.tr(" days"))
        notice_label = QLabel(self.tr("&Notice period:"), self)
        notice_label.setBuddy(self.notice)
        self.save_notice = QPushButton(self.tr("&Save notice period"), self)
        self.save_notice.setObjectName("saveNotice")
        self.save_notice.clicked.connect(self.apply_notice)
        self.refresh_button = QPushButton(self.tr("&Refresh"), self)
        self.refresh_button.setObjectName("deliveryRefresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.csv_button = QPushButton(self.tr("Export &CSV…"), self)
        self.csv_button.setObjectName("exportCsv")
        self.csv_button.clicked.connect(lambda: self._ask_export("csv"))
        self.pdf_button = QPushButton(self.tr("Export &PDF…"), self)
        self.pdf_button.setObjectName("exportPdf")
        self.pdf_button.clicked.connect(lambda: self._ask_export("pdf"))
        close = QPushButton(self.tr("C&lose"), self)
        close.setObjectName("deliveryClose")
        close.clicked.connect(self.accept)
        for button in (self.csv_button, self.pdf_button, self.save_notice):
            button.setEnabled(False)
        notice_row = QHBoxLayout()
        notice_row.addWidget(notice_label)
        notice_row.addWidget(self.notice)
        notice_row.addWidget(self.save_notice)
        notice_row.addStretch(1)
        buttons = QHBoxLayout()
        for button in (self.refresh_button, self.csv_button, self.pdf_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(notice_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.resize(980, 520)
        self.heading.setText(self.tr("Loading…"))

    def refresh(self) -> None:
        meeting_id = self.meeting_id
        self.refresh_button.setEnabled(False)

        @self._while_open
        def failed(error: BaseException) -> None:
            self.refresh_button.setEnabled(True)
            self.heading.setText(self.tr("The proof of delivery could not be loaded."))
            from gremalda.ui import error_reporter

            error_reporter.report(error)

        self.runner.submit(lambda svc: svc.deliveries(meeting_id), self._while_open(self._show), failed)

    def _while_open(self, callback: Callable[[Any], None]) -> Callable[[Any], None]:
        """``callback`` for an answer of the runner, dropped when the dialog is gone meanwhile (closed
        and deleted while the member list or an export was under way)."""

        def call(value: Any) -> None:
            if shiboken6.isValid(self):
                callback(value)

        return call

    def _show(self, table: DeliveryTable) -> None:
        self.table_data = table
        self.refresh_button.setEnabled(True)
        for button in (self.csv_button, self.pdf_button):
            button.setEnabled(True)
        self.save_notice.setEnabled(self.body_id is not None)
        self.notice.setValue(table.notice_days)
        published = (
            self.tr("published %1").replace("%1", council_time(table.published_at, table.zone))
            if table.published_at
            else self.tr("not published")
        )
        self.heading.setText(
            self.tr("%1 — starts %2, %3. Notice deadline: %4.")
            .replace("%1", table.meeting_name)
            .replace("%2", meeting_time(table.start, table.zone))
            .replace("%3", published)
            .replace("%4", council_time(table.deadline, table.zone, named=True, unbroken=True))
        )
        header = self.table.horizontalHeader()
        column, order = header.sortIndicatorSection(), header.sortIndicatorOrder()
        self.table.setSortingEnabled(False)  # filled in the server's order, then sorted as chosen
        self.table.clearContents()
        self.table.setRowCount(len(table.rows))
        for number, row in enumerate(table.rows):
            keys = self._keys(row, number)
            for column_, text in enumerate(self._cells(row)):
                cell = SortItem(text)
                cell.setData(SORT_ROLE, keys[column_])
                if row.flagged:
                    cell.setBackground(QColor(HIGHLIGHT[row.status]))
                    cell.setForeground(QColor("#1f2933"))
                self.table.setItem(number, column_, cell)
        self.table.setSortingEnabled(True)
        self.table.sortItems(column, order)
        self._fit_width()
        counts = table.counts()
        self.summary.setText(
            self.tr("%1 of %2 on time")
            .replace("%1", str(counts["on_time"]))
            .replace("%2", str(len(table.rows)))
            + " · "
            + self.tr("%n late", "", counts["late"])
            + " · "
            + self.tr("%n missing", "", counts["missing"])
            + " · "
            + self.tr("%n pending", "", counts["pending"])
            + " · "
            + self.tr("%n without account", "", counts["no_account"])
        )
        self.loaded.emit(table)

    def _fit_width(self) -> None:
        """Widen the dialog (within the screen) so that every column shows its contents and the names
        have room: no scrolling sideways."""
        header = self.table.horizontalHeader()
        name_width = max(header.sectionSizeHint(NAME), self.table.sizeHintForColumn(NAME))
        others = sum(header.sectionSize(c) for c in range(self.table.columnCount()) if c != NAME)
        scroll = self.table.verticalScrollBar().sizeHint().width()
        layout = self.layout()
        margins = layout.contentsMargins().left() + layout.contentsMargins().right() if layout else 24
        wanted = name_width + others + scroll + 2 * self.table.frameWidth() + margins + 8
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry().width() - 40 if screen is not None else wanted
        if self.width() < min(wanted, room):  # never narrower than it is
            self.resize(min(wanted, room), self.height())

    def _keys(self, row: DeliveryRow, number: int) -> list[Any]:
        """What each column sorts by; ties keep the server's order (members first, by name)."""

        def when(value: datetime | None) -> tuple[int, float, int]:
            # not yet: after every time, ascending
            return (0, value.timestamp(), number) if value is not None else (1, 0.0, number)

        return [
            (row.name.casefold(), number),
            (row.role.casefold(), number),
            (row.deputy, number),
            when(row.first_complete_at),
            when(row.current_complete_at),
            when(row.first_opened_at),
            (STATUS_ORDER.get(row.status, 0), number),
        ]

    def _cells(self, row: DeliveryRow) -> list[str]:
        zone = self.table_data.zone if self.table_data is not None else None

        def when(value: datetime | None) -> str:
            if value is None:
                return "–"
            return council_time(value, zone, short=True)

        status = {
            "on_time": self.tr("on time"),
            "late": self.tr("late"),
            "missing": self.tr("missing"),
            "pending": self.tr("pending"),
            "no_account": self.tr("no account"),
        }.get(row.status, row.status)
        return [
            row.name,
            row.role,
            self.tr("yes") if row.deputy else self.tr("no"),
            when(row.first_complete_at),
            when(row.current_complete_at),
            when(row.first_opened_at),
            status,
        ]

    def apply_notice(self) -> None:
        body_id, days = self.body_id, self.notice.value()
        if body_id is None:
            return
        self.runner.submit(
            lambda svc: svc.set_notice_days(body_id, days), self._while_open(lambda _r: self.refresh())
        )

    def _ask_export(self, kind: str) -> None:
        name = (self.table_data.meeting_name if self.table_data else "") or self.tr("Proof of delivery")
        suggested = f"{name} – {self.tr('Proof of delivery')}.{kind}".replace("/", "-")
        filters = self.tr("CSV files (*.csv)") if kind == "csv" else self.tr("PDF documents (*.pdf)")
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Export"), suggested, filters)
        if path:
            self.export(kind, Path(path))

    def export(self, kind: str, path: Path) -> None:
        """Write the table as ``kind`` ("csv" | "pdf") to ``path`` (off the GUI thread, atomically)."""
        table = self.table_data
        if table is None:
            return

        def job(_svc: object) -> str:
            data = table.to_csv().encode("utf-8") if kind == "csv" else table.to_pdf()
            write_atomically(path, data)
            return str(path)

        self.runner.submit(job, self._while_open(self.exported.emit))
