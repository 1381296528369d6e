"""The search panel: typing shows hits (on the panel's worker thread), filters narrow them, the keyboard
moves from the query to the hits, Enter and double click open a hit at its 0-based page, stale replies
are dropped, a changed replica is searched again, errors are shown in the panel.

Most tests use the small council of the unit tests in a replica opened with a random key (no keyring,
no server); one searches a replica synchronised from a real server and indexed from real PDFs."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtWidgets import QWidget

from gremalda.core.search import SearchHit, SearchResults
from gremalda.paths import DataPaths, data_paths
from gremalda.store.database import open_database
from gremalda.store.keys import KEY_BYTES
from gremalda.store.replica import Store, open_store
from gremalda.store.vault import Vault
from gremalda.ui.search_panel import HIT_ROLE, SearchPanel, hit_html
from tests.unit.test_search import ALL_CURRENT, JUGEND, add_file, build_council

WAIT_MS = 120_000  # the waits return as soon as the panel's worker answered; generous for a loaded CI machine


@pytest.fixture
def council(tmp_path: Path) -> tuple[DataPaths, bytes]:
    """A data directory whose database holds the council (keys kept here, not in a keyring)."""
    paths = data_paths(tmp_path / "data")
    paths.vault.mkdir(parents=True)
    key = os.urandom(KEY_BYTES)
    with open_database(paths.database, key, create=True) as db:
        build_council(db)
    return paths, key


def opener(paths: DataPaths, key: bytes) -> Callable[[], Store]:
    return lambda: Store(paths, open_database(paths.database, key, create=False), Vault(paths.vault, key))


@pytest.fixture
def make_panel(qtbot: Any) -> Iterator[Callable[..., SearchPanel]]:
    panels: list[SearchPanel] = []

    def make(source: Any, **options: Any) -> SearchPanel:
        panel = SearchPanel(source, **options)
        qtbot.addWidget(panel)
        panel.resize(420, 640)
        with qtbot.waitExposed(panel, timeout=WAIT_MS):
            panel.show()
        panels.append(panel)
        return panel

    yield make
    for panel in panels:
        panel.shutdown()  # waits 5 s for the worker: a loaded machine may need longer to end its search
        qtbot.waitUntil(lambda panel=panel: not panel._worker.alive, timeout=WAIT_MS)


@pytest.fixture
def panel(
    council: tuple[DataPaths, bytes], make_panel: Callable[..., SearchPanel], qtbot: Any
) -> SearchPanel:
    made = make_panel(opener(*council))
    qtbot.waitUntil(lambda: made.committee_combo.count() > 1, timeout=WAIT_MS)  # the filters' choices came
    return made


def shown(panel: SearchPanel) -> set[str]:
    return {panel.model.item(row).data(HIT_ROLE).file_id for row in range(panel.model.rowCount())}


def search(qtbot: Any, panel: SearchPanel, query: str) -> SearchResults:
    """Type ``query`` into the panel and wait for its hits."""
    panel.query_edit.clear()
    qtbot.keyClicks(panel.query_edit, query)
    return wait_for(qtbot, panel, query)


def wait_for(qtbot: Any, panel: SearchPanel, query: str) -> SearchResults:
    def done() -> None:
        results = panel.results()
        assert results is not None and results.query == query and not panel._debounce.isActive()
        assert panel._pending is None

    qtbot.waitUntil(done, timeout=WAIT_MS)
    results = panel.results()
    assert results is not None
    return results


# --- typing and filtering ---------------------------------------------------------------------------------


def test_typing_shows_hits(qtbot: Any, panel: SearchPanel) -> None:
    results = search(qtbot, panel, "Veloroute")
    assert shown(panel) == ALL_CURRENT
    assert panel.model.rowCount() == len(results.hits) > len(ALL_CURRENT)  # 407 has two pages with hits
    texts = [panel.model.item(row).text() for row in range(panel.model.rowCount())]
    assert any(t.startswith("Antrag Veloroute, page 2") and "Drucksache 22-0100" in t for t in texts)
    assert any("non-public" in t for t in texts)
    assert "10" in panel.status_label.text()  # pages
    panel.grab()  # paints every visible hit (the delegate's rich text)
    assert panel.results_view.sizeHintForRow(0) > 3 * panel.fontMetrics().height()


def test_folding_and_no_hits(qtbot: Any, panel: SearchPanel) -> None:
    search(qtbot, panel, "GROESSE")
    assert shown(panel) == {"407"}
    search(qtbot, panel, "Stadtbahn")
    assert panel.model.rowCount() == 0 and "No document" in panel.status_label.text()
    for garbage in ('"', "*", "-", "NEAR(", "^:"):
        panel.set_query(garbage)
        qtbot.waitUntil(lambda: panel._pending is None, timeout=WAIT_MS)  # answered
    panel.query_edit.clear()
    qtbot.waitUntil(
        lambda: panel.results() is None and "Type words" in panel.status_label.text(), timeout=WAIT_MS
    )
    assert panel.model.rowCount() == 0


def test_filter_choices(panel: SearchPanel) -> None:
    committees = [panel.committee_combo.itemText(i) for i in range(panel.committee_combo.count())]
    assert committees == ["All committees", "Bezirksversammlung", "Jugendhilfeausschuss", "Verkehrsausschuss"]
    kinds = [panel.kind_combo.itemText(i) for i in range(panel.kind_combo.count())]
    assert kinds[0] == "All kinds of documents"
    assert {"paper", "attachment", "invitation", "minutes", "Antrag", "Beschlussvorlage"} <= set(kinds)
    assert panel.from_edit.text() == "any" and panel.to_edit.text() == "any"
    assert panel.filters().committee_ids is None and panel.filters().date_from is None


def test_filters_narrow_the_hits(qtbot: Any, panel: SearchPanel) -> None:
    search(qtbot, panel, "Veloroute")
    panel.committee_combo.setCurrentIndex(panel.committee_combo.findData(JUGEND))
    wait_for(qtbot, panel, "Veloroute")
    assert shown(panel) == {"407", "401", "409"}
    panel.kind_combo.setCurrentIndex(panel.kind_combo.findData("role:auxiliary"))
    wait_for(qtbot, panel, "Veloroute")
    assert shown(panel) == {"401", "409"}
    panel.reset_filters()
    panel.visibility_combo.setCurrentIndex(panel.visibility_combo.findData("nonpublic"))
    wait_for(qtbot, panel, "Veloroute")
    assert shown(panel) == {"402", "403", "408"}
    panel.reset_filters()
    panel.to_edit.setDate(QDate(2025, 12, 31))
    wait_for(qtbot, panel, "Veloroute")
    assert panel.filters().date_to == date(2025, 12, 31) and panel.filters().date_from is None
    assert shown(panel) == {"405", "406"}
    panel.committee_combo.setCurrentIndex(panel.committee_combo.findData(JUGEND))
    wait_for(qtbot, panel, "Veloroute")
    assert shown(panel) == set() and "without them" in panel.status_label.text()
    panel.reset_filters()
    wait_for(qtbot, panel, "Veloroute")
    assert shown(panel) == ALL_CURRENT


# --- opening hits and the keyboard -------------------------------------------------------------------------


def test_down_and_enter_open_a_hit(qtbot: Any, panel: SearchPanel) -> None:
    results = search(qtbot, panel, "Radwege")
    assert [(h.file_id, h.page) for h in results.hits] == [("407", 1)]
    panel.focus_query()
    qtbot.keyClick(panel.query_edit, Qt.Key.Key_Down)
    assert panel.results_view.hasFocus() and panel.results_view.currentIndex().row() == 0
    with qtbot.waitSignal(panel.openHit, timeout=WAIT_MS) as opened:
        qtbot.keyClick(panel.results_view, Qt.Key.Key_Return)
    assert opened.args == ["407", 1, "Radwege"]  # the page as the viewer counts: 0-based
    qtbot.keyClick(panel.results_view, Qt.Key.Key_Up)
    assert panel.query_edit.hasFocus()


def test_enter_in_the_query_opens_the_first_hit(qtbot: Any, panel: SearchPanel) -> None:
    panel.focus_query()
    qtbot.keyClicks(panel.query_edit, "Einladung")
    with qtbot.waitSignal(panel.searchFinished, timeout=WAIT_MS):
        qtbot.keyClick(panel.query_edit, Qt.Key.Key_Return)  # searches at once, opens nothing yet
    with qtbot.waitSignal(panel.openHit, timeout=WAIT_MS) as opened:
        qtbot.keyClick(panel.query_edit, Qt.Key.Key_Enter)
    assert opened.args == ["404", 0, "Einladung"]
    qtbot.keyClick(panel.query_edit, Qt.Key.Key_Escape)
    assert panel.query_edit.text() == ""


def test_double_click_opens_a_hit(qtbot: Any, panel: SearchPanel) -> None:
    search(qtbot, panel, "Wertgutachten")
    view = panel.results_view
    centre: QPoint = view.visualRect(panel.model.index(0, 0)).center()
    with qtbot.waitSignal(panel.openHit, timeout=WAIT_MS) as opened:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert opened.args == ["403", 0, "Wertgutachten"]


def test_every_control_has_an_accessible_name(panel: SearchPanel) -> None:
    controls: list[QWidget] = [
        panel.query_edit, panel.filters_button, panel.committee_combo, panel.kind_combo,
        panel.visibility_combo, panel.from_edit, panel.to_edit, panel.reset_button, panel.results_view,
        panel.status_label,
    ]  # fmt: skip
    assert all(control.accessibleName() for control in controls)
    assert panel.focusProxy() is panel.query_edit
    panel.filters_button.click()
    assert not panel.filter_box.isVisible()


# --- replies and a changing replica ------------------------------------------------------------------------


def test_stale_replies_are_dropped(qtbot: Any, panel: SearchPanel) -> None:
    queries: list[str] = []
    panel.searchFinished.connect(lambda results: queries.append(results.query))
    for query in ("Veloroute", "Feuerwehr", "Veloroute Feuerwehr", "Spielplatz"):
        panel.set_query(query)  # each one at once, before any reply can arrive
    wait_for(qtbot, panel, "Spielplatz")
    # no wait for stale replies: the one worker answers in the order asked and its replies reach the GUI
    # thread in that order (one queued connection), so every older reply has landed before the last one
    assert queries == ["Spielplatz"] and shown(panel) == {"409"}


def test_refresh_after_the_replica_changed(
    qtbot: Any, panel: SearchPanel, council: tuple[DataPaths, bytes]
) -> None:
    search(qtbot, panel, "Tischvorlage")
    assert shown(panel) == set()
    paths, key = council
    with open_database(paths.database, key, create=False) as db:
        add_file(db, 411, "Tischvorlage", "late", ["Die Tischvorlage zum TOP 3."], meeting_id=100)
    with qtbot.waitSignal(panel.facetsLoaded, timeout=WAIT_MS):
        panel.refresh()
    wait_for(qtbot, panel, "Tischvorlage")
    assert shown(panel) == {"411"}
    assert panel.kind_combo.findText("late paper") > 0


def test_a_search_under_way_when_the_replica_changes_is_run_again(
    qtbot: Any, panel: SearchPanel, council: tuple[DataPaths, bytes]
) -> None:
    """A sync pass writes while a search runs and refreshes the panel before that search's hits land:
    the panel searches again (the hits of the search that began before the write lacked what it wrote)."""
    searched = threading.Event()
    worker = panel._worker
    send = worker._send

    def sent(reply: Any) -> None:
        send(reply)
        if reply.results is not None:
            searched.set()

    worker._send = sent  # type: ignore[method-assign]
    panel.set_query("Tischvorlage")  # at once: the worker searches ...
    assert searched.wait(WAIT_MS / 1000)  # ... and its hits wait for the GUI thread, which is busy here
    paths, key = council
    with open_database(paths.database, key, create=False) as db:  # the sync pass writes ...
        add_file(db, 411, "Tischvorlage", "late", ["Die Tischvorlage zum TOP 3."], meeting_id=100)
    panel.refresh()  # ... and tells the panel, before those hits landed
    wait_for(qtbot, panel, "Tischvorlage")
    assert shown(panel) == {"411"}


def test_errors_are_shown_in_the_panel(
    qtbot: Any, make_panel: Callable[..., SearchPanel], tmp_path: Path
) -> None:
    panel = make_panel(data_paths(tmp_path / "nothing-here"))  # no replica: ReplicaMissing
    panel.set_query("Veloroute")
    qtbot.waitUntil(lambda: "Search failed" in panel.status_label.text(), timeout=WAIT_MS)
    assert panel.model.rowCount() == 0 and panel.results() is None


# --- a replica synchronised from a real server -------------------------------------------------------------


@pytest.mark.slow
def test_searches_a_synchronised_replica(
    qtbot: Any, make_panel: Callable[..., SearchPanel], replica: DataPaths
) -> None:
    panel = make_panel(lambda: open_store(replica))
    results = search(qtbot, panel, "Groesse")  # ASCII: QTest's key clicks assert on other letters
    assert results.hits and all(hit.parts for hit in results.hits)
    hit = results.hits[0]
    assert any(matched and text.lower() == "größe" for text, matched in hit.parts)
    panel.focus_query()
    qtbot.keyClick(panel.query_edit, Qt.Key.Key_Down)
    with qtbot.waitSignal(panel.openHit, timeout=WAIT_MS) as opened:
        qtbot.keyClick(panel.results_view, Qt.Key.Key_Return)
    assert opened.args == [hit.file_id, hit.page, "Groesse"]


def test_hit_text_is_escaped(panel: SearchPanel) -> None:
    hit = SearchHit(
        file_id="1", page=4, score=-1.0, parts=(("a<b & ", False), ("Wort", True), (" </div>", False)),
        name="<i>Name</i>", context="TOP 1 & 2", committee=None, meeting_date=None, public=False,
        role="minutes", paper_type=None, file_pages_matched=3,
    )  # fmt: skip
    rich = hit_html(hit, panel.palette())
    assert "&lt;i&gt;Name&lt;/i&gt;" in rich and "a&lt;b &amp; <b>Wort</b> &lt;/div&gt;" in rich
    assert "TOP 1 &amp; 2" in rich and "non-public" in rich and "page 5" in rich
    assert hit_html(hit, panel.palette(), selected=True).count("style=") == 0
