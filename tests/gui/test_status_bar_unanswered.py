"""A hung server in the status bar: while a sync pass waits for an answer that does not come (the real
server on a loopback port behind the fault proxy's stall; a request stalls up to the client's read
timeout), the connection reads "Server not answering…" instead of "Online", the count of changes
waiting to be sent stays right, and "Online" is back as soon as the server answers (the proxy lets the
stalled request through). Real SQLCipher replica, keys in the OS keyring: run under `.ci/with-keyring`.
The tests set the status bar's wait to 0 ms: they wait for states, the stall holds until released.

Set GREMALDA_SHOTS to a folder to keep pictures of the status bar."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from gremalda.core.account import sign_in
from gremalda.core.annotations.records import Kind
from gremalda.core.syncing import SyncOutcome, synchronise
from gremalda.errors import SyncFailed
from gremalda.paths import DataPaths, data_paths
from gremalda.ui.main_window import MainWindow
from gremalda.ui.preferences import Preferences
from gremalda.ui.status_bar import StatusBar
from gremalda.ui.sync_bridge import SyncBridge
from sync.engine.report import Phase, Progress
from tests.gui.conftest import QUICK, FakeDocumentView, GuiWorld
from tests.harness.faultproxy import Fault, FaultProxy
from tests.integration.world import PASSWORD

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine


def _shot(widget: QWidget, name: str) -> None:
    folder = os.environ.get("GREMALDA_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))


@pytest.fixture
def proxy(gui_world: GuiWorld) -> Iterator[FaultProxy]:
    with FaultProxy(gui_world.server.url) as made:
        yield made


@pytest.fixture
def open_window(
    qtbot: Any, preferences: Preferences, fake_views: Callable[[QWidget], FakeDocumentView]
) -> Callable[[DataPaths, SyncBridge], MainWindow]:
    """The window on a signed-in replica with the test's sync bridge, shown and with its first folder."""

    def make(paths: DataPaths, bridge: SyncBridge) -> MainWindow:
        window = MainWindow(paths, preferences=preferences, view_factory=fake_views, sync_bridge=bridge)
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        window.resize(1300, 850)
        with qtbot.waitExposed(window, timeout=WAIT):
            window.show()
        with qtbot.waitSignal(window.folderShown, timeout=WAIT):
            window.start()
        return window

    return make


def test_a_hung_server_reads_not_answering_until_it_answers(
    qtbot: Any,
    gui_world: GuiWorld,
    proxy: FaultProxy,
    open_window: Callable[[DataPaths, SyncBridge], MainWindow],
    tmp_path: Path,
) -> None:
    paths = data_paths(tmp_path / "client")
    sign_in(paths, proxy.url, "member", PASSWORD, device_name="pytest-unanswered")
    synchronise(paths, retry=QUICK)
    # without the push channel: its connection through the stalled proxy would hold the first pass
    bridge = SyncBridge(paths, interval=3600, push_channel=False)
    window = open_window(paths, bridge)
    try:
        status_bar = window.status_bar
        model = window.annotations.model
        qtbot.waitUntil(lambda: model.ready and status_bar.connection.text() == "Online", timeout=WAIT)
        assert not status_bar.waiting
        _shot(status_bar, "status_online")

        # the server hangs: every request is read and not answered
        status_bar.waiting_after_ms = 0
        proxy.inject(Fault.stall(), path="")
        asked = proxy.seen()
        window.actions_["sync"].trigger()
        qtbot.waitUntil(lambda: proxy.seen() > asked, timeout=WAIT)  # the pass's request is held
        qtbot.waitUntil(lambda: status_bar.connection.text() == "Server not answering…", timeout=WAIT)
        assert status_bar.waiting and status_bar.online is True  # what the last pass found stays known
        assert status_bar.connection.accessibleName() == "Connection: Server not answering…"
        assert "not answered" in status_bar.connection.toolTip()

        # a change saved meanwhile waits, and the count says so (its push waits behind the pass)
        note = model.new(
            str(gui_world.ids["rich_file"]), Kind.NOTE, 1, rect=(10.0, 10.0, 30.0, 30.0), text="Später"
        )
        model.add(note)
        assert status_bar.pending_count == 1
        assert status_bar.pending.isVisible() and status_bar.pending.text() == "1 change waiting to be sent"
        assert status_bar.connection.text() == "Server not answering…"
        _shot(status_bar, "status_not_answering")

        # the server answers at last: "Online" again, and the change is sent
        proxy.clear()
        proxy.release_stalled()
        qtbot.waitUntil(lambda: status_bar.connection.text() == "Online", timeout=WAIT)
        assert not status_bar.waiting
        qtbot.waitUntil(lambda: status_bar.pending_count == 0 and not bridge.busy, timeout=WAIT)
        assert not status_bar.pending.isVisible()
        assert status_bar.connection.text() == "Online" and not status_bar.waiting
        _shot(status_bar, "status_answered")
    finally:
        window.shutdown()


