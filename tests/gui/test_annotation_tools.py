"""The annotation tools in the viewer (issue 5), offscreen through pytest-qt, on a real replica synchronised
from a real server, with a real PDF of the sample collection: drawing ink with mouse events, highlighting
a text selection, notes, free text, the eraser, selecting and moving, undo and redo, others' shared
annotations read-only, and the export of the annotated PDF (real PDF annotations, /NM = the UUID).

Run under `.ci/with-keyring`. Every check of a stored record waits until the model's writer finished."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QImage, QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QToolTip, QWidget

from gremalda.core.annotations import merge
from gremalda.core.annotations.anchor import page_text_hash
from gremalda.core.annotations.authoring import distance
from gremalda.core.annotations.records import Annotation, Kind, Visibility
from gremalda.core.annotations.store import AnnotationStore
from gremalda.paths import DataPaths
from gremalda.pdf.render import PageWords
from gremalda.store.replica import open_store
from gremalda.ui.annotations.model import AnnotationModel
from gremalda.ui.annotations.tools import Tool
from gremalda.ui.viewer import DocumentView, RenderBridge
from gremalda.ui.workers import ReplicaWorkers
from tests.gui.conftest import GuiWorld, annotation_tools, drag, mouse, page_point

PDF_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pdf"
PDF_NAME = "pdflatex-4-pages.pdf"
LOAD_MS = 120_000  # generous for a loaded machine (20-30x slower at moments); reached only when broken

pytestmark = pytest.mark.skipif(
    not (PDF_DIR / PDF_NAME).is_file(), reason=f"sample PDF folder {PDF_DIR} is absent"
)


# --- fixtures ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return (PDF_DIR / PDF_NAME).read_bytes()


@pytest.fixture(scope="module")
def world(gui_world: GuiWorld, pdf: bytes, tmp_path_factory: pytest.TempPathFactory) -> tuple[DataPaths, str]:
    """A member's replica holding the sample PDF (on the public paper), and its file id."""
    file_id = gui_world.add_file(pdf, "Beispiel mit Text", paper_id=gui_world.world.ids["public_paper"])
    return gui_world.replica(tmp_path_factory.mktemp("annotations")), str(file_id)


@pytest.fixture
def model(qtbot: Any, world: tuple[DataPaths, str]) -> Iterator[AnnotationModel]:
    m = AnnotationModel(world[0])
    qtbot.waitUntil(lambda: m.ready, timeout=LOAD_MS)
    yield m
    m.close()


@pytest.fixture
def view(
    qtbot: Any, bridge: RenderBridge, model: AnnotationModel, world: tuple[DataPaths, str], pdf: bytes
) -> Iterator[DocumentView]:
    v = DocumentView(bridge)
    qtbot.addWidget(v)
    v.resize(900, 1000)
    with qtbot.waitExposed(v, timeout=LOAD_MS):
        v.show()
    with qtbot.waitSignal(v.documentLoaded, timeout=LOAD_MS):
        v.open_document(world[1], pdf, "Beispiel")
    v.set_zoom("percent", 100)
    v.set_annotations(model, world[1])
    qtbot.waitUntil(lambda: model.loaded(world[1]) and model._writer.pending == 0, timeout=LOAD_MS)
    yield v
    v.close_document()


def _click(view: DocumentView, pos: QPointF) -> None:
    drag(view, [pos])


def _saved(qtbot: Any, model: AnnotationModel) -> None:
    qtbot.waitUntil(lambda: model._writer.pending == 0, timeout=LOAD_MS)


def _stored(paths: DataPaths, file_id: str, *, include_deleted: bool = False) -> list[Annotation]:
    with open_store(paths) as store:
        return AnnotationStore(store.db).list_for_file(file_id, include_deleted=include_deleted)


def _one_new(model: AnnotationModel, file_id: str, before: set[str]) -> Annotation:
    new = [a for a in model.annotations(file_id) if a.id not in before]
    assert len(new) == 1, new
    return new[0]


