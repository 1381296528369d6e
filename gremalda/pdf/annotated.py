# mypy: disable-error-code="no-untyped-call"
"""A PDF with our annotations as real PDF annotations, for other readers (PyMuPDF; in memory only).

From a document's decrypted bytes and its live annotation records, :func:`annotated_pdf` makes the bytes
of a copy that carries them as PDF annotations: highlight, underline and strike-out from the quads, ink
with its strokes and width (PDF has no pressure), a note as a Text annotation (a sticky note with a
popup), free text as FreeText; colour, opacity, the text as ``/Contents``, the author as ``/T``,
``/CreationDate`` and ``/M`` from the record's times, and ``/NM`` = the record's UUID. Appearance
streams are generated, so that readers which do not make their own show them. Annotations already in
the document are kept; an encrypted document is opened with the password given and stays encrypted.
The original bytes stay as they are, with the annotations appended as an incremental update (so a
digital signature of the original stays valid) wherever MuPDF can do that.

Nothing is written to disk here: bytes in, bytes out (the caller writes the file the user chose).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gremalda.core.annotations.records import Annotation, Kind
from gremalda.core.annotations.xfdf import FREETEXT_FONT_SIZE, PageFrame, pdf_date
from gremalda.errors import GremaldaError

if TYPE_CHECKING:
    import pymupdf

NOTE_SIZE = 20.0  # a sticky note's icon, points
POPUP_SIZE = (180.0, 120.0)


class PdfExportFailed(GremaldaError):
    """The document could not be opened or written with its annotations."""

    title = "Export failed"
    default_message = "The document could not be exported with its annotations."


class PasswordRequired(PdfExportFailed):
    """The document is protected by a password, and none or a wrong one was given (``wrong``)."""

    def __init__(self, message: str | None = None, *, wrong: bool = False) -> None:
        super().__init__(message)
        self.wrong = wrong


@dataclass(frozen=True)
class AnnotatedPdf:
    data: bytes
    written: int  # annotations put into the copy
    skipped: tuple[str, ...]  # ids of records left out (their page is not in this document)


def open_pdf(data: bytes, password: str | None = None) -> pymupdf.Document:
    """The PDF of ``data``, authenticated with ``password`` when it is encrypted."""
    import pymupdf

    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:
        raise PdfExportFailed("The document is not a PDF that can be read.", detail=repr(exc)) from None
    if doc.needs_pass and not doc.authenticate(password or ""):
        doc.close()
        raise PasswordRequired(
            "The document is protected by a password: give its password to export it."
            if not password
            else "The password does not open the document.",
            wrong=bool(password),
        )
    if doc.page_count == 0:
        doc.close()
        raise PdfExportFailed("The document has no pages.")
    return doc


def page_frames(data: bytes, password: str | None = None) -> list[PageFrame]:
    """The frames of the document's pages: how PDF user space maps to our coordinates (for XFDF)."""
    doc = open_pdf(data, password)
    try:
        return [_frame(page) for page in doc.pages()]
    finally:
        doc.close()


def _frame(page: pymupdf.Page) -> PageFrame:
    m = page.transformation_matrix
    return PageFrame((m.a, m.b, m.c, m.d, m.e, m.f))


def _rgb(colour: str) -> tuple[float, float, float]:
    return (int(colour[1:3], 16) / 255, int(colour[3:5], 16) / 255, int(colour[5:7], 16) / 255)


def annotated_pdf(data: bytes, records: Iterable[Annotation], *, password: str | None = None) -> AnnotatedPdf:
    """The bytes of ``data`` with ``records`` (their live ones) added as PDF annotations."""
    import pymupdf

    doc = open_pdf(data, password)
    try:
        written = 0
        skipped = []
        for record in records:
            if not record.alive:
                continue
            if record.page >= doc.page_count:
                skipped.append(record.id)
                continue
            try:
                _add(doc, doc[record.page], record)
            except (RuntimeError, ValueError, pymupdf.mupdf.FzErrorBase) as exc:  # MuPDF refused it
                raise PdfExportFailed(
                    f"The annotation on page {record.page + 1} ({record.kind}) could not be written.",
                    detail=repr(exc),
                ) from None
            written += 1
        return AnnotatedPdf(_write(doc), written, tuple(skipped))
    finally:
        doc.close()