def test_a_hung_push_reads_not_answering_until_it_answers(
    qtbot: Any,
    gui_world: GuiWorld,
    proxy: FaultProxy,
    open_window: Callable[[DataPaths, SyncBridge], MainWindow],
    tmp_path: Path,
) -> None:
    """The quick push after a save (no pass runs) hangs: only the annotations' batch stalls, so only
    the push can be waiting. The connection reads "Server not answering…" while it waits, "Online"
    once it is answered, and the change is sent."""
    paths = data_paths(tmp_path / "client")
    sign_in(paths, proxy.url, "member", PASSWORD, device_name="pytest-unanswered-push")
    synchronise(paths, retry=QUICK)
    bridge = SyncBridge(paths, interval=3600, push_channel=False)
    window = open_window(paths, bridge)
    try:
        status_bar = window.status_bar
        model = window.annotations.model
        qtbot.waitUntil(
            lambda: model.ready and status_bar.connection.text() == "Online" and not bridge.busy, timeout=WAIT
        )
        passes = bridge._background.passes

        status_bar.waiting_after_ms = 0
        batch = r"/annotations/batch$"
        proxy.inject(Fault.stall(), path=batch)
        asked = proxy.seen(batch)
        note = model.new(
            str(gui_world.ids["rich_file"]), Kind.NOTE, 1, rect=(10.0, 10.0, 30.0, 30.0), text="Hängt"
        )
        model.add(note)
        qtbot.waitUntil(lambda: proxy.seen(batch) > asked, timeout=WAIT)  # the push's request is held
        qtbot.waitUntil(lambda: status_bar.connection.text() == "Server not answering…", timeout=WAIT)
        assert status_bar.waiting and status_bar.online is True
        assert not bridge.busy and bridge._background.passes == passes  # no pass: the push waits
        assert status_bar.pending_count == 1

        proxy.clear()
        proxy.release_stalled()
        qtbot.waitUntil(
            lambda: status_bar.connection.text() == "Online" and status_bar.pending_count == 0, timeout=WAIT
        )
        assert not status_bar.waiting and not status_bar.pending.isVisible()
    finally:
        window.shutdown()


def test_a_push_the_server_answers_shows_online_before_the_pass_that_follows(
    qtbot: Any,
    gui_world: GuiWorld,
    proxy: FaultProxy,
    open_window: Callable[[DataPaths, SyncBridge], MainWindow],
    tmp_path: Path,
) -> None:
    """Offline, a change is saved: its push (or the probe every few seconds) reaches the server, and
    the status bar says "Online" at once, not only when the full pass that follows has finished (held
    here until the end: the status bar's "Online" can only come from the push)."""
    paths = data_paths(tmp_path / "client")
    sign_in(paths, proxy.url, "member", PASSWORD, device_name="pytest-unanswered")
    synchronise(paths, retry=QUICK)
    offline = threading.Event()
    release = threading.Event()
    pushes: list[int] = []  # the background's count of pushes when the test went offline
    bridge: SyncBridge

    def run(*args: Any, **kwargs: Any) -> SyncOutcome:
        if offline.is_set():
            if bridge._background.pushes == pushes[0]:  # before the push: the server is unreachable
                raise SyncFailed("The server cannot be reached.")
            release.wait(600)  # after it: held (the bound only keeps a broken test from hanging)
        return synchronise(*args, **kwargs)

    bridge = SyncBridge(paths, interval=3600, run=run, push_channel=False, probe=0.2)
    window = open_window(paths, bridge)
    try:
        status_bar = window.status_bar
        status_bar.waiting_after_ms = 3_600_000  # the held pass: "Online" stays, not "not answering"
        model = window.annotations.model
        qtbot.waitUntil(lambda: model.ready and status_bar.connection.text() == "Online", timeout=WAIT)
        pushes.append(bridge._background.pushes)
        offline.set()
        bridge._background.trigger()  # a pass of the schedule (not asked for: no dialog)
        qtbot.waitUntil(lambda: status_bar.connection.text() == "Offline", timeout=WAIT)
        note = model.new(
            str(gui_world.ids["rich_file"]), Kind.NOTE, 1, rect=(10.0, 10.0, 30.0, 30.0), text="Im Zug"
        )
        model.add(note)
        qtbot.waitUntil(lambda: status_bar.connection.text() == "Online", timeout=WAIT)
        assert bridge._background.pushes > pushes[0]
        qtbot.waitUntil(lambda: status_bar.pending_count == 0, timeout=WAIT)
        release.set()
        qtbot.waitUntil(lambda: not bridge.busy and bridge.last_error is None, timeout=WAIT)
        assert status_bar.connection.text() == "Online"
    finally:
        release.set()
        window.shutdown()


