"""The navigation on the left: body → committees → meetings (upcoming first, earlier ones folded under
"Earlier meetings"), and the e-files (e-file → processes → documents). Selecting a meeting or an e-file
shows it in the centre; activating a document opens it."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from gremalda.core.navigation import Navigation
from gremalda.core.records import FileEntry, MeetingSummary
from gremalda.ui.formatting import meeting_label, meeting_time, state_text
from gremalda.ui.wrap_delegate import WrapDelegate

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
FILE_ROLE = Qt.ItemDataRole.UserRole + 3

Key = tuple[str, str]  # (kind, id) of a node


class NavigationTree(QTreeView):
    meetingSelected = Signal(str)  # noqa: N815 (Qt's naming)
    efileSelected = Signal(str)  # noqa: N815 (Qt's naming)
    fileActivated = Signal(object)  # FileEntry  # noqa: N815 (Qt's naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("navigation")
        self.setAccessibleName(self.tr("Navigation: meetings and e-files"))
        self.model_ = QStandardItemModel(self)
        self.setModel(self.model_)
        self.setHeaderHidden(True)
        self.setItemDelegate(WrapDelegate(self))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.selectionModel().currentChanged.connect(self._current_changed)
        self.activated.connect(self._activated)
        self.navigation: Navigation | None = None

    # --- building

    def populate(self, navigation: Navigation, oparl: Mapping[str, str] | None = None) -> None:
        """Show ``navigation``, keeping what was expanded and selected. ``oparl``: the ids of bodies and
        meetings of OParl sources -> the source's name (shown as such, read-only)."""
        oparl = oparl or {}
        expanded = self._expanded_keys()
        current = self.current_key()
        first = self.navigation is None
        self.navigation = navigation
        self.selectionModel().blockSignals(True)
        try:
            self.model_.clear()
            root = self.model_.invisibleRootItem()
            for body in navigation.bodies:
                body_item = self._item(body.name or self.tr("Council"), "body", body.id or "")
                if body.id is not None and body.id in oparl:
                    body_item.setText(self.tr("%1 (OParl)").replace("%1", body_item.text()))
                    body_item.setToolTip(self._source_text(oparl[body.id]))
                root.appendRow(body_item)
                for committee in body.committees:
                    committee_item = self._item(
                        committee.name or self.tr("Other meetings"),
                        "committee",
                        f"{body.id}/{committee.name}",
                    )
                    body_item.appendRow(committee_item)
                    past: QStandardItem | None = None
                    for meeting in committee.meetings:
                        item = self._meeting_item(meeting)
                        if meeting.id in oparl:
                            item.setToolTip(item.toolTip() + "\n" + self._source_text(oparl[meeting.id]))
                        if meeting.id in navigation.upcoming:
                            committee_item.appendRow(item)
                            continue
                        if past is None:
                            past = self._item(
                                self.tr("Earlier meetings"), "past", f"{body.id}/{committee.name}"
                            )
                            committee_item.appendRow(past)
                        past.appendRow(item)
            if navigation.efiles:
                efiles = self._item(self.tr("E-files"), "efiles", "")
                root.appendRow(efiles)
                for tree in navigation.efiles:
                    summary = tree.efile
                    label = " ".join(part for part in (summary.reference_number, summary.title) if part)
                    efile_item = self._item(label or summary.id, "efile", summary.id)
                    efiles.appendRow(efile_item)
                    for process in tree.processes:
                        process_label = " ".join(p for p in (process.reference, process.title) if p)
                        process_item = self._item(process_label or process.id, "process", process.id)
                        efile_item.appendRow(process_item)
                        for document in process.documents:
                            document_item = self._item(
                                document.title or self.tr("Document"), "document", document.id
                            )
                            if document.files:
                                document_item.setData(document.files[0], FILE_ROLE)
                            else:
                                document_item.setToolTip(self.tr("No file of this document is available"))
                            process_item.appendRow(document_item)
        finally:
            self.selectionModel().blockSignals(False)
        if first:
            self._expand_defaults()
        else:
            for key in expanded:
                index = self.index_of(key)
                if index.isValid():
                    self.expand(index)
        if current is not None and (index := self.index_of(current)).isValid():
            self.selectionModel().blockSignals(True)
            self.setCurrentIndex(index)
            self.selectionModel().blockSignals(False)

    def _source_text(self, name: str) -> str:
        return self.tr("From the council information system %1 (OParl), read-only").replace("%1", name)

    def _item(self, text: str, kind: str, key: str) -> QStandardItem:
        item = QStandardItem(text)
        item.setData(kind, KIND_ROLE)
        item.setData(key, ID_ROLE)
        item.setEditable(False)
        return item

    def _meeting_item(self, meeting: MeetingSummary) -> QStandardItem:
        item = self._item(meeting_label(meeting), "meeting", meeting.id)
        details = [meeting.name, meeting_time(meeting.start, meeting.zone)]
        if meeting.location:
            details.append(meeting.location)
        details.append(self.tr("%n agenda item(s)", "", meeting.item_count))
        if meeting.nonpublic_count:
            details.append(self.tr("%n not public", "", meeting.nonpublic_count))
        if meeting.state in ("cancelled", "draft"):
            details.append(state_text(meeting.state))
        item.setToolTip("\n".join(details))
        if meeting.state in ("cancelled", "draft"):
            font = QFont()
            font.setStrikeOut(meeting.state == "cancelled")
            font.setItalic(meeting.state == "draft")
            item.setFont(font)
        return item

    def _expand_defaults(self) -> None:
        """Bodies and committees open; earlier meetings and e-files folded."""
        root = self.model_.invisibleRootItem()
        for row in range(root.rowCount()):
            body = root.child(row)
            if body.data(KIND_ROLE) == "body":
                self.expand(body.index())
                for c in range(body.rowCount()):
                    self.expand(body.child(c).index())

    # --- lookup

    def _walk(self, parent: QStandardItem | None = None) -> list[QStandardItem]:
        parent = parent or self.model_.invisibleRootItem()
        items: list[QStandardItem] = []
        for row in range(parent.rowCount()):
            child = parent.child(row)
            items.append(child)
            items.extend(self._walk(child))
        return items

    def index_of(self, key: Key) -> QModelIndex:
        for item in self._walk():
            if (item.data(KIND_ROLE), item.data(ID_ROLE)) == key:
                return item.index()
        return QModelIndex()

    def key_of(self, index: QModelIndex | QPersistentModelIndex) -> Key | None:
        if not index.isValid():
            return None
        return (str(index.data(KIND_ROLE)), str(index.data(ID_ROLE)))

    def current_key(self) -> Key | None:
        return self.key_of(self.currentIndex())

    def _expanded_keys(self) -> list[Key]:
        return [
            key
            for item in self._walk()
            if self.isExpanded(item.index()) and (key := self.key_of(item.index())) is not None
        ]

    def meeting_ids(self) -> list[str]:
        """The meetings in the order shown (for tests and keyboard users)."""
        return [str(i.data(ID_ROLE)) for i in self._walk() if i.data(KIND_ROLE) == "meeting"]

    def select(self, key: Key) -> bool:
        """Make the node current (showing it), as if the user chose it."""
        index = self.index_of(key)
        if not index.isValid():
            return False
        parent = index.parent()
        while parent.isValid():
            self.expand(parent)
            parent = parent.parent()
        if self.currentIndex() == index:
            self._current_changed(index, QModelIndex())
        else:
            self.setCurrentIndex(index)
        self.scrollTo(index)
        return True

    # --- signals

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        key = self.key_of(current)
        if key is None:
            return
        kind, object_id = key
        if kind == "meeting":
            self.meetingSelected.emit(object_id)
        elif kind == "efile":
            self.efileSelected.emit(object_id)
        elif kind in ("process", "document"):
            efile = current.parent() if kind == "process" else current.parent().parent()
            if (efile_key := self.key_of(efile)) is not None:
                self.efileSelected.emit(efile_key[1])

    def _activated(self, index: QModelIndex) -> None:
        entry = index.data(FILE_ROLE)
        if isinstance(entry, FileEntry):
            self.fileActivated.emit(entry)

    def current_file(self) -> FileEntry | None:
        entry = self.currentIndex().data(FILE_ROLE)
        return entry if isinstance(entry, FileEntry) else None
