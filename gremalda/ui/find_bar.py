"""Find in the current document: a bar under the documents (Ctrl+F), Enter for the next hit,
Shift+Enter for the previous, Escape to close."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QToolButton, QWidget


class _FindField(QLineEdit):
    previousRequested = Signal()  # noqa: N815 (Qt's naming)
    closeRequested = Signal()  # noqa: N815 (Qt's naming)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.previousRequested.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.closeRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class FindBar(QWidget):
    findRequested = Signal(str)  # a new text: find its first hit  # noqa: N815 (Qt's naming)
    nextRequested = Signal()  # noqa: N815 (Qt's naming)
    previousRequested = Signal()  # noqa: N815 (Qt's naming)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findBar")
        label = QLabel(self.tr("&Find:"), self)
        self.field = _FindField(self)
        self.field.setObjectName("findField")
        self.field.setAccessibleName(self.tr("Find in document"))
        self.field.setPlaceholderText(self.tr("Words in this document"))
        self.field.setClearButtonEnabled(True)
        label.setBuddy(self.field)
        self.previous = QPushButton(self.tr("&Previous"), self)
        self.previous.setObjectName("findPrevious")
        self.next = QPushButton(self.tr("&Next"), self)
        self.next.setObjectName("findNext")
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("findClose")
        self.close_button.setText("✕")
        self.close_button.setToolTip(self.tr("Close the find bar (Escape)"))
        self.close_button.setAccessibleName(self.tr("Close the find bar"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        layout.addWidget(label)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.previous)
        layout.addWidget(self.next)
        layout.addWidget(self.close_button)
        self._searched = ""
        self.field.returnPressed.connect(self._enter)
        self.field.previousRequested.connect(self.previousRequested)
        self.field.closeRequested.connect(self.close_bar)
        self.next.clicked.connect(self._enter)
        self.previous.clicked.connect(self.previousRequested)
        self.close_button.clicked.connect(self.close_bar)
        self.hide()

    def open_bar(self) -> None:
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def reset(self) -> None:
        """Another document: the next Enter searches afresh."""
        self._searched = ""

    def _enter(self) -> None:
        text = self.field.text().strip()
        if not text:
            return
        if text != self._searched:
            self._searched = text
            self.findRequested.emit(text)
        else:
            self.nextRequested.emit()
