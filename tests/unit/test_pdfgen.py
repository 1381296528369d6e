# mypy: disable-error-code="no-untyped-call"
"""Generated demo PDFs: page counts, extractable German text, tables, pictures, outline, determinism."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pymupdf
import pytest

from sync.server.demo import names, pdfgen

BODY = "Bezirksversammlung Elbhausen"
TITLE = "Bebauungsplan Elbhausen 17 „Am Mühlenteich“ – Feststellungsbeschluss"
EURO = re.compile(r"(-?\d{1,3}(?:\.\d{3})*,\d{2}) €")
WHOLE_EURO = re.compile(r"-?\d{1,3}(?:\.\d{3})+")


def _open(data: bytes) -> pymupdf.Document:
    assert data.startswith(b"%PDF-")
    return pymupdf.open(stream=data, filetype="pdf")


def _text(doc: pymupdf.Document) -> str:
    return "".join(page.get_text() for page in doc.pages())


def _flat(text: str) -> str:
    """Whitespace-normalised text, so that titles wrapped over lines still match."""
    return " ".join(text.split())


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


def _assert_clean_layout(page: pymupdf.Page) -> None:
    """All text lies inside the printable area and no two text lines overlap."""
    width, height = page.rect.width, page.rect.height
    boxes = sorted(
        tuple(line["bbox"])
        for block in page.get_text("dict")["blocks"]
        if block["type"] == 0
        for line in block["lines"]
    )
    assert boxes, f"page {page.number + 1} has no text"
    for x0, y0, x1, y1 in boxes:
        assert x0 >= 40 and x1 <= width - 40, (page.number + 1, (x0, y0, x1, y1))
        assert y0 >= 20 and y1 <= height - 20, (page.number + 1, (x0, y0, x1, y1))
    by_top = sorted(boxes, key=lambda b: b[1])
    for i, a in enumerate(by_top):
        for b in by_top[i + 1 :]:
            if b[1] > a[3] - 1.5:  # starts below a (less than 1.5 pt of line-box overlap is fine)
                break
            overlap_w = min(a[2], b[2]) - max(a[0], b[0])
            assert overlap_w < 1, (page.number + 1, a, b)


def _paper(seed: int = 7, pages: int = 3, title: str = TITLE, paper_type: str = "Beschlussvorlage") -> bytes:
    return pdfgen.paper_pdf(
        title=title, reference="22-0345", paper_type=paper_type, body_name=BODY, seed=seed, pages=pages
    )


@pytest.fixture(scope="module")
def paper() -> Iterator[pymupdf.Document]:
    with _open(_paper()) as doc:
        yield doc


# --- Drucksachen -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("pages", [1, 2, 3, 5, 8])
def test_paper_has_exactly_the_requested_pages(pages: int) -> None:
    with _open(_paper(seed=pages, pages=pages)) as doc:
        assert doc.page_count == pages
        last = doc[-1].get_text()
        assert f"Seite {pages} von {pages}" in last
        assert "gez. " in last  # the signature closes the document on its last page


def test_paper_text_has_title_reference_type_and_umlauts(paper: pymupdf.Document) -> None:
    text = _text(paper)
    flat = _flat(text)
    assert TITLE in flat
    assert "22-0345" in text
    assert "Beschlussvorlage" in text
    assert BODY in text
    for ch in "äöüß„“–€":
        assert ch in text, ch
    assert any(ch in text for ch in "ÄÖÜ")
    for heading in pdfgen.SECTIONS["Beschlussvorlage"]:
        assert heading in text
    # the text layer maps glyphs back to the right characters, so search works too
    assert paper[0].search_for("Mühlenteich")


def test_paper_page_numbers_in_footer(paper: pymupdf.Document) -> None:
    for number, page in enumerate(paper.pages(), start=1):
        assert f"Seite {number} von {paper.page_count}" in page.get_text()
        assert "Beschlussvorlage 22-0345" in page.get_text()


def test_paper_contains_raster_images(paper: pymupdf.Document) -> None:
    images = [img for page in paper.pages() for img in page.get_images(full=True)]
    assert images
    xref = images[0][0]
    info = paper.extract_image(xref)
    assert info["width"] > 200 and info["height"] > 100
    # a Bebauungsplan also gets a site plan built from raw RGB samples
    assert len({img[0] for img in images}) == 2


def test_paper_cost_table_has_consistent_euro_amounts(paper: pymupdf.Document) -> None:
    page = next(p for p in paper.pages() if "Haushaltsjahr" in p.get_text())
    text = page.get_text()
    block = text[text.index("Haushaltsjahr") : text.index("Gesamt")]
    cells = [_amount(m) for m in EURO.findall(block)]
    total_text = EURO.findall(text[text.index("Gesamt") :])[:3]
    total = [_amount(m) for m in total_text]
    assert len(cells) % 3 == 0 and len(cells) >= 9
    rows = [cells[i : i + 3] for i in range(0, len(cells), 3)]
    for investive, consumptive, row_sum in rows:
        assert investive + consumptive == row_sum
    assert total == [sum(col, Decimal(0)) for col in zip(*rows, strict=True)]
    assert f"Kosten von insgesamt {total_text[2]} €" in _flat(_text(paper))
    # the table is drawn with real ruling lines: PyMuPDF's table finder sees its grid
    tables = page.find_tables().tables
    cost = [t for t in tables if t.col_count == 4 and t.row_count == len(rows) + 2]
    assert cost, [(t.row_count, t.col_count) for t in tables]


@pytest.mark.parametrize(
    ("seed", "pages", "paper_type", "title"),
    [
        (7, 3, "Beschlussvorlage", TITLE),
        (11, 2, "Antrag", "Tempo 30 vor Schulen und Kitas – Prüfergebnisse"),
        (12, 6, "Mitteilungsvorlage", "Öffnungszeiten des Kundenzentrums – Antrag der Fraktionen"),
        (13, 2, "Anlage", "Anlage 1 zu 22-0013: Lageplan und Kostenaufstellung"),
        (14, 2, "Aktenvermerk", "Leistungsverzeichnis – Dokument 1 (Fassung 2)"),
        (15, 4, "Stellungnahme", "Lärmaktionsplan Stufe 4 – Stellungnahme des Bezirks"),
        (16, 1, "Anfrage", "Integrationsmaßnahmen für Geflüchtete – Sachstandsbericht"),
        (17, 3, "Beschlussvorlage", "Personalangelegenheit – Besetzung der Leitung des Fachamts Stadt- und "
                                    "Landschaftsplanung mit einem sehr langen Titel, der umbrechen muss"),
    ],
)  # fmt: skip
def test_paper_layout_stays_on_the_page(seed: int, pages: int, paper_type: str, title: str) -> None:
    with _open(_paper(seed=seed, pages=pages, title=title, paper_type=paper_type)) as doc:
        assert doc.page_count == pages
        assert title in _flat(_text(doc))
        for heading in pdfgen.SECTIONS[paper_type]:
            assert heading in _text(doc)
        for page in doc.pages():
            _assert_clean_layout(page)


def test_paper_is_deterministic() -> None:
    first, second = _paper(seed=42), _paper(seed=42)
    assert first == second
    with _open(first) as a, _open(_paper(seed=43)) as b:
        assert _text(a) != _text(b)


def test_paper_rejects_zero_pages() -> None:
    with pytest.raises(ValueError, match="pages"):
        _paper(pages=0)


# --- Einladung -------------------------------------------------------------------------------------------


def _agenda(public: int, closed: int) -> list[tuple[str, str, bool]]:
    titles = names.FORMAL_ITEMS + names.PUBLIC_TOPICS
    items = [(str(i + 1), titles[i % len(titles)], True) for i in range(public)]
    items += [
        (f"N {i + 1}", names.NONPUBLIC_TOPICS[i % len(names.NONPUBLIC_TOPICS)], False) for i in range(closed)
    ]
    return items


def _invitation(agenda: list[tuple[str, str, bool]], seed: int = 3) -> bytes:
    return pdfgen.invitation_pdf(
        organization="Ausschuss für Planung und Bau",
        meeting_name="3. Sitzung Ausschuss für Planung und Bau 2026",
        start=datetime(2026, 4, 14, 18, 0),
        location=names.LOCATIONS[0],
        agenda=agenda,
        seed=seed,
    )


def test_invitation_lists_agenda_date_time_and_place() -> None:
    agenda = _agenda(12, 3)
    with _open(_invitation(agenda)) as doc:
        text = _text(doc)
        flat = _flat(text)
        assert "Einladung zur 3. Sitzung Ausschuss für Planung und Bau 2026" in flat
        assert "Dienstag, 14. April 2026, 18:00 Uhr" in flat
        assert names.LOCATIONS[0] in flat
        for number, title, _ in agenda:
            assert f"TOP {number}" in text
            assert title in flat
        assert "Öffentlicher Teil" in text
        assert "Nichtöffentlicher Teil" in text
        # the non-public items come after their heading, the public ones before it
        closed_at = flat.index("Nichtöffentlicher Teil")
        assert all(flat.index(t) > closed_at for _, t, public in agenda if not public)
        assert all(flat.index(t) < closed_at for _, t, public in agenda if public)
        for page in doc.pages():
            _assert_clean_layout(page)


def test_invitation_without_non_public_items_has_no_such_heading() -> None:
    with _open(_invitation(_agenda(8, 0))) as doc:
        text = _text(doc)
        assert "Öffentlicher Teil" in text
        assert "Nichtöffentlicher Teil" not in text


def test_long_invitation_spans_several_pages() -> None:
    agenda = _agenda(70, 6)
    with _open(_invitation(agenda)) as doc:
        assert doc.page_count >= 3
        flat = _flat(_text(doc))
        for _, title, _ in agenda:
            assert title in flat
        for number, page in enumerate(doc.pages(), start=1):
            assert f"Seite {number} von {doc.page_count}" in page.get_text()
            _assert_clean_layout(page)


def test_invitation_is_deterministic() -> None:
    agenda = _agenda(10, 2)
    assert _invitation(agenda, seed=5) == _invitation(agenda, seed=5)


# --- Haushaltsplan ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full_budget() -> Iterator[tuple[pymupdf.Document, int]]:
    data = pdfgen.budget_plan_pdf(body_name=BODY, year=2027, pages=820)
    with _open(data) as doc:
        yield doc, len(data)


@pytest.mark.slow
def test_full_budget_plan_has_820_pages_and_an_outline(
    full_budget: tuple[pymupdf.Document, int],
) -> None:
    doc, size = full_budget
    assert doc.page_count == 820
    toc = doc.get_toc()
    groups = [title for level, title, _ in toc if level == 1 and title.startswith("Produktgruppe")]
    assert groups == [f"Produktgruppe {number} {name}" for number, name, _ in pdfgen.PRODUCT_GROUPS]
    assert "Produktgruppe 36 Kinder-, Jugend- und Familienhilfe" in groups
    products = [title for level, title, _ in toc if level == 2]
    assert len(products) == sum(len(p) for _, _, p in pdfgen.PRODUCT_GROUPS)
    pages = [page for _, _, page in toc]
    assert pages == sorted(pages) and pages[0] >= 1 and pages[-1] <= 820
    # every outline entry points at the page that carries its heading
    for _, title, page in toc[3:]:
        heading = title.removeprefix("Produktgruppe ").removeprefix("Produkt ")
        assert heading.split(" ", 1)[1] in _flat(doc[page - 1].get_text()), (title, page)
    assert size < 8_000_000


@pytest.mark.slow
def test_full_budget_plan_reuses_its_chart_images(full_budget: tuple[pymupdf.Document, int]) -> None:
    doc, _ = full_budget
    placements = [img[0] for page in doc.pages() for img in page.get_images()]
    assert len(placements) > 50
    assert len(set(placements)) <= 4  # the same few pictures, stored once each


@pytest.mark.slow
def test_full_budget_plan_pages_look_right(full_budget: tuple[pymupdf.Document, int]) -> None:
    doc, _ = full_budget
    for number in (0, 1, 5, 9, 10, 11, 12, 13, 15, 17, 400, 819):
        page = doc[number]
        _assert_clean_layout(page)
        assert f"Seite {number + 1} von 820" in page.get_text()


@pytest.fixture(scope="module")
def budget40() -> Iterator[pymupdf.Document]:
    with _open(pdfgen.budget_plan_pdf(body_name=BODY, year=2027, pages=40, seed=3)) as doc:
        yield doc


def test_budget_plan_tables_text_and_charts(budget40: pymupdf.Document) -> None:
    doc = budget40
    assert doc.page_count == 40
    text = _text(doc)
    assert "Haushaltsplan-Entwurf" in text and "2027" in doc[0].get_text()
    assert "Inhaltsverzeichnis" in doc[1].get_text()
    for column in ("Ansatz 2027", "Ansatz 2026", "Ergebnis", "Plan 2028"):
        assert column in text
    assert "Ertrags- und Aufwandsarten" in text
    assert len(WHOLE_EURO.findall(text)) > 500
    assert "Beträge in Euro" in text
    for ch in "äöüß€":
        assert ch in text, ch
    assert any(ch in text for ch in "ÄÖÜ")
    assert any(page.get_images() for page in doc.pages())
    assert any("Erläuterungen zu Produkt" in page.get_text() for page in doc.pages())
    toc = doc.get_toc()
    assert [1, "Produktgruppe 11 Innere Verwaltung"] in [entry[:2] for entry in toc]
    for page in doc.pages():
        _assert_clean_layout(page)


def test_budget_plan_result_table_sums_add_up() -> None:
    writer = pdfgen._BudgetWriter(BODY, 2027, 1, 40)
    values = writer.result_values(0, 0, 0)
    rows = dict(zip((r[0] for r in pdfgen.RESULT_ROWS), values, strict=True))
    for column in range(5):
        income = sum(rows[n][column] for n in ("1", "2", "3", "4", "5", "6", "7", "8"))
        expense = sum(rows[n][column] for n in ("11", "12", "13", "14", "15", "16"))
        assert rows["10"][column] == pytest.approx(income)
        assert rows["17"][column] == pytest.approx(expense)
        assert rows["18"][column] == pytest.approx(income + expense)
        assert rows["29"][column] == pytest.approx(
            rows["26"][column] + rows["27"][column] + rows["28"][column]
        )
        assert expense <= 0 <= income


@pytest.mark.parametrize("pages", [1, 2, 3, 4, 7, 12, 25, 61])
def test_budget_plan_has_exactly_the_requested_pages(pages: int) -> None:
    with _open(pdfgen.budget_plan_pdf(body_name=BODY, year=2030, pages=pages)) as doc:
        assert doc.page_count == pages
        assert "Haushaltsplan-Entwurf" in doc[0].get_text()
        assert f"Seite {pages} von {pages}" in doc[-1].get_text()
        if pages >= 4:
            assert any(level == 1 and title.startswith("Produktgruppe") for level, title, _ in doc.get_toc())


def test_budget_plan_is_deterministic(budget40: pymupdf.Document) -> None:
    with _open(pdfgen.budget_plan_pdf(body_name=BODY, year=2027, pages=40, seed=3)) as again:
        assert [p.get_text() for p in again.pages()] == [p.get_text() for p in budget40.pages()]
    with _open(pdfgen.budget_plan_pdf(body_name=BODY, year=2027, pages=40, seed=4)) as other:
        assert _text(other) != _text(budget40)


# --- Scan ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pages", [1, 2, 3])
def test_scan_has_images_but_no_text(pages: int) -> None:
    with _open(pdfgen.scanned_pdf(title="Stellungnahme zu 22-0029", seed=29, pages=pages)) as doc:
        assert doc.page_count == pages
        for page in doc.pages():
            assert page.get_text().strip() == ""
            images = page.get_images()
            assert len(images) == 1
            (rect,) = page.get_image_rects(images[0][0])
            assert tuple(rect) == pytest.approx(tuple(page.rect), abs=1)  # the picture fills the whole page
            info = doc.extract_image(images[0][0])
            assert info["width"] >= 800 and info["height"] >= 1100  # about 100 dpi
        assert not doc[0].get_fonts()


def test_scan_is_deterministic() -> None:
    first = pdfgen.scanned_pdf(title="Stellungnahme zu 22-0058", seed=58)
    assert first == pdfgen.scanned_pdf(title="Stellungnahme zu 22-0058", seed=58)
    assert first != pdfgen.scanned_pdf(title="Stellungnahme zu 22-0058", seed=59)
