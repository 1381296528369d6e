"""The status bar's button for the annotations that need the user (sync's orphan count: orphaned ones and
flagged ones, moved to a new version and to be checked) does not call them all orphaned: "n annotation(s)
need attention", in English and German, singular and plural; hidden at 0. The window's flagged-only case
(a replaced document) is tests/gui/test_document_versions.py."""

from __future__ import annotations

from typing import Any

from gremalda.ui.status_bar import StatusBar


def _texts(qtbot: Any) -> list[str]:
    bar = StatusBar()
    qtbot.addWidget(bar)
    texts = []
    for count in (1, 2):
        bar.set_orphans(count)
        assert not bar.orphans.isHidden() and bar.orphan_count == count
        texts.append(bar.orphans.text())
    bar.set_orphans(0)
    assert bar.orphans.isHidden() and bar.orphans.text() == ""
    return texts


def test_the_button_says_the_annotations_need_attention_not_that_they_are_orphaned(qtbot: Any) -> None:
    texts = _texts(qtbot)
    assert texts == ["⚠ 1 annotation needs attention", "⚠ 2 annotations need attention"]
    assert not any("orphan" in text for text in texts)


def test_the_button_speaks_german(qtbot: Any, german: None) -> None:
    texts = _texts(qtbot)
    assert texts == ["⚠ 1 Anmerkung braucht Aufmerksamkeit", "⚠ 2 Anmerkungen brauchen Aufmerksamkeit"]
    assert not any("verwaist" in text for text in texts)