def _write(doc: pymupdf.Document) -> bytes:
    """The document's bytes: the original ones unchanged with the annotations appended as an
    incremental update (so that a digital signature of the original stays valid), or — where MuPDF
    cannot append (a document it had to repair), or this PyMuPDF lacks the low-level call — the whole
    document written anew. Encryption is kept either way."""
    import pymupdf

    mupdf = pymupdf.mupdf
    try:
        pdf = pymupdf._as_pdf_document(doc)
        if mupdf.pdf_can_be_saved_incrementally(pdf):
            options = mupdf.PdfWriteOptions()
            options.do_incremental = 1
            buffer = mupdf.FzBuffer(0)
            output = mupdf.FzOutput(buffer)
            mupdf.pdf_write_document(pdf, output, options)
            output.fz_close_output()
            return bytes(mupdf.fz_buffer_extract_copy(buffer))
    except (AttributeError, mupdf.FzErrorBase):
        pass
    data: bytes = doc.tobytes(garbage=1, deflate=True, encryption=mupdf.PDF_ENCRYPT_KEEP)
    return data


def _add(doc: pymupdf.Document, page: pymupdf.Page, a: Annotation) -> pymupdf.Annot:
    import pymupdf

    colour = _rgb(a.colour)
    if a.kind.is_text_markup:
        quads = [pymupdf.Quad(q[0:2], q[2:4], q[4:6], q[6:8]) for q in a.quads]
        add = {
            Kind.HIGHLIGHT: page.add_highlight_annot,
            Kind.UNDERLINE: page.add_underline_annot,
            Kind.STRIKEOUT: page.add_strikeout_annot,
        }[a.kind]
        annot = add(quads=quads)
        annot.set_colors(stroke=colour)
    elif a.kind is Kind.INK:
        annot = page.add_ink_annot([[(x, y) for x, y, _ in stroke] for stroke in a.strokes])
        annot.set_border(width=a.width)
        annot.set_colors(stroke=colour)
    elif a.kind is Kind.NOTE:
        assert a.rect is not None
        rect = pymupdf.Rect(a.rect)
        annot = page.add_text_annot(rect.tl, a.text, icon="Comment")
        if rect.width > 1 and rect.height > 1:
            annot.set_rect(rect)
        annot.set_colors(stroke=colour)
        annot.set_popup(_popup_rect(page, pymupdf.Rect(annot.rect)))
        annot.set_open(False)
    else:
        assert a.rect is not None
        x0, y0, x1, y1 = a.rect  # a box too small to hold a line grows to one (MuPDF refuses empty ones)
        annot = page.add_freetext_annot(
            pymupdf.Rect(x0, y0, max(x1, x0 + FREETEXT_FONT_SIZE), max(y1, y0 + FREETEXT_FONT_SIZE * 1.5)),
            a.text,
            fontsize=FREETEXT_FONT_SIZE,
            fontname="helv",
            text_color=colour,
            rotate=page.rotation,
        )
    annot.set_opacity(a.opacity)
    annot.set_info(
        content=a.text,
        title=a.author_name,
        creationDate=pdf_date(a.created),
        modDate=pdf_date(a.modified),
    )
    annot.update()
    doc.xref_set_key(annot.xref, "NM", pymupdf.get_pdf_str(a.id))
    if a.kind is Kind.FREETEXT and doc.xref_get_key(annot.xref, "IT")[0] == "null":
        doc.xref_set_key(annot.xref, "CL", "null")  # PyMuPDF writes a callout line nobody asked for
    return annot


def _popup_rect(page: pymupdf.Page, icon: pymupdf.Rect) -> pymupdf.Rect:
    """Where a note's popup opens: right of the icon, inside the page (unrotated coordinates)."""
    import pymupdf

    bounds = page.rect * page.derotation_matrix
    bounds.normalize()
    w, h = POPUP_SIZE
    x0 = min(icon.x1 + 4, bounds.x1 - w)
    y0 = min(icon.y0, bounds.y1 - h)
    return pymupdf.Rect(
        max(x0, bounds.x0), max(y0, bounds.y0), max(x0, bounds.x0) + w, max(y0, bounds.y0) + h
    )
