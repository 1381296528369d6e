"""The OParl dialog's problem label and its list reads: each read of the list of sources runs on a thread of
its own, so an older read may land after a newer one. An older read's failure is not shown once a newer
read was begun, and a newer read that succeeds takes an older read's failure away; an add's failure stays.
The reads are real (a replica that is no database fails them); only the moment a read lands is chosen by
the test. Run under `.ci/with-keyring`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt

from gremalda.errors import GremaldaError, ReplicaCorrupt
from gremalda.paths import DataPaths, data_paths
from gremalda.ui.oparl_dialog import OParlDialog

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine

Landing = tuple[Callable[[Any], None], Any]  # a read's callback and what it hands over


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    return data_paths(tmp_path / "client")  # no replica yet: the list is empty


@pytest.fixture
def dialog(qtbot: Any, paths: DataPaths, tmp_path: Path) -> Iterator[OParlDialog]:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    dialog = OParlDialog(paths, settings)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog, timeout=WAIT):
        dialog.show()
    qtbot.waitUntil(lambda: dialog.tasks.running == 0, timeout=WAIT)  # its first read has landed
    assert dialog.sources.count() == 0 and dialog.error.isHidden()
    yield dialog
    dialog.close()


def _break(paths: DataPaths) -> None:
    """The replica's place holds a plain SQLite file: reading the list fails (ReplicaCorrupt)."""
    paths.database.parent.mkdir(parents=True, exist_ok=True)
    paths.database.write_bytes(b"SQLite format 3\x00" + bytes(4096 - 16))


def _repair(paths: DataPaths) -> None:
    paths.database.unlink()  # no replica: the list reads as empty


@contextmanager
def _hold_the_next_list_read(qtbot: Any, dialog: OParlDialog) -> Iterator[list[Landing]]:
    """The next list read runs on its thread as usual, but what it found (or its failure) is held back when
    it comes to the GUI thread; the test lands it later, after a newer read."""
    held: list[Landing] = []
    run = dialog.tasks.run

    def hold(name: str, task: Any, on_done: Any, on_error: Any) -> None:
        if name != "list" or held:
            run(name, task, on_done, on_error)
            return
        run(
            name,
            task,
            lambda result: held.append((on_done, result)),
            lambda error: held.append((on_error, error)),
        )

    dialog.tasks.run = hold  # type: ignore[method-assign]
    try:
        yield held
        qtbot.waitUntil(lambda: len(held) == 1, timeout=WAIT)  # the read has finished; not landed
    finally:
        del dialog.tasks.run


def test_an_older_read_failing_after_a_newer_read_succeeded_shows_no_error(
    qtbot: Any, dialog: OParlDialog, paths: DataPaths
) -> None:
    _break(paths)
    with _hold_the_next_list_read(qtbot, dialog) as held:
        dialog.reload()  # the older read: the replica is damaged then
    callback, error = held[0]
    assert isinstance(error, ReplicaCorrupt)
    _repair(paths)
    dialog.reload()  # the newer read: it succeeds and lands first
    qtbot.waitUntil(lambda: dialog.tasks.running == 0, timeout=WAIT)
    assert dialog.error.isHidden()
    callback(error)  # the older read's failure lands last
    assert dialog.error.isHidden()
    assert dialog.sources.count() == 0


def test_an_older_read_failing_before_a_newer_read_lands_shows_no_error(
    qtbot: Any, dialog: OParlDialog, paths: DataPaths
) -> None:
    """The newer read tells, whichever lands first: the older one's failure is not shown meanwhile."""
    _break(paths)
    with _hold_the_next_list_read(qtbot, dialog) as older:
        dialog.reload()
    _repair(paths)
    with _hold_the_next_list_read(qtbot, dialog) as newer:
        dialog.reload()
    older[0][0](older[0][1])  # the older read's failure lands while the newer read is under way
    assert dialog.error.isHidden()
    newer[0][0](newer[0][1])
    assert dialog.error.isHidden()


def test_a_newer_read_that_succeeds_takes_an_older_reads_error_away(
    qtbot: Any, dialog: OParlDialog, paths: DataPaths
) -> None:
    _break(paths)
    dialog.reload()  # fails, and it is the newest read: its problem is shown
    qtbot.waitUntil(lambda: dialog.tasks.running == 0, timeout=WAIT)
    assert dialog.error.isVisible()
    assert "damaged" in dialog.error.accessibleDescription()
    _repair(paths)
    dialog.reload()
    qtbot.waitUntil(lambda: dialog.tasks.running == 0, timeout=WAIT)
    assert dialog.error.isHidden()


def test_the_newest_read_failing_shows_its_error(qtbot: Any, dialog: OParlDialog, paths: DataPaths) -> None:
    """The numbering drops only older reads: a newer read's failure landing after an older read's list
    is shown."""
    with _hold_the_next_list_read(qtbot, dialog) as older:
        dialog.reload()  # succeeds (an empty list), held back
    _break(paths)
    with _hold_the_next_list_read(qtbot, dialog) as newer:
        dialog.reload()
    newer[0][0](newer[0][1])
    assert dialog.error.isVisible()
    older[0][0](older[0][1])  # the older read's list lands last: dropped, the newer one's error stays
    assert dialog.error.isVisible()
    assert isinstance(newer[0][1], GremaldaError)


def test_an_adds_failure_stays_after_the_list_read_that_follows_it(qtbot: Any, dialog: OParlDialog) -> None:
    """A failed add shows its problem and reads the list again: that read succeeding keeps the problem."""
    dialog.url.setText("not a url")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy and dialog.tasks.running == 0, timeout=WAIT)
    assert dialog.error.isVisible() and dialog.error.text()
