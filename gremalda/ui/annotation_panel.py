"""The annotation panel (a dock): the annotations of the current document, or of every document of the
meeting (or e-file) shown, with their page, kind, text, author, who sees them and date; filters by
kind, by author and for one's own; one's own can be shared (the context menu's "Visible to"). Clicking
one (or Enter) emits :attr:`AnnotationPanel.openAnnotation`: the window opens the
document at its page and selects it there. Others' shared annotations are listed read-only with their
author.

The panel reads the window's :class:`~gremalda.ui.annotations.model.AnnotationModel` (never the disk):
it asks the model to load the documents in view and lists again when the model says one of them
changed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.annotations.records import Annotation
from gremalda.core.records import FileEntry
from gremalda.ui.annotation_filters import AnnotationFilterBar
from gremalda.ui.annotation_rows import (
    AUTHOR,
    COLUMNS,
    DATE,
    FILE_ROLE,
    ID_ROLE,
    KIND,
    MINE_ROLE,
    PAGE,
    PAGE_ROLE,
    SORT_ROLE,
    TEXT,
    VISIBILITY,
    VISIBILITY_ROLE,
    annotation_items,
    document_items,
)
from gremalda.ui.annotations.annotation_menu import add_visibility_menu
from gremalda.ui.annotations.visibility_picker import visibility_header_icon
from gremalda.ui.formatting import file_label

if TYPE_CHECKING:
    from gremalda.ui.annotations.model import AnnotationModel

__all__ = ["AUTHOR", "COLUMNS", "TEXT", "VISIBILITY", "AnnotationPanel", "PanelRow"]

NARROW = (340, 440)  # below these widths (pixels) the author, then the date column is hidden
KIND_NAMES = 440  # below this width the kind shows as its icon only (its name in the tooltip)
NARROWEST = 28  # pixels of the page and kind columns then at least
TINY = 260  # below this width the visibility column is hidden too (it stays in the tooltip)
AUTHOR_SHARE = 0.22  # the author column takes at most this part of the list's width


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
    visibility: str = ""  # who sees it, as shown


class KindDelegate(QStyledItemDelegate):
    """The kind column: its icon and name, or (``icon_only``: a narrow dock) its icon alone, the name
    staying in the tooltip and the accessible text, so the annotation's text gets the width."""

    icon_only = False

    def initStyleOption(  # noqa: N802 (Qt's name)
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if self.icon_only and not option.icon.isNull():
            option.text = ""
            option.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDisplay


class AnnotationPanel(QWidget):
    """See the module docstring."""

    openAnnotation = Signal(str, int, str)  # file id, page (0-based), annotation id  # noqa: N815 (Qt's naming)
    listed = Signal()  # the list was filled again
    versionLinkActivated = Signal(str)  # noqa: N815 (Qt's naming) - "open"/"attention" in the version hint

    def __init__(self, model: AnnotationModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationPanel")
        self.annotation_model = model
        self._document: tuple[str, str] | None = None  # (file id, title) of the current document
        self._folder_kind: str | None = None  # "meeting" | "efile"
        self._folder: list[tuple[str, str]] = []  # (file id, title) of the folder's documents, in order
        self._others_listed = False  # others' annotations are listed (the author column says something)

        self.filters = AnnotationFilterBar(self)  # which annotations (gremalda.ui.annotation_filters)
        self.scope, self.scope_label = self.filters.scope, self.filters.scope_label
        self.kind_filter, self.author_filter = self.filters.kind_filter, self.filters.author_filter
        self.mine_only = self.filters.mine_only

        self.status_label = QLabel(self)
        self.status_label.setObjectName("annotationStatus")
        self.status_label.setAccessibleName(self.tr("Annotations status"))
        self.status_label.setWordWrap(True)
        # a replaced version's annotations: where they went (set by gremalda.ui.document_versions)
        self.version_hint = QLabel(self)
        self.version_hint.setObjectName("annotationVersionHint")
        self.version_hint.setWordWrap(True)
        self.version_hint.setTextFormat(Qt.TextFormat.RichText)
        self.version_hint.linkActivated.connect(self.versionLinkActivated)
        # its links ("open", "show") reachable by Tab and followed by Enter, not by the mouse only
        self.version_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.version_hint.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.version_hint.hide()
        self._version_hint: tuple[str, str] | None = None  # (file id, rich text)
        self.model_ = QStandardItemModel(0, len(COLUMNS), self)
        self.model_.setHorizontalHeaderLabels(
            [
                self.tr("Page"),
                self.tr("Kind"),
                self.tr("Text"),
                self.tr("Author"),
                self.tr("Date"),
                "",
            ]
        )
        # who sees each annotation: an icon per line (its name in the tooltip and for screen readers);
        # the header a neutral eye, not one of the choices' pictures
        head = QStandardItem(visibility_header_icon(), "")
        head.setToolTip(self.tr("Visible to"))
        head.setData(self.tr("Visible to"), Qt.ItemDataRole.AccessibleTextRole)
        self.model_.setHorizontalHeaderItem(VISIBILITY, head)
        for column, name in ((PAGE, self.tr("Page")), (KIND, self.tr("Kind"))):
            self.model_.setHeaderData(column, Qt.Orientation.Horizontal, name, Qt.ItemDataRole.ToolTipRole)
            self.model_.setHeaderData(
                column, Qt.Orientation.Horizontal, name, Qt.ItemDataRole.AccessibleTextRole
            )
        self.model_.setSortRole(SORT_ROLE)
        self.view = QTreeView(self)
        self.view.setObjectName("annotationList")
        self.view.setAccessibleName(self.tr("Annotations"))
        self.view.setModel(self.model_)
        self.view.setRootIsDecorated(False)
        self.view.setItemsExpandable(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(PAGE, Qt.SortOrder.AscendingOrder)
        header = self.view.header()
        header.setStretchLastSection(False)
        for column in (PAGE, KIND, VISIBILITY, DATE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(AUTHOR, QHeaderView.ResizeMode.Interactive)  # sized in _fit_columns
        header.setMinimumSectionSize(24)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.kind_delegate = KindDelegate(self.view)  # the kind as its icon only when narrow
        self.view.setItemDelegateForColumn(KIND, self.kind_delegate)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filters)
        layout.addWidget(self.status_label)
        layout.addWidget(self.version_hint)
        layout.addWidget(self.view, 1)
        self.setFocusProxy(self.view)

        self.filters.scopeChanged.connect(self._scope_changed)
        self.filters.filtersChanged.connect(self.refill)
        self.view.clicked.connect(self._open)
        self.view.installEventFilter(self)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
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
        return self.filters.current_scope()

    def file_ids(self) -> list[str]:
        """The documents whose annotations are listed."""
        if self.current_scope() == "folder":
            return [file_id for file_id, _title in self._folder]
        return [self._document[0]] if self._document is not None else []

    def _lines(self) -> list[tuple[QModelIndex, str]]:
        """The annotations' lines in the order shown (the first column's index) with their document's
        title: at the top level, or under their document (meeting scope)."""
        lines = []
        titles = self._titles()
        for row in range(self.model_.rowCount()):
            index = self.model_.index(row, PAGE)
            if index.data(ID_ROLE) is not None:
                lines.append((index, titles.get(str(index.data(FILE_ROLE)), "")))
                continue
            for child in range(self.model_.rowCount(index)):
                lines.append((self.model_.index(child, PAGE, index), str(index.data())))
        return lines

    def rows(self) -> list[PanelRow]:
        """The annotations' lines, in their order."""
        out = []
        for index, document in self._lines():
            cells = [index.siblingAtColumn(column) for column in range(len(COLUMNS))]
            out.append(
                PanelRow(
                    annotation_id=str(index.data(ID_ROLE)),
                    file_id=str(index.data(FILE_ROLE)),
                    document=document,
                    page=int(cells[PAGE].data()),
                    kind=str(cells[KIND].data()),
                    text=str(cells[TEXT].data()),
                    author=str(cells[AUTHOR].data()),
                    date=str(cells[DATE].data()),
                    read_only=not index.data(MINE_ROLE),
                    visibility=str(cells[VISIBILITY].data(VISIBILITY_ROLE)),
                )
            )
        return out

    def line_index(self, row: int, column: int = TEXT) -> QModelIndex:
        """The index of the ``row``-th annotation line (as :meth:`rows` lists them) in ``column``."""
        return self._lines()[row][0].siblingAtColumn(column)

    def current_annotation_id(self) -> str | None:
        current = self.view.currentIndex()
        value = current.siblingAtColumn(PAGE).data(ID_ROLE) if current.isValid() else None
        return None if value is None else str(value)

    def select(self, annotation_id: str) -> bool:
        """Make the annotation's line current (the viewer selected it); False when it is not listed."""
        for index, _document in self._lines():
            if index.data(ID_ROLE) == annotation_id:
                text = index.siblingAtColumn(TEXT)
                self.view.setCurrentIndex(text)
                self.view.scrollTo(text)
                return True
        return False

    def activate_row(self, row: int) -> None:
        """What a click on the ``row``-th annotation line does (for the keyboard and the tests)."""
        self._open(self.line_index(row))

    # --- listing

    def _update_scope_choice(self) -> None:
        self.filters.set_folder_kind(self._folder_kind)

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
        keep = self.current_annotation_id()
        file_ids = self.file_ids()
        titles = self._titles()
        every: list[Annotation] = []
        for file_id in file_ids:
            every.extend(a for a in self.annotation_model.annotations(file_id) if a.alive)
        self.filters.update_authors(every)
        order = {file_id: n for n, file_id in enumerate(file_ids)}
        shown = [a for a in every if self.filters.shows(a, self.annotation_model.is_mine(a))]
        shown.sort(key=lambda a: (order.get(a.file_id, 0), a.page, a.created, a.id))
        sorting = self.view.isSortingEnabled()
        self.view.setSortingEnabled(False)
        self.model_.removeRows(0, self.model_.rowCount())
        grouped = self.current_scope() == "folder"
        parents: dict[str, QStandardItem] = {}
        for position, a in enumerate(shown):
            line = annotation_items(a, position, self.annotation_model.is_mine(a))
            if not grouped:
                self.model_.appendRow(line)
                continue
            parent = parents.get(a.file_id)
            if parent is None:
                items = document_items(titles.get(a.file_id, a.file_id), a.file_id, order.get(a.file_id, 0))
                self.model_.appendRow(items)
                parent = items[PAGE]
                parents[a.file_id] = parent
            parent.appendRow(line)
        for row in range(self.model_.rowCount()):
            self.view.setFirstColumnSpanned(row, QModelIndex(), grouped)
        self.view.setRootIsDecorated(grouped)
        self.view.expandAll()
        self.view.setSortingEnabled(sorting)
        if keep is not None:
            self.select(str(keep))
        self._update_status(len(every), len(shown))
        self._others_listed = any(not self.annotation_model.is_mine(a) for a in shown)
        self._fit_columns()
        self.listed.emit()

    def _update_status(self, total: int, shown: int) -> None:
        if not self.file_ids():
            if self.current_scope() == "folder":
                text = self.tr("No documents in this folder.")
            else:
                text = self.tr("Open a document to see its annotations.")
        elif not total:
            if self.current_scope() == "folder":
                text = self.tr("No annotations in these documents yet.")
            elif self._hinted():
                text = self.tr("No annotations left in this version.")
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
        self.version_hint.setVisible(self._hinted())

    def set_version_hint(self, file_id: str | None, text: str) -> None:
        """Shown while ``file_id`` is the document in view: what became of the annotations of this
        replaced version (rich text; its links emit :attr:`versionLinkActivated`); None clears it."""
        hint = (file_id, text) if file_id is not None and text else None
        if hint == self._version_hint:
            return
        self._version_hint = hint
        self.version_hint.setText(text)
        self.refill()

    def _hinted(self) -> bool:
        hint, document = self._version_hint, self._document
        return (
            self.current_scope() == "document"
            and hint is not None
            and document is not None
            and hint[0] == document[0]
        )

    # --- opening

    def _open(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        first = index.siblingAtColumn(PAGE)
        annotation_id = first.data(ID_ROLE)
        if annotation_id is not None:
            self.openAnnotation.emit(
                str(first.data(FILE_ROLE)), int(first.data(PAGE_ROLE)), str(annotation_id)
            )

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        """A narrow dock keeps the text readable: the author, then the date column go (both stay in
        the tooltip)."""
        super().resizeEvent(event)
        self._fit_columns(event.size().width())

    def _fit_columns(self, width: int | None = None) -> None:
        """The text column gets the room: the author column only when others' annotations are listed
        (one's own name on every line says nothing) and at most `AUTHOR_SHARE` of the width; narrow
        docks lose the author, then the date, then the visibility column (all stay in the tooltip)."""
        width = self.width() if width is None else width
        others = self._others_listed
        self.view.setColumnHidden(AUTHOR, width < NARROW[0] or not others)
        self.view.setColumnHidden(DATE, width < NARROW[1])
        self.view.setColumnHidden(VISIBILITY, width < TINY)
        icon_only = width < KIND_NAMES
        header = self.view.header()
        if icon_only != self.kind_delegate.icon_only:
            self.kind_delegate.icon_only = icon_only
            mode = QHeaderView.ResizeMode.Fixed if icon_only else QHeaderView.ResizeMode.ResizeToContents
            for column in (PAGE, KIND):
                header.setSectionResizeMode(column, mode)
            self.view.doItemsLayout()
        if icon_only:  # the page and kind columns as wide as their cells (their headers' names elided)
            for column in (PAGE, KIND):
                header.resizeSection(column, max(self.view.sizeHintForColumn(column), NARROWEST))
        if others:
            fitting = max(self.view.sizeHintForColumn(AUTHOR), self.view.header().sectionSizeHint(AUTHOR))
            self.view.header().resizeSection(AUTHOR, min(fitting, max(60, int(width * AUTHOR_SHARE))))

    def delete_current(self) -> bool:
        """Delete the annotation of the current line when it is the user's (undoable in its document);
        False when there is none or it is someone else's."""
        annotation_id = self.current_annotation_id()
        record = self.annotation_model.get(annotation_id) if annotation_id else None
        if record is None or not self.annotation_model.is_mine(record):
            return False
        self.annotation_model.remove(record.id)
        return True

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid() or index.siblingAtColumn(PAGE).data(ID_ROLE) is None:
            return
        self.view.setCurrentIndex(index)
        menu = QMenu(self)
        menu.setAccessibleName(self.tr("Annotation menu"))
        menu.addAction(self.tr("&Show in the document"), lambda: self._open(index))
        record = self.annotation_model.get(str(index.siblingAtColumn(PAGE).data(ID_ROLE)))
        if record is not None:
            add_visibility_menu(menu, self.annotation_model, record)
        delete = menu.addAction(self.tr("&Delete"), self.delete_current)
        delete.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        delete.setEnabled(bool(index.siblingAtColumn(PAGE).data(MINE_ROLE)))
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.view and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open(self.view.currentIndex())
                return True
            if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Delete:
                self.delete_current()
                return True
        return super().eventFilter(watched, event)
