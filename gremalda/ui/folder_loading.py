"""What the main window shows from the replica: the navigation and the status (read again after every
sync), and the folder in the agenda (a meeting or an e-file), each read on a worker. A folder read that
arrives after a newer choice is dropped; a reload reads the folder last asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gremalda.core.readstate import Badge, ReadState
from gremalda.ui import error_reporter
from gremalda.ui.replica_reads import (
    EFileLoaded,
    MeetingLoaded,
    NavigationLoaded,
    load_efile,
    load_meeting,
    load_navigation,
)

if TYPE_CHECKING:
    from gremalda.ui.main_window import MainWindow


class FolderLoading:
    """See the module docstring; made by the window, whose ``refresh`` is :meth:`refresh`."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._request = 0
        self._navigation_request = 0  # the navigation read last begun: an older one landing later is dropped
        # the folder last asked for: a reload after a sync reloads this one, even before it has shown
        self.wanted: tuple[str, str] | None = None
        self._listed: list[str] = []  # documents shown in the agenda, marked seen when the user moves on
        # documents marked seen (the marks run on a worker too): a folder read that lands before its mark
        # is written still finds them new, which they are no longer
        self._marked: set[str] = set()
        self._first_load = True
        # the read of the folder last asked for failed (reported): asking for that folder again reads it
        # again (show_efile skips the e-file last asked for, which is otherwise shown or on its way)
        self._failed = False

    def refresh(self) -> None:
        """Read the navigation and status again (after a sync), and the folder shown."""
        self._navigation_request += 1
        request = self._navigation_request
        self.window.workers.submit(load_navigation, lambda result: self._navigation_read(request, result))

    def _navigation_read(self, request: int, result: NavigationLoaded) -> None:
        if request != self._navigation_request:
            return  # a read that began before a newer one (an earlier sync pass) and landed after it
        self.navigation_loaded(result)

    def navigation_loaded(self, result: NavigationLoaded) -> None:
        window = self.window
        navigation, status, oparl = result
        window.navigation_data = navigation
        window.status = status
        window.navigation.populate(navigation, oparl)
        window.status_bar.show_status(status)
        if self.wanted is None:  # nothing shown yet (the first start, or the first sync brought it)
            if not self.show_next_meeting() and self._first_load:
                window.agenda.show_empty()
        else:
            self.reload_folder()
        self._first_load = False
        window.navigationLoaded.emit()

    def show_next_meeting(self) -> bool:
        data = self.window.navigation_data
        if data is None or data.next_meeting is None:
            return False
        return self.window.navigation.select(("meeting", data.next_meeting))

    def show_meeting(self, meeting_id: str) -> None:
        self.leave_folder()
        self._request += 1
        self._failed = False
        request = self._request
        self.wanted = ("meeting", meeting_id)
        self.window.history.record(("meeting", meeting_id, 0))
        self.window.workers.submit(
            load_meeting(meeting_id),
            lambda result: self._meeting_loaded(request, meeting_id, result),
            lambda error: self._folder_failed(request, error),
        )

    def show_efile(self, efile_id: str) -> None:
        if self.wanted == ("efile", efile_id) and not self._failed:
            # shown or loading already (a process or document of it chosen in the navigation); not what
            # the agenda shows, which may be the e-file left for a meeting that is still loading
            return
        self.leave_folder()
        self._request += 1
        self._failed = False
        request = self._request
        self.wanted = ("efile", efile_id)
        self.window.history.record(("efile", efile_id, 0))
        self.window.workers.submit(
            load_efile(efile_id),
            lambda result: self._efile_loaded(request, efile_id, result),
            lambda error: self._folder_failed(request, error),
        )

    def reload_folder(self) -> None:
        """Read the folder last asked for again (not the one shown: a reload must not undo a choice
        whose folder is still loading)."""
        if self.wanted is None:
            return
        kind, object_id = self.wanted
        self._request += 1
        self._failed = False
        request = self._request
        if kind == "meeting":
            self.window.workers.submit(
                load_meeting(object_id),
                lambda result: self._meeting_loaded(request, object_id, result),
                lambda error: self._folder_failed(request, error),
            )
        else:
            self.window.workers.submit(
                load_efile(object_id),
                lambda result: self._efile_loaded(request, object_id, result),
                lambda error: self._folder_failed(request, error),
            )

    def _meeting_loaded(self, request: int, meeting_id: str, result: MeetingLoaded) -> None:
        if request != self._request:
            return
        window = self.window
        folder, badges, oparl = result
        badges = self._seen(badges)
        if folder is None:  # gone or no longer visible: the next navigation read shows the next meeting
            self.wanted = None
            window.agenda.show_empty()
            return
        window.agenda.show_meeting(folder, badges)
        self._listed = window.agenda.listed_file_ids()
        window.setWindowTitle(f"{folder.meeting.name} — Gremalda")
        window.oparl.show_note(meeting_id, oparl)
        window.folderShown.emit("meeting", meeting_id)

    def _efile_loaded(self, request: int, efile_id: str, result: EFileLoaded) -> None:
        if request != self._request:
            return
        window = self.window
        tree, badges = result
        badges = self._seen(badges)
        if tree is None:
            self.wanted = None
            window.agenda.show_empty()
            return
        window.agenda.show_efile(tree, badges)
        self._listed = window.agenda.listed_file_ids()
        window.setWindowTitle(f"{tree.efile.reference_number or tree.efile.title} — Gremalda")
        window.folderShown.emit("efile", efile_id)

    def _folder_failed(self, request: int, error: BaseException) -> None:
        if request == self._request:
            self._failed = True  # the agenda still shows what it showed before
        error_reporter.report(error)

    def leave_folder(self) -> None:
        """The user moves on: what the agenda listed is no longer new."""
        listed, self._listed = self._listed, []
        if listed:
            self._marked.update(listed)
            self.window.workers.submit(lambda store: ReadState(store.db).mark_listed(listed))

    def _seen(self, badges: dict[str, Badge]) -> dict[str, Badge]:
        """The badges read, with documents marked seen no longer new (their mark may not be written yet)."""
        return {
            file_id: Badge.UNREAD if badge is Badge.NEW and file_id in self._marked else badge
            for file_id, badge in badges.items()
        }
