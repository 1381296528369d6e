"""The main window's part in OParl sources: the note over a meeting of a source (where it comes from,
what is not downloaded), fetching a meeting's files when it is opened (when the source is set to do so),
and the dialog that adds and removes sources.

The texts keep the translation context "MainWindow" they had in the window class; those with a number
are the window's (:meth:`MainWindow.oparl_files_text`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt

from gremalda.core.oparl import fetch_meeting_files
from gremalda.errors import GremaldaError
from gremalda.ui.error_texts import error_text
from gremalda.ui.replica_reads import OParlMeeting

if TYPE_CHECKING:
    from gremalda.ui.main_window import MainWindow

translate = QCoreApplication.translate


class OParlMeetings:
    """See the module docstring; the fetches run on the window's :class:`OParlTasks`."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._fetching: set[str] = set()  # meetings whose files are being fetched
        self._tried: set[str] = set()  # meetings whose files were fetched once in this session

    def show_note(self, meeting_id: str, oparl: OParlMeeting | None) -> None:
        """A meeting of an OParl source says where it comes from; its files not stored yet are fetched
        now (the source's choice "files of a meeting when it is opened")."""
        window = self.window
        if oparl is None:
            window.agenda.set_source_note("")
            return
        from gremalda.ui.oparl_dialog import files_on_open

        note = translate("MainWindow", "From %1 (OParl): read-only.").replace("%1", oparl.source_name)
        fetch = (
            oparl.missing > 0
            and oparl.files == "none"
            and meeting_id not in self._tried
            and files_on_open(window.preferences.settings, oparl.system_url)
        )
        if meeting_id in self._fetching or fetch:
            note += " " + window.oparl_files_text(oparl.missing, fetching=True)
        elif oparl.missing:
            note += " " + window.oparl_files_text(oparl.missing, fetching=False)
        window.agenda.set_source_note(note)
        if fetch and meeting_id not in self._fetching:
            self.fetch_meeting_files(meeting_id)

    def fetch_meeting_files(self, meeting_id: str) -> None:
        """Fetch the files of a meeting of an OParl source off the GUI thread; the agenda is shown again
        when they are stored, when the meeting is the one last chosen (a read of it that began before
        they were stored may still be under way)."""
        window = self.window
        self._fetching.add(meeting_id)
        self._tried.add(meeting_id)
        paths = window.paths

        def done(_result: object) -> None:
            self._fetching.discard(meeting_id)
            if window.folders.wanted == ("meeting", meeting_id):  # shown, or still loading (read too early)
                window.folders.reload_folder()
            window.oparlFilesFetched.emit(meeting_id, None)

        def failed(error: GremaldaError) -> None:
            self._fetching.discard(meeting_id)
            window.status_bar.notice(error_text(error)[1])
            if window.folders.wanted == ("meeting", meeting_id):
                window.folders.reload_folder()
            window.oparlFilesFetched.emit(meeting_id, error)

        window.oparl_tasks.run(
            "files", lambda stop: fetch_meeting_files(paths, meeting_id, stop=stop), done, failed
        )

    def show_dialog(self) -> None:
        from gremalda.ui.oparl_dialog import OParlDialog

        window = self.window
        dialog = window.findChild(OParlDialog)
        if dialog is None:
            dialog = OParlDialog(window.paths, window.preferences.settings, window)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.sourcesChanged.connect(self._sources_changed)
        dialog.open()
        dialog.raise_()

    def _sources_changed(self) -> None:
        self._tried.clear()
        self.window.refresh()
