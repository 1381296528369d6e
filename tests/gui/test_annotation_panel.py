"""The shell around annotations on a real replica (synchronised from the real server on a loopback port)
with the stand-in document view: the annotation panel per document and per meeting (filters, read-only
others with their author, a click opens the document at the page, live updates from the model), the
orphaned annotations dialog, the Annotations menu's exports and import, the pending count in the status
bar. Offscreen; Qt warnings fail a test."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QFileDialog, QMenu, QMessageBox, QWidget

from gremalda.core.annotations.errors import InvalidXfdf
from gremalda.core.annotations.merge import create
from gremalda.core.annotations.records import Annotation, Kind, TextQuote, Visibility
from gremalda.core.annotations.store import AnnotationStore
from gremalda.core.syncing import synchronise
from gremalda.paths import DataPaths
from gremalda.store.replica import open_store
from gremalda.ui import error_reporter
from gremalda.ui.document_area import DocumentTab
from gremalda.ui.main_window import MainWindow
from gremalda.ui.orphan_dialog import OrphanDialog
from gremalda.ui.preferences import Preferences
from gremalda.ui.sync_bridge import SyncBridge
from tests.gui.conftest import QUICK, FakeDocumentView, GuiWorld, rich_pdf, user_id

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine
OTHER = "999999"  # an author id no user of the test world has
QUAD = (72.0, 290.0, 300.0, 290.0, 72.0, 303.0, 300.0, 303.0)


@pytest.fixture
def make_window(
    qtbot: Any, fake_views: Callable[[QWidget], FakeDocumentView], preferences: Preferences
) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(paths: DataPaths, *, sync: bool = False, **kwargs: Any) -> MainWindow:
        window = MainWindow(paths, preferences=preferences, view_factory=fake_views, sync=sync, **kwargs)
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        windows.append(window)
        window.resize(1300, 850)
        with qtbot.waitExposed(window, timeout=WAIT):
            window.show()
        with qtbot.waitSignal(window.folderShown, timeout=WAIT):
            window.start()
        qtbot.waitUntil(lambda: window.annotations.model.ready, timeout=WAIT)
        return window

    yield make
    for window in windows:
        window.shutdown()


def _annotate(paths: DataPaths, *records: Annotation) -> None:
    """Store records as if made on this device (the user's) or arrived from the server (others')."""
    user = user_id(paths)
    with open_store(paths) as store:
        annotations = AnnotationStore(store.db, user_id=user)
        for record in records:
            if record.author_id == user:
                annotations.save(record)
            else:
                annotations.apply_remote(record, version=1)


def _highlight(user: str, file_id: int | str, page: int, words: str, **values: Any) -> Annotation:
    return create(
        "test-device",
        now="2026-11-30T09:15:00Z",
        file_id=str(file_id),
        kind=Kind.HIGHLIGHT,
        page=page,
        author_id=user,
        author_name=values.pop("author_name", "Maria Mitglied"),
        quads=(QUAD,),
        quote=TextQuote(words),
        **values,
    )


def _note(user: str, file_id: int | str, page: int, text: str, **values: Any) -> Annotation:
    return create(
        "test-device",
        now=values.pop("now", "2026-11-30T10:00:00Z"),
        file_id=str(file_id),
        kind=Kind.NOTE,
        page=page,
        author_id=user,
        author_name=values.pop("author_name", "Maria Mitglied"),
        rect=(400.0, 100.0, 420.0, 120.0),
        text=text,
        **values,
    )


def _ink(user: str, file_id: int | str, page: int, **values: Any) -> Annotation:
    return create(
        "other-device",
        now="2026-11-29T18:30:00Z",
        file_id=str(file_id),
        kind=Kind.INK,
        page=page,
        author_id=user,
        author_name=values.pop("author_name", "Anna Andere"),
        strokes=(((100.0, 100.0, 0.5), (150.0, 120.0, 0.7), (200.0, 110.0, None)),),
        colour="#1f5fbf",
        **values,
    )


def _open(qtbot: Any, window: MainWindow, file_id: int | str) -> DocumentTab:
    entry = next(e for e in window.agenda.files() if e.id == str(file_id))
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT) as blocker:
        window.open_file(entry)
    tab: DocumentTab = blocker.args[0]
    return tab


def _click_row(qtbot: Any, window: MainWindow, row: int) -> None:
    view = window.annotations.panel.view
    rect = view.visualRect(window.annotations.panel.line_index(row))
    assert rect.isValid()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center()))


@pytest.fixture(scope="module")
def annotated(gui_world: GuiWorld, tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    """A replica of the member with two annotations of theirs on the rich PDF and a read-only one of
    someone else on the meeting's invitation."""
    paths = gui_world.replica(tmp_path_factory.mktemp("annotated"))
    user = user_id(paths)
    ids = gui_world.ids
    _annotate(
        paths,
        _highlight(user, ids["rich_file"], 1, "Der Ausschuss empfiehlt"),
        _note(user, ids["rich_file"], 2, "Nachfragen: Kosten der Maßnahme?"),
        _ink(OTHER, ids["Einladung"], 0, visibility=Visibility.COMMITTEE),
    )
    return paths


