"""`DocumentView`: one open document — continuous pages, find bar, password prompt, error message.

The shell creates one per tab (or per side of the split view), all sharing the application's
`RenderBridge`, and docks the view's `thumbnails_widget` and `outline_widget` wherever it likes. With
`set_annotations` the view shows a file's annotations and the annotation tool bar (`gremalda.ui.annotations`).
The view never holds the document bytes longer than it takes to hand them to the renderer, and never
waits on it.
"""

from __future__ import annotations

import itertools
import re
from functools import partial
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from gremalda.pdf import render
from gremalda.pdf.render import DocumentInfo, FindHits
from gremalda.ui.viewer.find_bar import FindBar
from gremalda.ui.viewer.page_area import Hit, PageArea
from gremalda.ui.viewer.render_bridge import RenderBridge
from gremalda.ui.viewer.side_panels import OutlineTree, ThumbnailList, ThumbnailModel

if TYPE_CHECKING:  # the annotation tools import the viewer's page area: imported when first wanted
    from gremalda.ui.annotations.model import AnnotationModel
    from gremalda.ui.annotations.toolbar import AnnotationToolBar
    from gremalda.ui.annotations.tools import AnnotationTools

__all__ = ["DocumentView"]

_render_keys = itertools.count(1)
_QUERY_NOISE = {"and", "or", "not", "near", "und", "oder", "nicht"}


def _release(bridge: RenderBridge, holder: list[str | None]) -> None:
    """When a view is destroyed: its document leaves the workers and the cache."""
    if holder[0] is not None:
        bridge.close_document(holder[0])
        holder[0] = None


