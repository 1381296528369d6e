"""Review fixes seen from the viewer, against a real server and real SQLCipher replicas: an edit made
on the model's copy after a sync pass merged another device's edit keeps that edit (in the replica,
on screen and in what goes to the server); undoing a move after the record was re-anchored onto another
document leaves its new place alone; a change the server refuses is listed in the orphan dialog (kept
as a private copy or removed) and in `gremalda sync`'s summary."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from gremalda.cli.syncing import sync as cli_sync
from gremalda.core.annotations import merge
from gremalda.core.annotations.records import Annotation, Kind
from gremalda.core.annotations.store import AnnotationStore
from gremalda.core.syncing import synchronise
from gremalda.paths import DataPaths
from gremalda.store.replica import open_store
from gremalda.ui.annotations.model import AnnotationModel
from gremalda.ui.orphan_dialog import OrphanDialog
from tests.gui.conftest import QUICK, GuiWorld, saved, user_id

WAIT = 120_000  # ms; reached only when something is broken (generous for a loaded CI machine)


def _stored(paths: DataPaths, annotation_id: str) -> Annotation:
    with open_store(paths) as store:
        record = AnnotationStore(store.db).get(annotation_id)
    assert record is not None
    return record


@pytest.fixture
def replica(gui_world: GuiWorld, tmp_path: Path) -> DataPaths:
    return gui_world.replica(tmp_path)


def test_an_edit_on_a_stale_copy_keeps_the_other_devices_edit(
    qtbot: Any, model: AnnotationModel, replica: DataPaths, gui_world: GuiWorld
) -> None:
    file_id = str(gui_world.ids["rich_file"])
    model.load(file_id)
    saved(qtbot, model)
    record = model.new(file_id, Kind.NOTE, 0, rect=(10.0, 10.0, 30.0, 30.0), text="Frage")
    model.add(record)
    saved(qtbot, model)
    synchronise(replica, retry=QUICK)  # on the server, version 1
    # another device edits the text; a sync pass merges it into the replica (the model is not told)
    with open_store(replica) as store:
        notes = AnnotationStore(store.db, user_id=model.user_id)
        notes.apply_remote(merge.edit(notes.get(record.id), "tablet", text="vom Tablet"), 2)  # type: ignore[arg-type]
    model.update(record.id, colour="#ff0000")  # made on the model's copy, which lacks the tablet's edit
    saved(qtbot, model)
    stored = _stored(replica, record.id)
    assert (stored.text, stored.colour) == ("vom Tablet", "#ff0000")
    assert model.get(record.id) == stored  # the merged record is shown
    with open_store(replica) as store:
        [entry] = AnnotationStore(store.db).pending_outbox()
    assert (entry.record.text, entry.record.colour) == ("vom Tablet", "#ff0000")


def test_undoing_a_move_after_a_reanchoring_keeps_the_new_place(
    qtbot: Any, model: AnnotationModel, replica: DataPaths, gui_world: GuiWorld
) -> None:
    file_id, new_file = str(gui_world.ids["rich_file"]), "987654"
    model.load(file_id)
    model.load(new_file)
    saved(qtbot, model)
    record = model.new(file_id, Kind.NOTE, 0, rect=(10.0, 10.0, 30.0, 30.0), text="Notiz")
    model.add(record)
    model.update(record.id, rect=(50.0, 50.0, 70.0, 70.0))  # a move, undoable
    saved(qtbot, model)
    # re-anchoring puts it on the new version of its document, on another page and place
    with open_store(replica) as store:
        notes = AnnotationStore(store.db, user_id=model.user_id)
        current = notes.get(record.id)
        assert current is not None
        notes.save(
            merge.edit(current, model.device, file_id=new_file, page=1, rect=(200.0, 300.0, 220.0, 320.0))
        )
    with qtbot.waitSignal(model.changed, timeout=WAIT):
        model.refresh([file_id, new_file])
    saved(qtbot, model)
    assert model.get(record.id).file_id == new_file  # type: ignore[union-attr]
    stack = model.undo_stack(file_id)
    assert stack.canUndo()
    stack.undo()  # the move back was made on the old document: its geometry does not apply any more
    saved(qtbot, model)
    stored = _stored(replica, record.id)
    assert (stored.file_id, stored.page, stored.rect) == (new_file, 1, (200.0, 300.0, 220.0, 320.0))


def test_a_change_the_server_refuses_is_listed_kept_or_removed(
    qtbot: Any, model: AnnotationModel, replica: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    user = user_id(replica)
    # annotations of a document the server does not have: it refuses them
    refused = [
        merge.create(
            model.device,
            file_id="999999",
            kind=Kind.NOTE,
            page=0,
            author_id=user,
            rect=(1.0, 1.0, 9.0, 9.0),
            text=t,
        )
        for t in ("behalten", "weg")
    ]
    with open_store(replica) as store:
        notes = AnnotationStore(store.db, user_id=user)
        for r in refused:
            notes.save(r)
    args = argparse.Namespace(data_dir=str(replica.root), quiet=True, workers=1, no_index=True)
    assert cli_sync(args) == 0
    out = capsys.readouterr().out
    assert "Annotations: 2 changes not accepted by the server, kept on this device:" in out
    assert f"annotation {refused[0].id} on document 999999: " in out
    with open_store(replica) as store:
        notes = AnnotationStore(store.db, user_id=user)
        assert notes.rejected_count() == 2 and notes.pending_count() == 0
        message = notes.rejected_outbox()[0][1]
    assert message

    dialog = OrphanDialog(model, model._writer)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.orphans()) == 2, timeout=WAIT)
    assert all(o.refused == message for o in dialog.orphans())
    assert dialog.model_.item(0, 5).text() == f"Not accepted by the server: {message}"
    keep, drop = sorted(dialog.orphans(), key=lambda o: o.annotation.text != "behalten")
    dialog.choose([keep.annotation.id])
    assert dialog.keep_button.isEnabled()
    with qtbot.waitSignal(dialog.kept, timeout=WAIT):
        dialog.keep_button.click()

    def listed() -> dict[str, bool]:  # id -> listed as refused (else: as kept without its document)
        return {o.annotation.id: o.refused is not None for o in dialog.orphans()}

    # the private copy stays listed as an annotation whose document is not here, no longer as refused
    qtbot.waitUntil(lambda: listed() == {keep.annotation.id: False, drop.annotation.id: True}, timeout=WAIT)
    with qtbot.waitSignal(dialog.deleted, timeout=WAIT):
        dialog.delete([drop.annotation.id])
    qtbot.waitUntil(lambda: listed() == {keep.annotation.id: False}, timeout=WAIT)
    with open_store(replica) as store:
        notes = AnnotationStore(store.db, user_id=user)
        assert notes.rejected_count() == 0 and notes.get(drop.annotation.id) is None
        assert notes.get(keep.annotation.id) is not None  # kept here; not sent again
        notes.edit(keep.annotation.id, text="privat")
        assert notes.pending_count() == 0