# --- the panel ---------------------------------------------------------------------------------------------


def test_the_panel_lists_a_documents_and_a_meetings_annotations_with_filters(
    make_window: Callable[..., MainWindow], annotated: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    window = make_window(annotated)
    panel = window.annotations.panel
    window.annotations.show_panel()
    assert window.annotation_dock.isVisible()
    assert panel.status_label.text() == "Open a document to see its annotations."
    _open(qtbot, window, gui_world.ids["rich_file"])
    qtbot.waitUntil(lambda: len(panel.rows()) == 2, timeout=WAIT)
    first, second = panel.rows()
    assert (first.page, first.kind, first.author, first.read_only) == (
        2,
        "Highlight",
        "Maria Mitglied",
        False,
    )
    assert first.text == "“Der Ausschuss empfiehlt”"
    assert (second.page, second.kind, second.text) == (3, "Note", "Nachfragen: Kosten der Maßnahme?")
    assert first.date and panel.status_label.text() == "2 annotations"
    assert not panel.view.rootIsDecorated()  # a meeting's annotations are listed under their document

    # the whole meeting: the other's ink on the invitation too, read-only with its author
    panel.set_scope("folder")
    qtbot.waitUntil(lambda: len(panel.rows()) == 3, timeout=WAIT)
    assert panel.view.rootIsDecorated()
    others = [r for r in panel.rows() if r.read_only]
    assert len(others) == 1 and others[0].author == "Anna Andere (read-only)" and others[0].kind == "Drawing"
    assert others[0].document == "Einladung" and others[0].file_id == str(gui_world.ids["Einladung"])

    # filters: kind, author, only mine
    panel.kind_filter.setCurrentIndex(panel.kind_filter.findData("ink"))
    assert [r.kind for r in panel.rows()] == ["Drawing"]
    assert panel.status_label.text() == "1 of 3 annotations shown (filtered)"
    panel.kind_filter.setCurrentIndex(0)
    panel.author_filter.setCurrentIndex(panel.author_filter.findData("Maria Mitglied"))
    assert {r.author for r in panel.rows()} == {"Maria Mitglied"}
    panel.author_filter.setCurrentIndex(0)
    panel.mine_only.setChecked(True)
    assert len(panel.rows()) == 2 and not any(r.read_only for r in panel.rows())
    panel.mine_only.setChecked(False)
    assert len(panel.rows()) == 3
    # someone else's annotation cannot be deleted here
    panel.view.setCurrentIndex(panel.line_index(next(i for i, r in enumerate(panel.rows()) if r.read_only)))
    assert not panel.delete_current()
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert len(panel.rows()) == 3
    # every control of the panel has a name for screen readers
    unnamed = [
        type(w).__name__
        for w in panel.findChildren(QWidget)
        if w.isVisibleTo(panel)
        and w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and not w.accessibleName()
        and not (isinstance(w, QAbstractButton) and w.text())
        and not isinstance(w.parentWidget(), QComboBox)
    ]
    assert unnamed == []


def test_a_click_opens_the_document_at_the_annotations_page(
    make_window: Callable[..., MainWindow], annotated: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    window = make_window(annotated)
    panel = window.annotations.panel
    window.annotations.show_panel()
    tab = _open(qtbot, window, gui_world.ids["rich_file"])
    panel.set_scope("folder")
    qtbot.waitUntil(lambda: len(panel.rows()) == 3, timeout=WAIT)

    # an annotation of the open document: its page, the line selected
    row = next(i for i, r in enumerate(panel.rows()) if r.kind == "Note")
    note = panel.rows()[row]
    with qtbot.waitSignal(window.annotations.annotationShown, timeout=WAIT) as shown:
        _click_row(qtbot, window, row)
    assert shown.args == [note.annotation_id]
    view = tab.view
    assert isinstance(view, FakeDocumentView) and view.page == 2 and ("go", 2) in view.calls
    assert panel.current_annotation_id() == note.annotation_id

    # an annotation of a document not open yet: it opens, at the annotation's page
    row = next(i for i, r in enumerate(panel.rows()) if r.read_only)
    ink = panel.rows()[row]
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT) as opened:
        _click_row(qtbot, window, row)
    new_tab: DocumentTab = opened.args[0]
    assert new_tab.entry.id == ink.file_id and window.documents.current_tab() is new_tab
    qtbot.waitUntil(lambda: panel.current_annotation_id() == ink.annotation_id, timeout=WAIT)
    new_view = new_tab.view
    assert isinstance(new_view, FakeDocumentView) and new_view.calls[0][3] == ink.page - 1
    # Enter on a line does the same as a click
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.line_index(0))
    with qtbot.waitSignal(window.annotations.annotationShown, timeout=WAIT):
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)


