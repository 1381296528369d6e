# mypy: disable-error-code="no-untyped-call"
"""Annotations follow a replaced document (gremalda.core.annotations.reanchoring) in a real SQLCipher
replica with a real encrypted vault: PDFs made with PyMuPDF, stored in the vault and indexed as the
indexer does (text extracted from the bytes, pages 1-based)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from gremalda.core.annotations.anchor import page_text_hash
from gremalda.core.annotations.authoring import markup
from gremalda.core.annotations.merge import create
from gremalda.core.annotations.reanchoring import CHECKED_KEY, reanchor_replaced
from gremalda.core.annotations.records import Annotation, Kind
from gremalda.core.annotations.store import AnnotationStore, device_id
from gremalda.paths import data_paths
from gremalda.pdf.extract import extract_in_process
from gremalda.pdf.render import PageWords, Word
from gremalda.pdf.words import DocumentWords
from gremalda.store.database import open_database
from gremalda.store.replica import Store, account_user_id, put_state
from gremalda.store.textindex import TextIndex
from gremalda.store.vault import Vault

ME, THEM = "7", "8"
QUOTE = "Haushaltsplan 2026"
SENTENCE = "Der Ausschuss berät den Haushaltsplan 2026 und die Straßenreinigung."
GONE = "Die Tagesordnung wird festgestellt."
ANNEX = "Anhang: Lageplan des Gebiets am Stadtpark."
# the old version: the quote on page 1; the new one: a paragraph inserted, the quote pushed to page 2,
# the agenda sentence gone; the annex page unchanged
OLD = [
    ["Vorlage 22-0001: Haushalt", SENTENCE, GONE],
    ["Begründung: Die Mittel reichen nicht aus."],
    [ANNEX],
]
NEW = [
    ["Vorlage 22-0001: Haushalt (neue Fassung)", "Ein neuer Absatz erklärt die Lage ausführlich."],
    ["Begründung: Die Mittel reichen nicht aus.", "Nachtrag:", SENTENCE],
    [ANNEX],
]


def make_pdf(pages: list[list[str]], top: float = 100.0) -> bytes:
    doc = pymupdf.open()
    for lines in pages:
        page = doc.new_page()
        for n, line in enumerate(lines):
            page.insert_text((72, top + 40 * n), line, fontsize=11)
    data: bytes = doc.tobytes()
    doc.close()
    return data


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    paths = data_paths(tmp_path / "client")
    paths.root.mkdir(parents=True)
    db = open_database(paths.database, os.urandom(32), create=True)
    with db.transaction() as conn:
        put_state(conn, "account", json.dumps({"id": int(ME), "username": "member"}))
    opened = Store(paths, db, Vault(paths.vault, os.urandom(32)))
    try:
        yield opened
    finally:
        opened.close()


def put_file(
    store: Store, file_id: str, data: bytes, *, supersedes: str | None = None, index: bool = True
) -> str:
    """A downloaded PDF (a new content of an existing one when it is there), indexed unless not."""
    sha = hashlib.sha256(data).hexdigest()
    obj = {"id": int(file_id), "file_name": f"{file_id}.pdf", "mime_type": "application/pdf", "sha256": sha}
    if supersedes is not None:
        obj["supersedes_id"] = int(supersedes)
    conn = store.db.conn
    row = conn.execute("SELECT vault_version FROM file WHERE id = ?", (file_id,)).fetchone()
    version = 1 if row is None else int(row[0]) + 1
    store.vault.put(file_id, version, data)
    with store.db.transaction():
        conn.execute(
            "INSERT INTO object (type, id, data, modified) VALUES ('file', ?, ?, '') ON CONFLICT (type, id)"
            " DO UPDATE SET data = excluded.data",
            (file_id, json.dumps(obj)),
        )
        conn.execute(
            "INSERT INTO file (id, sha256, size, state, received, vault_version)"
            " VALUES (?, ?, ?, 'complete', ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size,"
            " received = excluded.received, vault_version = excluded.vault_version",
            (file_id, sha, len(data), len(data), version),
        )
    if index:
        index_file(store, file_id, data)
    return sha


def index_file(store: Store, file_id: str, data: bytes) -> None:
    result = extract_in_process(data)
    assert result.ok
    TextIndex(store.db.conn).add_pages(file_id, result.pages, hashlib.sha256(data).hexdigest())


def page_words(data: bytes, page: int) -> PageWords:
    with DocumentWords(data) as doc:
        read = doc.words(page)
    assert read is not None
    return PageWords("", page, read[0], tuple(Word(*w) for w in read[1]))


def highlight(
    store: Store, file_id: str, data: bytes, page: int, quote: str, author: str | None = None
) -> Annotation:
    """A highlight over the words of ``quote`` as the viewer makes it (words of the page, its text)."""
    words = page_words(data, page)
    at = words.text.index(quote)
    chosen = [i for i, w in enumerate(words.words) if at <= w.start < at + len(quote)]
    return made(store, data, author, kind=Kind.HIGHLIGHT, page=page, file_id=file_id, **markup(words, chosen))


def note(store: Store, file_id: str, data: bytes, page: int, author: str | None = None) -> Annotation:
    text = page_words(data, page).text
    values = {"rect": (72.0, 72.0, 92.0, 92.0), "text": "Rückfrage", "page_text_hash": page_text_hash(text)}
    return made(store, data, author, kind=Kind.NOTE, page=page, file_id=file_id, **values)


def made(store: Store, data: bytes, author: str | None, **values: Any) -> Annotation:
    """A record by ``author`` (default: the signed-in user) on the content ``data``, saved."""
    record = create(
        device_id(store.db),
        author_id=author or account_user_id(store) or ME,
        file_sha256=hashlib.sha256(data).hexdigest(),
        **values,
    )
    return save(store, record)


def save(store: Store, record: Annotation) -> Annotation:
    """Saved as made here when by the signed-in user, else as someone else's from the feed."""
    user = account_user_id(store)
    notes = AnnotationStore(store.db, user_id=user)
    if record.author_id == user:
        return notes.save(record)
    return notes.apply_remote(record, 1, server_id=99)


