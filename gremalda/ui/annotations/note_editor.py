"""`NoteEditor`: the small editor of a sticky note's or a free text's words, opened beside it on the page.

Not a dialog: a frame over the page area (the document stays visible and nothing else blocks). Save with
the button or Ctrl+Enter, cancel with the button or Escape; ``accepted(text)`` or ``cancelled`` follows
and the editor closes itself. Given ``sharing``, it also offers who sees the annotation (`visibility`),
the choices the document does not allow disabled with their reason.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.annotations.records import Visibility
from gremalda.core.annotations.sharing import Sharing
from gremalda.ui.annotations.visibility_picker import VisibilityBox

__all__ = ["NoteEditor"]


class NoteEditor(QFrame):
    accepted = Signal(str)
    cancelled = Signal()

    def __init__(
        self,
        title: str,
        text: str,
        parent: QWidget,
        *,
        sharing: Sharing | None = None,
        visibility: Visibility = Visibility.PRIVATE,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("annotationNoteEditor")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setAccessibleName(title)
        self._done = False
        self.label = QLabel(title, self)
        self.label.setAccessibleName(title)
        self.field = QPlainTextEdit(self)
        self.field.setAccessibleName(self.tr("Note text"))
        self.field.setAccessibleDescription(self.tr("Ctrl+Enter saves, Escape cancels."))
        self.field.setPlainText(text)
        self.field.setTabChangesFocus(True)
        self.field.installEventFilter(self)
        self.label.setBuddy(self.field)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setAccessibleName(self.tr("Save note"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName(
            self.tr("Cancel editing the note")
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.label)
        layout.addWidget(self.field, 1)
        self.visibility_box: VisibilityBox | None = None
        if sharing is not None:
            self.visibility_box = VisibilityBox(sharing, visibility, self)
            shown = QLabel(self.tr("&Visible to:"), self)
            shown.setBuddy(self.visibility_box)
            row = QHBoxLayout()
            row.addWidget(shown)
            row.addWidget(self.visibility_box, 1)
            layout.addLayout(row)
        layout.addWidget(self.buttons)
        self.resize(300, 200 if sharing is not None else 170)

    def open_at(self, point: QPoint) -> None:
        """Show at ``point`` of the parent (moved so that it stays inside), the text selected."""
        parent = self.parentWidget()
        if parent is not None:
            x = max(0, min(point.x(), parent.width() - self.width()))
            y = max(0, min(point.y(), parent.height() - self.height()))
            self.move(x, y)
        self.show()
        self.raise_()
        self.field.selectAll()
        self.field.setFocus(Qt.FocusReason.OtherFocusReason)

    def text(self) -> str:
        return self.field.toPlainText()

    def visibility(self) -> Visibility | None:
        """Who is to see the annotation (None: the editor does not offer the choice)."""
        return self.visibility_box.visibility() if self.visibility_box is not None else None

    def accept(self) -> None:
        if not self._done:
            self._done = True
            self.hide()
            self.accepted.emit(self.text())
            self.deleteLater()

    def cancel(self) -> None:
        if not self._done:
            self._done = True
            self.hide()
            self.cancelled.emit()
            self.deleteLater()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.field and isinstance(event, QKeyEvent):
            enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if event.type() == QEvent.Type.ShortcutOverride and (
                (enter and ctrl) or event.key() == Qt.Key.Key_Escape
            ):
                event.accept()  # ours, not the window's shortcut (Ctrl+Enter opens beside there)
                return True
            if event.type() == QEvent.Type.KeyPress:
                if enter and ctrl:
                    self.accept()
                    return True
                if event.key() == Qt.Key.Key_Escape:
                    self.cancel()
                    return True
        return super().eventFilter(watched, event)
