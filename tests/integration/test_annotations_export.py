"""Export and exchange of annotations on a real replica (login and sync against the real server, real
keyring, real PDFs of many producers from ../shared/data/pdf — a rotated page, an encrypted one, one
that already carries annotations, 117 pages of German text):

* the annotated PDF, read back with PyMuPDF, lists every annotation with /NM = its UUID, the right
  type, colour and place, keeps the annotations the document had, stays encrypted; a second reader
  (poppler's pdftoppm) shows each one: pixels change inside every annotation and nowhere far outside;
* XFDF export and re-import through the store (idempotent, changes as local edits, one transaction);
* the meeting's notes as a PDF with the texts in it;
* `gremalda annotations …` end to end in subprocesses, with one-line errors.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from gremalda.core.annotations import exchange
from gremalda.core.annotations.anchor import page_text_hash, quote_at
from gremalda.core.annotations.errors import InvalidXfdf
from gremalda.core.annotations.merge import create
from gremalda.core.annotations.records import Annotation, Kind, Visibility
from gremalda.core.annotations.store import AnnotationStore
from gremalda.core.annotations.xfdf import GREMALDA_NS
from gremalda.paths import data_paths
from gremalda.store.replica import Store, open_store
from sync.server.db import write_session
from sync.server.models import File
from tests.integration.live import LiveServer, live_server
from tests.integration.test_cli_sync import gremalda, login
from tests.integration.world import World, build_world

PDFS = Path(__file__).resolve().parents[3] / "shared" / "data" / "pdf"
PASSWORD = "openpassword"  # of libreoffice-writer-password.pdf (the collection's files.json)
SAMPLES = {
    "rotated": ("habibi-rotated.pdf", "habibi"),
    "encrypted": ("libreoffice-writer-password.pdf", "Lorem"),
    "annotated": ("annotated_pdf.pdf", "text."),
    "german": ("GeoTopo-komprimiert.pdf", "Einführung"),
}
DPI = 36
NOW = "2026-12-01T10:00:00Z"
PDF_TYPES = {
    Kind.HIGHLIGHT: "Highlight",
    Kind.UNDERLINE: "Underline",
    Kind.STRIKEOUT: "StrikeOut",
    Kind.INK: "Ink",
    Kind.NOTE: "Text",
    Kind.FREETEXT: "FreeText",
}

pytestmark = pytest.mark.skipif(not PDFS.is_dir(), reason=f"the real PDFs are not there ({PDFS})")


@dataclass
class Replica:
    live: LiveServer
    world: World
    data: Path
    tmp: Path
    files: dict[str, int]  # sample -> server file id
    originals: dict[str, bytes]


@pytest.fixture(scope="module")
def replica(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replica]:
    tmp = tmp_path_factory.mktemp("annot-export")
    with live_server(tmp, f"sqlite:///{tmp}/server.sqlite3") as live:
        world = build_world(live.ctx)
        files: dict[str, int] = {}
        originals: dict[str, bytes] = {}
        with write_session(live.ctx.sessions) as s:
            for key, (name, _) in SAMPLES.items():
                content = (PDFS / name).read_bytes()
                stored = live.ctx.blobs.put_bytes(content)
                f = File(
                    body_id=world.ids["body"],
                    name=f"Anlage {key} Größe",
                    file_name=name,
                    mime_type="application/pdf",
                    size=stored.size,
                    sha256=stored.sha256,
                    agenda_item_id=world.ids["public_item"],
                )
                s.add(f)
                s.flush()
                files[key] = f.id
                originals[key] = content
        data, work = tmp / "data", tmp / "tmp"
        work.mkdir()
        login(live, data, work)
        r = gremalda("sync", "--data-dir", str(data), "--no-index", "-q", tmp=work)
        assert r.returncode == 0, r.stderr
        yield Replica(live, world, data, work, files, originals)


@pytest.fixture
def store(replica: Replica) -> Iterator[Store]:
    with open_store(data_paths(replica.data)) as opened:
        yield opened


def _records(doc: pymupdf.Document, key: str, file_id: str, who: exchange.Identity) -> list[Annotation]:
    """One annotation of each kind on the first page (the markup on a real word), for ``who``."""
    page = doc[0]
    word = SAMPLES[key][1]
    [q, *_] = page.search_for(word, quads=True)
    quad = (q.ul.x, q.ul.y, q.ur.x, q.ur.y, q.ll.x, q.ll.y, q.lr.x, q.lr.y)
    text = page.get_text()
    start = text.find(word)
    common: dict[str, Any] = {
        "file_id": file_id,
        "page": 0,
        "author_id": who.user_id,
        "author_name": who.author_name,
        "page_text_hash": page_text_hash(text),
    }
    quote = quote_at(text, start, start + len(word)) if start >= 0 else None
    # markups on separate lines of the rectangle's height below the word, so that each shows alone
    h = q.ll.y - q.ul.y
    shifted = [tuple(v + (i * 3 * h if j % 2 else 0) for j, v in enumerate(quad)) for i in range(3)]
    box = page.rect * page.derotation_matrix  # the unrotated page
    x0, y0 = box.x0 + 0.15 * box.width, box.y0 + 0.35 * box.height
    return [
        create(who.device, now=NOW, kind=Kind.HIGHLIGHT, quads=(quad,), quote=quote, colour="#ff0000",
               opacity=0.6, text="Wichtig für die Sitzung", **common),
        create(who.device, now=NOW, kind=Kind.UNDERLINE, quads=(shifted[1],), colour="#00aa00", **common),
        create(who.device, now=NOW, kind=Kind.STRIKEOUT, quads=(shifted[2],), colour="#0000ff", **common),
        create(who.device, now=NOW, kind=Kind.INK, colour="#0000ff", width=3.0, strokes=(
            ((x0, y0, 0.5), (x0 + 60, y0 + 40, 0.8), (x0 + 120, y0, None)),
        ), **common),
        create(who.device, now=NOW, kind=Kind.NOTE, rect=(x0, y0 + 120, x0 + 20, y0 + 140),
               text="Frage: Wer trägt die Kosten? Übernahme prüfen.", **common),
        create(who.device, now=NOW, kind=Kind.FREETEXT, rect=(x0, y0 + 200, x0 + 220, y0 + 240),
               text="Freitext: Größe passt", colour="#aa0000", opacity=0.8, **common),
    ]  # fmt: skip


@pytest.fixture(scope="module")
def annotated(replica: Replica) -> dict[str, list[Annotation]]:
    """Every sample annotated by the member, plus one note shared by the deputy on the German one."""
    made: dict[str, list[Annotation]] = {}
    with open_store(data_paths(replica.data)) as opened:
        who = exchange.identity(opened)
        annotations = exchange.annotation_store(opened, who)
        for key, file_id in replica.files.items():
            doc = pymupdf.open(stream=replica.originals[key], filetype="pdf")
            doc.authenticate(PASSWORD)
            made[key] = [annotations.save(r) for r in _records(doc, key, str(file_id), who)]
            doc.close()
        deputy = str(replica.world.ids["user_deputy"])
        shared = create(
            "dev-deputy", now=NOW, file_id=str(replica.files["german"]), kind=Kind.NOTE, page=2,
            author_id=deputy, author_name="Person deputy", rect=(100.0, 100.0, 120.0, 120.0),
            text="Geteilte Notiz der Stellvertretung", visibility=Visibility.COMMITTEE,
        )  # fmt: skip
        AnnotationStore(opened.db, "dev-sync").apply_remote(shared, 3)  # as the change feed brings it
        made["shared"] = [shared]
    return made


def test_identity_is_the_signed_in_member(store: Store, replica: Replica) -> None:
    who = exchange.identity(store)
    assert who.user_id == str(replica.world.ids["user_member"])
    assert who.author_name == "Person member" and who.device


# --- the annotated PDF ------------------------------------------------------------------------------------


def _open(data: bytes) -> pymupdf.Document:
    doc = pymupdf.open(stream=data, filetype="pdf")
    if doc.needs_pass:
        assert doc.authenticate(PASSWORD)
    return doc


def _render(path: Path, page: int, out: Path, password: str | None) -> pymupdf.Pixmap:
    args = ["pdftoppm", "-r", str(DPI), "-png", "-f", str(page + 1), "-l", str(page + 1), "-singlefile"]
    if password:
        args += ["-upw", password]
    subprocess.run([*args, str(path), str(out)], check=True, capture_output=True, timeout=300)
    return pymupdf.Pixmap(str(out) + ".png")


def _changed_pixels(a: pymupdf.Pixmap, b: pymupdf.Pixmap) -> list[tuple[int, int]]:
    assert (a.width, a.height, a.n) == (b.width, b.height, b.n)
    sa, sb, n, w = a.samples, b.samples, a.n, a.width
    changed = []
    for i in range(0, len(sa), n):
        if any(abs(sa[i + k] - sb[i + k]) > 24 for k in range(3)):
            changed.append(((i // n) % w, (i // n) // w))
    return changed


@pytest.mark.parametrize("key", list(SAMPLES))
def test_the_annotated_pdf_carries_every_annotation_and_other_readers_show_them(
    key: str, replica: Replica, annotated: dict[str, list[Annotation]], store: Store, tmp_path: Path
) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) is not installed: make sysdeps")
    target = tmp_path / f"{key}.pdf"
    result = exchange.export_pdf(store, str(replica.files[key]), target, password=PASSWORD)
    records = annotated[key]
    assert result.written == len(records) + (key == "german") and result.skipped == 0
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]
    # the original bytes unchanged, the annotations appended (a signature of the original stays valid)
    assert target.read_bytes().startswith(replica.originals[key])

    out = pymupdf.open(target)
    assert bool(out.needs_pass) == (key == "encrypted")  # an encrypted document stays encrypted
    if out.needs_pass:
        assert out.authenticate(PASSWORD)
    page = out[0]
    found = {a.info["id"]: a for a in page.annots()}
    assert set(found) == {r.id for r in records}
    for record in records:
        annot = found[record.id]
        assert annot.type[1] == PDF_TYPES[record.kind]
        assert annot.info["title"] == "Person member"
        assert annot.info["creationDate"] == "D:20261201100000Z" and annot.info["content"] == record.text
        key_nm = out.xref_get_key(annot.xref, "NM")
        assert key_nm[1] == record.id  # /NM is the UUID itself
        assert out.xref_get_key(annot.xref, "AP")[0] == "dict"  # an appearance stream for every reader
        rect = annot.rect
        if record.kind.is_text_markup:
            q = record.quads[0]
            assert rect.contains(pymupdf.Rect(q[0] + 0.5, q[1] + 0.5, q[6] - 0.5, q[7] - 0.5))
        elif record.kind is Kind.INK:
            assert rect.contains(pymupdf.Point(record.strokes[0][1][:2]))
            assert annot.border["width"] == 3.0
        elif record.kind is Kind.FREETEXT:
            assert tuple(rect) == pytest.approx(record.rect, abs=0.01)
            assert annot.opacity == pytest.approx(0.8, abs=0.01)
        else:  # the sticky note's icon sits at the note
            x0, y0, x1, y1 = record.rect
            assert rect.intersects(pymupdf.Rect(x0 - 20, y0 - 20, x1 + 20, y1 + 20))
            assert annot.has_popup and annot.popup_rect.width > 50
        if record.kind is not Kind.FREETEXT:  # a free text's colour is its text colour, in /DA
            expected = [int(record.colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
            assert annot.colors["stroke"] == pytest.approx(expected, abs=0.01)
        else:
            assert "rg" in out.xref_get_key(annot.xref, "DA")[1]
    if key == "annotated":  # the annotations it had are kept
        raw = out.xref_get_key(page.xref, "Annots")[1]
        assert "Highlight comment" in raw and "This is a text annotation." in raw and "Hello world!" in raw
    rotation = page.rotation_matrix
    boxes = [(found[r.id].rect * rotation) * (DPI / 72) for r in records]
    out.close()

    password = PASSWORD if key == "encrypted" else None
    original = tmp_path / f"original-{key}.pdf"
    original.write_bytes(replica.originals[key])
    before = _render(original, 0, tmp_path / "before", password)
    after = _render(target, 0, tmp_path / "after", password)
    changed = _changed_pixels(before, after)
    margin = 3
    for record, box in zip(records, boxes, strict=True):
        inside = [p for p in changed if box.x0 - 1 <= p[0] <= box.x1 + 1 and box.y0 - 1 <= p[1] <= box.y1 + 1]
        assert inside, f"{record.kind} does not show in pdftoppm's rendering of {key}"
    stray = [
        p
        for p in changed
        if not any(
            b.x0 - margin <= p[0] <= b.x1 + margin and b.y0 - margin <= p[1] <= b.y1 + margin for b in boxes
        )
    ]
    assert stray == [], f"{len(stray)} pixels changed outside the annotations of {key}"


def test_export_without_others_and_with_a_wrong_password(
    replica: Replica, annotated: dict[str, list[Annotation]], store: Store, tmp_path: Path
) -> None:
    target = tmp_path / "mine.pdf"
    result = exchange.export_pdf(store, str(replica.files["german"]), target, include_others=False)
    assert result.written == len(annotated["german"])
    with pytest.raises(exchange.GremaldaError, match="password"):
        exchange.export_pdf(store, str(replica.files["encrypted"]), tmp_path / "x.pdf", password="falsch")
    with pytest.raises(exchange.GremaldaError, match="password"):
        exchange.export_pdf(store, str(replica.files["encrypted"]), tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
    with pytest.raises(exchange.TargetExists):
        exchange.export_pdf(store, str(replica.files["german"]), target, overwrite=False)


def test_documents_that_cannot_be_exported_say_why(replica: Replica) -> None:
    from gremalda.pdf.annotated import PdfExportFailed, annotated_pdf

    with pytest.raises(PdfExportFailed, match="no pages"):
        annotated_pdf((PDFS / "unreadablemetadata.pdf").read_bytes(), [])
    with pytest.raises(PdfExportFailed, match="not a PDF"):
        annotated_pdf(b"PK\x03\x04 a zip, not a PDF", [])


def test_degenerate_geometry_still_exports() -> None:
    from gremalda.pdf.annotated import annotated_pdf

    def make(kind: Kind, **values: Any) -> Annotation:
        return create("d", now=NOW, file_id="1", kind=kind, page=0, author_id="7", **values)

    records = [
        make(Kind.HIGHLIGHT, quads=((0.0,) * 8,)),
        make(Kind.INK, strokes=(((10.0, 10.0, None),),)),
        make(Kind.NOTE, rect=(0.0, 0.0, 0.0, 0.0)),
        make(Kind.FREETEXT, rect=(5.0, 5.0, 5.0, 5.0), text="x"),
    ]
    result = annotated_pdf((PDFS / "habibi.pdf").read_bytes(), records)
    assert result.written == 4
    with pymupdf.open(stream=result.data, filetype="pdf") as doc:
        assert {a.info["id"] for a in doc[0].annots()} == {r.id for r in records}


def test_a_repaired_document_is_written_anew() -> None:
    from gremalda.pdf.annotated import annotated_pdf
    from tests.integration.world import minimal_pdf

    broken = re.sub(rb"startxref\s+\d+", b"startxref\n99999", minimal_pdf("Beschädigt"))
    record = create("d", file_id="1", kind=Kind.NOTE, page=0, author_id="7", rect=(10.0, 10.0, 30.0, 30.0))
    result = annotated_pdf(broken, [record])
    assert not result.data.startswith(broken)  # MuPDF cannot append to what it had to repair
    with pymupdf.open(stream=result.data, filetype="pdf") as doc:
        assert not doc.is_repaired and [a.info["id"] for a in doc[0].annots()] == [record.id]


# --- XFDF -------------------------------------------------------------------------------------------------


def test_xfdf_export_and_reimport_keep_everything_and_change_nothing(
    replica: Replica, annotated: dict[str, list[Annotation]], store: Store
) -> None:
    file_id = str(replica.files["rotated"])
    data = exchange.export_xfdf(store, file_id)
    assert data.count(b" name=") == len(annotated["rotated"]) and GREMALDA_NS.encode() in data
    outbox = len(exchange.annotation_store(store).pending_outbox())
    counts = exchange.import_xfdf(store, file_id, data)
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, len(annotated["rotated"]))
    assert len(exchange.annotation_store(store).pending_outbox()) == outbox  # nothing queued again
    # the same annotations read into another document: copies there, under UUIDs of that document
    other = str(replica.files["annotated"])
    counts = exchange.import_xfdf(store, other, data)
    assert counts.created == len(annotated["rotated"])
    again = exchange.import_xfdf(store, other, data)
    assert (again.created, again.unchanged) == (0, len(annotated["rotated"]))
    copies = [
        a for a in exchange.annotation_store(store).list_for_file(other) if a.text == "Freitext: Größe passt"
    ]
    assert len(copies) == 2 and len({a.id for a in copies}) == 2


def test_xfdf_import_edits_what_differs_restores_deleted_and_never_changes_others(
    replica: Replica, annotated: dict[str, list[Annotation]], store: Store
) -> None:
    file_id = str(replica.files["german"])
    annotations = exchange.annotation_store(store)
    data = exchange.export_xfdf(store, file_id)
    note = next(a for a in annotated["german"] if a.kind is Kind.NOTE)
    annotations.delete(note.id, now=NOW)
    changed = data.replace(b'color="#FF0000"', b'color="#00FFFF"')
    changed = changed.replace(b"Geteilte Notiz der Stellvertretung", b"Von mir geaendert")
    counts = exchange.import_xfdf(store, file_id, changed)
    assert counts.updated == 2 and counts.read_only == 1  # the colour, the deleted note; not the deputy's
    highlight = next(a for a in annotated["german"] if a.kind is Kind.HIGHLIGHT)
    stored = annotations.get(highlight.id)
    assert stored is not None and stored.colour == "#00ffff" and stored.quote == highlight.quote
    assert stored.stamp("colour").counter > highlight.stamp("colour").counter  # a local edit
    restored = annotations.get(note.id)
    assert restored is not None and restored.alive
    shared = annotated["shared"][0]
    assert annotations.get(shared.id) == shared
    queued = {e.record.id for e in annotations.pending_outbox()}
    assert {highlight.id, note.id} <= queued and shared.id not in queued


def test_xfdf_of_orphans_is_written_without_their_document(replica: Replica, store: Store) -> None:
    who = exchange.identity(store)
    orphan = create(
        who.device, now=NOW, file_id="gone-77", kind=Kind.NOTE, page=1, author_id=who.user_id,
        rect=(10.0, 10.0, 30.0, 30.0), text="Verwaiste Notiz",
    )  # fmt: skip
    exchange.annotation_store(store, who).save(orphan)
    data = exchange.export_xfdf(store, "gone-77")
    assert orphan.id.encode() in data and b"Verwaiste Notiz" in data
    with pytest.raises(exchange.DocumentNotFound):
        exchange.import_xfdf(store, "gone-77", data)


def test_malformed_xfdf_imports_nothing(replica: Replica, store: Store) -> None:
    file_id = str(replica.files["german"])
    before = exchange.annotation_store(store).all(include_deleted=True)
    outbox = exchange.annotation_store(store).pending_outbox()
    good = exchange.export_xfdf(store, file_id)
    # a valid annotation first, then one on a page the document does not have
    bad = good.replace(b"</annots>", b'<text page="500" rect="1,1,20,20" name="spaet"/></annots>')
    bad = bad.replace(b'color="#FF0000"', b'color="#123456"')
    for data in (bad, b"<xfdf", b"\x89PNG\r\n", good.replace(b'page="0"', b'page="x"', 1)):
        with pytest.raises(InvalidXfdf):
            exchange.import_xfdf(store, file_id, data)
    assert exchange.annotation_store(store).all(include_deleted=True) == before
    assert exchange.annotation_store(store).pending_outbox() == outbox


def test_other_programs_xfdf_is_imported_idempotently(replica: Replica, store: Store) -> None:
    file_id = str(replica.files["encrypted"])
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<xfdf xmlns="http://ns.adobe.com/xfdf/" xml:space="preserve"><annots>
<highlight color="#FFFF00" name="acro-1" page="0" rect="56,770,90,783" coords="56,783,90,783,56,771,90,771"
  title="Max Mustermann" creationdate="D:20250101120000+01'00'"><contents>Aus Acrobat</contents></highlight>
<square name="sq" page="0" rect="1,1,20,20"/>
</annots></xfdf>"""
    counts = exchange.import_xfdf(store, file_id, data, password=PASSWORD)
    assert counts.created == 1 and dict(counts.unsupported) == {"square": 1}
    assert exchange.import_xfdf(store, file_id, data, password=PASSWORD).unchanged == 1
    [made] = [a for a in exchange.annotation_store(store).list_for_file(file_id) if a.text == "Aus Acrobat"]
    assert made.author_id == exchange.identity(store).user_id and made.author_name == "Max Mustermann"
    assert made.created == "2025-01-01T11:00:00Z" and made.visibility is Visibility.PRIVATE


