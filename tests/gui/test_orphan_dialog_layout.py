"""The orphaned annotations' dialog (German) on a 1280×800 screen: it opens wide enough (within the
screen) that the document's name and the reason ("Grund") are shown whole, the columns fill the list, and
each annotation shows the date it was written, not when re-anchoring moved it to a new version. A real
server on loopback, a real SQLCipher replica, the real dialog. Offscreen."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QRect

from gremalda.core.annotations import merge
from gremalda.core.annotations.records import Kind
from gremalda.core.annotations.store import AnnotationStore
from gremalda.paths import DataPaths
from gremalda.store.replica import open_store
from gremalda.ui.annotation_format import date_text
from gremalda.ui.annotations.model import AnnotationModel
from gremalda.ui.orphan_dialog import DATE, DOCUMENT, WHY, OrphanDialog
from tests.gui.conftest import GuiWorld

WAIT = 120_000  # ms; reached only when something is broken
WRITTEN = "2026-09-14T08:30:00+00:00"
MOVED = "2026-11-30T17:45:00+00:00"  # when re-anchoring put it into the new version


@pytest.fixture
def replica(gui_world: GuiWorld, tmp_path: Path) -> DataPaths:
    return gui_world.replica(tmp_path)


def test_the_orphan_dialog_shows_names_reasons_and_written_dates_at_1280(
    qtbot: Any, model: AnnotationModel, replica: DataPaths, gui_world: GuiWorld, german: None
) -> None:
    with open_store(replica) as store:
        user = str(json.loads(store.state("account") or "{}")["id"])
    rich = str(gui_world.ids["rich_file"])
    flagged, gone = (
        replace(
            merge.create(
                model.device,
                file_id=file_id,
                kind=Kind.NOTE,
                page=0,
                author_id=user,
                rect=(1.0, 1.0, 9.0, 9.0),
                text=text,
                now=WRITTEN,
            ),
            modified=MOVED,
            attention=file_id == rich,
        )
        for file_id, text in ((rich, "Zahlen prüfen"), ("999999", "Frage zur Anlage"))
    )
    with open_store(replica) as store:
        notes = AnnotationStore(store.db, user_id=user)
        for record in (flagged, gone):
            notes.save(record)

    dialog = OrphanDialog(model, model._writer)
    qtbot.addWidget(dialog)
    dialog.fit_screen(QRect(0, 0, 1280, 800))
    assert 1100 <= dialog.width() <= 1280 and dialog.height() <= 800
    dialog.fit_screen(QRect(0, 0, 800, 600))  # a small screen: within it
    assert dialog.width() <= 800 and dialog.height() <= 600
    dialog.fit_screen(QRect(0, 0, 1280, 800))
    with qtbot.waitExposed(dialog, timeout=WAIT):
        dialog.show()
    qtbot.waitUntil(lambda: len(dialog.orphans()) == 2, timeout=WAIT)

    view, header = dialog.view, dialog.view.header()
    metrics = view.fontMetrics()
    reasons = {dialog.model_.item(row, WHY).text() for row in range(dialog.model_.rowCount())}
    assert "In der neuen Fassung nicht gefunden" in reasons, reasons
    for row in range(dialog.model_.rowCount()):
        # the date it was written, not the re-anchoring's
        assert dialog.model_.item(row, DATE).text() == date_text(WRITTEN) != date_text(MOVED)

    def names_and_reasons_whole_without_empty_space() -> None:
        for row in range(dialog.model_.rowCount()):
            for column in (DOCUMENT, WHY):  # shown whole: as wide as Qt needs for the text (not elided)
                text = dialog.model_.item(row, column).text()
                assert header.sectionSize(column) >= view.sizeHintForColumn(column), (text, column)
                assert header.sectionSize(column) > metrics.horizontalAdvance(text), (text, column)
        used = sum(header.sectionSize(c) for c in range(header.count()))
        assert used >= view.viewport().width() - 2, (used, view.viewport().width())

    # the columns fitted to their contents are laid out by the header a step later (an event): wait for it
    qtbot.waitUntil(names_and_reasons_whole_without_empty_space, timeout=WAIT)
    if shot := os.environ.get("GREMALDA_SHOT"):  # to look at it
        dialog.grab().save(shot)
