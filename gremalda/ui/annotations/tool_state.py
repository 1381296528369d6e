"""`ToolState`: what the annotation tools of one document view hold — the base of `AnnotationTools`.

The document and its `AnnotationModel` (with the live annotations by page, cached), the chosen tool with
the colour and width of each tool, the selected annotation, page coordinates (viewport to stored PDF
points), the words of the pages the text-markup tools need (asked for ahead), and the eraser's open undo
step. What the pointer and the keys do with it (the drags, making and erasing records, tooltips) is in
`gremalda.ui.annotations.tools`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QCursor

from gremalda.core.annotations import authoring
from gremalda.core.annotations.records import Annotation, Kind
from gremalda.pdf.render import IDENTITY, Matrix, PageWords
from gremalda.ui.annotations.model import AnnotationModel
from gremalda.ui.annotations.note_editor import NoteEditor
from gremalda.ui.annotations.overlay import AnnotationOverlay
from gremalda.ui.annotations.tool_drags import COLOURS, MARKUP, WIDTHS, Drag, Tool
from gremalda.ui.viewer.page_area import PageArea
from gremalda.ui.viewer.render_bridge import RenderBridge


class ToolState(QObject):
    """See the module docstring. ``model``/``file_id`` come with `set_document` (None: shows nothing)."""

    toolChanged = Signal(str)  # noqa: N815 (Qt's naming)
    styleChanged = Signal()  # noqa: N815 (Qt's naming) - colour or width of the current tool
    selectionChanged = Signal(str)  # noqa: N815 (Qt's naming) - the selected annotation's id, or ""
    documentChanged = Signal()  # noqa: N815 (Qt's naming) - another model or file (another undo stack)

    def __init__(self, area: PageArea, bridge: RenderBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.area, self.bridge = area, bridge
        self.model: AnnotationModel | None = None
        self.file_id = ""
        self.overlay = AnnotationOverlay()
        self._tool = Tool.BROWSE
        self._colours: dict[Tool, str] = dict(COLOURS)
        self._widths: dict[Tool, float] = dict(WIDTHS)
        self._by_page: dict[int, list[Annotation]] | None = None
        self._selected = ""
        self._drag: Drag | None = None
        self._waiting: Drag | None = None  # a markup drag released before the page's words came
        self._editor: NoteEditor | None = None
        self._erasing = False

    # --- document and model -------------------------------------------------------------------------------

    def set_document(self, model: AnnotationModel | None, file_id: str) -> None:
        """Show and edit the annotations of ``file_id`` (the replica's file id) through ``model``."""
        if model is self.model and file_id == self.file_id:
            return
        self._end_erasing()
        if self.model is not None:
            self.model.changed.disconnect(self._model_changed)
        self.model, self.file_id = model, file_id
        self.reset()
        if model is not None:
            model.changed.connect(self._model_changed)
            if file_id and not model.loaded(file_id):
                model.load(file_id)
        self.documentChanged.emit()

    def reset(self) -> None:
        """Forget drags, the selection and the cached drawings (another document or its new version)."""
        self._end_erasing()
        self._drag = self._waiting = None
        self._select("")
        self._by_page = None
        self.overlay.forget()
        if self._editor is not None:
            self._editor.cancel()
        self.area.viewport().update()

    def annotations(self, page: int | None = None) -> list[Annotation]:
        """The live annotations of the document (of ``page``)."""
        if self.model is None or not self.file_id:
            return []
        if page is None:
            return self.model.annotations(self.file_id)
        if self._by_page is None:
            self._by_page = {}
            for a in self.model.annotations(self.file_id):
                self._by_page.setdefault(a.page, []).append(a)
        return self._by_page.get(page, [])

    @Slot(str)
    def _model_changed(self, file_id: str) -> None:
        if file_id == self.file_id:
            self._by_page = None
            if self._selected and not any(a.id == self._selected for a in self.annotations()):
                self._select("")
            self.overlay.forget({a.id for a in self.annotations()})
            self.area.viewport().update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.area and event.type() == QEvent.Type.Hide:
            self.overlay.drop_tiles()
        return False

    # --- tool, colour, width ------------------------------------------------------------------------------

    def tool(self) -> Tool:
        return self._tool

    def set_tool(self, tool: Tool | str) -> None:
        tool = Tool(tool)
        if tool == self._tool:
            return
        self._tool = tool
        self._end_erasing()
        self._drag = None
        if tool is not Tool.SELECT:
            self._select("")
        cursors = {
            Tool.BROWSE: Qt.CursorShape.ArrowCursor,
            Tool.SELECT: Qt.CursorShape.ArrowCursor,
            Tool.ERASER: Qt.CursorShape.PointingHandCursor,
        }
        shape = (
            Qt.CursorShape.IBeamCursor if tool in MARKUP else cursors.get(tool, Qt.CursorShape.CrossCursor)
        )
        self.area.viewport().setCursor(QCursor(shape))
        self._prefetch_words()
        self.toolChanged.emit(tool.value)
        self.styleChanged.emit()

    def colour(self) -> str:
        return self._colours.get(self._tool, COLOURS[Tool.HIGHLIGHT])

    def set_colour(self, colour: str) -> None:
        """The colour (#rrggbb) of the current tool; in select mode, of the selected annotation."""
        colour = QColor(colour).name()
        if self._tool in self._colours:
            self._colours[self._tool] = colour
        target = self._selected_record()
        if self._tool is Tool.SELECT and target is not None and self._mine(target) and self.model is not None:
            self.model.update(target.id, colour=colour)
        self.styleChanged.emit()

    def width(self) -> float:
        return self._widths.get(self._tool, 1.0)

    def set_width(self, width: float) -> None:
        if self._tool in self._widths:
            self._widths[self._tool] = float(width)
        target = self._selected_record()
        if (
            self._tool is Tool.SELECT
            and target is not None
            and target.kind is Kind.INK
            and self._mine(target)
            and self.model is not None
        ):
            self.model.update(target.id, width=float(width))
        self.styleChanged.emit()

    def selected(self) -> str:
        return self._selected

    def select_annotation(self, annotation_id: str) -> bool:
        """Select the annotation (from the panel): scrolled into view and framed; Delete deletes it when
        it is the user's. False when the document shows no such annotation (yet)."""
        target = next((a for a in self.annotations() if a.id == annotation_id), None)
        if target is None:
            return False
        self._select(annotation_id)
        x0, y0, x1, y1 = authoring.bounds(target)
        matrix = self._matrix(target.page)
        corners = [authoring.transform(matrix, x, y) for x in (x0, x1) for y in (y0, y1)]
        self.area.go_to_page(target.page, min(y for _, y in corners))
        return True

    def editor(self) -> NoteEditor | None:
        """The open note editor (tests, the window)."""
        return self._editor

    def _select(self, annotation_id: str) -> None:
        if annotation_id != self._selected:
            self._selected = annotation_id
            self.selectionChanged.emit(annotation_id)
            self.area.viewport().update()

    def _selected_record(self) -> Annotation | None:
        return next((a for a in self.annotations() if a.id == self._selected), None)

    def _mine(self, a: Annotation) -> bool:
        return self.model is not None and self.model.is_mine(a)

    # --- coordinates --------------------------------------------------------------------------------------

    def _matrix(self, page: int) -> Matrix:
        info = self.area.page_info(page)
        return info.matrix if info is not None else IDENTITY

    def _locate(self, pos: QPointF, page: int | None = None) -> tuple[int, float, float] | None:
        """The page under ``pos`` (or the given page, also outside it) and the point in stored PDF points."""
        if page is None:
            found = self.area.page_at(pos)
            if found is None:
                return None
            page = found[0]
        rect, zoom = self.area.page_rect(page), self.area.zoom()
        if rect.isEmpty() or zoom <= 0:
            return None
        x, y = (pos.x() - rect.x()) / zoom, (pos.y() - rect.y()) / zoom
        return (page, *authoring.transform(authoring.invert(self._matrix(page)), x, y))

    # --- the eraser's undo step and the words of the pages ------------------------------------------------

    def _end_erasing(self) -> None:
        """Close the eraser's undo step (one for a whole drag)."""
        if self._erasing:
            self._erasing = False
            if self.model is not None:
                self.model.undo_stack(self.file_id).endMacro()

    def _words(self, page: int) -> PageWords | None:
        key = self.area.render_key()
        return None if key is None else self.bridge.words(key, page)

    def _request_words(self, page: int) -> None:
        key = self.area.render_key()
        if key is not None:
            self.bridge.request_words(key, page)

    @Slot()
    def _prefetch_words(self) -> None:
        if self._tool in MARKUP:
            for page in self.area.visible_pages():
                self._request_words(page)