def test_other_programs_xfdf_with_a_colleagues_uuid_gets_a_derived_one(
    replica: Replica, store: Store
) -> None:
    """A colleague's annotation (their UUID under /NM, their name as author) exported by another program:
    the server would refuse it for good under the colleague's UUID, so the copy gets one of its own;
    an annotation the file gives as the user's keeps its name."""
    file_id = str(replica.files["encrypted"])
    who = exchange.identity(store)
    theirs, mine = str(uuid.uuid4()), str(uuid.uuid4())

    def highlight(name: str, title: str, text: str) -> str:
        return (
            f'<highlight color="#FFFF00" name="{{{name}}}" page="0" rect="56,770,90,783"'
            f' coords="56,783,90,783,56,771,90,771" title="{title}"><contents>{text}</contents></highlight>'
        )

    data = (
        '<?xml version="1.0" encoding="UTF-8"?><xfdf xmlns="http://ns.adobe.com/xfdf/"><annots>'
        + highlight(theirs, "Erika Kollegin", "von Erika")
        + highlight(mine, who.author_name, "von mir")
        + "</annots></xfdf>"
    ).encode()
    assert exchange.import_xfdf(store, file_id, data, password=PASSWORD).created == 2
    notes = exchange.annotation_store(store)
    made = {a.text: a for a in notes.list_for_file(file_id) if a.text in ("von Erika", "von mir")}
    assert made["von Erika"].id not in (theirs, theirs.upper()) and notes.get(theirs) is None
    assert made["von mir"].id == mine
    assert {a.author_id for a in made.values()} == {who.user_id}
    assert exchange.import_xfdf(store, file_id, data, password=PASSWORD).unchanged == 2  # no copy twice