def test_a_pass_that_ends_while_waiting_shows_what_it_found(qtbot: Any) -> None:
    """The wait ends with the pass: "Offline" when the server could not be reached, and the state
    before the wait when the pass ended otherwise (an error that says nothing about the connection)."""
    bar = StatusBar()
    qtbot.addWidget(bar)
    bar.waiting_after_ms = 0
    bar.set_online(True)
    bar.sync_started()
    bar.awaiting_server()
    qtbot.waitUntil(lambda: bar.waiting, timeout=WAIT)
    assert bar.connection.text() == "Server not answering…"
    bar.server_answered()  # an answer, and the pass asks more: "Online", then waiting again
    assert bar.connection.text() == "Online" and not bar.waiting
    qtbot.waitUntil(lambda: bar.waiting, timeout=WAIT)
    bar.sync_stopped()  # ended by an error that is not the server's absence
    assert bar.connection.text() == "Online" and not bar.waiting and bar.connection.toolTip() == ""
    bar.sync_started()
    bar.awaiting_server()
    qtbot.waitUntil(lambda: bar.waiting, timeout=WAIT)
    bar.sync_stopped()
    bar.set_online(False)  # the pass found the server unreachable
    assert bar.connection.text() == "Offline" and not bar.waiting
    bar.set_sync_off()  # a window that does not synchronise never waits
    bar.awaiting_server()
    assert not bar.waiting and bar.connection.text() == "Synchronisation off"


def test_a_push_and_a_pass_wait_apart(qtbot: Any) -> None:
    """A quick push's wait neither ends nor restarts a pass's, and the other way round: each ends
    "Server not answering…" only when no other wait ran out."""
    bar = StatusBar()
    qtbot.addWidget(bar)
    bar.set_online(True)
    bar.waiting_after_ms = 3_600_000
    bar.sync_started()
    bar.awaiting_server()  # a pass waits (its wait has not run out)
    bar.waiting_after_ms = 0
    bar.awaiting_push()
    qtbot.waitUntil(lambda: bar.waiting, timeout=WAIT)  # the push's wait ran out
    bar.push_ended()
    assert bar.connection.text() == "Online" and not bar.waiting
    bar.server_answered()  # the pass goes on: its wait starts again (0 ms now)
    qtbot.waitUntil(lambda: bar.waiting, timeout=WAIT)
    bar.awaiting_push()
    bar.push_ended()  # the pass's wait ran out: the push's end leaves it
    assert bar.waiting and bar.connection.text() == "Server not answering…"
    bar.push_ended()  # no push waits: nothing
    assert bar.waiting
    bar.awaiting_push()
    qtbot.waitUntil(lambda: not bar._push_silence.isActive(), timeout=WAIT)
    bar.sync_stopped()  # the pass ends; the push still waits, its wait ran out
    assert bar.waiting and bar.connection.text() == "Server not answering…"
    bar.push_ended()
    assert not bar.waiting and bar.connection.text() == "Online"
    bar.set_online(False)  # offline: a probe that hangs says so, its end says "Offline" again
    bar.awaiting_push()
    qtbot.waitUntil(lambda: bar.waiting, timeout=WAIT)
    bar.push_ended()
    assert bar.connection.text() == "Offline" and not bar.waiting
    bar.set_sync_off()
    bar.awaiting_push()
    assert not bar.waiting and bar.connection.text() == "Synchronisation off"


