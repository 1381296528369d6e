"""The window's flows with a real replica (synchronised from the real server on a loopback port) and a
stand-in document view: navigation, agenda, badges, tabs and split view, search hits, sync in the
background, sign-in, translations, accessibility, errors. Offscreen; Qt warnings fail a test."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, cast
from xml.etree import ElementTree

import pytest
import shiboken6
from PySide6.QtCore import QLocale, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QMenu,
    QWidget,
)

from gremalda.core.readstate import Badge, ReadState
from gremalda.errors import KeyringUnavailable, ReplicaLocked, SyncFailed
from gremalda.paths import DataPaths, data_paths
from gremalda.store.replica import open_store
from gremalda.ui import error_reporter
from gremalda.ui.agenda_view import BADGE_ROLE, FILE_ROLE
from gremalda.ui.document_area import DocumentTab, document_key
from gremalda.ui.i18n import install_translations, qm_path
from gremalda.ui.login_dialog import LoginDialog
from gremalda.ui.main_window import MainWindow
from gremalda.ui.preferences import Preferences
from gremalda.ui.replica_reads import load_navigation
from gremalda.ui.settings_dialog import SettingsDialog
from gremalda.ui.sync_bridge import SyncBridge
from tests.gui.conftest import FakeDocumentView, GuiWorld, rich_pdf

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine


@pytest.fixture
def make_window(
    qtbot: Any, fake_views: Callable[[QWidget], FakeDocumentView], preferences: Preferences
) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(paths: DataPaths, *, sync: bool = False, show_next: bool = True, **kwargs: Any) -> MainWindow:
        window = MainWindow(paths, preferences=preferences, view_factory=fake_views, sync=sync, **kwargs)
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        windows.append(window)
        window.resize(1300, 850)
        with qtbot.waitExposed(window, timeout=WAIT):
            window.show()
        if show_next:
            with qtbot.waitSignal(window.folderShown, timeout=WAIT):
                window.start()
        else:
            window.start()
        return window

    yield make
    for window in windows:
        window.shutdown()


def _open(qtbot: Any, window: MainWindow, file_id: int | str, *, beside: bool = False) -> DocumentTab:
    entry = next(e for e in window.agenda.files() if e.id == str(file_id))
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT) as blocker:
        window.open_file(entry, beside=beside)
    tab: DocumentTab = blocker.args[0]
    return tab


def _show_meeting(qtbot: Any, window: MainWindow, meeting_id: int | str) -> None:
    with qtbot.waitSignal(
        window.folderShown,
        timeout=WAIT,
        check_params_cb=lambda kind, i: (kind, i) == ("meeting", str(meeting_id)),
    ):
        assert window.navigation.select(("meeting", str(meeting_id)))


def _agenda_rows(window: MainWindow) -> list[tuple[str, str]]:
    model = window.agenda.model_
    rows = []
    for row in range(model.rowCount()):
        rows.append((model.index(row, 0).data(), model.index(row, 1).data()))
    return rows


# --- navigation and agenda ------------------------------------------------------------------------------


def test_navigation_shows_body_committees_and_meetings_upcoming_first(
    make_window: Callable[..., MainWindow], replica: DataPaths, gui_world: GuiWorld
) -> None:
    window = make_window(replica)
    ids = gui_world.world.ids
    model = window.navigation.model()
    body = model.index(0, 0)
    assert body.data() == "Bezirksversammlung Test"
    committees = [model.index(r, 0, body).data() for r in range(model.rowCount(body))]
    assert committees == ["Ausschuss A", "Ausschuss B"]
    # upcoming first; the past meeting folded under "Earlier meetings"; no draft for a member
    assert window.navigation.meeting_ids() == [
        str(ids["published_meeting"]),
        str(gui_world.ids["past_meeting"]),
        str(ids["cancelled_meeting"]),
    ]
    committee = model.index(0, 0, body)
    assert model.index(1, 0, committee).data() == "Earlier meetings"
    cancelled = model.index(0, 0, model.index(1, 0, body))
    assert cancelled.data().endswith("(cancelled)") and cancelled.data(Qt.ItemDataRole.FontRole).strikeOut()
    # the next meeting is shown at start, with its date and state in the navigation
    assert (window.agenda.kind, window.agenda.object_id) == ("meeting", str(ids["published_meeting"]))
    label = model.index(0, 0, committee).data()
    assert "Sitzung A öffentlich" in label
    assert window.windowTitle().startswith("Sitzung A öffentlich")
    # the e-file branch: e-file → process → document
    efiles = model.index(1, 0)
    assert efiles.data() == "E-files"
    efile = model.index(0, 0, efiles)
    assert efile.data() == "AZ-1 Geteilte Akte"
    document = model.index(0, 0, model.index(0, 0, efile))
    assert document.data() == "Dokument 1"


def test_a_sync_reload_while_a_chosen_meeting_loads_does_not_undo_the_choice(
    make_window: Callable[..., MainWindow], replica: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    """A background sync re-reads the navigation and the folder while the meeting the user just chose is
    still loading: the reload must read the chosen meeting, not the one still on screen."""
    window = make_window(replica)
    shown = str(gui_world.world.ids["published_meeting"])
    chosen = str(gui_world.ids["past_meeting"])
    assert window.agenda.object_id == shown
    with open_store(replica) as store:
        navigation = load_navigation(store)
    with qtbot.waitSignal(window.folderShown, timeout=WAIT, check_params_cb=lambda _k, i: i == chosen):
        assert window.navigation.select(("meeting", chosen))  # its folder is read on a worker ...
        window._navigation_loaded(navigation)  # ... when a sync pass's navigation read arrives
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    assert (window.agenda.kind, window.agenda.object_id) == ("meeting", chosen)
    assert window.navigation.current_key() == ("meeting", chosen)


@contextmanager
def _hold_first(window: MainWindow, wanted: Callable[[Any], bool]) -> Iterator[list[tuple[Any, Any]]]:
    """The first job for the window's workers that ``wanted`` picks is held back (the others run): a
    read that began before those that follow it, landed by :func:`_land` after them (the workers are
    several threads; under load they finish in any order)."""
    held: list[tuple[Any, Any]] = []
    real = window.workers.submit

    def submit(job: Any, on_done: Any = None, on_error: Any = None) -> None:
        if not held and wanted(job):
            held.append((job, on_done))
            return
        real(job, on_done, on_error)

    window.workers.submit = submit  # type: ignore[method-assign]
    try:
        yield held
    finally:
        del window.workers.submit


def _land(paths: DataPaths, held: list[tuple[Any, Any]]) -> None:
    """Run the held job on the replica now and hand its result to its callback, as the workers would."""
    assert len(held) == 1, "the job was submitted and held"
    job, on_done = held.pop()
    with open_store(paths) as store:
        result = job(store)
    if on_done is not None:
        on_done(result)


def _reads_document(job: Any) -> bool:
    return "read_document" in getattr(getattr(job, "__code__", None), "co_names", ())


def _finds_file(job: Any) -> bool:
    return getattr(job, "__qualname__", "").startswith("find_file.")


def test_a_navigation_read_that_lands_after_a_newer_one_is_dropped(
    make_window: Callable[..., MainWindow], replica: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    """Two sync passes close together: the first pass's navigation read may land after the second's. It
    shows the replica as it was before the second pass, so it is dropped (it emptied the navigation
    when the first read was the one at start, before the first sync)."""
    window = make_window(replica)
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    meetings = window.navigation.meeting_ids()
    assert meetings
    with _hold_first(window, lambda job: job is load_navigation) as held:
        window.refresh()  # the first pass's read: held back
        with qtbot.waitSignal(window.navigationLoaded, timeout=WAIT):
            window.refresh()  # the second pass's read lands first
    fresh = window.navigation_data
    assert fresh is not None
    job = held[0][0]
    empty = replace(fresh, bodies=(), efiles=(), next_meeting=None, upcoming=frozenset())
    held[0] = (lambda store: (empty, *job(store)[1:]), held[0][1])  # the replica before the first sync
    _land(replica, held)
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    assert window.navigation_data is fresh
    assert window.navigation.meeting_ids() == meetings


def test_choosing_the_e_file_again_while_a_meeting_loads_shows_the_e_file(
    make_window: Callable[..., MainWindow], gui_world: GuiWorld, tmp_path: Path, qtbot: Any
) -> None:
    """The e-file is on screen; the user chooses a meeting and, before it is shown, the e-file again:
    the e-file stays (the agenda still showing it did not mean that it was the last choice)."""
    window = make_window(gui_world.replica(tmp_path))
    efile = str(gui_world.world.ids["shared_efile"])
    meeting = str(gui_world.ids["past_meeting"])
    with qtbot.waitSignal(
        window.folderShown, timeout=WAIT, check_params_cb=lambda k, i: (k, i) == ("efile", efile)
    ):
        assert window.navigation.select(("efile", efile))
    assert window.navigation.select(("meeting", meeting))  # read on a worker: it cannot land before ...
    assert window.navigation.select(("efile", efile))  # ... the e-file is chosen again
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    assert (window.agenda.kind, window.agenda.object_id) == ("efile", efile)
    assert window.navigation.current_key() == ("efile", efile)


def test_an_e_file_whose_read_failed_is_read_again_when_chosen_again(
    make_window: Callable[..., MainWindow], gui_world: GuiWorld, tmp_path: Path, qtbot: Any
) -> None:
    """The read of the e-file chosen fails (reported; the agenda keeps the meeting it showed): choosing
    the e-file again (a process of it in the navigation, the history) reads it again, instead of taking
    it for the e-file shown or on its way (the agenda stayed on the meeting until the next sync)."""
    window = make_window(gui_world.replica(tmp_path))
    efile = str(gui_world.world.ids["shared_efile"])
    shown = (window.agenda.kind, window.agenda.object_id)
    assert shown[0] == "meeting"
    reporter = error_reporter.reporter()
    real = window.workers.submit

    def fail_the_e_file(job: Any, on_done: Any = None, on_error: Any = None) -> None:
        def locked(_store: Any) -> Any:
            raise ReplicaLocked()

        efile_read = getattr(job, "__qualname__", "").startswith("load_efile.")
        real(locked if efile_read else job, on_done, on_error)

    window.workers.submit = fail_the_e_file  # type: ignore[method-assign]
    try:
        with qtbot.waitSignal(reporter.reported, timeout=WAIT):
            window.folders.show_efile(efile)
    finally:
        del window.workers.submit
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    assert (window.agenda.kind, window.agenda.object_id) == shown
    window.folders.show_efile(efile)  # asked for again: read again (no read: the wait ends at once)
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    assert (window.agenda.kind, window.agenda.object_id) == ("efile", efile)
    reporter.close_all()


def test_a_tab_shows_the_version_read_last_whatever_order_the_reads_land_in(
    make_window: Callable[..., MainWindow], replica: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    """A tab still opening is asked for another version (a sync pass found new content, the user chose
    the new version): the read of the first one may land after the second's; the tab keeps the second."""
    window = make_window(replica)
    first = next(e for e in window.agenda.files() if e.id == str(gui_world.world.ids["public_file"]))
    other = next(e for e in window.agenda.files() if e.id == str(gui_world.ids["rich_file"]))
    with _hold_first(window, _reads_document) as held:
        tab = window.open_file(first)
    assert tab is not None and not tab.is_loaded
    window.documents.retarget(tab, other)  # as DocumentVersions does before it reads the other version
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT):
        window.opening.load_into(tab, other.id, 1)
    view = cast(FakeDocumentView, tab.view)
    assert view.key == document_key(other)
    _land(replica, held)  # the first read lands last
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    assert tab.entry.id == other.id and view.key == document_key(other) and view.page == 1


