"""Small dialogs of the clerk workspace: choose one of many (a paper, an e-file document) with a filter;
a document with a change note (late paper, replacement)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

ID_ROLE = Qt.ItemDataRole.UserRole + 31
translate = QCoreApplication.translate


def _buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(translate("ClerkDialogs", "OK"))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(translate("ClerkDialogs", "Cancel"))
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class ChoiceDialog(QDialog):
    """One of ``choices`` ((id, label)); typing filters the list. :meth:`chosen` after acceptance."""

    def __init__(self, title: str, choices: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("choiceDialog")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.filter = QLineEdit(self)
        self.filter.setObjectName("choiceFilter")
        self.filter.setAccessibleName(self.tr("Filter"))
        self.filter.setPlaceholderText(self.tr("Filter…"))
        self.list = QListWidget(self)
        self.list.setObjectName("choiceList")
        self.list.setAccessibleName(title)
        for object_id, label in choices:
            item = QListWidgetItem(label, self.list)
            item.setData(ID_ROLE, object_id)
        if self.list.count():
            self.list.setCurrentRow(0)
        self.filter.textChanged.connect(self._filter)
        self.list.itemActivated.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.list, 1)
        layout.addWidget(_buttons(self))

    def _filter(self, text: str) -> None:
        needle = text.casefold().strip()
        first = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = bool(needle) and needle not in item.text().casefold()
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        if first is not None:
            self.list.setCurrentItem(first)

    def choose(self, object_id: str) -> bool:
        for row in range(self.list.count()):
            if self.list.item(row).data(ID_ROLE) == object_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(ID_ROLE)) if item is not None and not item.isHidden() else None


class NoteDialog(QDialog):
    """A PDF and a change note (a late paper, a replacement); both are required."""

    def __init__(
        self, title: str, explanation: str, parent: QWidget | None = None, *, path: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("noteDialog")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(520)  # the path and the note's example are readable
        self.explanation = QLabel(explanation, self)
        self.explanation.setObjectName("noteExplanation")
        self.explanation.setWordWrap(True)
        self.path = QLineEdit(self)
        self.path.setObjectName("notePath")
        self.path.setAccessibleName(self.tr("PDF file"))
        self.path.setPlaceholderText(self.tr("Path of the PDF, or Browse…"))
        self.path.setMinimumWidth(260)
        if path is not None:
            self.path.setText(str(path))
        browse = QPushButton(self.tr("&Browse…"), self)
        browse.setObjectName("noteBrowse")
        browse.clicked.connect(self._browse)
        self.note = QLineEdit(self)
        self.note.setObjectName("noteText")
        self.note.setAccessibleName(self.tr("Change note"))
        self.note.setPlaceholderText(self.tr("e.g. Tischvorlage: corrected figures on page 3"))
        self.problem = QLabel(self)
        self.problem.setObjectName("noteProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(browse)
        # labels of their own: a row given a layout gets a label without a buddy ("&" shown, no Alt key)
        self.path_label = QLabel(self.tr("&File:"), self)
        self.path_label.setBuddy(self.path)
        self.note_label = QLabel(self.tr("Change &note:"), self)
        self.note_label.setBuddy(self.note)
        form = QFormLayout()
        form.addRow(self.path_label, file_row)
        form.addRow(self.note_label, self.note)
        self.column = layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(_buttons(self))

    def _browse(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Choose a PDF"), self.path.text(), self.tr("PDF documents (*.pdf)")
        )
        if name:
            self.path.setText(name)

    def values(self) -> tuple[Path, str]:
        return Path(self.path.text().strip()), self.note.text().strip()

    def accept(self) -> None:
        path, note = self.values()
        if not self.path.text().strip() or not path.is_file():
            problem = self.tr("Choose an existing PDF file.")
        elif not note:
            problem = self.tr("Say what changed (the change note is shown to the members).")
        else:
            super().accept()
            return
        self.problem.setText(problem)
        self.problem.show()
        self._grow()

    def _grow(self) -> None:
        """Grow (never shrink) to the height the texts need at the present width: the explanation and
        the problem stay readable when a problem is shown."""
        layout = self.column
        layout.activate()
        width = self.width()
        needed = layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else -1
        needed = max(needed, layout.totalMinimumSize().height(), self.sizeHint().height())
        if needed > self.height():
            self.resize(width, needed)