@pytest.mark.usefixtures("german")
def test_not_answering_in_german(qtbot: Any) -> None:
    bar = StatusBar()
    qtbot.addWidget(bar)
    bar.waiting_after_ms = 0
    bar.set_online(True)
    bar.sync_started()
    bar.awaiting_server()
    qtbot.waitUntil(lambda: bar.waiting, timeout=WAIT)
    assert bar.connection.text() == "Server antwortet nicht …"
    assert bar.connection.accessibleName() == "Verbindung: Server antwortet nicht …"
    assert bar.connection.toolTip().startswith("Der Server hat noch nicht geantwortet.")
    bar.server_answered(more=False)
    assert bar.connection.text() == "Online"


def test_the_end_of_a_pass_reaches_the_window_even_right_after_another_report(
    qtbot: Any, gui_world: GuiWorld, tmp_path: Path
) -> None:
    """Progress reports are thinned to one per 0.1 s, but the report that the feed and files are done always
    goes through: the status bar stops waiting for the server on it (OParl sources may follow)."""
    paths = data_paths(tmp_path / "client")
    sign_in(paths, gui_world.server.url, "member", PASSWORD, device_name="pytest-done-report")

    def real_pass_with_a_late_report(*args: Any, progress: Callable[[Progress], None], **kwargs: Any) -> Any:
        def reported(report: Progress) -> None:
            if report.phase is Phase.DONE:  # a file report just before the end, as a fast pass gives
                progress(Progress(Phase.FILES, files_done=1, files_total=1))
            progress(report)

        return synchronise(*args, progress=reported, **kwargs)

    bridge = SyncBridge(paths, interval=3600, run=real_pass_with_a_late_report, push_channel=False)
    seen: list[object] = []
    bridge.progress.connect(seen.append)
    try:
        with qtbot.waitSignal(bridge.finished, timeout=WAIT):
            bridge.sync_now()
    finally:
        bridge.stop()
    qtbot.waitUntil(lambda: any(getattr(p, "phase", None) is Phase.DONE for p in seen), timeout=WAIT)


def test_a_push_that_cannot_reach_the_server_reads_offline_until_one_does(
    qtbot: Any,
    gui_world: GuiWorld,
    proxy: FaultProxy,
    open_window: Callable[[DataPaths, SyncBridge], MainWindow],
    tmp_path: Path,
) -> None:
    """The quick push after a save meets a reset connection (no pass runs): the connection reads
    "Offline" — not "Online" again, as it did when the push's end only ended the wait — until a push
    (the probe while the change waits) reaches the server."""
    paths = data_paths(tmp_path / "client")
    sign_in(paths, proxy.url, "member", PASSWORD, device_name="pytest-push-offline")
    synchronise(paths, retry=QUICK)
    bridge = SyncBridge(paths, interval=3600, push_channel=False)
    window = open_window(paths, bridge)
    try:
        status_bar = window.status_bar
        model = window.annotations.model
        qtbot.waitUntil(
            lambda: model.ready and status_bar.connection.text() == "Online" and not bridge.busy, timeout=WAIT
        )
        failures = bridge._background.push_failures
        batch = r"/annotations/batch$"
        proxy.inject(Fault.reset(), path=batch)
        note = model.new(
            str(gui_world.ids["rich_file"]), Kind.NOTE, 1, rect=(10.0, 10.0, 30.0, 30.0), text="Kein Netz"
        )
        model.add(note)
        qtbot.waitUntil(lambda: bridge._background.push_failures > failures, timeout=WAIT)
        qtbot.waitUntil(lambda: status_bar.connection.text() == "Offline", timeout=WAIT)
        assert status_bar.online is False and not status_bar.waiting
        assert status_bar.pending_count == 1

        proxy.clear()  # the network is back: the next probe sends the change
        qtbot.waitUntil(
            lambda: status_bar.connection.text() == "Online" and status_bar.pending_count == 0, timeout=WAIT
        )
    finally:
        window.shutdown()
