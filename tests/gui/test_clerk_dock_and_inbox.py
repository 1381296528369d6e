"""The clerk workspace after the walkthrough (issue 6) against the real server on loopback, with a clerk's
real replica, offscreen: the late-paper dialog's labels have buddies (Alt+D reaches the file field, in
German too) and the dialog grows with a problem; a file dropped on a published meeting becomes a late paper
with a change note (not an ordinary document); a paper's documents are listed under the paper and can be
replaced and removed there; the hot folder's inbox checks files when they arrive, keeps refused ones with
the reason, and does not list attached ones again after a restart (they are moved into "Done"), nor
files one that was written again while it uploaded; it says in the user's language why an attached file
was not moved; its checks do not hold up Publish; Cancel of the first of several late papers dropped at
once stops them all; the dock fits a narrow window (its buttons wrap)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, QPoint, QRect, Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from gremalda.core.clerk.attach import fingerprint
from gremalda.ui.clerk.agenda_model import KIND_ROLE
from gremalda.ui.clerk.dialogs import NoteDialog
from gremalda.ui.clerk.inbox import Inbox
from gremalda.ui.clerk.publish_confirmation import PublishConfirmation
from gremalda.ui.clerk.workspace import ClerkWorkspace
from gremalda.ui.i18n import install_translations
from gremalda.ui.main_window import MainWindow
from sync.server.db import write_session
from sync.server.models import File
from tests.gui.conftest import GuiWorld, drop_files, rich_pdf, show_in_clerk_editor

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine
BROKEN = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R" + b"\x00" * 4000


def _files(gui_world: GuiWorld, **owner: int) -> list[tuple[int, str, str, str, int | None]]:
    """(id, name, role, change note, supersedes) of the server's files of the owner."""
    with write_session(gui_world.server.ctx.sessions) as s:
        field, value = next(iter(owner.items()))
        rows = s.scalars(select(File).where(getattr(File, field) == value)).all()
        return [(int(f.id), f.name, str(f.role), f.change_note, f.supersedes_id) for f in rows]


def _clerk_on_published_meeting(
    open_window: Callable[..., MainWindow], gui_world: GuiWorld, qtbot: Any, tmp_path: Path, **kw: Any
) -> ClerkWorkspace:
    window = open_window(gui_world.replica(tmp_path, "clerk"), **kw)
    ws = window.clerk
    qtbot.waitUntil(lambda: ws.clerk, timeout=WAIT)
    meeting_id = str(gui_world.world.ids["published_meeting"])
    show_in_clerk_editor(qtbot, window, meeting_id, timeout=WAIT)
    assert ws.editor.desk is not None and ws.editor.desk.state == "published"
    return ws


def _late_dialog(qtbot: Any, ws: ClerkWorkspace) -> NoteDialog:
    qtbot.waitUntil(lambda: isinstance(ws.dialog, NoteDialog), timeout=WAIT)
    dialog = ws.dialog
    assert isinstance(dialog, NoteDialog)
    return dialog


# --- the late-paper dialog


def test_the_late_paper_dialogs_labels_reach_their_fields_with_alt_in_german(qtbot: Any) -> None:
    """ "&Datei:" is a label with a buddy: Alt+D moves to the file field (the label shows "Datei:", no
    "&"); the dialog is wide enough for the path; a problem makes it grow, not clip the explanation."""
    try:
        assert install_translations(None, QLocale("de_DE")) == "de"
        explanation = "Ein Nachtrag (Tischvorlage) für den gewählten Punkt. " * 4
        dialog = NoteDialog("Nachtrag hinzufügen", explanation)
        qtbot.addWidget(dialog)
        with qtbot.waitExposed(dialog, timeout=WAIT):
            dialog.show()
        with qtbot.waitActive(dialog, timeout=WAIT):
            dialog.activateWindow()
        assert dialog.path_label.text() == "&Datei:" and dialog.path_label.buddy() is dialog.path
        assert dialog.note_label.buddy() is dialog.note
        assert dialog.width() >= 520 and dialog.path.width() >= 250
        dialog.note.setFocus()
        qtbot.waitUntil(dialog.note.hasFocus, timeout=WAIT)
        qtbot.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(dialog.path.hasFocus, timeout=WAIT)

        before = dialog.height()
        dialog.accept()  # no file: the problem is shown, the dialog stays open and grows
        assert dialog.isVisible() and dialog.problem.isVisible()
        assert dialog.problem.text() == "Wählen Sie eine vorhandene PDF-Datei."
        assert dialog.height() > before
        needed = dialog.column.totalHeightForWidth(dialog.width())
        assert dialog.height() >= needed
        assert dialog.explanation.height() >= dialog.explanation.heightForWidth(dialog.explanation.width())
    finally:
        assert install_translations("en") == "en"


