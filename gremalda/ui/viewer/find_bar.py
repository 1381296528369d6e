"""`FindBar`: the find-in-document strip of a `DocumentView` (Ctrl+F, Enter / F3 next, Shift: previous)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

__all__ = ["FindBar"]


class FindBar(QWidget):
    """A query field with previous / next buttons and a status ("3 of 17").

    ``nextRequested(text, backwards)`` asks for the next (or previous) hit of ``text``; the owner decides
    whether that is a new search. ``closed`` when Escape or the close button hides the bar.
    """

    nextRequested = Signal(str, bool)  # noqa: N815 (Qt's naming)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Find in document"))
        self.field = QLineEdit(self)
        self.field.setPlaceholderText(self.tr("Find in document"))
        self.field.setAccessibleName(self.tr("Text to find"))
        self.field.setClearButtonEnabled(True)
        self.field.installEventFilter(self)  # Return, Shift+Return, F3, Escape in the field
        self.previous_button = self._button("↑", self.tr("Previous match (Shift+F3)"), backwards=True)
        self.next_button = self._button("↓", self.tr("Next match (F3)"), backwards=False)
        self.status = QLabel(self)
        self.status.setAccessibleName(self.tr("Find status"))
        self.status.setMinimumWidth(90)
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip(self.tr("Close the find bar (Escape)"))
        close.setAccessibleName(self.tr("Close the find bar"))
        close.clicked.connect(self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 3, 6, 3)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.next_button)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.setFocusProxy(self.field)

    def _button(self, text: str, tip: str, *, backwards: bool) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        button.clicked.connect(lambda: self.nextRequested.emit(self.field.text(), backwards))
        return button

    def open_bar(self, text: str | None = None) -> None:
        if text is not None:
            self.field.setText(text)
        self.show()
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    @Slot()
    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.field and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key(event)
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        if not self._key(event):
            super().keyPressEvent(event)

    def _key(self, event: QKeyEvent) -> bool:
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close_bar()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) or key == Qt.Key.Key_F3:
            self.nextRequested.emit(self.field.text(), shift)
        elif event.matches(QKeySequence.StandardKey.FindPrevious):
            self.nextRequested.emit(self.field.text(), True)
        elif event.matches(QKeySequence.StandardKey.FindNext):
            self.nextRequested.emit(self.field.text(), False)
        else:
            return False
        event.accept()
        return True