# --- the meeting's notes --------------------------------------------------------------------------------


def test_meeting_summary_lists_every_note_by_item_and_document(
    replica: Replica, annotated: dict[str, list[Annotation]], store: Store
) -> None:
    data = exchange.meeting_summary(store, str(replica.world.ids["published_meeting"]))
    doc = pymupdf.open(stream=data, filetype="pdf")
    first = doc[0].get_text()
    assert "Notizen zur Sitzung" in first and "Sitzung A öffentlich" in first and "Ausschuss A" in first
    text = " ".join(" ".join(p.get_text().split()) for p in doc)
    for needle in (
        "TOP 1 Öffentlicher Punkt", "Anlage german Größe", "„Einführung“", "Frage: Wer trägt die Kosten?",
        "Freitext: Größe passt", "Geteilte Notiz der Stellvertretung", "Person deputy (geteilt)",
        "S. 3 · Notiz",
        "S. 1 · Markierung · Person member · ", "Freihand", "Unterstreichung", "Durchstreichung",
    ):  # fmt: skip
        assert needle in text, needle
    assert re.search(r"Seite 1 von \d", text)
    mine = exchange.meeting_summary(store, str(replica.world.ids["published_meeting"]), include_others=False)
    mine_text = " ".join(p.get_text() for p in pymupdf.open(stream=mine, filetype="pdf"))
    assert "Stellvertretung" not in mine_text and "Frage: Wer trägt" in mine_text


