"""The agenda editor's model and tree: the meeting's own documents first, then the agenda items (TOP
number, title, a non-public mark) with their documents and the papers consulted on them, each paper with
its documents (so they can be replaced and removed here too).

Drag and drop: an item dragged onto another takes that item's place (between two: goes there); the new
order is asked for with ``orderRequested`` (the service renumbers) and shown at once. PDFs dropped from
the file manager (file URLs) onto an item or a document of it are attached to the item, onto the
meeting's row or the empty space to the meeting: ``filesDropped``. Keyboard: Alt+Up / Alt+Down move the
current item, Delete asks to remove what is chosen (an item with its documents; a document; a paper's link
to the item), F2 renames it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QStyleOptionViewItem, QTreeView, QWidget

from gremalda.ui.clerk.list_style import TONE_ROLE, tone_option
from gremalda.ui.clerk.reads import DeskFile, MeetingDesk
from gremalda.ui.formatting import role_text
from gremalda.ui.icons import icon
from gremalda.ui.wrap_delegate import WrapDelegate

ITEM_MIME = "application/x-gremalda-agenda-item"
KIND_ROLE = Qt.ItemDataRole.UserRole + 11
ID_ROLE = Qt.ItemDataRole.UserRole + 12
Index = QModelIndex | QPersistentModelIndex


def local_pdfs(data: QMimeData) -> list[Path]:
    """The local files among the dropped URLs (the service's preflight refuses what is not a PDF)."""
    return [Path(url.toLocalFile()) for url in data.urls() if url.isLocalFile() and url.toLocalFile()]


class AgendaModel(QStandardItemModel):
    orderRequested = Signal(list)  # item ids in their new order  # noqa: N815 (Qt's naming)
    filesDropped = Signal(str, str, list)  # owner kind ("meeting" | "agenda_item"), id, [Path]  # noqa: N815

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meeting_id: str | None = None

    # --- content

    def show(self, desk: MeetingDesk | None) -> None:
        self.clear()
        self.meeting_id = desk.id if desk is not None else None
        if desk is None:
            return
        root = self.invisibleRootItem()
        meeting = self._node(self.tr("Meeting documents"), "meeting", desk.id)
        meeting.setToolTip(self.tr("Drop PDFs here for the meeting itself (e.g. the invitation)."))
        root.appendRow(meeting)
        for entry in desk.files:
            meeting.appendRow(self._file(entry))
        for item in desk.items:
            number = self.tr("TOP %1").replace("%1", item.number) if item.number else ""
            text = f"{number}  {item.name}".strip()
            node = self._node(text or self.tr("Agenda item"), "item", item.id)
            node.setFlags(node.flags() | Qt.ItemFlag.ItemIsDragEnabled)
            font = QFont(node.font())
            font.setBold(True)
            node.setFont(font)
            tips = [text]
            if not item.public:
                mark = self.tr("not public")
                node.setText(f"{text}  ({mark})")
                node.setIcon(icon("nonpublic"))
                node.setData("refused", TONE_ROLE)  # red readable on the palette of the view showing it
                tips.append(self.tr("Not public: only for those entitled to it."))
            if item.papers:
                tips.append(self.tr("Papers: %1").replace("%1", ", ".join(item.papers)))
            node.setToolTip("\n".join(tips))
            paper_ids = item.paper_ids or ("",) * len(item.papers)
            paper_files = item.paper_files or ((),) * len(item.papers)
            for paper, paper_id, entries in zip(item.papers, paper_ids, paper_files, strict=False):
                child = self._node(self.tr("Paper %1").replace("%1", paper), "paper", paper_id)
                for entry in entries:  # replace, remove, open them like the item's own
                    child.appendRow(self._file(entry))
                node.appendRow(child)
            for entry in item.files:
                node.appendRow(self._file(entry))
            root.appendRow(node)

    def _node(self, text: str, kind: str, object_id: str) -> QStandardItem:
        node = QStandardItem(text)
        node.setData(kind, KIND_ROLE)
        node.setData(object_id, ID_ROLE)
        node.setFlags(
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDropEnabled
        )
        return node

    def _file(self, entry: DeskFile) -> QStandardItem:
        role = role_text(entry.role)
        node = self._node(f"{entry.name} ({role})" if role else entry.name, "file", entry.id)
        node.setIcon(icon("document"))
        if entry.change_note:
            node.setToolTip(self.tr("Change: %1").replace("%1", entry.change_note))
        return node

    def item_ids(self) -> list[str]:
        return [
            str(self.item(row).data(ID_ROLE))
            for row in range(self.rowCount())
            if self.item(row).data(KIND_ROLE) == "item"
        ]

    def row_of(self, item_id: str) -> int:
        for row in range(self.rowCount()):
            node = self.item(row)
            if node.data(KIND_ROLE) == "item" and node.data(ID_ROLE) == item_id:
                return row
        return -1

    def owner(self, index: Index) -> tuple[str, str]:
        """The owner a document dropped (or attached) at ``index`` goes to: its item, or the meeting."""
        while index.isValid() and index.parent().isValid():
            index = index.parent()
        if index.isValid() and index.data(KIND_ROLE) == "item":
            return "agenda_item", str(index.data(ID_ROLE))
        return "meeting", self.meeting_id or ""

    def move(self, item_id: str, position: int) -> list[str]:
        """Show the item at ``position`` (0-based among the items) at once; returns the new order."""
        order = self.item_ids()
        if item_id not in order:
            return order
        order.remove(item_id)
        position = max(0, min(position, len(order)))
        order.insert(position, item_id)
        row = self.row_of(item_id)
        first = self.rowCount() - len(order)  # rows before the items (the meeting's)
        taken = self.takeRow(row)
        self.insertRow(first + position, taken)
        return order

    # --- drag and drop

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return super().flags(index)

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802 (Qt's name)
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction | Qt.DropAction.LinkAction

    def supportedDragActions(self) -> Qt.DropAction:  # noqa: N802 (Qt's name)
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt's name)
        return [ITEM_MIME, "text/uri-list"]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]  # noqa: N802
        data = QMimeData()
        items = [i for i in indexes if i.isValid() and i.data(KIND_ROLE) == "item"]
        if items:
            data.setData(ITEM_MIME, QByteArray(str(items[0].data(ID_ROLE)).encode()))
        return data

    def canDropMimeData(  # noqa: N802 (Qt's name)
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if self.meeting_id is None:
            return False
        return data.hasFormat(ITEM_MIME) or bool(local_pdfs(data))

    def dropMimeData(  # noqa: N802 (Qt's name)
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if self.meeting_id is None:
            return False
        if data.hasFormat(ITEM_MIME):
            item_id = bytes(data.data(ITEM_MIME).data()).decode()
            position = self._drop_position(item_id, row, parent)
            if position is None:
                return False
            before = self.item_ids()
            order = self.move(item_id, position)
            if order != before:
                self.orderRequested.emit(order)
            return False  # the view must not remove the dragged row: it has moved already
        paths = local_pdfs(data)
        if not paths:
            return False
        if not parent.isValid() and 0 <= row < self.rowCount():
            kind, owner_id = self.owner(self.index(row, 0))
        else:
            kind, owner_id = self.owner(parent)
        self.filesDropped.emit(kind, owner_id, paths)
        return True

    def _drop_position(self, item_id: str, row: int, parent: Index) -> int | None:
        order = self.item_ids()
        if item_id not in order:
            return None
        first = self.rowCount() - len(order)
        if parent.isValid():
            while parent.parent().isValid():
                parent = parent.parent()
            if parent.data(KIND_ROLE) != "item":
                return 0  # onto the meeting's row: to the top
            return order.index(str(parent.data(ID_ROLE)))  # onto an item: takes its place
        if row < 0:
            return len(order) - 1  # onto the empty space below: to the end
        gap = max(row - first, 0)  # between rows: items before the gap
        return gap - 1 if order.index(item_id) < gap else gap


class ToneWrapDelegate(WrapDelegate):
    """Wrapped titles; a non-public item's in the red readable on the base of the view's palette as it is
    when painted (the model keeps the tone, not a colour: a palette change at run time is followed)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:  # noqa: N802 (Qt's name)
        super().initStyleOption(option, index)
        tone_option(option, index)


class AgendaEditorTree(QTreeView):
    """The tree of the agenda editor; see the module docstring for its keys."""

    moveRequested = Signal(int)  # -1 up, +1 down  # noqa: N815 (Qt's naming)
    removeRequested = Signal()  # noqa: N815 (Qt's naming)
    renameRequested = Signal()  # noqa: N815 (Qt's naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setItemDelegate(ToneWrapDelegate(self))  # long titles wrap to further lines, not cut with "…"

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        alt = event.modifiers() & Qt.KeyboardModifier.AltModifier
        if alt and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.moveRequested.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Delete:
            self.removeRequested.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_F2:
            self.renameRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)
