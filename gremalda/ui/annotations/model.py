"""`AnnotationModel`: the one in-memory view of the replica's annotations for the UI.

Reads and writes run on ONE dedicated `ReplicaWorkers` thread, so they happen in the order they were
made. The GUI never waits: `add`, `update` and `remove` change the in-memory record at once
(optimistic), emit ``changed(file_id)`` and queue the write (record and outbox row in one transaction,
see `gremalda.core.annotations.store.AnnotationStore.save`). A write that fails puts the record back as
it was before, emits ``saveFailed(message)`` (a sentence for people) and clears the document's undo
history (its commands no longer match what is stored).

Each change is a command on the document's `QUndoStack` (`undo_stack`), so Ctrl+Z / Ctrl+Shift+Z work
through the model: undoing an addition deletes (a tombstone), redoing it restores; undoing an edit edits
the fields back (a new edit, so it merges like any other); the commands are in
`gremalda.ui.annotations.undo_commands`.

The window's one count of changes not on the server yet is ``pendingChanged(count)``: the replica's
outbox (`gremalda.core.annotations.store.AnnotationStore.pending_count`), always read on the writer
thread, plus the writes queued and not done. It is told after every write of the model (the same figure
too: a save is to be pushed) and after a read that changed it; `count_outbox` reads it again (the
window calls it when the sync bridge's ``outboxChanged`` says a push or a pass ran).

Identity (``user_id``, ``author_name``, ``device``) is read from the replica on the same thread when the
model is made (`gremalda.core.account.identity`: the signed-in account, its person's name, the
annotation device id). ``ready`` tells whether it has come
(``identityLoaded`` when it does); tools make records only then (`new`).

Sharing (``visibility``): new records get the user's default (`default_visibility`, remembered per user
in ``settings`` when given) where the document allows it (`sharing`: an OParl source's document keeps its
annotations private, the faction needs the user in a faction — `gremalda.core.annotations.sharing`);
`set_visibility` changes one record's like any other edit (undoable, written and queued the same way).
``sharingChanged`` says that what the documents allow, or the default, was read or changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoStack

from gremalda.core.account import Identity, identity
from gremalda.core.annotations import merge
from gremalda.core.annotations.anchor import page_text_hash
from gremalda.core.annotations.errors import InvalidAnnotation, ReadOnlyAnnotation
from gremalda.core.annotations.records import FIELD_REGISTER, Annotation, Kind, Visibility
from gremalda.core.annotations.sharing import Sharing, factions, file_is_local, kept_local, refusal
from gremalda.core.annotations.store import AnnotationStore, device_id
from gremalda.errors import NotSignedIn
from gremalda.paths import DataPaths
from gremalda.store.replica import Store
from gremalda.ui.annotations.undo_commands import AddCommand, EditCommand, RemoveCommand, now_iso
from gremalda.ui.error_reporter import as_gremalda_error
from gremalda.ui.error_texts import error_text
from gremalda.ui.workers import ReplicaWorkers

__all__ = ["AnnotationModel", "Identity", "now_iso"]

log = logging.getLogger(__name__)


def read_identity(store: Store) -> Identity:
    """Who writes here (`gremalda.core.account.identity`); not signed in: an empty user id and name
    (nothing can be written)."""
    try:
        return identity(store)
    except NotSignedIn:
        return Identity("", "", device_id(store.db))


@dataclass(frozen=True)
class AnchorInfo:
    """What a new record of a document is made on: the content (sha256) and each page's text hash
    (0-based pages), so that re-anchoring can tell later whether the record's page changed."""

    sha256: str | None
    page_hashes: dict[int, str]
    local: bool = False  # its annotations stay on this device (an OParl source's document)


def read_anchor_info(store: Store, file_id: str) -> AnchorInfo:
    row = store.db.conn.execute("SELECT sha256 FROM file WHERE id = ?", (file_id,)).fetchone()
    sha256 = None if row is None or not row[0] else str(row[0])
    pages = store.db.conn.execute("SELECT page, text FROM page_text WHERE file_id = ?", (file_id,)).fetchall()
    # the index numbers pages from 1 (gremalda.pdf.extract), records from 0
    hashes = {int(page) - 1: page_text_hash(text) for page, text in pages}
    return AnchorInfo(sha256, hashes, file_is_local(store, file_id))


def _outbox_count(store: Store) -> int:
    """Annotations waiting for the server (refused changes and older rows of one annotation not counted:
    what a push sends)."""
    return AnnotationStore(store.db, device="-").pending_count()


