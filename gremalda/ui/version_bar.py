"""The bar above a document tab's pages that tells about another version of the document shown: a new
version replaced it ("New version: ‹change note› — Open"), or its content was updated in place. It
never takes the focus by itself; its button opens the new version in the same tab (see
:mod:`gremalda.ui.document_versions`), the cross closes it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

BACKGROUND, TEXT = "#fff4d6", "#3d2600"  # the bar's own colours, the same on every palette


class VersionBar(QFrame):
    """See the module docstring. ``openRequested``: the user wants the new version (its button)."""

    openRequested = Signal()  # noqa: N815 (Qt's naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("versionBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            f"#versionBar {{ background: {BACKGROUND}; border: 1px solid #b26a00; border-radius: 4px; }}"
            f" #versionText {{ color: {TEXT}; }}"
        )
        self.label = QLabel(self)
        self.label.setObjectName("versionText")
        self.label.setWordWrap(True)
        self.open_button = QPushButton(self.tr("&Open"), self)
        self.open_button.setObjectName("versionOpen")
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("versionClose")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        # the bar keeps its light colours on every palette: its cross too (a dark palette's light button
        # text was nearly invisible on it), also when the pointer raises it
        close = self.close_button.palette()
        close.setColor(QPalette.ColorRole.ButtonText, QColor(TEXT))
        close.setColor(QPalette.ColorRole.Button, QColor(BACKGROUND))
        self.close_button.setPalette(close)
        self.close_button.setAccessibleName(self.tr("Close the message"))
        self.close_button.setToolTip(self.tr("Close the message"))
        self.close_button.clicked.connect(self.hide)
        self.open_button.clicked.connect(self.openRequested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.close_button)
        self.kind = ""  # "replaced" or "updated" while shown
        self.hide()

    def show_replaced(self, change_note: str, *, stored: bool = True) -> None:
        """A newer version replaced the one shown; ``stored``: it is on this device (else it comes with
        the next synchronisation and cannot be opened yet)."""
        note = " ".join(change_note.split())
        if note:
            text = self.tr("New version: %1").replace("%1", note)
        else:
            text = self.tr("This version was replaced by a new one.")
        if not stored:
            text += " " + self.tr("It is not downloaded yet; it arrives with the next synchronisation.")
        self.open_button.setText(self.tr("&Open the new version"))
        self.open_button.setToolTip(
            self.tr("Show the new version in this tab, at the same page, with your annotations moved there")
        )
        self.open_button.setVisible(stored)
        self._show("replaced", text)

    def show_updated(self, change_note: str) -> None:
        """The document's content was replaced under the same name: the tab shows the new content."""
        note = " ".join(change_note.split())
        text = self.tr("This document was updated; you see the new content.")
        if note:
            text += " " + self.tr("Change: %1").replace("%1", note)
        self.open_button.hide()
        self._show("updated", text)

    def _show(self, kind: str, text: str) -> None:
        self.kind = kind
        self.label.setText(text)
        self.setAccessibleName(text)
        self.show()

    def text(self) -> str:
        """What the bar says, or "" while it is hidden."""
        return self.label.text() if not self.isHidden() else ""

    def hide_bar(self) -> None:
        self.kind = ""
        self.hide()
