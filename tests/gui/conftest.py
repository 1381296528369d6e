"""GUI test fixtures: offscreen Qt by default, Qt warnings fail the test, replicas filled by syncing
from a real server on a loopback port (the test world of the integration tests, plus a past meeting and
a richer PDF), preferences in a temporary file, and a stand-in document view for the shell's tests.
Shared by the test files: the German translations for a test (``german``), a replica's user id, the
annotation model and its ``saved()`` wait, the render bridge and mouse input on a document view, a
clerk's main window (``open_window``) with ``drop_files()`` on its agenda editor, and the inbox.

Run under `.ci/with-keyring` (the replica's keys live in the OS keyring)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any QApplication exists

import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import (
    QEvent,
    QMessageLogContext,
    QMimeData,
    QPointF,
    QSettings,
    Qt,
    QtMsgType,
    QUrl,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QMouseEvent, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from gremalda.core.account import sign_in
from gremalda.core.syncing import synchronise
from gremalda.paths import DataPaths, data_paths
from gremalda.store.replica import open_store
from gremalda.ui.annotations.model import AnnotationModel
from gremalda.ui.annotations.tools import AnnotationTools
from gremalda.ui.clerk.inbox import Inbox
from gremalda.ui.clerk.workspace import ClerkWorkspace
from gremalda.ui.i18n import install_translations
from gremalda.ui.main_window import MainWindow
from gremalda.ui.preferences import Preferences
from gremalda.ui.viewer import DocumentView, RenderBridge
from sync.engine import RetryPolicy
from sync.server.db import write_session
from sync.server.models import AgendaItem, Consultation, File, FileRole, Meeting, MeetingState, Paper
from tests.integration.live import LiveServer, live_server
from tests.integration.world import PASSWORD, World, build_world

QUICK = RetryPolicy(attempts=3, base=0.01, cap=0.05)

# Qt messages that say nothing about our code (the offscreen platform's limits)
IGNORED_QT_MESSAGES = ("This plugin does not support",)


@pytest.fixture(autouse=True)
def fail_on_qt_warnings() -> Iterator[list[str]]:
    """Any qWarning/qCritical/qFatal during the test fails it (napari and qutebrowser do the same)."""
    messages: list[str] = []

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        serious = kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
        if serious and not any(message.startswith(prefix) for prefix in IGNORED_QT_MESSAGES):
            where = f" ({context.file}:{context.line})" if context.file else ""
            messages.append(f"{kind.name}: {message}{where}")

    previous = qInstallMessageHandler(handler)
    try:
        yield messages
    finally:
        qInstallMessageHandler(previous)
    if messages:
        pytest.fail("Qt warnings during the test:\n" + "\n".join(messages), pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def english(qapp: Any) -> None:
    """The tests read English texts, with the plural forms of the English translation."""
    install_translations("en")


@pytest.fixture
def german(qapp: Any) -> Iterator[None]:
    """The German translations for the test (as a German user sees the texts), English again after it
    (the other tests read English)."""
    assert install_translations("de") == "de"
    try:
        yield
    finally:
        assert install_translations("en") == "en"


@pytest.fixture
def preferences(tmp_path: Path) -> Preferences:
    """Preferences in a file of the test's own (never the user's settings)."""
    return Preferences(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


# --- a stand-in document view -------------------------------------------------------------------


@dataclass
class FakeInfo:
    key: str
    page_count: int
    error: str | None = None
    title: str = ""
    outline: tuple[Any, ...] = ()


class FakeDocumentView(QWidget):
    """Implements the document view contract (see the issue notes) without rendering; records calls."""

    pageChanged = Signal(int)  # noqa: N815 (Qt's naming)
    documentLoaded = Signal(object)  # noqa: N815 (Qt's naming)
    instances: list[FakeDocumentView] = []  # noqa: RUF012 - a registry shared by the tests

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Document page")
        self.label = QLabel("(empty)", self)
        self.label.setAccessibleName("Document page")
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self.key: str | None = None
        self.data: bytes = b""
        self.page = 0
        self.night = False
        self.zoom: tuple[str, float | None] = ("fit-width", None)
        self.calls: list[tuple[Any, ...]] = []
        self._thumbnails = QLabel("thumbnails")
        self._outline = QLabel("outline")
        FakeDocumentView.instances.append(self)

    def open_document(
        self, key: str, data: bytes, title: str, *, page: int = 0, password: str | None = None
    ) -> None:
        self.key, self.data, self.page = key, data, page
        self.calls.append(("open", key, title, page))
        self.label.setText(f"{title} page {page + 1}")
        self.documentLoaded.emit(FakeInfo(key, 3, None if data.startswith(b"%PDF") else "not a PDF"))

    def go_to_page(self, page: int) -> None:
        self.page = page
        self.calls.append(("go", page))
        self.pageChanged.emit(page)

    def current_page(self) -> int:
        return self.page

    def set_zoom(self, mode: str, percent: float | None = None) -> None:
        self.zoom = (mode, percent)

    def set_night_mode(self, on: bool) -> None:
        self.night = on

    def find(self, text: str) -> None:  # type: ignore[override]
        self.calls.append(("find", text))

    def find_next(self) -> None:
        self.calls.append(("find_next",))

    def find_previous(self) -> None:
        self.calls.append(("find_previous",))

    def highlight(self, query: str, page: int) -> None:
        self.calls.append(("highlight", query, page))

    def thumbnails_widget(self) -> QWidget:
        return self._thumbnails

    def outline_widget(self) -> QWidget:
        return self._outline


@pytest.fixture
def fake_views() -> Iterator[Callable[[QWidget], FakeDocumentView]]:
    FakeDocumentView.instances.clear()
    yield lambda parent: FakeDocumentView(parent)
    FakeDocumentView.instances.clear()


# --- replicas filled from a real server -----------------------------------------------------------


def rich_pdf(title: str, pages: int = 3) -> bytes:
    """A PDF with a heading, text and a coloured box on each page (the smoke test's screenshot)."""
    import pymupdf

    doc = pymupdf.open()
    for number in range(1, pages + 1):
        page = doc.new_page(width=595, height=842)
        page.insert_text((72, 90), f"{title} — Seite {number}", fontsize=22)
        page.draw_rect(pymupdf.Rect(72, 120, 523, 260), color=(0.1, 0.3, 0.6), fill=(0.8, 0.88, 1.0))
        text = "Der Ausschuss empfiehlt, der Vorlage zuzustimmen. Beratung über Größe und Maß. " * 3
        page.insert_textbox(pymupdf.Rect(72, 290, 523, 760), (text + "\n") * 8, fontsize=11)
    data: bytes = doc.tobytes()
    doc.close()
    return data


@dataclass
class GuiWorld:
    server: LiveServer
    world: World
    ids: dict[str, int] = field(default_factory=dict)
    _names: Any = field(default_factory=lambda: itertools.count(1))

    def replica(self, root: Path, user: str = "member") -> DataPaths:
        """A new replica of ``user``, signed in and synchronised."""
        paths = data_paths(root / f"client-{user}-{next(self._names)}")
        sign_in(paths, self.server.url, user, PASSWORD, device_name="pytest-gui")
        synchronise(paths, retry=QUICK)
        return paths

    def add_file(self, content: bytes, name: str, **owner: int) -> int:
        stored = self.server.ctx.blobs.put_bytes(content)
        with write_session(self.server.ctx.sessions) as s:
            f = File(
                body_id=self.world.ids["body"],
                name=name,
                file_name=f"{name}.pdf",
                mime_type="application/pdf",
                size=stored.size,
                sha256=stored.sha256,
                role=FileRole.AUXILIARY,
                **owner,
            )
            s.add(f)
            s.flush()
            return int(f.id)


def _add_gui_data(server: LiveServer, world: World) -> dict[str, int]:
    """A past meeting of committee A with a paper, and a richer PDF on the public paper."""
    ids: dict[str, int] = {}
    now = datetime.now(UTC)
    with write_session(server.ctx.sessions) as s:
        past = Meeting(
            body_id=world.ids["body"],
            organization_id=world.ids["committee_a"],
            name="Sitzung A vergangen",
            state=MeetingState.PUBLISHED,
            start=now - timedelta(days=20),
        )
        s.add(past)
        s.flush()
        item = AgendaItem(meeting_id=past.id, number="1", order=1, name="Rückblick")
        paper = Paper(body_id=world.ids["body"], reference="21-0099", name="Alte Vorlage")
        s.add_all([item, paper])
        s.flush()
        s.add(Consultation(paper_id=paper.id, agenda_item_id=item.id))
        ids.update(past_meeting=past.id, past_item=item.id, past_paper=paper.id)
    for key, content, owner, role in (
        ("rich_file", rich_pdf("Haushaltsplan"), {"paper_id": world.ids["public_paper"]}, FileRole.AUXILIARY),
        ("past_file", rich_pdf("Alte Vorlage", 2), {"paper_id": ids["past_paper"]}, FileRole.AUXILIARY),
        # the meeting's first document (invitations come first, "Einladung" before "invitation_file")
        (
            "Einladung",
            rich_pdf("Einladung", 2),
            {"meeting_id": world.ids["published_meeting"]},
            FileRole.INVITATION,
        ),
    ):
        stored = server.ctx.blobs.put_bytes(content)
        with write_session(server.ctx.sessions) as s:
            f = File(
                body_id=world.ids["body"],
                name=key,
                file_name=f"{key}.pdf",
                mime_type="application/pdf",
                size=stored.size,
                sha256=stored.sha256,
                role=role,
                **owner,
            )
            s.add(f)
            s.flush()
            ids[key] = int(f.id)
    return ids


@pytest.fixture(scope="module")
def gui_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GuiWorld]:
    """A live server with the test world (module-scoped); ``replica()`` makes synchronised replicas."""
    tmp = tmp_path_factory.mktemp("gui-server")
    with live_server(tmp, f"sqlite:///{tmp}/server.sqlite3") as server:
        world = build_world(server.ctx)
        yield GuiWorld(server, world, _add_gui_data(server, world))