def notes(store: Store) -> AnnotationStore:
    return AnnotationStore(store.db, user_id=ME)


def word_box(data: bytes, page: int, quote: str) -> tuple[float, float, float, float]:
    doc = pymupdf.open(stream=data, filetype="pdf")
    try:
        [rect] = doc.load_page(page).search_for(quote)
        return rect.x0, rect.y0, rect.x1, rect.y1
    finally:
        doc.close()


def outbox(store: Store) -> list[str]:
    return [e.target_id for e in notes(store).pending_outbox()]


def test_a_new_version_takes_the_annotations_with_their_words(store: Store) -> None:
    old, new = make_pdf(OLD), make_pdf(NEW, top=150.0)
    put_file(store, "10", old)
    mark = highlight(store, "10", old, 0, QUOTE)
    lost = highlight(store, "10", old, 0, "Tagesordnung wird festgestellt")
    changed_page = note(store, "10", old, 0)
    same_page = note(store, "10", old, 2)
    theirs = highlight(store, "10", old, 0, QUOTE, author=THEM)
    new_sha = put_file(store, "11", new, supersedes="10")
    before = outbox(store)

    report = reanchor_replaced(store, now="2026-12-01T12:00:00Z")

    assert (report.moved, report.attention, report.waiting, report.failed) == (4, 2, 0, [])
    assert report.files == {"10", "11"}
    moved = {a.id: a for a in notes(store).list_for_file("11")}
    hit = moved[mark.id]
    assert (hit.file_id, hit.file_sha256, hit.page, hit.attention) == ("11", new_sha, 1, False)
    assert hit.quote is not None and hit.quote.exact == QUOTE and hit.modified == "2026-12-01T12:00:00Z"
    [quad] = hit.quads
    box = word_box(new, 1, QUOTE)
    assert (quad[0], quad[1], quad[6], quad[7]) == pytest.approx(box, abs=1.0)  # the same words, moved
    assert quad[1] > mark.quads[0][1] + 40  # lower on the page than before
    assert hit.page_text_hash == page_text_hash(page_words(new, 1).text)
    # a quote that vanished: moved, flagged, kept as it was
    assert moved[lost.id].attention and moved[lost.id].quads == lost.quads and moved[lost.id].page == 0
    assert moved[changed_page.id].attention and not moved[same_page.id].attention
    assert moved[same_page.id].rect == same_page.rect and moved[same_page.id].page == 2
    # others' annotations stay where they are (their author's device moves them), not queued
    assert notes(store).get(theirs.id) == theirs and theirs.id not in outbox(store)
    # each move is queued for the server and the other devices
    assert sorted(outbox(store)) == sorted(before) and len(before) == 4
    assert {e.record.file_id for e in notes(store).pending_outbox()} == {"11"}

    again = reanchor_replaced(store)  # idempotent
    assert (again.moved, again.attention, again.waiting) == (0, 0, 0)
    assert {a.id: a for a in notes(store).list_for_file("11")} == moved


