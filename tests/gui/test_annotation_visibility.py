"""Sharing annotations from the app (who sees them: only me, the faction, the committee), offscreen on real
replicas synchronised with the real server on a loopback port: the tool bar's default for new annotations
(remembered per user), the Select tool's context menu, the note editor, the panel's column and menu, undo;
a committee colleague receives a shared highlight read-only, a faction colleague a note shared with the
faction and a committee member outside the faction does not; the faction choice is disabled for a user in
no faction and every sharing choice on an OParl source's document. Pictures of the widgets are saved to
``GREMALDA_SHOTS`` (a folder) when it is set. Run under `.ci/with-keyring`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QAction, QContextMenuEvent
from PySide6.QtWidgets import QApplication, QMenu

from gremalda.core.annotations.errors import ReadOnlyAnnotation
from gremalda.core.annotations.merge import create
from gremalda.core.annotations.records import Annotation, Kind, TextQuote, Visibility
from gremalda.core.annotations.sharing import Sharing, factions, refusal
from gremalda.core.annotations.store import AnnotationStore
from gremalda.core.syncing import synchronise
from gremalda.paths import DataPaths
from gremalda.store.replica import open_store
from gremalda.ui.annotation_panel import AUTHOR, TEXT, VISIBILITY, AnnotationPanel
from gremalda.ui.annotations.model import AnnotationModel
from gremalda.ui.annotations.tools import Tool
from gremalda.ui.annotations.visibility_picker import VisibilityBox, VisibilityPicker, add_visibility_actions
from gremalda.ui.orphan_dialog import DOCUMENT, WHY, OrphanDialog
from gremalda.ui.viewer import DocumentView, RenderBridge
from gremalda.ui.workers import ReplicaWorkers
from sync.server.db import write_session
from sync.server.models import Membership, Person, Role, User
from sync.server.passwords import hash_password
from tests.gui.conftest import (
    QUICK,
    GuiWorld,
    annotation_tools,
    drag,
    mouse,
    page_point,
    rich_pdf,
    saved,
    shot,
)
from tests.integration.world import PASSWORD

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine


# --- the world: a faction colleague on committee A besides the test world's member (A + faction F) and
# deputy (A, in no faction)


@pytest.fixture(scope="module")
def shared_file(gui_world: GuiWorld) -> str:
    """A document of committee A's public paper, and a faction colleague (committee A and faction F)."""
    ids = gui_world.world.ids
    with write_session(gui_world.server.ctx.sessions) as s:
        person = Person(body_id=ids["body"], name="Person colleague")
        s.add(person)
        s.flush()
        s.add_all(
            [
                Membership(person_id=person.id, organization_id=ids["committee_a"]),
                Membership(person_id=person.id, organization_id=ids["faction"]),
                User(
                    username="colleague",
                    password_hash=hash_password(PASSWORD),
                    role=Role.MEMBER,
                    body_id=ids["body"],
                    person_id=person.id,
                ),
            ]
        )
    return str(gui_world.add_file(rich_pdf("Sichtbarkeit"), "Sichtbarkeit", paper_id=ids["public_paper"]))


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _model(qtbot: Any, paths: DataPaths, settings: QSettings | None = None) -> AnnotationModel:
    model = AnnotationModel(paths, settings=settings)
    qtbot.waitUntil(lambda: model.ready, timeout=WAIT)
    return model


def _stored(paths: DataPaths, annotation_id: str) -> Annotation | None:
    with open_store(paths) as store:
        return AnnotationStore(store.db).get(annotation_id)


def _view(qtbot: Any, bridge: RenderBridge, model: AnnotationModel, file_id: str) -> DocumentView:
    view = DocumentView(bridge)
    qtbot.addWidget(view)
    view.resize(1100, 900)
    with qtbot.waitExposed(view, timeout=WAIT):
        view.show()
    with qtbot.waitSignal(view.documentLoaded, timeout=WAIT):
        view.open_document(file_id, rich_pdf("Sichtbarkeit"), "Sichtbarkeit")
    view.set_zoom("percent", 100)
    view.set_annotations(model, file_id)
    qtbot.waitUntil(lambda: model.loaded(file_id) and model._writer.pending == 0, timeout=WAIT)
    return view


def _picker(view: DocumentView) -> VisibilityPicker:
    toolbar = view.annotation_toolbar()
    assert toolbar is not None
    return toolbar.visibility_picker


