"""``gremalda gui --smoke-test FILE.png``: start the window on the data directory (no sync), open the
next meeting's first document, wait until its first page is painted, save a screenshot of the window
and quit: 0 when all went well, 1 with a message on stderr otherwise. It checks an installed or packaged
client end to end (Qt platform plugin, fonts, keyring, replica, vault, render workers)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from gremalda.errors import GremaldaError
from gremalda.ui.document_area import DocumentTab
from gremalda.ui.error_reporter import ErrorReporter
from gremalda.ui.main_window import MainWindow

POLL_MS = 100
SETTLE_MS = 1000
#: a painted page shows text or pictures: many shades once the view is scaled down to a thumbnail
MIN_SHADES = 12
#: sampled pixels unlike the paper that make a painted page (a line of text has hundreds)
MIN_INK = 20


def painted_shades(widget: QWidget) -> int:
    """How many different colours a 96×96 thumbnail of the widget has (a blank or one-colour area:
    1-3; a page with text: dozens)."""
    image = widget.grab().toImage()
    if image.isNull() or image.width() < 16 or image.height() < 16:
        return 0
    small = image.scaled(
        96, 96, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    small = small.convertToFormat(QImage.Format.Format_RGB32)
    colours = {small.pixel(x, y) for y in range(small.height()) for x in range(small.width())}
    return len(colours)


class SmokeTest(QObject):
    def __init__(self, window: MainWindow, output: Path, timeout: float, reporter: ErrorReporter) -> None:
        super().__init__(window)
        self.window = window
        self.output = output
        self.deadline = time.monotonic() + timeout
        self.timeout = timeout
        self.code: int | None = None
        self.tab: DocumentTab | None = None
        self.stage = "loading the offline copy"
        self._painted = False
        self._loaded = False
        self._settling = False
        reporter.sink = self._error
        window.navigationLoaded.connect(self._navigation_loaded)
        window.folderShown.connect(self._folder_shown)
        window.documentOpened.connect(self._document_opened)
        window.documents.documentLoaded.connect(self._document_loaded)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def _navigation_loaded(self) -> None:
        if self.stage == "loading the offline copy":
            data = self.window.navigation_data
            if data is None or data.next_meeting is None:
                self._fail("the offline copy holds no meeting; synchronise first")
                return
            self.stage = "showing the next meeting"

    def _folder_shown(self, kind: str, _object_id: str) -> None:
        if kind != "meeting" or self.stage != "showing the next meeting":
            return
        files = [f for f in self.window.agenda.files() if f.stored]
        if not files:
            self._fail("the next meeting has no document on this device; synchronise first")
            return
        self.stage = f"opening {files[0].file_name or files[0].id}"
        self.window.agenda.select_file(files[0].id)
        self.tab = self.window.open_file(files[0])

    def _document_opened(self, tab: DocumentTab) -> None:
        if tab is self.tab:
            self.stage = f"rendering the first page of {tab.title}"
            signal = _first_of(tab.view, ("firstPagePainted", "pagePainted", "pageRendered"))
            if signal is not None:
                signal.connect(self._painted_signal)

    def _document_loaded(self, tab: DocumentTab, info: Any) -> None:
        if tab is not self.tab:
            return
        error = getattr(info, "error", None)
        if error:
            self._fail(f"the document cannot be shown: {error}")
            return
        self._loaded = True

    def _painted_signal(self, *_args: object) -> None:
        self._painted = True

    def _poll(self) -> None:
        if self.code is not None:
            return
        if time.monotonic() > self.deadline:
            self._fail(f"timed out after {self.timeout:.0f} s while {self.stage}")
            return
        tab = self.tab
        if tab is None or not self._loaded:
            return
        if self._settling:
            return
        if self._painted or first_page_painted(tab):
            # the quick low-resolution picture is there; give the sharp one a moment
            self._settling = True
            self.stage = "waiting for the sharp page"
            QTimer.singleShot(SETTLE_MS, self._finish)

    def _finish(self) -> None:
        if self.code is not None:
            return
        QApplication.processEvents()
        self.output.parent.mkdir(parents=True, exist_ok=True)
        if not self.window.grab().save(str(self.output), "PNG"):
            self._fail(f"cannot write the screenshot {self.output}")
            return
        print(f"gremalda: smoke test passed; screenshot in {self.output}", file=sys.stderr)
        clerk = self.window.clerk
        dialog = clerk.show_deliveries() if clerk.clerk and clerk.actions["deliveries"].isEnabled() else None
        if dialog is None:
            self._quit(0)
            return
        self.stage = "showing the proof of delivery (clerk)"  # a second screenshot, of the dialog
        shot = self.output.with_name(f"{self.output.stem}-delivery{self.output.suffix}")
        dialog.loaded.connect(
            lambda _table: QTimer.singleShot(SETTLE_MS, lambda: self._grab_dialog(dialog, shot))
        )

    def _grab_dialog(self, dialog: QWidget, shot: Path) -> None:
        if self.code is None and dialog.grab().save(str(shot), "PNG"):
            print(f"gremalda: proof of delivery in {shot}", file=sys.stderr)
        self._quit(0)

    def _error(self, error: GremaldaError) -> None:
        self._fail(f"{error.title}: {error.message}" + (f" ({error.detail})" if error.detail else ""))

    def _fail(self, message: str) -> None:
        if self.code is None:
            print(f"gremalda: smoke test failed: {message}", file=sys.stderr)
            self._quit(1)

    def _quit(self, code: int) -> None:
        self.code = code
        self.timer.stop()
        QTimer.singleShot(0, lambda: QApplication.exit(code))


def first_page_painted(tab: DocumentTab) -> bool:
    """Whether the view shows its first page with something on it. The view fills a page white (black
    at night) until its image arrives, so ink inside the page's rectangle means it was rendered. For a
    view without ``page_area().page_rect()``, many shades in the view's picture must do."""
    getter = getattr(tab.view, "page_area", None)
    area = getter() if callable(getter) else None
    page_rect = getattr(area, "page_rect", None)
    viewport = getattr(area, "viewport", None)
    if not callable(page_rect) or not callable(viewport):
        return painted_shades(tab.view_widget) >= MIN_SHADES
    port = viewport()
    rect = page_rect(0).toAlignedRect().intersected(port.rect()).adjusted(6, 6, -6, -6)
    if rect.width() < 20 or rect.height() < 20:
        return False
    image = port.grab(rect).toImage()
    paper = image.pixelColor(2, 2).lightness()
    ink = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            if abs(image.pixelColor(x, y).lightness() - paper) > 60:
                ink += 1
                if ink >= MIN_INK:
                    return True
    return False


def _first_of(obj: object, names: tuple[str, ...]) -> Any:
    for name in names:
        signal = getattr(obj, name, None)
        if signal is not None and hasattr(signal, "connect"):
            return signal
    return None