def _words(qtbot: Any, view: DocumentView, bridge: RenderBridge, page: int) -> PageWords:
    key = view.page_area().render_key()
    assert key is not None
    bridge.request_words(key, page)
    qtbot.waitUntil(lambda: bridge.words(key, page) is not None, timeout=LOAD_MS)
    words = bridge.words(key, page)
    assert words is not None
    return words


def _centre(w: Any) -> tuple[float, float]:
    return (w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2


# --- tools ------------------------------------------------------------------------------------------------


def test_ink_drawn_with_the_mouse_is_stored_in_pdf_space(
    qtbot: Any, view: DocumentView, model: AnnotationModel, world: tuple[DataPaths, str]
) -> None:
    paths, file_id = world
    tools = annotation_tools(view)
    tools.set_tool(Tool.INK)
    tools.set_colour("#1c71d8")
    tools.set_width(4.0)
    path = [(100.0 + 4 * i, 300.0 + (i % 10) * 3) for i in range(40)]
    drag(view, [page_point(view, 0, x, y) for x, y in path])
    _saved(qtbot, model)
    inks = [a for a in _stored(paths, file_id) if a.kind is Kind.INK]
    assert len(inks) == 1
    ink = inks[0]
    assert ink.page == 0 and ink.colour == "#1c71d8" and ink.width == 4.0
    assert ink.author_id == model.user_id and ink.author_name == model.author_name
    (stroke,) = ink.strokes
    assert stroke[0][:2] == pytest.approx(path[0], abs=1.0)
    assert stroke[-1][:2] == pytest.approx(path[-1], abs=1.0)
    assert 2 <= len(stroke) <= len(path)  # simplified, corners kept
    line = replace(ink, width=0.01)
    for x, y in path:  # every drawn point lies on the stored (simplified) line
        assert distance(line, x, y) <= 0.5
    assert all(p is None for _, _, p in stroke)  # a mouse gives no pressure
    assert model.pending() >= 1  # waits in the outbox for the server


def test_highlight_by_dragging_over_words(
    qtbot: Any,
    view: DocumentView,
    bridge: RenderBridge,
    model: AnnotationModel,
    world: tuple[DataPaths, str],
) -> None:
    paths, file_id = world
    words = _words(qtbot, view, bridge, 0)
    first_line = [w for w in words.words if (w.block, w.line) == (words.words[0].block, words.words[0].line)]
    assert len(first_line) >= 4
    start, end = first_line[1], first_line[3]
    tools = annotation_tools(view)
    tools.set_tool(Tool.HIGHLIGHT)
    before = {a.id for a in model.annotations(file_id)}
    # from the middle of the second word to the middle of the fourth: snapped to whole words
    drag(
        view,
        [
            page_point(view, 0, *_centre(start)),
            page_point(view, 0, start.x1 + 3, start.y1 - 2),
            page_point(view, 0, *_centre(end)),
        ],
    )
    _saved(qtbot, model)
    record = _one_new(model, file_id, before)
    stored = next(a for a in _stored(paths, file_id) if a.id == record.id)
    assert stored.kind is Kind.HIGHLIGHT and stored.page == 0
    assert stored.quote is not None
    assert stored.quote.exact == words.text[start.start : end.end]
    assert stored.quote.exact.split() == [w.text for w in first_line[1:4]]
    assert stored.quote.prefix.endswith(first_line[0].text + " ")
    assert len(stored.quads) == 1  # one line
    quad = stored.quads[0]
    assert quad[0] == pytest.approx(start.x0) and quad[6] == pytest.approx(end.x1)
    assert stored.page_text_hash is not None


def test_underline_across_lines_gives_a_quad_per_line(
    qtbot: Any, view: DocumentView, bridge: RenderBridge, model: AnnotationModel, world: tuple[DataPaths, str]
) -> None:
    _, file_id = world
    words = _words(qtbot, view, bridge, 0)
    lines: dict[tuple[int, int], list[Any]] = {}
    for w in words.words:
        lines.setdefault((w.block, w.line), []).append(w)
    first, second = list(lines.values())[:2]
    tools = annotation_tools(view)
    tools.set_tool(Tool.UNDERLINE)
    before = {a.id for a in model.annotations(file_id)}
    drag(view, [page_point(view, 0, *_centre(first[-2])), page_point(view, 0, *_centre(second[1]))])
    _saved(qtbot, model)
    record = _one_new(model, file_id, before)
    assert record.kind is Kind.UNDERLINE and len(record.quads) == 2
    assert record.quote is not None
    assert record.quote.exact.split() == [first[-2].text, first[-1].text, second[0].text, second[1].text]


def test_note_and_free_text(
    qtbot: Any, view: DocumentView, model: AnnotationModel, world: tuple[DataPaths, str]
) -> None:
    paths, file_id = world
    tools = annotation_tools(view)
    tools.set_tool(Tool.NOTE)
    before = {a.id for a in model.annotations(file_id)}
    _click(view, page_point(view, 0, 500, 150))
    editor = tools.editor()
    assert editor is not None and editor.isVisible()
    editor.field.setPlainText("Nachfragen: Kosten?")
    qtbot.keyClick(editor.field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    _saved(qtbot, model)
    note = _one_new(model, file_id, before)
    assert note.kind is Kind.NOTE and note.text == "Nachfragen: Kosten?"
    assert note.rect is not None and note.rect[:2] == pytest.approx((500, 150), abs=1)

    tools.set_tool(Tool.FREETEXT)
    before.add(note.id)
    view.go_to_page(1)
    drag(view, [page_point(view, 1, 100, 600), page_point(view, 1, 200, 640), page_point(view, 1, 300, 660)])
    editor = tools.editor()
    assert editor is not None
    editor.field.setPlainText("Antrag auf Vertagung")
    editor.buttons.accepted.emit()
    _saved(qtbot, model)
    text = _one_new(model, file_id, before)
    assert text.kind is Kind.FREETEXT and text.page == 1 and text.text == "Antrag auf Vertagung"
    assert text.rect == pytest.approx((100, 600, 300, 660), abs=1)
    stored = {a.id: a for a in _stored(paths, file_id)}
    assert stored[note.id].text == "Nachfragen: Kosten?" and stored[text.id].rect == text.rect
    # made on this content and these pages' texts: re-anchoring can tell when a new version changed them
    with open_store(paths) as store:
        sha256 = store.db.conn.execute("SELECT sha256 FROM file WHERE id = ?", (file_id,)).fetchone()[0]
        page_texts = dict(
            store.db.conn.execute("SELECT page, text FROM page_text WHERE file_id = ?", (file_id,)).fetchall()
        )
    for record, page in ((stored[note.id], 0), (stored[text.id], 1)):
        assert record.file_sha256 == sha256
        assert record.page_text_hash == page_text_hash(page_texts[page + 1])  # the index counts from 1

    # a cancelled editor makes nothing
    tools.set_tool(Tool.NOTE)
    _click(view, page_point(view, 1, 400, 400))
    editor = tools.editor()
    assert editor is not None
    qtbot.keyClick(editor.field, Qt.Key.Key_Escape)
    assert {a.id for a in model.annotations(file_id)} == before | {text.id}


def test_pen_pressure_from_tablet_events(
    qtbot: Any, view: DocumentView, model: AnnotationModel, world: tuple[DataPaths, str]
) -> None:
    paths, file_id = world
    pen = QPointingDevice(
        "pytest pen",
        4242,
        QInputDevice.DeviceType.Stylus,
        QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
        1,
        2,
    )
    viewport = view.page_area().viewport()
    annotation_tools(view).set_tool(Tool.INK)
    before = {a.id for a in model.annotations(file_id)}
    pressures = [0.1 + 0.8 * (k if k <= 10 else 20 - k) / 10 for k in range(21)]  # harder in the middle
    for k, pressure in enumerate(pressures):
        kind = QEvent.Type.TabletPress if k == 0 else QEvent.Type.TabletMove
        kind = QEvent.Type.TabletRelease if k == len(pressures) - 1 else kind
        pos = page_point(view, 0, 100 + 10 * k, 560)
        event = QTabletEvent(
            kind,
            pen,
            pos,
            QPointF(viewport.mapToGlobal(pos)),
            pressure,
            0.0,
            0.0,
            0.0,
            0.0,
            0.0,
            Qt.KeyboardModifier.NoModifier,
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease else Qt.MouseButton.LeftButton,
        )
        QApplication.sendEvent(viewport, event)
        assert event.isAccepted()  # no mouse events made of it
    _saved(qtbot, model)
    ink = _one_new(model, file_id, before)
    (stroke,) = ink.strokes
    assert stroke[0] == pytest.approx((100, 560, 0.1), abs=0.01)
    assert max(p for _, _, p in stroke if p is not None) == pytest.approx(0.9, abs=0.01)  # kept
    assert next(a for a in _stored(paths, file_id) if a.id == ink.id).strokes == ink.strokes


def test_tool_keys_do_not_steal_typing_in_the_find_field(qtbot: Any, view: DocumentView) -> None:
    tools = annotation_tools(view)
    qtbot.keyClick(view.page_area(), Qt.Key.Key_H)
    assert tools.tool() is Tool.HIGHLIGHT
    qtbot.keyClick(view.page_area(), Qt.Key.Key_Escape)
    assert tools.tool() is Tool.BROWSE
    view.show_find_bar()
    field = view.findChild(QLineEdit)
    assert field is not None
    qtbot.keyClicks(field, "hupe")
    assert field.text() == "hupe" and tools.tool() is Tool.BROWSE
    for name in ("Highlight", "Pen", "Eraser", "Undo", "Annotation colour", "Line width"):
        assert any(w.accessibleName() == name for w in view.findChildren(QWidget)), name


def test_a_failed_save_reverts_and_says_why(qtbot: Any, world: tuple[DataPaths, str]) -> None:
    paths, file_id = world
    writer = ReplicaWorkers(paths, threads=1)
    model = AnnotationModel(paths, workers=writer)
    try:
        qtbot.waitUntil(lambda: model.ready, timeout=LOAD_MS)
        model.load(file_id)
        _saved(qtbot, model)
        writer.submit(lambda store: store.db.close())  # the replica goes away under the writer
        record = model.new(file_id, Kind.NOTE, 0, rect=(10.0, 10.0, 30.0, 30.0), text="verloren?")
        with qtbot.waitSignal(model.saveFailed, timeout=LOAD_MS) as failed:
            model.add(record)
            assert model.get(record.id) == record  # shown at once, before the disk
        assert failed.args[0]  # a sentence for people
        assert model.get(record.id) is None and record not in model.annotations(file_id)
        assert not model.undo_stack(file_id).canUndo()
    finally:
        model.close()
        writer.close()


def _ink(view: DocumentView, y: float, x0: float = 100, x1: float = 300) -> None:
    tools = annotation_tools(view)
    tools.set_tool(Tool.INK)
    drag(view, [page_point(view, 0, x0 + (x1 - x0) * k / 10, y) for k in range(11)])


def test_eraser_select_move_delete_and_undo_redo(
    qtbot: Any, view: DocumentView, model: AnnotationModel, world: tuple[DataPaths, str]
) -> None:
    paths, file_id = world
    tools = annotation_tools(view)
    before = {a.id for a in model.annotations(file_id)}
    _ink(view, 700)
    _saved(qtbot, model)
    ink = _one_new(model, file_id, before)

    # select and drag it 60 × 30 pixels: moved by 45 × 22.5 points
    tools.set_tool(Tool.SELECT)
    start = page_point(view, 0, 200, 700)
    drag(view, [start, start + QPointF(30, 15), start + QPointF(60, 30)])
    assert tools.selected() == ink.id
    _saved(qtbot, model)
    moved = next(a for a in _stored(paths, file_id) if a.id == ink.id)
    assert moved.strokes[0][0][:2] == pytest.approx((100 + 45, 700 + 22.5), abs=0.5)

    # undo (Ctrl+Z) puts it back, redo (Ctrl+Shift+Z) moves it again, Ctrl+Y after another undo too
    area = view.page_area()
    qtbot.keyClick(area, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    _saved(qtbot, model)
    assert model.get(ink.id).strokes[0][0][:2] == pytest.approx((100, 700), abs=0.5)  # type: ignore[union-attr]
    qtbot.keyClick(
        area, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    qtbot.keyClick(area, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(area, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    _saved(qtbot, model)
    stored = next(a for a in _stored(paths, file_id) if a.id == ink.id)
    assert stored.strokes[0][0][:2] == pytest.approx((145, 722.5), abs=0.5)

    # in select mode the colour and width choices change the selected annotation
    tools.set_colour("#2ec27e")
    tools.set_width(1.0)
    _saved(qtbot, model)
    recoloured = next(a for a in _stored(paths, file_id) if a.id == ink.id)
    assert (recoloured.colour, recoloured.width) == ("#2ec27e", 1.0)

    # Delete deletes the selected one; undo brings it back
    _click(view, page_point(view, 0, 200, 722.5))
    assert tools.selected() == ink.id
    qtbot.keyClick(area, Qt.Key.Key_Delete)
    _saved(qtbot, model)
    assert ink.id not in {a.id for a in _stored(paths, file_id)}
    qtbot.keyClick(area, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    _saved(qtbot, model)
    assert ink.id in {a.id for a in _stored(paths, file_id)}

    # the eraser: a drag across two strokes deletes both in one undo step
    _ink(view, 760)
    _saved(qtbot, model)
    second = _one_new(model, file_id, before | {ink.id})
    tools.set_tool(Tool.ERASER)
    drag(view, [page_point(view, 0, 250, 680), page_point(view, 0, 250, 740), page_point(view, 0, 250, 800)])
    _saved(qtbot, model)
    alive = {a.id for a in _stored(paths, file_id)}
    assert ink.id not in alive and second.id not in alive
    deleted = {a.id: a for a in _stored(paths, file_id, include_deleted=True)}
    assert deleted[ink.id].deleted and deleted[second.id].deleted  # tombstones, queued for the server
    qtbot.keyClick(area, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    _saved(qtbot, model)
    assert {ink.id, second.id} <= {a.id for a in _stored(paths, file_id)}


def test_others_shared_annotations_are_read_only(
    qtbot: Any, view: DocumentView, model: AnnotationModel, world: tuple[DataPaths, str]
) -> None:
    paths, file_id = world
    theirs = merge.create(
        "their-device",
        now="2026-11-30T09:15:00Z",
        file_id=file_id,
        kind=Kind.INK,
        page=0,
        author_id="999",
        author_name="Erika Mustermann",
        strokes=(((100.0, 500.0, None), (300.0, 500.0, None)),),
        width=3.0,
        visibility=Visibility.COMMITTEE,
    )
    with open_store(paths) as store:  # as the sync engine applies a feed entry
        AnnotationStore(store.db, user_id=model.user_id).apply_remote(theirs, 1)
    model.refresh([file_id])
    qtbot.waitUntil(lambda: model.get(theirs.id) is not None, timeout=LOAD_MS)
    assert not model.is_mine(theirs)
    tools = annotation_tools(view)

    tools.set_tool(Tool.ERASER)
    drag(view, [page_point(view, 0, 200, 450), page_point(view, 0, 200, 550)])
    tools.set_tool(Tool.SELECT)
    start = page_point(view, 0, 200, 500)
    drag(view, [start, start + QPointF(40, 40), start + QPointF(80, 80)])
    assert tools.selected() == theirs.id  # it can be selected (and looked at) ...
    tools.set_colour("#000000")
    tools.set_width(8.0)
    qtbot.keyClick(view.page_area(), Qt.Key.Key_Delete)  # ... but not moved, erased or deleted
    _saved(qtbot, model)
    assert model.get(theirs.id) == theirs
    with open_store(paths) as store:
        assert AnnotationStore(store.db).get(theirs.id) == theirs
        queued = [e.target_id for e in AnnotationStore(store.db).pending_outbox()]
    assert theirs.id not in queued

    # hovering shows the author and the date
    viewport = view.page_area().viewport()
    pos = page_point(view, 0, 200, 500).toPoint()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, pos, viewport.mapToGlobal(pos)))
    assert "Erika Mustermann" in QToolTip.text() and "30.11.2026" in QToolTip.text()
    QToolTip.hideText()


def _grab(view: DocumentView) -> QImage:
    return view.page_area().viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB888)


def test_annotations_show_on_the_page_and_attention_is_marked(
    qtbot: Any, view: DocumentView, model: AnnotationModel, world: tuple[DataPaths, str]
) -> None:
    _, file_id = world
    flagged = model.new(
        file_id,
        Kind.INK,
        0,
        strokes=(((350.0, 600.0, None), (500.0, 600.0, None)),),
        width=6.0,
        colour="#1c71d8",
    )
    model.add(replace(flagged, attention=True))
    _saved(qtbot, model)
    view.page_area().viewport().repaint()
    image = _grab(view)
    on_line = page_point(view, 0, 420, 600).toPoint()
    colour = image.pixelColor(on_line)
    assert colour.blue() > 150 and colour.red() < 100  # the blue line is painted on the page
    marker = page_point(view, 0, 500 + 3 + 4, 600 - 3 - 4).toPoint()  # top right of its box
    found = [
        image.pixelColor(marker + QPoint(dx, dy))
        for dx in range(-4, 5)
        for dy in range(-4, 5)
        if image.rect().contains(marker + QPoint(dx, dy))
    ]
    assert any(c.red() > 170 and c.green() < 80 and c.blue() < 80 for c in found), "red attention marker"


def test_exported_pdf_holds_the_ink_and_the_highlight(
    qtbot: Any,
    view: DocumentView,
    bridge: RenderBridge,
    model: AnnotationModel,
    world: tuple[DataPaths, str],
    tmp_path: Path,
) -> None:
    import pymupdf

    from gremalda.core.annotations.exchange import export_pdf

    paths, file_id = world
    before = {a.id for a in model.annotations(file_id)}
    _ink(view, 820)
    words = _words(qtbot, view, bridge, 0)
    tools = annotation_tools(view)
    tools.set_tool(Tool.HIGHLIGHT)
    drag(view, [page_point(view, 0, *_centre(words.words[0])), page_point(view, 0, *_centre(words.words[2]))])
    _saved(qtbot, model)
    new = {a.id: a for a in model.annotations(file_id) if a.id not in before}
    kinds = {a.kind: a for a in new.values()}
    assert set(kinds) == {Kind.INK, Kind.HIGHLIGHT}
    with open_store(paths) as store:
        export_pdf(store, file_id, tmp_path / "annotiert.pdf")
    doc = pymupdf.open(tmp_path / "annotiert.pdf")
    by_name = {annot.info.get("name") or annot.info.get("id"): annot for annot in doc[0].annots()}
    names = {str(annot.info.get("name")) for annot in doc[0].annots()} | {
        str(annot.info.get("id")) for annot in doc[0].annots()
    }
    assert {kinds[Kind.INK].id, kinds[Kind.HIGHLIGHT].id} <= names, by_name
    types = {annot.type[1] for annot in doc[0].annots()}
    assert {"Ink", "Highlight"} <= types
    doc.close()


def test_double_click_edits_a_notes_text(
    qtbot: Any, view: DocumentView, model: AnnotationModel, world: tuple[DataPaths, str]
) -> None:
    paths, file_id = world
    note = model.new(file_id, Kind.NOTE, 0, rect=(60.0, 60.0, 80.0, 80.0), point=(60.0, 60.0), text="alt")
    model.add(note)
    tools = annotation_tools(view)
    tools.set_tool(Tool.SELECT)
    pos = page_point(view, 0, 70, 70)
    _click(view, pos)
    mouse(view, QEvent.Type.MouseButtonDblClick, pos, True)
    mouse(view, QEvent.Type.MouseButtonRelease, pos, False)
    editor = tools.editor()
    assert editor is not None and editor.text() == "alt"
    editor.field.setPlainText("neu")
    editor.accept()
    _saved(qtbot, model)
    assert next(a for a in _stored(paths, file_id) if a.id == note.id).text == "neu"
    model.undo_stack(file_id).undo()
    _saved(qtbot, model)
    assert next(a for a in _stored(paths, file_id) if a.id == note.id).text == "alt"


def test_ink_on_a_rotated_page_is_stored_as_pymupdf_reports_the_page(
    qtbot: Any, bridge: RenderBridge, model: AnnotationModel
) -> None:
    """The page is shown turned by 90°; the record keeps PyMuPDF's (unrotated) coordinates, which the
    page's rotation matrix maps back onto the drawn place."""
    from gremalda.core.annotations.authoring import transform

    v = DocumentView(bridge)
    qtbot.addWidget(v)
    v.resize(900, 700)
    with qtbot.waitExposed(v, timeout=LOAD_MS):
        v.show()
    with qtbot.waitSignal(v.documentLoaded, timeout=LOAD_MS) as loaded:
        v.open_document("rotated", (PDF_DIR / "habibi-rotated.pdf").read_bytes(), "rotated")
    info = loaded.args[0]
    page = info.pages[0]
    assert page.width > page.height and page.matrix != (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    v.set_zoom("percent", 100)
    v.set_annotations(model, "rotated-sample")
    qtbot.waitUntil(lambda: model.loaded("rotated-sample") and model._writer.pending == 0, timeout=LOAD_MS)
    annotation_tools(v).set_tool(Tool.INK)
    shown = [(200.0 + 10 * k, 150.0 + 5 * k) for k in range(11)]  # points on the page as shown
    drag(v, [page_point(v, 0, x, y) for x, y in shown])
    _saved(qtbot, model)
    (ink,) = model.annotations("rotated-sample")
    (stroke,) = ink.strokes
    assert transform(page.matrix, stroke[0][0], stroke[0][1]) == pytest.approx(shown[0], abs=0.5)
    assert transform(page.matrix, stroke[-1][0], stroke[-1][1]) == pytest.approx(shown[-1], abs=0.5)
    assert stroke[0][:2] != pytest.approx(shown[0], abs=5)  # stored unrotated, not as shown
    v.close_document()


def test_every_tab_of_the_document_area_gets_the_model_and_its_file(
    qtbot: Any, bridge: RenderBridge, model: AnnotationModel, world: tuple[DataPaths, str]
) -> None:
    from gremalda.core.records import FileEntry
    from gremalda.ui.document_area import DocumentArea

    area = DocumentArea(lambda parent: DocumentView(bridge, parent))
    qtbot.addWidget(area)

    def entry(file_id: str) -> FileEntry:
        return FileEntry(
            file_id,
            "Beispiel",
            "b.pdf",
            "application/pdf",
            1,
            None,
            "main",
            "complete",
            True,
            1,
            0,
            "",
            False,
            None,
            "",
        )

    first, _ = area.open(entry(world[1]))
    area.set_annotation_model(model)  # tabs open before the model came get it too
    second, _ = area.open(entry("4711"), beside=True)
    for tab, file_id in ((first, world[1]), (second, "4711")):
        assert isinstance(tab.view, DocumentView)
        tools = tab.view.annotation_tools()
        assert tools is not None and tools.model is model and tools.file_id == file_id
        assert tab.view.annotation_toolbar() is not None
