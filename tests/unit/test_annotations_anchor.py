"""Re-anchoring text markup on a new version of a document by its normalised text quote."""

from __future__ import annotations

import pytest

from gremalda.core.annotations.anchor import PageTexts, find_quote, page_text_hash, quote_at, reanchor
from gremalda.core.annotations.merge import create, merge
from gremalda.core.annotations.records import Annotation, Kind, TextQuote

QUAD = (10.0, 20.0, 110.0, 20.0, 10.0, 32.0, 110.0, 32.0)
OLD = "Der Rat beschließt die Änderung der Gebührensatzung für die Straßenreinigung."


def markup(text: str = OLD, exact: str = "Änderung der Gebührensatzung", page: int = 0) -> Annotation:
    start = text.index(exact)
    return create(
        "dev-a",
        file_id="v1",
        kind=Kind.HIGHLIGHT,
        page=page,
        author_id="u1",
        quads=(QUAD,),
        quote=quote_at(text, start, start + len(exact)),
        page_text_hash=page_text_hash(text),
    )


@pytest.mark.parametrize(
    "page",
    [
        "Der Rat beschliesst die AENDERUNG der Gebuehrensatzung fuer die Strassenreinigung.",
        "Der Rat beschließt die Ände-\nrung der Gebühren-\nsatzung für die Straßenreinigung.",
        "Der  Rat\nbeschließt die Änderung\u00adder Gebührensatzung für die Straßenreinigung.",
        "Der Rat beschließt die Änderung der Gebühren\u00adsatzung für die Straßenreinigung.",
    ],
)
def test_the_quote_is_found_despite_german_spelling_case_and_line_breaks(page: str) -> None:
    record = markup()
    assert record.quote is not None
    match = find_quote(record.quote, ["Deckblatt", page])
    assert match is not None and match.page == 1
    found = page[match.start : match.end]
    assert found.lower().startswith(("änd", "aend")) and found.endswith("satzung")


def test_context_picks_the_right_occurrence_then_the_nearest_page() -> None:
    quote = TextQuote("Antrag", prefix="zweiter ", suffix=" der SPD")
    pages = ["erster Antrag der CDU", "kein Treffer", "zweiter Antrag der SPD", "zweiter Antrag der SPD"]
    assert find_quote(quote, pages) == find_quote(quote, PageTexts(pages))
    match = find_quote(quote, pages, near=3)
    assert match is not None and match.page == 3 and pages[3][match.start : match.end] == "Antrag"
    assert find_quote(quote, pages, near=0).page == 2  # type: ignore[union-attr]


def test_a_quote_must_start_and_end_on_word_boundaries() -> None:
    assert find_quote(TextQuote("Rat"), ["Der Beirat tagt"]) is None
    assert find_quote(TextQuote("Rat"), ["Der Beirat tagt", "Der Rat tagt"]).page == 1  # type: ignore[union-attr]
    assert find_quote(TextQuote("!!"), ["!!"]) is None


def test_reanchor_moves_found_markup_with_new_geometry_and_anchor() -> None:
    record = markup()
    new_page = "Neu: Der Rat beschliesst die Änderung der Gebührensatzung 2027 für die Straßenreinigung."
    moved = reanchor(
        record, ["", new_page], "dev-b", file_id="v2", file_sha256="c" * 64, locate=lambda p, s, e: [QUAD]
    )
    assert (moved.file_id, moved.file_sha256, moved.page, moved.attention) == ("v2", "c" * 64, 1, False)
    assert moved.quote is not None and moved.quote.exact == "Änderung der Gebührensatzung"
    assert moved.quote.suffix.startswith(" 2027") and moved.page_text_hash == page_text_hash(new_page)
    assert moved.clocks["placement"].device == "dev-b" and moved.clocks["colour"] == record.clocks["colour"]
    assert merge(record, moved) == merge(moved, record) == moved


def test_reanchor_without_geometry_keeps_an_unchanged_page_and_flags_a_changed_one() -> None:
    record = markup()
    same = reanchor(record, [OLD.replace(" ", "  ")], "dev-a", file_id="v2", file_sha256=None)
    assert not same.attention and same.page == 0 and same.quads == record.quads
    elsewhere = reanchor(record, ["x", OLD], "dev-a", file_id="v2", file_sha256=None)
    assert elsewhere.attention and elsewhere.page == 0 and elsewhere.file_id == "v2"


def test_reanchor_flags_what_it_cannot_find_and_never_drops_it() -> None:
    record = markup()
    lost = reanchor(record, ["Ganz anderer Text."], "dev-a", file_id="v2", file_sha256=None)
    assert lost.attention and lost.alive and lost.quads == record.quads and lost.quote == record.quote
    note = create(
        "dev-a",
        file_id="v1",
        kind=Kind.NOTE,
        page=0,
        author_id="u1",
        rect=(0.0, 0.0, 9.0, 9.0),
        page_text_hash=page_text_hash(OLD),
    )
    assert not reanchor(note, [OLD], "dev-a", file_id="v2", file_sha256=None).attention
    assert reanchor(note, ["anders"], "dev-a", file_id="v2", file_sha256=None).attention
    assert reanchor(note, [], "dev-a", file_id="v2", file_sha256=None).attention
