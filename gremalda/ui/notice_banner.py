"""A small banner above the agenda for news that needs no answer (documents arrived); it never takes
the focus and closes with its button. A notice may offer one action (open the document it names)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget


class NoticeBanner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#notice { background: #e8f0fe; border: 1px solid #0b57d0; border-radius: 4px; }")
        self.label = QLabel(self)
        self.label.setObjectName("noticeText")
        self.label.setWordWrap(True)
        self.label.setStyleSheet("color: #0b1f44;")
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("noticeClose")
        self.close_button.setText("✕")
        self.close_button.setAccessibleName(self.tr("Close the notice"))
        self.close_button.setToolTip(self.tr("Close the notice"))
        self.close_button.clicked.connect(self.hide)
        self.action_button = QPushButton(self)
        self.action_button.setObjectName("noticeAction")
        self.action_button.clicked.connect(self._act)
        self.action_button.hide()
        self._action: Callable[[], object] | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action_button)
        layout.addWidget(self.close_button)
        self.hide()

    def show_notice(self, text: str, action: str = "", on_action: Callable[[], object] | None = None) -> None:
        """Show ``text``; with ``action`` (a button's text) and ``on_action``, a button that does it."""
        self.label.setText(text)
        self.setAccessibleName(text)
        self._action = on_action if action else None
        self.action_button.setText(action)
        self.action_button.setVisible(self._action is not None)
        self.show()

    def _act(self) -> None:
        if self._action is not None:
            self._action()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""
