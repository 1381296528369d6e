"""Adding and removing OParl sources: the System URL of a council information system, which files to
keep, the sources already added (with a Remove button). Adding registers the source and runs its first
pass on a thread of its own (:mod:`gremalda.ui.oparl_tasks`); progress and problems are shown in the
dialog itself."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QCoreApplication, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.oparl import (
    SourceInfo,
    SourceOutcome,
    add_source,
    list_sources,
    remove_source,
    sync_sources,
)
from gremalda.errors import GremaldaError, SyncFailed
from gremalda.paths import DataPaths
from gremalda.ui.error_texts import error_text
from gremalda.ui.oparl_tasks import OParlTasks
from gremalda.ui.palette_colours import ProblemLabel
from sync.oparl import ImportProgress

log = logging.getLogger(__name__)

# the dialog's file choices: (key, core policy); "none" and "open" both keep no files in a pass,
# "open" fetches a meeting's files when it is opened
POLICIES = (("none", "none"), ("open", "none"), ("all", "all"))
NO_FILES_KEY = "oparl/no_files"


def _no_files(settings: QSettings) -> list[str]:
    """The System URLs of the sources whose files the user does not want (a preference)."""
    listed = settings.value(NO_FILES_KEY, []) or []
    if isinstance(listed, str):
        return [listed]
    return [str(u) for u in listed] if isinstance(listed, list | tuple) else []


def files_on_open(settings: QSettings, system_url: str) -> bool:
    """Whether a meeting's files are fetched when it is opened (not for the "no files" choice)."""
    return system_url not in _no_files(settings)


def _set_no_files(settings: QSettings, system_url: str, on: bool) -> None:
    listed = _no_files(settings)
    urls = [u for u in listed if u != system_url] + ([system_url] if on else [])
    settings.setValue(NO_FILES_KEY, urls)


