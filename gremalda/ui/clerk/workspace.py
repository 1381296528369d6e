"""The clerk workspace in the main window: a "Clerk" menu (Sitzungsdienst) and a dock with the agenda
editor of the meeting shown, both only when the signed-in account has the clerk role.

Menu: new and edit meeting, attach documents (file dialog), link a paper or an e-file document, publish
(a confirmation naming who has access and the notice deadline), add a late paper and replace a document
(each with a change note), proof of delivery, the hot folder. After every write a sync pass is started
(the replica already shows the server's answer; the pass brings everything else)."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMenu, QMessageBox

from gremalda.core.clerk import DeliveryTable
from gremalda.core.council_time import DEFAULT_ZONE, replica_zone
from gremalda.ui.clerk.delivery_dialog import DeliveryDialog
from gremalda.ui.clerk.dialogs import ChoiceDialog, NoteDialog
from gremalda.ui.clerk.editor import AgendaEditor
from gremalda.ui.clerk.meeting_dialog import MeetingDialog
from gremalda.ui.clerk.publish_confirmation import PublishConfirmation
from gremalda.ui.clerk.reads import MeetingDesk, committees, efile_documents, is_clerk, papers
from gremalda.ui.clerk.runner import ClerkRunner
from gremalda.ui.replica_reads import find_file

if TYPE_CHECKING:
    from gremalda.core.records import FileEntry
    from gremalda.ui.main_window import MainWindow

HOT_FOLDER_KEY = "clerk/hot_folder"


class ClerkWorkspace(QObject):
    """See the module docstring; made by the main window, which calls :meth:`close` when it closes."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.clerk = False
        self.runner = ClerkRunner(window.paths, self)
        self.editor = AgendaEditor(self.runner, window.workers, window)
        self.dialog: Any = None  # the dialog open now (tests find it here)
        self._select_after: str | None = None
        self._asking_publish = False  # the member list for the publish confirmation is being read
        self.dock = QDockWidget(self.tr("Clerk workspace"), window)
        self.dock.setObjectName("clerkDock")
        self.dock.setAccessibleName(self.tr("Clerk workspace"))
        self.dock.setWidget(self.editor)
        self.dock.toggleViewAction().setText(self.tr("Clerk &workspace"))
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.annotation_dock, self.dock)  # a tab beside pages, outline, search
        self.dock.hide()
        self.menu = QMenu(self.tr("&Clerk"), window)
        self.menu.setObjectName("clerkMenu")
        self.actions: dict[str, QAction] = {}
        for name, text, slot, keys in (
            ("new_meeting", self.tr("&New meeting…"), self.new_meeting, "Ctrl+Shift+E"),
            ("edit_meeting", self.tr("&Edit meeting…"), self.edit_meeting, ""),
            (None, "", None, ""),
            ("attach", self.tr("&Attach documents…"), self.attach_files, "Ctrl+Shift+U"),
            ("link_paper", self.tr("Link &paper…"), self.link_paper, ""),
            ("link_document", self.tr("Link e-&file document…"), self.link_document, ""),
            (None, "", None, ""),
            ("publish", self.tr("P&ublish…"), self.publish, ""),
            ("late_paper", self.tr("Add &late paper (Nachtrag/Tischvorlage)…"), self.late_paper, ""),
            ("replace", self.tr("&Replace document…"), self.replace_document, ""),
            (None, "", None, ""),
            ("deliveries", self.tr("Proof of &delivery…"), self.show_deliveries, ""),
            ("hot_folder", self.tr("&Hot folder…"), self.choose_hot_folder, ""),
        ):
            if name is None:
                self.menu.addSeparator()
                continue
            action = QAction(text, self.menu)
            action.setObjectName(f"clerk_{name}")
            if keys:
                action.setShortcut(keys)
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
            self.menu.addAction(action)
            window.addAction(action)
            self.actions[name] = action
        self.menu.addSeparator()
        self.menu.addAction(self.dock.toggleViewAction())
        bar = window.menuBar().actions()  # before Help, the last menu
        if bar:
            window.menuBar().insertMenu(bar[-1], self.menu)
        else:
            window.menuBar().addMenu(self.menu)
        self.menu.menuAction().setVisible(False)
        self._enable(None)
        window.navigationLoaded.connect(self._navigation_loaded)
        window.folderShown.connect(self._folder_shown)
        self.editor.written.connect(self._written)
        self.editor.loaded.connect(self._enable)
        self.editor.lateRequested.connect(self.late_papers)
        self.editor.replaceRequested.connect(self.replace_document)
        self.editor.openRequested.connect(self.open_document)

    # --- role and state

    def _navigation_loaded(self) -> None:
        self.window.workers.submit(is_clerk, self._set_clerk)
        # a navigation read before the new meeting was in the replica does not list it yet: keep trying
        if self._select_after is not None and self.window.navigation.select(("meeting", self._select_after)):
            self._select_after = None

    def _set_clerk(self, clerk: bool) -> None:
        if clerk == self.clerk:
            return
        self.clerk = clerk
        self.menu.menuAction().setVisible(clerk)
        for action in self.actions.values():
            action.setEnabled(clerk and action.isEnabled())
        if clerk:
            self.dock.show()
            self.dock.raise_()
            self.editor.inbox.watch(self.hot_folder())
            if self.window.agenda.kind == "meeting":
                self.editor.show_meeting(self.window.agenda.object_id)
        else:
            self.dock.hide()
            self.editor.inbox.stop()
        self._enable(self.editor.desk)

    def _folder_shown(self, kind: str, object_id: str) -> None:
        if self.clerk:
            self.editor.show_meeting(object_id if kind == "meeting" else None)

    def _enable(self, desk: MeetingDesk | None) -> None:
        on = self.clerk
        has = on and desk is not None
        published = has and desk is not None and desk.state == "published"
        self.actions["new_meeting"].setEnabled(on)
        self.actions["hot_folder"].setEnabled(on)
        for name in ("edit_meeting", "attach", "link_paper", "link_document", "replace"):
            self.actions[name].setEnabled(has)
        self.actions["publish"].setEnabled(has and not published)
        self.actions["late_paper"].setEnabled(published)
        self.actions["deliveries"].setEnabled(published)

    def _written(self) -> None:
        """A write reached the server: show it (the replica has it) and start a sync pass for the rest."""
        self.window.refresh()
        if self.window.sync is not None:
            self.window.sync.sync_now()

    def _notice(self, text: str) -> None:
        self.window.status_bar.notice(text)

    def _open(self, dialog: Any) -> Any:
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None) if self.dialog is dialog else None)
        dialog.open()
        return dialog

    # --- meetings

    def new_meeting(self) -> None:
        self.window.workers.submit(
            lambda store: (committees(store), replica_zone(store.db.conn)),
            lambda found: self._meeting_dialog(found[0], None, found[1]),
        )

    def edit_meeting(self) -> None:
        if self.editor.desk is not None:
            desk = self.editor.desk
            self.window.workers.submit(committees, lambda found: self._meeting_dialog(found, desk))

    def _meeting_dialog(
        self, found: list[tuple[int, str]], desk: MeetingDesk | None, zone: tzinfo = DEFAULT_ZONE
    ) -> None:
        dialog = MeetingDialog(found, desk, self.window, zone=zone)

        def accepted() -> None:
            values = dialog.values()
            if desk is None:
                self.editor.run(
                    None,  # a new meeting
                    lambda svc: svc.create_meeting(
                        values["organization_id"],
                        values["name"],
                        values["start"],
                        values["end"],
                        values["location"],
                    ),
                    self._created,
                )
            else:
                del values["organization_id"]
                self.editor.run(desk.id, lambda svc: svc.update_meeting(desk.id, **values))

        dialog.accepted.connect(accepted)
        self._open(dialog)

    def _created(self, meeting_id: Any) -> None:
        self._select_after = str(meeting_id)
        self._notice(self.tr("The meeting was created as a draft."))

    def publish(self) -> None:
        """Asks first (see :mod:`.publish_confirmation`): the server's member list says who has a Gremalda
        account, so it is read before the question is shown (without it, the question says so)."""
        desk = self.editor.desk
        if desk is None or desk.state == "published" or self._asking_publish:
            return
        self._asking_publish = True

        def ask(table: DeliveryTable | None) -> None:
            self._asking_publish = False
            if self.editor.desk is None or self.editor.desk.id != desk.id:
                return  # another meeting was chosen meanwhile
            self._confirm_publish(self.editor.desk, table)

        self.runner.submit(lambda svc: svc.deliveries(desk.id), ask, lambda _error: ask(None))

    def _confirm_publish(self, desk: MeetingDesk, table: DeliveryTable | None) -> None:
        box = PublishConfirmation(desk, table, self.window)
        meeting_id = desk.id

        def answered(result: int) -> None:
            if result == QMessageBox.StandardButton.Yes:
                self.editor.run(
                    meeting_id,
                    lambda svc: svc.publish(meeting_id),
                    lambda _r: self._notice(self.tr("The meeting is published: the members receive it now.")),
                )

        box.finished.connect(answered)
        self._open(box)

    # --- documents

    def attach_files(self) -> None:
        kind, owner = self.editor.model_.owner(self.editor.tree.currentIndex())
        if not owner:
            return
        names, _filter = QFileDialog.getOpenFileNames(
            self.window, self.tr("Attach documents"), "", self.tr("PDF documents (*.pdf)")
        )
        self.editor.attach(kind, owner, [Path(n) for n in names])

    def late_paper(self) -> None:
        kind, owner = self.editor.model_.owner(self.editor.tree.currentIndex())
        if owner:
            self.late_papers(kind, owner, [])

    def late_papers(self, kind: str, owner: str, paths: list[Path]) -> None:
        """The late-paper dialog for ``owner``, prefilled with the first of ``paths`` (files dropped on, or
        assigned from the inbox to, a published meeting); the others follow one by one, each after the one
        before was added. Cancel stops: the rest are not added either (they stay where they were, in the
        inbox too), as a clerk who cancels a run of dialogs expects, without one Cancel per file."""
        where = self.tr("the chosen agenda item") if kind == "agenda_item" else self.tr("the meeting")
        text = self.tr(
            "A late paper (Nachtrag, Tischvorlage) for %1. Members' devices receive it within seconds; "
            "the change note tells them what it is."
        ).replace("%1", where)
        if paths:
            text = (
                self.tr(
                    "The meeting is published: a document added now is a late paper and needs a change note."
                )
                + " "
                + text
            )
        dialog = NoteDialog(self.tr("Add late paper"), text, self.window, path=paths[0] if paths else None)
        dialog.accepted.connect(
            lambda: self.editor.attach(
                kind, owner, [dialog.values()[0]], role="late", note=dialog.values()[1]
            )
        )
        if len(paths) > 1:  # the next one after an OK; Cancel stops them all (nothing else is asked)
            dialog.accepted.connect(lambda: self.late_papers(kind, owner, paths[1:]))
        self._open(dialog)
        if paths:
            dialog.note.setFocus()  # the file is there: what changed is what is asked

    def open_document(self, file_id: str) -> None:
        """A document of the agenda editor (also a paper's) opened in the window."""

        def found(entry: FileEntry | None) -> None:
            if entry is None:
                self._notice(self.tr("This document is not in the offline copy yet: synchronise first."))
            else:
                self.window.open_file(entry)

        self.window.workers.submit(find_file(file_id), found)

    def replace_document(self) -> None:
        file_id = self.editor.current_file()
        if file_id is None:
            self._notice(self.tr("Choose the document to replace in the agenda editor first."))
            return
        dialog = NoteDialog(
            self.tr("Replace document"),
            self.tr("The new version replaces the chosen document; members see the change note."),
            self.window,
        )
        dialog.accepted.connect(lambda: self.editor.replace(file_id, *dialog.values()))
        self._open(dialog)

    def link_paper(self) -> None:
        item_id, meeting_id = self.editor.current_item(), self.editor.shown_meeting()
        if item_id is None:
            self._notice(self.tr("Choose an agenda item first."))
            return
        self.window.workers.submit(papers, lambda found: self._choose_paper(meeting_id, item_id, found))

    def _choose_paper(self, meeting_id: str | None, item_id: str, found: list[tuple[str, str]]) -> None:
        dialog = ChoiceDialog(self.tr("Link paper"), found, self.window)

        def accepted() -> None:
            paper = dialog.chosen()
            if paper is not None:
                self.editor.run(meeting_id, lambda svc: svc.link_paper(item_id, paper))

        dialog.accepted.connect(accepted)
        self._open(dialog)

    def link_document(self) -> None:
        item_id, meeting_id = self.editor.current_item(), self.editor.shown_meeting()
        if item_id is None:
            self._notice(self.tr("Choose an agenda item first."))
            return
        self.window.workers.submit(
            efile_documents, lambda found: self._choose_document(meeting_id, item_id, found)
        )

    def _choose_document(self, meeting_id: str | None, item_id: str, found: list[tuple[str, str]]) -> None:
        if not found:
            box = QMessageBox(
                QMessageBox.Icon.Information,
                self.tr("No e-file documents"),
                self.tr(
                    "No e-file is shared with you. An e-file must be shared with the clerk before its "
                    "documents can be put on an agenda; ask its owner to share it, then synchronise."
                ),
                QMessageBox.StandardButton.Ok,
                self.window,
            )
            self._open(box)
            return
        dialog = ChoiceDialog(self.tr("Link e-file document"), found, self.window)

        def accepted() -> None:
            file_id = dialog.chosen()
            if file_id is not None:
                self.editor.run(meeting_id, lambda svc: svc.link_document(item_id, file_id))

        dialog.accepted.connect(accepted)
        self._open(dialog)

    # --- delivery, hot folder

    def show_deliveries(self) -> DeliveryDialog | None:
        desk = self.editor.desk
        if desk is None:
            return None
        dialog = DeliveryDialog(self.runner, desk.id, desk.body_id, self.window)
        self._open(dialog)
        dialog.refresh()
        return dialog

    def hot_folder(self) -> str:
        return str(self.window.preferences.settings.value(HOT_FOLDER_KEY, "") or "")

    def set_hot_folder(self, folder: str) -> None:
        self.window.preferences.settings.setValue(HOT_FOLDER_KEY, folder)
        if self.clerk:
            self.editor.inbox.watch(folder)

    def choose_hot_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, self.tr("Hot folder"), self.hot_folder())
        if folder:
            self.set_hot_folder(folder)

    def close(self) -> None:
        self.editor.close()
        self.runner.close()
