"""The main window's history of places (Alt+Left, Alt+Right): the meetings, e-files and documents the
user went to, a document with the page last read there (None until it is known: the document was opened
where the user left it, and it has not settled at a page yet). Going back or forward to a document whose
tab is open shows that tab at the page, also while it is still opening (see
:meth:`gremalda.ui.document_opening.DocumentOpening.show_page`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gremalda.core.records import FileEntry
from gremalda.ui.window_actions import update_actions

if TYPE_CHECKING:
    from gremalda.ui.main_window import MainWindow

Place = tuple[str, str, int | None]  # (kind: meeting | efile | document, id, page)


class NavigationHistory:
    """See the module docstring; made by the window, which records a place for every folder shown and
    every document opened."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.places: list[Place] = []
        self.future: list[Place] = []
        self.navigating = False  # going back or forward: what opens now is not a new place

    @property
    def can_go_back(self) -> bool:
        return len(self.places) > 1

    @property
    def can_go_forward(self) -> bool:
        return bool(self.future)

    def record(self, place: Place) -> None:
        if self.navigating:
            return
        if self.places and self.places[-1][:2] == place[:2]:
            return
        self.places.append(place)
        del self.places[:-100]
        self.future.clear()
        update_actions(self.window)

    def page_settled(self, file_id: str, page: int) -> None:
        """The document last gone to is read at ``page`` now: going back returns there."""
        if self.places and self.places[-1][:2] == ("document", file_id):
            self.places[-1] = ("document", file_id, page)

    def go_back(self) -> None:
        if len(self.places) > 1:
            self.future.append(self.places.pop())
            self._go(self.places[-1])

    def go_forward(self) -> None:
        if self.future:
            place = self.future.pop()
            self.places.append(place)
            self._go(place)

    def _go(self, place: Place) -> None:
        window = self.window
        kind, object_id, page = place
        self.navigating = True
        try:
            if kind in ("meeting", "efile"):
                window.navigation.select((kind, object_id))
            else:
                tab = window.documents.find_tab(object_id)
                if tab is not None:
                    window.documents.pane_of(tab).setCurrentWidget(tab)
                    if page is not None:  # None: it stays where it is (or opens where the user left it)
                        window.opening.show_page(tab, page)
                else:
                    self.open_at_page(object_id, page)
        finally:
            self.navigating = False
        update_actions(window)

    def open_at_page(self, file_id: str, page: int | None) -> None:
        """Open a document of the history again (it was closed) at ``page`` (None: where the user left
        it), not as a new place."""

        def found(entry: FileEntry | None) -> None:
            if entry is not None:
                self.navigating = True
                try:
                    self.window.open_file(entry, page=page)
                finally:
                    self.navigating = False

        self.window.opening.when_found(file_id, found)
