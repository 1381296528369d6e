"""The undo commands of the `AnnotationModel` (`gremalda.ui.annotations.model`): adding, deleting and
editing one annotation. Each writes through the model (shown at once, stored and queued on its writer);
undoing an addition deletes (a tombstone), redoing it restores; undoing an edit edits the fields back (a
new edit, so it merges like any other)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from gremalda.core.annotations import merge
from gremalda.core.annotations.exchange import now_iso
from gremalda.core.annotations.records import FIELD_REGISTER, Annotation, Kind

if TYPE_CHECKING:
    from gremalda.ui.annotations.model import AnnotationModel

__all__ = ["AddCommand", "EditCommand", "RemoveCommand", "now_iso"]

translate = QCoreApplication.translate


def _command_text(action: str, kind: Kind) -> str:
    """The undo/redo text of a change (whole phrases, so that translations can inflect them)."""
    texts = {
        ("add", Kind.HIGHLIGHT): translate("AnnotationModel", "Add highlight"),
        ("add", Kind.UNDERLINE): translate("AnnotationModel", "Add underline"),
        ("add", Kind.STRIKEOUT): translate("AnnotationModel", "Add strike-out"),
        ("add", Kind.INK): translate("AnnotationModel", "Add drawing"),
        ("add", Kind.NOTE): translate("AnnotationModel", "Add note"),
        ("add", Kind.FREETEXT): translate("AnnotationModel", "Add text box"),
        ("delete", Kind.HIGHLIGHT): translate("AnnotationModel", "Delete highlight"),
        ("delete", Kind.UNDERLINE): translate("AnnotationModel", "Delete underline"),
        ("delete", Kind.STRIKEOUT): translate("AnnotationModel", "Delete strike-out"),
        ("delete", Kind.INK): translate("AnnotationModel", "Delete drawing"),
        ("delete", Kind.NOTE): translate("AnnotationModel", "Delete note"),
        ("delete", Kind.FREETEXT): translate("AnnotationModel", "Delete text box"),
        ("move", Kind.HIGHLIGHT): translate("AnnotationModel", "Move highlight"),
        ("move", Kind.UNDERLINE): translate("AnnotationModel", "Move underline"),
        ("move", Kind.STRIKEOUT): translate("AnnotationModel", "Move strike-out"),
        ("move", Kind.INK): translate("AnnotationModel", "Move drawing"),
        ("move", Kind.NOTE): translate("AnnotationModel", "Move note"),
        ("move", Kind.FREETEXT): translate("AnnotationModel", "Move text box"),
    }
    return texts.get((action, kind), translate("AnnotationModel", "Change annotation"))


class AddCommand(QUndoCommand):
    def __init__(self, model: AnnotationModel, record: Annotation) -> None:
        super().__init__(_command_text("add", record.kind))
        self.model, self.record, self.first = model, record, True

    def redo(self) -> None:
        m = self.model
        if self.first:
            self.first = False
            m._write(self.record, m.get(self.record.id))
            return
        current = m._current(self.record)
        m._write(merge.restore(current, m.device, modified=now_iso()), current)

    def undo(self) -> None:
        m = self.model
        current = m._current(self.record)
        if current.alive:
            m._write(merge.delete(current, m.device, modified=now_iso()), current)


class RemoveCommand(QUndoCommand):
    def __init__(self, model: AnnotationModel, record: Annotation) -> None:
        super().__init__(_command_text("delete", record.kind))
        self.model, self.record = model, record

    def redo(self) -> None:
        m = self.model
        current = m._current(self.record)
        if current.alive:
            m._write(merge.delete(current, m.device, modified=now_iso()), current)

    def undo(self) -> None:
        m = self.model
        current = m._current(self.record)
        if not current.alive:
            m._write(merge.restore(current, m.device, modified=now_iso()), current)


class EditCommand(QUndoCommand):
    def __init__(
        self, model: AnnotationModel, annotation_id: str, before: dict[str, Any], after: dict[str, Any]
    ) -> None:
        record = model.get(annotation_id)
        moved = set(after) <= {"quads", "strokes", "rect", "point"}
        action = "move" if moved else "change"
        text = _command_text(action, record.kind) if record is not None else ""
        if set(after) == {"visibility"}:
            text = translate("AnnotationModel", "Change who sees the annotation")
        super().__init__(text)
        self.model, self.annotation_id, self.before, self.after = model, annotation_id, before, after
        self.file_id = record.file_id if record is not None else ""

    def _apply(self, values: dict[str, Any]) -> None:
        m = self.model
        current = m.get(self.annotation_id)
        if current is None:
            return
        if (
            current.file_id != self.file_id
        ):  # re-anchored onto another document since: its geometry is not ours
            values = {k: v for k, v in values.items() if FIELD_REGISTER[k] != "placement"}
        if not current.alive or all(getattr(current, k) == v for k, v in values.items()):
            return  # deleted meanwhile (an edit would bring it back), or nothing to do
        m._write(merge.edit(current, m.device, modified=now_iso(), **values), current)

    def redo(self) -> None:
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)
