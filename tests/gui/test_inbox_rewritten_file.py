"""The clerk's inbox and a file written again: a copy into the hot folder that stalls long enough to be
reported half-written (and refused by the arrival check), then completes, ends as one entry with the
complete file's result; a late result of an older version never overwrites the newer one's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gremalda.paths import data_paths
from gremalda.ui.clerk.editor import AgendaEditor
from gremalda.ui.clerk.inbox import Inbox
from gremalda.ui.clerk.runner import ClerkRunner
from gremalda.ui.workers import ReplicaWorkers
from tests.gui.conftest import rich_pdf

WAIT = 300_000  # ms: a guard against hangs, never reached when things work
SHOTS = Path(os.environ.get("GREMALDA_TEST_SHOTS", "/tmp/s5b-inbox-shots"))


@pytest.fixture
def editor(qtbot: Any, tmp_path: Path) -> Iterator[AgendaEditor]:
    """The clerk's agenda editor, whose inbox hands each arrival to the editor's own check (the arrival
    checks' thread, the uploads' report text). Its hot folder's arrivals touch neither the replica nor
    the server: the runner and the workers stay idle, on a data folder no one signed in to."""
    paths = data_paths(tmp_path / "clerk")
    workers = ReplicaWorkers(paths)
    runner = ClerkRunner(paths)
    widget = AgendaEditor(runner, workers)
    qtbot.addWidget(widget)
    widget.inbox.resize(520, 240)
    yield widget
    widget.close()
    runner.close()
    workers.close()


def shot(widget: Inbox, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def test_a_half_written_pdf_that_completes_later_ends_as_one_entry_with_the_good_result(
    editor: AgendaEditor, qtbot: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "hot"
    folder.mkdir()
    inbox = editor.inbox  # each arrival checked as the clerk's editor checks it
    inbox.watch(str(folder))
    assert inbox.folder is not None
    inbox.folder.settle_s = 0.5  # stands for a copy stalled longer than the (longer) real stillness window
    data = rich_pdf("Haushaltssatzung 2027", pages=4)
    target = folder / "Vorlage 12.pdf"
    with target.open("wb") as handle:
        handle.write(data[:200])  # the copy stalls after its first bytes ...
        handle.flush()
        qtbot.waitUntil(lambda: inbox.state(target) == "refused", timeout=WAIT)
        shot(inbox, "1-half-written-refused")
        handle.write(data[200:])  # ... and goes on
        handle.flush()
    qtbot.waitUntil(lambda: inbox.state(target) == "ok", timeout=WAIT)
    shot(inbox, "2-complete-accepted")
    assert inbox.paths() == [target]  # one entry
    item = inbox.item(target)
    assert item is not None
    assert item.text() == "Vorlage 12.pdf — 4 pages, text can be searched"  # the uploads' report text
    assert "refused" not in item.toolTip()


def test_a_late_result_of_an_older_version_is_ignored(inbox: Inbox, tmp_path: Path) -> None:
    path = tmp_path / "Bericht.pdf"
    inbox._add(path)  # reported half-written ...
    inbox._rewriting(path)  # ... written again before its check came back
    assert inbox.state(path) == "checking"
    shot(inbox, "3-being-written-again")
    assert inbox.item(path) is not None and "being written again" in inbox.item(path).text()  # type: ignore[union-attr]
    inbox.checked(path, "", "The PDF is damaged: no page can be read.", [])  # the old version's result
    assert inbox.state(path) == "checking"  # not a stale refusal
    inbox._add(path)  # the complete file, reported again
    inbox._add(path)  # and once more (a new version saved over it) before any result
    inbox.checked(path, "2 pages", "The PDF has no pages.", [])  # the result of the one before
    assert inbox.state(path) == "checking"
    inbox.checked(path, "3 pages", None, [])
    assert inbox.state(path) == "ok" and inbox.paths() == [path]
    assert inbox.item(path).text() == "Bericht.pdf — 3 pages"  # type: ignore[union-attr]
    inbox.refused(path, "The server refused it.")  # attaching refused later: still shown
    assert inbox.state(path) == "refused"


def test_an_entry_attached_while_its_new_version_was_checked_keeps_saying_it_was_not_sent(
    inbox: Inbox, tmp_path: Path
) -> None:
    path = tmp_path / "Vorlage.pdf"
    inbox._add(path)  # the new version is reported and being checked ...
    inbox.attached(path, None)  # ... when the upload of the old one ends: not filed away
    assert inbox.state(path) == "changed"
    inbox.checked(path, "3 pages", None, [])  # the new version's result
    item = inbox.item(path)
    assert item is not None and inbox.state(path) == "changed"
    assert "changed since it was attached: not moved" in item.text() and "3 pages" in item.toolTip()
    inbox.checked(path, "", "The PDF is damaged: no page can be read.", [])  # a refusal is shown
    assert inbox.state(path) == "refused"


def test_a_report_of_the_folder_watched_before_is_not_listed(
    inbox: Inbox, qtbot: Any, tmp_path: Path
) -> None:
    """The hot folder's thread hands each report to the GUI thread; one on its way when the clerk chooses
    another hot folder (or the watch stops) belongs to the folder watched before: it is not listed."""
    before, after = tmp_path / "Scanner alt", tmp_path / "Scanner neu"
    before.mkdir()
    after.mkdir()
    inbox.watch(str(before))
    old = inbox.folder
    assert old is not None
    stale = before / "Alt.pdf"
    old.on_new(stale)  # as the old folder's thread reports it: on its way to the GUI thread ...
    assert old.on_changed is not None
    old.on_changed(after / "Neu.pdf")  # (a change it saw, of a name the new folder has too)
    inbox.watch(str(after))  # ... when another folder is chosen
    new = inbox.folder
    assert new is not None and new is not old
    fresh = after / "Neu.pdf"
    new.on_new(fresh)  # reported by the new folder after the stale ones (queued in this order)
    qtbot.waitUntil(lambda: fresh in inbox.paths(), timeout=WAIT)
    assert inbox.paths() == [fresh] and inbox.state(fresh) == "checking"
    item = inbox.item(fresh)
    assert item is not None and "being written again" not in item.text()

    new.on_new(after / "Später.pdf")  # on its way when the watch stops (the clerk signs out)
    inbox.stop()
    marker = after / "Marke.pdf"
    inbox._arrived.emit(inbox._watch, marker)  # a report of the watch now on, queued after the stale one
    qtbot.waitUntil(lambda: marker in inbox.paths(), timeout=WAIT)
    assert inbox.paths() == [fresh, marker]
