"""`AnnotationToolBar`: the tool buttons of a document view (with shortcuts), colour and width, undo, redo.
The buttons show icons (`tool_icons`), their name and shortcut in the tooltip and the accessible name, so
that all of them fit beside a document in a 1280-pixel window.

Shortcuts work while the keyboard focus is in the document view (`install_shortcuts`): B browse, S select,
H highlight, U underline, K strike out, P pen, N note, T text box, E eraser; Ctrl+Z undo, Ctrl+Shift+Z and
Ctrl+Y redo (per document, through the `AnnotationModel`'s undo stack).
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QSize, Qt, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QIcon,
    QKeySequence,
    QPixmap,
    QResizeEvent,
    QUndoStack,
)
from PySide6.QtWidgets import QColorDialog, QMenu, QToolBar, QToolButton, QWidget

from gremalda.ui.annotations.tool_icons import tool_icon
from gremalda.ui.annotations.tools import AnnotationTools, Tool
from gremalda.ui.annotations.visibility_picker import VisibilityPicker

__all__ = ["COLOUR_CHOICES", "WIDTH_CHOICES", "AnnotationToolBar"]

COLOUR_CHOICES = ("#ffd700", "#2ec27e", "#1c71d8", "#c01c28", "#e01b93", "#000000")
WIDTH_CHOICES = (1.0, 2.0, 4.0, 8.0)


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(16, 16)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


def _keys(standard: QKeySequence.StandardKey, *extra: str) -> list[QKeySequence]:
    """The platform's keys for ``standard`` and ``extra``, each once (a key twice is ambiguous to Qt)."""
    keys: list[QKeySequence] = []
    for key in [*QKeySequence.keyBindings(standard), *(QKeySequence(e) for e in extra)]:
        if not key.isEmpty() and all(key != k for k in keys):
            keys.append(key)
    return keys