class AnnotationModel(QObject):
    """See the module docstring. ``paths``: the replica; ``workers``: a writer of one thread to use
    instead of a new one (tests)."""

    changed = Signal(str)  # file id whose annotations changed (loaded, added, edited, removed, reverted)
    pendingChanged = Signal(int)  # noqa: N815 (Qt's naming) - annotation changes not yet on the server
    saveFailed = Signal(str)  # noqa: N815 (Qt's naming) - a sentence for people
    identityLoaded = Signal()  # noqa: N815 (Qt's naming)
    sharingChanged = Signal()  # noqa: N815 (Qt's naming) - the default visibility or what may be chosen

    def __init__(
        self,
        paths: DataPaths,
        parent: QObject | None = None,
        *,
        workers: ReplicaWorkers | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.paths = paths
        self.settings = settings
        self._default = Visibility.PRIVATE
        self._factions: tuple[str, ...] = ()
        self._kept: frozenset[str] = frozenset()  # ids of private copies kept on this device (never shared)
        self._writer = workers if workers is not None else ReplicaWorkers(paths, threads=1, parent=self)
        self.user_id = ""
        self.author_name = ""
        self.device = ""
        self._ready = False
        self._records: dict[str, Annotation] = {}  # id -> newest record (deleted ones too)
        self._files: dict[str, set[str]] = {}  # loaded file id -> ids of its records
        self._inflight: dict[str, int] = {}  # id -> writes queued and not finished
        self._stacks: dict[str, QUndoStack] = {}
        self._anchors: dict[str, AnchorInfo] = {}  # loaded file id -> its content and page hashes
        self._outbox = 0  # annotation changes in the outbox, as last read
        self._closed = False
        self._writer.submit(read_identity, self._identity_read, self._identity_failed)

    # --- identity ----------------------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Whether the identity is known and someone is signed in (records can be made)."""
        return self._ready and bool(self.user_id)

    def _identity_read(self, identity: Identity) -> None:
        self.user_id, self.author_name, self.device = identity.user_id, identity.author_name, identity.device
        self._ready = True
        self._default = self._stored_default()
        self.identityLoaded.emit()
        self.sharingChanged.emit()
        self.count_outbox()
        self._read_factions()

    def _identity_failed(self, exc: BaseException) -> None:
        self._ready = True
        self.saveFailed.emit(_message(exc))
        self.identityLoaded.emit()
        self.count_outbox()

    # --- reading ---------------------------------------------------------------------------------------

    def load(self, file_id: str) -> None:
        """Read the annotations of ``file_id`` (off the GUI thread); ``changed(file_id)`` when they are in."""
        self._files.setdefault(file_id, set())
        self._read([file_id])
        self._read_anchor_info(file_id)

    def _read_anchor_info(self, file_id: str) -> None:
        def done(info: AnchorInfo) -> None:
            old = self._anchors.get(file_id)
            self._anchors[file_id] = info
            if old is None or old.local != info.local:
                self.sharingChanged.emit()

        self._writer.submit(
            lambda store: read_anchor_info(store, file_id),
            done,
            lambda exc: log.warning("anchor info of %s: %s", file_id, exc),
        )

    def refresh(self, file_ids: Iterable[str]) -> None:
        """Read these files again (after a sync pass brought others' annotations or merges); only files
        that were loaded. The outbox count is read again too."""
        ids = [f for f in dict.fromkeys(file_ids) if f in self._files]
        if ids:
            self._read(ids)
            for file_id in ids:  # its content may have been replaced by the pass
                self._read_anchor_info(file_id)
        self.count_outbox()
        self._read_factions()  # a pass may have brought a membership

    def count_outbox(self) -> None:
        """Read the outbox count again (after the writes queued before); ``pendingChanged`` when the
        figure changed."""
        self._writer.submit(_outbox_count, self._set_outbox, lambda exc: log.warning("outbox: %s", exc))

    def loaded(self, file_id: str) -> bool:
        return file_id in self._files

    def annotations(self, file_id: str) -> list[Annotation]:
        """The live annotations of ``file_id`` (the user's and others' shared ones), by page and creation."""
        records = (self._records[i] for i in self._files.get(file_id, ()))
        return sorted((a for a in records if a.alive), key=lambda a: (a.page, a.created, a.id))

    def get(self, annotation_id: str) -> Annotation | None:
        """The newest record of ``annotation_id`` known here (deleted ones too), or None."""
        return self._records.get(annotation_id)

    def is_mine(self, a: Annotation) -> bool:
        return bool(self.user_id) and a.author_id == self.user_id

    def pending(self) -> int:
        """Annotation changes not on the server yet: queued writes plus the outbox rows."""
        return self._outbox + sum(self._inflight.values())

    def undo_stack(self, file_id: str) -> QUndoStack:
        stack = self._stacks.get(file_id)
        if stack is None:
            stack = QUndoStack(self)
            stack.setObjectName(f"annotationUndo-{file_id}")
            self._stacks[file_id] = stack
        return stack

    # --- sharing -----------------------------------------------------------------------------------------

    def sharing(self, file_id: str, annotation_id: str | None = None) -> Sharing:
        """What sharing the annotations of ``file_id`` allows (as last read; see the module docstring);
        with ``annotation_id``, that one's (a private copy kept on this device cannot be shared)."""
        anchor = self._anchors.get(file_id)
        local = anchor.local if anchor is not None else "://" in file_id
        return Sharing(local=local, factions=self._factions, kept=annotation_id in self._kept)

    def default_visibility(self) -> Visibility:
        """Who sees the user's new annotations (where the document allows it, see `visibility_for`)."""
        return self._default

    def set_default_visibility(self, visibility: Visibility | str) -> None:
        """Choose who sees the user's new annotations; remembered for this user in the settings."""
        visibility = Visibility(visibility)
        if self.settings is not None and self.user_id:
            self.settings.setValue(_settings_key(self.user_id), visibility.value)
        if visibility != self._default:
            self._default = visibility
            self.sharingChanged.emit()

    def visibility_for(self, file_id: str) -> Visibility:
        """The visibility a new record of ``file_id`` gets: the default, or private where the document
        does not allow it."""
        return Visibility.PRIVATE if refusal(self.sharing(file_id), self._default) else self._default

    def set_visibility(self, id: str, visibility: Visibility | str) -> None:
        """Change who sees the user's annotation ``id`` (undoable, like any edit)."""
        visibility = Visibility(visibility)
        current = self._records.get(id)
        if current is not None and refusal(self.sharing(current.file_id, id), visibility) is not None:
            raise InvalidAnnotation(detail=f"{id} cannot be shared as {visibility.value} here")
        self.update(id, visibility=visibility)

    def _stored_default(self) -> Visibility:
        if self.settings is None or not self.user_id:
            return self._default
        value = self.settings.value(_settings_key(self.user_id), Visibility.PRIVATE.value)
        try:
            return Visibility(str(value))
        except ValueError:
            return Visibility.PRIVATE

    def _read_factions(self) -> None:
        def done(names: tuple[str, ...]) -> None:
            if names != self._factions:
                self._factions = names
                self.sharingChanged.emit()

        self._writer.submit(factions, done, lambda exc: log.warning("factions: %s", exc))

        def kept(ids: frozenset[str]) -> None:  # the orphan dialog's private copies (after it, a refresh)
            if ids != self._kept:
                self._kept = ids
                self.sharingChanged.emit()

        self._writer.submit(kept_local, kept, lambda exc: log.warning("private copies: %s", exc))

    # --- changes -------------------------------------------------------------------------------------------

    def new(self, file_id: str, kind: Kind, page: int, **values: Any) -> Annotation:
        """A new record of the signed-in user made on this device (not yet added; see `add`)."""
        if not self.ready:
            raise InvalidAnnotation(detail="annotations cannot be made before the account is known")
        anchor = self._anchors.get(file_id)
        if anchor is not None:  # what re-anchoring compares when the document is replaced
            values.setdefault("file_sha256", anchor.sha256)
            if page in anchor.page_hashes:
                values.setdefault("page_text_hash", anchor.page_hashes[page])
        values.setdefault("visibility", self.visibility_for(file_id))
        return merge.create(
            self.device,
            now=now_iso(),
            file_id=file_id,
            kind=kind,
            page=page,
            author_id=self.user_id,
            author_name=self.author_name,
            **values,
        )

    def add(self, a: Annotation) -> None:
        """Add the user's new annotation (undoable)."""
        self._require_mine(a)
        if not a.created:
            now = now_iso()
            a = replace(a, created=now, modified=a.modified or now)
        self.undo_stack(a.file_id).push(AddCommand(self, a))

    def update(self, id: str, **changes: Any) -> None:
        """Change fields of the user's annotation ``id`` (undoable)."""
        current = self._records.get(id)
        if current is None:
            raise InvalidAnnotation(detail=f"no annotation {id}")
        self._require_mine(current)
        unknown = set(changes) - set(FIELD_REGISTER)
        if unknown:
            raise InvalidAnnotation(detail=f"cannot edit {sorted(unknown)}")
        changes = {k: v for k, v in changes.items() if getattr(current, k) != v}
        if not changes:
            return
        before = {k: getattr(current, k) for k in changes}
        self.undo_stack(current.file_id).push(EditCommand(self, id, before, changes))

    def remove(self, id: str) -> None:
        """Delete the user's annotation ``id`` (undoable: a tombstone is stored)."""
        current = self._records.get(id)
        if current is None or not current.alive:
            return
        self._require_mine(current)
        self.undo_stack(current.file_id).push(RemoveCommand(self, current))

    def close(self) -> None:
        """Finish the queued writes and stop the writer (the window is closing)."""
        if not self._closed:
            self._closed = True
            self._writer.close()

    # --- internals -----------------------------------------------------------------------------------------

    def _require_mine(self, a: Annotation) -> None:
        if not self.is_mine(a):
            raise ReadOnlyAnnotation(detail=f"{a.id} is by {a.author_id}, not {self.user_id or 'nobody'}")

    def _read(self, file_ids: list[str]) -> None:
        user_id, device = self.user_id or None, self.device or None

        def job(store: Store) -> dict[str, list[Annotation]]:
            annotations = AnnotationStore(store.db, device=device, user_id=user_id)
            records = annotations.list_for_files(file_ids, include_deleted=True)
            out: dict[str, list[Annotation]] = {f: [] for f in file_ids}
            for record in records:
                out.setdefault(record.file_id, []).append(record)
            return out

        self._writer.submit(job, self._records_read, self._read_failed)

    def _records_read(self, by_file: dict[str, list[Annotation]]) -> None:
        for file_id, records in by_file.items():
            ids = self._files.setdefault(file_id, set())
            fresh = {r.id for r in records}
            for gone in ids - fresh:  # removed by a sync (others' that the user may no longer see)
                if not self._inflight.get(gone):
                    self._records.pop(gone, None)
                    ids.discard(gone)
            for record in records:
                if self._inflight.get(record.id):
                    continue  # a later write of ours is on its way: it already holds what we show
                old = self._records.get(record.id)
                if old is not None and old.file_id != record.file_id:
                    self._files.get(old.file_id, set()).discard(record.id)
                self._records[record.id] = record
                ids.add(record.id)
            self.changed.emit(file_id)

    def _read_failed(self, exc: BaseException) -> None:
        self.saveFailed.emit(_message(exc))

    def _set_outbox(self, count: int) -> None:
        before = self.pending()
        self._outbox = count
        if self.pending() != before:
            self.pendingChanged.emit(self.pending())

    def _put(self, record: Annotation) -> None:
        """Show ``record`` now (memory only)."""
        old = self._records.get(record.id)
        if old is not None and old.file_id != record.file_id:
            self._files.get(old.file_id, set()).discard(record.id)
            self.changed.emit(old.file_id)
        self._records[record.id] = record
        self._files.setdefault(record.file_id, set()).add(record.id)
        self.changed.emit(record.file_id)

    def _write(self, record: Annotation, before: Annotation | None) -> None:
        """Show ``record`` now and queue its write; on failure show ``before`` again."""
        self._put(record)
        self._inflight[record.id] = self._inflight.get(record.id, 0) + 1
        self.pendingChanged.emit(self.pending())
        device, user_id = self.device, self.user_id

        def job(store: Store) -> tuple[Annotation, int]:
            stored = AnnotationStore(store.db, device=device, user_id=user_id).save(record)
            return stored, _outbox_count(store)

        self._writer.submit(
            job,
            lambda result: self._written(record, *result),
            lambda exc: self._failed(record, before, exc),
        )

    def _settle(self, record: Annotation) -> None:
        left = self._inflight.get(record.id, 0) - 1
        if left > 0:
            self._inflight[record.id] = left
        else:
            self._inflight.pop(record.id, None)

    def _written(self, record: Annotation, stored: Annotation, outbox: int) -> None:
        """The write of ``record`` is done; the replica holds ``stored`` (``record`` merged with what a
        sync pass or re-anchoring had stored meanwhile), shown unless a newer write of ours is on its way
        or something newer is shown already."""
        self._settle(record)
        if not self._inflight.get(record.id) and self._records.get(record.id) == record and stored != record:
            self._put(stored)
        self._outbox = outbox
        self.pendingChanged.emit(self.pending())

    def _failed(self, record: Annotation, before: Annotation | None, exc: BaseException) -> None:
        self._settle(record)
        log.warning("annotation %s not saved: %s", record.id, exc)
        if self._records.get(record.id) == record:  # nothing newer shown since: put the old one back
            if before is None:
                self._records.pop(record.id, None)
                self._files.get(record.file_id, set()).discard(record.id)
                self.changed.emit(record.file_id)
            else:
                self._put(before)
        self.undo_stack(record.file_id).clear()
        self.pendingChanged.emit(self.pending())
        self.saveFailed.emit(_message(exc))

    def _current(self, snapshot: Annotation) -> Annotation:
        return self._records.get(snapshot.id, snapshot)


def _message(exc: BaseException) -> str:
    return error_text(as_gremalda_error(exc))[1]


def _settings_key(user_id: str) -> str:
    return f"annotations/default_visibility/{user_id}"
