# mypy: disable-error-code="no-untyped-call"
"""The notes of a meeting as a PDF (PyMuPDF's Story: HTML laid out on A4 pages, in memory).

A title page (meeting, date, committee, place; for whom and when it was made, how many notes), then per
agenda item and document each note: page, kind, the marked text or the note's text, author, date.
The text is set in MuPDF's built-in Unicode fonts (Nimbus Sans), so umlauts and other European
letters print as they are. German by default, English with ``language="en"``.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, tzinfo
from html import escape as _html_escape

from gremalda.core.annotations.records import Kind
from gremalda.core.annotations.summary import DocumentNotes, MeetingNotes, Note, Section
from gremalda.core.council_time import wall_clock, zone_label

_PAGE = (0.0, 0.0, 595.0, 842.0)  # A4, points
_MARGIN = 56.0

_LIGATURE = re.compile(r"f(?=\w)")


def escape(text: str) -> str:
    """``text`` as HTML, with an empty element after each "f" before a letter: the layout engine would
    otherwise set ff, fi, fl as ligatures, which text extraction and search see as other characters."""
    return _LIGATURE.sub("f<span></span>", _html_escape(text))


Texts = dict[str, str]  # Kind is a str enum: its members are keys too

_TEXTS: dict[str, Texts] = {
    "de": {
        "title": "Notizen zur Sitzung",
        "committee": "Gremium",
        "date": "Datum",
        "place": "Ort",
        "for": "Erstellt für",
        "made": "Erstellt am",
        "count": "Anmerkungen",
        "none": "Zu dieser Sitzung gibt es keine Anmerkungen.",
        "own": "Unterlagen der Sitzung",
        "item": "TOP",
        "page": "S.",
        "older": "ältere Fassung",
        "attention": "nicht in der neuen Fassung gefunden",
        "pages": "Seite {n} von {total}",
        "undated": "ohne Termin",
        "shared": "geteilt",
        Kind.HIGHLIGHT: "Markierung",
        Kind.UNDERLINE: "Unterstreichung",
        Kind.STRIKEOUT: "Durchstreichung",
        Kind.INK: "Freihand",
        Kind.NOTE: "Notiz",
        Kind.FREETEXT: "Freitext",
    },
    "en": {
        "title": "Notes on the meeting",
        "committee": "Committee",
        "date": "Date",
        "place": "Place",
        "for": "Made for",
        "made": "Made on",
        "count": "Annotations",
        "none": "There are no annotations on this meeting.",
        "own": "Documents of the meeting",
        "item": "Item",
        "page": "p.",
        "older": "older version",
        "attention": "not found in the new version",
        "pages": "Page {n} of {total}",
        "undated": "no date",
        "shared": "shared",
        Kind.HIGHLIGHT: "Highlight",
        Kind.UNDERLINE: "Underline",
        Kind.STRIKEOUT: "Strike-out",
        Kind.INK: "Ink",
        Kind.NOTE: "Note",
        Kind.FREETEXT: "Free text",
    },
}

_CSS = """
body { font-family: sans-serif; font-size: 10pt; color: #222; }
h1 { font-size: 22pt; margin-bottom: 6pt; }
h2 { font-size: 14pt; margin-top: 14pt; margin-bottom: 4pt; border-bottom: 1px solid #999; }
h3 { font-size: 11pt; margin-top: 8pt; margin-bottom: 2pt; color: #333; }
p { margin-top: 2pt; margin-bottom: 2pt; }
.meta { color: #555; font-size: 9pt; }
.marked { font-style: italic; }
.note { margin-left: 12pt; margin-bottom: 6pt; }
.big { font-size: 13pt; margin-top: 4pt; }
"""


def _date(when: datetime | None, texts: Texts, zone: tzinfo | None) -> str:
    """On the council's clock (the meeting's body's zone, :mod:`gremalda.core.council_time`)."""
    return wall_clock(when, zone).strftime("%d.%m.%Y %H:%M") if when is not None else texts["undated"]


def _zone_suffix(when: datetime | None, zone: tzinfo | None) -> str:
    """ " (Europe/Berlin)" when this machine's clock differs from the council's (the whole summary uses
    the council's)."""
    label = zone_label(when, zone) if when is not None else ""
    return f" ({label})" if label else ""


def _title_html(notes: MeetingNotes, texts: Texts) -> str:
    m = notes.meeting
    rows = [
        (texts["committee"], m.organization or "–"),
        (texts["date"], _date(m.start, texts, m.zone) + _zone_suffix(m.start, m.zone)),
        (texts["place"], m.location or "–"),
        (texts["for"], notes.user_name or "–"),
        (texts["made"], _date(notes.made, texts, m.zone)),
        (texts["count"], str(notes.count)),
    ]
    body = "".join(f"<p class='big'><b>{escape(k)}:</b> {escape(v)}</p>" for k, v in rows)
    empty = f"<p class='big'>{escape(texts['none'])}</p>" if notes.count == 0 else ""
    return f"<h1>{escape(texts['title'])}</h1><h2>{escape(m.name)}</h2>{body}{empty}"


def _note_html(note: Note, texts: Texts, zone: tzinfo | None) -> str:
    author = note.author if note.mine else f"{note.author} ({texts['shared']})"
    head = f"{texts['page']} {note.page} · {texts[note.kind]} · {author} · {_date(note.when, texts, zone)}"
    if note.attention:
        head += f" · {texts['attention']}"
    parts = [f"<p class='meta'>{escape(head)}</p>"]
    if note.marked:
        parts.append(f"<p class='marked'>„{_lines(note.marked)}“</p>")
    if note.text:
        parts.append(f"<p>{_lines(note.text)}</p>")
    return f"<div class='note'>{''.join(parts)}</div>"


def _lines(text: str) -> str:
    return "<br/>".join(escape(line) for line in text.splitlines() or [""])


def _section_html(section: Section, texts: Texts, zone: tzinfo | None) -> str:
    if section.own:
        title = texts["own"]
    else:
        number = f"{texts['item']} {section.number}" if section.number else ""
        title = " ".join(p for p in (number, section.name) if p)
    parts = [f"<h2>{escape(title)}</h2>"]
    for document in section.documents:
        parts.append(_document_html(document, texts, zone))
    return "".join(parts)


def _document_html(document: DocumentNotes, texts: Texts, zone: tzinfo | None) -> str:
    name = document.name + (f" ({texts['older']})" if document.superseded else "")
    return f"<h3>{escape(name)}</h3>" + "".join(_note_html(n, texts, zone) for n in document.notes)


def summary_pdf(notes: MeetingNotes, *, language: str = "de") -> bytes:
    """The PDF of ``notes``."""
    import pymupdf

    texts = _TEXTS.get(language, _TEXTS["de"])
    mediabox = pymupdf.Rect(_PAGE)
    where = pymupdf.Rect(
        mediabox.x0 + _MARGIN, mediabox.y0 + _MARGIN, mediabox.x1 - _MARGIN, mediabox.y1 - _MARGIN
    )
    buffer = io.BytesIO()
    writer = pymupdf.DocumentWriter(buffer)
    stories = [_title_html(notes, texts)]
    if notes.sections:
        stories.append("".join(_section_html(s, texts, notes.meeting.zone) for s in notes.sections))
    for html in stories:  # each starts on a new page
        story = pymupdf.Story(html=html, user_css=_CSS)
        more = True
        while more:
            device = writer.begin_page(mediabox)
            more, _ = story.place(where)
            story.draw(device)
            writer.end_page()
    writer.close()
    doc = pymupdf.open(stream=buffer.getvalue(), filetype="pdf")
    try:
        total = doc.page_count
        for page in doc.pages():
            label = texts["pages"].format(n=page.number + 1, total=total)
            page.insert_text((_MARGIN, mediabox.y1 - _MARGIN / 2), label, fontsize=8, color=(0.4, 0.4, 0.4))
        doc.set_metadata({"title": f"{texts['title']}: {notes.meeting.name}", "creator": "Gremalda"})
        data: bytes = doc.tobytes(garbage=3, deflate=True)
    finally:
        doc.close()
    return data
