"""The meeting's inbox: PDFs that arrive in the watched hot folder (configured in the Clerk menu) are
listed here within seconds, once completely written, and checked at once (the preflight): a refused one
shows the reason, one with warnings says so. From here the clerk drags them onto an agenda item (they
are dragged as files, like from the file manager) or assigns the chosen ones to the item chosen in the
agenda editor. A document leaves the inbox only once it is attached: its file is then moved into the
subfolder "Erledigt" ("Done") of the hot folder, so it is not listed again, after a restart either, and
the file manager shows what is done. A refused document stays, with its reason; so does one written
again while it was being uploaded (its new content was not sent: it is not filed away as done).

A file is listed once: when a listed file is written again (a copy that stalled long enough to be
reported half-written, then went on; a new version saved over it), its entry says so at once, the complete
file is checked again when it is still, and its new result replaces the old one (a check of an older
version that comes back late is ignored)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QUrl, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.clerk import HotFolder
from gremalda.core.clerk.attach import Fingerprint
from gremalda.core.clerk.hotfolder import file_away
from gremalda.errors import GremaldaError
from gremalda.os_reasons import WRITE, OsReason
from gremalda.ui import error_reporter
from gremalda.ui.clerk.list_style import TONE_ROLE, ToneItem, list_height
from gremalda.ui.os_texts import reason_text

log = logging.getLogger(__name__)
PATH_ROLE = Qt.ItemDataRole.UserRole + 21
# "checking" | "ok" | "warned" | "refused" | "stuck" (attached, not moved) | "changed" (written since read)
STATE_ROLE = Qt.ItemDataRole.UserRole + 22
SHOWN_LINES = 7  # the inbox list is at least this many lines tall: ~4 entries, some wrapped in a narrow dock


class InboxList(QListWidget):
    """Items drag as file URLs (so the agenda editor treats them like files from the file manager)."""

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:  # noqa: N802
        data = QMimeData()
        data.setUrls([QUrl.fromLocalFile(str(i.data(PATH_ROLE))) for i in items])
        return data

    def mimeTypes(self) -> list[str]:  # noqa: N802 (Qt's name)
        return ["text/uri-list"]


class Inbox(QWidget):
    assignRequested = Signal(list)  # [Path]  # noqa: N815 (Qt's naming)
    arrived = Signal(object)  # Path, on the GUI thread
    _arrived = Signal(int, object)  # the watch it comes from, Path (from the hot folder's thread)
    _changed = Signal(int, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clerkInbox")
        self.folder: HotFolder | None = None
        self.title = QLabel(self._unset_text(), self)
        self.title.setObjectName("inboxTitle")
        self.title.setWordWrap(True)
        self.list = InboxList(self)
        self.list.setObjectName("inboxList")
        self.list.setAccessibleName(self.tr("Inbox: documents from the hot folder"))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setDragEnabled(True)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)  # wrapped entries would run together
        self.list.setMinimumHeight(list_height(self.list, SHOWN_LINES))
        self.title.setBuddy(self.list)
        self.assign = QPushButton(self.tr("&Assign to the chosen item"), self)
        self.assign.setObjectName("inboxAssign")
        self.assign.clicked.connect(self._assign)
        self.list.itemActivated.connect(lambda _item: self._assign())
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.assign)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._arrived.connect(self._arrived_from, Qt.ConnectionType.QueuedConnection)
        self._changed.connect(self._changed_in, Qt.ConnectionType.QueuedConnection)
        # which watch is on: a report of the folder watched before (on its way to the GUI thread when
        # another folder was chosen, or the watch stopped) is dropped, not listed in this one's inbox
        self._watch = 0
        self._checks: dict[str, int] = {}  # path -> arrival checks asked for and not answered yet
        self._rewritten: set[str] = set()  # listed paths written again since their last arrival

    def watch(self, folder: str) -> None:
        """Watch ``folder`` ("" : none) instead of the one watched so far."""
        self.stop()
        self.list.clear()
        self._checks.clear()
        self._rewritten.clear()
        if not folder:
            self.title.setText(self._unset_text())
            return
        watch = self._watch
        try:
            self.folder = HotFolder(
                folder,
                lambda path: self._arrived.emit(watch, path),
                on_changed=lambda path: self._changed.emit(watch, path),
            ).start()
        except GremaldaError as error:
            self.title.setText(self.tr("Inbox (hot folder not usable)"))
            error_reporter.report(error)
            return
        self.title.setText(self.tr("&Inbox (%1)").replace("%1", folder))

    def _unset_text(self) -> str:
        return self.tr("Inbox (no hot folder set: Clerk ▸ Hot folder…)")

    def done_folder(self) -> str:
        """The name of the hot folder's subfolder that attached files are moved into."""
        return self.tr("Done")

    def stop(self) -> None:
        self._watch += 1  # what the folder watched so far reported and has not landed yet is dropped
        if self.folder is not None:
            self.folder.stop()
            self.folder = None

    def paths(self) -> list[Path]:
        return [Path(str(self.list.item(r).data(PATH_ROLE))) for r in range(self.list.count())]

    def remove(self, paths: Sequence[Path]) -> None:
        gone = {str(p) for p in paths}
        for row in reversed(range(self.list.count())):
            if str(self.list.item(row).data(PATH_ROLE)) in gone:
                self.list.takeItem(row)

    def item(self, path: Path) -> QListWidgetItem | None:
        for row in range(self.list.count()):
            if str(self.list.item(row).data(PATH_ROLE)) == str(path):
                return self.list.item(row)
        return None

    def state(self, path: Path) -> str | None:
        item = self.item(path)
        return None if item is None else str(item.data(STATE_ROLE))

    def _arrived_from(self, watch: int, path: Path) -> None:
        if watch == self._watch:
            self._add(path)

    def _changed_in(self, watch: int, path: Path) -> None:
        if watch == self._watch:
            self._rewriting(path)

    def _add(self, path: Path) -> None:
        self.remove([path])  # a new version of the same file: listed once
        self._checks[str(path)] = self._checks.get(str(path), 0) + 1
        self._rewritten.discard(str(path))
        item = ToneItem(self.tr("%1 — checking…").replace("%1", path.name), self.list)
        item.setData(PATH_ROLE, str(path))
        item.setData(STATE_ROLE, "checking")
        item.setToolTip(str(path))
        self.arrived.emit(path)  # the editor checks it (the preflight) and calls checked()

    def checked(self, path: Path, summary: str, refusal: str | None, warnings: Sequence[str]) -> None:
        """Show the preflight's result on the file's entry (a refused one: the reason, in red). The result
        of an arrival whose file has been written again since is ignored: the newer one's comes."""
        key = str(path)
        outstanding = max(0, self._checks.get(key, 0) - 1)
        self._checks[key] = outstanding
        if outstanding or key in self._rewritten:
            return
        item = self.item(path)
        if item is None:
            return
        if refusal is None and item.data(STATE_ROLE) == "changed":
            # attached while this version was being checked: what it says (not sent) still holds
            item.setToolTip("\n".join([str(path), summary, *warnings]))
            return
        if refusal is not None:
            self._mark(item, "refused", self.tr("%1 — refused: %2"), refusal, [refusal])
        elif warnings:
            self._mark(
                item, "warned", self.tr("%1 — %2; note: %3").replace("%3", warnings[0]), summary, warnings
            )
        else:
            self._mark(item, "ok", self.tr("%1 — %2"), summary, [])

    def _rewriting(self, path: Path) -> None:
        """A listed file is being written again: what was said about it no longer holds."""
        item = self.item(path)
        if item is None:
            return
        self._rewritten.add(str(path))
        self._mark(item, "checking", self.tr("%1 — being written again, checked when complete…"), "", [])

    def refused(self, path: Path, reason: str) -> None:
        """Attaching the file was refused: it stays in the inbox, with the reason."""
        item = self.item(path)
        if item is not None:
            self._mark(item, "refused", self.tr("%1 — refused: %2"), reason, [reason])

    def attached(self, path: Path, uploaded: Fingerprint | None) -> None:
        """The file is attached: off the list, and moved into the hot folder's "Done" subfolder (not
        listed again). ``uploaded`` is the version that was uploaded (None: the file changed since it was
        read for the upload): a file that is no longer that version stays, saying so (its new content
        was not sent). When it cannot be moved it stays listed, saying so."""
        item = self.item(path)
        if item is None:
            return
        try:
            unchanged = uploaded is not None and uploaded.seen(path.stat())
        except OSError:
            unchanged = False
        if not unchanged:
            log.warning("hot folder: %s changed since it was attached: not moved", path)
            text = self.tr(
                "%1 — changed since it was attached: not moved (attach it again to send this version)"
            )
            self._mark(item, "changed", text, "", [])
            return
        try:
            file_away(path, self.done_folder())
        except OSError as error:
            log.warning("hot folder: %s could not be moved away: %s", path, error)
            reason = reason_text(OsReason.of(error, WRITE))
            text = self.tr("%1 — attached, but not moved into the folder “%2”: %3")
            self._mark(item, "stuck", text.replace("%3", reason), self.done_folder(), [reason])
            return
        self.remove([path])

    def _mark(self, item: QListWidgetItem, state: str, text: str, detail: str, lines: Sequence[str]) -> None:
        path = Path(str(item.data(PATH_ROLE)))
        item.setData(STATE_ROLE, state)
        item.setText(text.replace("%1", path.name).replace("%2", detail))
        item.setToolTip("\n".join([str(path), *lines]))
        # the tone, not a colour: the entry (a ToneItem) is painted in the red or amber readable on the
        # list's palette as it is then (a dark mode switched on later, a palette of the list's own)
        tone = (
            "refused" if state == "refused" else "warned" if state in ("warned", "stuck", "changed") else None
        )
        item.setData(TONE_ROLE, tone)

    def _assign(self) -> None:
        chosen = [Path(str(i.data(PATH_ROLE))) for i in self.list.selectedItems()]
        if chosen:
            self.assignRequested.emit(chosen)
