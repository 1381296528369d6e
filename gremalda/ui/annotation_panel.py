"""The annotation panel (a dock): the annotations of the current document, or of every document of the
meeting (or e-file) shown, with their page, kind, text, author and date; filters by kind, by author and
for one's own. Clicking one (or Enter) emits :attr:`AnnotationPanel.openAnnotation`: the window opens the
document at its page and selects it there. Others' shared annotations are listed read-only with their
author.

The panel reads the window's :class:`~gremalda.ui.annotations.model.AnnotationModel` (never the disk):
it asks the model to load the documents in view and lists again when the model says one of them
changed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPointF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QIcon,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.annotations.records import Annotation, Kind
from gremalda.core.records import FileEntry
from gremalda.ui.formatting import file_label

if TYPE_CHECKING:
    from gremalda.ui.annotations.model import AnnotationModel

translate = QCoreApplication.translate

ID_ROLE = Qt.ItemDataRole.UserRole + 1
FILE_ROLE = Qt.ItemDataRole.UserRole + 2
PAGE_ROLE = Qt.ItemDataRole.UserRole + 3
SORT_ROLE = Qt.ItemDataRole.UserRole + 4
MINE_ROLE = Qt.ItemDataRole.UserRole + 5

COLUMNS = ("document", "page", "kind", "text", "author", "date")
DOCUMENT, PAGE, KIND, TEXT, AUTHOR, DATE = range(len(COLUMNS))
TEXT_LENGTH = 200  # characters of a quote or note shown in the list (all of it in the tooltip)


def kind_name(kind: Kind) -> str:
    return {
        Kind.HIGHLIGHT: translate("AnnotationPanel", "Highlight"),
        Kind.UNDERLINE: translate("AnnotationPanel", "Underline"),
        Kind.STRIKEOUT: translate("AnnotationPanel", "Strike-out"),
        Kind.INK: translate("AnnotationPanel", "Drawing"),
        Kind.NOTE: translate("AnnotationPanel", "Note"),
        Kind.FREETEXT: translate("AnnotationPanel", "Text box"),
    }[kind]


@cache
def kind_icon(kind: Kind, colour: str = "#ffd700") -> QIcon:
    """A small picture of the kind in the annotation's colour."""
    size = 16
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour_ = QColor(colour)
    ink = QColor("#303030")
    if kind is Kind.HIGHLIGHT:
        painter.fillRect(1, 4, 14, 9, colour_)
        painter.setPen(QPen(ink, 1.2))
        painter.drawLine(4, 8, 12, 8)
    elif kind in (Kind.UNDERLINE, Kind.STRIKEOUT):
        painter.setPen(QPen(ink, 1.2))
        for y in (4, 8):
            painter.drawLine(2, y, 14, y)
        painter.setPen(QPen(colour_.darker(130), 2.4))
        y = 13 if kind is Kind.UNDERLINE else 6
        painter.drawLine(1, y, 15, y)
    elif kind is Kind.INK:
        path = QPainterPath(QPointF(1.5, 12))
        path.cubicTo(QPointF(4, 1), QPointF(8, 16), QPointF(14.5, 3))
        painter.setPen(QPen(colour_.darker(120), 2.2))
        painter.drawPath(path)
    elif kind is Kind.NOTE:
        painter.setPen(QPen(ink, 1))
        painter.setBrush(QBrush(colour_))
        painter.drawRoundedRect(1, 1, 14, 11, 2, 2)
        painter.drawLine(4, 12, 4, 15)
    else:  # free text
        painter.setPen(QPen(colour_.darker(140), 1))
        painter.drawRect(1, 1, 14, 14)
        font = QFont()
        font.setPixelSize(12)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(ink)
        painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "T")
    painter.end()
    return QIcon(pixmap)


def annotation_text(a: Annotation) -> str:
    """What the list shows as an annotation's text: the marked words (and the note on them), else the
    note or free text."""
    parts = []
    if a.quote is not None:
        parts.append(f"“{' '.join(a.quote.exact.split())}”")
    if a.text.strip():
        parts.append(" ".join(a.text.split()))
    return " — ".join(parts)


def parse_time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def date_text(value: str) -> str:
    """A record's timestamp in the user's locale (short), or as stored when it cannot be read."""
    when = parse_time(value)
    if when is None:
        return value
    moment = QDateTime.fromMSecsSinceEpoch(int(when.timestamp() * 1000)).toLocalTime()
    return QLocale().toString(moment, QLocale.FormatType.ShortFormat)