def test_a_look_up_of_an_earlier_click_landing_after_a_later_click_opens_nothing(
    make_window: Callable[..., MainWindow], annotated: DataPaths, gui_world: GuiWorld, qtbot: Any
) -> None:
    """A click on an annotation of a document not open looks the document up on a worker (several
    threads); a click on another annotation meanwhile is the one the user wants last. The earlier look-up
    landing after it must not open its document over the one shown. The bad order is forced: the
    look-up is held and handed over after the second click."""
    window = make_window(annotated)
    panel = window.annotations.panel
    window.annotations.show_panel()
    tab = _open(qtbot, window, gui_world.ids["rich_file"])
    panel.set_scope("folder")
    qtbot.waitUntil(lambda: len(panel.rows()) == 3, timeout=WAIT)
    ink = next(i for i, r in enumerate(panel.rows()) if r.read_only)  # on the invitation, not open
    workers = window.workers
    held: list[tuple[Any, Any]] = []
    real_submit = workers.submit
    workers.submit = lambda job, on_done=None, on_error=None: held.append((job, on_done))  # type: ignore[method-assign]
    try:
        panel.activate_row(ink)  # its document is looked up
    finally:
        workers.submit = real_submit  # type: ignore[method-assign]
    [(job, done)] = held
    note = next(r for r in panel.rows() if r.kind == "Note")  # in the open document
    with qtbot.waitSignal(window.annotations.annotationShown, timeout=WAIT) as shown:
        panel.activate_row(panel.rows().index(note))
    assert shown.args == [note.annotation_id]
    with open_store(annotated) as store:
        entry = job(store)
    assert entry is not None and entry.id == str(gui_world.ids["Einladung"])
    done(entry)  # the earlier click's look-up lands last
    assert window.documents.current_tab() is tab and len(list(window.documents.all_tabs())) == 1
    assert panel.current_annotation_id() == note.annotation_id


