"""`AnnotationTools`: the annotation tools of one document view — a small state machine over the viewport.

It is the `PageArea`'s interaction (see `gremalda.ui.viewer.page_area.PageInteraction`): it paints the
document's annotations after each page (`AnnotationOverlay`) and, while a tool other than *browse* is
chosen, takes the viewport's mouse and pen events (browse leaves them to the viewer: scrolling, zooming).

Tools: highlight, underline, strike-out (a drag selects whole words, across lines, in reading order; the
record is made on release, once the page's words are there), ink (mouse, or pen and stylus through
`QTabletEvent` with pressure), sticky note (a click places it, the editor opens), free text (a click or a
dragged box, the editor opens), eraser (click or drag over annotations deletes them, one undo step),
select (click selects, drag moves ink, notes and free text, Delete deletes, double click edits the text,
the context menu changes who sees it or deletes it).
Others' shared annotations are shown but never moved, erased or edited; hovering shows their author and
date. Every change goes through the `AnnotationModel` (undoable, saved off the GUI thread). What the tools
hold (document, tool, colours and widths, selection, coordinates, page words) is its base `ToolState`
(`gremalda.ui.annotations.tool_state`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QDateTime, QEvent, QObject, QPointF, QRectF, Qt, Slot
from PySide6.QtGui import QContextMenuEvent, QHelpEvent, QKeyEvent, QMouseEvent, QPainter, QTabletEvent
from PySide6.QtWidgets import QMenu, QToolTip

from gremalda.core.annotations import authoring
from gremalda.core.annotations.records import Annotation, Kind, Visibility
from gremalda.ui.annotations.annotation_menu import add_visibility_menu
from gremalda.ui.annotations.note_editor import NoteEditor
from gremalda.ui.annotations.overlay import page_transform
from gremalda.ui.annotations.tool_drags import (
    COLOURS,
    DRAG_PIXELS,
    FREETEXT_SIZE,
    HIT_PIXELS,
    MARKUP,
    MOVABLE,
    Drag,
    Tool,
    paint_drag,
    paint_selection,
)
from gremalda.ui.annotations.tool_state import ToolState
from gremalda.ui.annotations.visibility_picker import visibility_line
from gremalda.ui.viewer.page_area import PageArea
from gremalda.ui.viewer.render_bridge import RenderBridge

__all__ = ["MARKUP", "AnnotationTools", "Tool"]


class AnnotationTools(ToolState):
    """See the module docstring. ``model``/``file_id`` come with `set_document` (None: shows nothing);
    the state (document, tool, style, selection, coordinates, page words) is `ToolState`'s."""

    def __init__(self, area: PageArea, bridge: RenderBridge, parent: QObject | None = None) -> None:
        super().__init__(area, bridge, parent)
        bridge.wordsReady.connect(self._words_ready)
        area.currentPageChanged.connect(self._prefetch_words)
        area.set_interaction(self)
        area.installEventFilter(self)  # hidden (another tab in front): its drawn tiles are let go

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
        if kind == QEvent.Type.ContextMenu and isinstance(event, QContextMenuEvent):
            pos = QPointF(event.pos())
            selected = self._selected_record()
            if event.reason() == QContextMenuEvent.Reason.Keyboard and selected is not None:
                pos = self._viewport_point(selected)  # the menu key: the selected annotation's menu
            return self._tool is Tool.SELECT and self.context_menu(pos) is not None
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

        def save(text: str, visibility: Visibility | None) -> None:
            if self.model is not None:
                rect = (x, y, x + size, y + size)
                values = {} if visibility is None else {"visibility": visibility}
                self.model.add(
                    self.model.new(
                        self.file_id,
                        Kind.NOTE,
                        page,
                        rect=rect,
                        point=(x, y),
                        text=text,
                        colour=colour,
                        **values,
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

        def save(text: str, visibility: Visibility | None) -> None:
            if self.model is not None and text.strip():
                values = {} if visibility is None else {"visibility": visibility}
                self.model.add(
                    self.model.new(
                        self.file_id,
                        Kind.FREETEXT,
                        page,
                        rect=rect,
                        text=text,
                        colour=colour,
                        width=width,
                        **values,
                    )
                )

        self._open_editor(self.tr("Text box"), "", pos, save)

    def _edit_text(self, record: Annotation, pos: QPointF) -> None:
        def save(text: str, visibility: Visibility | None) -> None:
            if self.model is not None:
                changes = {"text": text, "visibility": visibility or record.visibility}
                self.model.update(record.id, **changes)  # one undo step for both

        title = self.tr("Note") if record.kind is Kind.NOTE else self.tr("Text box")
        self._open_editor(title, record.text, pos, save, record.visibility, record.id)

    def _open_editor(
        self,
        title: str,
        text: str,
        pos: QPointF,
        save: Callable[[str, Visibility | None], None],
        visibility: Visibility | None = None,
        annotation_id: str | None = None,
    ) -> None:
        if self._editor is not None:
            self._editor.cancel()
        model = self.model
        sharing = model.sharing(self.file_id, annotation_id) if model is not None else None
        chosen = visibility or (
            model.visibility_for(self.file_id) if model is not None else Visibility.PRIVATE
        )
        editor = NoteEditor(title, text, self.area.viewport(), sharing=sharing, visibility=chosen)
        self._editor = editor
        editor.accepted.connect(lambda words: save(words, editor.visibility()))
        editor.destroyed.connect(lambda: self._editor_gone(editor))
        editor.open_at(pos.toPoint())

    def context_menu(self, pos: QPointF) -> QMenu | None:
        """The Select tool's menu of the annotation at ``pos`` of the viewport (selected): who sees it,
        edit its text, delete it (one's own); None when there is no annotation there."""
        where = self._locate(pos)
        model = self.model
        if where is None or model is None:
            return None
        page, x, y = where
        found = authoring.hit(self.annotations(page), page, x, y, HIT_PIXELS / self.area.zoom())
        if found is None:
            return None
        self._select(found.id)
        menu = QMenu(self.area.viewport())
        menu.setObjectName("annotationContextMenu")
        menu.setAccessibleName(self.tr("Annotation menu"))
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        add_visibility_menu(menu, model, found)
        mine = self._mine(found)
        if found.kind in (Kind.NOTE, Kind.FREETEXT):
            edit = menu.addAction(self.tr("&Edit text…"), lambda: self._edit_text(found, pos))
            edit.setEnabled(mine)
        delete = menu.addAction(self.tr("&Delete"), lambda: model.remove(found.id))
        delete.setEnabled(mine)
        menu.popup(self.area.viewport().mapToGlobal(pos.toPoint()))
        return menu

    def _viewport_point(self, record: Annotation) -> QPointF:
        """The centre of ``record`` in the viewport's coordinates."""
        x0, y0, x1, y1 = authoring.bounds(record)
        x, y = authoring.transform(self._matrix(record.page), (x0 + x1) / 2, (y0 + y1) / 2)
        rect, zoom = self.area.page_rect(record.page), self.area.zoom()
        return QPointF(rect.x() + x * zoom, rect.y() + y * zoom)

    def _editor_gone(self, editor: NoteEditor) -> None:
        if self._editor is editor:
            self._editor = None

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
            text = visibility_line(found.visibility) + ("\n" + words if words else "")
        else:
            head = self.tr("%1, %2 (read-only)").replace("%1", found.author_name or found.author_id)
            head = head.replace("%2", date) + "\n" + visibility_line(found.visibility)
            text = head + ("\n" + words if words else "")
        if found.attention:
            text += "\n" + self.tr("Check this annotation: its text was not found in the new version.")
        if not text.strip():
            return False
        QToolTip.showText(event.globalPos(), text[:500], self.area.viewport())
        return True
