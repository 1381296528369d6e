"""The document area: documents in tabs, in one pane or two side by side (a paper beside its
attachment). Each tab hosts a document view (see ``gremalda.ui.viewer``, the contract in the issue
notes); this module only arranges them. Loading the bytes is the window's job (off the GUI thread)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol, cast

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMenu,
    QSplitter,
    QStackedLayout,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.records import FileEntry
from gremalda.ui.formatting import file_label
from gremalda.ui.version_bar import VersionBar

if TYPE_CHECKING:
    from gremalda.ui.annotations.model import AnnotationModel

PAGE_SAVE_DELAY_MS = 800
ZOOM_STEPS = (25, 33, 50, 67, 75, 90, 100, 110, 125, 150, 175, 200, 250, 300, 400)


class DocumentViewLike(Protocol):
    """What the shell uses of a document view (``gremalda.ui.viewer.document_view.DocumentView``)."""

    def open_document(
        self, key: str, data: bytes, title: str, *, page: int = 0, password: str | None = None
    ) -> None: ...
    def go_to_page(self, page: int) -> None: ...
    def current_page(self) -> int: ...
    def set_zoom(self, mode: str, percent: float | None = None) -> None: ...
    def set_night_mode(self, on: bool) -> None: ...
    def find(self, text: str) -> None: ...
    def find_next(self) -> None: ...
    def find_previous(self) -> None: ...
    def highlight(self, query: str, page: int) -> None: ...
    def thumbnails_widget(self) -> QWidget: ...
    def outline_widget(self) -> QWidget: ...


ViewFactory = Callable[[QWidget], DocumentViewLike]


def document_key(entry: FileEntry) -> str:
    return f"{entry.id}@{entry.sha256 or entry.vault_version or ''}"


class DocumentTab(QWidget):
    """One open document: its view, or a message while it loads or when it cannot be shown."""

    pageSettled = Signal(object, int)  # tab, page (debounced)  # noqa: N815 (Qt's naming)
    loaded = Signal(object, object)  # tab, DocumentInfo

    def __init__(self, entry: FileEntry, factory: ViewFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("documentTab")
        self.entry = entry
        self.key = document_key(entry)
        self.title = file_label(entry)
        self.view = factory(self)
        self.view_widget = cast(QWidget, self.view)
        self.view_widget.setParent(self)
        self.message = QLabel(self)
        self.message.setObjectName("documentMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setWordWrap(True)
        self.message.setText(self.tr("Opening %1…").replace("%1", self.title))
        self.version_bar = VersionBar(self)  # another version of the document (document_versions)
        self.successor: FileEntry | None = None  # the newest version that replaced this one, when known
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.version_bar)
        self._layout = QStackedLayout()
        outer.addLayout(self._layout, 1)
        self._layout.addWidget(self.message)
        self._layout.addWidget(self.view_widget)
        self.setFocusProxy(self.view_widget)
        self.is_loaded = False
        self.info: object | None = None
        self.panels: dict[str, QWidget] = {}  # the view's thumbnails and outline, docked by the window
        self.zoom_mode = "fit-width"
        self.zoom_percent: float | None = None
        self._pending_page: int | None = None
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(PAGE_SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush_page)
        signals = cast(Any, self.view)
        signals.pageChanged.connect(self._page_changed)
        signals.documentLoaded.connect(self._loaded)

    def load(self, data: bytes, page: int = 0) -> None:
        self._layout.setCurrentWidget(self.view_widget)
        self.view.open_document(self.key, data, self.title, page=page)
        self.is_loaded = True

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self._layout.setCurrentWidget(self.message)

    def _page_changed(self, page: int) -> None:
        self._pending_page = page
        self._save_timer.start()

    def flush_page(self) -> None:
        """Report the page now (closing, quitting) instead of after the delay."""
        self._save_timer.stop()
        if self._pending_page is not None:
            page, self._pending_page = self._pending_page, None
            self.pageSettled.emit(self, page)

    def _loaded(self, info: object) -> None:
        self.info = info
        self.loaded.emit(self, info)

    def zoom(self, direction: int) -> None:
        """One step in or out: the view's own steps when it has them."""
        step = getattr(self.view, "zoom_in" if direction > 0 else "zoom_out", None)
        if callable(step):
            step()
            return
        current = self.zoom_percent if self.zoom_mode == "percent" and self.zoom_percent else 100.0
        if direction > 0:
            steps = [s for s in ZOOM_STEPS if s > current + 0.5]
            target = float(steps[0] if steps else ZOOM_STEPS[-1])
        else:
            steps = [s for s in ZOOM_STEPS if s < current - 0.5]
            target = float(steps[-1] if steps else ZOOM_STEPS[0])
        self.set_zoom("percent", target)

    def set_zoom(self, mode: str, percent: float | None = None) -> None:
        self.zoom_mode, self.zoom_percent = mode, percent
        self.view.set_zoom(mode, percent)