def test_the_panel_follows_the_model_live(
    make_window: Callable[..., MainWindow], gui_world: GuiWorld, tmp_path: Path, qtbot: Any
) -> None:
    paths = gui_world.replica(tmp_path, "deputy")  # no annotations of other tests (they sync theirs)
    window = make_window(paths)
    panel = window.annotations.panel
    model = window.annotations.model
    file_id = str(gui_world.ids["rich_file"])
    _open(qtbot, window, file_id)
    # read from the replica (the panel says "none yet" at once, before the model's read has landed)
    qtbot.waitUntil(lambda: model._writer.pending == 0, timeout=WAIT)
    assert panel.status_label.text() == "No annotations in this document yet."
    note = model.new(file_id, Kind.NOTE, 0, rect=(10.0, 10.0, 30.0, 30.0), text="Frage an die Verwaltung")
    model.add(note)
    assert [r.text for r in panel.rows()] == ["Frage an die Verwaltung"]  # at once, before the disk
    model.update(note.id, text="Frage an die Verwaltung: Zeitplan?")
    assert [r.text for r in panel.rows()] == ["Frage an die Verwaltung: Zeitplan?"]
    model.remove(note.id)
    assert panel.rows() == []
    model.undo_stack(file_id).undo()
    assert [r.annotation_id for r in panel.rows()] == [note.id]
    # Delete on one's own line deletes it (undoable in the document)
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.line_index(0))
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert panel.rows() == []
    model.undo_stack(file_id).undo()
    assert [r.annotation_id for r in panel.rows()] == [note.id]
    # and it is stored (the undo's restore too)
    writer_idle = window.annotations.writer.idle
    if window.annotations.writer.pending:
        with qtbot.waitSignal(writer_idle, timeout=WAIT):
            pass
    with open_store(paths) as store:
        stored = AnnotationStore(store.db).get(note.id)
    assert stored is not None and stored.alive and stored.text == "Frage an die Verwaltung: Zeitplan?"


# --- orphans --------------------------------------------------------------------------------------------


def test_the_orphan_dialog_keeps_and_lists_an_annotation_whose_document_left(
    make_window: Callable[..., MainWindow], gui_world: GuiWorld, tmp_path: Path, qtbot: Any
) -> None:
    file_id = gui_world.add_file(
        rich_pdf("Wird zurückgezogen"), "Wird zurückgezogen", paper_id=gui_world.world.ids["public_paper"]
    )
    paths = gui_world.replica(tmp_path)
    user = user_id(paths)
    kept = _note(user, file_id, 0, "Wichtig für die Sitzung")
    marked = _highlight(user, gui_world.ids["rich_file"], 0, "Haushaltsplan", attention=True)
    _annotate(paths, kept, marked)
    synchronise(paths, retry=QUICK)  # the annotations reach the server
    with open_store(paths) as store:
        assert AnnotationStore(store.db).pending_outbox() == []
    # the document leaves the server and, with the next sync, the replica
    from sync.server.db import write_session
    from sync.server.models import File

    with write_session(gui_world.server.ctx.sessions) as s:
        s.delete(s.get(File, file_id))
    synchronise(paths, retry=QUICK)
    with open_store(paths) as store:
        assert (
            store.db.conn.execute("SELECT count(*) FROM file WHERE id = ?", (str(file_id),)).fetchone()[0]
            == 0
        )
        assert AnnotationStore(store.db).get(kept.id) is not None

    window = make_window(paths)
    # the window says so when it starts: the status bar's button (no notice repeating it beside it)
    qtbot.waitUntil(lambda: window.status_bar.orphan_count == 2, timeout=WAIT)
    assert window.status_bar.orphans.text() == "⚠ 2 annotations need attention"
    assert "without their place" not in window.status_bar.currentMessage()
    dialog = window.annotations.show_orphans()
    qtbot.waitUntil(lambda: len(dialog.orphans()) == 2, timeout=WAIT)
    gone, flagged = dialog.orphans()
    assert gone.annotation.id == kept.id and gone.gone
    # named as the user knew it: the replica kept its name and place when it left
    label = "Wird zurückgezogen — Drucksache 22-0001"
    assert gone.document == label
    assert dialog.model_.item(0, 0).text() == f"Document {label} (no longer on this device)"
    assert dialog.model_.item(0, 3).text() == "Wichtig für die Sitzung"
    assert dialog.model_.item(0, 5).text() == "Document gone"
    assert flagged.annotation.id == marked.id and not flagged.gone and flagged.document == "rich_file"
    assert dialog.model_.item(1, 5).text() == "Not found in the new version"

    # exported as a text list
    target = tmp_path / "orphans.txt"
    with qtbot.waitSignal(dialog.exported, timeout=WAIT):
        dialog.export_to(target)
    text = target.read_text("utf-8")
    assert "Wichtig für die Sitzung" in text and "“Haushaltsplan”" in text and f"Document {label}" in text
    # and as XFDF (the chosen one only; its document is gone, so its pages are taken as A4)
    dialog.choose([kept.id])
    xfdf = tmp_path / "orphans.xfdf"
    with qtbot.waitSignal(dialog.exported, timeout=WAIT):
        dialog.export_to(xfdf)
    annots = next(child for child in ElementTree.parse(xfdf).getroot() if child.tag.endswith("annots"))
    assert [element.get("name") for element in annots] == [kept.id]

    # deleted only after a confirmation: Cancel keeps it, Yes deletes it (a tombstone for the server)
    dialog.choose([kept.id])
    assert dialog.delete_button.isEnabled()
    dialog.delete_button.click()
    box = dialog.findChild(QMessageBox, "orphanDeleteConfirm")
    assert box is not None and "1 annotation" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert len(dialog.orphans()) == 2
    dialog.choose([kept.id])
    dialog.delete_button.click()
    box = dialog.findChild(QMessageBox, "orphanDeleteConfirm")
    with qtbot.waitSignal(dialog.deleted, timeout=WAIT):
        box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: [o.annotation.id for o in dialog.orphans()] == [marked.id], timeout=WAIT)
    with open_store(paths) as store:
        annotations = AnnotationStore(store.db)
        record = annotations.get(kept.id)
        assert record is not None and not record.alive
        assert kept.id in [entry.target_id for entry in annotations.pending_outbox()]


