"""`AnnotationTools`: the annotation tools of one document view — a small state machine over the viewport.

It is the `PageArea`'s interaction (see `gremalda.ui.viewer.page_area.PageInteraction`): it paints the
document's annotations after each page (`AnnotationOverlay`) and, while a tool other than *browse* is
chosen, takes the viewport's mouse and pen events (browse leaves them to the viewer: scrolling, zooming).

Tools: highlight, underline, strike-out (a drag selects whole words, across lines, in reading order; the
record is made on release, once the page's words are there), ink (mouse, or pen and stylus through
`QTabletEvent` with pressure), sticky note (a click places it, the editor opens), free text (a click or a
dragged box, the editor opens), eraser (click or drag over annotations deletes them, one undo step),
select (click selects, drag moves ink, notes and free text, Delete deletes, double click edits the text).
Others' shared annotations are shown but never moved, erased or edited; hovering shows their author and
date. Every change goes through the `AnnotationModel` (undoable, saved off the GUI thread).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDateTime, QEvent, QObject, QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QCursor,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QTabletEvent,
)
from PySide6.QtWidgets import QToolTip

from gremalda.core.annotations import authoring
from gremalda.core.annotations.records import Annotation, Kind
from gremalda.pdf.render import IDENTITY, Matrix, PageWords
from gremalda.ui.annotations.model import AnnotationModel
from gremalda.ui.annotations.note_editor import NoteEditor
from gremalda.ui.annotations.overlay import AnnotationOverlay, page_transform
from gremalda.ui.annotations.tool_drags import (
    COLOURS,
    DRAG_PIXELS,
    FREETEXT_SIZE,
    HIT_PIXELS,
    MARKUP,
    MOVABLE,
    WIDTHS,
    Drag,
    Tool,
    paint_drag,
    paint_selection,
)
from gremalda.ui.viewer.page_area import PageArea
from gremalda.ui.viewer.render_bridge import RenderBridge

__all__ = ["MARKUP", "AnnotationTools", "Tool"]


class AnnotationTools(QObject):
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
        bridge.wordsReady.connect(self._words_ready)
        area.currentPageChanged.connect(self._prefetch_words)
        area.set_interaction(self)
        area.installEventFilter(self)  # hidden (another tab in front): its drawn tiles are let go

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

    # --- PageInteraction ----------------------------------------------------------------------------------

    def paint_page(self, painter: QPainter, page: int, target: QRectF) -> None:
        zoom, matrix = self.area.zoom(), self._matrix(page)
        self.overlay.night = self.area.night_mode()
        drag = self._drag
        offsets = None
        if drag is not None and drag.tool is Tool.SELECT and drag.target is not None and drag.moved:
            offsets = {drag.target.id: (drag.end[0] - drag.start[0], drag.end[1] - drag.start[1])}
        visible = QRectF(self.area.viewport().rect())
        self.overlay.paint(
            painter, self.annotations(page), target, zoom, matrix, page=page, visible=visible, offsets=offsets
        )
        selected = self._selected_record()
        if (drag is None or drag.page != page) and (selected is None or selected.page != page):
            return
        painter.save()
        try:
            painter.setTransform(page_transform(target, zoom, matrix), True)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            if selected is not None and selected.page == page:
                paint_selection(painter, selected, (offsets or {}).get(selected.id, (0.0, 0.0)), zoom)
            if drag is not None and drag.page == page:
                colour = self._colours.get(drag.tool, COLOURS[Tool.FREETEXT])
                paint_drag(painter, drag, colour, self._widths[Tool.INK], self._words(drag.page), zoom)
        finally:
            painter.restore()

    def viewport_event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            return self._tooltip(event)
        if self._tool is Tool.BROWSE or self.model is None or not self.file_id:
            return False
        if isinstance(event, QTabletEvent):
            return self._tablet(event)
        if not isinstance(event, QMouseEvent):
            return False
        if kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            self.area.setFocus(Qt.FocusReason.MouseFocusReason)
            self._press(event.position(), None)
        elif kind == QEvent.Type.MouseMove and event.buttons() & Qt.MouseButton.LeftButton:
            self._move(event.position(), None)
        elif kind == QEvent.Type.MouseButtonRelease and event.button() == Qt.MouseButton.LeftButton:
            self._release(event.position())
        elif kind == QEvent.Type.MouseButtonDblClick and event.button() == Qt.MouseButton.LeftButton:
            self._double_click(event.position())
        elif kind not in (
            QEvent.Type.MouseMove,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
        ):
            return False
        event.accept()
        return True

    def key_event(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self._selected:
            target = self._selected_record()
            if target is not None and self._mine(target) and self.model is not None:
                self.model.remove(target.id)
                self._select("")
                return True
        if key == Qt.Key.Key_Escape:
            if self._drag is not None:
                self._drag = None
                self._end_erasing()
            elif self._selected:
                self._select("")
            elif self._tool is not Tool.BROWSE:
                self.set_tool(Tool.BROWSE)
            else:
                return False
            self.area.viewport().update()
            return True
        return False

    # --- events -------------------------------------------------------------------------------------------

    def _tablet(self, event: QTabletEvent) -> bool:
        if self._tool is not Tool.INK:
            return False  # Qt turns the pen into mouse events for the other tools
        kind = event.type()
        pressure = max(0.0, min(1.0, event.pressure()))
        if kind == QEvent.Type.TabletPress:
            self._press(event.position(), pressure)
        elif kind == QEvent.Type.TabletMove and self._drag is not None:
            self._move(event.position(), pressure)
        elif kind == QEvent.Type.TabletRelease:
            self._release(event.position())
        event.accept()
        return True

    def _press(self, pos: QPointF, pressure: float | None) -> None:
        where = self._locate(pos)
        if where is None:
            self._drag = None
            if self._tool is Tool.SELECT:
                self._select("")
            return
        page, x, y = where
        drag = Drag(self._tool, page, (x, y), (x, y), QPointF(pos))
        self._drag = drag
        if self._tool in MARKUP:
            self._request_words(page)
        elif self._tool is Tool.INK:
            drag.points.append((x, y, pressure))
        elif self._tool is Tool.ERASER:
            self._erasing = False
            self._erase(page, [(x, y)])
        elif self._tool is Tool.SELECT:
            found = authoring.hit(self.annotations(page), page, x, y, HIT_PIXELS / self.area.zoom())
            self._select(found.id if found is not None else "")
            if found is not None and self._mine(found) and found.kind in MOVABLE:
                drag.target = found
        self.area.viewport().update()

    def _move(self, pos: QPointF, pressure: float | None) -> None:
        drag = self._drag
        if drag is None:
            return
        where = self._locate(pos, drag.page)
        if where is None:
            return
        _, x, y = where
        previous = drag.end
        drag.end = (x, y)
        if (pos - drag.screen).manhattanLength() >= DRAG_PIXELS:
            drag.moved = True
        if drag.tool is Tool.INK:
            drag.points.append((x, y, pressure))
        elif drag.tool is Tool.ERASER:
            self._erase(drag.page, [previous, (x, y)])
        self.area.viewport().update()

    def _release(self, pos: QPointF) -> None:
        drag, self._drag = self._drag, None
        if drag is None or self.model is None:
            return
        where = self._locate(pos, drag.page)
        if where is not None:
            drag.end = where[1:]
        if drag.tool in MARKUP:
            if drag.moved:
                self._finish_markup(drag)
        elif drag.tool is Tool.INK:
            self._finish_ink(drag)
        elif drag.tool is Tool.NOTE:
            self._place_note(drag, pos)
        elif drag.tool is Tool.FREETEXT:
            self._place_freetext(drag, pos)
        elif drag.tool is Tool.ERASER:
            self._end_erasing()
        elif drag.tool is Tool.SELECT and drag.target is not None and drag.moved:
            dx, dy = drag.end[0] - drag.start[0], drag.end[1] - drag.start[1]
            self.model.update(drag.target.id, **authoring.moved(drag.target, dx, dy))
        self.area.viewport().update()

    def _double_click(self, pos: QPointF) -> None:
        where = self._locate(pos)
        if where is None or self._tool is not Tool.SELECT:
            return
        page, x, y = where
        found = authoring.hit(self.annotations(page), page, x, y, HIT_PIXELS / self.area.zoom())
        if found is not None and self._mine(found) and found.kind in (Kind.NOTE, Kind.FREETEXT):
            self._select(found.id)
            self._edit_text(found, pos)

    # --- making records -----------------------------------------------------------------------------------

    def _finish_markup(self, drag: Drag) -> None:
        words = self._words(drag.page)
        if words is None:
            self._waiting = drag  # finished when the words come (`_words_ready`)
            return
        chosen = authoring.select_words(words.words, drag.start, drag.end)
        if not chosen or self.model is None:
            return
        values = authoring.markup(words, chosen)
        kind = MARKUP[drag.tool]
        record = self.model.new(self.file_id, kind, drag.page, colour=self._colours[drag.tool], **values)
        self.model.add(record)

    def _finish_ink(self, drag: Drag) -> None:
        if not drag.points or self.model is None:
            return
        stroke = authoring.stroke(drag.points)
        if not stroke:
            return
        record = self.model.new(
            self.file_id,
            Kind.INK,
            drag.page,
            strokes=(stroke,),
            colour=self._colours[Tool.INK],
            width=self._widths[Tool.INK],
        )
        self.model.add(record)

    def _place_note(self, drag: Drag, pos: QPointF) -> None:
        x, y = drag.start
        size = authoring.NOTE_SIZE
        page, colour = drag.page, self._colours[Tool.NOTE]

        def save(text: str) -> None:
            if self.model is not None:
                rect = (x, y, x + size, y + size)
                self.model.add(
                    self.model.new(
                        self.file_id, Kind.NOTE, page, rect=rect, point=(x, y), text=text, colour=colour
                    )
                )

        self._open_editor(self.tr("Note"), "", pos, save)

    def _place_freetext(self, drag: Drag, pos: QPointF) -> None:
        if drag.moved:
            (x0, y0), (x1, y1) = drag.start, drag.end
            rect = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        else:
            x, y = drag.start
            rect = (x, y, x + FREETEXT_SIZE[0], y + FREETEXT_SIZE[1])
        page, colour, width = drag.page, self._colours[Tool.FREETEXT], self._widths[Tool.FREETEXT]

        def save(text: str) -> None:
            if self.model is not None and text.strip():
                self.model.add(
                    self.model.new(
                        self.file_id, Kind.FREETEXT, page, rect=rect, text=text, colour=colour, width=width
                    )
                )

        self._open_editor(self.tr("Text box"), "", pos, save)

    def _edit_text(self, record: Annotation, pos: QPointF) -> None:
        def save(text: str) -> None:
            if self.model is not None and text != record.text:
                self.model.update(record.id, text=text)

        title = self.tr("Note") if record.kind is Kind.NOTE else self.tr("Text box")
        self._open_editor(title, record.text, pos, save)

    def _open_editor(self, title: str, text: str, pos: QPointF, save: Callable[[str], None]) -> None:
        if self._editor is not None:
            self._editor.cancel()
        editor = NoteEditor(title, text, self.area.viewport())
        self._editor = editor
        editor.accepted.connect(save)
        editor.destroyed.connect(lambda: self._editor_gone(editor))
        editor.open_at(pos.toPoint())

    def _editor_gone(self, editor: NoteEditor) -> None:
        if self._editor is editor:
            self._editor = None

    def _end_erasing(self) -> None:
        """Close the eraser's undo step (one for a whole drag)."""
        if self._erasing:
            self._erasing = False
            if self.model is not None:
                self.model.undo_stack(self.file_id).endMacro()

    def _erase(self, page: int, points: list[tuple[float, float]]) -> None:
        if self.model is None:
            return
        tolerance = HIT_PIXELS / self.area.zoom()
        mine = [a for a in self.annotations(page) if self._mine(a)]
        for a in authoring.hits_along(mine, page, points, tolerance):
            if not self._erasing:
                self.model.undo_stack(self.file_id).beginMacro(self.tr("Erase"))
                self._erasing = True
            self.model.remove(a.id)

    # --- words and tooltips -------------------------------------------------------------------------------

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

    @Slot(str, int)
    def _words_ready(self, key: str, page: int) -> None:
        if key != self.area.render_key():
            return
        waiting = self._waiting
        if waiting is not None and waiting.page == page:
            self._waiting = None
            self._finish_markup(waiting)
        if self._drag is not None and self._drag.page == page:
            self.area.viewport().update()

    def _tooltip(self, event: QHelpEvent) -> bool:
        where = self._locate(QPointF(event.pos()))
        if where is None:
            return False
        page, x, y = where
        found = authoring.hit(self.annotations(page), page, x, y, HIT_PIXELS / max(self.area.zoom(), 0.01))
        if found is None:
            return False
        when = QDateTime.fromString(found.created, Qt.DateFormat.ISODate).toLocalTime()
        date = when.toString("dd.MM.yyyy HH:mm") if when.isValid() else ""
        words = found.text or (found.quote.exact if found.quote is not None else "")
        if self._mine(found):
            text = words
        else:
            head = self.tr("%1, %2 (read-only)").replace("%1", found.author_name or found.author_id)
            text = head.replace("%2", date) + ("\n" + words if words else "")
        if found.attention:
            text += "\n" + self.tr("Check this annotation: its text was not found in the new version.")
        if not text.strip():
            return False
        QToolTip.showText(event.globalPos(), text[:500], self.area.viewport())
        return True
