"""OParl sources in the desktop client: the dialog adds a source from the fixture server (a subset of
the real Hürtgenwald crawl on a loopback port) off the GUI thread, its meetings appear in the navigation
marked as OParl, opening a meeting fetches its files, removing the source removes its meetings, a bad
address is told in the dialog; the background sync of a replica of OParl sources only asks for no
sign-in. Run under `.ci/with-keyring`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from gremalda.core.account import sign_out
from gremalda.core.oparl import add_source, list_sources
from gremalda.paths import DataPaths, data_paths
from gremalda.store.oparl_replica import OParlStoreReplica
from gremalda.store.replica import open_store
from gremalda.ui.main_window import MainWindow
from gremalda.ui.navigation_tree import ID_ROLE, KIND_ROLE
from gremalda.ui.oparl_dialog import OParlDialog
from gremalda.ui.preferences import Preferences
from gremalda.ui.sync_bridge import SyncBridge, SyncResult
from tests.gui.conftest import FakeDocumentView
from tests.harness.oparlfixture import OParlFixture, data_missing_reason

pytestmark = pytest.mark.skipif(data_missing_reason() is not None, reason=str(data_missing_reason()))

WAIT = 300_000  # ms: a crawl takes seconds here, so minutes on a loaded CI machine; returns when done


@pytest.fixture(scope="module")
def fixture_server() -> Iterator[OParlFixture]:
    """The first page of each list of the crawl: a few seconds to import."""
    with OParlFixture(pages=1) as server:
        yield server


@pytest.fixture
def client(tmp_path: Path) -> Iterator[DataPaths]:
    paths = data_paths(tmp_path / "client")
    open_store(paths, create=True).close()  # an empty replica, no account
    yield paths
    sign_out(paths)


@pytest.fixture
def window(
    qtbot: Any, client: DataPaths, preferences: Preferences, fake_views: Callable[[QWidget], FakeDocumentView]
) -> Iterator[MainWindow]:
    win = MainWindow(client, preferences=preferences, view_factory=fake_views, sync=False)
    qtbot.addWidget(win, before_close_func=lambda w: w.shutdown())
    win.resize(1200, 800)
    with qtbot.waitExposed(win, timeout=WAIT):
        win.show()
    with qtbot.waitSignal(win.navigationLoaded, timeout=WAIT):
        win.start()
    yield win
    win.shutdown()


def _meetings(window: MainWindow) -> dict[str, str]:
    """Meeting ids in the navigation -> their tooltip."""
    found: dict[str, str] = {}
    model = window.navigation.model_

    def walk(parent: Any) -> None:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            if index.data(KIND_ROLE) == "meeting":
                found[str(index.data(ID_ROLE))] = str(index.data(Qt.ItemDataRole.ToolTipRole))
            walk(index)

    walk(model.index(-1, -1))
    return found


def _open_dialog(qtbot: Any, window: MainWindow) -> OParlDialog:
    window.actions_["oparl"].trigger()
    dialog = window.findChild(OParlDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=WAIT)
    return dialog


def _add(qtbot: Any, window: MainWindow, dialog: OParlDialog, url: str, files: str = "open") -> None:
    dialog.url.setText(url)
    dialog.files.setCurrentIndex(dialog.files.findData(files))
    with qtbot.waitSignal(window.navigationLoaded, timeout=WAIT):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        assert dialog.busy  # the first pass runs on a thread: the window goes on
        assert not dialog.add_button.isEnabled()


def _meeting_with_files(paths: DataPaths, meetings: list[str]) -> tuple[str, int]:
    with open_store(paths) as store:
        source = list_sources(paths)[0].id
        replica = OParlStoreReplica(store, source)
        for meeting_id in meetings:
            missing = len(replica.file_tasks(meeting_id))
            if missing:
                return meeting_id, missing
    raise AssertionError("no meeting with files in the subset")


def test_add_open_and_remove_a_source(
    qtbot: Any, window: MainWindow, client: DataPaths, fixture_server: OParlFixture
) -> None:
    assert window.actions_["oparl"].text().startswith("Add council information system")
    dialog = _open_dialog(qtbot, window)
    assert dialog.url.accessibleName() and dialog.add_button.accessibleName()
    _add(qtbot, window, dialog, fixture_server.system_url)
    assert not dialog.busy and not dialog.error.isVisible()
    assert dialog.status.text().startswith("Added")
    qtbot.waitUntil(lambda: dialog.sources.count() == 1, timeout=WAIT)

    meetings = _meetings(window)
    expected = len(fixture_server.meetings())
    assert len(meetings) == expected > 0
    assert all("OParl" in tip for tip in meetings.values())

    # opening a meeting fetches its files; meanwhile the agenda says they are being fetched
    # (the window may be fetching the files of the meeting it showed by itself: that ends first, so that
    # the meeting chosen here is one whose files are still to be fetched)
    qtbot.waitUntil(lambda: window.oparl_tasks.running == 0 and window.workers.pending == 0, timeout=WAIT)
    meeting_id, missing = _meeting_with_files(client, list(meetings))
    notes: list[str] = []  # every note the agenda showed: "Fetching" may show only for moments
    set_note = window.agenda.set_source_note

    def noted(text: str) -> None:
        notes.append(text)
        set_note(text)

    window.agenda.set_source_note = noted  # type: ignore[method-assign]
    try:
        with qtbot.waitSignal(
            window.oparlFilesFetched,
            timeout=WAIT,
            check_params_cb=lambda fetched_id, _e: fetched_id == meeting_id,
        ) as fetched:
            window.navigation.select(("meeting", meeting_id))
    finally:
        del window.agenda.set_source_note
    assert fetched.args == [meeting_id, None]
    assert any("Fetching" in note for note in notes), notes
    qtbot.waitUntil(lambda: sum(e.stored for e in window.agenda.files()) >= missing, timeout=WAIT)
    assert "read-only" in window.agenda.source_note.text()
    assert "Fetching" not in window.agenda.source_note.text()

    # removing the source removes its meetings
    dialog.sources.setCurrentRow(0)
    with qtbot.waitSignal(window.navigationLoaded, timeout=WAIT):
        qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert _meetings(window) == {}
    qtbot.waitUntil(lambda: dialog.sources.count() == 0, timeout=WAIT)
    assert list_sources(client) == []
    dialog.close()


def test_a_meeting_still_loading_when_its_files_arrive_shows_them(
    qtbot: Any, window: MainWindow, client: DataPaths, fixture_server: OParlFixture
) -> None:
    """The files of an OParl meeting are stored while the meeting just chosen is still being read (the
    read began before they were stored, and lands after): it is read again and shows them."""
    dialog = _open_dialog(qtbot, window)
    _add(qtbot, window, dialog, fixture_server.system_url, files="none")  # fetched below, not on opening
    dialog.close()
    qtbot.waitUntil(lambda: window.oparl_tasks.running == 0 and window.workers.pending == 0, timeout=WAIT)
    meeting_id, missing = _meeting_with_files(client, list(_meetings(window)))
    held: list[tuple[Callable[[Any], None], Any]] = []
    submit = window.workers.submit

    def read_now_land_later(job: Any, on_done: Any = None, on_error: Any = None) -> None:
        if not held and getattr(job, "__qualname__", "").startswith("load_meeting."):
            with open_store(client) as store:
                held.append((on_done, job(store)))  # the meeting read before its files are stored ...
            return
        submit(job, on_done, on_error)

    window.workers.submit = read_now_land_later  # type: ignore[method-assign]
    try:
        assert window.navigation.select(("meeting", meeting_id))
    finally:
        del window.workers.submit
    assert held, "the meeting was read"
    with qtbot.waitSignal(
        window.oparlFilesFetched,
        timeout=WAIT,
        check_params_cb=lambda fetched_id, _e: fetched_id == meeting_id,
    ) as fetched:
        window.oparl.fetch_meeting_files(meeting_id)
    assert fetched.args == [meeting_id, None]
    on_done, read_before = held[0]
    on_done(read_before)  # ... lands after they were stored
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    assert (window.agenda.kind, window.agenda.object_id) == ("meeting", meeting_id)
    assert sum(e.stored for e in window.agenda.files()) >= missing


def test_an_older_list_of_sources_landing_after_a_newer_one_is_dropped(
    qtbot: Any, window: MainWindow, client: DataPaths, fixture_server: OParlFixture
) -> None:
    """The dialog reads its list of sources on a thread per read: a read from before a source was added
    may land after the read that has it; the list keeps the source."""
    dialog = _open_dialog(qtbot, window)
    qtbot.waitUntil(lambda: dialog.tasks.running == 0, timeout=WAIT)
    held: list[Callable[[Any], None]] = []
    run = dialog.tasks.run

    def hold_the_list(name: str, task: Any, on_done: Any, on_error: Any) -> None:
        if name == "list" and not held:
            held.append(on_done)
            return
        run(name, task, on_done, on_error)

    before = list_sources(client)  # what that read found: no source yet
    assert before == []
    dialog.tasks.run = hold_the_list  # type: ignore[method-assign]
    try:
        dialog.reload()  # the read from before the source was added: held back
    finally:
        del dialog.tasks.run
    add_source(client, fixture_server.system_url)
    dialog.reload()
    qtbot.waitUntil(lambda: dialog.sources.count() == 1, timeout=WAIT)
    held[0](before)  # the older read lands last
    qtbot.waitUntil(lambda: dialog.tasks.running == 0, timeout=WAIT)
    assert dialog.sources.count() == 1
    dialog.close()


def test_a_bad_address_is_told_in_the_dialog(qtbot: Any, window: MainWindow, client: DataPaths) -> None:
    dialog = _open_dialog(qtbot, window)
    dialog.url.setText("not a url")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.error.isVisible(), timeout=WAIT)
    assert dialog.error.text()
    dialog.url.setText("http://127.0.0.1:9/oparl/system")  # nothing listens there
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.error.isVisible(), timeout=WAIT)
    assert dialog.error.text()
    assert list_sources(client) == []  # a source that could not be read is not kept
    dialog.close()


def test_the_background_sync_of_an_oparl_only_replica(
    qtbot: Any, client: DataPaths, fixture_server: OParlFixture
) -> None:
    add_source(client, fixture_server.system_url)
    own_passes: list[object] = []

    def own(*args: Any, **kwargs: Any) -> Any:
        own_passes.append(args)
        raise AssertionError("no own server to synchronise with")

    bridge = SyncBridge(client, interval=3600, run=own)
    try:
        with qtbot.waitSignal(bridge.finished, timeout=WAIT) as blocker:
            bridge.sync_now()
        result: SyncResult = blocker.args[0]
    finally:
        bridge.stop()
    assert own_passes == []
    assert result.outcome is None
    assert len(result.sources) == 1 and result.sources[0].error is None
    assert list_sources(client)[0].objects.get("meeting", 0) == len(fixture_server.meetings())