class DocumentPane(QTabWidget):
    """One side of the split view."""

    def __init__(self, name: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setTabsClosable(True)
        self.setMovable(True)
        self.setDocumentMode(True)
        self.setUsesScrollButtons(True)
        self.setElideMode(Qt.TextElideMode.ElideMiddle)
        self.tabBar().setAccessibleName(accessible)
        self.tabBar().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def tabs(self) -> list[DocumentTab]:
        return [w for i in range(self.count()) if isinstance(w := self.widget(i), DocumentTab)]

    def current_tab(self) -> DocumentTab | None:
        widget = self.currentWidget()
        return widget if isinstance(widget, DocumentTab) else None


class DocumentArea(QSplitter):
    """Two tab panes side by side; the right one is shown only while it holds documents (or the
    split view is switched on)."""

    currentChanged = Signal(object)  # DocumentTab | None: the current document of the active pane  # noqa: N815 (Qt's naming)
    tabClosing = Signal(object)  # DocumentTab, before it goes  # noqa: N815 (Qt's naming)
    pageSettled = Signal(object, int)  # DocumentTab, page  # noqa: N815 (Qt's naming)
    documentLoaded = Signal(object, object)  # DocumentTab, DocumentInfo  # noqa: N815 (Qt's naming)
    newVersionRequested = Signal(object)  # DocumentTab: its version bar's Open  # noqa: N815 (Qt's naming)
    splitChanged = Signal(bool)  # noqa: N815 (Qt's naming)

    def __init__(self, factory: ViewFactory, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setObjectName("documentArea")
        self.setChildrenCollapsible(False)
        self.factory = factory
        self.left = DocumentPane("leftDocuments", self.tr("Documents"), self)
        self.right = DocumentPane("rightDocuments", self.tr("Documents beside"), self)
        self.empty = QLabel(self.tr("Open a document from the agenda: Enter, or a double click."), self)
        self.empty.setObjectName("documentsEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.left.addTab(self.empty, self.tr("Start"))
        self.left.tabBar().setTabButton(0, self.left.tabBar().ButtonPosition.RightSide, None)
        self.addWidget(self.left)
        self.addWidget(self.right)
        self.right.hide()
        self.active = self.left
        self._split = False
        self.annotation_model: AnnotationModel | None = None
        for pane in (self.left, self.right):
            pane.tabCloseRequested.connect(lambda index, pane=pane: self.close_tab(pane, index))
            pane.currentChanged.connect(lambda _index, pane=pane: self._pane_current_changed(pane))
            pane.tabBar().customContextMenuRequested.connect(lambda pos, pane=pane: self._tab_menu(pane, pos))
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    # --- queries

    def panes(self) -> tuple[DocumentPane, DocumentPane]:
        return (self.left, self.right)

    def all_tabs(self) -> Iterator[DocumentTab]:
        for pane in self.panes():
            for i in range(pane.count()):
                widget = pane.widget(i)
                if isinstance(widget, DocumentTab):
                    yield widget

    def current_tab(self) -> DocumentTab | None:
        tab = self.active.current_tab()
        if tab is None:
            other = self.right if self.active is self.left else self.left
            tab = other.current_tab()
        return tab

    def find_tab(self, file_id: str, pane: DocumentPane | None = None) -> DocumentTab | None:
        for p in (pane,) if pane else self.panes():
            for tab in p.tabs():
                if tab.entry.id == file_id:
                    return tab
        return None

    def pane_of(self, tab: DocumentTab) -> DocumentPane:
        return self.right if self.right.indexOf(tab) >= 0 else self.left

    @property
    def split(self) -> bool:
        return self._split or self.right.count() > 0

    # --- annotations

    def set_annotation_model(self, model: AnnotationModel | None) -> None:
        """Every document view (those open and those to come) shows and edits its file's annotations
        through ``model``."""
        self.annotation_model = model
        for tab in self.all_tabs():
            self._attach_annotations(tab)

    def _attach_annotations(self, tab: DocumentTab) -> None:
        hook = getattr(tab.view, "set_annotations", None)  # a stand-in view (tests) may not have it
        if callable(hook) and self.annotation_model is not None:
            hook(self.annotation_model, tab.entry.id)

    # --- opening and closing

    def open(self, entry: FileEntry, *, beside: bool = False) -> tuple[DocumentTab, bool]:
        """The tab of ``entry`` in the pane asked for (beside: the other pane), made current; a new
        tab when it is not open there. Returns (tab, whether its content must be loaded)."""
        pane = self._other(self.active) if beside else self.active
        existing = self.find_tab(entry.id, pane)
        if existing is not None:
            pane.setCurrentWidget(existing)
            self._activate(pane)
            if existing.key != document_key(entry):  # another content arrived since: load it
                existing.entry, existing.key = entry, document_key(entry)
                self._attach_annotations(existing)
                return existing, True
            return existing, False
        tab = DocumentTab(entry, self.factory, pane)
        self._attach_annotations(tab)
        tab.pageSettled.connect(self.pageSettled)
        tab.loaded.connect(self.documentLoaded)
        tab.version_bar.openRequested.connect(lambda tab=tab: self.newVersionRequested.emit(tab))
        self._remove_start_page()
        index = pane.addTab(tab, tab.title)
        pane.setTabToolTip(index, entry.context or tab.title)
        pane.setCurrentIndex(index)
        if pane is self.right:
            self.right.show()
            self._balance()
        self._activate(pane)
        return tab, True

    def retarget(self, tab: DocumentTab, entry: FileEntry) -> None:
        """The tab shows ``entry`` from now on (another version of its document: the caller loads its
        bytes): its title, tooltip and annotations follow."""
        tab.entry, tab.key, tab.title = entry, document_key(entry), file_label(entry)
        tab.successor = None
        pane = self.pane_of(tab)
        index = pane.indexOf(tab)
        if index >= 0:
            pane.setTabText(index, tab.title)
            pane.setTabToolTip(index, entry.context or tab.title)
        self._attach_annotations(tab)

    def close_tab(self, pane: DocumentPane, index: int) -> None:
        widget = pane.widget(index)
        if not isinstance(widget, DocumentTab):
            return
        widget.flush_page()
        self.tabClosing.emit(widget)
        pane.removeTab(index)
        widget.deleteLater()
        self._after_change()

    def close_current(self) -> None:
        tab = self.current_tab()
        if tab is not None:
            pane = self.pane_of(tab)
            self.close_tab(pane, pane.indexOf(tab))

    def close_all(self) -> None:
        for pane in self.panes():
            while pane.count() and isinstance(pane.widget(0), DocumentTab):
                self.close_tab(pane, 0)

    def move_to_other(self, tab: DocumentTab) -> None:
        source = self.pane_of(tab)
        target = self._other(source)
        index = source.indexOf(tab)
        source.removeTab(index)
        self._remove_start_page()
        new_index = target.addTab(tab, tab.title)
        target.setTabToolTip(new_index, tab.entry.context or tab.title)
        target.setCurrentIndex(new_index)
        target.show()
        self._after_change()
        self._activate(target)
        self._balance()

    def set_split(self, on: bool) -> None:
        """Split view on: the right pane shows (with the current document when it is empty);
        off: its documents move to the left."""
        self._split = on
        if on:
            self.right.show()
            self._balance()
        else:
            for tab in self.right.tabs():
                self.move_to_other(tab)
            self.right.hide()
            self._activate(self.left)
        self.splitChanged.emit(self.split)

    # --- switching

    def cycle(self, step: int) -> None:
        """Ctrl+Tab / Ctrl+Shift+Tab: the next or previous tab of the active pane."""
        pane = self.active if self.active.count() else self._other(self.active)
        if pane.count() > 1:
            pane.setCurrentIndex((pane.currentIndex() + step) % pane.count())
            self._focus_current(pane)

    def focus_other_pane(self) -> None:
        other = self._other(self.active)
        if other.count() and other.isVisible():
            self._activate(other)
            self._focus_current(other)

    def focus_current(self) -> None:
        self._focus_current(self.active)

    def _focus_current(self, pane: DocumentPane) -> None:
        widget = pane.currentWidget()
        if widget is not None:
            widget.setFocus(Qt.FocusReason.TabFocusReason)

    # --- internals

    def _other(self, pane: DocumentPane) -> DocumentPane:
        return self.right if pane is self.left else self.left

    def _activate(self, pane: DocumentPane) -> None:
        changed = pane is not self.active
        self.active = pane
        for p in self.panes():
            p.setProperty("active", p is pane)
        if changed:
            self.currentChanged.emit(self.current_tab())

    def _pane_current_changed(self, pane: DocumentPane) -> None:
        if pane is self.active or not self.active.count():
            self.currentChanged.emit(self.current_tab())

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        widget = new
        while widget is not None:
            if widget is self.left or widget is self.right:
                self._activate(widget)
                return
            widget = widget.parentWidget()

    def _remove_start_page(self) -> None:
        index = self.left.indexOf(self.empty)
        if index >= 0:
            self.left.removeTab(index)
            self.empty.hide()

    def _after_change(self) -> None:
        if not self.right.count() and not self._split:
            self.right.hide()
            if self.active is self.right:
                self._activate(self.left)
        if not self.left.count() and self.right.count():
            # keep the left pane for documents: move the right ones over
            for tab in self.right.tabs():
                index = self.right.indexOf(tab)
                self.right.removeTab(index)
                self.left.addTab(tab, tab.title)
            self.right.hide()
            self._activate(self.left)
        if not self.left.count() and not self.right.count():
            self.left.addTab(self.empty, self.tr("Start"))
            self.left.tabBar().setTabButton(0, self.left.tabBar().ButtonPosition.RightSide, None)
            self.empty.show()
        self.currentChanged.emit(self.current_tab())

    def _balance(self) -> None:
        total = max(self.width(), 2)
        self.setSizes([total // 2, total - total // 2])

    def _tab_menu(self, pane: DocumentPane, pos: QPoint) -> None:
        index = pane.tabBar().tabAt(pos)
        widget = pane.widget(index) if index >= 0 else None
        if not isinstance(widget, DocumentTab):
            return
        menu = QMenu(self)
        menu.setAccessibleName(self.tr("Document tab menu"))
        other = self.tr("Move to the left") if pane is self.right else self.tr("Move beside")
        menu.addAction(other, lambda: self.move_to_other(widget))
        menu.addAction(self.tr("Close"), lambda: self.close_tab(pane, pane.indexOf(widget)))
        menu.popup(pane.tabBar().mapToGlobal(pos))
