"""Export and exchange of annotations (issue 5 part 5), Qt-free: the service the CLI and the window call.

* :func:`export_pdf`: the document with its annotations as real PDF annotations, to a file the user
  chose (written whole or not at all: a temporary file beside it, renamed into place). That file is the
  plaintext the user asked for; nothing else of the document touches the disk.
* :func:`export_xfdf` / :func:`import_xfdf`: annotations exchanged with other PDF programs. An import
  is one transaction: every annotation of the file is read and checked first, and a malformed file
  raises :class:`~gremalda.core.annotations.errors.InvalidXfdf` with nothing stored. A new annotation
  is created as the signed-in user's own; one already here is changed only where the file differs
  from it, as a local edit (so it merges and syncs like any other edit), and brought back if it had
  been deleted. Someone else's annotation here is never changed (counted as read-only); one of
  someone else's that is not here becomes the user's own copy under a UUID derived from the file.
  Ink larger than one record may be (other programs' handwriting: a page in one annotation) becomes
  several records with derived, stable ids; an annotation that still could not be shared (a note of
  more than 64 KiB) refuses the file as InvalidXfdf naming it.
* :func:`meeting_summary`: the notes of a meeting as a PDF (see :mod:`.summary`).
"""

from __future__ import annotations

import json
import math
import os
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gremalda.core.account import Identity, identity
from gremalda.core.annotations.errors import AnnotationTooLarge, InvalidAnnotation, InvalidXfdf
from gremalda.core.annotations.merge import edit, restore
from gremalda.core.annotations.records import Annotation, Kind, Stroke, check_shareable, to_dict
from gremalda.core.annotations.store import AnnotationStore
from gremalda.core.annotations.summary import gather
from gremalda.core.annotations.xfdf import NAME_NAMESPACE, PageFrame
from gremalda.core.annotations.xfdf import export_xfdf as xfdf_bytes
from gremalda.core.annotations.xfdf_read import XfdfAnnotation, parse_xfdf
from gremalda.core.errors import DocumentNotFound
from gremalda.core.library import Library
from gremalda.errors import GremaldaError
from gremalda.files import TargetExists, write_atomically
from gremalda.pdf.annotated import annotated_pdf, page_frames
from gremalda.pdf.summary import summary_pdf
from gremalda.store.replica import Store
from sync.protocol.limits import MAX_ANNOTATION_BYTES, MAX_INK_STROKES, annotation_record_bytes

A4_HEIGHT = 841.89  # points


class DocumentNotStored(GremaldaError):
    """The document is known but its bytes are not on this device yet."""

    title = "Document not downloaded"
    default_message = "The document is not downloaded yet: synchronise first (gremalda sync)."


def annotation_store(store: Store, who: Identity | None = None) -> AnnotationStore:
    who = who or identity(store)
    return AnnotationStore(store.db, who.device, user_id=who.user_id)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- the document -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    file_id: str
    name: str  # the file name as the user knows it
    data: bytes


def read_document(store: Store, file_id: str) -> Document:
    """The decrypted bytes of a stored document (in memory only)."""
    entry = Library(store.db.conn).file(file_id)
    if entry is None:
        raise DocumentNotFound(f"There is no document {file_id} in the offline copy.")
    if not entry.stored or entry.vault_version is None:
        raise DocumentNotStored(
            f"{entry.name or entry.file_name} is not downloaded yet: synchronise first (gremalda sync)."
        )
    buffer = store.vault.read(entry.id, entry.vault_version)
    try:
        data = bytes(buffer)
    finally:
        buffer[:] = bytes(len(buffer))
    return Document(entry.id, entry.file_name or entry.name or f"{entry.id}.pdf", data)


def live_annotations(store: Store, file_id: str, *, include_others: bool = True) -> list[Annotation]:
    who = identity(store)
    records = annotation_store(store, who).list_for_file(file_id)
    return [a for a in records if include_others or a.author_id == who.user_id]


# --- annotated PDF ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfExport:
    target: Path
    written: int
    skipped: int  # on pages the document does not have


def export_pdf(
    store: Store,
    file_id: str,
    target: str | os.PathLike[str],
    *,
    include_others: bool = True,
    password: str | None = None,
    overwrite: bool = True,
) -> PdfExport:
    """Write the document ``file_id`` with its live annotations (the user's own, and with
    ``include_others`` also those shared with them) as a PDF to ``target``."""
    document = read_document(store, file_id)
    records = live_annotations(store, file_id, include_others=include_others)
    result = annotated_pdf(document.data, records, password=password)
    path = Path(target).expanduser()
    write_atomically(path, result.data, overwrite=overwrite)
    return PdfExport(path, result.written, len(result.skipped))