def _choice(menu: QMenu, visibility: Visibility) -> QAction:
    return next(a for a in menu.actions() if a.data() == visibility.value)


def _context_menu(qtbot: Any, view: DocumentView, pos: QPointF) -> QMenu:
    """Right-click at ``pos`` (the Select tool): the annotation's menu, open."""
    viewport = view.page_area().viewport()
    point = pos.toPoint()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, viewport.mapToGlobal(point))
    QApplication.sendEvent(viewport, event)

    def shown() -> list[QMenu]:  # (a closed one may still wait for its deletion)
        return [m for m in viewport.findChildren(QMenu, "annotationContextMenu") if m.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1, timeout=WAIT)
    return shown()[0]


# --- tests --------------------------------------------------------------------------------------------


def test_a_committee_default_shares_a_highlight_that_a_colleague_receives_read_only(
    qtbot: Any,
    gui_world: GuiWorld,
    shared_file: str,
    bridge: RenderBridge,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    paths = gui_world.replica(tmp_path, "member")
    model = _model(qtbot, paths, settings)
    assert model.default_visibility() is Visibility.PRIVATE  # nothing is shared unless the user says so
    view = _view(qtbot, bridge, model, shared_file)
    picker = _picker(view)
    assert picker.text() == "Visible to: Only me"
    picker.fill_menu()
    # the button's words are the menu entry's (as in German: "Sichtbar für: Nur ich" / "Nur ich")
    entries = [a.text().replace("&", "") for a in picker.menu_.actions()]
    assert picker.text().removeprefix("Visible to: ") in entries
    committee = _choice(picker.menu_, Visibility.COMMITTEE)
    assert committee.isEnabled() and _choice(picker.menu_, Visibility.FACTION).isEnabled()  # in faction F
    committee.trigger()
    assert model.default_visibility() is Visibility.COMMITTEE
    assert picker.text() == "Visible to: Committee"
    shot(view.annotation_toolbar() or view, "visibility_toolbar")

    # a highlight drawn now is shared with the committee
    key = view.page_area().render_key()
    assert key is not None
    bridge.request_words(key, 0)
    qtbot.waitUntil(lambda: bridge.words(key, 0) is not None, timeout=WAIT)
    words = bridge.words(key, 0)
    assert words is not None
    first, third = words.words[0], words.words[2]
    annotation_tools(view).set_tool(Tool.HIGHLIGHT)
    before = {a.id for a in model.annotations(shared_file)}
    centre = [page_point(view, 0, (w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2) for w in (first, third)]
    drag(view, [centre[0], centre[0] + QPointF(8, 0), centre[1]])
    saved(qtbot, model)
    (highlight,) = [a for a in model.annotations(shared_file) if a.id not in before]
    stored = _stored(paths, highlight.id)
    assert stored is not None and stored.visibility is Visibility.COMMITTEE
    synchronise(paths, retry=QUICK)

    # the deputy (committee A) receives it, read-only
    deputy = gui_world.replica(tmp_path, "deputy")
    received = _stored(deputy, highlight.id)
    assert received is not None and received.visibility is Visibility.COMMITTEE
    theirs = _model(qtbot, deputy)
    theirs.load(shared_file)
    qtbot.waitUntil(lambda: theirs.get(highlight.id) is not None, timeout=WAIT)
    record = theirs.get(highlight.id)
    assert record is not None and not theirs.is_mine(record)
    with pytest.raises(ReadOnlyAnnotation):
        theirs.set_visibility(highlight.id, Visibility.PRIVATE)
    theirs.close()

    # the default is remembered for this user: a new model (the next start) reads it again
    model.close()
    again = _model(qtbot, paths, settings)
    assert again.default_visibility() is Visibility.COMMITTEE
    again.close()
    assert _model(qtbot, paths).default_visibility() is Visibility.PRIVATE  # without the settings: private
    view.close_document()


def test_the_context_menu_shares_a_note_with_the_faction_and_undo_takes_it_back(
    qtbot: Any,
    gui_world: GuiWorld,
    shared_file: str,
    bridge: RenderBridge,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    paths = gui_world.replica(tmp_path, "member")
    model = _model(qtbot, paths, settings)
    view = _view(qtbot, bridge, model, shared_file)
    note = model.new(
        shared_file, Kind.NOTE, 0, rect=(400.0, 100.0, 420.0, 120.0), text="Fraktionssitzung: klären"
    )
    model.add(note)
    assert note.visibility is Visibility.PRIVATE
    tools = annotation_tools(view)
    tools.set_tool(Tool.SELECT)
    pos = page_point(view, 0, 410, 110)

    # hovering tells who sees it
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    viewport = view.page_area().viewport()
    QApplication.sendEvent(
        viewport, QHelpEvent(QEvent.Type.ToolTip, pos.toPoint(), viewport.mapToGlobal(pos.toPoint()))
    )
    assert "Visible to: Only me" in QToolTip.text()
    QToolTip.hideText()

    menu = _context_menu(qtbot, view, pos)
    assert tools.selected() == note.id
    sub = menu.findChild(QMenu, "annotationVisibilitySubmenu")
    assert sub is not None and sub.isEnabled()
    assert _choice(sub, Visibility.PRIVATE).isChecked()
    faction = _choice(sub, Visibility.FACTION)
    assert faction.isEnabled() and "Fraktion F" in faction.toolTip()
    shot(menu, "visibility_context_menu")
    sub.popup(menu.mapToGlobal(QPoint(menu.width(), 0)))
    qtbot.waitUntil(sub.isVisible, timeout=WAIT)
    shot(sub, "visibility_context_submenu")
    faction.trigger()
    menu.close()
    assert model.get(note.id).visibility is Visibility.FACTION  # type: ignore[union-attr]
    saved(qtbot, model)
    stored = _stored(paths, note.id)
    assert stored is not None and stored.visibility is Visibility.FACTION
    stack = model.undo_stack(shared_file)
    assert stack.undoText() == "Change who sees the annotation"
    synchronise(paths, retry=QUICK)

    colleague = gui_world.replica(tmp_path, "colleague")  # committee A and faction F
    deputy = gui_world.replica(tmp_path, "deputy")  # committee A, in no faction
    received = _stored(colleague, note.id)
    assert received is not None and received.visibility is Visibility.FACTION
    assert received.text == "Fraktionssitzung: klären"
    assert _stored(deputy, note.id) is None

    # undo restores "only me" (an edit like any other: stored, queued, pushed); the colleague loses it
    stack.undo()
    assert model.get(note.id).visibility is Visibility.PRIVATE  # type: ignore[union-attr]
    saved(qtbot, model)
    stored = _stored(paths, note.id)
    assert stored is not None and stored.visibility is Visibility.PRIVATE
    synchronise(paths, retry=QUICK)
    synchronise(colleague, retry=QUICK)
    assert _stored(colleague, note.id) is None
    stack.redo()
    assert model.get(note.id).visibility is Visibility.FACTION  # type: ignore[union-attr]

    # the note editor (double click) offers the choice too: committee, saved with the text in one step
    mouse(view, QEvent.Type.MouseButtonDblClick, pos, True)
    editor = tools.editor()
    assert editor is not None and isinstance(editor.visibility_box, VisibilityBox)
    assert editor.visibility() is Visibility.FACTION
    editor.visibility_box.setCurrentIndex(editor.visibility_box.findData(Visibility.COMMITTEE.value))
    editor.field.setPlainText("Fraktionssitzung: geklärt")
    shot(editor, "visibility_note_editor")
    count = stack.count()
    editor.buttons.accepted.emit()
    assert stack.count() == count + 1
    saved(qtbot, model)
    stored = _stored(paths, note.id)
    assert stored is not None and (stored.visibility, stored.text) == (
        Visibility.COMMITTEE,
        "Fraktionssitzung: geklärt",
    )
    view.close_document()
    model.close()


def test_faction_is_disabled_for_a_user_in_no_faction_and_everything_on_oparl_documents(
    qtbot: Any,
    gui_world: GuiWorld,
    shared_file: str,
    bridge: RenderBridge,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    member = gui_world.replica(tmp_path, "member")
    with open_store(member) as store:
        assert factions(store) == ("Fraktion F",)
    paths = gui_world.replica(tmp_path, "deputy")
    with open_store(paths) as store:
        assert factions(store) == ()
    model = _model(qtbot, paths, settings)
    view = _view(qtbot, bridge, model, shared_file)
    picker = _picker(view)
    picker.fill_menu()
    faction = _choice(picker.menu_, Visibility.FACTION)
    assert not faction.isEnabled()
    assert "You are in no faction" in faction.text() and "You are in no faction" in faction.toolTip()
    assert _choice(picker.menu_, Visibility.COMMITTEE).isEnabled()
    picker.menu_.popup(picker.mapToGlobal(QPoint(0, picker.height())))
    qtbot.waitUntil(picker.menu_.isVisible, timeout=WAIT)
    shot(picker.menu_, "visibility_menu_no_faction")
    picker.menu_.close()

    # a default of "faction" (remembered from a time in a faction) gives private annotations now
    model.set_default_visibility(Visibility.FACTION)
    assert model.visibility_for(shared_file) is Visibility.PRIVATE
    assert picker.text() == "Visible to: Only me" and "You are in no faction" in picker.toolTip()
    note = model.new(shared_file, Kind.NOTE, 0, rect=(50.0, 50.0, 70.0, 70.0), text="Privat")
    assert note.visibility is Visibility.PRIVATE
    model.add(note)
    annotation_tools(view).set_tool(Tool.SELECT)
    menu = _context_menu(qtbot, view, page_point(view, 0, 60, 60))
    sub = menu.findChild(QMenu, "annotationVisibilitySubmenu")
    assert sub is not None and not _choice(sub, Visibility.FACTION).isEnabled()
    menu.close()
    # the menu key opens the selected annotation's menu, wherever the pointer is
    viewport = view.page_area().viewport()
    QApplication.sendEvent(
        viewport,
        QContextMenuEvent(
            QContextMenuEvent.Reason.Keyboard, QPoint(2, 2), viewport.mapToGlobal(QPoint(2, 2))
        ),
    )
    keyed = next(m for m in viewport.findChildren(QMenu, "annotationContextMenu") if m.isVisible())
    keyed_sub = keyed.findChild(QMenu, "annotationVisibilitySubmenu")
    assert keyed_sub is not None and _choice(keyed_sub, Visibility.PRIVATE).isChecked()
    keyed.close()

    # the note editor: the faction's entry disabled
    box = VisibilityBox(model.sharing(shared_file), Visibility.PRIVATE)
    assert not box.allowed(Visibility.FACTION) and box.allowed(Visibility.COMMITTEE)

    # an OParl source's document: its annotations stay on this device, sharing is not offered
    oparl = Sharing(local=True, factions=("Fraktion F",))
    assert refusal(oparl, Visibility.COMMITTEE) == "local" and refusal(oparl, Visibility.PRIVATE) is None
    assert model.sharing("https://oparl.example.org/file/7").local
    lone = QMenu()
    add_visibility_actions(lone, oparl, Visibility.PRIVATE, lambda _v: None)
    assert [a.isEnabled() for a in lone.actions()] == [True, False, False]
    assert "OParl" in _choice(lone, Visibility.COMMITTEE).toolTip()
    with open_store(paths) as store, store.db.transaction() as conn:  # an OParl source's file
        conn.execute(
            "INSERT INTO object (type, id, data, modified) VALUES ('file', 'oparl-file-1', ?, '2026-12-01')",
            ('{"id": "oparl-file-1", "source": "oparl"}',),
        )
    model.load("oparl-file-1")
    qtbot.waitUntil(lambda: model.sharing("oparl-file-1").local, timeout=WAIT)
    model.set_default_visibility(Visibility.COMMITTEE)
    assert model.visibility_for("oparl-file-1") is Visibility.PRIVATE
    assert model.visibility_for(shared_file) is Visibility.COMMITTEE
    view.close_document()
    model.close()


def test_the_panel_shows_who_sees_each_annotation_and_shares_from_its_menu(
    qtbot: Any, gui_world: GuiWorld, shared_file: str, tmp_path: Path
) -> None:
    paths = gui_world.replica(tmp_path, "member")
    model = _model(qtbot, paths)
    mine = model.new(
        shared_file,
        Kind.HIGHLIGHT,
        0,
        quads=((72.0, 290.0, 300.0, 290.0, 72.0, 303.0, 300.0, 303.0),),
        quote=TextQuote("Sichtbarkeit und die Beratung im Ausschuss"),
    )
    theirs = create(
        "their-device",
        now="2026-11-30T09:15:00Z",
        file_id=shared_file,
        kind=Kind.NOTE,
        page=0,
        author_id="999999",
        author_name="Erika Mustermann",
        rect=(10.0, 10.0, 30.0, 30.0),
        text="Bitte im Ausschuss ansprechen",
        visibility=Visibility.COMMITTEE,
    )
    with open_store(paths) as store:
        AnnotationStore(store.db, user_id=model.user_id).apply_remote(theirs, 1)
    panel = AnnotationPanel(model)
    qtbot.addWidget(panel)
    panel.resize(520, 400)
    with qtbot.waitExposed(panel, timeout=WAIT):
        panel.show()
    panel.set_document(shared_file, "Sichtbarkeit")
    model.add(mine)
    # (the member's annotations of the tests before come from the server too)
    qtbot.waitUntil(lambda: {mine.id, theirs.id} <= {r.annotation_id for r in panel.rows()}, timeout=WAIT)
    rows = {r.annotation_id: r for r in panel.rows()}
    assert rows[mine.id].visibility == "Only me" and rows[theirs.id].visibility == "Committee"
    assert rows[mine.id].text == "“Sichtbarkeit und die Beratung im Ausschuss”"
    assert panel.scope_label.text() == "Annotations &in:" and panel.scope_label.buddy() is panel.scope
    assert not panel.view.isColumnHidden(VISIBILITY)
    header = panel.view.header()

    def text_gets_the_room() -> None:  # wider than the author column, which is no wider than its names need
        assert header.sectionSize(TEXT) > header.sectionSize(AUTHOR)
        assert header.sectionSize(AUTHOR) <= panel.view.sizeHintForColumn(AUTHOR) + 40
        right = header.sectionPosition(VISIBILITY) + header.sectionSize(VISIBILITY)
        assert right <= panel.view.viewport().width()

    # the columns fitted to their contents are laid out by the header a step later (an event): wait for it
    qtbot.waitUntil(text_gets_the_room, timeout=WAIT)
    line = next(i for i, r in enumerate(panel.rows()) if r.annotation_id == mine.id)
    assert "Visible to: Only me" in (panel.line_index(line).data(Qt.ItemDataRole.ToolTipRole) or "")
    shot(panel, "visibility_panel")

    # its context menu shares one's own (undoable); others' cannot be changed
    panel.view.setCurrentIndex(panel.line_index(line))
    rect = panel.view.visualRect(panel.line_index(line))
    panel._context_menu(rect.center())
    menu = next(m for m in panel.findChildren(QMenu) if m.isVisible())
    sub = menu.findChild(QMenu, "annotationVisibilitySubmenu")
    assert sub is not None
    _choice(sub, Visibility.COMMITTEE).trigger()
    menu.close()
    qtbot.waitUntil(
        lambda: {r.annotation_id: r.visibility for r in panel.rows()}[mine.id] == "Committee", timeout=WAIT
    )
    saved(qtbot, model)
    stored = _stored(paths, mine.id)
    assert stored is not None and stored.visibility is Visibility.COMMITTEE
    model.undo_stack(shared_file).undo()
    assert {r.annotation_id: r.visibility for r in panel.rows()}[mine.id] == "Only me"
    other = next(i for i, r in enumerate(panel.rows()) if r.annotation_id == theirs.id)
    panel.view.setCurrentIndex(panel.line_index(other))
    panel._context_menu(panel.view.visualRect(panel.line_index(other)).center())
    menu = next(m for m in panel.findChildren(QMenu) if m.isVisible())
    sub = menu.findChild(QMenu, "annotationVisibilitySubmenu")
    assert sub is not None and not sub.isEnabled()
    menu.close()

    # a narrow dock of one's own annotations only: no author column (one's own name on every line)
    panel.resize(360, 400)
    panel.mine_only.setChecked(True)
    assert mine.id in {r.annotation_id for r in panel.rows()} and not any(r.read_only for r in panel.rows())
    assert panel.view.isColumnHidden(AUTHOR)
    shot(panel, "visibility_panel_narrow")
    saved(qtbot, model)
    model.close()


def test_the_orphan_dialog_shows_every_column_at_its_default_size(
    qtbot: Any, gui_world: GuiWorld, tmp_path: Path
) -> None:
    long_name = "Einladung 3. Sitzung Bezirksversammlung Elbhausen 2026 mit Anlagen und Nachträgen"
    file_id = str(
        gui_world.add_file(rich_pdf("Lang"), long_name, paper_id=gui_world.world.ids["public_paper"])
    )
    paths = gui_world.replica(tmp_path, "member")
    model = _model(qtbot, paths)
    flagged = model.new(file_id, Kind.NOTE, 0, rect=(10.0, 10.0, 30.0, 30.0), text="Termin eintragen")
    gone = model.new(
        "987654", Kind.NOTE, 0, rect=(10.0, 10.0, 30.0, 30.0), text="Sehr geehrte Damen und Herren"
    )
    with open_store(paths) as store:
        annotations = AnnotationStore(store.db, user_id=model.user_id)
        annotations.save(replace(flagged, attention=True))
        annotations.save(gone)
    writer = ReplicaWorkers(paths, threads=1)
    dialog = OrphanDialog(model, writer)
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog, timeout=WAIT):
        dialog.show()
    qtbot.waitUntil(lambda: len(dialog.orphans()) >= 2, timeout=WAIT)
    header = dialog.view.header()

    def every_column_in_view() -> None:
        right = max(header.sectionPosition(c) + header.sectionSize(c) for c in range(header.count()))
        assert right <= dialog.view.viewport().width()  # the date and the reason are in view
        assert header.sectionSize(WHY) >= 60 and header.sectionSize(DOCUMENT) < dialog.width() // 2

    # the columns fitted to their contents are laid out by the header a step later (an event): wait for it
    qtbot.waitUntil(every_column_in_view, timeout=WAIT)
    cell = next(
        dialog.model_.item(r, DOCUMENT)
        for r in range(dialog.model_.rowCount())
        if long_name in dialog.model_.item(r, DOCUMENT).text()
    )
    assert long_name in cell.toolTip()  # elided in the list, whole in the tooltip
    shot(dialog, "visibility_orphans")
    dialog.close()
    writer.close()
    model.close()


def test_sharing_and_the_panel_speak_german(
    qtbot: Any,
    gui_world: GuiWorld,
    shared_file: str,
    bridge: RenderBridge,
    settings: QSettings,
    tmp_path: Path,
) -> None:
    from PySide6.QtCore import QLocale

    from gremalda.ui.i18n import install_translations

    paths = gui_world.replica(tmp_path, "deputy")
    try:
        assert install_translations(None, QLocale("de_DE")) == "de"
        model = _model(qtbot, paths, settings)
        view = _view(qtbot, bridge, model, shared_file)
        picker = _picker(view)
        assert picker.text() == "Sichtbar für: Nur ich"  # the menu's words
        picker.fill_menu()
        texts = [a.text().split(" (")[0].replace("&", "") for a in picker.menu_.actions()]  # accelerators
        assert texts == ["Nur ich", "Fraktion", "Gremium"]
        assert "Sie gehören keiner Fraktion an" in _choice(picker.menu_, Visibility.FACTION).text()
        picker.menu_.popup(picker.mapToGlobal(QPoint(0, picker.height())))
        qtbot.waitUntil(picker.menu_.isVisible, timeout=WAIT)
        shot(picker.menu_, "visibility_menu_de")
        picker.menu_.close()
        shot(view.annotation_toolbar() or view, "visibility_toolbar_de")

        panel = AnnotationPanel(model)
        qtbot.addWidget(panel)
        panel.resize(520, 300)
        panel.show()
        panel.set_document(shared_file, "Sichtbarkeit")
        highlight = model.new(
            shared_file,
            Kind.HIGHLIGHT,
            0,
            quads=((72.0, 290.0, 300.0, 290.0, 72.0, 303.0, 300.0, 303.0),),
            quote=TextQuote("Beratung im Ausschuss"),
        )
        model.add(highlight)
        rows = {r.annotation_id: r for r in panel.rows()}
        assert rows[highlight.id].text == "„Beratung im Ausschuss“"
        assert rows[highlight.id].visibility == "Nur ich"
        assert panel.scope_label.text() == "Anmerkungen &in:"
        assert [panel.scope.itemText(i) for i in range(panel.scope.count())] == [
            "Dieses Dokument",
            "Diese Sitzung",
        ]
        shot(panel, "visibility_panel_de")
        saved(qtbot, model)
        view.close_document()
        model.close()
    finally:
        assert install_translations("en") == "en"
