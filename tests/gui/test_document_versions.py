"""A member has an annotated paper open in the window while the clerk replaces it (the real server on a
loopback port, the real document view, real SQLCipher replica, keys in the OS keyring: run under
`.ci/with-keyring`): the tab says that a new version arrived with the clerk's change note; opening it
shows the new version in the same tab at the same page with the annotations the sync moved there; the
old version's panel says where its annotations went; the status bar keeps a button for the flagged one
that opens the orphaned annotations; new content under the same file id is loaded in place at the same
page; and the notice of a late paper names its agenda item, its name and its change note and opens it.

Set GREMALDA_SHOTS to a folder to keep screenshots of the window along the way."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt

from gremalda.core.library import Library
from gremalda.core.records import FileEntry
from gremalda.core.version_chain import VersionChains
from gremalda.paths import DataPaths
from gremalda.store.replica import Store, open_store
from gremalda.ui.document_area import DocumentTab, document_key
from gremalda.ui.document_versions import read_versions
from gremalda.ui.main_window import MainWindow
from gremalda.ui.orphan_dialog import OrphanDialog
from gremalda.ui.preferences import Preferences
from gremalda.ui.sync_bridge import SyncBridge
from tests.gui.conftest import GuiWorld, shot
from tests.unit.test_annotations_reanchoring import GONE, NEW, OLD, QUOTE, highlight, make_pdf, note, put_file
from tests.unit.test_version_chain import file_object, open_replica

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine
NOTE = "Änderungsantrag: Absatz auf Seite 1 eingefügt"


class Clerk:
    """The body's clerk, through the server's HTTP API."""

    def __init__(self, world: GuiWorld) -> None:
        self.http: httpx.Client = world.server.client(world.server.token("clerk"))

    def blob(self, data: bytes) -> str:
        r = self.http.post("/api/v1/blobs", content=data, headers={"Content-Type": "application/pdf"})
        assert r.status_code == 201, r.text
        return str(r.json()["sha256"])

    def file(self, data: bytes, name: str, **fields: Any) -> int:
        body = {"name": name, "file_name": f"{name}.pdf", "sha256": self.blob(data), **fields}
        r = self.http.post("/api/v1/files", json=body)
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    def new_content(self, file_id: int, data: bytes) -> None:
        r = self.http.patch(
            f"/api/v1/files/{file_id}", json={"sha256": self.blob(data)}, headers={"If-Match": "*"}
        )
        assert r.status_code == 200, r.text


@pytest.fixture
def clerk(gui_world: GuiWorld) -> Iterator[Clerk]:
    made = Clerk(gui_world)
    yield made
    made.http.close()


@pytest.fixture
def make_window(qtbot: Any, preferences: Preferences) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(paths: DataPaths, **bridge: Any) -> MainWindow:
        sync_bridge = SyncBridge(paths, interval=3600, **bridge)
        window = MainWindow(paths, preferences=preferences, sync_bridge=sync_bridge)
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        windows.append(window)
        window.resize(1400, 900)
        with qtbot.waitExposed(window, timeout=WAIT):
            window.show()
        with qtbot.waitSignal(window.folderShown, timeout=WAIT):
            window.start()
        qtbot.waitUntil(lambda: window.annotations.model.ready, timeout=WAIT)
        qtbot.waitUntil(lambda: window.status_bar.connection.text() == "Online", timeout=WAIT)
        return window

    yield make
    for window in windows:
        window.shutdown()


def entry(paths: DataPaths, file_id: int) -> FileEntry:
    with open_store(paths) as store:
        found = Library(store.db.conn).file(str(file_id))
    assert found is not None
    return found


def open_at(qtbot: Any, window: MainWindow, found: FileEntry, page: int) -> DocumentTab:
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT):
        tab = window.open_file(found, page=page)
    assert tab is not None
    qtbot.waitUntil(lambda: tab.view.document_info() is not None, timeout=WAIT)
    qtbot.waitUntil(lambda: tab.view.current_page() == page, timeout=WAIT)
    return tab


def sync(qtbot: Any, window: MainWindow) -> None:
    assert window.sync is not None
    with qtbot.waitSignal(window.sync.finished, timeout=WAIT):
        window.sync.sync_now()


def test_a_replaced_open_document_offers_its_new_version_with_the_annotations_moved_there(
    qtbot: Any,
    gui_world: GuiWorld,
    clerk: Clerk,
    make_window: Callable[[DataPaths], MainWindow],
    tmp_path: Path,
) -> None:
    old_pdf, new_pdf = make_pdf(OLD), make_pdf(NEW, top=150.0)
    paper = gui_world.world.ids["public_paper"]
    old = clerk.file(old_pdf, "Vorlage Haushalt", paper_id=paper)
    paths = gui_world.replica(tmp_path)
    with open_store(paths) as store:
        mark = highlight(store, str(old), old_pdf, 0, QUOTE)
        lost = highlight(store, str(old), old_pdf, 0, GONE)  # its words are not in the new version
        kept = note(store, str(old), old_pdf, 2)
    window = make_window(paths)
    window.annotation_dock.raise_()
    panel = window.annotations.panel
    tab = open_at(qtbot, window, entry(paths, old), 2)
    qtbot.waitUntil(lambda: len(panel.rows()) == 3, timeout=WAIT)
    assert not tab.version_bar.isVisible() and not window.status_bar.orphans.isVisible()

    new = clerk.file(
        new_pdf, "Vorlage Haushalt (neue Fassung)", paper_id=paper, supersedes_id=old, change_note=NOTE
    )
    sync(qtbot, window)
    # the tab says what happened, with the clerk's change note; the old version still shows, at its page
    qtbot.waitUntil(lambda: tab.version_bar.isVisible(), timeout=WAIT)
    assert tab.version_bar.text() == f"New version: {NOTE}"
    assert tab.entry.id == str(old) and tab.view.current_page() == 2
    # the panel does not look as if the annotations were lost: it says where they went
    qtbot.waitUntil(lambda: panel.version_hint.isVisible(), timeout=WAIT)
    qtbot.waitUntil(
        lambda: "3 annotations moved to the new version" in panel.version_hint.text(), timeout=WAIT
    )
    assert "1 annotation needs your attention" in panel.version_hint.text()
    assert panel.rows() == [] and panel.status_label.text() == "No annotations left in this version."
    # a lasting button in the status bar while the flagged one waits (not only a passing message)
    orphans = window.status_bar.orphans
    qtbot.waitUntil(lambda: orphans.isVisible(), timeout=WAIT)
    assert orphans.text() == "⚠ 1 annotation needs attention"  # flagged, not orphaned: not called lost
    shot(window, "v01_replaced_info_bar")
    # the panel's "show" link opens the orphaned annotations (the flagged one among them)
    panel.version_hint.linkActivated.emit("attention")
    qtbot.waitUntil(lambda: window.findChild(OrphanDialog) is not None, timeout=WAIT)
    flagged = window.findChild(OrphanDialog)
    assert flagged is not None
    qtbot.waitUntil(lambda: [o.annotation.id for o in flagged.orphans()] == [lost.id], timeout=WAIT)
    flagged.reject()
    qtbot.waitUntil(lambda: window.findChild(OrphanDialog) is None, timeout=WAIT)

    # Open: the same tab shows the new version at the same page, with the moved annotations
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT):
        qtbot.mouseClick(tab.version_bar.open_button, Qt.MouseButton.LeftButton)
    assert window.documents.current_tab() is tab and len(list(window.documents.all_tabs())) == 1
    assert tab.entry.id == str(new) and tab.title == "Vorlage Haushalt (neue Fassung)"
    qtbot.waitUntil(lambda: tab.view.document_info() is not None, timeout=WAIT)
    assert tab.view.current_page() == 2 and not tab.version_bar.isVisible()
    qtbot.waitUntil(
        lambda: {r.annotation_id for r in panel.rows()} == {mark.id, lost.id, kept.id}, timeout=WAIT
    )
    assert {r.file_id for r in panel.rows()} == {str(new)}
    assert not panel.version_hint.isVisible()
    tools = tab.view.annotation_tools()
    assert tools is not None and tools.select_annotation(mark.id)  # drawn on the new version's page
    shot(window, "v02_new_version_opened")

    # the status bar's button opens the orphaned (and flagged) annotations
    qtbot.mouseClick(orphans, Qt.MouseButton.LeftButton)
    dialog = window.findChild(OrphanDialog)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: [o.annotation.id for o in dialog.orphans()] == [lost.id], timeout=WAIT)
    shot(dialog, "v03_orphans_from_status_bar")
    dialog.reject()

    # new content under the same file id: loaded in place, at the same page, and said so
    page = tab.view.current_page()
    key = tab.key
    clerk.new_content(new, make_pdf([*NEW, ["Anhang 2: Kosten"]], top=150.0))
    sync(qtbot, window)
    qtbot.waitUntil(lambda: tab.key != key and tab.version_bar.isVisible(), timeout=WAIT)
    assert tab.entry.id == str(new) and len(list(window.documents.all_tabs())) == 1
    assert tab.version_bar.text().startswith("This document was updated; you see the new content.")
    qtbot.waitUntil(lambda: tab.view.page_count() == 4, timeout=WAIT)
    assert tab.view.current_page() == page
    shot(window, "v04_updated_in_place")

    # another version: the notice's button, too, opens it in the tab that shows the version it replaced
    third = clerk.file(
        make_pdf(NEW, top=150.0) + b"\n% dritte Fassung\n",
        "Vorlage Haushalt (dritte Fassung)",
        paper_id=paper,
        supersedes_id=new,
        change_note="Dritte Fassung",
    )
    sync(qtbot, window)
    qtbot.waitUntil(lambda: tab.version_bar.text() == "New version: Dritte Fassung", timeout=WAIT)
    qtbot.waitUntil(lambda: window.notice.action_button.isVisible(), timeout=WAIT)
    assert "New version for Drucksache 22-0001: Vorlage Haushalt (dritte Fassung) — Dritte Fassung" in (
        window.notice.text()
    )
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT):
        qtbot.mouseClick(window.notice.action_button, Qt.MouseButton.LeftButton)
    assert tab.entry.id == str(third) and len(list(window.documents.all_tabs())) == 1
    qtbot.waitUntil(
        lambda: {r.annotation_id for r in panel.rows()} == {mark.id, lost.id, kept.id}, timeout=WAIT
    )


def test_the_notice_of_a_late_paper_names_its_item_and_change_note_and_opens_it(
    qtbot: Any,
    gui_world: GuiWorld,
    clerk: Clerk,
    make_window: Callable[[DataPaths], MainWindow],
    tmp_path: Path,
) -> None:
    paths = gui_world.replica(tmp_path)
    window = make_window(paths)
    late = clerk.file(
        make_pdf(OLD),
        "Änderungsantrag",
        agenda_item_id=gui_world.world.ids["public_item"],
        role="late",
        change_note="Tischvorlage: Zahlen auf Seite 3 berichtigt",
    )
    sync(qtbot, window)
    expected = (
        "1 new document arrived. Late paper for TOP 1: Änderungsantrag — "
        "Tischvorlage: Zahlen auf Seite 3 berichtigt"
    )
    qtbot.waitUntil(lambda: window.notice.text() == expected, timeout=WAIT)
    button = window.notice.action_button
    assert button.isVisible() and button.text() == "&Open"
    shot(window, "v05_late_paper_notice")
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    current = window.documents.current_tab()
    assert current is not None and current.entry.id == str(late)


def test_several_arrivals_name_the_count_and_the_first_late_paper(qapp: Any) -> None:
    from gremalda.ui.arrival_notice import ArrivalNotice, first_arrival

    def file(file_id: str, name: str, role: str, context: str, note: str = "") -> FileEntry:
        return FileEntry(
            id=file_id, name=name, file_name=f"{name}.pdf", mime_type="application/pdf", size=1, sha256=None,
            role=role, state="complete", stored=True, vault_version=1, pages_indexed=0, context=context,
            superseded=False, supersedes_id=None, change_note=note,
        )  # fmt: skip

    read = [
        (file("1", "Anlage 2", "auxiliary", "TOP 3 · 3. Sitzung 02.12.2026"), False),
        (file("2", "Haushalt", "main", "Drucksache 22-0561", "Zahlen berichtigt"), True),
        (file("3", "Änderungsantrag", "late", "TOP 5 · 3. Sitzung 02.12.2026", "Tischvorlage"), False),
    ]
    first = first_arrival(read)
    assert first is not None and first[0].id == "3"
    texts = ArrivalNotice()
    assert texts.text("2 new documents and 1 changed document arrived.", *first, 3) == (
        "2 new documents and 1 changed document arrived. Among them: Late paper for TOP 5: Änderungsantrag"
        " — Tischvorlage"
    )
    assert texts.describe(*read[1]) == "New version for Drucksache 22-0561: Haushalt — Zahlen berichtigt"
    assert texts.describe(*read[0]) == "New document for TOP 3: Anlage 2"


def test_a_check_that_began_before_new_content_and_lands_after_it_leaves_the_tab_as_it_is(
    qtbot: Any,
    gui_world: GuiWorld,
    clerk: Clerk,
    make_window: Callable[[DataPaths], MainWindow],
    tmp_path: Path,
) -> None:
    """The checks run on several worker threads: one that began before a pass brought new content (after
    an earlier pass, or the tab's opening) can land after the check that loaded the new content. It must
    not take the tab back to the content it read then. The bad order is forced: the older check's job is
    held, run before the new content comes, and its answer handed over last."""
    paper = gui_world.world.ids["public_paper"]
    file_id = clerk.file(make_pdf(OLD), "Vorlage Verkehr", paper_id=paper)
    paths = gui_world.replica(tmp_path)
    window = make_window(paths)
    versions = window.sync_feedback.versions
    assert versions is not None
    tab = open_at(qtbot, window, entry(paths, file_id), 1)
    key = tab.key
    workers = window.workers
    held: list[tuple[Any, Any]] = []
    real_submit = workers.submit
    workers.submit = lambda job, on_done=None, on_error=None: held.append((job, on_done))  # type: ignore[method-assign]
    try:
        versions.check([tab])  # the older check
    finally:
        workers.submit = real_submit  # type: ignore[method-assign]
    [(job, done)] = held
    with open_store(paths) as store:
        stale = job(store)  # it read the replica before the new content came
    assert document_key(stale[str(file_id)].current) == key

    clerk.new_content(file_id, make_pdf([*OLD, ["Anhang: Kosten"]]))
    sync(qtbot, window)  # the newer check: the tab loads the new content
    qtbot.waitUntil(lambda: tab.key != key and tab.version_bar.isVisible(), timeout=WAIT)
    new_key = tab.key
    qtbot.waitUntil(lambda: tab.view.page_count() == len(OLD) + 1, timeout=WAIT)
    done(stale)  # the older check lands last
    assert tab.key == new_key and tab.entry.id == str(file_id)
    assert tab.version_bar.text().startswith("This document was updated; you see the new content.")


def test_a_tab_still_opening_when_a_pass_brings_its_new_version_is_checked_once_open(
    qtbot: Any,
    gui_world: GuiWorld,
    clerk: Clerk,
    make_window: Callable[..., MainWindow],
    tmp_path: Path,
) -> None:
    """The read of a document begun before a pass and landing after it carries the file as it was: not
    replaced yet. The pass's check left the tab out (not open yet); the tab is checked when it has
    opened and says that a new version replaced it. The bad order is forced: the tab's read is held, run
    before the pass, and handed over after it."""
    paper = gui_world.world.ids["public_paper"]
    old = clerk.file(make_pdf(OLD), "Vorlage Schulweg", paper_id=paper)
    paths = gui_world.replica(tmp_path)
    window = make_window(paths, push_channel=False)  # no pass but the one asked for below
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    workers = window.workers
    held: list[tuple[Any, Any, Any]] = []
    real_submit = workers.submit
    workers.submit = lambda job, on_done=None, on_error=None: held.append((job, on_done, on_error))  # type: ignore[method-assign]
    try:
        tab = window.open_file(entry(paths, old), page=0)
    finally:
        workers.submit = real_submit  # type: ignore[method-assign]
    assert tab is not None and not tab.is_loaded and held
    with open_store(paths) as store:
        results = [job(store) for job, _done, _error in held]  # read before the new version came

    clerk.file(make_pdf(NEW), "Vorlage Schulweg (neu)", paper_id=paper, supersedes_id=old, change_note=NOTE)
    sync(qtbot, window)  # its check leaves out the tab, which is still opening
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    assert not tab.version_bar.isVisible()
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT):
        for (_job, done, _error), result in zip(held, results, strict=True):
            if done is not None:
                done(result)  # the read lands after the pass
    assert not tab.entry.superseded  # the file as it was read, before the pass
    qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=WAIT)
    assert tab.version_bar.isVisible() and tab.version_bar.text() == f"New version: {NOTE}"


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[Store]:
    opened = open_replica(tmp_path / "client")
    try:
        yield opened
    finally:
        opened.close()


def newest_of(store: Store, file_ids: Sequence[str]) -> dict[str, str | None]:
    """What the tabs' check says replaces each file (the newest id, None: nothing)."""
    found = read_versions(file_ids)(store)
    return {i: None if v.newest is None else v.newest.id for i, v in found.items()}


def test_the_tabs_follow_the_chain_re_anchoring_follows(replica: Store) -> None:
    """The tabs' check (read_versions) walks the chains as re-anchoring does
    (gremalda.core.version_chain; its unit tests: tests/unit/test_version_chain.py): a chain of three,
    a cycle (each file's newest is the cycle's newest id, itself not replaced), a missing link (a file
    whose successor is not in the replica is not replaced; the chain of the missing file goes on)."""
    pdf = make_pdf(OLD)
    put_file(replica, "10", pdf)
    put_file(replica, "11", pdf, supersedes="10")
    put_file(replica, "12", pdf, supersedes="11")
    put_file(replica, "20", pdf, supersedes="22")  # 20 <- 21 <- 22 <- 20
    put_file(replica, "21", pdf, supersedes="20")
    put_file(replica, "22", pdf, supersedes="21")
    put_file(replica, "30", pdf)  # 30 <- (31, not here) <- 32
    put_file(replica, "32", pdf, supersedes="31")
    ids = ["10", "11", "12", "20", "21", "22", "30", "31", "32"]
    expected = {"10": "12", "11": "12", "20": "22", "21": "22", "30": None, "31": "32"}
    assert newest_of(replica, ids) == {i: expected.get(i) for i in ids}
    chains = VersionChains.read(replica.db.conn)
    assert {i: next(reversed(chains.newer(i)), None) for i in ids} == newest_of(replica, ids)
    missing = read_versions(["31"])(replica)["31"]
    assert missing.current is None and missing.newest is not None  # gone, and replaced


def test_a_tab_offers_the_newest_stored_version_else_the_newest(replica: Store) -> None:
    """Where the tabs and re-anchoring differ, on purpose: a tab shows the newest version that is on
    this device (its notes wait for it to be indexed: re-anchoring's target), else offers the newest
    one, not downloaded yet (its bar says so)."""
    pdf = make_pdf(OLD)
    put_file(replica, "10", pdf)
    put_file(replica, "11", pdf, supersedes="10", index=False)
    file_object(replica, "12", supersedes_id=11, change_note="noch nicht geladen")  # no bytes yet
    found = read_versions(["10", "11"])(replica)
    assert found["10"].newest is not None and found["10"].newest.id == "11" and found["10"].newest.stored
    put_file(replica, "5", pdf)
    file_object(replica, "6", supersedes_id="5")
    only = read_versions(["5"])(replica)["5"].newest
    assert only is not None and only.id == "6" and not only.stored