class OParlDialog(QDialog):
    """See the module docstring. ``sourcesChanged`` after a source was added (and synchronised) or
    removed."""

    sourcesChanged = Signal()  # noqa: N815 (Qt's naming)
    busyChanged = Signal(bool)  # noqa: N815 (Qt's naming)
    _progress = Signal(object)

    def __init__(self, paths: DataPaths, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("oparlDialog")
        self.paths = paths
        self.settings = settings
        self.tasks = OParlTasks(self)
        self._busy = False
        # the list read last begun: each read runs on a thread of its own, so an older one (from before an
        # add or a remove) may land after a newer one; it is dropped, whether it read the list or failed
        self._list_request = 0
        # the list read whose failure the error label shows (None: it shows none, or an add's or a
        # remove's): a newer read that succeeds takes it away
        self._list_error: int | None = None
        title = self.tr("Council information systems (OParl)")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        intro = QLabel(
            self.tr(
                "Add the OParl address (System URL) of a council information system. Its public meetings, "
                "agenda items and papers are kept on this computer, read-only, next to your own."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.url = QLineEdit(self)
        self.url.setObjectName("oparlUrl")
        self.url.setPlaceholderText("https://ris.example.de/oparl/v1/system")
        self.url.setAccessibleName(self.tr("System URL"))
        self.url.textChanged.connect(self._update_buttons)
        self.files = QComboBox(self)
        self.files.setObjectName("oparlFiles")
        self.files.setAccessibleName(self.tr("Files"))
        for key, text in (
            ("none", self.tr("No files")),
            ("open", self.tr("Files of a meeting when it is opened")),
            ("all", self.tr("All files")),
        ):
            self.files.addItem(text, key)
        self.files.setCurrentIndex(1)
        form = QFormLayout()
        form.addRow(self.tr("System &URL:"), self.url)
        form.addRow(self.tr("&Files:"), self.files)
        self.add_button = QPushButton(self.tr("&Add"), self)
        self.add_button.setObjectName("oparlAdd")
        self.add_button.setAccessibleName(self.tr("Add the council information system"))
        self.add_button.clicked.connect(self.add)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("oparlProgress")
        self.progress.setAccessibleName(self.tr("Progress"))
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setObjectName("oparlStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Status"))
        self.error = ProblemLabel(self)
        self.error.setObjectName("oparlError")
        self.error.setWordWrap(True)
        self.error.setAccessibleName(self.tr("Problem"))
        self.error.hide()
        self.sources = QListWidget(self)
        self.sources.setObjectName("oparlSources")
        self.sources.setAccessibleName(self.tr("Council information systems added"))
        self.sources.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.remove_button = QPushButton(self.tr("&Remove"), self)
        self.remove_button.setObjectName("oparlRemove")
        self.remove_button.setAccessibleName(self.tr("Remove the chosen council information system"))
        self.remove_button.clicked.connect(self.remove)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)
        remove_row = QHBoxLayout()
        remove_row.addStretch(1)
        remove_row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(add_row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        sources_label = QLabel(self.tr("&Added:"), self)
        sources_label.setBuddy(self.sources)
        layout.addWidget(sources_label)
        layout.addWidget(self.sources, 1)
        layout.addLayout(remove_row)
        layout.addWidget(buttons)
        self._progress.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self.resize(560, 480)
        self._update_buttons()
        self.reload()

    # --- state

    @property
    def busy(self) -> bool:
        return self._busy

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        self.url.setReadOnly(busy)
        self.files.setEnabled(not busy)
        self._update_buttons()
        self.busyChanged.emit(busy)

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(not self._busy and bool(self.url.text().strip()))
        self.remove_button.setEnabled(not self._busy and self.sources.currentItem() is not None)

    def _show_error(self, error: GremaldaError, *, list_request: int | None = None) -> None:
        """Show ``error``: a list read's failure when ``list_request`` (that read's number) is given."""
        self._list_error = list_request
        title, message = error_text(error)
        self.error.setText(f"<b>{title}</b><br>{message}")
        self.error.setAccessibleDescription(f"{title}: {message}")
        self.error.show()

    def _hide_error(self) -> None:
        self._list_error = None
        self.error.hide()

    # --- the list

    def reload(self) -> None:
        self._list_request += 1
        request = self._list_request

        def listed(sources: list[SourceInfo]) -> None:
            if request == self._list_request:
                self._listed(sources, request)

        def failed(error: GremaldaError) -> None:
            if request == self._list_request:
                self._show_error(error, list_request=request)
            else:  # a newer read was begun: it tells (the list, or its own failure)
                log.info("an earlier read of the OParl sources failed: %s", error)

        self.tasks.run("list", lambda _stop: list_sources(self.paths), listed, failed)

    def _listed(self, sources: list[SourceInfo], request: int) -> None:
        if self._list_error is not None and self._list_error < request:  # an older read's failure
            self._hide_error()
        self.sources.clear()
        for source in sources:
            meetings = source.objects.get("meeting", 0)
            text = self.tr("%1 — %n meeting(s)", "", meetings).replace("%1", source.name or source.system_url)
            item = QListWidgetItem(text, self.sources)
            item.setData(Qt.ItemDataRole.UserRole, source.system_url)
            item.setToolTip(source.system_url)
        self._update_buttons()

    # --- adding

    def add(self) -> None:
        url = self.url.text().strip()
        if not url or self._busy:
            return
        choice = str(self.files.currentData())
        policy = dict(POLICIES)[choice]
        self._hide_error()
        self.status.setText(self.tr("Adding %1…").replace("%1", url))
        self._set_busy(True)
        paths = self.paths

        def task(stop: threading.Event) -> list[SourceOutcome]:
            info = add_source(paths, url, files=policy)
            try:
                outcomes = sync_sources(paths, source=str(info.id), progress=self._progress.emit, stop=stop)
            except BaseException:
                # a source whose first pass never ran is of no use: take it out again
                remove_source(paths, str(info.id))
                raise
            failed = [o.error for o in outcomes if o.error]
            if failed:
                remove_source(paths, str(info.id))
                raise SyncFailed(failed[0])
            return outcomes

        def done(outcomes: list[SourceOutcome]) -> None:
            self._set_busy(False)
            for outcome in outcomes:
                _set_no_files(self.settings, outcome.source.system_url, choice == "none")
            name = outcomes[0].source.name if outcomes else ""
            self.status.setText(self.tr("Added %1.").replace("%1", name or url))
            self.url.clear()
            self.reload()
            self.sourcesChanged.emit()

        self.tasks.run("add", task, done, self._add_failed)

    def _show_progress(self, progress: ImportProgress) -> None:
        if self._busy:
            self.status.setText(_progress_text(progress))

    def _add_failed(self, error: GremaldaError) -> None:
        self._set_busy(False)
        self.status.clear()
        self._show_error(error)
        self.reload()

    # --- removing

    def remove(self) -> None:
        item = self.sources.currentItem()
        if item is None or self._busy:
            return
        url = str(item.data(Qt.ItemDataRole.UserRole))
        self._hide_error()
        self.status.setText(self.tr("Removing %1…").replace("%1", url))
        self._set_busy(True)
        paths = self.paths

        def done(_result: object) -> None:
            self._set_busy(False)
            _set_no_files(self.settings, url, False)
            self.status.setText(self.tr("Removed %1.").replace("%1", url))
            self.reload()
            self.sourcesChanged.emit()

        self.tasks.run("remove", lambda _stop: remove_source(paths, url), done, self._add_failed)

    # --- closing

    def done(self, result: int) -> None:
        self.tasks.close()
        super().done(result)


def _progress_text(progress: ImportProgress) -> str:
    return (
        QCoreApplication.translate("OParlDialog", "%1: %2 read")
        .replace("%1", progress.what)
        .replace("%2", str(progress.objects))
    )