@dataclass(frozen=True)
class PanelRow:
    """One line of the panel as shown (what the tests read)."""

    annotation_id: str
    file_id: str
    document: str
    page: int  # 1-based, as shown
    kind: str
    text: str
    author: str
    date: str
    read_only: bool


class AnnotationPanel(QWidget):
    """See the module docstring."""

    openAnnotation = Signal(str, int, str)  # file id, page (0-based), annotation id  # noqa: N815 (Qt's naming)
    listed = Signal()  # the list was filled again

    def __init__(self, model: AnnotationModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationPanel")
        self.annotation_model = model
        self._document: tuple[str, str] | None = None  # (file id, title) of the current document
        self._folder_kind: str | None = None  # "meeting" | "efile"
        self._folder: list[tuple[str, str]] = []  # (file id, title) of the folder's documents, in order

        self.scope = QComboBox(self)
        self.scope.setObjectName("annotationScope")
        self.scope.setAccessibleName(self.tr("Show annotations of"))
        self.scope.addItem(self.tr("This document"), "document")
        self.scope.addItem(self.tr("This meeting"), "folder")
        self.kind_filter = QComboBox(self)
        self.kind_filter.setObjectName("annotationKindFilter")
        self.kind_filter.setAccessibleName(self.tr("Annotation kind filter"))
        self.kind_filter.addItem(self.tr("All kinds"), None)
        for kind in Kind:
            self.kind_filter.addItem(kind_icon(kind), kind_name(kind), kind.value)
        self.author_filter = QComboBox(self)
        self.author_filter.setObjectName("annotationAuthorFilter")
        self.author_filter.setAccessibleName(self.tr("Author filter"))
        self.author_filter.addItem(self.tr("All authors"), None)
        self.mine_only = QCheckBox(self.tr("Only &mine"), self)
        self.mine_only.setObjectName("annotationMineOnly")
        self.mine_only.setAccessibleName(self.tr("Only my annotations"))
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.scope, 1)
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.kind_filter, 1)
        filters.addWidget(self.author_filter, 1)
        filters.addWidget(self.mine_only)

        self.status_label = QLabel(self)
        self.status_label.setObjectName("annotationStatus")
        self.status_label.setAccessibleName(self.tr("Annotations status"))
        self.status_label.setWordWrap(True)
        self.model_ = QStandardItemModel(0, len(COLUMNS), self)
        self.model_.setHorizontalHeaderLabels(
            [
                self.tr("Document"),
                self.tr("Page"),
                self.tr("Kind"),
                self.tr("Text"),
                self.tr("Author"),
                self.tr("Date"),
            ]
        )
        self.model_.setSortRole(SORT_ROLE)
        self.view = QTreeView(self)
        self.view.setObjectName("annotationList")
        self.view.setAccessibleName(self.tr("Annotations"))
        self.view.setModel(self.model_)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(PAGE, Qt.SortOrder.AscendingOrder)
        header = self.view.header()
        header.setStretchLastSection(False)
        for column in (DOCUMENT, PAGE, KIND, AUTHOR, DATE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.status_label)
        layout.addWidget(self.view, 1)
        self.setFocusProxy(self.view)

        self.scope.currentIndexChanged.connect(lambda _index: self._scope_changed())
        self.kind_filter.currentIndexChanged.connect(lambda _index: self.refill())
        self.author_filter.currentIndexChanged.connect(lambda _index: self.refill())
        self.mine_only.toggled.connect(lambda _on: self.refill())
        self.view.clicked.connect(self._open)
        self.view.installEventFilter(self)
        model.changed.connect(self._model_changed)
        self._update_scope_choice()
        self.refill()

    # --- what is in view

    def set_document(self, file_id: str | None, title: str = "") -> None:
        """The current document changed (``None``: no document open)."""
        document = None if file_id is None else (file_id, title)
        if document == self._document:
            return
        self._document = document
        if file_id is not None:
            self.annotation_model.load(file_id)
        if self.current_scope() == "document":
            self.refill()

    def set_folder(self, kind: str | None, files: Iterable[FileEntry]) -> None:
        """The meeting (or e-file) shown in the agenda and its documents, in the agenda's order."""
        self._folder_kind = kind
        self._folder = list(dict.fromkeys((f.id, file_label(f)) for f in files))
        self._update_scope_choice()
        if self.current_scope() == "folder":
            for file_id, _title in self._folder:
                self.annotation_model.load(file_id)
            self.refill()

    def set_scope(self, scope: str) -> None:
        """``"document"`` or ``"folder"`` (the meeting or e-file shown)."""
        index = self.scope.findData(scope)
        if index >= 0:
            self.scope.setCurrentIndex(index)

    def current_scope(self) -> str:
        return str(self.scope.currentData())

    def file_ids(self) -> list[str]:
        """The documents whose annotations are listed."""
        if self.current_scope() == "folder":
            return [file_id for file_id, _title in self._folder]
        return [self._document[0]] if self._document is not None else []

    def rows(self) -> list[PanelRow]:
        """The lines shown, in their order."""
        out = []
        for row in range(self.model_.rowCount()):
            cells = [self.model_.item(row, column) for column in range(len(COLUMNS))]
            first = cells[DOCUMENT]
            out.append(
                PanelRow(
                    annotation_id=str(first.data(ID_ROLE)),
                    file_id=str(first.data(FILE_ROLE)),
                    document=cells[DOCUMENT].text(),
                    page=int(cells[PAGE].text()),
                    kind=cells[KIND].text(),
                    text=cells[TEXT].text(),
                    author=cells[AUTHOR].text(),
                    date=cells[DATE].text(),
                    read_only=not first.data(MINE_ROLE),
                )
            )
        return out

    def select(self, annotation_id: str) -> bool:
        """Make the annotation's line current (the viewer selected it); False when it is not listed."""
        for row in range(self.model_.rowCount()):
            if self.model_.item(row, DOCUMENT).data(ID_ROLE) == annotation_id:
                index = self.model_.index(row, TEXT)
                self.view.setCurrentIndex(index)
                self.view.scrollTo(index)
                return True
        return False

    def activate_row(self, row: int) -> None:
        """What a click on line ``row`` does (for the keyboard and the tests)."""
        self._open(self.model_.index(row, TEXT))

    # --- listing

    def _update_scope_choice(self) -> None:
        index = self.scope.findData("folder")
        text = self.tr("This e-file") if self._folder_kind == "efile" else self.tr("This meeting")
        self.scope.setItemText(index, text)
        enabled = self._folder_kind is not None
        choices = self.scope.model()
        if isinstance(choices, QStandardItemModel):
            choices.item(index).setEnabled(enabled)
        if not enabled and self.current_scope() == "folder":
            self.scope.setCurrentIndex(self.scope.findData("document"))

    def _scope_changed(self) -> None:
        for file_id in self.file_ids():
            self.annotation_model.load(file_id)
        self.refill()

    def _model_changed(self, file_id: str) -> None:
        if file_id in self.file_ids():
            self.refill()

    def _titles(self) -> dict[str, str]:
        titles = dict(self._folder)
        if self._document is not None:
            titles[self._document[0]] = self._document[1]
        return titles

    def refill(self) -> None:
        """List the annotations in view again, keeping the current line and the order chosen."""
        current = self.view.currentIndex()
        keep = current.siblingAtColumn(DOCUMENT).data(ID_ROLE) if current.isValid() else None
        file_ids = self.file_ids()
        titles = self._titles()
        every: list[Annotation] = []
        for file_id in file_ids:
            every.extend(a for a in self.annotation_model.annotations(file_id) if a.alive)
        self._update_authors(every)
        kind = self.kind_filter.currentData()
        author = self.author_filter.currentData()
        mine_only = self.mine_only.isChecked()
        order = {file_id: n for n, file_id in enumerate(file_ids)}
        shown = [
            a
            for a in every
            if (kind is None or a.kind.value == kind)
            and (author is None or (a.author_name or a.author_id) == author)
            and (not mine_only or self.annotation_model.is_mine(a))
        ]
        shown.sort(key=lambda a: (order.get(a.file_id, 0), a.page, a.created, a.id))
        sorting = self.view.isSortingEnabled()
        self.view.setSortingEnabled(False)
        self.model_.removeRows(0, self.model_.rowCount())
        for position, a in enumerate(shown):
            self.model_.appendRow(
                self._row(a, titles.get(a.file_id, a.file_id), order.get(a.file_id, 0), position)
            )
        self.view.setSortingEnabled(sorting)
        self.view.setColumnHidden(DOCUMENT, self.current_scope() != "folder")
        if keep is not None:
            self.select(str(keep))
        self._update_status(len(every), len(shown))
        self.listed.emit()

    def _row(self, a: Annotation, document: str, document_order: int, position: int) -> list[QStandardItem]:
        mine = self.annotation_model.is_mine(a)
        author = a.author_name or a.author_id
        text = annotation_text(a)
        when = a.modified or a.created
        cells = [
            (document, (document_order, a.page, position)),
            (str(a.page + 1), (document_order, a.page, position)),
            (kind_name(a.kind), (kind_name(a.kind), position)),
            (
                text if len(text) <= TEXT_LENGTH else text[: TEXT_LENGTH - 1] + "…",
                (text.casefold(), position),
            ),
            (
                author if mine else self.tr("%1 (read-only)").replace("%1", author),
                (author.casefold(), position),
            ),
            (date_text(when), (when, position)),
        ]
        if mine:
            tip = (
                self.tr("Page %1 · %2 · by you")
                .replace("%1", str(a.page + 1))
                .replace("%2", kind_name(a.kind))
            )
        else:
            tip = (
                self.tr("Page %1 · %2 · by %3; read-only: only its author can change it.")
                .replace("%1", str(a.page + 1))
                .replace("%2", kind_name(a.kind))
                .replace("%3", author)
            )
        if a.attention:
            tip += "\n" + self.tr("Not found again in the new version of the document: please check it.")
        if text:
            tip += "\n" + text
        items = []
        for shown, sort_key in cells:
            item = QStandardItem(shown)
            item.setData(_sort_value(sort_key), SORT_ROLE)
            item.setToolTip(tip)
            item.setEditable(False)
            if not mine:
                font = item.font()
                font.setItalic(True)
                item.setFont(font)
            items.append(item)
        items[DOCUMENT].setData(a.id, ID_ROLE)
        items[DOCUMENT].setData(a.file_id, FILE_ROLE)
        items[DOCUMENT].setData(a.page, PAGE_ROLE)
        items[DOCUMENT].setData(mine, MINE_ROLE)
        items[KIND].setIcon(kind_icon(a.kind, a.colour))
        if a.attention:
            items[TEXT].setText("⚠ " + items[TEXT].text())
        return items

    def _update_authors(self, annotations: Sequence[Annotation]) -> None:
        chosen = self.author_filter.currentData()
        authors = sorted({a.author_name or a.author_id for a in annotations}, key=str.casefold)
        if chosen is not None and chosen not in authors:
            authors.append(chosen)  # keep the choice while its annotations are gone from view
        present = [self.author_filter.itemData(i) for i in range(1, self.author_filter.count())]
        if present == authors:
            return
        self.author_filter.blockSignals(True)
        while self.author_filter.count() > 1:
            self.author_filter.removeItem(1)
        for name in authors:
            self.author_filter.addItem(name, name)
        self.author_filter.setCurrentIndex(max(0, self.author_filter.findData(chosen)) if chosen else 0)
        self.author_filter.blockSignals(False)

    def _update_status(self, total: int, shown: int) -> None:
        if not self.file_ids():
            if self.current_scope() == "folder":
                text = self.tr("No documents in this folder.")
            else:
                text = self.tr("Open a document to see its annotations.")
        elif not total:
            if self.current_scope() == "folder":
                text = self.tr("No annotations in these documents yet.")
            else:
                text = self.tr("No annotations in this document yet.")
        elif shown == total:
            text = self.tr("%n annotation(s)", "", total)
        else:
            text = (
                self.tr("%1 of %2 annotations shown (filtered)")
                .replace("%1", str(shown))
                .replace("%2", str(total))
            )
        self.status_label.setText(text)
        self.status_label.setAccessibleDescription(text)

    # --- opening

    def _open(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        first = index.siblingAtColumn(DOCUMENT)
        annotation_id = first.data(ID_ROLE)
        if annotation_id is not None:
            self.openAnnotation.emit(
                str(first.data(FILE_ROLE)), int(first.data(PAGE_ROLE)), str(annotation_id)
            )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._open(self.view.currentIndex())
            return True
        return super().eventFilter(watched, event)


def _sort_value(key: tuple[object, ...]) -> str:
    """A sort key the item model compares as text: numbers padded, parts joined."""
    parts = []
    for part in key:
        parts.append(f"{part:010d}" if isinstance(part, int) else str(part))
    return "\x1f".join(parts)
