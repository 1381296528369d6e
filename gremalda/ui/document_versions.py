"""Open documents follow their new versions (issue 5: a replaced paper must not look as if its notes
were lost).

After each sync pass (and when a tab opens an older version) the replica is asked, for every open tab,
what became of its document:

* a newer file replaces it (``supersedes_id``, followed to the newest): the tab's version bar says so
  with the clerk's change note ("New version: ‹note› — Open"); opening shows the new version in the same
  tab at the same page, where the sync's re-anchoring (:mod:`gremalda.core.annotations.reanchoring`)
  has moved the user's annotations;
* the same file got new content: the tab loads it in place at the page it showed and says so.

The annotation panel, for a replaced version shown, tells where its annotations went ("3 annotations
moved to the new version — open it"; "1 needs your attention — show" opening the orphaned annotations)
instead of looking empty; the status bar keeps a button while orphaned or flagged annotations exist
(its count is the annotation commands'; the button opens their dialog).

A tab still opening when a pass ends is checked once it has opened (the read of its document may have
begun before the pass). The checks run on the window's workers, several threads: a check that began
before a newer one and lands after it is not followed (it would take a tab back to the content or the
version it read then)."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject

from gremalda.core.library import Library
from gremalda.core.records import FileEntry
from gremalda.core.version_chain import VersionChains
from gremalda.store.replica import Store
from gremalda.ui.document_area import DocumentTab, document_key

if TYPE_CHECKING:
    from gremalda.ui.main_window import MainWindow
    from gremalda.ui.sync_bridge import SyncBridge


CHECKED = "versionsChecked"  # a tab's property: the number of the newest check it followed
MISSED = "versionsMissed"  # a tab's property: a check came while it was still opening


@dataclass(frozen=True)
class Versions:
    """What the replica holds of an open tab's document: the file now (None: gone) and the newest file
    replacing it (None: not replaced)."""

    current: FileEntry | None
    newest: FileEntry | None


def read_versions(file_ids: Iterable[str]) -> Callable[[Store], dict[str, Versions]]:
    """The job (on a replica worker): :class:`Versions` of each of these files. The chain of versions
    (:class:`gremalda.core.version_chain.VersionChains`, the walk re-anchoring follows too: a branch takes
    the newer id, a cycle ends at its newest id) is followed to its newest version that is on this
    device, else to its newest one: a tab offers a version not downloaded yet, and says so."""
    wanted = list(dict.fromkeys(file_ids))

    def job(store: Store) -> dict[str, Versions]:
        chains = VersionChains.read(store.db.conn)
        library = Library(store.db.conn)
        out: dict[str, Versions] = {}
        for file_id in wanted:
            newest: FileEntry | None = None
            for candidate in reversed(chains.newer(file_id)):  # the newest first; the newest stored one
                entry = library.file(candidate)
                if entry is None:  # removed by a pass that committed since the chains were read
                    continue
                if newest is None:
                    newest = entry
                if entry.stored:
                    newest = entry
                    break
            out[file_id] = Versions(library.file(file_id), newest)
        return out

    return job


class DocumentVersions(QObject):
    """See the module docstring; made and attached by the window's sync feedback."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._asked = 0  # the checks begun; a tab keeps the number of the newest one it followed

    def attach(self, sync: SyncBridge | None) -> None:
        w = self.window
        if sync is not None:
            sync.finished.connect(lambda _result: self.check())
        w.documentOpened.connect(self._opened)
        w.documents.newVersionRequested.connect(self.open_new_version)
        w.documents.currentChanged.connect(lambda _tab: self.update_panel())
        w.annotations.model.changed.connect(self._annotations_changed)
        w.annotations.panel.versionLinkActivated.connect(self._panel_link)
        w.status_bar.orphansRequested.connect(w.annotations.show_orphans)

    # --- finding out

    def _tabs(self) -> list[DocumentTab]:
        return list(self.window.documents.all_tabs())

    def _alive(self, tab: DocumentTab) -> bool:
        return shiboken6.isValid(tab) and any(t is tab for t in self._tabs())

    def check(self, tabs: Iterable[DocumentTab] | None = None) -> None:
        """Ask the replica what became of the open tabs' documents (after a pass: all of them). A tab still
        opening is checked when it has opened (its read may have begun before the pass)."""
        chosen = []
        for tab in self._tabs() if tabs is None else tabs:
            if tab.is_loaded:
                chosen.append(tab)
            else:
                tab.setProperty(MISSED, True)
        if not chosen or self.window.closing:
            return
        self._asked += 1
        number = self._asked
        self.window.workers.submit(
            read_versions(t.entry.id for t in chosen),
            lambda found: self._checked(chosen, found, number),
        )

    def _opened(self, tab: DocumentTab) -> None:
        missed = bool(tab.property(MISSED))
        tab.setProperty(MISSED, False)
        if missed or tab.entry.superseded or tab.successor is not None:
            self.check([tab])
        elif tab.version_bar.kind == "replaced":
            tab.version_bar.hide_bar()

    def _checked(self, tabs: list[DocumentTab], found: dict[str, Versions], number: int) -> None:
        for tab in tabs:
            if not self._alive(tab) or tab.entry.id not in found:
                continue
            # The workers are several threads: a check that began before a newer one (an earlier pass,
            # the tab's opening) can land after it and would take the tab back to what it read then.
            if int(tab.property(CHECKED) or 0) > number:
                continue
            tab.setProperty(CHECKED, number)
            versions = found[tab.entry.id]
            if versions.newest is not None:
                tab.successor = versions.newest
                tab.version_bar.show_replaced(versions.newest.change_note, stored=versions.newest.stored)
                if tab is self.window.documents.current_tab():
                    self.window.annotations.model.load(versions.newest.id)
            elif (
                versions.current is not None
                and versions.current.stored
                and document_key(versions.current) != tab.key
            ):
                self.reload(tab, versions.current)
        self.update_panel()

    # --- acting

    def reload(self, tab: DocumentTab, entry: FileEntry) -> None:
        """The same file got new content: the tab shows it at the page it showed, and says so."""
        page = tab.view.current_page()
        self.window.documents.retarget(tab, entry)
        tab.version_bar.show_updated(entry.change_note)
        self.window.opening.load_into(tab, entry.id, page)

    def open_new_version(self, tab: DocumentTab) -> None:
        """Show the newest version in ``tab`` (where it replaced the shown one) at the same page."""
        entry = tab.successor
        if entry is None or not self._alive(tab):
            return
        if not entry.stored:
            tab.version_bar.show_replaced(entry.change_note, stored=False)
            return
        page = tab.view.current_page()
        tab.version_bar.hide_bar()
        self.window.documents.retarget(tab, entry)
        self.window.opening.load_into(tab, entry.id, page)

    def open_arrival(self, entry: FileEntry) -> None:
        """Open a document that arrived (the notice's button): in the tab that shows a version it replaced
        (at the same page), else as any document."""
        for tab in self._tabs():
            if tab.successor is not None and tab.successor.id == entry.id:
                self.window.documents.pane_of(tab).setCurrentWidget(tab)
                self.open_new_version(tab)
                return
        self.window.open_file(entry)

    # --- the annotation panel

    def _annotations_changed(self, file_id: str) -> None:
        tab = self.window.documents.current_tab()
        if tab is not None and tab.successor is not None and file_id in (tab.entry.id, tab.successor.id):
            self.update_panel()

    def update_panel(self) -> None:
        """The panel's hint for the current tab: where a replaced version's annotations went."""
        panel = self.window.annotations.panel
        tab = self.window.documents.current_tab()
        if tab is None or tab.successor is None:
            panel.set_version_hint(None, "")
            return
        model = self.window.annotations.model
        successor = tab.successor
        if not model.loaded(successor.id):
            model.load(successor.id)  # changed(successor) comes back here
        mine = [a for a in model.annotations(successor.id) if model.is_mine(a)]
        parts = [html.escape(self.tr("This version was replaced."))]
        if mine:
            parts.append(self.moved_text(len(mine), stored=successor.stored))
        flagged = sum(1 for a in mine if a.attention)
        if flagged:
            parts.append(self.attention_text(flagged))
        panel.set_version_hint(tab.entry.id, "<br>".join(parts))  # a line each: the dock may be narrow

    def moved_text(self, count: int, *, stored: bool) -> str:
        text = html.escape(self.tr("%n annotation(s) moved to the new version", "", count))
        if not stored:
            return text + "."
        return text + ' — <a href="open">' + html.escape(self.tr("open it")) + "</a>."

    def attention_text(self, count: int) -> str:
        return (
            html.escape(self.tr("%n annotation(s) need your attention", "", count))
            + ' — <a href="attention">'
            + html.escape(self.tr("show"))
            + "</a>."
        )

    def _panel_link(self, link: str) -> None:
        tab = self.window.documents.current_tab()
        if link == "open" and tab is not None:
            self.open_new_version(tab)
        elif link == "attention":
            self.window.annotations.show_orphans()
