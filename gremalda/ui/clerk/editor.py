"""The agenda editor of the meeting shown (the clerk workspace's dock): a header with the meeting's state
(draft; or published at, and the notice deadline), the agenda with drag and drop (see
:mod:`.agenda_model`), buttons for the item commands (wrapping into further rows in a narrow dock), the
hot folder's inbox and the uploads. Files dropped on (or assigned from the inbox to) a published meeting
are late papers: ``lateRequested`` asks the workspace for the late-paper dialog with its change note.
A context menu on a row (and the Delete key) removes what it shows: an agenda item, a document
("Remove document"; a paper's documents are listed under it), a paper's link to its item ("Unlink
paper"), each after a confirmation.

Reads come from the replica (replica workers), writes go through the clerk runner; after each write
``written`` is emitted (the workspace starts a sync pass) and the meeting is read again (the service
puts the server's answer into the replica at once)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.clerk import ClerkService
from gremalda.errors import GremaldaError
from gremalda.pdf.preflight import PreflightReport
from gremalda.ui.clerk.agenda_model import ID_ROLE, KIND_ROLE, AgendaEditorTree, AgendaModel
from gremalda.ui.clerk.arrival_checks import ArrivalChecks
from gremalda.ui.clerk.flow_layout import FlowLayout
from gremalda.ui.clerk.inbox import Inbox
from gremalda.ui.clerk.reads import MeetingDesk, meeting_desk
from gremalda.ui.clerk.runner import ClerkRunner
from gremalda.ui.clerk.uploads import Request, UploadQueue
from gremalda.ui.clerk_texts import finding_text
from gremalda.ui.error_texts import error_text
from gremalda.ui.formatting import council_time, meeting_time
from gremalda.ui.workers import ReplicaWorkers


class AgendaEditor(QWidget):
    loaded = Signal(object)  # MeetingDesk | None, after each read
    written = Signal()  # a write reached the server
    replaceRequested = Signal()  # the context menu of a document  # noqa: N815 (Qt's naming)
    openRequested = Signal(str)  # a document's file id: Enter, a double click, the context menu  # noqa: N815
    lateRequested = Signal(str, str, list)  # owner kind, id, [Path] for a published meeting  # noqa: N815

    def __init__(self, runner: ClerkRunner, workers: ReplicaWorkers, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agendaEditor")
        self.runner = runner
        self.workers = workers
        self.desk: MeetingDesk | None = None
        self.meeting_id: str | None = None
        self.confirmation: QMessageBox | None = None
        self.context_menu: QMenu | None = None
        self._pending_select: tuple[str, str] | None = None
        # The replica workers are several threads: reads of the meeting land in any order. A read is
        # numbered when asked for; one older than a read already shown is dropped, and so is one asked
        # for while a write to the meeting on screen was under way (it may lack the write, and undo what
        # the tree already shows, e.g. a move by Alt+Down): the read after the write follows.
        self._reads = 0  # reads asked for
        self._shown_read = 0  # the newest read shown
        # writes asked for (run()) and of them finished (answered or failed), by the meeting on screen
        # when each was asked for (a write to another meeting does not hold up this one's reads)
        self._writes: dict[str | None, int] = {}
        self._writes_done: dict[str | None, int] = {}
        self.header = QLabel(self.tr("Choose a meeting in the navigation, or make a new one."), self)
        self.header.setObjectName("clerkHeader")
        self.header.setWordWrap(True)
        self.model_ = AgendaModel(self)
        self.tree = AgendaEditorTree(self)
        self.tree.setObjectName("agendaEditorTree")
        self.tree.setAccessibleName(self.tr("Agenda editor"))
        self.tree.setModel(self.model_)
        self.model_.orderRequested.connect(self.reorder)
        self.model_.filesDropped.connect(self._dropped)
        self.tree.moveRequested.connect(self.move_current)
        self.tree.removeRequested.connect(self.ask_remove_current)
        self.tree.renameRequested.connect(self.ask_rename)
        self.tree.activated.connect(self._activated)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self.show_context_menu)
        self.buttons: dict[str, QPushButton] = {}
        row = FlowLayout()
        for name, text, slot in (
            ("add", self.tr("&Add item…"), self.ask_add),
            ("rename", self.tr("Re&name…"), self.ask_rename),
            ("public", self.tr("P&ublic / not public"), self.toggle_public),
            ("remove", self.tr("&Remove…"), self.ask_remove_current),
            ("up", self.tr("Up"), lambda: self.move_current(-1)),
            ("down", self.tr("Down"), lambda: self.move_current(1)),
        ):
            button = QPushButton(text, self)
            button.setObjectName(f"clerk_{name}")
            button.clicked.connect(lambda _checked=False, slot=slot: slot())
            self.buttons[name] = button
            row.addWidget(button)
        self.buttons["up"].setToolTip(self.tr("Move the item up (Alt+Up)"))
        self.buttons["down"].setToolTip(self.tr("Move the item down (Alt+Down)"))
        self.inbox = Inbox(self)
        self.inbox.assignRequested.connect(self.assign_from_inbox)
        self.uploads = UploadQueue(runner, self)
        self.uploads.attached.connect(lambda _file_id: self.reload())
        # an inbox entry leaves only once its file is attached (and is still the version uploaded); a
        # refused one stays with the reason
        self.uploads.attachedVersion.connect(lambda path, version: self.inbox.attached(Path(path), version))
        self.uploads.refused.connect(lambda path, reason: self.inbox.refused(Path(path), reason))
        self.arrivals = ArrivalChecks(self.uploads.known, self)  # not in the runner's queue
        self.inbox.arrived.connect(self._check_arrival)
        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.header)
        top_layout.addLayout(row)
        top_layout.addWidget(self.tree, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(self.inbox)
        splitter.addWidget(self.uploads)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 1)
        splitter.setSizes([420, 220, 160])  # the lists keep at least ~4 entries (their minimum heights)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self._enable()

    # --- reading

    def show_meeting(self, meeting_id: str | None) -> None:
        if meeting_id != self.meeting_id:
            self._pending_select = None  # a wish for another meeting's node
        self.meeting_id = meeting_id
        self.reload()

    def reload(self) -> None:
        meeting_id = self.meeting_id
        if meeting_id is None:
            self._loaded(None, None)
            return
        self._reads += 1
        number, writes_done = self._reads, self._writes_done.get(meeting_id, 0)
        self.workers.submit(
            lambda store: meeting_desk(store, meeting_id),
            lambda d: self._landed(number, writes_done, meeting_id, d),
        )

    def _landed(self, number: int, writes_done: int, meeting_id: str, desk: MeetingDesk | None) -> None:
        """A read asked for as ``number``, when ``writes_done`` writes to its meeting had finished, has
        landed."""
        if number < self._shown_read:
            return  # a newer read is on screen already
        shown = self.desk.id if self.desk is not None else None
        if writes_done < self._writes.get(meeting_id, 0) and shown == meeting_id:
            return  # it may lack a write (or undo a move on screen): the read after the write follows
        self._shown_read = number
        self._loaded(meeting_id, desk)

    def _loaded(self, meeting_id: str | None, desk: MeetingDesk | None) -> None:
        if meeting_id != self.meeting_id:
            return  # another meeting was chosen meanwhile
        current = self.current_key()
        self.desk = desk
        self.model_.show(desk)
        self.tree.expandAll()
        wanted = self._pending_select
        if wanted is not None and self.select(*wanted):
            self._pending_select = None  # the node just written is on screen and chosen
        elif current is not None:
            # A read that began before the write landed does not have the new node yet: keep what is
            # chosen, and keep the wish for the read that follows the write.
            self.select(*current)
        if desk is None:
            self.header.setText(self.tr("Choose a meeting in the navigation, or make a new one."))
        else:
            if desk.state == "draft":
                state = self.tr("Draft: only clerks see it until it is published.")
            elif desk.published_at is not None:
                state = self.tr("Published %1.").replace("%1", council_time(desk.published_at, desk.zone))
            else:
                state = self.tr("Published.")
            deadline = self.tr("Notice deadline (%n day(s)): %1", "", desk.notice_days).replace(
                "%1", council_time(desk.deadline, desk.zone, named=True, unbroken=True)
            )
            start = meeting_time(desk.start, desk.zone)  # the deadline below names the zone
            self.header.setText(
                f"<b>{_esc(desk.name)}</b><br/>{_esc(start)} · {_esc(state)}<br/>{_esc(deadline)}"
            )
        self._enable()
        self.loaded.emit(desk)

    def _enable(self) -> None:
        has_meeting = self.desk is not None
        for button in self.buttons.values():
            button.setEnabled(has_meeting)

    # --- the current node

    def current_key(self) -> tuple[str, str] | None:
        index = self.tree.currentIndex()
        if not index.isValid():
            return None
        return str(index.data(KIND_ROLE)), str(index.data(ID_ROLE))

    def current_item(self) -> str | None:
        """The agenda item chosen (or the item of the document chosen)."""
        kind, owner_id = self.model_.owner(self.tree.currentIndex())
        return owner_id if kind == "agenda_item" else None

    def current_file(self) -> str | None:
        key = self.current_key()
        return key[1] if key is not None and key[0] == "file" else None

    def select(self, kind: str, object_id: str) -> bool:
        def walk(parent: QModelIndex) -> QModelIndex | None:
            for row in range(self.model_.rowCount(parent)):
                index = self.model_.index(row, 0, parent)
                if (index.data(KIND_ROLE), str(index.data(ID_ROLE))) == (kind, object_id):
                    return index
                found = walk(index)
                if found is not None:
                    return found
            return None

        index = walk(QModelIndex())
        if index is None:
            return False
        self.tree.setCurrentIndex(index)
        return True

    # --- writes

    def run(self, call: Callable[[ClerkService], Any], on_done: Callable[[Any], None] | None = None) -> None:
        """Run a write on the runner; then read the meeting again (also after an error)."""
        meeting_id = self.shown_meeting()
        self._writes[meeting_id] = self._writes.get(meeting_id, 0) + 1

        def finished() -> None:
            self._writes_done[meeting_id] = self._writes_done.get(meeting_id, 0) + 1

        def done(result: Any) -> None:
            finished()
            self.written.emit()
            if on_done is not None:
                on_done(result)
            self.reload()

        def failed(error: BaseException) -> None:
            from gremalda.ui import error_reporter

            finished()
            error_reporter.report(error)
            self.reload()

        self.runner.submit(call, done, failed)

    def ask_add(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Add agenda item"), self.tr("Title of the new item:"))
        if ok and name.strip():
            self.add_item(name.strip())

    def shown_meeting(self) -> str | None:
        """The meeting on screen, which the agenda's writes go to: the one chosen last may not have been
        read yet (the tree still shows the one before, and a position in it is a position there)."""
        return self.desk.id if self.desk is not None else None

    def add_item(self, name: str, *, public: bool = True) -> None:
        meeting_id = self.shown_meeting()
        if meeting_id is None:
            return
        current = self.current_item()
        position = None
        if current is not None:
            position = self.model_.item_ids().index(current) + 2  # after the chosen item (1-based)
        self.run(
            lambda svc: svc.add_item(meeting_id, name, public=public, position=position),
            lambda item_id: self._select_later(meeting_id, str(item_id)),
        )

    def _select_later(self, meeting_id: str, item_id: str) -> None:
        if meeting_id == self.meeting_id:  # not when another meeting was chosen meanwhile
            self._pending_select = ("item", item_id)

    def ask_rename(self) -> None:
        item_id = self.current_item()
        if item_id is None or self.desk is None:
            return
        old = next((i.name for i in self.desk.items if i.id == item_id), "")
        name, ok = QInputDialog.getText(self, self.tr("Rename agenda item"), self.tr("Title:"), text=old)
        if ok and name.strip() and name.strip() != old:
            self.run(lambda svc: svc.update_item(item_id, name=name.strip()))

    def toggle_public(self) -> None:
        item_id = self.current_item()
        if item_id is None or self.desk is None:
            return
        public = next((i.public for i in self.desk.items if i.id == item_id), True)
        self.run(lambda svc: svc.update_item(item_id, public=not public))

    def ask_remove_current(self) -> None:
        """Delete key, the Remove button: remove what is chosen (an item, a document, a paper's link)."""
        key = self.current_key()
        if key is not None and key[0] == "file":
            self.ask_detach()
        elif key is not None and key[0] == "paper":
            self.ask_unlink()
        else:
            self.ask_remove()

    def show_context_menu(self, point: QPoint) -> None:
        """The context menu of the row at ``point`` (in the tree's viewport): what can be done with it."""
        index = self.tree.indexAt(point)
        if not index.isValid() or self.desk is None:
            return
        self.tree.setCurrentIndex(index)
        kind = index.data(KIND_ROLE)
        menu = QMenu(self.tree)
        menu.setObjectName("agendaContextMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if kind == "file":
            file_id = str(index.data(ID_ROLE))
            menu.addAction(self.tr("Open document"), lambda: self.openRequested.emit(file_id)).setObjectName(
                "open_document"
            )
            menu.addAction(self.tr("Replace document…"), self.replaceRequested.emit).setObjectName(
                "replace_document"
            )
            menu.addAction(self.tr("Remove document…"), self.ask_detach).setObjectName("remove_document")
        elif kind == "paper":
            menu.addAction(self.tr("Unlink paper…"), self.ask_unlink).setObjectName("unlink_paper")
        elif kind == "item":
            menu.addAction(self.tr("Rename…"), self.ask_rename).setObjectName("rename_item")
            menu.addAction(self.tr("Remove item…"), self.ask_remove).setObjectName("remove_item")
        if menu.isEmpty():
            menu.deleteLater()
            return
        menu.aboutToHide.connect(lambda: setattr(self, "context_menu", None))
        self.context_menu = menu
        menu.popup(self.tree.viewport().mapToGlobal(point))

    def _activated(self, index: QModelIndex) -> None:
        """Enter or a double click on a document: open it in the window."""
        if index.data(KIND_ROLE) == "file":
            self.openRequested.emit(str(index.data(ID_ROLE)))

    def _confirm(self, title: str, text: str, yes: str, action: Callable[[ClerkService], Any]) -> None:
        """Ask (Cancel is the default); on Yes run ``action``."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText(yes)
        box.button(QMessageBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(result: int) -> None:
            self.confirmation = None
            if result == QMessageBox.StandardButton.Yes:
                self.run(action)

        box.finished.connect(answered)
        self.confirmation = box
        box.open()

    def ask_remove(self) -> None:
        item_id = self.current_item()
        if item_id is None or self.desk is None:
            return
        name = next((i.name for i in self.desk.items if i.id == item_id), "")
        self._confirm(
            self.tr("Remove agenda item"),
            self.tr("Remove the item “%1” with its documents? The others are renumbered.").replace(
                "%1", name
            ),
            self.tr("Remove"),
            lambda svc: svc.remove_item(item_id),
        )

    def ask_detach(self) -> None:
        """Remove the chosen document from its item or meeting (after a confirmation)."""
        file_id = self.current_file()
        if file_id is None or self.desk is None:
            return
        files = [*self.desk.files, *(f for i in self.desk.items for f in i.files)]
        of_papers = {
            f.id: paper
            for i in self.desk.items
            for paper, entries in zip(i.papers, i.paper_files, strict=False)
            for f in entries
        }
        files += [f for i in self.desk.items for entries in i.paper_files for f in entries]
        name = next((f.name for f in files if f.id == file_id), "")
        text = self.tr("Remove the document “%1”?").replace("%1", name)
        if file_id in of_papers:
            text += " " + self.tr(
                "It belongs to the paper “%1”: it is removed from the paper, on every agenda that "
                "consults it."
            ).replace("%1", of_papers[file_id])
        if self.desk.state != "draft":
            text += " " + self.tr(
                "The meeting is published: the document disappears from the members' devices with "
                "their next synchronisation."
            )
        self._confirm(
            self.tr("Remove document"), text, self.tr("Remove"), lambda svc: svc.detach_file(file_id)
        )

    def ask_unlink(self) -> None:
        """Unlink the chosen paper from its agenda item (after a confirmation); the paper stays."""
        key = self.current_key()
        item_id = self.current_item()
        if key is None or key[0] != "paper" or not key[1] or item_id is None or self.desk is None:
            return
        paper_id = key[1]
        item = next((i for i in self.desk.items if i.id == item_id), None)
        name = ""
        if item is not None and paper_id in item.paper_ids:
            name = item.papers[item.paper_ids.index(paper_id)]
        self._confirm(
            self.tr("Unlink paper"),
            self.tr("Unlink the paper “%1” from the item “%2”? The paper itself stays.")
            .replace("%1", name)
            .replace("%2", item.name if item is not None else ""),
            self.tr("Unlink"),
            lambda svc: svc.unlink_paper(item_id, paper_id),
        )

    def move_current(self, step: int) -> None:
        item_id = self.current_item()
        if item_id is None:
            return
        order = self.model_.item_ids()
        position = order.index(item_id) + step
        if 0 <= position < len(order):
            new = self.model_.move(item_id, position)
            self.select("item", item_id)
            self.reorder(new)

    def reorder(self, order: list[str]) -> None:
        meeting_id = self.shown_meeting()  # the order is the one on screen
        if meeting_id is not None:
            self.run(lambda svc: svc.reorder_items(meeting_id, order))

    # --- documents

    def attach(
        self, kind: str, owner_id: str, paths: Sequence[Path], *, role: str = "main", note: str = ""
    ) -> None:
        for path in paths:
            self.uploads.add(Request(Path(path), kind, owner_id, role=role, change_note=note))

    def replace(self, file_id: str, path: Path, note: str) -> None:
        kind, owner = "meeting", self.meeting_id or ""
        self.uploads.add(Request(path, kind, owner, change_note=note, supersedes_id=file_id))

    def _dropped(self, kind: str, owner_id: str, paths: list[Path]) -> None:
        self.add_documents(kind, owner_id, paths)

    def assign_from_inbox(self, paths: list[Path]) -> None:
        kind, owner_id = self.model_.owner(self.tree.currentIndex())
        if not owner_id:
            return
        self.add_documents(kind, owner_id, paths)

    def add_documents(self, kind: str, owner_id: str, paths: Sequence[Path]) -> None:
        """Dropped or assigned documents: in a draft attached at once; in a published meeting each is a
        late paper (Nachtrag, Tischvorlage) that needs a change note for the members."""
        if not paths:
            return
        if self.desk is not None and self.desk.state != "draft":
            self.lateRequested.emit(kind, owner_id, [Path(p) for p in paths])
        else:
            self.attach(kind, owner_id, paths)

    def _check_arrival(self, path: Path) -> None:
        """A file arrived in the hot folder: its preflight at once (on the arrival checks' own thread), the
        result shown in the inbox."""

        def checked(report: PreflightReport) -> None:
            refusal = finding_text(report.refusal) if report.refusal is not None else None
            warnings = [finding_text(f) for f in report.findings]
            self.inbox.checked(path, self.uploads.report_text(report), refusal, warnings)

        def failed(error: BaseException) -> None:
            message = error_text(error)[1] if isinstance(error, GremaldaError) else str(error)
            self.inbox.checked(path, "", message, [])

        self.arrivals.check(path, checked, failed)

    def close(self) -> bool:
        self.inbox.stop()
        self.arrivals.close()
        self.uploads.close_checker()
        return super().close()


def _esc(text: str) -> str:
    import html

    return html.escape(text)
