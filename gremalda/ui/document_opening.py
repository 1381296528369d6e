"""Opening documents in the main window: the one chosen in the navigation or the agenda, a search hit
at its page with the words highlighted; the document's bytes are read on a worker and handed to a tab
of the document area. Also what follows the current document: its page thumbnails and outline in the
docks, the page it is read at.

A tab's bytes can be asked for again before the first read lands (another version shown in it, new
content after a sync, a search hit at another page of a document still opening), and the workers are
several threads: only the read a tab asked for last is shown in it, whatever order they land in.

The texts keep the translation context "MainWindow" they had in the window class."""

from __future__ import annotations

import itertools
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from gremalda.core.readstate import Badge, ReadState
from gremalda.core.records import FileEntry
from gremalda.errors import GremaldaError
from gremalda.ui import error_reporter
from gremalda.ui.document_area import DocumentTab
from gremalda.ui.formatting import file_label
from gremalda.ui.replica_reads import Opened, find_file, read_document
from gremalda.ui.window_actions import update_actions

if TYPE_CHECKING:
    from gremalda.ui.main_window import MainWindow

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


@dataclass
class _Lookup:
    then: Callable[[FileEntry | None], None]
    landed: bool = False
    failed: bool = False  # the look-up failed (reported): nothing follows
    entry: FileEntry | None = None