def test_orphans_dialog_says_when_there_are_none(
    make_window: Callable[..., MainWindow], gui_world: GuiWorld, tmp_path: Path, qtbot: Any
) -> None:
    window = make_window(gui_world.replica(tmp_path, "deputy"))
    dialog = window.annotations.show_orphans()
    with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
        pass
    assert dialog.orphans() == [] and dialog.status_label.text().startswith("No orphaned annotations")
    assert not dialog.export_button.isEnabled() and not dialog.delete_button.isEnabled()
    assert isinstance(window.findChild(OrphanDialog), OrphanDialog)


# --- the Annotations menu -------------------------------------------------------------------------------


def _choose_file(qtbot: Any, window: MainWindow, action: str, path: Path) -> Any:
    """Trigger the menu action, choose ``path`` in its file dialog, and wait for what the command says
    when it is done (``exported`` or ``imported``)."""
    commands = window.annotations
    window.actions_[action].trigger()
    dialog = window.findChild(QFileDialog, "annotationFileDialog")
    assert dialog is not None and dialog.isVisible()
    done = commands.imported if action == "import_xfdf" else commands.exported
    with qtbot.waitSignal(done, timeout=WAIT) as blocker:
        dialog.selectFile(str(path))
        dialog.accept()
    return blocker.args[0]