class AnnotationToolBar(QToolBar):
    def __init__(self, tools: AnnotationTools, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tools = tools
        self.setObjectName("annotationToolBar")
        self.setAccessibleName(self.tr("Annotation tools"))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.setIconSize(QSize(18, 18))
        self._fitted: tuple[int, tuple[str, ...]] | None = None  # the width and texts fit_width fitted
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.tool_actions: dict[Tool, QAction] = {}
        # the name says what a tool does, the tip how: the tooltip reads "Highlight: drag over the words (H)"
        for tool, text, key, tip in (
            (Tool.BROWSE, self.tr("Browse"), "B", self.tr("read and scroll (no tool)")),
            (Tool.SELECT, self.tr("Select"), "S", self.tr("pick annotations to move, edit or delete them")),
            (Tool.HIGHLIGHT, self.tr("Highlight"), "H", self.tr("drag over the words")),
            (Tool.UNDERLINE, self.tr("Underline"), "U", self.tr("drag over the words")),
            (Tool.STRIKEOUT, self.tr("Strike out"), "K", self.tr("drag over the words")),
            (Tool.INK, self.tr("Pen"), "P", self.tr("draw by hand with the mouse or a stylus")),
            (Tool.NOTE, self.tr("Note"), "N", self.tr("click where it belongs")),
            (Tool.FREETEXT, self.tr("Text box"), "T", self.tr("click or drag a box to write on the page")),
            (Tool.ERASER, self.tr("Eraser"), "E", self.tr("click or drag over annotations to delete them")),
        ):
            action = QAction(tool_icon(tool.value), text, self)
            action.setCheckable(True)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setToolTip(f"{text}: {tip} ({key})")
            action.setStatusTip(f"{text}: {tip}")
            action.setData(tool.value)
            action.triggered.connect(partial(tools.set_tool, tool))
            self.group.addAction(action)
            self.addAction(action)
            self._name(action, text, f"{text}: {tip} ({key})")
            self.tool_actions[tool] = action
        self.tool_actions[Tool.BROWSE].setChecked(True)
        self.addSeparator()

        self.colour_menu = QMenu(self)
        self.colour_menu.setAccessibleName(self.tr("Annotation colours"))
        names = (
            self.tr("Yellow"),
            self.tr("Green"),
            self.tr("Blue"),
            self.tr("Red"),
            self.tr("Pink"),
            self.tr("Black"),
        )
        for colour, name in zip(COLOUR_CHOICES, names, strict=True):
            item = self.colour_menu.addAction(_swatch(colour), name)
            item.triggered.connect(partial(tools.set_colour, colour))
        self.colour_menu.addSeparator()
        self.colour_menu.addAction(self.tr("Other colour…"), self._other_colour)
        self.colour_button = QToolButton(self)
        self.colour_button.setText(self.tr("Colour"))
        self.colour_button.setToolTip(self.tr("Colour of the tool (or of the selected annotation)"))
        self.colour_button.setAccessibleName(self.tr("Annotation colour"))
        self.colour_button.setMenu(self.colour_menu)
        self.colour_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.colour_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.addWidget(self.colour_button)

        self.width_menu = QMenu(self)
        self.width_menu.setAccessibleName(self.tr("Line widths"))
        for width, name in zip(
            WIDTH_CHOICES,
            (self.tr("Thin"), self.tr("Medium"), self.tr("Thick"), self.tr("Very thick")),
            strict=True,
        ):
            item = self.width_menu.addAction(f"{name} ({width:g} pt)")
            item.triggered.connect(partial(tools.set_width, width))
        self.width_button = QToolButton(self)
        self.width_button.setText(self.tr("Width"))
        self.width_button.setIcon(tool_icon("width"))
        self.width_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.width_button.setToolTip(self.tr("Line width of the pen and of text box frames"))
        self.width_button.setAccessibleName(self.tr("Line width"))
        self.width_button.setMenu(self.width_menu)
        self.width_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.addWidget(self.width_button)
        self.visibility_picker = VisibilityPicker(tools, self)  # who sees new annotations
        self.addWidget(self.visibility_picker)
        self.addSeparator()

        self.undo_action = QAction(tool_icon("undo"), self.tr("Undo"), self)
        self.undo_action.setShortcuts(_keys(QKeySequence.StandardKey.Undo, "Ctrl+Z"))
        self.redo_action = QAction(tool_icon("redo"), self.tr("Redo"), self)
        self.redo_action.setShortcuts(_keys(QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z", "Ctrl+Y"))
        for action, name in ((self.undo_action, self.tr("Undo")), (self.redo_action, self.tr("Redo"))):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{name} ({keys})")
            self.addAction(action)
            self._name(action, name, f"{name} ({keys})")
        self.undo_action.triggered.connect(self._undo)
        self.redo_action.triggered.connect(self._redo)

        tools.toolChanged.connect(self._tool_changed)
        tools.styleChanged.connect(self._style_changed)
        tools.documentChanged.connect(self._document_changed)
        self._connected: QUndoStack | None = None
        self._document_changed()
        self._style_changed()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self.fit_width()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:  # a button's text changed (who sees new ones)
            self.fit_width()
        return handled

    def _named_buttons(self) -> list[QToolButton]:
        """The buttons added as widgets that show a text (who sees new annotations), not colour and width."""
        placed = [self.widgetForAction(a) for a in self.actions()]
        return [
            w
            for w in placed
            if isinstance(w, QToolButton)
            and w.defaultAction() is None
            and w is not self.colour_button
            and w is not self.width_button
        ]

    def fit_width(self) -> None:
        """Names beside the icons when all of them fit in the bar's width, else icons alone (the names
        stay in the tooltips): no tool ends up behind the bar's overflow button while icons would fit."""
        named = self._named_buttons()
        key = (self.width(), tuple(b.text() for b in named))
        if key == self._fitted:  # fitted already (the layout requests the fitting itself makes)
            return
        self._fitted = key
        beside, alone = Qt.ToolButtonStyle.ToolButtonTextBesideIcon, Qt.ToolButtonStyle.ToolButtonIconOnly
        for tools_style, named_style in ((beside, beside), (alone, beside), (alone, alone)):
            self.setToolButtonStyle(tools_style)
            for button in named:
                button.setToolButtonStyle(named_style)
            if self.sizeHint().width() <= self.width():
                return

    def install_shortcuts(self, widget: QWidget) -> None:
        """Make the shortcuts work while the focus is anywhere in ``widget`` (the document view)."""
        for action in [*self.tool_actions.values(), self.undo_action, self.redo_action]:
            widget.addAction(action)

    def _name(self, action: QAction, name: str, description: str = "") -> None:
        """The button's accessible name (the tool's name) and description (what it does, its shortcut)."""
        button = self.widgetForAction(action)
        if button is not None:
            button.setAccessibleName(name)
            button.setAccessibleDescription(description)

    @Slot(str)
    def _tool_changed(self, tool: str) -> None:
        self.tool_actions[Tool(tool)].setChecked(True)

    @Slot()
    def _style_changed(self) -> None:
        self.colour_button.setIcon(_swatch(self.tools.colour()))
        tool = self.tools.tool()
        self.width_button.setEnabled(tool in (Tool.INK, Tool.FREETEXT, Tool.SELECT))
        self.colour_button.setEnabled(tool is not Tool.BROWSE and tool is not Tool.ERASER)

    def _other_colour(self) -> None:
        colour = QColorDialog.getColor(QColor(self.tools.colour()), self, self.tr("Annotation colour"))
        if colour.isValid():
            self.tools.set_colour(colour.name())

    def _stack(self) -> QUndoStack | None:
        model, file_id = self.tools.model, self.tools.file_id
        return model.undo_stack(file_id) if model is not None and file_id else None

    @Slot()
    def _undo(self) -> None:
        stack = self._stack()
        if stack is not None:
            stack.undo()

    @Slot()
    def _redo(self) -> None:
        stack = self._stack()
        if stack is not None:
            stack.redo()

    @Slot()
    def _document_changed(self) -> None:
        old, stack = self._connected, self._stack()
        if old is not None and old is not stack:
            old.canUndoChanged.disconnect(self.undo_action.setEnabled)
            old.canRedoChanged.disconnect(self.redo_action.setEnabled)
        self._connected = None
        has_model = stack is not None
        for action in self.tool_actions.values():
            action.setEnabled(has_model or action.data() == Tool.BROWSE.value)
        if stack is None:
            self.undo_action.setEnabled(False)
            self.redo_action.setEnabled(False)
            return
        self.undo_action.setEnabled(stack.canUndo())
        self.redo_action.setEnabled(stack.canRedo())
        if old is not stack:
            stack.canUndoChanged.connect(self.undo_action.setEnabled)
            stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self._connected = stack