def test_a_version_not_downloaded_or_indexed_yet_is_waited_for(store: Store) -> None:
    old, new, newest = make_pdf(OLD), make_pdf(NEW), make_pdf(NEW, top=300.0)
    put_file(store, "10", old)
    mark = highlight(store, "10", old, 0, QUOTE)
    put_file(store, "11", new, supersedes="10", index=False)
    report = reanchor_replaced(store)
    assert (report.moved, report.waiting) == (0, 1)
    assert notes(store).get(mark.id) == mark
    index_file(store, "11", new)
    # a third version arrives, not indexed: the annotation goes to the newest ready one meanwhile
    put_file(store, "12", newest, supersedes="11", index=False)
    report = reanchor_replaced(store)
    assert (report.moved, report.attention) == (1, 0)
    assert notes(store).get(mark.id).file_id == "11"  # type: ignore[union-attr]
    index_file(store, "12", newest)
    assert reanchor_replaced(store).moved == 1
    moved = notes(store).get(mark.id)
    assert moved is not None and (moved.file_id, moved.page, moved.attention) == ("12", 1, False)
    assert moved.quads[0][1] == pytest.approx(word_box(newest, 1, QUOTE)[1], abs=1.0)
    assert reanchor_replaced(store).moved == 0


def test_content_replaced_under_the_same_file_id_is_reanchored_in_place(store: Store) -> None:
    old, new = make_pdf(OLD), make_pdf(NEW, top=150.0)
    put_file(store, "10", old)
    mark = highlight(store, "10", old, 0, QUOTE)
    kept = note(store, "10", old, 2)
    # made where the file's content was not known: only its page-text hash tells
    unknown = save(store, create("dev-a", file_id="10", kind=Kind.INK, page=1, author_id=ME,
                                 strokes=(((1.0, 1.0, None),),),
                                 page_text_hash=page_text_hash(page_words(old, 1).text)))  # fmt: skip
    blank = save(store, create("dev-a", file_id="10", kind=Kind.INK, page=0, author_id=ME,
                               strokes=(((1.0, 1.0, None),),)))  # fmt: skip
    assert reanchor_replaced(store).moved == 0  # nothing changed yet
    # new content downloaded but not indexed yet: waits
    row = store.db.conn.execute("SELECT vault_version FROM file WHERE id = '10'").fetchone()
    new_sha = put_file(store, "10", new, index=False)
    assert store.db.conn.execute("SELECT vault_version FROM file WHERE id = '10'").fetchone()[0] == row[0] + 1
    report = reanchor_replaced(store)
    assert (report.moved, report.waiting) == (0, 2)
    index_file(store, "10", new)
    report = reanchor_replaced(store)
    assert (report.moved, report.attention, report.files) == (3, 1, {"10"})
    hit = notes(store).get(mark.id)
    assert hit is not None and (hit.file_id, hit.file_sha256, hit.page, hit.attention) == (
        "10",
        new_sha,
        1,
        False,
    )
    assert (hit.quads[0][0], hit.quads[0][1]) == pytest.approx(word_box(new, 1, QUOTE)[:2], abs=1.0)
    assert not notes(store).get(kept.id).attention  # type: ignore[union-attr]
    assert notes(store).get(unknown.id).attention  # type: ignore[union-attr]
    assert notes(store).get(blank.id) == blank  # nothing tells what it was made on: left alone
    assert json.loads(store.state(CHECKED_KEY) or "") == {"10": new_sha}  # not compared again
    assert reanchor_replaced(store).moved == 0


def test_nothing_without_a_signed_in_user_and_an_unreadable_copy_is_tried_again(store: Store) -> None:
    old, new = make_pdf(OLD), make_pdf(NEW)
    put_file(store, "10", old)
    mark = highlight(store, "10", old, 0, QUOTE)
    put_file(store, "11", new, supersedes="10")
    store.vault.delete("11", 1)  # the copy went missing (the index still holds its text)
    report = reanchor_replaced(store)
    assert report.moved == 0 and [f for f, _ in report.failed] == ["10"]
    assert notes(store).get(mark.id) == mark  # nothing half done
    store.set_state("account", None)
    put_file(store, "11", new, supersedes="10")
    assert reanchor_replaced(store).moved == 0
    assert reanchor_replaced(store, user_id=ME).moved == 1
