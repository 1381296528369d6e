"""Preferences: how often to synchronise, night mode by default, the language; and where the offline
copy lives (shown, not changed here: start with --data-dir for another)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gremalda.paths import DataPaths
from gremalda.ui.preferences import MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES, Preferences


class SettingsDialog(QDialog):
    def __init__(self, preferences: Preferences, paths: DataPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.preferences = preferences
        self.setWindowTitle(self.tr("Settings"))
        self.setAccessibleName(self.tr("Settings"))
        self.interval = QSpinBox(self)
        self.interval.setObjectName("syncInterval")
        self.interval.setRange(MIN_INTERVAL_MINUTES, MAX_INTERVAL_MINUTES)
        self.interval.setSuffix(self.tr(" min"))
        self.interval.setValue(preferences.sync_interval_minutes)
        self.interval.setAccessibleName(self.tr("Synchronise every (minutes)"))
        self.night = QCheckBox(self.tr("Start documents in &night mode"), self)
        self.night.setObjectName("nightDefault")
        self.night.setChecked(preferences.night_mode)
        self.language = QComboBox(self)
        self.language.setObjectName("language")
        self.language.setAccessibleName(self.tr("Language"))
        for code, label in (("", self.tr("As the system")), ("de", "Deutsch"), ("en", "English")):
            self.language.addItem(label, code)
        self.language.setCurrentIndex(max(0, self.language.findData(preferences.language)))
        self.data_dir = QLineEdit(str(paths.root), self)
        self.data_dir.setObjectName("dataDir")
        self.data_dir.setReadOnly(True)
        self.data_dir.setAccessibleName(self.tr("Offline copy (data directory)"))
        form = QFormLayout()
        form.addRow(self.tr("&Synchronise every:"), self.interval)
        form.addRow("", self.night)
        form.addRow(self.tr("&Language:"), self.language)
        form.addRow(self.tr("&Offline copy:"), self.data_dir)
        note = QLabel(self.tr("A new language takes effect when Gremalda starts again."), self)
        note.setWordWrap(True)
        note.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("OK"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def accept(self) -> None:
        self.preferences.sync_interval_minutes = self.interval.value()
        self.preferences.night_mode = self.night.isChecked()
        self.preferences.language = str(self.language.currentData() or "")
        self.preferences.sync()
        super().accept()
