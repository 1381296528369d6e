"""The document viewer (gremalda.ui.viewer) with real PDFs, offscreen, through pytest-qt.

Qt warnings fail these tests: tests/gui/conftest.py installs the message handler.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QImage, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QTreeView,
    QWidget,
)

from gremalda.pdf import render
from gremalda.pdf.tilecache import TileKey
from gremalda.ui.viewer import DocumentView, RenderBridge
from gremalda.ui.viewer.page_area import PageArea, low_scale

PDF_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pdf"
PASSWORD = "openpassword"  # from the sample collection's files.json, see shared/data/README.md
# how long a test waits for what the render workers and the GUI thread must do: the waits return as soon as
# it happened; generous for a loaded CI machine (20-30x slower at moments), reached only when something broke
LOAD_MS = 120_000

pytestmark = pytest.mark.skipif(
    not PDF_DIR.is_dir(), reason=f"sample PDF folder {PDF_DIR} is absent (shared test data not installed)"
)


def _pdf(name: str) -> bytes:
    return (PDF_DIR / name).read_bytes()


# -- fixtures ------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def gui_thread_never_waits(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fail when the GUI (main) thread waits on a future that is not done yet (a render, a search)."""
    waits: list[str] = []
    result, exception = Future.result, Future.exception

    def guard(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def checked(self: Future[Any], timeout: float | None = None) -> Any:
            if threading.current_thread() is threading.main_thread() and not self.done():
                waits.append(name)
            return original(self, timeout)

        return checked

    monkeypatch.setattr(Future, "result", guard("result", result))
    monkeypatch.setattr(Future, "exception", guard("exception", exception))
    yield waits
    assert waits == [], "the GUI thread waited on a future"


@pytest.fixture
def view(qtbot: Any, bridge: RenderBridge) -> Iterator[DocumentView]:
    v = DocumentView(bridge)
    qtbot.addWidget(v)
    v.resize(800, 600)
    with qtbot.waitExposed(v, timeout=LOAD_MS):
        v.show()
    yield v
    v.close_document()


def _open(qtbot: Any, view: DocumentView, name: str, **kwargs: Any) -> render.DocumentInfo:
    with qtbot.waitSignal(view.documentLoaded, timeout=LOAD_MS) as loaded:
        view.open_document(name, _pdf(name), name, **kwargs)
    info: render.DocumentInfo = loaded.args[0]
    return info


def _hold(busy: str, gate: str) -> str:
    """Keep a render worker busy: say so (the file ``busy``), then wait until the file ``gate`` exists."""
    Path(busy).touch()
    deadline = time.monotonic() + 2 * LOAD_MS / 1000
    while not os.path.exists(gate) and time.monotonic() < deadline:
        time.sleep(0.01)
    return "held"


def _in_view(items: QAbstractItemView, index: QModelIndex) -> bool:
    """The row of ``index`` is laid out and shown in the view's viewport (a click there hits it)."""
    rect = items.visualRect(index)
    return not rect.isEmpty() and items.viewport().rect().contains(rect.center())


def _grab(view: DocumentView) -> QImage:
    area = view.page_area()
    return area.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB888)


def _count(image: QImage, rect: QRect, test: Callable[[QColor], bool], step: int = 3) -> float:
    """Fraction of the sampled pixels of ``rect`` (clipped to the image) that pass ``test``."""
    rect = rect.intersected(image.rect())
    hits = total = 0
    for y in range(rect.top(), rect.bottom(), step):
        for x in range(rect.left(), rect.right(), step):
            total += 1
            hits += test(image.pixelColor(x, y))
    return hits / total if total else 0.0


def _dark(color: QColor) -> bool:
    return color.lightness() < 80


def _light(color: QColor) -> bool:
    return color.lightness() > 200


def _page_painted(view: DocumentView, page: int, *, min_dark: float = 0.002) -> bool:
    """True once the page shows ink: some dark pixels on it (a blank white page has none)."""
    rect = view.page_rect(page).toRect()
    return _count(_grab(view), rect, _dark) >= min_dark