def user_id(paths: DataPaths) -> str:
    """The id of the user a replica is signed in as (the author id of their annotations)."""
    with open_store(paths) as store:
        return str(json.loads(store.state("account") or "{}")["id"])


@pytest.fixture(scope="module")
def replica(gui_world: GuiWorld, tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    """One synchronised replica of the member of committee A, shared by a module's tests."""
    return gui_world.replica(tmp_path_factory.mktemp("gui-client"))


def show_in_clerk_editor(qtbot: Any, window: Any, meeting_id: int | str, *, timeout: int = 120_000) -> None:
    """The meeting chosen as a clerk chooses it — in the window, which the clerk's editor follows — and
    waited for in both. (Calling the editor directly races with the window's first folder: the window
    shows the next meeting when its navigation arrives, and the editor follows that when it lands.)"""
    wanted = ("meeting", str(meeting_id))
    with qtbot.waitSignal(
        window.folderShown, timeout=timeout, check_params_cb=lambda *shown: tuple(shown) == wanted
    ):
        window.folders.show_meeting(str(meeting_id))
    editor = window.clerk.editor
    qtbot.waitUntil(lambda: editor.desk is not None and editor.desk.id == str(meeting_id), timeout=timeout)


# --- helpers shared by the annotation, viewer and clerk tests ----------------------------------------------


@pytest.fixture
def model(qtbot: Any, replica: DataPaths) -> Iterator[AnnotationModel]:
    """The annotation model of the ``replica`` (a module's own ``replica`` fixture, where it has one),
    ready."""
    m = AnnotationModel(replica)
    qtbot.waitUntil(lambda: m.ready, timeout=120_000)
    yield m
    m.close()


def saved(qtbot: Any, model: AnnotationModel, *, timeout: int = 120_000) -> None:
    """Waits until the model's writes reached the replica."""
    qtbot.waitUntil(lambda: model._writer.pending == 0, timeout=timeout)


@pytest.fixture(scope="module")
def bridge(qapp: QApplication) -> Iterator[RenderBridge]:
    """The renderer of a module's document views."""
    b = RenderBridge(workers=2)
    yield b
    b.close()


def annotation_tools(view: DocumentView) -> AnnotationTools:
    """The annotation tools of a view showing annotations."""
    tools = view.annotation_tools()
    assert tools is not None
    return tools


ZOOM = 96 / 72  # pixels per PDF point at 100 %


def page_point(view: DocumentView, page: int, x: float, y: float) -> QPointF:
    """The viewport point of PDF point (x, y) on ``page`` of a view at 100 % (pages not rotated)."""
    rect = view.page_rect(page)
    return QPointF(rect.x() + x * ZOOM, rect.y() + y * ZOOM)


def mouse(view: DocumentView, kind: QEvent.Type, pos: QPointF, held: bool) -> None:
    """A mouse event of the left button (``held``: down) at ``pos`` on the view's pages."""
    button = Qt.MouseButton.LeftButton
    viewport = view.page_area().viewport()
    event = QMouseEvent(
        kind,
        pos,
        viewport.mapToGlobal(pos),
        Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else button,
        button if held else Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


def drag(view: DocumentView, points: list[QPointF]) -> None:
    """Press at the first point, move through the others, release at the last (the left button)."""
    mouse(view, QEvent.Type.MouseButtonPress, points[0], True)
    for p in points[1:]:
        mouse(view, QEvent.Type.MouseMove, p, True)
    mouse(view, QEvent.Type.MouseButtonRelease, points[-1], False)


def shot(widget: QWidget, name: str) -> None:
    """A PNG of ``widget`` in the folder GREMALDA_SHOTS names, when it is set."""
    folder = os.environ.get("GREMALDA_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(folder) / f"{name}.png"))


@pytest.fixture
def inbox(qtbot: Any) -> Iterator[Inbox]:
    """The clerk's inbox on its own (no editor checks its arrivals: a test tells it the results)."""
    widget = Inbox()
    qtbot.addWidget(widget)
    widget.resize(520, 240)
    yield widget
    widget.stop()


@pytest.fixture
def open_window(
    qtbot: Any, fake_views: Callable[[QWidget], FakeDocumentView], preferences: Preferences
) -> Iterator[Callable[..., MainWindow]]:
    """Opens a main window of a replica (syncing unless ``sync=False``), shown and started, its first
    reads done; each is shut down after the test. (A module may have one of its own.)"""
    windows: list[MainWindow] = []

    def make(paths: DataPaths, *, sync: bool = True, width: int = 1400) -> MainWindow:
        window = MainWindow(paths, preferences=preferences, view_factory=fake_views, sync=sync)
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        windows.append(window)
        window.resize(width, 900)
        with qtbot.waitExposed(window, timeout=120_000):  # (without "with" it waits for nothing)
            window.show()
        with qtbot.waitSignal(window.navigationLoaded, timeout=120_000):
            window.start()
        qtbot.waitUntil(lambda: window.workers.pending == 0, timeout=120_000)
        return window

    yield make
    for window in windows:
        window.shutdown()


def drop_files(ws: ClerkWorkspace, index: Any, paths: list[Path]) -> None:
    """A real drop event with file URLs (as a file manager sends it) on the row of the clerk's agenda
    editor."""
    tree = ws.editor.tree
    tree.scrollTo(index)
    point = tree.visualRect(index).center()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for enter in (QDragEnterEvent, QDragMoveEvent):  # a drag comes in over the row first
        moving = enter(point, Qt.DropAction.CopyAction, data, buttons, modifiers)
        moving.setAccepted(False)
        QApplication.sendEvent(tree.viewport(), moving)
        assert moving.isAccepted()
    event = QDropEvent(point.toPointF(), Qt.DropAction.CopyAction, data, buttons, modifiers)
    event.setAccepted(False)  # as Qt delivers it: the view accepts what it takes
    QApplication.sendEvent(tree.viewport(), event)
    assert event.isAccepted()


# --- palettes: light, dark, high contrast (the palette-colour tests) -----------------------------------

# name -> (base, window, text)
PALETTES = {
    "dark": ("#1e1e1e", "#2b2b2b", "#e6e6e6"),
    "light": ("#ffffff", "#efefef", "#1a1a1a"),
    "high-contrast": ("#000000", "#000000", "#ffffff"),
}


def named_palette(name: str) -> QPalette:
    """One of PALETTES as a whole palette (the roles derived from its window colour, as a desktop's)."""
    base, window, text = PALETTES[name]
    made = QPalette(QColor(window))  # the roles derived from the window colour (buttons, shadows)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        made.setColor(group, QPalette.ColorRole.Base, QColor(base))
        made.setColor(group, QPalette.ColorRole.AlternateBase, QColor(base).lighter(115))
        made.setColor(group, QPalette.ColorRole.Window, QColor(window))
        for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
            made.setColor(group, role, QColor(text))
    return made


@pytest.fixture
def app_palette(qapp: QApplication) -> Iterator[None]:
    """The test changes the application's palette (as a desktop's dark mode does); put back after it."""
    before = QPalette(qapp.palette())
    yield
    qapp.setPalette(before)
    qapp.sendPostedEvents()