def test_the_annotations_menu_exports_and_imports(
    make_window: Callable[..., MainWindow],
    annotated: DataPaths,
    gui_world: GuiWorld,
    qtbot: Any,
    tmp_path: Path,
) -> None:
    import pymupdf

    window = make_window(annotated)
    menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title() == "&Annotations")
    assert [a.objectName() for a in menu.actions() if not a.isSeparator()] == [
        "annotations_panel",
        "export_pdf",
        "export_xfdf",
        "import_xfdf",
        "meeting_summary",
        "orphans",
    ]
    assert window.actions_["annotations_panel"].shortcut().toString() == "Ctrl+Shift+A"
    assert not window.actions_["export_pdf"].isEnabled()  # no document open yet
    assert window.actions_["meeting_summary"].isEnabled()  # a meeting is shown
    with open_store(annotated) as store:
        mine = AnnotationStore(store.db).list_for_file(str(gui_world.ids["rich_file"]))
    assert len(mine) == 2
    _open(qtbot, window, gui_world.ids["rich_file"])
    assert window.actions_["export_pdf"].isEnabled()

    # an annotated PDF: real PDF annotations named by the records' UUIDs
    pdf = tmp_path / "annotated.pdf"
    assert _choose_file(qtbot, window, "export_pdf", pdf) == str(pdf)
    assert window.status_bar.currentMessage() == f"Saved as {pdf} with 2 annotations."
    with pymupdf.open(pdf) as doc:
        names = {doc.xref_get_key(annot.xref, "NM")[1] for page in doc for annot in page.annots()}
    assert names == {a.id for a in mine}

    # XFDF: parses, one element per annotation, named by the UUID
    xfdf = tmp_path / "notes.xfdf"
    _choose_file(qtbot, window, "export_xfdf", xfdf)
    root = ElementTree.parse(xfdf).getroot()
    annots = next(child for child in root if child.tag.endswith("annots"))
    assert {element.get("name") for element in annots} == {a.id for a in mine}

    # the notes summary of the meeting shown
    summary = tmp_path / "summary.pdf"
    _choose_file(qtbot, window, "meeting_summary", summary)
    with pymupdf.open(summary) as doc:
        text = " ".join(" ".join(page.get_text().split()) for page in doc)
    assert "Nachfragen: Kosten der Maßnahme?" in text

    # the XFDF imported by someone else into the same document: theirs now, listed in their panel
    other = make_window(gui_world.replica(tmp_path, "deputy"))
    _open(qtbot, other, gui_world.ids["rich_file"])
    counts = _choose_file(qtbot, other, "import_xfdf", xfdf)
    assert counts.created == 2
    assert other.status_bar.currentMessage().startswith("XFDF imported: 2 new annotations")
    panel = other.annotations.panel
    qtbot.waitUntil(lambda: len(panel.rows()) == 2, timeout=WAIT)
    assert {r.kind for r in panel.rows()} == {"Highlight", "Note"} and not any(
        r.read_only for r in panel.rows()
    )

    # a malformed file: a clear error, nothing imported
    bad = tmp_path / "bad.xfdf"
    bad.write_text("<xfdf><annots><highlight page='x'", "utf-8")
    reporter = error_reporter.reporter()
    try:
        with qtbot.waitSignal(reporter.reported, timeout=WAIT) as reported:
            other.annotations.import_xfdf(str(gui_world.ids["rich_file"]), bad)
        assert isinstance(reported.args[0], InvalidXfdf)
    finally:
        reporter.close_all()
    assert len(panel.rows()) == 2


# --- the pending count ----------------------------------------------------------------------------------


def test_the_status_bar_shows_the_one_count_of_the_annotation_model(
    make_window: Callable[..., MainWindow], gui_world: GuiWorld, tmp_path: Path, qtbot: Any
) -> None:
    """A change the server refused stays in the outbox but is not sent again: the replica's status
    (read for the navigation, after every sync pass; it counts every outbox row) does not overwrite the
    model's count of what a push sends."""
    paths = gui_world.replica(tmp_path, "deputy")
    user = user_id(paths)
    refused = _note(user, gui_world.ids["rich_file"], 0, "Abgelehnt")
    _annotate(paths, refused, _note(user, gui_world.ids["rich_file"], 0, "Wartet"))
    with open_store(paths) as store:
        notes = AnnotationStore(store.db, user_id=user)
        [row] = [e for e in notes.pending_outbox() if e.target_id == refused.id]
        notes.reject(row.id, "Nicht erlaubt.")
    window = make_window(paths)
    model = window.annotations.model
    qtbot.waitUntil(lambda: model._writer.pending == 0 and window.workers.pending == 0, timeout=WAIT)
    assert window.status is not None and window.status.outbox_pending == 2
    assert model.pending() == 1 and window.status_bar.pending_count == 1
    window.status_bar.show_status(window.status)
    assert window.status_bar.pending_count == 1
    assert window.status_bar.pending.text() == "1 change waiting to be sent"