def _sharp(view: DocumentView, bridge: RenderBridge, page: int) -> bool:
    """True once the image of ``page`` at the current zoom is in the cache (not only the quick one)."""
    area = view.page_area()
    scale = round(view.zoom_percent() / 100 * 96 / 72 * area.devicePixelRatioF(), 3)
    keys = [key for key, _ in bridge.cache.page_images(area._doc or "", page, view.night_mode())]
    return any(abs(key.scale - scale) < 0.002 for key in keys)


def _key(
    qtbot: Any,
    view: DocumentView,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.keyClick(view.page_area(), key, modifier)


# -- opening and painting ----------------------------------------------------------------------------


def test_first_page_is_painted(qtbot: Any, view: DocumentView) -> None:
    start = time.perf_counter()
    info = _open(qtbot, view, "GeoTopo-komprimiert.pdf")
    assert info.page_count == 117 and view.page_count() == 117
    assert view.message() is None and view.current_page() == 0
    assert view.title() == "Geometrie und Topologie"
    qtbot.waitUntil(lambda: _page_painted(view, 0), timeout=LOAD_MS)
    print(f"GeoTopo: first page painted {1000 * (time.perf_counter() - start):.0f} ms after open_document")
    image = _grab(view)
    page = view.page_rect(0).toRect()
    assert page.width() > 700  # fit-width by default
    assert _count(image, page, _light) > 0.8  # white paper with some ink
    assert _count(image, QRect(0, 0, 8, image.height()), _light) == 0  # grey gap beside the page


def test_quick_image_first_then_sharp_and_neighbours_prefetched(
    qtbot: Any, view: DocumentView, bridge: RenderBridge
) -> None:
    arrived: list[TileKey] = []
    bridge.imageReady.connect(arrived.append)
    info = _open(qtbot, view, "GeoTopo-komprimiert.pdf", page=20)
    qtbot.waitUntil(lambda: _sharp(view, bridge, 20), timeout=LOAD_MS)
    doc = view.page_area()._doc
    mine = [key for key in arrived if key.doc == doc and key.page == 20]
    # the quick image and the sharp one of the page in view are asked for together (two workers): the
    # quick one shows first unless the sharp one is done sooner (which a loaded machine may make it, the
    # quick one then arriving last), which then makes the quick one moot: the sharp one is painted
    quick = low_scale(info.pages[20])
    sharp = max(key.scale for key in mine)
    assert sharp > quick and all(key.scale in (quick, sharp) for key in mine)
    assert view.page_rect(21).top() > view.page_area().viewport().height()  # the next page is not in view
    qtbot.waitUntil(lambda: _sharp(view, bridge, 21) and _sharp(view, bridge, 19), timeout=LOAD_MS)
    bridge.imageReady.disconnect(arrived.append)


def test_opens_at_the_remembered_page(qtbot: Any, view: DocumentView) -> None:
    with qtbot.waitSignal(view.pageChanged, timeout=LOAD_MS, check_params_cb=lambda page: page == 40):
        _open(qtbot, view, "GeoTopo-komprimiert.pdf", page=40)
    assert view.current_page() == 40
    qtbot.waitUntil(lambda: _page_painted(view, 40), timeout=LOAD_MS)


def test_keyboard_navigation(qtbot: Any, view: DocumentView, bridge: RenderBridge) -> None:
    _open(qtbot, view, "GeoTopo-komprimiert.pdf")
    view.set_zoom("fit-page")
    with qtbot.waitSignal(view.pageChanged, timeout=LOAD_MS, check_params_cb=lambda page: page == 1):
        _key(qtbot, view, Qt.Key.Key_PageDown)
    _key(qtbot, view, Qt.Key.Key_PageDown)
    assert view.current_page() == 2
    _key(qtbot, view, Qt.Key.Key_PageUp)
    assert view.current_page() == 1
    _key(qtbot, view, Qt.Key.Key_End)
    assert view.current_page() == 116
    _key(qtbot, view, Qt.Key.Key_Home)
    assert view.current_page() == 0
    _key(qtbot, view, Qt.Key.Key_Right)  # no horizontal scrolling at fit-page: next page
    assert view.current_page() == 1
    _key(qtbot, view, Qt.Key.Key_Left)
    assert view.current_page() == 0
    bar = view.page_area().verticalScrollBar()
    before = bar.value()
    _key(qtbot, view, Qt.Key.Key_Down)
    assert bar.value() > before

    view.set_zoom("fit-width")  # a page taller than the window: Page Down scrolls within it first
    view.go_to_page(10)
    top = bar.value()
    _key(qtbot, view, Qt.Key.Key_PageDown)
    assert 0 < bar.value() - top < view.page_area().viewport().height()
    assert view.current_page() in (10, 11)
    qtbot.waitUntil(lambda: _sharp(view, bridge, view.current_page()), timeout=LOAD_MS)


def test_scrolling_changes_the_page(qtbot: Any, view: DocumentView) -> None:
    _open(qtbot, view, "GeoTopo-komprimiert.pdf")
    seen: list[int] = []
    view.pageChanged.connect(seen.append)
    bar = view.page_area().verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    assert 50 <= view.current_page() <= 66
    assert seen[-1] == view.current_page()
    bar.setValue(bar.maximum())
    assert view.current_page() == 116
    qtbot.waitUntil(lambda: _page_painted(view, 116), timeout=LOAD_MS)


def test_fast_scrolling_drops_stale_renders(
    qtbot: Any, view: DocumentView, bridge: RenderBridge, tmp_path: Path
) -> None:
    _open(qtbot, view, "GeoTopo-komprimiert.pdf")
    dropped: list[object] = []
    bridge.imageDropped.connect(dropped.append)
    # both workers busy until the flick is over (a gate the test opens, not a sleep a slow flick outlasts)
    gate = tmp_path / "gate"
    busy = [tmp_path / f"busy-{n}" for n in range(2)]
    blockers = [bridge.renderer._submit_call(_hold, str(b), str(gate), priority=-100) for b in busy]
    qtbot.waitUntil(lambda: all(b.exists() for b in busy), timeout=LOAD_MS)
    bar = view.page_area().verticalScrollBar()
    for step in range(0, 101, 4):  # flick through the document while both workers are busy
        bar.setValue(bar.maximum() * step // 100)
        QApplication.processEvents()
    gate.touch()
    qtbot.waitUntil(lambda: all(b.done() for b in blockers), timeout=LOAD_MS)
    assert len(dropped) > 10  # the pages that went by were never rendered
    qtbot.waitUntil(lambda: _page_painted(view, 116) and _sharp(view, bridge, 116), timeout=LOAD_MS)
    bridge.imageDropped.disconnect(dropped.append)


def test_zoom_modes(qtbot: Any, view: DocumentView, bridge: RenderBridge) -> None:
    _open(qtbot, view, "GeoTopo-komprimiert.pdf")
    viewport = view.page_area().viewport()
    assert view.zoom_mode() == "fit-width"
    assert viewport.width() - 30 < view.page_rect(0).width() <= viewport.width()
    view.set_zoom("fit-page")
    page = view.page_rect(0)
    assert page.height() <= viewport.height() and page.height() > viewport.height() - 30
    view.set_zoom("percent", 200)
    assert view.zoom_percent() == pytest.approx(200)
    assert view.page_rect(0).width() == pytest.approx(595.276 * 2 * 96 / 72, rel=1e-3)
    with qtbot.waitSignal(view.zoomChanged, timeout=LOAD_MS):
        _key(qtbot, view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom_percent() == pytest.approx(250)
    _key(qtbot, view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    _key(qtbot, view, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom_percent() == pytest.approx(175)
    _key(qtbot, view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom_mode() == "fit-width"
    wheel = QWheelEvent(
        QPointF(100, 100),
        QPointF(viewport.mapToGlobal(QPoint(100, 100))),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    before = view.zoom_percent()
    QApplication.sendEvent(viewport, wheel)
    assert view.zoom_percent() == pytest.approx(before * 1.21, rel=1e-3)  # Ctrl+wheel: 10 % per notch
    with pytest.raises(ValueError):
        view.set_zoom("sideways")
    view.set_zoom("percent", 5000)
    assert view.zoom_percent() == pytest.approx(800)  # clamped
    # at 800 % a page is rendered in tiles, only those in view
    qtbot.waitUntil(lambda: _page_painted(view, view.current_page(), min_dark=0.0005), timeout=LOAD_MS)
    doc = view.page_area()._doc or ""
    qtbot.waitUntil(
        lambda: any(k.clip is not None for k, _ in bridge.cache.page_images(doc, view.current_page(), False)),
        timeout=LOAD_MS,
    )
    tiles = [k for k, _ in bridge.cache.page_images(doc, view.current_page(), False) if k.clip is not None]
    assert tiles and len(tiles) < 60  # the whole page would be ~10 × 14 tiles


def test_night_mode_darkens_text_but_keeps_pictures(
    qtbot: Any, view: DocumentView, bridge: RenderBridge
) -> None:
    _open(qtbot, view, "pdflatex-image.pdf")
    view.set_zoom("fit-page")
    qtbot.waitUntil(lambda: _sharp(view, bridge, 0), timeout=LOAD_MS)
    qtbot.wait(50)
    page = view.page_rect(0)
    zoom = page.width() / 595.276
    picture = QRect(  # the photo's box in points (147.6, 229.3)–(447.6, 429.3), shrunk to stay inside
        round(page.x() + 152 * zoom), round(page.y() + 234 * zoom), round(290 * zoom), round(190 * zoom)
    )
    margin = QRect(round(page.x() + 10), round(page.y() + 10), 30, 30)
    day = _grab(view)
    assert _count(day, margin, _light) == 1.0
    with qtbot.waitSignal(view.nightModeChanged, timeout=LOAD_MS):
        view.set_night_mode(True)
    qtbot.waitUntil(lambda: _sharp(view, bridge, 0), timeout=LOAD_MS)
    qtbot.wait(50)
    night = _grab(view)
    assert _count(night, margin, _dark) == 1.0  # the paper went dark
    assert _count(night, page.toRect(), _light) > 0.001  # and the text light
    differences = [
        abs(day.pixelColor(x, y).lightness() - night.pixelColor(x, y).lightness())
        for y in range(picture.top(), picture.bottom(), 4)
        for x in range(picture.left(), picture.right(), 4)
    ]
    assert max(differences) <= 2  # the photo kept its colours
    colourful = _count(night, picture, lambda c: c.saturation() > 60)
    assert colourful > 0.2
    view.set_night_mode(False)
    assert not view.night_mode()


# -- find ----------------------------------------------------------------------------------------------


def test_find_next_and_previous(qtbot: Any, view: DocumentView) -> None:
    _open(qtbot, view, "GeoTopo-komprimiert.pdf")
    _key(qtbot, view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = view.findChild(QLineEdit)
    assert bar is not None and bar.isVisible() and bar.hasFocus()
    qtbot.keyClicks(bar, "Kompaktheit")
    qtbot.keyClick(bar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.current_hit() == 0, timeout=LOAD_MS)
    hits = view.find_hits()
    assert len(hits) > 3
    first_page = hits[0][0]
    assert view.current_page() <= first_page <= view.current_page() + 1
    qtbot.keyClick(bar, Qt.Key.Key_Return)
    assert view.current_hit() == 1
    qtbot.keyClick(bar, Qt.Key.Key_F3)
    assert view.current_hit() == 2
    qtbot.keyClick(bar, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert view.current_hit() == 1
    qtbot.keyClick(bar, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert view.current_hit() == 0
    view.find_previous()  # wraps around
    assert view.current_hit() == len(hits) - 1
    assert view.current_page() == hits[-1][0]
    view.find_next()
    assert view.current_hit() == 0
    _key(qtbot, view, Qt.Key.Key_F3)  # F3 in the pages works too
    assert view.current_hit() == 1
    qtbot.keyClick(bar, Qt.Key.Key_Escape)
    assert not bar.isVisible() and view.find_hits() == []

    view.find("zzqqxxnotthere")
    qtbot.waitUntil(lambda: _status(view) == "No matches", timeout=LOAD_MS)
    assert view.find_hits() == []


def _status(view: DocumentView) -> str:
    labels = [w for w in view.findChildren(QLabel) if w.accessibleName() == "Find status"]
    return labels[0].text() if labels else ""


def test_find_highlights_hits_on_the_page(qtbot: Any, view: DocumentView, bridge: RenderBridge) -> None:
    _open(qtbot, view, "GeoTopo-komprimiert.pdf")
    view.find("Inhaltsverzeichnis")
    qtbot.waitUntil(lambda: view.current_hit() == 0, timeout=LOAD_MS)
    page, (x0, y0, x1, y1) = view.find_hits()[0]
    qtbot.waitUntil(lambda: _sharp(view, bridge, page), timeout=LOAD_MS)
    qtbot.wait(50)
    rect = view.page_rect(page)
    zoom = rect.width() / 595.276
    box = QRect(
        round(rect.x() + x0 * zoom),
        round(rect.y() + y0 * zoom),
        round((x1 - x0) * zoom),
        round((y1 - y0) * zoom),
    )
    orange = _count(
        _grab(view),
        box.adjusted(2, 2, -2, -2),
        lambda c: c.red() > 200 and c.blue() < 150 and c.green() < 220,
    )
    assert orange > 0.5


def test_highlight_opens_at_a_search_hit(qtbot: Any, view: DocumentView) -> None:
    data = _pdf("GeoTopo-komprimiert.pdf")
    view.open_document("geo", data, "GeoTopo")
    view.highlight("Metrische Räume", 9)  # before the pages are there: applied when they are
    qtbot.waitUntil(lambda: view.current_hit() >= 0, timeout=LOAD_MS)
    assert view.current_page() == 9 or view.find_hits()[view.current_hit()][0] >= 9
    assert view.find_hits()[view.current_hit()][0] >= 9
    # a full-text query of several words that do not form a phrase: its words are highlighted
    view.highlight("Kompaktheit Stetigkeit", 20)
    qtbot.waitUntil(lambda: view.current_hit() >= 0, timeout=LOAD_MS)
    pages = {page for page, _ in view.find_hits()}
    assert len(pages) > 3


# -- side panels -------------------------------------------------------------------------------------


def test_thumbnails_render_lazily_and_navigate(qtbot: Any, view: DocumentView, bridge: RenderBridge) -> None:
    info = _open(qtbot, view, "GeoTopo-komprimiert.pdf")
    panel = view.thumbnails_widget()
    assert isinstance(panel, QListView) and panel.accessibleName()
    host = QWidget()
    qtbot.addWidget(host)
    panel.setParent(host)
    panel.resize(180, 500)
    host.resize(180, 500)
    with qtbot.waitExposed(host, timeout=LOAD_MS):
        host.show()
        panel.show()
    model = panel.model()
    assert model.rowCount() == 117
    assert model.index(0, 0).data() == info.pages[0].label == "i"
    thumb_keys = [model.key(row) for row in range(117)]  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: thumb_keys[0] in bridge.cache, timeout=LOAD_MS)
    assert thumb_keys[100] not in bridge.cache  # far below: not rendered
    index = model.index(6, 0)
    panel.scrollTo(index)
    qtbot.waitUntil(lambda: _in_view(panel, index), timeout=LOAD_MS)  # laid out and scrolled to
    with qtbot.waitSignal(view.pageChanged, timeout=LOAD_MS, check_params_cb=lambda page: page == 6):
        qtbot.mouseClick(panel.viewport(), Qt.MouseButton.LeftButton, pos=panel.visualRect(index).center())
    assert view.current_page() == 6
    view.go_to_page(3)
    assert panel.currentIndex().row() == 3  # the panel follows the view


def test_outline_navigates(qtbot: Any, view: DocumentView) -> None:
    info = _open(qtbot, view, "GeoTopo-komprimiert.pdf")
    tree = view.outline_widget()
    assert isinstance(tree, QTreeView) and tree.accessibleName()
    host = QWidget()
    qtbot.addWidget(host)
    tree.setParent(host)
    host.resize(300, 500)
    tree.resize(300, 500)
    with qtbot.waitExposed(host, timeout=LOAD_MS):
        host.show()
        tree.show()
    model = tree.model()
    top_titles = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert top_titles[0] == "1 Topologische Grundbegriffe"
    chapter = model.index(0, 0)
    section = model.index(2, 0, chapter)  # 1.3 Stetigkeit
    assert section.data().startswith("1.3")
    tree.expand(chapter)
    tree.scrollTo(section)
    qtbot.waitUntil(lambda: _in_view(tree, section), timeout=LOAD_MS)  # laid out and scrolled to
    target = next(e.page for e in info.outline if e.title.startswith("1.3"))
    with qtbot.waitSignal(view.pageChanged, timeout=LOAD_MS, check_params_cb=lambda page: page == target):
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualRect(section).center())
    assert view.current_page() == target


# -- broken and locked documents ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"this is no PDF at all" * 50, "not a readable PDF"),
        (b"", "empty"),
        ("unreadablemetadata.pdf", "no pages"),
    ],
)
def test_broken_document_shows_a_message(qtbot: Any, view: DocumentView, data: Any, expected: str) -> None:
    if isinstance(data, str):
        data = _pdf(data)
    loaded: list[object] = []
    view.documentLoaded.connect(loaded.append)
    view.open_document("broken", data, "Vorlage 21-0815")
    qtbot.waitUntil(lambda: expected in (view.message() or ""), timeout=LOAD_MS)
    message = view.message() or ""
    assert "Vorlage 21-0815" in message and "cannot be shown" in message
    label = view.findChild(QWidget, "documentMessage")
    assert label is not None and label.isVisible()
    assert loaded == [] and view.page_count() == 0
    _open(qtbot, view, "pdflatex-4-pages.pdf")  # the view is fine for the next one
    assert view.message() is None


def test_password_is_asked_for(qtbot: Any, view: DocumentView, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[str, Any]] = []

    def answer(
        parent: Any, title: str, label: str, echo: Any = None, text: str = "", *args: Any
    ) -> tuple[str, bool]:
        asked.append((label, echo))
        return PASSWORD, True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    info = _open(qtbot, view, "libreoffice-writer-password.pdf")
    assert info.page_count == 1 and not info.needs_password
    assert len(asked) == 1 and asked[0][1] == QLineEdit.EchoMode.Password
    assert "protected by a password" in asked[0][0]
    qtbot.waitUntil(lambda: _page_painted(view, 0), timeout=LOAD_MS)


def test_wrong_password_says_so_and_allows_retry(
    qtbot: Any, view: DocumentView, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [("guess", True), ("", False)]
    asked: list[str] = []

    def answer(parent: Any, title: str, label: str, *args: Any) -> tuple[str, bool]:
        asked.append(label)
        return answers.pop(0)

    monkeypatch.setattr(QInputDialog, "getText", answer)
    view.open_document("pw", _pdf("libreoffice-writer-password.pdf"), "Nichtöffentliche Vorlage")
    qtbot.waitUntil(lambda: len(asked) == 2 and "wrong" in (view.message() or ""), timeout=LOAD_MS)
    assert "wrong" in asked[1]  # the second prompt says the first password was wrong
    assert view.message() == "The password for this PDF is wrong."
    retry = next(b for b in view.findChildren(QPushButton) if b.text().startswith("Enter password"))
    assert retry.isVisible()
    answers.append((PASSWORD, True))
    with qtbot.waitSignal(view.documentLoaded, timeout=LOAD_MS):
        qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)
    assert view.message() is None and view.page_count() == 1


def test_accessible_names_and_focus(qtbot: Any, view: DocumentView) -> None:
    _open(qtbot, view, "pdflatex-outline.pdf")
    area = view.findChild(PageArea)
    assert area is not None and area.accessibleName() == "Document pages"
    assert view.accessibleName()
    for widget in (view.thumbnails_widget(), view.outline_widget(), view.findChild(QLineEdit)):
        assert widget is not None and widget.accessibleName()
    view.setFocus()
    qtbot.waitUntil(area.hasFocus, timeout=LOAD_MS)
    image = _grab(view)
    highlight = view.palette().color(view.palette().ColorRole.Highlight)
    frame = _count(image, QRect(0, 100, 2, 200), lambda c: c == highlight, step=1)
    assert frame > 0.9  # the focus frame is drawn


def test_the_installed_pyside6_keeps_its_references_to_none_and_true(qtbot: Any) -> None:
    """PySide6 6.12.0 on Python 3.11 dropped a reference to None/True on every void call or emit and
    aborted the interpreter ("none_dealloc") after a few thousand; pyproject excludes that release."""
    widget = QWidget()
    qtbot.addWidget(widget)
    before = {name: sys.getrefcount(value) for name, value in (("None", None), ("True", True))}
    for _ in range(20_000):
        widget.update()
        widget.windowTitleChanged.emit("x")
    for name, value in (("None", None), ("True", True)):
        assert sys.getrefcount(value) >= before[name] - 100, name
