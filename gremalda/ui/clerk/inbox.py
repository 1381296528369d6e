"""The meeting's inbox: PDFs that arrive in the watched hot folder (configured in the Clerk menu) are
listed here within seconds, once completely written. From here the clerk drags them onto an agenda item
(they are dragged as files, like from the file manager) or assigns the chosen ones to the item chosen in
the agenda editor. Assigned documents leave the inbox; the files stay in the hot folder."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.clerk import HotFolder
from gremalda.errors import GremaldaError
from gremalda.ui import error_reporter

log = logging.getLogger(__name__)
PATH_ROLE = Qt.ItemDataRole.UserRole + 21


class InboxList(QListWidget):
    """Items drag as file URLs (so the agenda editor treats them like files from the file manager)."""

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:  # noqa: N802
        data = QMimeData()
        data.setUrls([QUrl.fromLocalFile(str(i.data(PATH_ROLE))) for i in items])
        return data

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt's name)
        return ["text/uri-list"]


class Inbox(QWidget):
    assignRequested = Signal(list)  # [Path]  # noqa: N815 (Qt's naming)
    arrived = Signal(object)  # Path, on the GUI thread
    _arrived = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clerkInbox")
        self.folder: HotFolder | None = None
        self.title = QLabel(self.tr("Inbox (hot folder not set)"), self)
        self.list = InboxList(self)
        self.list.setObjectName("inboxList")
        self.list.setAccessibleName(self.tr("Inbox: documents from the hot folder"))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setDragEnabled(True)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.title.setBuddy(self.list)
        self.assign = QPushButton(self.tr("&Assign to the chosen item"), self)
        self.assign.setObjectName("inboxAssign")
        self.assign.clicked.connect(self._assign)
        self.list.itemActivated.connect(lambda _item: self._assign())
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.assign)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._arrived.connect(self._add, Qt.ConnectionType.QueuedConnection)

    def watch(self, folder: str) -> None:
        """Watch ``folder`` ("" : none) instead of the one watched so far."""
        self.stop()
        self.list.clear()
        if not folder:
            self.title.setText(self.tr("Inbox (hot folder not set)"))
            return
        try:
            self.folder = HotFolder(folder, self._arrived.emit).start()
        except GremaldaError as error:
            self.title.setText(self.tr("Inbox (hot folder not usable)"))
            error_reporter.report(error)
            return
        self.title.setText(self.tr("&Inbox (%1)").replace("%1", folder))

    def stop(self) -> None:
        if self.folder is not None:
            self.folder.stop()
            self.folder = None

    def paths(self) -> list[Path]:
        return [Path(str(self.list.item(r).data(PATH_ROLE))) for r in range(self.list.count())]

    def remove(self, paths: Sequence[Path]) -> None:
        gone = {str(p) for p in paths}
        for row in reversed(range(self.list.count())):
            if str(self.list.item(row).data(PATH_ROLE)) in gone:
                self.list.takeItem(row)

    def _add(self, path: Path) -> None:
        self.remove([path])  # a new version of the same file: listed once
        item = QListWidgetItem(path.name, self.list)
        item.setData(PATH_ROLE, str(path))
        item.setToolTip(str(path))
        self.arrived.emit(path)

    def _assign(self) -> None:
        chosen = [Path(str(i.data(PATH_ROLE))) for i in self.list.selectedItems()]
        if chosen:
            self.assignRequested.emit(chosen)
