"""The agenda editor's commands on its agenda (a part of :class:`.editor.AgendaEditor`): add, rename,
public / not public, remove (an item, a document, a paper's link; each after a confirmation), move and
reorder; the context menu of a row. Each write names the meeting it is for (see :mod:`.desk_loading`).

The texts keep the translation context "AgendaEditor" they had when they were made in the editor class
(``translate("AgendaEditor", ...)``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPoint, Qt
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QWidget

from gremalda.core.clerk import ClerkService
from gremalda.ui.clerk.agenda_model import ID_ROLE, KIND_ROLE
from gremalda.ui.clerk.desk_loading import DeskLoading

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

translate = QCoreApplication.translate


class AgendaActions(DeskLoading):
    """The commands; mixed into the editor (a QWidget: the parent of its dialogs and menus)."""

    replaceRequested: SignalInstance  # noqa: N815 (Qt's naming)
    openRequested: SignalInstance  # noqa: N815

    def _start_actions(self) -> None:
        self.confirmation: QMessageBox | None = None
        self.context_menu: QMenu | None = None

    def _widget(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self

    def ask_add(self) -> None:
        name, ok = QInputDialog.getText(
            self._widget(),
            translate("AgendaEditor", "Add agenda item"),
            translate("AgendaEditor", "Title of the new item:"),
        )
        if ok and name.strip():
            self.add_item(name.strip())

    def add_item(self, name: str, *, public: bool = True) -> None:
        meeting_id = self.shown_meeting()
        if meeting_id is None:
            return
        current = self.current_item()
        position = None
        if current is not None:
            position = self.model_.item_ids().index(current) + 2  # after the chosen item (1-based)
        self.run(
            meeting_id,
            lambda svc: svc.add_item(meeting_id, name, public=public, position=position),
            lambda item_id: self._select_later(meeting_id, str(item_id)),
        )

    def ask_rename(self) -> None:
        item_id, meeting_id = self.current_item(), self.shown_meeting()
        if item_id is None or self.desk is None:
            return
        old = next((i.name for i in self.desk.items if i.id == item_id), "")
        name, ok = QInputDialog.getText(
            self._widget(),
            translate("AgendaEditor", "Rename agenda item"),
            translate("AgendaEditor", "Title:"),
            text=old,
        )
        if ok and name.strip() and name.strip() != old:  # (reads may land while the dialog is open)
            self.run(meeting_id, lambda svc: svc.update_item(item_id, name=name.strip()))

    def toggle_public(self) -> None:
        item_id = self.current_item()
        if item_id is None or self.desk is None:
            return
        public = next((i.public for i in self.desk.items if i.id == item_id), True)
        self.run(self.desk.id, lambda svc: svc.update_item(item_id, public=not public))

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
            menu.addAction(
                translate("AgendaEditor", "Open document"), lambda: self.openRequested.emit(file_id)
            ).setObjectName("open_document")
            menu.addAction(
                translate("AgendaEditor", "Replace document…"), self.replaceRequested.emit
            ).setObjectName("replace_document")
            menu.addAction(translate("AgendaEditor", "Remove document…"), self.ask_detach).setObjectName(
                "remove_document"
            )
        elif kind == "paper":
            menu.addAction(translate("AgendaEditor", "Unlink paper…"), self.ask_unlink).setObjectName(
                "unlink_paper"
            )
        elif kind == "item":
            menu.addAction(translate("AgendaEditor", "Rename…"), self.ask_rename).setObjectName("rename_item")
            menu.addAction(translate("AgendaEditor", "Remove item…"), self.ask_remove).setObjectName(
                "remove_item"
            )
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
        """Ask (Cancel is the default); on Yes run ``action``, a write to the meeting shown now (reads
        may land while the question is open)."""
        meeting_id = self.shown_meeting()
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self._widget(),
        )
        box.button(QMessageBox.StandardButton.Yes).setText(yes)
        box.button(QMessageBox.StandardButton.Cancel).setText(translate("AgendaEditor", "Cancel"))
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(result: int) -> None:
            self.confirmation = None
            if result == QMessageBox.StandardButton.Yes:
                self.run(meeting_id, action)

        box.finished.connect(answered)
        self.confirmation = box
        box.open()

    def ask_remove(self) -> None:
        item_id = self.current_item()
        if item_id is None or self.desk is None:
            return
        name = next((i.name for i in self.desk.items if i.id == item_id), "")
        self._confirm(
            translate("AgendaEditor", "Remove agenda item"),
            translate(
                "AgendaEditor", "Remove the item “%1” with its documents? The others are renumbered."
            ).replace("%1", name),
            translate("AgendaEditor", "Remove"),
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
        text = translate("AgendaEditor", "Remove the document “%1”?").replace("%1", name)
        if file_id in of_papers:
            text += " " + translate(
                "AgendaEditor",
                "It belongs to the paper “%1”: it is removed from the paper, on every agenda that "
                "consults it.",
            ).replace("%1", of_papers[file_id])
        if self.desk.state != "draft":
            text += " " + translate(
                "AgendaEditor",
                "The meeting is published: the document disappears from the members' devices with "
                "their next synchronisation.",
            )
        self._confirm(
            translate("AgendaEditor", "Remove document"),
            text,
            translate("AgendaEditor", "Remove"),
            lambda svc: svc.detach_file(file_id),
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
            translate("AgendaEditor", "Unlink paper"),
            translate("AgendaEditor", "Unlink the paper “%1” from the item “%2”? The paper itself stays.")
            .replace("%1", name)
            .replace("%2", item.name if item is not None else ""),
            translate("AgendaEditor", "Unlink"),
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
            self.run(meeting_id, lambda svc: svc.reorder_items(meeting_id, order))