# --- XFDF -----------------------------------------------------------------------------------------------


def frames_of(document: Document, password: str | None = None) -> list[PageFrame]:
    return page_frames(document.data, password)


def export_xfdf(
    store: Store, file_id: str, *, include_others: bool = True, password: str | None = None
) -> bytes:
    """The XFDF of the document's live annotations. Annotations kept of a document no longer here
    (orphans) are written as if its pages were A4 portrait, the usual size of council papers."""
    records = live_annotations(store, file_id, include_others=include_others)
    try:
        document = read_document(store, file_id)
    except (DocumentNotFound, DocumentNotStored):
        pages = max((a.page for a in records), default=0) + 1
        return xfdf_bytes(records, [PageFrame.of_height(A4_HEIGHT)] * pages)
    return xfdf_bytes(records, frames_of(document, password), href=document.name)


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    read_only: int = 0  # someone else's annotation here, which the file would change
    unsupported: Counter[str] = field(default_factory=Counter)  # kinds we do not have -> how many

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.read_only


def import_xfdf(
    store: Store,
    file_id: str,
    data: bytes,
    *,
    user_id: str | None = None,
    author_name: str | None = None,
    device: str | None = None,
    password: str | None = None,
    now: str | None = None,
) -> ImportCounts:
    """Import the XFDF ``data`` into the document ``file_id`` (see the module's documentation) as
    ``user_id`` named ``author_name`` on ``device`` (by default the replica's signed-in user)."""
    if user_id is None or author_name is None or device is None:
        signed_in = identity(store)
        who = Identity(
            user_id or signed_in.user_id, author_name or signed_in.author_name, device or signed_in.device
        )
    else:
        who = Identity(user_id, author_name, device)
    annotations = annotation_store(store, who)
    document = read_document(store, file_id)
    parsed = parse_xfdf(data, frames_of(document, password), file_id=file_id)
    now = now or now_iso()
    counts = ImportCounts(unsupported=parsed.unsupported)
    planned: list[tuple[Annotation, XfdfAnnotation]] = []
    for item in (part for whole in parsed.annotations for part in _shareable_parts(whole, file_id, who)):
        existing = annotations.get(item.id)
        if existing is not None and (existing.file_id, existing.kind) != (file_id, item.kind):
            # the same name for an annotation on another document, or of another kind: not this one
            item = replace(item, id=_derived(file_id, item.id))
            existing = annotations.get(item.id)
        elif existing is None and _foreign(item, who):  # someone else's: a copy
            item = replace(item, id=_derived(file_id, item.id))
            existing = annotations.get(item.id)
        if existing is None:
            planned.append((_new(item, file_id, who), item))
            counts.created += 1
            continue
        changes = _changes(existing, item)
        if not changes and existing.alive:
            counts.unchanged += 1
        elif existing.author_id != who.user_id:
            counts.read_only += 1
        else:
            record = existing if existing.alive else restore(existing, who.device, modified=now)
            if changes:
                record = _edit(record, who.device, now, changes, item)
            planned.append((record, item))
            counts.updated += 1
    for record, item in planned:  # before anything is stored
        _shareable(record, item)
    with store.db.transaction():
        for record, item in planned:
            try:
                annotations.save(record)
            except AnnotationTooLarge as exc:  # merged with what is stored here, it grew too large
                raise _too_large(item, exc) from None
    return counts


def _new(item: XfdfAnnotation, file_id: str, who: Identity) -> Annotation:
    return item.record(file_id=file_id, author_id=who.user_id, author_name=who.author_name, device=who.device)


def _too_large(item: XfdfAnnotation, exc: AnnotationTooLarge) -> InvalidXfdf:
    return InvalidXfdf(
        f"The annotation “{item.name}” is too large to share ({exc.detail or exc.message}). "
        "Nothing of the file has been imported.",
        detail=exc.detail,
    )


def _shareable(record: Annotation, item: XfdfAnnotation) -> None:
    try:
        check_shareable(record)
    except AnnotationTooLarge as exc:
        raise _too_large(item, exc) from None


