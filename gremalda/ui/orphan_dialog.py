"""Annotations kept although they lost their place (Annotations → Orphaned annotations…): those whose
document is no longer on this device (deleted on the server, or the user may no longer see it) and those
that re-anchoring could not place in a new version of their document (flagged for attention). Each is
listed with its document, page, kind, text, the date it was written (not when re-anchoring moved it) and
why; they can be exported (XFDF, or a text list) and deleted after a confirmation. Nothing goes without
the user asking for it.

Reads and deletions run on the annotation writer (the model's one thread), so they come in order with
the model's own writes; the model reads the documents concerned again afterwards."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale, QRect, Qt, Signal
from PySide6.QtGui import QResizeEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.annotations.records import Annotation
from gremalda.core.annotations.store import AnnotationStore
from gremalda.core.library import Library
from gremalda.files import write_atomically
from gremalda.store.replica import Store
from gremalda.ui import error_reporter
from gremalda.ui.annotation_format import annotation_text, date_text, kind_icon, kind_name
from gremalda.ui.annotations.model import AnnotationModel, now_iso
from gremalda.ui.workers import ReplicaWorkers

translate = QCoreApplication.translate

ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("document", "page", "kind", "text", "date", "why")
DOCUMENT, PAGE, KIND, TEXT, DATE, WHY = range(len(COLUMNS))


@dataclass(frozen=True)
class Orphan:
    """An annotation kept without its place: ``gone`` when its document left this device, else it was
    flagged for attention after a re-anchoring. ``document``: the document's name when it is still
    here, else its name and place kept when it left (empty when none was kept)."""

    annotation: Annotation
    gone: bool
    document: str
    mine: bool
    refused: str | None = None  # the server's message when it did not accept the annotation's change


@dataclass(frozen=True)
class _Found:
    annotation: Annotation
    gone: bool
    document_name: str | None  # None: the document is not in the replica
    refused: str | None = None
    kept_name: str | None = None  # the name kept when the document left (AnnotationStore.document_labels)


def find_orphans(user_id: str) -> Callable[[Store], list[_Found]]:
    """The job (on the annotation writer) that reads the orphaned and the flagged annotations."""

    def job(store: Store) -> list[_Found]:
        annotations = AnnotationStore(store.db, device="-", user_id=user_id or None)
        library = Library(store.db.conn)
        names: dict[str, str | None] = {}

        def name(file_id: str) -> str | None:
            if file_id not in names:
                entry = library.file(file_id)
                names[file_id] = None if entry is None else (entry.name or entry.file_name or "")
            return names[file_id]

        refused: dict[str, _Found] = {}
        for entry, message in annotations.rejected_outbox():  # the newest refusal of each annotation
            a = annotations.get(entry.target_id) or entry.record
            refused[a.id] = _Found(a, False, name(a.file_id), message)
        found = list(refused.values())
        found += [_Found(a, True, None) for a in annotations.orphaned_in_replica() if a.id not in refused]
        seen = {f.annotation.id for f in found}
        for a in annotations.needing_attention():
            if a.id not in seen:
                found.append(_Found(a, False, name(a.file_id)))
        kept = annotations.document_labels(f.annotation.file_id for f in found if f.document_name is None)
        return [replace(f, kept_name=kept.get(f.annotation.file_id)) for f in found]

    return job


def document_text(orphan: Orphan) -> str:
    if orphan.gone:
        return translate("OrphanDialog", "Document %1 (no longer on this device)").replace(
            "%1", orphan.document or orphan.annotation.file_id
        )
    return orphan.document or translate("Formatting", "Document %1").replace("%1", orphan.annotation.file_id)


def why_text(orphan: Orphan) -> str:
    if orphan.refused is not None:
        return translate("OrphanDialog", "Not accepted by the server: %1").replace("%1", orphan.refused)
    if orphan.gone:
        return translate("OrphanDialog", "Document gone")
    return translate("OrphanDialog", "Not found in the new version")


def orphans_text(orphans: Sequence[Orphan]) -> str:
    """The annotations as a plain text list (UTF-8 when written), grouped by document."""
    now = QLocale().toString(QDateTime.currentDateTime(), QLocale.FormatType.ShortFormat)
    lines = [translate("OrphanDialog", "Annotations kept by Gremalda, exported %1").replace("%1", now), ""]
    by_document: dict[str, list[Orphan]] = {}
    for orphan in orphans:
        by_document.setdefault(document_text(orphan), []).append(orphan)
    for document, items in by_document.items():
        lines.append(document)
        for orphan in sorted(items, key=lambda o: (o.annotation.page, o.annotation.created)):
            a = orphan.annotation
            head = " · ".join(
                part
                for part in (
                    translate("OrphanDialog", "page %1").replace("%1", str(a.page + 1)),
                    kind_name(a.kind),
                    a.author_name or a.author_id,
                    date_text(a.created),
                    why_text(orphan),
                )
                if part
            )
            lines.append(f"  - {head}")
            if a.quote is not None:
                lines.append(f"    “{' '.join(a.quote.exact.split())}”")
            if a.text.strip():
                lines.extend(f"    {line}" for line in a.text.strip().splitlines())
        lines.append("")
    return "\n".join(lines)


def _delete_job(ids: list[str], device: str, user_id: str) -> Callable[[Store], int]:
    def job(store: Store) -> int:
        annotations = AnnotationStore(store.db, device=device or None, user_id=user_id or None)
        now = now_iso()
        with store.db.transaction():
            for annotation_id in ids:
                annotations.delete(annotation_id, now=now)
        return len(ids)

    return job


def _discard_job(ids: list[str], user_id: str) -> Callable[[Store], int]:
    def job(store: Store) -> int:
        return AnnotationStore(store.db, device="-", user_id=user_id or None).discard_rejected(ids)

    return job


def _keep_job(ids: list[str], user_id: str) -> Callable[[Store], int]:
    def job(store: Store) -> int:
        return AnnotationStore(store.db, device="-", user_id=user_id or None).keep_local(ids)

    return job


def section(orphan: Orphan) -> int:
    """The orphan's group in the list: document gone, not found in a new version, not accepted by the
    server."""
    return 2 if orphan.refused is not None else 0 if orphan.gone else 1


class OrphanDialog(QDialog):
    """See the module docstring. ``writer``: the model's writer thread (the window's annotation
    workers)."""

    loaded = Signal()  # the list was read (again)
    deleted = Signal(int)  # how many were deleted
    kept = Signal(int)  # how many refused changes are kept as private copies
    exported = Signal(str)  # the file written

    def __init__(
        self,
        model: AnnotationModel,
        writer: ReplicaWorkers,
        parent: QWidget | None = None,
        *,
        export_xfdf: Callable[[list[Orphan], Path], Callable[[Store], object]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("orphanDialog")
        self.setWindowTitle(self.tr("Orphaned annotations"))
        self.annotation_model = model
        self.writer = writer
        self._export_xfdf = export_xfdf
        self._orphans: list[Orphan] = []
        self._confirm: QMessageBox | None = None

        self.intro = QLabel(
            self.tr(
                "These annotations are kept although their document is no longer on this device (deleted,"
                " or you may no longer see it), or although they were not found again in a new version of"
                " their document, or although the server did not accept a change of them. Nothing is"
                " deleted unless you delete it here."
            ),
            self,
        )
        self.intro.setWordWrap(True)
        self.status_label = QLabel(self.tr("Reading…"), self)
        self.status_label.setObjectName("orphanStatus")
        self.status_label.setAccessibleName(self.tr("Orphaned annotations status"))
        self.model_ = QStandardItemModel(0, len(COLUMNS), self)
        self.model_.setHorizontalHeaderLabels(
            [
                self.tr("Document"),
                self.tr("Page"),
                self.tr("Kind"),
                self.tr("Text"),
                self.tr("Date"),
                self.tr("Why"),
            ]
        )
        self.view = QTreeView(self)
        self.view.setObjectName("orphanList")
        self.view.setAccessibleName(self.tr("Orphaned annotations"))
        self.view.setModel(self.model_)
        self.view.setRootIsDecorated(False)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.view.header()
        header.setStretchLastSection(False)
        for column in (PAGE, KIND, DATE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        for column in (DOCUMENT, WHY):  # long names and reasons: elided (whole in the tooltip)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.export_button = QPushButton(self.tr("&Export…"), self)
        self.export_button.setToolTip(self.tr("Save the chosen annotations (all when none is chosen)"))
        self.delete_button = QPushButton(self.tr("&Delete…"), self)
        self.delete_button.setToolTip(
            self.tr("Delete the chosen annotations, here and on your other devices")
        )
        self.keep_button = QPushButton(self.tr("&Keep as private copy"), self)
        self.keep_button.setToolTip(
            self.tr(
                "Keep the chosen annotations the server did not accept on this device only; they are not"
                " sent again"
            )
        )
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.keep_button.clicked.connect(self.keep_chosen)
        self.buttons.rejected.connect(self.reject)
        self.export_button.clicked.connect(self.ask_export)
        self.delete_button.clicked.connect(self.ask_delete)
        self.view.selectionModel().selectionChanged.connect(lambda *_args: self._update_buttons())

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.status_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.buttons)
        screen = (parent or self).screen()
        self.fit_screen(screen.availableGeometry() if screen is not None else None)
        self._update_buttons()
        self.reload()

    def fit_screen(self, available: QRect | None) -> None:
        """The first size on a screen of this free area: wide enough for the names and the reasons on a
        1280 screen (was 860 px, cutting both beside empty space), within the screen on a small one."""
        width, height = 1180, 480
        if available is not None:
            width = max(min(width, available.width() - 60), 480)
            height = max(min(height, available.height() - 80), 300)
        self.resize(width, height)

    # --- reading

    def reload(self) -> None:
        self.writer.submit(find_orphans(self.annotation_model.user_id), self._found, self._failed)

    def _found(self, found: list[_Found]) -> None:
        model = self.annotation_model
        self._orphans = [
            Orphan(
                f.annotation,
                f.gone or f.document_name is None,
                f.document_name or f.kept_name or "",
                model.is_mine(f.annotation),
                f.refused,
            )
            for f in found
        ]
        self._orphans.sort(
            key=lambda o: (section(o), document_text(o), o.annotation.page, o.annotation.created)
        )
        self.model_.removeRows(0, self.model_.rowCount())
        for orphan in self._orphans:
            a = orphan.annotation
            cells = [
                document_text(orphan),
                str(a.page + 1),
                kind_name(a.kind),
                annotation_text(a),
                date_text(a.created),
                why_text(orphan),
            ]
            items = [QStandardItem(text) for text in cells]
            read_only = self.tr("By %1; read-only: only its author can delete it.").replace(
                "%1", a.author_name or a.author_id
            )
            for item, text in zip(items, cells, strict=True):
                item.setEditable(False)
                tip = text if orphan.mine else read_only + ("\n" + text if text else "")
                if tip:
                    item.setToolTip(tip)
            items[DOCUMENT].setData(a.id, ID_ROLE)
            items[KIND].setIcon(kind_icon(a.kind, a.colour))
            self.model_.appendRow(items)
        if self._orphans:
            self.status_label.setText(
                self.tr("%n annotation(s) kept without their place.", "", len(self._orphans))
            )
        else:
            self.status_label.setText(
                self.tr("No orphaned annotations: every annotation is in its document.")
            )
        self._update_buttons()
        self._fit_columns()
        self.loaded.emit()

    def _fit_columns(self) -> None:
        """Every column in view at the dialog's size: the document and the reason take what they need up
        to a share of the width (longer ones elided, whole in the tooltip), the text the rest."""
        width = self.view.viewport().width() or self.width()
        header = self.view.header()
        for column, share in ((DOCUMENT, 0.28), (WHY, 0.3)):
            fitting = max(self.view.sizeHintForColumn(column), header.sectionSizeHint(column))
            header.resizeSection(column, min(fitting, max(80, int(width * share))))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit_columns()

    def _failed(self, error: BaseException) -> None:
        self.status_label.setText(self.tr("The annotations could not be read."))
        error_reporter.report(error)

    def orphans(self) -> list[Orphan]:
        """The annotations listed, in their order."""
        return list(self._orphans)

    def chosen(self) -> list[Orphan]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self._orphans[row] for row in rows if row < len(self._orphans)]

    def choose(self, annotation_ids: Sequence[str]) -> None:
        """Select the lines of these annotations (the keyboard and the tests)."""
        selection = self.view.selectionModel()
        selection.clearSelection()
        flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        for row, orphan in enumerate(self._orphans):
            if orphan.annotation.id in annotation_ids:
                selection.select(self.model_.index(row, 0), flags)

    def _update_buttons(self) -> None:
        self.export_button.setEnabled(bool(self._orphans))
        self.delete_button.setEnabled(any(o.mine for o in self.chosen()))
        self.keep_button.setEnabled(any(o.mine and o.refused is not None for o in self.chosen()))

    # --- exporting

    def ask_export(self) -> None:
        dialog = QFileDialog(self, self.tr("Export orphaned annotations"))
        dialog.setObjectName("orphanExportDialog")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        xfdf, text = self.tr("XFDF annotations (*.xfdf)"), self.tr("Text list (*.txt)")
        dialog.setNameFilters([xfdf, text] if self._export_xfdf is not None else [text])
        dialog.selectFile(self.tr("orphaned annotations"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def chosen(path: str) -> None:
            as_text = dialog.selectedNameFilter() == text or path.lower().endswith(".txt")
            suffix = ".txt" if as_text else ".xfdf"
            target = Path(path) if Path(path).suffix else Path(path + suffix)
            self.export_to(target)

        dialog.fileSelected.connect(chosen)
        dialog.open()

    def export_to(self, target: Path) -> None:
        """Write the chosen annotations (all when none is chosen) to ``target``: XFDF when it ends in
        .xfdf (per document when they belong to several: ``name-<file id>.xfdf``), else a text list."""
        orphans = self.chosen() or self.orphans()
        if target.suffix.lower() == ".xfdf" and self._export_xfdf is not None:
            job = self._export_xfdf(orphans, target)
        else:
            content = orphans_text(orphans).encode("utf-8")

            def write(_store: Store) -> Path:
                write_atomically(target, content)
                return target

            job = write
        self.writer.submit(job, lambda _result: self._exported(target), error_reporter.report)

    def _exported(self, target: Path) -> None:
        self.status_label.setText(self.tr("Saved as %1.").replace("%1", str(target)))
        self.exported.emit(str(target))

    # --- deleting

    def ask_delete(self) -> None:
        mine = [o for o in self.chosen() if o.mine]
        if not mine:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Delete annotations"),
            self.tr(
                "Delete %n annotation(s)? They are deleted on your other devices too. Export them first"
                " if you may still need them.",
                "",
                len(mine),
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("orphanDeleteConfirm")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        ids = [o.annotation.id for o in mine]
        box.finished.connect(lambda result: self._confirmed(result, ids))
        self._confirm = box
        box.open()

    def _confirmed(self, result: int, ids: list[str]) -> None:
        self._confirm = None
        if result == QMessageBox.StandardButton.Yes:
            self.delete(ids)

    def delete(self, annotation_ids: list[str]) -> None:
        """Delete these annotations of the user at once: tombstones, queued for the server; those whose
        change the server did not accept are removed from this device (a tombstone would not be
        accepted either)."""
        model = self.annotation_model
        files = sorted({o.annotation.file_id for o in self._orphans if o.annotation.id in annotation_ids})
        refused = {o.annotation.id for o in self._orphans if o.refused is not None}
        discard = [i for i in annotation_ids if i in refused]
        tombstones = [i for i in annotation_ids if i not in refused]
        delete_job = _delete_job(tombstones, model.device, model.user_id)
        discard_job = _discard_job(discard, model.user_id)

        def job(store: Store) -> int:
            return delete_job(store) + (discard_job(store) if discard else 0)

        def done(count: int) -> None:
            model.refresh(files)
            self.status_label.setText(self.tr("%n annotation(s) deleted.", "", count))
            self.deleted.emit(count)
            self.reload()

        self.writer.submit(job, done, error_reporter.report)

    def keep_chosen(self) -> None:
        """Keep the chosen annotations the server did not accept on this device only."""
        self.keep([o.annotation.id for o in self.chosen() if o.mine and o.refused is not None])

    def keep(self, annotation_ids: list[str]) -> None:
        """Keep these annotations, whose change the server did not accept, as private copies on this
        device: their refused changes leave the list and later changes are not sent."""
        if not annotation_ids:
            return
        model = self.annotation_model

        def done(count: int) -> None:
            model.refresh([])  # the pending count
            self.status_label.setText(self.tr("%n annotation(s) kept on this device only.", "", count))
            self.kept.emit(count)
            self.reload()

        self.writer.submit(_keep_job(list(annotation_ids), model.user_id), done, error_reporter.report)
