"""The agenda editor's reads of its meeting and its writes (a part of :class:`.editor.AgendaEditor`).

Reads come from the replica (replica workers), writes go through the clerk runner; after each write
``written`` is emitted (the workspace starts a sync pass) and the meeting is read again (the service
puts the server's answer into the replica at once).

The replica workers are several threads: reads of the meeting land in any order. A read is numbered
when asked for; one older than a read already shown is dropped, and so is one asked for while a write to
the meeting on screen was under way (it may lack the write, and undo what the tree already shows, e.g. a
move by Alt+Down): the read after the write follows. Each write is counted against the meeting it is
for, which its caller names (a dialog opened on one meeting may be answered after another was chosen):
a write to another meeting does not hold up this one's reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex

from gremalda.core.clerk import ClerkService
from gremalda.ui.clerk.agenda_model import ID_ROLE, KIND_ROLE
from gremalda.ui.clerk.reads import MeetingDesk, meeting_desk

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from gremalda.ui.clerk.agenda_model import AgendaEditorTree, AgendaModel
    from gremalda.ui.clerk.runner import ClerkRunner
    from gremalda.ui.workers import ReplicaWorkers


class DeskLoading:
    """Reading the meeting chosen and running the writes; mixed into the editor (a QWidget), whose
    widgets and signals it uses."""

    runner: ClerkRunner
    workers: ReplicaWorkers
    model_: AgendaModel
    tree: AgendaEditorTree
    loaded: SignalInstance
    written: SignalInstance

    def _start_loading(self) -> None:
        self.desk: MeetingDesk | None = None
        self.meeting_id: str | None = None
        self._pending_select: tuple[str, str] | None = None  # the node just written, to choose
        self._reads = 0  # reads asked for
        self._shown_read = 0  # the newest read shown
        # writes asked for (run()) and of them finished (answered or failed), by the meeting each is for
        self._writes: dict[str | None, int] = {}
        self._writes_done: dict[str | None, int] = {}

    _show_desk: Callable[[MeetingDesk | None], None]  # the editor's header and buttons (editor.py)

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
        self._show_desk(desk)
        self.loaded.emit(desk)

    def shown_meeting(self) -> str | None:
        """The meeting on screen, which the agenda's writes go to: the one chosen last may not have been
        read yet (the tree still shows the one before, and a position in it is a position there)."""
        return self.desk.id if self.desk is not None else None

    # --- the current node (kept across reads)

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

    def run(
        self,
        meeting_id: str | None,
        call: Callable[[ClerkService], Any],
        on_done: Callable[[Any], None] | None = None,
    ) -> None:
        """Run a write to the meeting ``meeting_id`` on the runner (None: to no meeting, e.g. a new
        one); then read the meeting shown again (also after an error). The caller names the meeting: the
        one on screen when the write is asked for may not be the one its dialog was opened on."""
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

    def _select_later(self, meeting_id: str, item_id: str) -> None:
        if meeting_id == self.meeting_id:  # not when another meeting was chosen meanwhile
            self._pending_select = ("item", item_id)