def test_summary_of_a_meeting_without_notes_says_so(replica: Replica, store: Store) -> None:
    data = exchange.meeting_summary(store, str(replica.world.ids["cancelled_meeting"]), language="en")
    text = pymupdf.open(stream=data, filetype="pdf")[0].get_text()
    assert "There are no annotations on this meeting." in text


# --- the command line ----------------------------------------------------------------------------------


def test_cli_end_to_end(replica: Replica, annotated: dict[str, list[Annotation]], tmp_path: Path) -> None:
    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return gremalda("annotations", *args, "--data-dir", str(replica.data), tmp=replica.tmp, stdin=stdin)

    german, meeting = str(replica.files["german"]), str(replica.world.ids["published_meeting"])
    r = run("list", "--file", german)
    assert r.returncode == 0, r.stderr
    assert "Anlage german Größe" in r.stdout and "„Einführung“" in r.stdout and "(shared)" in r.stdout
    assert all(a.id in r.stdout for a in annotated["german"])
    r = run("list", "--meeting", meeting)
    assert r.returncode == 0 and "Anlage rotated Größe" in r.stdout and "Anlage encrypted Größe" in r.stdout

    pdf = tmp_path / "out.pdf"
    r = run("export-pdf", german, str(pdf))
    assert r.returncode == 0, r.stderr
    assert f"with {len(annotated['german']) + 1} annotations" in r.stdout
    ids = {a.info["id"] for a in pymupdf.open(pdf)[0].annots()}
    assert {a.id for a in annotated["german"]} <= ids
    r = run("export-pdf", german, str(pdf))
    assert r.returncode == 1 and r.stderr.startswith("gremalda: File exists: ") and r.stderr.count("\n") == 1
    r = run("export-pdf", "libreoffice-writer-password.pdf", str(tmp_path / "enc.pdf"), "--password-stdin",
            stdin=PASSWORD + "\n")  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = run("export-pdf", "libreoffice-writer-password.pdf", str(tmp_path / "enc2.pdf"))
    assert r.returncode == 1 and "gremalda: Export failed: " in r.stderr and "password" in r.stderr

    xfdf = tmp_path / "out.xfdf"
    r = run("export-xfdf", german, str(xfdf), "--mine-only")
    assert r.returncode == 0, r.stderr
    assert b"Stellvertretung" not in xfdf.read_bytes() and b"Frage: Wer" in xfdf.read_bytes()
    r = run("import-xfdf", german, str(xfdf))
    assert r.returncode == 0, r.stderr
    assert "Imported: 0 new, 0 updated," in r.stdout

    enc = tmp_path / "enc.xfdf"
    r = run("export-xfdf", "libreoffice-writer-password.pdf", str(enc), "--password-stdin", stdin=PASSWORD)
    assert r.returncode == 0, r.stderr
    r = run("import-xfdf", "libreoffice-writer-password.pdf", str(enc), "--password-stdin", stdin=PASSWORD)
    assert r.returncode == 0 and "Imported: 0 new, 0 updated," in r.stdout, r.stderr
    r = run("import-xfdf", "libreoffice-writer-password.pdf", str(enc))
    assert r.returncode == 1 and "password" in r.stderr

    broken = tmp_path / "broken.xfdf"
    broken.write_bytes(b'<!DOCTYPE x [<!ENTITY a "b">]><xfdf/>')
    r = run("import-xfdf", german, str(broken))
    assert (
        r.returncode == 1
        and r.stderr.startswith("gremalda: Invalid XFDF file: ")
        and "Traceback" not in r.stderr
    )
    r = run("import-xfdf", german, str(tmp_path / "nothing.xfdf"))
    assert r.returncode == 1 and "Could not read" in r.stderr
    r = run("export-xfdf", "999999", str(tmp_path / "x.xfdf"))
    assert r.returncode == 1 and r.stderr.startswith("gremalda: Document not found: ")

    summary = tmp_path / "notes.pdf"
    r = run("summary", meeting, str(summary))
    assert r.returncode == 0, r.stderr
    assert "Frage: Wer trägt die Kosten?" in " ".join(p.get_text() for p in pymupdf.open(summary))
    r = run("summary", "999999", str(tmp_path / "none.pdf"))
    assert r.returncode == 1 and "no meeting 999999" in r.stderr
    r = run("frobnicate")
    assert r.returncode == 2
    assert list(replica.tmp.rglob("*")) == []  # nothing was written to the temp directory
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]  # no temporary file left