# --- a published meeting: late papers, a paper's documents, the dock's width


def test_a_file_dropped_on_a_published_meeting_is_a_late_paper_with_a_note(
    open_window: Callable[..., MainWindow], gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    ids = gui_world.world.ids
    ws = _clerk_on_published_meeting(open_window, gui_world, qtbot, tmp_path, width=1280)
    item_id = str(ids["public_item"])
    assert ws.editor.select("item", item_id)
    pdf = tmp_path / "Nachtrag Stellenplan.pdf"
    pdf.write_bytes(rich_pdf("Nachtrag", 1))
    before = _files(gui_world, agenda_item_id=ids["public_item"])

    drop_files(ws, ws.editor.tree.currentIndex(), [pdf])
    dialog = _late_dialog(qtbot, ws)
    assert dialog.path.text() == str(pdf) and "published" in dialog.explanation.text()
    assert _files(gui_world, agenda_item_id=ids["public_item"]) == before  # nothing without the note
    dialog.note.setText("Nachtrag: neuer Stellenplan")
    with qtbot.waitSignal(ws.editor.uploads.attached, timeout=WAIT) as attached:
        dialog.accept()
    file_id = int(attached.args[0])
    assert (file_id, "Nachtrag Stellenplan", "late", "Nachtrag: neuer Stellenplan", None) in _files(
        gui_world, agenda_item_id=ids["public_item"]
    )

    # cancelling the dialog attaches nothing
    other = tmp_path / "Anlage.pdf"
    other.write_bytes(rich_pdf("Anlage", 1))
    drop_files(ws, ws.editor.tree.currentIndex(), [other])
    dialog = _late_dialog(qtbot, ws)
    dialog.reject()
    qtbot.waitUntil(lambda: ws.dialog is None, timeout=WAIT)
    qtbot.waitUntil(lambda: ws.runner.pending == 0, timeout=WAIT)
    assert "Anlage" not in [name for _i, name, *_ in _files(gui_world, agenda_item_id=ids["public_item"])]


def test_a_papers_documents_are_listed_under_it_opened_replaced_and_removed_there(
    open_window: Callable[..., MainWindow], gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    ids = gui_world.world.ids
    ws = _clerk_on_published_meeting(open_window, gui_world, qtbot, tmp_path)
    old_id = str(gui_world.ids["rich_file"])  # the public paper's document (consulted on the public item)
    assert ws.editor.select("file", old_id)
    index = ws.editor.tree.currentIndex()
    assert index.parent().data(KIND_ROLE) == "paper"
    assert index.parent().parent().data(KIND_ROLE) == "item"

    # replace it (the Clerk menu's "Replace document…", as the context menu offers it too)
    ws.editor.show_context_menu(ws.editor.tree.visualRect(index).center())
    menu = ws.editor.context_menu
    assert menu is not None
    assert [a.text() for a in menu.actions()] == ["Open document", "Replace document…", "Remove document…"]
    menu.close()
    # Enter on it opens it in the window
    ws.editor.tree.setFocus()
    assert ws.editor.select("file", old_id)
    qtbot.keyClick(ws.editor.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ws.window.documents.find_tab(old_id) is not None, timeout=WAIT)
    ws.actions["replace"].trigger()
    dialog = _late_dialog(qtbot, ws)
    new = tmp_path / "Haushaltsplan neu.pdf"
    new.write_bytes(rich_pdf("Haushaltsplan neu", 2))
    dialog.path.setText(str(new))
    dialog.note.setText("Zahlen auf Seite 2 berichtigt")
    with qtbot.waitSignal(ws.editor.uploads.attached, timeout=WAIT) as attached:
        dialog.accept()
    new_id = int(attached.args[0])
    on_paper = _files(gui_world, paper_id=ids["public_paper"])
    assert (new_id, "rich_file", "auxiliary", "Zahlen auf Seite 2 berichtigt", int(old_id)) in on_paper
    qtbot.waitUntil(lambda: ws.editor.select("file", str(new_id)), timeout=WAIT)
    qtbot.waitUntil(lambda: not ws.editor.select("file", old_id), timeout=WAIT)
    assert ws.editor.select("file", str(new_id))
    assert ws.editor.tree.currentIndex().parent().data(KIND_ROLE) == "paper"

    # remove it: the confirmation says it leaves the paper
    qtbot.waitUntil(lambda: ws.runner.pending == 0 and ws.window.workers.pending == 0, timeout=WAIT)
    ws.editor.tree.setFocus()
    assert ws.editor.select("file", str(new_id))
    qtbot.keyClick(ws.editor.tree, Qt.Key.Key_Delete)
    box = ws.editor.confirmation
    assert isinstance(box, QMessageBox) and "belongs to the paper" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(
        lambda: new_id not in [i for i, *_ in _files(gui_world, paper_id=ids["public_paper"])], timeout=WAIT
    )
    qtbot.waitUntil(lambda: not ws.editor.select("file", str(new_id)), timeout=WAIT)


def test_the_clerk_dock_fits_a_narrow_window(
    open_window: Callable[..., MainWindow], gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    """The item buttons wrap into rows: the dock needs about 300 px, not the 689 px of one row; every
    button stays visible (its Alt key works); the inbox says where its folder is set."""
    ws = _clerk_on_published_meeting(open_window, gui_world, qtbot, tmp_path, sync=False, width=1280)
    assert ws.dock.minimumSizeHint().width() <= 320
    assert ws.editor.minimumSizeHint().width() <= 310
    ws.window.resizeDocks([ws.dock], [320], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: ws.dock.width() <= 340, timeout=WAIT)
    buttons = list(ws.editor.buttons.values())
    assert all(b.isVisible() and b.isEnabled() for b in buttons)
    assert all(ws.editor.rect().contains(QRect(b.mapTo(ws.editor, QPoint(0, 0)), b.size())) for b in buttons)
    assert len({b.y() for b in buttons}) >= 2  # wrapped
    assert "Clerk ▸ Hot folder…" in ws.editor.inbox.title.text()


# --- the hot folder's inbox


def test_the_inbox_checks_arrivals_keeps_refused_files_and_forgets_attached_ones_after_a_restart(
    open_window: Callable[..., MainWindow], gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    ids = gui_world.world.ids
    ws = _clerk_on_published_meeting(open_window, gui_world, qtbot, tmp_path)
    inbox = ws.editor.inbox
    hot = tmp_path / "hot"
    hot.mkdir()
    good, broken = hot / "Vorlage.pdf", hot / "kaputt.pdf"
    good.write_bytes(rich_pdf("Vorlage", 2))
    broken.write_bytes(BROKEN)
    ws.set_hot_folder(str(hot))

    # checked on arrival: the reason of the refused one is shown before anything is assigned
    qtbot.waitUntil(lambda: {inbox.state(good), inbox.state(broken)} == {"ok", "refused"}, timeout=WAIT)
    assert inbox.state(good) == "ok" and "2 pages" in _text(inbox, good)
    assert "refused" in _text(inbox, broken) and "PDF" in _text(inbox, broken)

    # both assigned to an item of the published meeting: late papers, one note each
    assert ws.editor.select("item", str(ids["public_item"]))
    for row in range(inbox.list.count()):
        inbox.list.item(row).setSelected(True)
    inbox.assign.click()
    first = _late_dialog(qtbot, ws)
    first_path = first.path.text()
    assert first_path in (str(good), str(broken))
    results: dict[str, str] = {}
    ws.editor.uploads.attachedFile.connect(lambda path, _id: results.__setitem__(path, "attached"))
    ws.editor.uploads.refused.connect(lambda path, _reason: results.__setitem__(path, "refused"))
    first.note.setText("Tischvorlage")
    first.accept()  # the next file's dialog follows
    qtbot.waitUntil(lambda: isinstance(ws.dialog, NoteDialog) and ws.dialog is not first, timeout=WAIT)
    second = _late_dialog(qtbot, ws)
    assert {first_path, second.path.text()} == {str(good), str(broken)}
    second.note.setText("Tischvorlage")
    second.accept()
    qtbot.waitUntil(lambda: len(results) == 2, timeout=WAIT)
    assert results == {str(good): "attached", str(broken): "refused"}

    # the refused one stays with its reason; the attached one left the list and the folder's top
    assert inbox.paths() == [broken] and inbox.state(broken) == "refused"
    assert not good.exists() and (hot / "Done" / "Vorlage.pdf").is_file()
    assert ("Vorlage", "late", "Tischvorlage") in [
        (n, r, c) for _i, n, r, c, _s in _files(gui_world, agenda_item_id=ids["public_item"])
    ]

    # a restart of the inbox (as when the program starts again): only the refused one is listed
    inbox.watch(str(hot))
    qtbot.waitUntil(lambda: inbox.state(broken) == "refused", timeout=WAIT)
    qtbot.waitUntil(lambda: ws.runner.pending == 0, timeout=WAIT)
    assert inbox.paths() == [broken]

    # a file that arrives under a name already done is listed again, and filed away beside the other
    again = hot / "Vorlage.pdf"
    again.write_bytes(rich_pdf("Vorlage zwei", 1))
    qtbot.waitUntil(lambda: inbox.state(again) == "ok", timeout=WAIT)


def _text(inbox: Any, path: Path) -> str:
    item = inbox.item(path)
    assert item is not None, path
    return str(item.text())


# --- a file written again while it uploads; arrival checks beside the runner; Cancel of several late papers

SHOTS = Path(os.environ.get("GREMALDA_TEST_SHOTS", "/tmp/s5b-inbox-shots"))
HOLD = 300.0  # s: a guard against hangs of a held gate, never reached when things work


def _assign_as_late_paper(qtbot: Any, ws: ClerkWorkspace, path: Path, item_id: str) -> None:
    inbox = ws.editor.inbox
    assert ws.editor.select("item", item_id)
    inbox.list.clearSelection()
    entry = inbox.item(path)
    assert entry is not None
    entry.setSelected(True)
    inbox.assign.click()
    dialog = _late_dialog(qtbot, ws)
    assert dialog.path.text() == str(path)
    dialog.note.setText("Tischvorlage")
    dialog.accept()


def test_a_file_written_again_while_it_uploads_is_not_filed_away(
    open_window: Callable[..., MainWindow], gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    """The upload of the first version is held after its last byte reached the server; meanwhile the
    scanner writes the file again. The end of the upload does not move the new, unsent content into
    "Done": the file stays in the hot folder, its entry stays and says why."""
    ids = gui_world.world.ids
    ws = _clerk_on_published_meeting(open_window, gui_world, qtbot, tmp_path)
    inbox = ws.editor.inbox
    hot = tmp_path / "hot"
    hot.mkdir()
    pdf = hot / "Vorlage.pdf"
    pdf.write_bytes(rich_pdf("Vorlage", 2))
    ws.set_hot_folder(str(hot))
    qtbot.waitUntil(lambda: inbox.state(pdf) == "ok", timeout=WAIT)

    sent_all, release = threading.Event(), threading.Event()

    def hold(_token: object, done: int, total: int) -> None:  # on the runner's thread: the upload waits
        if total and done == total and not sent_all.is_set():
            sent_all.set()
            release.wait(HOLD)

    ws.runner.progress.connect(hold, Qt.ConnectionType.DirectConnection)
    results: list[str] = []
    ws.editor.uploads.attachedFile.connect(lambda path, _id: results.append(path))
    _assign_as_late_paper(qtbot, ws, pdf, str(ids["public_item"]))
    try:
        qtbot.waitUntil(sent_all.is_set, timeout=WAIT)
        second = rich_pdf("Vorlage, zweite Fassung", 3)
        pdf.write_bytes(second)  # the scanner writes it again
        qtbot.waitUntil(lambda: inbox.state(pdf) == "ok" and "3 pages" in _text(inbox, pdf), timeout=WAIT)
    finally:
        release.set()
    qtbot.waitUntil(lambda: results == [str(pdf)], timeout=WAIT)  # the first version is attached

    assert inbox.state(pdf) == "changed"
    assert "changed since it was attached: not moved" in _text(inbox, pdf)
    SHOTS.mkdir(parents=True, exist_ok=True)
    inbox.grab().save(str(SHOTS / "4-changed-while-uploading.png"))
    assert inbox.paths() == [pdf]
    assert pdf.read_bytes() == second  # the unsent version stays in the hot folder
    done = hot / "Done"
    assert not done.exists() or list(done.iterdir()) == []
    assert ("Vorlage", "late", "Tischvorlage") in [
        (n, r, c) for _i, n, r, c, _s in _files(gui_world, agenda_item_id=ids["public_item"])
    ]


def test_publish_asks_while_an_arrival_check_is_held(
    open_window: Callable[..., MainWindow], gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    """Arrival checks do not queue ahead of the member list that Publish reads (a scanner's 30 files
    held up the question): with the arrival checks held, the confirmation comes."""
    window = open_window(gui_world.replica(tmp_path, "clerk"))
    ws = window.clerk
    qtbot.waitUntil(lambda: ws.clerk, timeout=WAIT)
    meeting_id = str(gui_world.world.ids["draft_meeting"])
    show_in_clerk_editor(qtbot, window, meeting_id, timeout=WAIT)
    release = threading.Event()
    ws.editor.arrivals.submit(lambda: release.wait(HOLD))  # the arrival checks' queue is held
    try:
        hot = tmp_path / "hot"
        hot.mkdir()
        pdf = hot / "Scan 001.pdf"
        pdf.write_bytes(rich_pdf("Scan", 1))
        ws.set_hot_folder(str(hot))
        qtbot.waitUntil(lambda: ws.editor.inbox.state(pdf) == "checking", timeout=WAIT)

        ws.actions["publish"].trigger()
        qtbot.waitUntil(lambda: isinstance(ws.dialog, PublishConfirmation), timeout=WAIT)
        assert ws.editor.inbox.state(pdf) == "checking"  # its check is still held
        box = ws.dialog
        assert isinstance(box, PublishConfirmation)
        box.button(QMessageBox.StandardButton.Cancel).click()
    finally:
        release.set()
    qtbot.waitUntil(lambda: ws.editor.inbox.state(pdf) == "ok", timeout=WAIT)


def test_cancel_of_the_first_late_paper_dialog_of_several_dropped_files_stops_them_all(
    open_window: Callable[..., MainWindow], gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    ids = gui_world.world.ids
    ws = _clerk_on_published_meeting(open_window, gui_world, qtbot, tmp_path, sync=False)
    assert ws.editor.select("item", str(ids["public_item"]))
    paths = [tmp_path / f"Anlage {n}.pdf" for n in (1, 2, 3)]
    for path in paths:
        path.write_bytes(rich_pdf(path.stem, 1))
    drop_files(ws, ws.editor.tree.currentIndex(), paths)
    first = _late_dialog(qtbot, ws)
    assert first.path.text() == str(paths[0])
    first.reject()
    assert ws.dialog is None  # no dialog for the second and third file
    assert ws.editor.uploads.list.count() == 0  # nothing attached


def test_the_inbox_says_why_an_attached_file_was_not_moved_in_the_users_language(
    qtbot: Any, tmp_path: Path
) -> None:
    """ "Erledigt" is a file: the entry names the reason in German, not the system's English."""
    try:
        assert install_translations(None, QLocale("de_DE")) == "de"
        inbox = Inbox()
        qtbot.addWidget(inbox)
        inbox.resize(560, 200)
        assert inbox.done_folder() == "Erledigt"
        (tmp_path / "Erledigt").write_bytes(b"not a folder")
        pdf = tmp_path / "Vorlage.pdf"
        pdf.write_bytes(rich_pdf("Vorlage", 1))
        inbox._add(pdf)  # as the hot folder reports it
        inbox.attached(pdf, fingerprint(pdf))
        assert inbox.state(pdf) == "stuck"
        text = _text(inbox, pdf)
        assert "eine Datei oder ein Ordner dieses Namens existiert bereits" in text, text
        assert "File exists" not in text and "Erledigt" in text
        SHOTS.mkdir(parents=True, exist_ok=True)
        inbox.grab().save(str(SHOTS / "5-not-moved-german.png"))
        assert pdf.exists()
    finally:
        assert install_translations("en") == "en"
