"""Back and forward (Alt+Left, Alt+Right) into a document whose tab is still opening (its bytes are read on
a worker and have not landed): the tab shows the page the history remembers, as a search hit does (the
read under way is replaced by one for that page); a document the history knows no page of yet opens
where the user left it. The read under way is held back by the test and lands after the step in the
history (the workers are several threads; under load they finish in any order). Real replica, stand-in
document view; run under `.ci/with-keyring`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from gremalda.core.readstate import ReadState
from gremalda.paths import DataPaths
from gremalda.store.replica import open_store
from gremalda.ui.document_area import DocumentTab
from gremalda.ui.main_window import MainWindow
from tests.gui.conftest import FakeDocumentView, GuiWorld
from tests.gui.test_shell import WAIT, _hold_first, _land, _reads_document, make_window  # noqa: F401


def _open(qtbot: Any, window: MainWindow, file_id: str, page: int | None = None) -> DocumentTab:
    entry = next(e for e in window.agenda.files() if e.id == file_id)
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT) as opened:
        window.open_file(entry, page=page)
    tab: DocumentTab = opened.args[0]
    return tab


def _close(window: MainWindow, tab: DocumentTab) -> None:
    pane = window.documents.pane_of(tab)
    window.documents.close_tab(pane, pane.indexOf(tab))


def test_back_into_a_tab_still_opening_shows_the_page_remembered(
    make_window: Callable[..., MainWindow],  # noqa: F811
    replica: DataPaths,
    gui_world: GuiWorld,
    qtbot: Any,
) -> None:
    """The user read a document at page 3, went to another, closed the first and opened it again at page
    2 (a hit); before it is shown they go back twice: it shows page 3, where they were at that step."""
    window = make_window(replica)
    first, other = str(gui_world.ids["rich_file"]), str(gui_world.world.ids["public_file"])
    tab = _open(qtbot, window, first, page=2)
    _open(qtbot, window, other)
    _close(window, tab)
    entry = next(e for e in window.agenda.files() if e.id == first)
    with _hold_first(window, _reads_document) as held:
        opening = window.open_file(entry, page=1)
    assert opening is not None and not opening.is_loaded
    places = window.history.places
    assert places[-3] == ("document", first, 2) and places[-1] == ("document", first, 1)
    window.actions_["back"].trigger()  # to the other document
    window.actions_["back"].trigger()  # to the first one at page 3, while it is still opening at page 2
    assert window.documents.current_tab() is opening
    _land(replica, held)  # the read for page 2 lands after the step back
    qtbot.waitUntil(lambda: window.workers.pending == 0 and opening.is_loaded, timeout=WAIT)
    view = cast(FakeDocumentView, opening.view)
    assert view.page == 2
    assert [call[3] for call in view.calls if call[0] == "open"] == [2]


def test_forward_into_a_tab_still_opening_shows_the_page_remembered(
    make_window: Callable[..., MainWindow],  # noqa: F811
    replica: DataPaths,
    gui_world: GuiWorld,
    qtbot: Any,
) -> None:
    """The history holds a document at page 2 and later at page 3 (a hit), its tab closed: going back opens
    it again at page 2; before it is shown the user goes forward twice: it shows page 3."""
    window = make_window(replica)
    first, other = str(gui_world.ids["rich_file"]), str(gui_world.world.ids["public_file"])
    tab = _open(qtbot, window, first, page=1)
    _open(qtbot, window, other)
    entry = next(e for e in window.agenda.files() if e.id == first)
    assert window.open_file(entry, page=2) is tab  # shown already: it goes to the page
    _close(window, tab)
    places = window.history.places
    assert places[-3] == ("document", first, 1) and places[-1] == ("document", first, 2)
    window.actions_["back"].trigger()  # to the other document
    with _hold_first(window, _reads_document) as held:
        window.actions_["back"].trigger()  # the first one is looked up on a worker, then opened at page 2
        qtbot.waitUntil(lambda: bool(held), timeout=WAIT)  # its read is under way (held back)
    opening = window.documents.find_tab(first)
    assert opening is not None and not opening.is_loaded
    window.actions_["forward"].trigger()  # to the other document
    window.actions_["forward"].trigger()  # to the first one at page 3, while it is still opening
    assert window.documents.current_tab() is opening
    _land(replica, held)  # the read for page 2 lands after the steps forward
    qtbot.waitUntil(lambda: window.workers.pending == 0 and opening.is_loaded, timeout=WAIT)
    view = cast(FakeDocumentView, opening.view)
    assert view.page == 2
    assert [call[3] for call in view.calls if call[0] == "open"] == [2]


def test_back_into_a_tab_still_opening_without_a_page_opens_where_the_user_left_it(
    make_window: Callable[..., MainWindow],  # noqa: F811
    replica: DataPaths,
    gui_world: GuiWorld,
    qtbot: Any,
) -> None:
    """The history knows no page of a document opened where the user left it until it settles: going back
    to it while it is still opening lets its read go on (it opens at the page left, not at the first)."""
    window = make_window(replica)
    first, other = str(gui_world.ids["rich_file"]), str(gui_world.world.ids["public_file"])
    with open_store(replica) as store:
        ReadState(store.db).set_last_page(first, 2)
    entry = next(e for e in window.agenda.files() if e.id == first)
    with _hold_first(window, _reads_document) as held:
        opening = window.open_file(entry)
    assert opening is not None and not opening.is_loaded
    _open(qtbot, window, other)
    assert window.history.places[-2][:2] == ("document", first)
    window.actions_["back"].trigger()
    assert window.documents.current_tab() is opening
    _land(replica, held)
    qtbot.waitUntil(lambda: window.workers.pending == 0 and opening.is_loaded, timeout=WAIT)
    view = cast(FakeDocumentView, opening.view)
    assert view.page == 2
    assert [call for call in view.calls if call[0] in ("open", "go")] == [
        ("open", view.key, opening.title, 2)
    ]
