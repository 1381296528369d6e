"""The agenda editor of the meeting shown (the clerk workspace's dock): a header with the meeting's state
(draft; or published at, and the notice deadline), the agenda with drag and drop (see
:mod:`.agenda_model`), buttons for the item commands (wrapping into further rows in a narrow dock), the
hot folder's inbox and the uploads. Files dropped on (or assigned from the inbox to) a published meeting
are late papers: ``lateRequested`` asks the workspace for the late-paper dialog with its change note.
A context menu on a row (and the Delete key) removes what it shows: an agenda item, a document
("Remove document"; a paper's documents are listed under it), a paper's link to its item ("Unlink
paper"), each after a confirmation.

The editor is made of parts by what they do: its reads of the meeting and its writes
(:mod:`.desk_loading`), the commands on the agenda (:mod:`.agenda_actions`), the documents: inbox,
uploads, arrival checks (:mod:`.agenda_documents`). Here: the widgets, the header and the buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from gremalda.ui.clerk.agenda_actions import AgendaActions
from gremalda.ui.clerk.agenda_documents import AgendaDocuments
from gremalda.ui.clerk.agenda_model import AgendaEditorTree, AgendaModel
from gremalda.ui.clerk.flow_layout import FlowLayout
from gremalda.ui.clerk.reads import MeetingDesk
from gremalda.ui.clerk.runner import ClerkRunner
from gremalda.ui.formatting import council_time, meeting_time
from gremalda.ui.workers import ReplicaWorkers


class AgendaEditor(AgendaActions, AgendaDocuments, QWidget):
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
        self._start_loading()
        self._start_actions()
        self.header = QLabel(self.tr("Choose a meeting in the navigation, or make a new one."), self)
        self.header.setObjectName("clerkHeader")
        self.header.setWordWrap(True)
        self.model_ = AgendaModel(self)
        self.tree = AgendaEditorTree(self)
        self.tree.setObjectName("agendaEditorTree")
        self.tree.setAccessibleName(self.tr("Agenda editor"))
        self.tree.setModel(self.model_)
        self.model_.orderRequested.connect(self.reorder)
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
        self._start_documents()  # the inbox, the uploads, the arrival checks
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

    def _show_desk(self, desk: MeetingDesk | None) -> None:
        """The header and the buttons for the meeting just read (None: none chosen)."""
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

    def _enable(self) -> None:
        has_meeting = self.desk is not None
        for button in self.buttons.values():
            button.setEnabled(has_meeting)

    def close(self) -> bool:
        self._stop_documents()
        return super().close()


def _esc(text: str) -> str:
    import html

    return html.escape(text)