def test_a_hit_in_a_document_still_opening_opens_it_at_the_hit(
    make_window: Callable[..., MainWindow], replica: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    """The user opens a document and, before it is shown, a search hit on page 3 of it: it opens at the
    hit with the words highlighted, not where the first read would have opened it."""
    window = make_window(replica)
    entry = next(e for e in window.agenda.files() if e.id == str(gui_world.ids["rich_file"]))
    with _hold_first(window, _reads_document) as held:
        tab = window.open_file(entry)
    assert tab is not None and not tab.is_loaded
    assert window.open_file(entry, page=2, query="Größe") is tab
    _land(replica, held)  # the first read lands first (the hit's read is still under way)
    qtbot.waitUntil(lambda: window.workers.pending == 0 and tab.is_loaded, timeout=WAIT)
    view = cast(FakeDocumentView, tab.view)
    assert view.page == 2 and ("highlight", "Größe", 2) in view.calls


def test_two_hits_open_in_the_order_chosen_whatever_order_their_look_ups_land_in(
    make_window: Callable[..., MainWindow], replica: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    """Two hits opened one after the other: the second is in front, although the first one's look-up
    (on another worker thread) lands after the second's."""
    window = make_window(replica)
    first, second = str(gui_world.world.ids["public_file"]), str(gui_world.ids["rich_file"])
    with _hold_first(window, _finds_file) as held:
        window.open_hit(first, 0, "Größe")
    window.open_hit(second, 1, "Größe")
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    _land(replica, held)
    qtbot.waitUntil(
        lambda: (
            window.workers.pending == 0 and len([t for t in window.documents.all_tabs() if t.is_loaded]) == 2
        ),
        timeout=WAIT,
    )
    current = window.documents.current_tab()
    assert current is not None and current.entry.id == second


def test_a_look_up_whose_follow_up_raises_does_not_hold_up_those_behind_it(
    make_window: Callable[..., MainWindow], replica: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    """The file look-ups are followed in the order asked for: one that landed waits for those before it.
    When following the first raises, the one behind it (landed already) is still followed, not left
    waiting for the next look-up to land (a hit or a step in the history that never opened)."""
    window = make_window(replica)
    first, second = str(gui_world.world.ids["public_file"]), str(gui_world.ids["rich_file"])
    followed: list[str | None] = []

    def broken(_entry: Any) -> None:
        raise RuntimeError("the follow-up of the first look-up failed")

    with _hold_first(window, _finds_file) as held:
        window.opening.when_found(first, broken)
    window.opening.when_found(second, lambda entry: followed.append(entry.id if entry else None))
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    assert followed == []  # landed, waiting for the first
    with pytest.raises(RuntimeError, match="follow-up of the first"):
        _land(replica, held)  # the first lands last; following it raises
    assert followed == [second]


def test_agenda_marks_non_public_items_and_lists_their_documents(
    make_window: Callable[..., MainWindow], replica: DataPaths, gui_world: GuiWorld
) -> None:
    window = make_window(replica)
    ids = gui_world.world.ids
    rows = _agenda_rows(window)
    assert rows[0][0] == "Meeting documents"
    assert ("TOP 1  Öffentlicher Punkt", "") in rows
    assert ("TOP N1  Grundstücksgeheimnis", "not public") in rows
    private = next(r for r in range(len(rows)) if rows[r][0].startswith("TOP N1"))
    index = window.agenda.model_.index(private, 1)
    assert not window.agenda.model_.itemFromIndex(index).icon().isNull()
    assert "not public" in window.agenda.model_.index(private, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    listed = {e.id for e in window.agenda.files()}
    assert {str(ids["private_file"]), str(ids["private_item_file"]), str(ids["public_file"])} <= listed
    assert str(gui_world.ids["rich_file"]) in listed


def test_badges_go_from_new_to_unread_to_read(
    make_window: Callable[..., MainWindow], gui_world: GuiWorld, tmp_path: Path, qtbot: Any
) -> None:
    paths = gui_world.replica(tmp_path)
    window = make_window(paths)
    file_id = str(gui_world.world.ids["public_file"])
    assert window.agenda.badge_of(file_id) is Badge.NEW
    _show_meeting(qtbot, window, gui_world.ids["past_meeting"])  # moving on: the agenda was seen
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    _show_meeting(qtbot, window, gui_world.world.ids["published_meeting"])
    assert window.agenda.badge_of(file_id) is Badge.UNREAD
    tab = _open(qtbot, window, file_id)
    assert window.agenda.badge_of(file_id) is Badge.READ
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    with open_store(paths) as store:
        entry = tab.entry
        assert ReadState(store.db).badge(entry) is Badge.READ
    # the badge column shows the text a screen reader reads
    for index in window.agenda._indexes():
        if index.data(FILE_ROLE) is not None and index.data(FILE_ROLE).id == file_id:
            badge_index = index.siblingAtColumn(1)
            assert badge_index.data(BADGE_ROLE) is Badge.READ and badge_index.data() == ""


def test_documents_seen_are_not_new_when_their_folder_is_read_before_the_mark_is_written(
    make_window: Callable[..., MainWindow], gui_world: GuiWorld, tmp_path: Path, qtbot: Any
) -> None:
    """Moving on marks the agenda's documents seen, on a worker; going back at once reads the folder on
    the other worker, which may finish first: the documents are not new any more all the same."""
    paths = gui_world.replica(tmp_path)
    window = make_window(paths)
    file_id = str(gui_world.world.ids["public_file"])
    assert window.agenda.badge_of(file_id) is Badge.NEW
    with _hold_first(window, lambda job: "mark_listed" in job.__code__.co_names) as held:
        _show_meeting(qtbot, window, gui_world.ids["past_meeting"])  # the mark: held back
    _show_meeting(qtbot, window, gui_world.world.ids["published_meeting"])  # read before the mark
    assert window.agenda.badge_of(file_id) is Badge.UNREAD
    _land(paths, held)
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    _show_meeting(qtbot, window, gui_world.ids["past_meeting"])
    _show_meeting(qtbot, window, gui_world.world.ids["published_meeting"])
    assert window.agenda.badge_of(file_id) is Badge.UNREAD  # and so they are in the replica


def test_a_document_opens_in_a_tab_and_remembers_its_page(
    make_window: Callable[..., MainWindow], replica: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    window = make_window(replica)
    file_id = gui_world.ids["rich_file"]
    tab = _open(qtbot, window, file_id)
    view = tab.view
    assert isinstance(view, FakeDocumentView)
    assert view.key == f"{file_id}@{tab.entry.sha256}" and view.data.startswith(b"%PDF")
    assert window.documents.left.currentWidget() is tab
    assert window.documents.left.tabText(window.documents.left.indexOf(tab)) == "rich_file"
    view.go_to_page(2)
    window.documents.close_current()  # flushes the page at once
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    tab = _open(qtbot, window, file_id)
    assert tab.view.page == 2  # type: ignore[attr-defined]
    # the views' side panels are docked
    assert window.thumbnails.currentWidget() is tab.view.thumbnails_widget()
    assert window.outline.currentWidget() is tab.view.outline_widget()


def test_split_view_shows_a_paper_beside_its_attachment_and_ctrl_tab_switches(
    make_window: Callable[..., MainWindow], replica: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    window = make_window(replica)
    ids = gui_world.world.ids
    paper = _open(qtbot, window, ids["public_file"])
    attachment = _open(qtbot, window, gui_world.ids["rich_file"], beside=True)
    documents = window.documents
    assert documents.left.indexOf(paper) >= 0 and documents.right.indexOf(attachment) >= 0
    assert documents.right.isVisible() and window.actions_["split"].isChecked()
    # two more on the left; Ctrl+Tab / Ctrl+Shift+Tab cycle there
    documents.left.setFocus()
    qtbot.waitUntil(lambda: documents.active is documents.left, timeout=WAIT)
    _open(qtbot, window, ids["invitation_file"])
    _open(qtbot, window, ids["private_file"])
    assert documents.left.count() == 3
    with qtbot.waitActive(window, timeout=WAIT):
        window.activateWindow()
    start = documents.left.currentIndex()
    qtbot.keyClick(window, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert documents.left.currentIndex() == (start + 1) % 3
    qtbot.keyClick(
        window, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert documents.left.currentIndex() == start
    # Ctrl+W closes the current one; closing the last on the right folds the split view
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert documents.left.count() == 2
    documents.close_tab(documents.right, 0)
    assert not documents.right.isVisible() and not window.actions_["split"].isChecked()


def test_search_hit_opens_the_document_at_the_page_with_the_words_highlighted(
    make_window: Callable[..., MainWindow], replica: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    window = make_window(replica)
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT) as blocker:
        window.open_hit(str(gui_world.ids["rich_file"]), 1, "Größe")
    view = blocker.args[0].view
    assert ("highlight", "Größe", 1) in view.calls and view.page == 1


def test_search_panel_hit_opens_the_document(
    qtbot: Any, replica: DataPaths, gui_world: GuiWorld, preferences: Preferences, fake_views: Any
) -> None:
    search_panel = pytest.importorskip("gremalda.ui.search_panel")
    window = MainWindow(replica, preferences=preferences, view_factory=fake_views, sync=False)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    assert isinstance(window.search_panel, search_panel.SearchPanel)
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT) as blocker:
        window.search_panel.openHit.emit(str(gui_world.ids["rich_file"]), 2, "Maß")  # type: ignore[attr-defined]
    assert ("highlight", "Maß", 2) in blocker.args[0].view.calls


def test_night_mode_zoom_find_and_back(
    make_window: Callable[..., MainWindow], replica: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    window = make_window(replica)
    tab = _open(qtbot, window, gui_world.ids["rich_file"])
    view: FakeDocumentView = tab.view  # type: ignore[assignment]
    window.actions_["night"].trigger()
    assert view.night and window.night_mode
    window.actions_["zoom_in"].trigger()
    assert view.zoom == ("percent", 110.0)
    window.actions_["fit_page"].trigger()
    assert view.zoom == ("fit-page", None)
    window.actions_["find"].trigger()
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.field, "Maß")
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)
    qtbot.keyClick(window.find_bar.field, Qt.Key.Key_Return)
    assert view.calls[-2:] == [("find", "Maß"), ("find_next",)]
    # back (Alt+Left) to the document, then to the meeting shown before; forward again
    _show_meeting(qtbot, window, gui_world.ids["past_meeting"])
    with qtbot.waitActive(window, timeout=WAIT):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.documents.current_tab() is tab
    with qtbot.waitSignal(window.folderShown, timeout=WAIT):
        qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert window.agenda.object_id == str(gui_world.world.ids["published_meeting"])
    assert not window.actions_["back"].isEnabled()
    window.actions_["forward"].trigger()
    assert window.documents.current_tab() is tab


# --- sync --------------------------------------------------------------------------------------------------


def test_sync_runs_in_the_background_and_the_status_bar_and_notice_follow(
    make_window: Callable[..., MainWindow], gui_world: GuiWorld, tmp_path: Path, qtbot: Any
) -> None:
    paths = gui_world.replica(tmp_path)
    bridge_calls: list[str] = []
    started = threading.Event()
    release = threading.Event()

    def slow_synchronise(*args: Any, **kwargs: Any) -> Any:
        from gremalda.core.syncing import synchronise

        bridge_calls.append(threading.current_thread().name)
        started.set()
        release.wait(600)  # released by the test (the bound only keeps a broken test from hanging)
        return synchronise(*args, **kwargs)

    # without the push channel: the file added below would announce itself and start a second pass
    bridge = SyncBridge(paths, interval=3600, run=slow_synchronise, push_channel=False)
    window = make_window(paths, sync_bridge=bridge)
    new_id = gui_world.add_file(
        rich_pdf("Nachtrag"), "Nachtrag", paper_id=gui_world.world.ids["public_paper"]
    )
    # the GUI thread keeps running while the pass waits on the sync thread
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(10)
    qtbot.waitUntil(started.is_set, timeout=WAIT)
    # ten ticks and the activity shown while the pass is still held on its thread (ten ticks: not within
    # 300 ms, which a loaded machine may miss)
    qtbot.waitUntil(lambda: len(ticks) >= 10 and window.status_bar.activity.isVisible(), timeout=WAIT)
    with qtbot.waitSignal(bridge.finished, timeout=WAIT) as blocker:
        release.set()
    timer.stop()
    result = blocker.args[0]
    assert bridge_calls == ["sync-background"]
    assert str(new_id) in result.arrivals.new
    assert window.status_bar.connection.text() == "Online"
    assert window.notice.isVisible() and "1 new document arrived." in window.notice.text()
    qtbot.waitUntil(lambda: window.status_bar.last_sync.text().startswith("Last sync: "), timeout=WAIT)
    assert not window.status_bar.progress_bar.isVisible()
    # the agenda was refreshed: the new document is listed, badged new
    qtbot.waitUntil(lambda: window.agenda.badge_of(str(new_id)) is Badge.NEW, timeout=WAIT)


def test_an_unreachable_server_shows_offline_without_a_dialog(
    make_window: Callable[..., MainWindow], gui_world: GuiWorld, tmp_path: Path, qtbot: Any
) -> None:
    paths = gui_world.replica(tmp_path)
    reporter = error_reporter.reporter()

    def offline(*_args: Any, **_kwargs: Any) -> Any:
        raise SyncFailed("The server cannot be reached.")

    bridge = SyncBridge(paths, interval=3600, run=offline)
    window = make_window(paths, sync_bridge=bridge)
    qtbot.waitUntil(lambda: window.status_bar.connection.text() == "Offline", timeout=WAIT)
    assert reporter.dialogs == {}
    # asked for (F5): then the error is also shown, once
    with qtbot.waitSignal(reporter.reported, timeout=WAIT):
        window.actions_["sync"].trigger()
    assert list(reporter.dialogs) == [SyncFailed]
    reporter.close_all()


# --- dialogs and errors ------------------------------------------------------------------------------------


def test_login_dialog_shows_a_wrong_password_inline_then_signs_in(
    qtbot: Any, gui_world: GuiWorld, tmp_path: Path
) -> None:
    paths = data_paths(tmp_path / "new-client")
    dialog = LoginDialog(paths)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.server.setText(gui_world.server.url)
    dialog.user.setText("member")
    dialog.password.setText("wrong password")
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=WAIT)
    assert "Not signed in" in dialog.error.text() or "password" in dialog.error.text().lower()
    assert (dialog.isVisible() and dialog.password.hasFocus()) or dialog.password.selectedText()
    dialog.password.setText("pw-secret-1")
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT):
        dialog.ok.click()
    with open_store(paths) as store:
        assert store.state("username") == "member"


def test_a_sign_in_that_ends_after_its_dialog_is_gone_is_dropped_quietly(qtbot: Any, tmp_path: Path) -> None:
    """The window closes, and its sign-in dialog with it, while the server is still answering: the answer
    has no one to tell and is dropped (it raised on the sign-in thread, an error at quitting)."""
    release = threading.Event()

    def slow_sign_in(*_args: Any, **_kwargs: Any) -> None:
        release.wait(600)  # released by the test (the bound only keeps a broken test from hanging)

    dialog = LoginDialog(data_paths(tmp_path / "new-client"), signer=slow_sign_in)
    dialog.server.setText("http://127.0.0.1:9")
    dialog.user.setText("member")
    dialog.password.setText("pw")
    dialog.ok.click()
    thread = dialog._thread
    assert thread is not None and dialog.signing_in
    raised: list[threading.ExceptHookArgs] = []
    hook = threading.excepthook
    threading.excepthook = raised.append
    try:
        shiboken6.delete(dialog)  # the dialog is gone (its window closed) ...
        release.set()  # ... before the answer comes
        thread.join(WAIT / 1000)
    finally:
        threading.excepthook = hook
    assert not thread.is_alive()
    assert [str(r.exc_value) for r in raised] == []


def test_settings_dialog_saves_preferences(qtbot: Any, preferences: Preferences, tmp_path: Path) -> None:
    dialog = SettingsDialog(preferences, data_paths(tmp_path))
    qtbot.addWidget(dialog)
    dialog.interval.setValue(12)
    dialog.night.setChecked(True)
    dialog.language.setCurrentIndex(dialog.language.findData("de"))
    dialog.accept()
    assert (preferences.sync_interval_minutes, preferences.night_mode, preferences.language) == (
        12,
        True,
        "de",
    )
    assert dialog.data_dir.text() == str(data_paths(tmp_path).root)


def test_one_dialog_per_error_type_from_any_thread(qtbot: Any) -> None:
    reporter = error_reporter.reporter()
    try:
        with qtbot.waitSignal(reporter.reported, timeout=WAIT):
            reporter.report(SyncFailed())
        with qtbot.waitSignal(reporter.reported, timeout=WAIT):
            thread = threading.Thread(target=lambda: reporter.report(SyncFailed("again")))
            thread.start()
        thread.join()
        assert list(reporter.dialogs) == [SyncFailed] and reporter.repeats[SyncFailed] == 1
        with qtbot.waitSignal(reporter.reported, timeout=WAIT):
            reporter.report(KeyringUnavailable())
        with qtbot.waitSignal(reporter.reported, timeout=WAIT):
            reporter.report(ValueError("a bug"))
        from gremalda.errors import InternalError

        assert set(reporter.dialogs) == {SyncFailed, KeyringUnavailable, InternalError}
        box = reporter.dialogs[KeyringUnavailable]
        assert box.windowTitle() == "No keyring available" and "keyring" in box.text()
        assert "ValueError: a bug" in (reporter.dialogs[InternalError].detailedText() or "")
    finally:
        reporter.close_all()


def test_uncaught_exceptions_reach_the_reporter(qtbot: Any) -> None:
    import sys

    reporter = error_reporter.reporter()
    reporter.install()
    try:
        with qtbot.waitSignal(reporter.reported, timeout=WAIT) as blocker:
            thread = threading.Thread(target=lambda: (_ for _ in ()).throw(KeyringUnavailable()))
            thread.start()
            thread.join()
        assert isinstance(blocker.args[0], KeyringUnavailable)
        with qtbot.waitSignal(reporter.reported, timeout=WAIT) as blocker:
            sys.excepthook(SyncFailed, SyncFailed("x"), None)
        assert isinstance(blocker.args[0], SyncFailed)
    finally:
        reporter.uninstall()
        reporter.close_all()


# --- language and accessibility ----------------------------------------------------------------------------


def test_german_when_the_locale_is_german(
    qtbot: Any, replica: DataPaths, preferences: Preferences, fake_views: Any
) -> None:
    assert qm_path("de").exists()
    try:
        assert install_translations(None, QLocale("de_DE")) == "de"
        window = MainWindow(replica, preferences=preferences, view_factory=fake_views, sync=False)
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        menus = [a.text() for a in window.menuBar().actions()]
        assert menus[:3] == ["&Datei", "D&okument", "&Ansicht"]  # Alt+D is Datei
        assert window.actions_["sync"].text() == "&Jetzt synchronisieren"
        assert window.status_bar.last_sync.text() == "Noch nicht synchronisiert"
        with qtbot.waitSignal(window.folderShown, timeout=WAIT):
            window.start()
        assert ("TOP N1  Grundstücksgeheimnis", "nicht öffentlich") in _agenda_rows(window)
        # Qt's own strings too
        assert QApplication.translate("QPlatformTheme", "&Yes") == "&Ja"
        assert (
            window.actions_["close_tab"].shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            == "Strg+W"
        )
    finally:
        assert install_translations("en") == "en"


def _unnamed_focusable(root: QWidget) -> list[str]:
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) or widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if widget.accessibleName():
            continue
        text = widget.text() if isinstance(widget, QAbstractButton | QLabel) else ""
        if text and text.strip():
            continue
        parent = widget.parentWidget()
        if isinstance(parent, QAbstractSpinBox | QComboBox) and parent.accessibleName():
            continue  # the editor inside a named spin box or combo box
        missing.append(
            f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parentWidget()).__name__}"
        )
    return missing


def test_every_focusable_control_has_an_accessible_name(
    make_window: Callable[..., MainWindow],
    replica: DataPaths,
    gui_world: GuiWorld,
    qtbot: Any,
    tmp_path: Path,
) -> None:
    window = make_window(replica)
    _open(qtbot, window, gui_world.ids["rich_file"])
    _open(qtbot, window, gui_world.world.ids["public_file"], beside=True)
    window.find_bar.open_bar()
    window.notice.show_notice("1 new document arrived.")
    for dock in (window.search_dock, window.outline_dock):
        dock.show()
    assert _unnamed_focusable(window) == []
    for dialog in (LoginDialog(data_paths(tmp_path)), SettingsDialog(window.preferences, replica, window)):
        qtbot.addWidget(dialog)
        dialog.show()
        assert _unnamed_focusable(dialog) == []
        dialog.close()


def test_every_action_has_a_shortcut_or_a_menu_entry(
    make_window: Callable[..., MainWindow], replica: DataPaths
) -> None:
    window = make_window(replica)
    in_menus = {a for menu in window.menuBar().findChildren(QMenu) for a in menu.actions()}
    for name, action in window.actions_.by_name.items():
        assert action in in_menus, name
    shortcuts = {name: a.shortcut().toString() for name, a in window.actions_.by_name.items()}
    assert shortcuts["find"] == "Ctrl+F" and shortcuts["search_all"] == "Ctrl+Shift+F"
    assert (
        shortcuts["sync"] == "F5" and shortcuts["close_tab"] == "Ctrl+W" and shortcuts["back"] == "Alt+Left"
    )
    assert "Ctrl++" in [s.toString() for s in window.actions_["zoom_in"].shortcuts()]
    assert shortcuts["next_tab"] == "Ctrl+Tab"


# --- translation files ----------------------------------------------------------------------------------

I18N = Path(__file__).resolve().parents[2] / "gremalda" / "resources" / "i18n"


def _tool(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


@pytest.mark.parametrize("language", ["de", "en"])
def test_compiled_translations_are_up_to_date(language: str, tmp_path: Path) -> None:
    compiled = tmp_path / f"gremalda_{language}.qm"
    subprocess.run(
        [_tool("pyside6-lrelease"), "-silent", str(I18N / f"gremalda_{language}.ts"), "-qm", str(compiled)],
        check=True,
    )
    assert compiled.read_bytes() == (I18N / f"gremalda_{language}.qm").read_bytes(), "run: make i18n"


def test_every_string_of_the_window_has_a_german_translation(tmp_path: Path) -> None:
    """All of gremalda/ui (the viewer's and the search panel's strings too); `make i18n` collects new
    strings into the .ts file, pyside6-linguist translates them."""
    collected = tmp_path / "gremalda_de.ts"
    shutil.copy(I18N / "gremalda_de.ts", collected)
    ui = Path(__file__).resolve().parents[2] / "gremalda" / "ui"
    subprocess.run(
        [
            _tool("pyside6-lupdate"),
            "-silent",
            "-extensions",
            "py",
            "-locations",
            "none",
            str(ui),
            "-ts",
            str(collected),
        ],
        check=True,
    )
    untranslated = []
    for context in ElementTree.parse(collected).getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            kind = translation.get("type")
            if kind in ("obsolete", "vanished"):
                continue
            empty = not (translation.text or "").strip() and not any(
                (f.text or "").strip() for f in translation
            )
            if kind == "unfinished" or empty:
                untranslated.append(f"[{context.findtext('name')}] {message.findtext('source')}")
    assert untranslated == [], "untranslated (make i18n, then pyside6-linguist):\n" + "\n".join(untranslated)


# --- with the real document view -----------------------------------------------------------------------


def test_the_real_viewer_shows_a_document_beside_another_and_remembers_the_page(
    qtbot: Any, gui_world: GuiWorld, tmp_path: Path, preferences: Preferences
) -> None:
    pytest.importorskip("gremalda.ui.viewer.document_view")
    paths = gui_world.replica(tmp_path)
    window = MainWindow(paths, preferences=preferences, sync=False)
    qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
    window.resize(1300, 850)
    window.show()
    with qtbot.waitSignal(window.folderShown, timeout=WAIT):
        window.start()
    rich = next(e for e in window.agenda.files() if e.id == str(gui_world.ids["rich_file"]))
    with qtbot.waitSignal(window.documents.documentLoaded, timeout=WAIT) as blocker:
        window.open_file(rich)
    tab, info = blocker.args
    assert info.error is None and info.page_count == 3
    assert window.thumbnails.currentWidget() is tab.panels["thumbnails"]
    paper = next(e for e in window.agenda.files() if e.id == str(gui_world.world.ids["public_file"]))
    with qtbot.waitSignal(window.documents.documentLoaded, timeout=WAIT):
        window.open_file(paper, beside=True)
    assert window.documents.right.count() == 1 and window.documents.left.count() == 1
    window.actions_["night"].trigger()
    assert all(t.view.night_mode() for t in window.documents.all_tabs())  # type: ignore[attr-defined]
    tab.view.go_to_page(1)
    qtbot.waitUntil(lambda: tab.view.current_page() == 1, timeout=WAIT)
    window.documents.close_tab(window.documents.left, 0)
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    with open_store(paths) as store:
        assert ReadState(store.db).last_page(rich.id) == 1


def test_typing_in_the_search_panel_and_enter_opens_the_hit_highlighted(
    make_window: Callable[..., MainWindow], replica: DataPaths, qtbot: Any
) -> None:
    pytest.importorskip("gremalda.ui.search_panel")
    window = make_window(replica)
    panel: Any = window.search_panel
    with qtbot.waitActive(window, timeout=WAIT):
        window.activateWindow()
    qtbot.keyClick(
        window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert window.search_dock.isVisible()
    qtbot.waitUntil(lambda: panel.query_edit.hasFocus(), timeout=WAIT)
    with qtbot.waitSignal(panel.searchFinished, timeout=WAIT):
        panel.set_query("Haushaltsplan Ausschuss")
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT) as blocker:
        qtbot.keyClick(panel.query_edit, Qt.Key.Key_Return)
    view = blocker.args[0].view
    highlights = [c for c in view.calls if c[0] == "highlight"]
    assert highlights and highlights[0][1] == "Haushaltsplan Ausschuss"


def test_f6_moves_the_focus_through_the_areas(
    make_window: Callable[..., MainWindow], replica: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    window = make_window(replica)
    _open(qtbot, window, gui_world.ids["rich_file"])
    with qtbot.waitActive(window, timeout=WAIT):
        window.activateWindow()
    window.navigation.setFocus()
    qtbot.waitUntil(window.navigation.hasFocus, timeout=WAIT)
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert window.agenda.tree.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_F6)
    focus = QApplication.focusWidget()
    assert focus is not None and window.documents.left.isAncestorOf(focus)
    qtbot.keyClick(window, Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert window.agenda.tree.hasFocus()
    # Enter on a document in the agenda opens it; Ctrl+Enter beside
    assert window.agenda.select_file(str(gui_world.world.ids["public_file"]))
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT):
        qtbot.keyClick(window.agenda.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.documents.right.count() == 1


def test_a_sign_in_that_has_ended_asks_for_the_password_again(
    make_window: Callable[..., MainWindow], replica: DataPaths, qtbot: Any
) -> None:
    from gremalda.errors import NotSignedIn

    def ended(*_args: Any, **_kwargs: Any) -> Any:
        raise NotSignedIn("The server ended this device's sign-in.")

    window = make_window(replica, sync_bridge=SyncBridge(replica, interval=3600, run=ended))
    qtbot.waitUntil(lambda: window.findChild(LoginDialog) is not None, timeout=WAIT)
    dialog = window.findChild(LoginDialog)
    assert (
        dialog is not None and dialog.user.text() == "member" and dialog.server.text().startswith("http://")
    )
    assert dialog.password.hasFocus() or not dialog.password.text()
    dialog.reject()


def test_signed_in_tells_a_fresh_data_directory_from_a_replica(replica: DataPaths, tmp_path: Path) -> None:
    from gremalda.ui.app import signed_in

    assert signed_in(replica)
    assert not signed_in(data_paths(tmp_path / "nothing-here"))


def test_the_first_sync_after_signing_in_fills_the_window(
    make_window: Callable[..., MainWindow], gui_world: GuiWorld, tmp_path: Path, qtbot: Any
) -> None:
    from gremalda.core.account import sign_in
    from tests.integration.world import PASSWORD

    paths = data_paths(tmp_path / "first-run")
    sign_in(paths, gui_world.server.url, "member", PASSWORD, device_name="pytest-gui")
    window = make_window(paths, sync=True, show_next=False)
    assert window.agenda.kind is None  # nothing synchronised yet
    with qtbot.waitSignal(window.folderShown, timeout=WAIT):
        pass  # the first pass brings the meetings; the window shows the next one
    assert window.agenda.object_id == str(gui_world.world.ids["published_meeting"])
    assert "new documents arrived." in window.notice.text()


def test_a_window_that_does_not_synchronise_says_so_instead_of_offline(
    make_window: Callable[..., MainWindow], gui_world: GuiWorld, tmp_path: Path
) -> None:
    window = make_window(gui_world.replica(tmp_path), sync=False)
    assert window.status_bar.connection.text() == "Synchronisation off"
    assert window.status_bar.online is None and not window.actions_["sync"].isEnabled()