def test_the_status_bar_counts_changes_to_send_until_they_are_pushed(
    make_window: Callable[..., MainWindow], gui_world: GuiWorld, tmp_path: Path, qtbot: Any
) -> None:
    from sqlalchemy import select

    from sync.server.models import Annotation as ServerAnnotation

    paths = gui_world.replica(tmp_path, "deputy")
    bridge = SyncBridge(paths, interval=3600)
    window = make_window(paths, sync_bridge=bridge)
    qtbot.waitUntil(lambda: window.status_bar.connection.text() == "Online", timeout=WAIT)
    model = window.annotations.model
    file_id = str(gui_world.ids["rich_file"])
    _open(qtbot, window, file_id)
    note = model.new(file_id, Kind.NOTE, 1, rect=(10.0, 10.0, 30.0, 30.0), text="Bitte nachreichen")
    model.add(note)
    pending = window.status_bar.pending
    assert window.status_bar.pending_count == 1
    assert pending.isVisible() and pending.text() == "1 change waiting to be sent"
    # saved, then pushed within seconds without a full pass: the count goes to 0
    qtbot.waitUntil(lambda: window.status_bar.pending_count == 0, timeout=WAIT)
    assert not pending.isVisible()
    with gui_world.server.ctx.sessions() as s:
        row = s.scalars(select(ServerAnnotation).where(ServerAnnotation.uuid == note.id)).one()
    assert json.loads(row.payload)["text"] == "Bitte nachreichen"


# --- German ----------------------------------------------------------------------------------------------


def test_the_annotation_shell_speaks_german(
    qtbot: Any, annotated: DataPaths, gui_world: GuiWorld, preferences: Preferences, fake_views: Any
) -> None:
    from PySide6.QtCore import QLocale

    from gremalda.ui.i18n import install_translations

    try:
        assert install_translations(None, QLocale("de_DE")) == "de"
        window = MainWindow(annotated, preferences=preferences, view_factory=fake_views, sync=False)
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        menus = [a.text() for a in window.menuBar().actions()]
        assert "A&nmerkungen" in menus
        assert window.actions_["export_pdf"].text() == "&PDF mit Anmerkungen exportieren…"
        assert window.actions_["orphans"].text() == "&Verwaiste Anmerkungen…"
        assert window.annotation_dock.windowTitle() == "Anmerkungen"
        panel = window.annotations.panel
        headers = [panel.model_.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
        assert headers == ["Seite", "Art", "Text", "Verfasser", "Datum"]
        assert panel.status_label.text() == "Öffnen Sie ein Dokument, um seine Anmerkungen zu sehen."
        window.status_bar.set_pending(1)
        assert window.status_bar.pending.text() == "1 Änderung wartet auf das Senden"
        window.status_bar.set_pending(3)
        assert window.status_bar.pending.text() == "3 Änderungen warten auf das Senden"
        with qtbot.waitSignal(window.folderShown, timeout=WAIT):
            window.start()
        tab = _open(qtbot, window, gui_world.ids["rich_file"])
        assert tab is not None
        qtbot.waitUntil(lambda: panel.status_label.text() == "2 Anmerkungen", timeout=WAIT)
        assert {r.kind for r in panel.rows()} == {"Hervorhebung", "Notiz"}
        dialog = window.annotations.show_orphans()
        assert dialog.windowTitle() == "Verwaiste Anmerkungen"
        with qtbot.waitSignal(dialog.loaded, timeout=WAIT):
            pass
        assert dialog.delete_button.text() == "&Löschen…"
        dialog.close()
        from gremalda.ui.error_texts import error_text

        title, message = error_text(InvalidXfdf())
        assert title == "Ungültige XFDF-Datei" and message.endswith("Nichts davon wurde importiert.")
    finally:
        assert install_translations("en") == "en"
