"""Authoring helpers (gremalda.core.annotations.authoring): word selection to quads and quotes, ink
simplification, hit testing, moving — on hand-made words and on the words the render workers give for
real PDFs (whose page text must be the text the indexer stores)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gremalda.core.annotations import merge
from gremalda.core.annotations.anchor import find_quote, page_text_hash
from gremalda.core.annotations.authoring import (
    bounds,
    distance,
    hit,
    hits_along,
    invert,
    markup,
    moved,
    nearest_word,
    quads,
    select_words,
    simplify,
    stroke,
    transform,
)
from gremalda.core.annotations.records import Annotation, Kind
from gremalda.pdf.extract import extract_in_process
from gremalda.pdf.render import PageWords, Renderer, Word

PDF_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pdf"
DEVICE = "device-a"
WAIT = 300  # s for a worker's answer: it comes at once when things work; generous for a loaded CI machine


def _line(text: str, y: float, block: int, line: int, start: int, x: float = 72.0) -> list[Word]:
    """Words of one line, 6 points per character, a space of 6 points between them."""
    out = []
    offset = start
    for word in text.split(" "):
        out.append(Word(x, y, x + 6 * len(word), y + 12, word, block, line, offset, offset + len(word)))
        x += 6 * (len(word) + 1)
        offset += len(word) + 1
    return out


TEXT = "Der Rat beschließt\nden Haushaltsplan 2027\nmit Änderungen.\n"
WORDS = tuple(
    _line("Der Rat beschließt", 100, 0, 0, 0)
    + _line("den Haushaltsplan 2027", 114, 0, 1, 19)
    + _line("mit Änderungen.", 128, 0, 2, 42)
)
PAGE = PageWords("doc", 0, TEXT, WORDS)


def _record(kind: Kind, **values: object) -> Annotation:
    return merge.create(DEVICE, file_id="7", kind=kind, page=0, author_id="1", **values)  # type: ignore[arg-type]


def test_offsets_of_the_hand_made_words_point_into_the_text() -> None:
    assert all(TEXT[w.start : w.end] == w.text for w in WORDS)


def test_nearest_word_prefers_the_line_beside_the_point() -> None:
    assert nearest_word(WORDS, 80, 105) == 0  # on "Der"
    assert nearest_word(WORDS, 400, 106) == 2  # right of the first line's end: "beschließt"
    assert nearest_word(WORDS, 400, 500, reach=40) is None


def test_selection_snaps_to_whole_words_across_lines_and_either_direction() -> None:
    # from the middle of "Rat" to the middle of "Haushaltsplan"
    forward = select_words(WORDS, (100, 105), (130, 118))
    backward = select_words(WORDS, (130, 118), (100, 105))
    assert forward == backward == range(1, 5)
    values = markup(PAGE, forward)
    assert values["quote"].exact == "Rat beschließt\nden Haushaltsplan"
    assert values["quote"].prefix == "Der "
    assert values["quote"].suffix.startswith(" 2027")
    assert values["page_text_hash"] == page_text_hash(TEXT)
    assert len(values["quads"]) == 2  # one per line run
    first, second = values["quads"]
    assert first[:2] == (WORDS[1].x0, 100) and first[6:] == (WORDS[2].x1, 112)
    assert second[:2] == (WORDS[3].x0, 114) and second[6:] == (WORDS[4].x1, 126)
    record = _record(Kind.HIGHLIGHT, **values)
    match = find_quote(record.quote, [TEXT])  # type: ignore[arg-type]
    assert match is not None and TEXT[match.start : match.end] == values["quote"].exact


def test_markup_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="no words"):
        markup(PAGE, [])
    assert select_words(WORDS, (500, 500), (600, 600)) == range(0)


def test_quads_split_runs_that_are_not_consecutive() -> None:
    assert len(quads(WORDS, [0, 2])) == 2  # a gap on one line: two runs


def test_matrix_inverse() -> None:
    rotated = (0.0, 1.0, -1.0, 0.0, 841.89, 0.0)  # PyMuPDF's rotation matrix of a page turned by 90°
    x, y = transform(rotated, 100.0, 50.0)
    assert transform(invert(rotated), x, y) == pytest.approx((100.0, 50.0))
    with pytest.raises(ValueError, match="inverted"):
        invert((0.0, 0.0, 0.0, 0.0, 0.0, 0.0))


def test_simplify_keeps_corners_and_pressure_and_drops_collinear_points() -> None:
    line = [(float(i), 0.0, 0.5) for i in range(50)] + [(49.0, float(i), 0.5) for i in range(1, 50)]
    result = simplify(line, 0.35)
    assert result == ((0.0, 0.0, 0.5), (49.0, 0.0, 0.5), (49.0, 49.0, 0.5))
    pressed = [(float(i), 0.0, 0.2 + 0.6 * math.sin(math.pi * i / 20)) for i in range(21)]
    kept = simplify(pressed, 0.35)
    assert len(kept) > 2 and max(p[2] or 0 for p in kept) > 0.7  # the hard press in the middle stays


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 500), st.floats(0, 800), st.one_of(st.none(), st.floats(0, 1))),
        min_size=1,
        max_size=200,
    )
)
def test_simplified_stroke_stays_within_the_tolerance(
    points: list[tuple[float, float, float | None]],
) -> None:
    result = stroke(points, 0.5)
    assert result and result[0][:2] == points[0][:2] and result[-1][:2] == points[-1][:2]
    assert set(result) <= {(x, y, p) for x, y, p in points}
    for x, y, _ in points:  # every drawn point lies near the simplified line
        polyline = _record(Kind.INK, strokes=(result,), width=0.01)
        assert distance(polyline, x, y) <= 0.5 + 1e-6


def test_stroke_cleans_its_input() -> None:
    result = stroke([(1.0, 1.0, 1.5), (1.0, 1.0, 0.3), (math.nan, 2.0, None), (5.0, 5.0, -1.0)])
    assert result == ((1.0, 1.0, 1.0), (5.0, 5.0, 0.0))


def test_hit_testing_by_kind() -> None:
    ink = _record(Kind.INK, strokes=(((100.0, 100.0, None), (200.0, 100.0, None)),), width=2.0)
    note = _record(Kind.NOTE, rect=(300.0, 300.0, 320.0, 320.0), point=(300.0, 300.0), text="Frage")
    mark = _record(Kind.HIGHLIGHT, **markup(PAGE, range(0, 2)))
    everything = [ink, note, mark]
    assert hit(everything, 0, 150, 101.5) is ink  # on the pen's width
    assert hit(everything, 0, 150, 106, tolerance=3) is None  # 5 points beside it
    assert distance(ink, 150, 110) == pytest.approx(9.0)
    assert hit(everything, 0, 310, 310) is note
    assert hit(everything, 0, 80, 105) is mark
    assert hit(everything, 1, 80, 105) is None  # another page
    gone = merge.delete(note, DEVICE)
    assert hit([gone], 0, 310, 310) is None


def test_eraser_drag_finds_what_it_crosses() -> None:
    ink = _record(Kind.INK, strokes=(((100.0, 100.0, None), (200.0, 100.0, None)),), width=1.0)
    other = _record(Kind.INK, strokes=(((100.0, 300.0, None), (200.0, 300.0, None)),), width=1.0)
    # a fast drag: two points far apart, crossing the first stroke between them
    assert hits_along([ink, other], 0, [(150.0, 50.0), (150.0, 150.0)]) == [ink]
    assert hits_along([ink, other], 0, []) == []


def test_moving_translates_every_kind_of_geometry() -> None:
    ink = _record(Kind.INK, strokes=(((100.0, 100.0, 0.5), (200.0, 100.0, None)),))
    note = _record(Kind.NOTE, rect=(300.0, 300.0, 320.0, 320.0), point=(300.0, 300.0))
    mark = _record(Kind.UNDERLINE, **markup(PAGE, range(0, 1)))
    assert moved(ink, 10, -5) == {"strokes": (((110.0, 95.0, 0.5), (210.0, 95.0, None)),)}
    assert moved(note, 1, 2) == {"rect": (301.0, 302.0, 321.0, 322.0), "point": (301.0, 302.0)}
    shifted = merge.edit(mark, DEVICE, **moved(mark, 5, 5))
    assert bounds(shifted) == pytest.approx(tuple(v + 5 for v in bounds(mark)))


# --- the words of real PDFs, from the render workers ---------------------------------------------------


@pytest.fixture(scope="module")
def renderer() -> Iterator[Renderer]:
    if not PDF_DIR.is_dir():
        pytest.skip(f"sample PDF folder {PDF_DIR} is absent")
    with Renderer(workers=1) as r:
        yield r


@pytest.mark.parametrize("name", ["pdflatex-4-pages.pdf", "habibi-rotated.pdf", "multicolumn.pdf"])
def test_worker_words_point_into_the_text_the_indexer_stores(renderer: Renderer, name: str) -> None:
    data = (PDF_DIR / name).read_bytes()
    info = renderer.open(name, data).result(timeout=WAIT)
    extracted = extract_in_process(data)
    for page, text in extracted.pages[:3]:
        words = renderer.words(name, page - 1).result(timeout=WAIT)  # the index counts pages from 1
        assert words.text == text
        assert words.words, f"{name} page {page} has words"
        assert all(text[w.start : w.end] == w.text for w in words.words if w.end > w.start)
        assert sum(w.end > w.start for w in words.words) >= 0.99 * len(words.words)
        values = markup(words, range(len(words.words)))
        assert values["page_text_hash"] == page_text_hash(text)
    renderer.close_document(name)
    assert info.ok


def test_rotated_page_reports_its_matrix(renderer: Renderer) -> None:
    info = renderer.open("rot", (PDF_DIR / "habibi-rotated.pdf").read_bytes()).result(timeout=WAIT)
    page = info.pages[0]
    assert page.width > page.height  # shown turned by 90°
    words = renderer.words("rot", 0).result(timeout=WAIT)
    for w in words.words:  # every word lands on the shown page through the matrix
        x, y = transform(page.matrix, (w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2)
        assert 0 <= x <= page.width and 0 <= y <= page.height
    renderer.close_document("rot")
