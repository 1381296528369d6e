"""A change of an annotation that the server would refuse for its size (sync/protocol/limits.py) fails
when it is saved, not at the next sync: the viewer's model puts back what was shown before and says why
(`saveFailed`), and nothing of it reaches the replica (real server, real SQLCipher replica)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gremalda.core.annotations.records import InkPoint, Kind
from gremalda.core.annotations.store import AnnotationStore
from gremalda.paths import DataPaths
from gremalda.store.replica import open_store
from gremalda.ui.annotations.model import AnnotationModel
from sync.protocol.limits import MAX_ANNOTATION_BYTES, MAX_INK_STROKES
from tests.gui.conftest import GuiWorld, saved

WAIT = 120_000  # ms; reached only when something is broken (generous for a loaded CI machine)
TOO_LONG = (
    "This note is too long to be shared: at most 64 KiB of text and drawing per annotation. Shorten it,"
    " or split it into several annotations. The change was not saved."
)


@pytest.fixture
def replica(gui_world: GuiWorld, tmp_path: Path) -> DataPaths:
    return gui_world.replica(tmp_path)


def _replica_state(paths: DataPaths) -> tuple[list[Any], list[Any]]:
    with open_store(paths) as store:
        notes = AnnotationStore(store.db)
        return notes.all(include_deleted=True), notes.pending_outbox()


def test_a_note_too_long_to_share_is_put_back_and_the_user_is_told(
    qtbot: Any, model: AnnotationModel, replica: DataPaths, gui_world: GuiWorld
) -> None:
    file_id = str(gui_world.ids["rich_file"])
    model.load(file_id)
    saved(qtbot, model)
    record = model.new(file_id, Kind.NOTE, 0, rect=(10.0, 10.0, 30.0, 30.0), text="Frage")
    model.add(record)
    saved(qtbot, model)
    before = _replica_state(replica)
    assert [a.id for a in before[0]] == [record.id]

    # an edit that makes it too long: shown at once, then put back, with the reason
    with qtbot.waitSignal(model.saveFailed, timeout=WAIT) as failed:
        model.update(record.id, text="x" * MAX_ANNOTATION_BYTES)
    assert failed.args == [TOO_LONG]
    saved(qtbot, model)
    assert model.get(record.id) == record
    assert _replica_state(replica) == before

    # a new one too long, and a drawing of too many strokes: not kept
    long = model.new(file_id, Kind.NOTE, 0, rect=(40.0, 10.0, 60.0, 30.0), text="y" * MAX_ANNOTATION_BYTES)
    with qtbot.waitSignal(model.saveFailed, timeout=WAIT) as failed:
        model.add(long)
    assert failed.args == [TOO_LONG]
    point: InkPoint = (50.0, 50.0, None)
    drawing = model.new(file_id, Kind.INK, 0, strokes=((point,),) * (MAX_INK_STROKES + 1))
    with qtbot.waitSignal(model.saveFailed, timeout=WAIT) as failed:
        model.add(drawing)
    assert failed.args[0].startswith("This drawing is too large to be shared: at most 100 strokes")
    saved(qtbot, model)
    assert [a.id for a in model.annotations(file_id)] == [record.id]
    assert _replica_state(replica) == before
