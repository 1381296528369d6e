"""Side panels of a `DocumentView`: page thumbnails (rendered lazily; centred, the page's label below) and
the outline (bookmarks)."""

from __future__ import annotations

from concurrent.futures import Future

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPixmap, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from gremalda.pdf.render import OutlineEntry, PageInfo, RenderedImage
from gremalda.pdf.tilecache import TileKey
from gremalda.ui.viewer.render_bridge import RenderBridge

__all__ = ["OutlineTree", "ThumbnailDelegate", "ThumbnailList", "ThumbnailModel"]

THUMB_SIZE = QSize(96, 128)  # logical pixels; a thumbnail fits in this box
THUMB_GAP = 4  # logical pixels above the thumbnail and between it and its label
P_THUMB = 8  # after the pages in view and their neighbours
PAGE_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


class ThumbnailModel(QAbstractListModel):
    """One row per page: label, and a thumbnail rendered the first time the view asks for it."""

    def __init__(self, bridge: RenderBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._doc: str | None = None
        self._pages: tuple[PageInfo, ...] = ()
        self._night = False
        self._ratio = 1.0
        self._pending: dict[int, Future[RenderedImage]] = {}
        self._failed: set[int] = set()
        self._placeholders: dict[tuple[int, int, bool], QIcon] = {}
        bridge.imageReady.connect(self._image_arrived)
        bridge.imageFailed.connect(self._image_failed)
        bridge.imageDropped.connect(self._image_gone)

    def set_document(self, doc: str | None, pages: tuple[PageInfo, ...], pixel_ratio: float) -> None:
        self.beginResetModel()
        self._cancel(set())
        self._doc, self._pages, self._ratio = doc, pages, pixel_ratio
        self._failed.clear()
        self.endResetModel()

    def set_night_mode(self, on: bool) -> None:
        if on != self._night:
            self._cancel(set())
            self._night = on
            if self._pages:
                self.dataChanged.emit(
                    self.index(0), self.index(len(self._pages) - 1), [Qt.ItemDataRole.DecorationRole]
                )

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt's names)
        return 0 if parent.isValid() else len(self._pages)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._pages):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._pages[row].label
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.tr("Page %1").replace("%1", self._pages[row].label)
        if role == PAGE_ROLE:
            return row
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbnail(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignHCenter
        return None

    def key(self, row: int) -> TileKey | None:
        if self._doc is None:
            return None
        page = self._pages[row]
        fit = min(THUMB_SIZE.width() / page.width, THUMB_SIZE.height() / page.height)
        return TileKey(self._doc, row, round(fit * self._ratio, 3), None, self._night)

    def keep_only(self, rows: range) -> None:
        """Cancel the thumbnail renders of rows that scrolled out of ``rows``."""
        self._cancel(set(rows))

    def _thumbnail(self, row: int) -> QIcon:
        key = self.key(row)
        image = self._bridge.cache.get(key) if key is not None else None
        if image is not None:
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(self._ratio)
            return QIcon(pixmap)
        if key is not None and row not in self._pending and row not in self._failed:
            future = self._bridge.request(key, priority=P_THUMB, generation=None)
            if not future.done():
                self._pending[row] = future
        return self._placeholder(row)

    def _placeholder(self, row: int) -> QIcon:
        page = self._pages[row]
        fit = min(THUMB_SIZE.width() / page.width, THUMB_SIZE.height() / page.height)
        size = (max(1, round(page.width * fit)), max(1, round(page.height * fit)), self._night)
        icon = self._placeholders.get(size)
        if icon is None:
            image = QImage(size[0], size[1], QImage.Format.Format_RGB888)
            image.fill(QColor(0x30, 0x30, 0x30) if self._night else QColor(0xF4, 0xF4, 0xF4))
            icon = self._placeholders[size] = QIcon(QPixmap.fromImage(image))
        return icon

    def _cancel(self, keep: set[int]) -> None:
        for row in [row for row in self._pending if row not in keep]:
            self._pending.pop(row).cancel()

    @Slot(object)
    def _image_arrived(self, key: TileKey) -> None:
        if key.doc != self._doc or not 0 <= key.page < len(self._pages) or key != self.key(key.page):
            return
        self._pending.pop(key.page, None)
        index = self.index(key.page)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    @Slot(object, str)
    def _image_failed(self, key: TileKey, message: str) -> None:
        if key.doc == self._doc and 0 <= key.page < len(self._pages) and key == self.key(key.page):
            self._failed.add(key.page)
            self._image_gone(key)

    @Slot(object)
    def _image_gone(self, key: TileKey) -> None:
        if key.doc == self._doc and 0 <= key.page < len(self._pages) and key == self.key(key.page):
            future = self._pending.get(key.page)
            if future is not None and future.done():
                del self._pending[key.page]


class ThumbnailDelegate(QStyledItemDelegate):
    """A thumbnail centred in the panel's width with the page's label centred below it (the row is as wide
    as the panel, so the whole width is the click target and the selection)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        icon, text = QIcon(opt.icon), opt.text  # copies: the option is changed below
        opt.icon, opt.text = QIcon(), ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = opt.rect
        image = icon.actualSize(THUMB_SIZE)
        left = rect.left() + (rect.width() - image.width()) // 2
        top = rect.top() + THUMB_GAP + (THUMB_SIZE.height() - image.height()) // 2
        icon.paint(painter, left, top, image.width(), image.height())
        label = rect.adjusted(2, THUMB_GAP * 2 + THUMB_SIZE.height(), -2, 0)
        painter.save()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = opt.palette.ColorRole.HighlightedText if selected else opt.palette.ColorRole.Text
        painter.setPen(opt.palette.color(role))
        painter.setFont(opt.font)
        elided = opt.fontMetrics.elidedText(text, Qt.TextElideMode.ElideMiddle, label.width())
        painter.drawText(label, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, elided)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802 (Qt's name)
        height = THUMB_GAP * 3 + THUMB_SIZE.height() + option.fontMetrics.height()
        return QSize(THUMB_SIZE.width() + 2 * THUMB_GAP, height)


class ThumbnailList(QListView):
    """The thumbnail panel: click (or Enter) on a page to go there."""

    pageActivated = Signal(int)  # noqa: N815 (Qt's naming)

    def __init__(self, model: ThumbnailModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._model = model
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.TopToBottom)
        self.setIconSize(THUMB_SIZE)
        self.setItemDelegate(ThumbnailDelegate(self))
        self.setUniformItemSizes(True)  # Qt asks the size of one row only, and renders only what it paints
        self.setSpacing(4)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAccessibleName(self.tr("Page thumbnails"))
        self.clicked.connect(self._go)
        self.activated.connect(self._go)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)

    def show_page(self, page: int) -> None:
        """Select ``page`` (the view's current page) without moving the view there again."""
        if 0 <= page < self._model.rowCount():
            index = self._model.index(page)
            self.selectionModel().setCurrentIndex(index, self.selectionModel().SelectionFlag.ClearAndSelect)
            self.scrollTo(index)

    @Slot(QModelIndex)
    def _go(self, index: QModelIndex) -> None:
        if index.isValid():
            self.pageActivated.emit(index.row())

    @Slot()
    def _scrolled(self) -> None:
        first = self.indexAt(QPoint(4, 4)).row()
        last = self.indexAt(QPoint(4, self.viewport().height() - 4)).row()
        if first >= 0:
            self._model.keep_only(range(first, (last if last >= 0 else self._model.rowCount() - 1) + 1))


class OutlineTree(QTreeView):
    """The outline (bookmarks) panel: click (or Enter) on an entry to go to its page."""

    pageActivated = Signal(int)  # noqa: N815 (Qt's naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = QStandardItemModel(self)
        self.setModel(self._model)
        self.setHeaderHidden(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAccessibleName(self.tr("Document outline"))
        self.clicked.connect(self._go)
        self.activated.connect(self._go)

    def set_outline(self, outline: tuple[OutlineEntry, ...], pages: tuple[PageInfo, ...]) -> None:
        self._model.clear()
        parents: list[QStandardItem] = [self._model.invisibleRootItem()]
        for entry in outline:
            item = QStandardItem(entry.title or self.tr("(untitled)"))
            item.setEditable(False)
            item.setData(entry.page, PAGE_ROLE)
            if 0 <= entry.page < len(pages):
                item.setToolTip(self.tr("Page %1").replace("%1", pages[entry.page].label))
            level = max(1, entry.level)
            del parents[min(level, len(parents)) :]
            parents[-1].appendRow(item)
            parents.append(item)
        self.expandToDepth(0)

    def is_empty(self) -> bool:
        return self._model.rowCount() == 0

    @Slot(QModelIndex)
    def _go(self, index: QModelIndex) -> None:
        page = index.data(PAGE_ROLE) if index.isValid() else None
        if isinstance(page, int) and page >= 0:
            self.pageActivated.emit(page)
