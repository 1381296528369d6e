"""The centre of the window: a meeting's agenda (TOP number and title, a clear mark on non-public items,
each item's documents with their badges: new, changed, unread), or an e-file's processes and documents.
Activating a document (Enter, double click) opens it; Ctrl+Enter opens it beside the current one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QKeyEvent,
    QPainter,
    QPalette,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.readstate import Badge
from gremalda.core.records import AgendaEntry, EFileTree, FileEntry, MeetingFolder
from gremalda.ui.formatting import file_label, meeting_time, role_text, size_text
from gremalda.ui.icons import icon
from gremalda.ui.palette_colours import ProblemLabel, refused_colour
from gremalda.ui.wrap_delegate import WrapDelegate

FILE_ROLE = Qt.ItemDataRole.UserRole + 1
BADGE_ROLE = Qt.ItemDataRole.UserRole + 2
KIND_ROLE = Qt.ItemDataRole.UserRole + 3
ID_ROLE = Qt.ItemDataRole.UserRole + 4
NONPUBLIC_ROLE = Qt.ItemDataRole.UserRole + 5

_BADGE_COLOURS = {
    Badge.NEW: ("#0b57d0", "#ffffff"),
    Badge.CHANGED: ("#b45309", "#ffffff"),
    Badge.UNREAD: ("#e3e8ef", "#1f2933"),
}


def badge_text(badge: Badge) -> str:
    return {
        Badge.NEW: QCoreApplication.translate("AgendaView", "new"),
        Badge.CHANGED: QCoreApplication.translate("AgendaView", "changed"),
        Badge.UNREAD: QCoreApplication.translate("AgendaView", "unread"),
        Badge.READ: "",
    }[badge]


_PILL_SCALE = 0.85  # the badge's font, relative to the tree's
_PILL_PAD = 6  # left and right of the pill's text
_CELL_PAD = 4  # between the pill (or icon) and the cell's edges


def _pill_font(font: QFont, badge: Badge) -> QFont:
    pill = QFont(font)
    pill.setPointSizeF(max(pill.pointSizeF() * _PILL_SCALE, 6.0))
    pill.setBold(badge is not Badge.UNREAD)
    return pill


def pill_width(font: QFont, badge: Badge) -> int:
    """The width of the cell that shows ``badge`` as a pill."""
    metrics = QFontMetrics(_pill_font(font, badge))
    return metrics.horizontalAdvance(badge_text(badge)) + 2 * (_PILL_PAD + _CELL_PAD)


class BadgeDelegate(QStyledItemDelegate):
    """The status column, compact so the titles get the width: a document's badge as a small coloured pill,
    other states (not public, not downloaded) as their icon alone. The text stays the item's text (screen
    readers read it) and its tooltip."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        badge = index.data(BADGE_ROLE)
        is_badge = isinstance(badge, Badge) and badge is not Badge.READ
        if not is_badge and opt.icon.isNull():
            super().paint(painter, option, index)
            return
        icon_ = QIcon(opt.icon)  # a copy: the option is changed below
        opt.text = ""
        opt.icon = QIcon()
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        if not isinstance(badge, Badge) or not is_badge:
            size = opt.decorationSize
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(opt.rect.center())
            target.moveLeft(opt.rect.left() + _CELL_PAD)
            icon_.paint(painter, target)
            return
        text = badge_text(badge)
        background, foreground = _BADGE_COLOURS[badge]
        font = _pill_font(opt.font, badge)
        metrics = QFontMetrics(font)
        width = metrics.horizontalAdvance(text) + 2 * _PILL_PAD
        height = metrics.height() + 2
        rect = QRect(opt.rect.left() + _CELL_PAD, opt.rect.center().y() - height // 2, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(background))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor(foreground))
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802, E501  # fmt: skip
        super().initStyleOption(option, index)
        # the non-public mark's text (drawn when its icon is missing) in a red readable on the base
        if index.data(NONPUBLIC_ROLE):
            option.palette.setColor(QPalette.ColorRole.Text, refused_colour(option.palette))

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802 (Qt's name)
        size = super().sizeHint(option, index)
        badge = index.data(BADGE_ROLE)
        if isinstance(badge, Badge) and badge is not Badge.READ:
            return QSize(pill_width(option.font, badge), max(size.height(), option.fontMetrics.height() + 6))
        return QSize(option.decorationSize.width() + 2 * _CELL_PAD, size.height())


class AgendaTree(QTreeView):
    """The tree of items and documents; Ctrl+Enter asks to open beside."""

    activatedBeside = Signal(QModelIndex)  # noqa: N815 (Qt's naming)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        ):
            if self.currentIndex().isValid():
                self.activatedBeside.emit(self.currentIndex())
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class AgendaView(QWidget):
    fileActivated = Signal(object)  # FileEntry  # noqa: N815 (Qt's naming)
    fileActivatedBeside = Signal(object)  # FileEntry  # noqa: N815 (Qt's naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agenda")
        self.title = QLabel(self)
        self.title.setObjectName("agendaTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.details = QLabel(self)
        self.details.setObjectName("agendaDetails")
        self.details.setWordWrap(True)
        self.state = ProblemLabel(self)
        self.state.setObjectName("agendaState")
        self.state.setWordWrap(True)
        self.state.hide()
        self.source_note = QLabel(self)
        self.source_note.setObjectName("agendaSource")
        self.source_note.setWordWrap(True)
        self.source_note.hide()
        self.tree = AgendaTree(self)
        self.tree.setObjectName("agendaTree")
        self.model_ = QStandardItemModel(self)
        self.tree.setModel(self.model_)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setItemDelegateForColumn(0, WrapDelegate(self.tree))
        self.tree.setItemDelegateForColumn(1, BadgeDelegate(self.tree))
        self.tree.setAllColumnsShowFocus(True)
        self.tree.setWordWrap(True)
        self.tree.setIndentation(14)  # narrower than the style's 20: the titles get the width
        self.tree.activated.connect(self._activated)
        self.tree.activatedBeside.connect(self._activated_beside)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        layout.addWidget(self.state)
        layout.addWidget(self.source_note)
        layout.addWidget(self.tree, 1)
        self.kind: str | None = None  # "meeting" | "efile"
        self.object_id: str | None = None
        self._files: dict[str, list[QStandardItem]] = {}
        self.show_empty()

    # --- content

    def _reset(self, headers: list[str]) -> None:
        self.model_.clear()
        self._files.clear()
        self.model_.setHorizontalHeaderLabels(headers)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self._fit_status_column()

    def _fit_status_column(self) -> None:
        """The status column as wide as its widest badge (or its title): the rest is the titles'."""
        font = self.tree.font()
        header = self.tree.header()
        title = self.model_.headerData(1, Qt.Orientation.Horizontal)
        width = header.fontMetrics().horizontalAdvance(str(title or "")) + 16
        width = max(width, 16 + 2 * _CELL_PAD)
        badges = {item.data(BADGE_ROLE) for items in self._files.values() for item in items}
        for badge in badges:
            if isinstance(badge, Badge) and badge is not Badge.READ:
                width = max(width, pill_width(font, badge))
        metrics = self.tree.fontMetrics()
        for index in self._indexes():  # a status shown as text (an e-file document without a file)
            status = index.siblingAtColumn(1)
            text, decoration = status.data(), status.data(Qt.ItemDataRole.DecorationRole)
            if text and decoration is None and not isinstance(status.data(BADGE_ROLE), Badge):
                width = max(width, metrics.horizontalAdvance(str(text)) + 16)
        if header.sectionSize(1) != width:
            header.resizeSection(1, width)

    def set_source_note(self, text: str) -> None:
        """Where the meeting shown comes from (an OParl source, read-only), and its files' state."""
        self.source_note.setText(text)
        self.source_note.setVisible(bool(text))

    def show_empty(self) -> None:
        self.kind = self.object_id = None
        self.set_source_note("")
        self.title.setText(self.tr("No meeting chosen"))
        self.details.setText(self.tr("Choose a meeting or an e-file in the navigation."))
        self.state.hide()
        self._reset([self.tr("Agenda"), self.tr("Status")])
        self.tree.setAccessibleName(self.tr("Agenda"))

    def show_meeting(self, folder: MeetingFolder, badges: Mapping[str, Badge]) -> None:
        self.set_source_note("")
        restore = (
            self._view_state() if (self.kind, self.object_id) == ("meeting", folder.meeting.id) else None
        )
        meeting = folder.meeting
        self.kind, self.object_id = "meeting", meeting.id
        self.title.setText(meeting.name or self.tr("Meeting"))
        details = [meeting_time(meeting.start, meeting.zone, named=True)]
        if meeting.organization:
            details.append(meeting.organization)
        if meeting.location:
            details.append(meeting.location)
        self.details.setText(" · ".join(details))
        if meeting.state == "cancelled":
            self.state.setText(self.tr("This meeting has been cancelled."))
            self.state.show()
        elif meeting.state == "draft":
            self.state.setText(self.tr("Draft: this meeting has not been published yet."))
            self.state.show()
        else:
            self.state.hide()
        self._reset([self.tr("Agenda"), self.tr("Status")])
        self.tree.setAccessibleName(self.tr("Agenda of %1").replace("%1", meeting.name))
        root = self.model_.invisibleRootItem()
        if folder.meeting_files:
            group = self._row(self.tr("Meeting documents"), "", "group", "meeting-files")
            root.appendRow(group)
            for entry in folder.meeting_files:
                group[0].appendRow(self._file_row(entry, badges.get(entry.id, Badge.READ)))
        for item in folder.items:
            row = self._item_row(item)
            root.appendRow(row)
            for entry in item.files:
                row[0].appendRow(self._file_row(entry, badges.get(entry.id, Badge.READ)))
        if not folder.items and not folder.meeting_files:
            root.appendRow(self._row(self.tr("The agenda is empty."), "", "empty", ""))
        self._fit_status_column()
        self.tree.expandAll()
        if restore is not None:
            self._restore(restore)
        else:
            self.tree.setCurrentIndex(self.model_.index(0, 0))

    def show_efile(self, tree: EFileTree, badges: Mapping[str, Badge]) -> None:
        restore = self._view_state() if (self.kind, self.object_id) == ("efile", tree.efile.id) else None
        summary = tree.efile
        self.kind, self.object_id = "efile", summary.id
        self.title.setText(" ".join(p for p in (summary.reference_number, summary.title) if p))
        self.details.setText(
            self.tr("E-file · %n process(es)", "", summary.process_count)
            + " · "
            + self.tr("%n document(s)", "", summary.document_count)
        )
        self.state.hide()
        self._reset([self.tr("Processes and documents"), self.tr("Status")])
        self.tree.setAccessibleName(self.tr("E-file %1").replace("%1", summary.reference_number))
        root = self.model_.invisibleRootItem()
        for process in tree.processes:
            label = " ".join(p for p in (process.reference, process.title) if p)
            row = self._row(label or self.tr("Process"), "", "process", process.id)
            root.appendRow(row)
            for document in process.documents:
                if document.files:
                    entry = document.files[0]
                    file_row = self._file_row(entry, badges.get(entry.id, Badge.READ), document.title)
                    row[0].appendRow(file_row)
                else:
                    row[0].appendRow(
                        self._row(document.title or self.tr("Document"), self.tr("no file"), "document", "")
                    )
        self._fit_status_column()
        self.tree.expandAll()
        if restore is not None:
            self._restore(restore)
        else:
            self.tree.setCurrentIndex(self.model_.index(0, 0))

    def _row(self, text: str, status: str, kind: str, object_id: str) -> list[QStandardItem]:
        first = QStandardItem(text)
        first.setData(kind, KIND_ROLE)
        first.setData(object_id, ID_ROLE)
        second = QStandardItem(status)
        for item in (first, second):
            item.setEditable(False)
        return [first, second]

    def _item_row(self, item: AgendaEntry) -> list[QStandardItem]:
        number = self.tr("TOP %1").replace("%1", item.number) if item.number else ""
        text = f"{number}  {item.name}".strip() if number else item.name
        row = self._row(text or self.tr("Agenda item"), "", "item", item.id)
        font = row[0].font()
        font.setBold(True)
        row[0].setFont(font)
        papers = ", ".join(p.reference or p.name for p in item.papers)
        tooltip = [text]
        if papers:
            tooltip.append(self.tr("Papers: %1").replace("%1", papers))
        if item.result:
            tooltip.append(self.tr("Result: %1").replace("%1", item.result))
        if not item.public:
            mark = self.tr("not public")
            row[1].setText(mark)
            row[1].setIcon(icon("nonpublic"))
            row[1].setData(True, NONPUBLIC_ROLE)  # the delegate draws the mark in a readable red
            row[1].setToolTip(mark)
            row[0].setIcon(icon("nonpublic"))
            row[0].setData(f"{text} ({mark})", Qt.ItemDataRole.AccessibleTextRole)
            tooltip.append(self.tr("Not public: only for those entitled to it."))
        row[0].setToolTip("\n".join(tooltip))
        return row

    def _file_row(self, entry: FileEntry, badge: Badge, title: str | None = None) -> list[QStandardItem]:
        label = title or file_label(entry)
        role = role_text(entry.role)
        row = self._row(
            f"{label} ({role})" if role and not title else label, badge_text(badge), "file", entry.id
        )
        row[0].setData(entry, FILE_ROLE)
        row[1].setData(entry, FILE_ROLE)
        row[1].setData(badge, BADGE_ROLE)
        row[1].setToolTip(badge_text(badge))
        self._files.setdefault(entry.id, []).append(row[1])
        tooltip = [entry.file_name or label]
        if entry.size:
            tooltip.append(size_text(entry.size))
        if entry.change_note:
            tooltip.append(self.tr("Change: %1").replace("%1", entry.change_note))
        if entry.stored:
            row[0].setIcon(icon("document"))
        else:
            row[0].setIcon(icon("not-downloaded"))
            row[0].setForeground(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            tooltip.append(self.tr("Not downloaded yet: it arrives with the next synchronisation."))
            if badge is Badge.READ:
                row[1].setText(self.tr("not downloaded"))
                row[1].setIcon(icon("not-downloaded"))
                row[1].setToolTip(row[1].text())
        row[0].setToolTip("\n".join(tooltip))
        return row

    def set_badge(self, file_id: str, badge: Badge) -> None:
        for item in self._files.get(file_id, []):
            item.setData(badge, BADGE_ROLE)
            item.setText(badge_text(badge))
            item.setIcon(QIcon())
            item.setToolTip(badge_text(badge))
        self._fit_status_column()

    def badge_of(self, file_id: str) -> Badge | None:
        items = self._files.get(file_id)
        value = items[0].data(BADGE_ROLE) if items else None
        return value if isinstance(value, Badge) else None

    def listed_file_ids(self) -> list[str]:
        return list(self._files)

    def files(self) -> list[FileEntry]:
        """The documents shown, in order."""
        entries: list[FileEntry] = []
        seen: set[str] = set()
        for index in self._indexes():
            entry = index.data(FILE_ROLE)
            if isinstance(entry, FileEntry) and entry.id not in seen and index.column() == 0:
                seen.add(entry.id)
                entries.append(entry)
        return entries

    def _indexes(self, parent: QModelIndex | None = None) -> Iterable[QModelIndex]:
        parent = parent or QModelIndex()
        for row in range(self.model_.rowCount(parent)):
            index = self.model_.index(row, 0, parent)
            yield index
            yield from self._indexes(index)

    def current_file(self) -> FileEntry | None:
        entry = self.tree.currentIndex().data(FILE_ROLE)
        return entry if isinstance(entry, FileEntry) else None

    def select_file(self, file_id: str) -> bool:
        for index in self._indexes():
            entry = index.data(FILE_ROLE)
            if isinstance(entry, FileEntry) and entry.id == file_id:
                self.tree.setCurrentIndex(index)
                self.tree.scrollTo(index)
                return True
        return False

    # --- keeping the place across a refresh

    def _view_state(self) -> tuple[tuple[str, str] | None, int]:
        current = self.tree.currentIndex()
        key = (str(current.data(KIND_ROLE)), str(current.data(ID_ROLE))) if current.isValid() else None
        return key, self.tree.verticalScrollBar().value()

    def _restore(self, state: tuple[tuple[str, str] | None, int]) -> None:
        key, scroll = state
        if key is not None:
            for index in self._indexes():
                if (str(index.data(KIND_ROLE)), str(index.data(ID_ROLE))) == key:
                    self.tree.setCurrentIndex(index)
                    break
        self.tree.verticalScrollBar().setValue(scroll)

    # --- signals

    def _activated(self, index: QModelIndex) -> None:
        entry = index.data(FILE_ROLE)
        if isinstance(entry, FileEntry):
            self.fileActivated.emit(entry)

    def _activated_beside(self, index: QModelIndex) -> None:
        entry = index.data(FILE_ROLE)
        if isinstance(entry, FileEntry):
            self.fileActivatedBeside.emit(entry)
