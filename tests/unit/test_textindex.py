"""The full-text index: German normalisation, search, snippets, safety against FTS5 syntax in queries.

Runs on a real SQLCipher database opened with a random key (no keyring needed)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gremalda.store.database import ReplicaDatabase, open_database
from gremalda.store.textindex import TextIndex, fts_query, normalise, normalise_word


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ReplicaDatabase]:
    with open_database(tmp_path / "replica.db", os.urandom(32), create=True) as database:
        yield database


def _index(db: ReplicaDatabase, pages: dict[str, list[str]]) -> TextIndex:
    index = TextIndex(db.conn)
    for file_id, texts in pages.items():
        db.conn.execute("INSERT INTO file (id) VALUES (?)", (file_id,))
        index.add_pages(file_id, enumerate(texts))
    return index


def _found(index: TextIndex, query: str) -> set[str]:
    return {hit.file_id for hit in index.search(query, 50)}


# --- normalisation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spellings",
    [
        ["Straße", "Strasse", "STRASSE", "strasse", "STRAẞE"],
        ["Größe", "Groesse", "grosse", "GRÖSSE", "GROESSE"],
        ["Übung", "Uebung", "ubung", "ÜBUNG", "UEBUNG"],
        ["Müller", "Mueller", "MÜLLER", "Muller"],
        ["Äpfel", "Aepfel", "Apfel"],
        ["Goethe", "Göthe"],
        ["Säule", "Saeule"],
        ["Bäuerin", "Baeuerin"],
        ["café", "Cafe", "CAFÉ"],
        ["ﬁnal", "final"],
        ["Stra\u00adße", "Straße"],  # a soft hyphen inside the word
    ],
)
def test_spellings_meet(spellings: list[str]) -> None:
    assert len({normalise_word(word) for word in spellings}) == 1, {w: normalise_word(w) for w in spellings}


@pytest.mark.parametrize(
    ("word", "normalised"),
    [
        ("Feuer", "feuer"),  # ue after a vowel is not an umlaut
        ("neue", "neue"),
        ("Mauer", "mauer"),
        ("Steuer", "steuer"),
        ("Quelle", "quelle"),  # nor after q
        ("Frequenz", "frequenz"),
        ("Straße", "strasse"),
        ("Größe", "grosse"),
        ("Übung", "ubung"),
        ("2024", "2024"),
        ("§", ""),
    ],
)
def test_normalise_word(word: str, normalised: str) -> None:
    assert normalise_word(word) == normalised


def test_normalise_text() -> None:
    assert normalise("Der Straßen-Ausbau (1.000,50 €) — GRÖSSE!") == "der strassen ausbau 1 000 50 grosse"
    assert normalise("") == "" and normalise(" -- ") == ""


def test_query_is_quoted() -> None:
    assert fts_query("Straße") == '"strasse"*'  # a word typed without quotes is a prefix
    assert fts_query('"Straße"') == '"strasse"'
    assert fts_query("Straßen-Ausbau") == '("strassen ausbau"* OR "strassenausbau"*)'
    assert fts_query('"neue Straße" Größ*') == '"neue strasse" AND "gross"*'
    assert (
        fts_query('NEAR("a" b) AND c OR ^d') == '"near"* AND "a" AND "b" AND "and"* AND "c" AND "or" AND "d"'
    )
    assert fts_query("EU 2025 1.000,50") == '"eu" AND "2025" AND "1 000 50"'  # short words, numbers: whole
    assert fts_query('" * ( ) : ^ + -') == ""


# --- search ----------------------------------------------------------------------------------------------

GERMAN = {
    "eszett": ["Die Straße wird zum 1. Mai gesperrt."],
    "ss": ["Anlieger der Strasse werden informiert."],
    "caps": ["BEKANNTMACHUNG: STRASSE GESPERRT"],
    "umlaut": ["Die Größe der Fläche beträgt 1.000,50 m²."],
    "digraph": ["Die Groesse der Flaeche ist unveraendert."],
    "plain": ["Eine grosse Mehrheit stimmte zu."],
    "uebung": ["Die Übung der Feuerwehr findet statt.", "Nächste Uebung im Juni; eine ubung ohne Umlaut."],
    "hyphen": ["Der Straßen-Ausbau der Hauptstraße beginnt.", "Siehe Verwaltungs-\nvorschrift Nr. 3."],
    "compound": ["Beim Straßenausbau gilt die Verwaltungsvorschrift."],
    "other": ["Haushaltsplan 2025, Einzelplan 3, Produktgruppe 12."],
}


@pytest.mark.parametrize("query", ["Straße", "Strasse", "STRASSE", "strasse", "straße"])
def test_eszett(db: ReplicaDatabase, query: str) -> None:
    index = _index(db, GERMAN)
    assert _found(index, f'"{query}"') == {"eszett", "ss", "caps"}
    assert _found(index, query) == {"eszett", "ss", "caps", "hyphen", "compound"}  # and Straßen(-)ausbau


@pytest.mark.parametrize("query", ["Größe", "Groesse", "grosse", "GRÖSSE", "groeße"])
def test_umlaut_and_transliteration(db: ReplicaDatabase, query: str) -> None:
    assert _found(_index(db, GERMAN), query) == {"umlaut", "digraph", "plain"}


@pytest.mark.parametrize("query", ["Übung", "Uebung", "ubung", "UEBUNG"])
def test_uebung(db: ReplicaDatabase, query: str) -> None:
    hits = _index(db, GERMAN).search(query)
    assert {(hit.file_id, hit.page) for hit in hits} == {("uebung", 0), ("uebung", 1)}


@pytest.mark.parametrize("query", ["Straßenausbau", "Straßen-Ausbau", "strassen-ausbau", "STRASSENAUSBAU"])
def test_hyphenated_and_compound_meet(db: ReplicaDatabase, query: str) -> None:
    assert _found(_index(db, GERMAN), query) == {"hyphen", "compound"}


def test_line_break_hyphenation(db: ReplicaDatabase) -> None:
    index = _index(db, GERMAN)
    assert _found(index, "Verwaltungsvorschrift") == {"hyphen", "compound"}
    hit = next(hit for hit in index.search("Verwaltungsvorschrift") if hit.file_id == "hyphen")
    assert hit.page == 1 and hit.snippet == "Siehe ⟦Verwaltungs⟧- ⟦vorschrift⟧ Nr. 3."


def test_parts_of_a_hyphenated_word(db: ReplicaDatabase) -> None:
    index = _index(db, GERMAN)
    assert _found(index, "Ausbau") == {"hyphen"}  # "Straßenausbau" is one word: no compound splitting
    assert _found(index, '"Straßen"') == {"hyphen"}
    assert _found(index, "Straßen") == {"hyphen", "compound"}  # a prefix: "Straßenausbau" too


def test_phrase_prefix_and_and(db: ReplicaDatabase) -> None:
    index = _index(db, GERMAN)
    assert _found(index, '"Die Straße"') == {"eszett"}
    assert _found(index, '"Straße Die"') == set()
    assert _found(index, "Haupt*") == {"hyphen"}
    assert _found(index, "Straß*") == {"eszett", "ss", "caps", "hyphen", "compound"}
    assert _found(index, "Straße gesperrt") == {"eszett", "caps"}
    assert _found(index, "1.000,50") == {"umlaut"}
    assert _found(index, "Straße Haushaltsplan") == set()


def test_snippet_marks_the_original_words(db: ReplicaDatabase) -> None:
    index = _index(db, GERMAN)
    hits = {hit.file_id: hit for hit in index.search("groesse flache")}
    assert set(hits) == {"umlaut", "digraph"}
    hit = hits["umlaut"]
    assert hit.snippet == "Die ⟦Größe⟧ der ⟦Fläche⟧ beträgt 1.000,50 m²."
    assert hit.marked("<b>", "</b>") == "Die <b>Größe</b> der <b>Fläche</b> beträgt 1.000,50 m²."
    assert ("Größe", True) in hit.parts and ("Die ", False) in hit.parts
    (hit,) = index.search("Straßenausbau gilt")
    assert hit.snippet == "Beim ⟦Straßenausbau⟧ ⟦gilt⟧ die Verwaltungsvorschrift."


def test_snippet_of_a_long_page_is_a_window(db: ReplicaDatabase) -> None:
    filler = " ".join(f"Wort{i}" for i in range(200))
    index = _index(db, {"long": [f"{filler} Die Ratsversammlung tagt. {filler}"]})
    (hit,) = index.search("Ratsversammlung", snippet_words=10)
    assert hit.snippet.startswith("… ") and hit.snippet.endswith(" …")
    assert "⟦Ratsversammlung⟧" in hit.snippet and len(hit.snippet.split()) <= 13


def test_ranking_bm25(db: ReplicaDatabase) -> None:
    index = _index(
        db,
        {
            "once": ["Der Haushalt wird heute beraten."],
            "often": ["Haushalt, Haushalt und nochmals Haushalt."],
            "compound": ["Der Haus-Halt wird heute beraten."],  # only the compound column matches
            "none": ["Nichts davon."],
        },
    )
    hits = index.search("Haushalt")
    assert [hit.file_id for hit in hits] == ["often", "once", "compound"]
    assert hits[0].score < hits[1].score < hits[2].score  # bm25: smaller is better
    assert [hit.file_id for hit in index.search("Haushalt", limit=1)] == ["often"]
    assert index.search("Haushalt", limit=0) == []


# (query, whether it still finds the page with "Straße"): operators are words or punctuation, never syntax
FTS_SYNTAX = [
    ('"', False),
    ('""', False),
    ('"Straße', True),
    ("Straße\"'", True),
    ("*", False),
    ("Straße*", True),
    ("*Straße", True),
    ("^Straße", True),
    ("(Straße", True),
    ("- Straße", True),
    ("Straße)", True),
    ("NEAR(", False),
    ("NEAR(Straße Mai, 3)", False),
    ("AND", False),
    ("Straße AND", False),  # "and" is a word that page lacks
    ("OR Straße", False),
    ("NOT", False),
    ("Straße NOT Mai", False),
    ("words:Straße", False),
    ("{words joined}: Straße", False),
    ("Straße + Mai", True),
    ("Straße\x00Mai", False),  # one chunk: the phrase "strasse mai"
    ("';DROP TABLE page_text;--", False),
    ("\u0301", False),
    ("\ufeff", False),
]


@pytest.mark.parametrize(("query", "finds"), FTS_SYNTAX)
def test_fts5_syntax_is_not_interpreted(db: ReplicaDatabase, query: str, finds: bool) -> None:
    index = _index(db, GERMAN)
    assert ("eszett" in _found(index, query)) is finds
    assert db.integrity_check() == []
    assert index.search("Straße")  # nothing was dropped


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=st.text(max_size=40))
def test_any_query_is_safe(db: ReplicaDatabase, query: str) -> None:
    index = TextIndex(db.conn)
    if index.indexed("g") is None:
        db.conn.execute("INSERT OR IGNORE INTO file (id) VALUES ('g')")
        index.add_pages("g", enumerate(GERMAN["uebung"] + GERMAN["hyphen"]))
    assert isinstance(index.search(query), list)


_LETTERS = "abcdefghijklmnopqrstuvwxyzäöüßÄÖÜẞéÉAEOUQ"


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    words=st.lists(st.text(alphabet=_LETTERS, min_size=1, max_size=12), min_size=1, max_size=12),
    seps=st.lists(st.sampled_from([" ", "-", ", ", "-\n", ". ", "\t"]), min_size=12, max_size=12),
)
def test_every_word_of_a_page_finds_it(db: ReplicaDatabase, words: list[str], seps: list[str]) -> None:
    text = "".join(word + sep for word, sep in zip(words, seps, strict=False))
    db.conn.execute("DELETE FROM file")
    db.conn.execute("INSERT INTO file (id) VALUES ('p')")
    index = TextIndex(db.conn)
    index.add_pages("p", [(0, text)])
    for word in words:
        hits = index.search(word)
        assert [(hit.file_id, hit.page) for hit in hits] == [("p", 0)], (word, text)
        assert any(matched for _, matched in hits[0].parts)
        assert [(hit.file_id, hit.page) for hit in index.search(word.upper())] == [("p", 0)], (word, text)


# --- index maintenance -----------------------------------------------------------------------------------


def test_reindex_replace_and_remove(db: ReplicaDatabase) -> None:
    index = _index(db, {"f": []})
    assert index.add_pages("f", [(0, "Alte Fassung"), (1, "Seite zwei")], sha256="a" * 64) == 2
    assert index.add_pages("f", [(1, "Zweite Seite neu")], sha256="a" * 64) == 2  # a page re-extracted
    assert _found(index, '"zwei"') == set() and _found(index, "Zweite") == {"f"}
    info = index.indexed("f")
    assert info is not None and (info.sha256, info.pages) == ("a" * 64, 2)
    assert index.add_pages("f", [(0, "Neue Fassung")], sha256="b" * 64) == 1  # new content: old pages go
    assert (
        _found(index, "Alte") == set() and _found(index, "Zweite") == set() and _found(index, "Neue") == {"f"}
    )
    index.remove_file("f")
    assert index.indexed("f") is None and _found(index, "Neue") == set()
    assert db.conn.execute("SELECT count(*) FROM page_text").fetchone()[0] == 0
    assert db.integrity_check() == []


def test_removing_the_file_removes_its_text(db: ReplicaDatabase) -> None:
    index = _index(db, {"gone": ["Nichtöffentlicher Teil: Personalie"], "kept": ["Öffentlicher Teil"]})
    db.conn.execute("DELETE FROM file WHERE id = 'gone'")
    assert _found(index, "Teil") == {"kept"}
    assert index.indexed("gone") is None
    assert db.conn.execute("SELECT count(*) FROM page_text").fetchone()[0] == 1
    index.optimize()
    assert db.integrity_check() == []


def test_failed_batch_leaves_nothing(db: ReplicaDatabase) -> None:
    index = _index(db, {"f": ["Erste Seite"]})

    def pages() -> Iterator[tuple[int, str]]:
        yield 1, "Zweite Seite"
        raise RuntimeError("extraction failed")

    with pytest.raises(RuntimeError):
        index.add_pages("f", pages())
    assert _found(index, "Zweite") == set() and _found(index, "Erste") == {"f"}
    assert not db.conn.in_transaction


def test_unknown_file_is_refused(db: ReplicaDatabase) -> None:
    import sqlcipher3

    with pytest.raises(sqlcipher3.IntegrityError):
        TextIndex(db.conn).add_pages("nope", [(0, "Text")])
    assert not db.conn.in_transaction