class DocumentOpening:
    """See the module docstring; made by the window, whose ``open_file`` and ``open_hit`` are these."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._reads: dict[DocumentTab, int] = {}  # the read each tab asked for last
        self._numbers = itertools.count(1)
        self._lookups: deque[_Lookup] = deque()  # files looked up, in the order asked for

    def _read_into(self, tab: DocumentTab, file_id: str, read: Callable[[Opened], None]) -> None:
        """Read the file's bytes for ``tab`` on a worker; ``read`` gets them unless the tab asked for
        another read since (or was closed)."""
        number = next(self._numbers)
        self._reads[tab] = number

        def done(opened: Opened) -> None:
            if self._reads.get(tab) == number and self._alive(tab):
                read(opened)

        def failed(error: BaseException) -> None:
            if self._reads.get(tab) == number:
                self._document_failed(tab, error)
            else:  # a read the tab no longer waits for (it shows another version now)
                log.info("an earlier read of file %s for a tab failed: %s", file_id, error)

        self.window.workers.submit(lambda store: read_document(store, file_id), done, failed)

    def open_selected(self, beside: bool = False) -> None:
        navigation, agenda = self.window.navigation, self.window.agenda
        focus = QApplication.focusWidget()
        entry = None
        if (focus is not None and navigation.isAncestorOf(focus)) or focus is navigation:
            entry = navigation.current_file()
        entry = entry or agenda.current_file()
        if entry is not None:
            self.open_file(entry, beside=beside)

    def open_file(
        self, entry: FileEntry, *, beside: bool = False, page: int | None = None, query: str | None = None
    ) -> DocumentTab | None:
        """Open the document in a tab (beside: in the other half) at ``page`` (default: where the user
        left it), highlighting ``query`` when given."""
        window = self.window
        if not entry.stored:
            window.status_bar.notice(
                translate(
                    "MainWindow", "“%1” is not downloaded yet; it arrives with the next synchronisation."
                ).replace("%1", file_label(entry))
            )
            return None
        tab, load = window.documents.open(entry, beside=beside)
        window.history.record(("document", entry.id, page))
        if not load:
            if page is not None:
                self.show_page(tab, page, query)
            return tab
        self._read_into(tab, entry.id, lambda opened: self._document_read(tab, opened, page, query))
        return tab

    def show_page(self, tab: DocumentTab, page: int, query: str | None = None) -> None:
        """``tab`` (open already) at ``page``, highlighting ``query`` when given (a hit, a step in the
        history). A tab still opening (its read has not landed) reads its file again for this page, which
        replaces that read (it would open where the user left the document, or at another page)."""
        if tab.is_loaded:
            tab.view.go_to_page(page)
            if query:
                tab.view.highlight(query, page)
            return
        self._read_into(tab, tab.entry.id, lambda opened: self._document_read(tab, opened, page, query))

    def load_into(self, tab: DocumentTab, file_id: str, page: int) -> None:
        """Read the file's bytes into ``tab`` (another version of its document, already retargeted) at
        ``page``; the annotation panel follows when it is the current tab."""

        def read(opened: Opened) -> None:
            self._document_read(tab, opened, page, None)
            if tab is self.window.documents.current_tab():
                self.window.documents.currentChanged.emit(tab)

        self._read_into(tab, file_id, read)

    def _alive(self, tab: DocumentTab) -> bool:
        return any(t is tab for t in self.window.documents.all_tabs())

    def _document_read(self, tab: DocumentTab, opened: Opened, page: int | None, query: str | None) -> None:
        if not self._alive(tab):
            return
        window = self.window
        start = page if page is not None else (opened.last_page or 0)
        tab.entry = opened.entry
        tab.load(opened.data, start)
        if query:
            tab.view.highlight(query, start)
        window.agenda.set_badge(opened.entry.id, Badge.READ)
        window.find_bar.reset()
        self.current_document_changed(window.documents.current_tab())
        window.documentOpened.emit(tab)

    def _document_failed(self, tab: DocumentTab, error: BaseException) -> None:
        if self._alive(tab):
            tab.show_message(error.message if isinstance(error, GremaldaError) else str(error))
        error_reporter.report(error)

    def open_hit(self, file_id: str, page: int, query: str) -> None:
        """A search hit: open the document at the page with the words highlighted."""

        def found(entry: FileEntry | None) -> None:
            if entry is None:
                from gremalda.core.errors import DocumentNotFound

                error_reporter.report(DocumentNotFound())
                return
            self.open_file(entry, page=page, query=query)

        self.when_found(file_id, found)

    def when_found(self, file_id: str, then: Callable[[FileEntry | None], None]) -> None:
        """Look the file up on a worker, then ``then(entry)`` (None: not in the replica). The look-ups
        land in the order they were asked for, although the workers may finish them in another: of two
        hits opened one after the other, the second is the tab in front."""
        lookup = _Lookup(then)
        self._lookups.append(lookup)

        def landed(entry: FileEntry | None) -> None:
            lookup.entry, lookup.landed = entry, True
            self._follow_lookups()

        def failed(error: BaseException) -> None:
            lookup.failed = True
            landed(None)
            error_reporter.report(error)

        self.window.workers.submit(find_file(file_id), landed, failed)

    def _follow_lookups(self) -> None:
        """Follow the look-ups landed at the head of the queue, in order. One whose follow-up raises does
        not hold up those behind it (landed already, they would wait for the next look-up to land)."""
        while self._lookups and self._lookups[0].landed:
            first = self._lookups.popleft()
            if first.failed:
                continue
            try:
                first.then(first.entry)
            except BaseException:
                self._follow_lookups()
                raise

    # --- what follows the open documents

    def save_page(self, tab: DocumentTab, page: int) -> None:
        file_id = tab.entry.id
        self.window.workers.submit(lambda store: ReadState(store.db).set_last_page(file_id, page))
        self.window.history.page_settled(file_id, page)

    def tab_closing(self, tab: DocumentTab) -> None:
        self._reads.pop(tab, None)
        for stack, name in ((self.window.thumbnails, "thumbnails"), (self.window.outline, "outline")):
            widget = tab.panels.pop(name, None)
            if widget is not None:
                stack.removeWidget(widget)
                widget.deleteLater()

    def current_document_changed(self, tab: DocumentTab | None) -> None:
        window = self.window
        update_actions(window)
        for stack, name in ((window.thumbnails, "thumbnails"), (window.outline, "outline")):
            if tab is None or not tab.is_loaded:
                stack.setCurrentIndex(0)
                continue
            widget = tab.panels.get(name)
            if widget is None:
                view = tab.view
                widget = view.thumbnails_widget() if name == "thumbnails" else view.outline_widget()
                tab.panels[name] = widget
                stack.addWidget(widget)
            stack.setCurrentWidget(widget)
        if tab is not None:
            window.setWindowTitle(f"{tab.title} — Gremalda")
