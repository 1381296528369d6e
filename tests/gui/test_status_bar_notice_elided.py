"""A status-bar notice too long for the room left of the permanent widgets (the ⚠ button, the last sync)
ends in "…" instead of being cut mid-word, and is whole in the tooltip and in currentMessage(); a short
one is drawn as it is, without a tooltip. German, in a 1280 px window. Offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from typing import Any

from PySide6.QtWidgets import QLabel, QMainWindow

from gremalda.ui.status_bar import StatusBar

WAIT = 120_000  # ms
LONG = (
    "Neue Fassung der Einladung zur 3. Sitzung des Ausschusses für Stadtentwicklung, Umwelt und Verkehr"
    " (Drucksache 22-0456): 4 Anmerkungen übertragen, 1 zu prüfen, die anderen sind an ihrem Platz"
)


def test_a_long_notice_is_elided_with_an_ellipsis_and_whole_in_the_tooltip(qtbot: Any, german: None) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    bar = StatusBar(window)
    window.setStatusBar(bar)
    window.setCentralWidget(QLabel("Dokument"))
    window.resize(1280, 800)
    with qtbot.waitExposed(window, timeout=WAIT):
        window.show()
    bar.set_orphans(2)
    bar.set_pending(3)
    bar.last_sync.setText("Zuletzt synchronisiert: 14:03")
    qtbot.waitUntil(lambda: bar.orphans.isVisible() and bar.orphans.x() > 0, timeout=WAIT)
    qtbot.waitUntil(lambda: bar.last_sync.width() >= bar.last_sync.sizeHint().width(), timeout=WAIT)

    bar.notice(LONG)
    assert bar.currentMessage() == LONG  # the notice itself is whole
    room = bar.message_rect()
    assert room.width() > 0 and room.right() < bar.orphans.x()  # left of the ⚠ button
    shown = bar.shown_message()
    assert shown.endswith("…") and shown != LONG, shown
    assert LONG.startswith(shown[:-1])
    assert bar.fontMetrics().horizontalAdvance(shown) <= room.width()
    assert bar.toolTip() == LONG
    if shot := os.environ.get("GREMALDA_SHOT"):  # to look at it
        bar.grab().save(shot)

    bar.notice("Gespeichert.")
    assert bar.shown_message() == "Gespeichert." and bar.toolTip() == ""
    bar.clearMessage()
    assert bar.shown_message() == "" and bar.toolTip() == ""