class DocumentView(QWidget):
    """Shows one PDF; see the module docstring.

    Signals: ``pageChanged(int)`` (0-based current page: the read position to remember),
    ``documentLoaded(DocumentInfo)`` once the pages are shown, ``zoomChanged(mode, percent)``,
    ``nightModeChanged(bool)``.
    """

    pageChanged = Signal(int)  # noqa: N815 (Qt's naming)
    documentLoaded = Signal(object)  # noqa: N815 (Qt's naming)
    zoomChanged = Signal(str, float)  # noqa: N815 (Qt's naming)
    nightModeChanged = Signal(bool)  # noqa: N815 (Qt's naming)

    def __init__(self, renderer: RenderBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bridge = renderer
        self._holder: list[str | None] = [None]  # the render key, shared with `_release`
        self._key: str | None = None
        self._title = ""
        self._info: DocumentInfo | None = None
        self._start_page = 0
        self._pending_highlight: tuple[str, int] | None = None
        self._asking = False
        self._find_query = ""
        self._find_requests: dict[int, FindHits | None] = {}
        self._find_fallback: list[str] = []
        self._find_anchor = 0
        self._find_hits: list[Hit] | None = None
        self._find_index = -1
        self._tools: AnnotationTools | None = None
        self._toolbar: AnnotationToolBar | None = None

        self._area = PageArea(renderer, self)
        self._find_bar = FindBar(self)
        self._find_bar.hide()
        self._message = QLabel(self)
        self._message.setObjectName("documentMessage")
        self._message.setAccessibleName(self.tr("Document message"))
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setWordWrap(True)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self._message.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._password_button = QPushButton(self.tr("Enter password…"), self)
        self._password_button.setAccessibleName(self.tr("Enter the document password"))
        self._password_button.clicked.connect(lambda: self._ask_password(wrong=False))
        message_page = QWidget(self)
        message_layout = QVBoxLayout(message_page)
        message_layout.addStretch(1)
        message_layout.addWidget(self._message)
        message_layout.addWidget(self._password_button, 0, Qt.AlignmentFlag.AlignHCenter)
        message_layout.addStretch(1)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._area)
        self._stack.addWidget(message_page)
        layout = self._layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._find_bar)
        layout.addWidget(self._stack, 1)
        self.setFocusProxy(self._area)
        self.setAccessibleName(self.tr("Document viewer"))

        self._thumbnail_model = ThumbnailModel(renderer, self)
        self._thumbnails: ThumbnailList | None = None
        self._outline: OutlineTree | None = None

        self._area.currentPageChanged.connect(self._page_changed)
        self._area.zoomChanged.connect(self._zoom_changed)
        self._area.findRequested.connect(self.show_find_bar)
        self._area.findNextRequested.connect(self._find_step_requested)
        self._area.escapePressed.connect(self._find_bar.close_bar)
        self._find_bar.nextRequested.connect(self._find_bar_next)
        self._find_bar.closed.connect(self._find_closed)
        renderer.documentOpened.connect(self._opened)
        renderer.findFinished.connect(self._found)
        self.destroyed.connect(partial(_release, renderer, self._holder))

    # -- documents -------------------------------------------------------------------------------------

    def open_document(
        self, key: str, data: bytes, title: str, *, page: int = 0, password: str | None = None
    ) -> None:
        """Show the PDF in ``data`` (decrypted bytes in memory, never a file) at ``page`` (0-based).

        Asks for a password itself when the PDF needs one; a document that cannot be shown gets a clear
        message where the pages would be. Returns at once: the pages follow (``documentLoaded``).
        """
        self.close_document()
        self._key, self._title, self._start_page = key, title, max(0, page)
        render_key = f"{key}#{next(_render_keys)}"  # two views of one file must not close each other's
        self._holder[0] = render_key
        self._show_message(self.tr("Opening “%1”…").replace("%1", title or key))
        self._bridge.open_document(render_key, data, password)

    def close_document(self) -> None:
        """Close the shown document (its pages leave the workers and the cache)."""
        _release(self._bridge, self._holder)
        self._key, self._info, self._pending_highlight = None, None, None
        self._reset_find()
        if self._tools is not None:
            self._tools.reset()
        self._area.set_document(None, ())
        self._thumbnail_model.set_document(None, (), self.devicePixelRatioF())
        if self._outline is not None and shiboken6.isValid(self._outline):
            self._outline.set_outline((), ())

    def document_info(self) -> DocumentInfo | None:
        """The shown document, once its pages are there."""
        return self._info

    def document_key(self) -> str | None:
        return self._key

    def title(self) -> str:
        return self._info.title if self._info is not None and self._info.title else self._title

    def message(self) -> str | None:
        """The message shown instead of pages (error, password, opening), or None when pages show."""
        return self._message.text() if self._stack.currentIndex() == 1 else None

    # -- navigation ----------------------------------------------------------------------------------

    def go_to_page(self, page: int) -> None:
        if self._info is None:
            self._start_page = max(0, page)
        else:
            self._area.go_to_page(page)

    def current_page(self) -> int:
        """0-based; before the pages are shown, the page the document will open at."""
        return self._area.current_page() if self._info is not None else self._start_page

    def page_count(self) -> int:
        return self._info.page_count if self._info is not None else 0

    def page_area(self) -> PageArea:
        """The scrolling page canvas (keyboard focus goes here; overlays such as annotations draw on it)."""
        return self._area

    def page_rect(self, page: int) -> QRectF:
        """Where page ``page`` lies now, in the coordinates of `page_area`'s viewport."""
        return self._area.page_rect(page)

    def page_at(self, point: QPointF) -> tuple[int, float, float] | None:
        """Page and position in PDF points under a point of `page_area`'s viewport (None: between pages)."""
        return self._area.page_at(point)

    # -- annotations -----------------------------------------------------------------------------------

    def set_annotations(self, model: AnnotationModel | None, file_id: str) -> None:
        """Show the annotations of ``file_id`` (the replica's file id) from ``model`` on the pages, with
        the annotation tool bar above them (created the first time)."""
        if self._tools is None:
            from gremalda.ui.annotations.toolbar import AnnotationToolBar
            from gremalda.ui.annotations.tools import AnnotationTools

            self._tools = AnnotationTools(self._area, self._bridge, self)
            self._toolbar = AnnotationToolBar(self._tools, self)
            self._toolbar.install_shortcuts(self)
            self._layout.insertWidget(0, self._toolbar)
        self._tools.set_document(model, file_id)

    def annotation_tools(self) -> AnnotationTools | None:
        """The annotation tools of this view (None until `set_annotations`)."""
        return self._tools

    def annotation_toolbar(self) -> AnnotationToolBar | None:
        return self._toolbar

    def select_annotation(self, annotation_id: str) -> bool:
        """Scroll to the annotation and select it (the annotation panel); False when it is not shown."""
        return self._tools is not None and self._tools.select_annotation(annotation_id)

    # -- zoom and night mode -------------------------------------------------------------------------

    def set_zoom(self, mode: str, percent: float | None = None) -> None:
        """``"fit-width"``, ``"fit-page"`` or ``"percent"`` (with ``percent``, 10 to 800)."""
        self._area.set_zoom(mode, percent)

    def zoom_mode(self) -> str:
        return self._area.zoom_mode()

    def zoom_percent(self) -> float:
        return self._area.zoom_percent()

    def zoom_in(self) -> None:
        self._area.zoom_step(+1)

    def zoom_out(self) -> None:
        self._area.zoom_step(-1)

    def set_night_mode(self, on: bool) -> None:
        """Dark pages with light text; pictures keep their true colours."""
        if on != self._area.night_mode():
            self._area.set_night_mode(on)
            self._thumbnail_model.set_night_mode(on)
            self.nightModeChanged.emit(on)

    def night_mode(self) -> bool:
        return self._area.night_mode()

    # -- find ------------------------------------------------------------------------------------------

    def show_find_bar(self) -> None:
        self._find_bar.open_bar()

    def find(self, text: str) -> None:  # type: ignore[override]  # QWidget.find(id) is a static lookup
        """Find ``text`` (the same text again: the next hit), starting at the current page."""
        text = text.strip()
        if self._find_bar.field.text() != text:
            self._find_bar.field.setText(text)
        if not text:
            self._reset_find()
            return
        if text == self._find_query and self._find_hits is not None:
            self._find_step(+1)
        else:
            self._start_find(text, max(self.current_page(), 0), fallback_words=False)

    def find_next(self) -> None:
        self._find_step_requested(False)

    def find_previous(self) -> None:
        self._find_step_requested(True)

    def highlight(self, query: str, page: int) -> None:
        """Open at a search hit: go to ``page`` and highlight ``query`` there (or its words)."""
        if self._info is None:
            self._pending_highlight = (query, page)
            self._start_page = max(0, page)
            return
        self._area.go_to_page(page)
        query = query.strip()
        if query:
            self._find_bar.field.setText(query)
            self._find_bar.show()
            self._start_find(query, page, fallback_words=True)

    def find_hits(self) -> list[Hit]:
        """The hits of the last search, ``(page, (x0, y0, x1, y1))`` in points (tests, the shell)."""
        return list(self._find_hits or [])

    def current_hit(self) -> int:
        return self._find_index

    # -- side panels ---------------------------------------------------------------------------------

    def thumbnails_widget(self) -> QWidget:
        """The page thumbnail panel of this view (created hidden, parented here: dock it elsewhere)."""
        if self._thumbnails is None or not shiboken6.isValid(self._thumbnails):  # none yet, or its dock went
            self._thumbnails = ThumbnailList(self._thumbnail_model, self)
            self._thumbnails.hide()
            self._thumbnails.pageActivated.connect(self.go_to_page)
            if self._info is not None:
                self._thumbnails.show_page(self.current_page())
        return self._thumbnails

    def outline_widget(self) -> QWidget:
        """The outline (bookmarks) panel of this view (created hidden, parented here: dock it elsewhere)."""
        if self._outline is None or not shiboken6.isValid(self._outline):
            self._outline = OutlineTree(self)
            self._outline.hide()
            self._outline.pageActivated.connect(self.go_to_page)
            if self._info is not None:
                self._outline.set_outline(self._info.outline, self._info.pages)
        return self._outline

    def has_outline(self) -> bool:
        return self._info is not None and bool(self._info.outline)

    # -- internals: opening ----------------------------------------------------------------------------

    @Slot(str, object)
    def _opened(self, render_key: str, info: DocumentInfo) -> None:
        if render_key != self._holder[0]:
            return
        if info.needs_password:
            self._show_message(self._error_text(render.ERR_LOCKED), password=True)
            QTimer.singleShot(0, self, partial(self._ask_password, wrong=info.error is not None))
            return
        if not info.ok:
            self._show_message(
                self.tr("“%1” cannot be shown.").replace("%1", self._title or self._key or "")
                + "\n\n"
                + self._error_text(info.error or render.ERR_NO_PAGES)
            )
            return
        self._info = info
        self._stack.setCurrentIndex(0)
        self._area.set_document(render_key, info.pages)
        self._thumbnail_model.set_document(render_key, info.pages, self.devicePixelRatioF())
        if self._outline is not None and shiboken6.isValid(self._outline):
            self._outline.set_outline(info.outline, info.pages)
        self._area.go_to_page(self._start_page)
        self.documentLoaded.emit(info)
        if self._pending_highlight is not None:
            query, page = self._pending_highlight
            self._pending_highlight = None
            self.highlight(query, page)

    def _ask_password(self, *, wrong: bool) -> None:
        render_key = self._holder[0]
        if self._asking or render_key is None or self._info is not None:
            return
        name = self._title or self._key or ""
        if wrong:
            label = self.tr("The password was wrong. Please try again.\nPassword for “%1”:").replace(
                "%1", name
            )
        else:
            label = self.tr("“%1” is protected by a password.\nPassword:").replace("%1", name)
        self._asking = True
        try:
            text, ok = QInputDialog.getText(
                self, self.tr("Password required"), label, QLineEdit.EchoMode.Password, ""
            )
        finally:
            self._asking = False
        if render_key != self._holder[0]:
            return  # another document was opened meanwhile
        if ok:
            self._show_message(self.tr("Checking the password…"))
            self._bridge.authenticate(render_key, text)
        else:
            message = self._error_text(render.ERR_WRONG_PASSWORD if wrong else render.ERR_LOCKED)
            self._show_message(message, password=True)

    def _show_message(self, text: str, *, password: bool = False) -> None:
        self._message.setText(text)
        self._password_button.setVisible(password)
        self._stack.setCurrentIndex(1)

    def _error_text(self, error: str) -> str:
        """The renderer's English sentences, translated (an unknown one is shown as it is)."""
        known = {
            render.ERR_EMPTY: self.tr("This file is empty, so it cannot be shown."),
            render.ERR_NOT_A_PDF: self.tr(
                "This file is not a readable PDF: it is damaged or of another type."
            ),
            render.ERR_NO_PAGES: self.tr("This PDF has no pages that can be shown (it is probably damaged)."),
            render.ERR_WRONG_PASSWORD: self.tr("The password for this PDF is wrong."),
            render.ERR_LOCKED: self.tr("This PDF is protected by a password."),
            render.ERR_WORKER_DIED: self.tr(
                "The page renderer stopped unexpectedly while working on this document."
            ),
            render.ERR_TIMEOUT: self.tr("Rendering took too long and was stopped."),
            render.ERR_WORKER_START: self.tr(
                "The page renderer did not start in time (the computer is very busy); try again."
            ),
        }
        return known.get(error, error)

    # -- internals: pages ------------------------------------------------------------------------------

    @Slot(int)
    def _page_changed(self, page: int) -> None:
        if self._info is None:
            return
        if self._thumbnails is not None and shiboken6.isValid(self._thumbnails):
            self._thumbnails.show_page(page)
        self.pageChanged.emit(page)

    @Slot()
    def _zoom_changed(self) -> None:
        self.zoomChanged.emit(self._area.zoom_mode(), self._area.zoom_percent())

    # -- internals: find -----------------------------------------------------------------------------

    def _reset_find(self) -> None:
        self._find_query, self._find_requests, self._find_fallback = "", {}, []
        self._find_hits, self._find_index = None, -1
        self._area.set_hits([], -1)
        self._find_bar.set_status("")

    def _start_find(self, text: str, anchor: int, *, fallback_words: bool) -> None:
        render_key = self._holder[0]
        if render_key is None or self._info is None:
            return
        self._reset_find()
        self._find_query, self._find_anchor = text, anchor
        if fallback_words:
            words = [w for w in re.findall(r"\w{2,}", text) if w.lower() not in _QUERY_NOISE]
            self._find_fallback = words if len(words) > 1 or (words and words[0] != text) else []
        self._find_requests = {self._bridge.find(render_key, text): None}
        self._find_bar.set_status(self.tr("Searching…"))

    @Slot(str, int, object)
    def _found(self, render_key: str, request_id: int, hits: object) -> None:
        if render_key != self._holder[0] or request_id not in self._find_requests:
            return
        self._find_requests[request_id] = hits if isinstance(hits, list) else []
        if any(result is None for result in self._find_requests.values()):
            return  # the other words are still being searched
        flat: list[Hit] = sorted(
            {
                (page, (rect[0], rect[1], rect[2], rect[3]))
                for result in self._find_requests.values()
                for page, rects in result or []
                for rect in rects
            },
            key=lambda hit: (hit[0], round(hit[1][1]), hit[1][0]),
        )
        if not flat and self._find_fallback:  # a search phrase: highlight its words instead
            words, self._find_fallback = self._find_fallback, []
            self._find_requests = {self._bridge.find(render_key, word): None for word in words}
            return
        self._find_hits = flat
        if not flat:
            self._find_index = -1
            self._area.set_hits([], -1)
            self._find_bar.set_status(self.tr("No matches"))
            return
        first = next((i for i, (page, _) in enumerate(flat) if page >= self._find_anchor), 0)
        self._select_hit(first)

    def _find_step(self, direction: int) -> None:
        if not self._find_hits:
            return
        self._select_hit((self._find_index + direction) % len(self._find_hits))

    def _select_hit(self, index: int) -> None:
        hits = self._find_hits or []
        self._find_index = index
        self._area.set_hits(hits, index)
        self._find_bar.set_status(
            self.tr("%1 of %2").replace("%1", str(index + 1)).replace("%2", str(len(hits)))
        )

    @Slot(bool)
    def _find_step_requested(self, backwards: bool) -> None:
        if not self._find_query:
            self.show_find_bar()
        elif self._find_hits is not None:
            self._find_step(-1 if backwards else +1)

    @Slot(str, bool)
    def _find_bar_next(self, text: str, backwards: bool) -> None:
        text = text.strip()
        if not text:
            self._reset_find()
        elif text != self._find_query:
            self._start_find(text, max(self.current_page(), 0), fallback_words=False)
        else:
            self._find_step_requested(backwards)

    @Slot()
    def _find_closed(self) -> None:
        self._reset_find()
        self._area.setFocus(Qt.FocusReason.OtherFocusReason)