# Room left in an ink record split from a large one for the merge metadata later edits add.
_SPLIT_MARGIN = 1024


def _shareable_parts(item: XfdfAnnotation, file_id: str, who: Identity) -> list[XfdfAnnotation]:
    """``item``, or, for ink with more strokes than one record may hold (other programs put a page of
    handwriting in one annotation), several ink annotations of at most MAX_INK_STROKES strokes and
    MAX_ANNOTATION_BYTES each, in stroke order: the first keeps its id, the others get ids derived from
    it, so that importing the file again gives the same records."""
    strokes: tuple[Stroke, ...] = item.values.get("strokes", ())
    if item.kind is not Kind.INK or len(strokes) <= 1:
        return [item]
    sizes = [len(json.dumps(s, separators=(",", ":"))) + 1 for s in strokes]  # ASCII; with its comma
    whole = annotation_record_bytes(to_dict(_new(item, file_id, who)))
    if len(strokes) <= MAX_INK_STROKES and whole <= MAX_ANNOTATION_BYTES:
        return [item]
    budget = MAX_ANNOTATION_BYTES - _SPLIT_MARGIN - (whole - sum(sizes))
    groups: list[list[Stroke]] = [[]]
    used = 0
    for one, size in zip(strokes, sizes, strict=True):
        if groups[-1] and (len(groups[-1]) >= MAX_INK_STROKES or used + size > budget):
            groups.append([])
            used = 0
        groups[-1].append(one)
        used += size
    return [
        replace(
            item,
            id=item.id if n == 0 else _derived(file_id, f"{item.id}\x00part {n + 1}"),
            values={**item.values, "strokes": tuple(group)},
        )
        for n, group in enumerate(groups)
    ]


def _edit(
    record: Annotation, device: str, now: str, changes: dict[str, Any], item: XfdfAnnotation
) -> Annotation:
    try:
        return edit(record, device, modified=now, **changes)
    except InvalidAnnotation as exc:
        raise InvalidXfdf(
            f"The annotation “{item.name}” cannot be changed as the file says "
            f"({exc.detail or exc.message}). Nothing of the file has been imported.",
            detail=exc.detail,
        ) from None


def _foreign(item: XfdfAnnotation, who: Identity) -> bool:
    """Whether the file gives ``item`` as someone else's: another author id (a file of ours), or, from
    another program, another author's name. Its name (a UUID under /NM) may be that author's annotation
    on the server, which would refuse it as the user's for good."""
    if item.author_id is not None:
        return item.author_id != who.user_id
    name = " ".join(item.author_name.split()).casefold()
    return bool(name) and name not in {" ".join(who.author_name.split()).casefold(), who.user_id.casefold()}


def _derived(file_id: str, name: str) -> str:
    return str(uuid.uuid5(NAME_NAMESPACE, f"{file_id}\x00{name}"))


def _changes(existing: Annotation, item: XfdfAnnotation) -> dict[str, Any]:
    """The fields the file gives differently from the record here (geometry within 0.001 pt)."""
    return {name: value for name, value in item.values.items() if not _close(getattr(existing, name), value)}


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float | int) and isinstance(b, float | int) and not isinstance(a, bool):
        return math.isclose(a, b, rel_tol=0, abs_tol=1e-3)
    return bool(a == b)


# --- the meeting's notes ------------------------------------------------------------------------------------


def meeting_summary(
    store: Store, meeting_id: str, *, include_others: bool = True, language: str = "de"
) -> bytes:
    """The notes of a meeting as a PDF (title page, then by agenda item and document)."""
    notes = gather(store, meeting_id, identity(store), include_others=include_others)
    return summary_pdf(notes, language=language)


def export_summary(
    store: Store,
    meeting_id: str,
    target: str | os.PathLike[str],
    *,
    include_others: bool = True,
    overwrite: bool = True,
    language: str = "de",
) -> Path:
    path = Path(target).expanduser()
    data = meeting_summary(store, meeting_id, include_others=include_others, language=language)
    write_atomically(path, data, overwrite=overwrite)
    return path


__all__: Sequence[str] = (
    "DocumentNotStored",
    "Identity",
    "ImportCounts",
    "PdfExport",
    "TargetExists",
    "export_pdf",
    "export_summary",
    "export_xfdf",
    "identity",
    "import_xfdf",
    "meeting_summary",
    "write_atomically",
)
