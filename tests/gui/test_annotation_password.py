"""XFDF export and import of a document protected by a password, from the window: the window asks for
the password (hidden as it is typed), asks again when it is wrong, and Cancel leaves everything as it
was. The real encrypted PDF of ../shared/data/pdf (libreoffice-writer-password.pdf, its password from
the collection's files.json), on the real server, in real replicas. Offscreen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from gremalda.core.annotations.merge import create
from gremalda.core.annotations.records import Kind
from gremalda.core.annotations.store import AnnotationStore
from gremalda.paths import DataPaths
from gremalda.store.replica import open_store
from gremalda.ui.annotation_commands import AnnotationCommands
from gremalda.ui.main_window import MainWindow
from gremalda.ui.preferences import Preferences
from tests.gui.conftest import FakeDocumentView, GuiWorld, user_id

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine
PDFS = Path(__file__).resolve().parents[3] / "shared" / "data" / "pdf"
ENCRYPTED = PDFS / "libreoffice-writer-password.pdf"
PASSWORD = "openpassword"  # the collection's files.json

pytestmark = pytest.mark.skipif(not ENCRYPTED.is_file(), reason=f"the real PDFs are not there ({PDFS})")


@pytest.fixture
def make_window(
    qtbot: Any, fake_views: Callable[[QWidget], FakeDocumentView], preferences: Preferences
) -> Iterator[Callable[[DataPaths], MainWindow]]:
    windows: list[MainWindow] = []

    def make(paths: DataPaths) -> MainWindow:
        window = MainWindow(paths, preferences=preferences, view_factory=fake_views, sync=False)
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        windows.append(window)
        with qtbot.waitExposed(window, timeout=WAIT):
            window.show()
        with qtbot.waitSignal(window.folderShown, timeout=WAIT):
            window.start()
        qtbot.waitUntil(lambda: window.annotations.model.ready, timeout=WAIT)
        return window

    yield make
    for window in windows:
        window.shutdown()


@pytest.fixture(scope="module")
def encrypted_file(gui_world: GuiWorld) -> str:
    """The encrypted PDF on the public agenda item of the published meeting (on the server)."""
    item = gui_world.world.ids["public_item"]
    return str(gui_world.add_file(ENCRYPTED.read_bytes(), "Geschützte Anlage", agenda_item_id=item))


def _prompt(qtbot: Any, commands: AnnotationCommands) -> QInputDialog:
    qtbot.waitUntil(
        lambda: commands.password_dialog is not None and commands.password_dialog.isVisible(), timeout=WAIT
    )
    dialog = commands.password_dialog
    assert dialog is not None
    assert dialog.textEchoMode() == QLineEdit.EchoMode.Password
    return dialog


def _count(paths: DataPaths, file_id: str) -> int:
    with open_store(paths) as store:
        return len(AnnotationStore(store.db).list_for_file(file_id))


def test_xfdf_of_a_protected_document_asks_for_its_password(
    make_window: Callable[[DataPaths], MainWindow],
    gui_world: GuiWorld,
    encrypted_file: str,
    qtbot: Any,
    tmp_path: Path,
) -> None:
    member = gui_world.replica(tmp_path, "member")
    user = user_id(member)
    note = create(
        "test-device",
        now="2026-11-30T10:00:00Z",
        file_id=encrypted_file,
        kind=Kind.NOTE,
        page=0,
        author_id=user,
        author_name="Maria Mitglied",
        rect=(100.0, 100.0, 120.0, 120.0),
        text="Vertraulich: bitte prüfen",
    )
    with open_store(member) as store:
        AnnotationStore(store.db, user_id=user).save(note)
    window = make_window(member)
    commands = window.annotations

    # export: asked for the password; a wrong one is asked again, saying so; the right one exports
    target = tmp_path / "geschuetzt.xfdf"
    commands.export_xfdf(encrypted_file, target)
    dialog = _prompt(qtbot, commands)
    assert dialog.labelText() == "This document is protected by a password. Enter its password:"
    dialog.setTextValue("falsch")
    dialog.accept()
    dialog = _prompt(qtbot, commands)
    assert dialog.labelText() == "The password is wrong. Enter the document's password again:"
    assert not target.exists()
    dialog.setTextValue(PASSWORD)
    with qtbot.waitSignal(commands.exported, timeout=WAIT):
        dialog.accept()
    annots = next(c for c in ElementTree.parse(target).getroot() if c.tag.endswith("annots"))
    assert [element.get("name") for element in annots] == [note.id]

    # import into another user's copy: Cancel imports nothing and says so
    deputy = gui_world.replica(tmp_path, "deputy")
    other = make_window(deputy)
    other_commands = other.annotations
    imported: list[object] = []
    other_commands.imported.connect(imported.append)
    other_commands.import_xfdf(encrypted_file, target)
    dialog = _prompt(qtbot, other_commands)
    dialog.reject()
    qtbot.waitUntil(lambda: other_commands.password_dialog is None, timeout=WAIT)
    assert other.status_bar.currentMessage() == "Cancelled: nothing was changed."
    assert imported == [] and _count(deputy, encrypted_file) == 0

    # again, with the password: imported
    other_commands.import_xfdf(encrypted_file, target)
    dialog = _prompt(qtbot, other_commands)
    dialog.setTextValue(PASSWORD)
    with qtbot.waitSignal(other_commands.imported, timeout=WAIT) as done:
        dialog.accept()
    assert done.args[0].created == 1 and _count(deputy, encrypted_file) == 1
