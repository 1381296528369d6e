"""Words typed without quotes match as prefixes: German inflects and compounds words, so "Zuwendung" finds
"Zuwendungen" and "Zuwendungsempfänger", "Haushalt" finds "Haushaltssatzung". Quoted words stay exact,
words of one or two letters and numbers stay whole, and pages with the whole word rank first.

Runs on a real SQLCipher replica opened with a random key, with the search service of the window and the
index search of ``gremalda search``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from gremalda.core.search import SearchService, query_terms
from gremalda.store.database import ReplicaDatabase, open_database
from gremalda.store.textindex import TextIndex
from tests.unit.test_search import add_file, put

TEXTS = {
    501: "Die Zuwendungen an die Vereine werden im Herbst ausgezahlt.",
    502: "Der Zuwendungsempfänger legt einen Verwendungsnachweis vor.",
    503: "Die Zuwendung an den Sportverein beträgt 5.000 Euro.",
    504: "Der Entwurf der Haushaltssatzung 2026 liegt aus.",
    505: "Die EU fördert das Projekt; Euro und Eule sind andere Wörter.",
    506: "Eine Zuwendung an die Europa-Schule ist geplant.",
    507: "Bericht zu 2025 und 20251 Bäumen.",
}


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ReplicaDatabase]:
    with open_database(tmp_path / "r.db", os.urandom(32), create=True) as database:
        put(database, "organization", 1, body_id=1, name="Bezirksversammlung", kind="parliament")
        put(database, "meeting", 100, organization_id=1, name="Sitzung", start="2026-03-12T12:00:00Z")
        for file_id, text in TEXTS.items():
            add_file(database, file_id, f"Vorlage {file_id}", "main", [text], meeting_id=100)
        yield database


@pytest.fixture
def service(db: ReplicaDatabase) -> SearchService:
    return SearchService(db.conn, db.path)


def found(service: SearchService, query: str) -> list[str]:
    return [hit.file_id for hit in service.search(query, limit=100).hits]


def test_a_word_finds_its_inflections_and_compounds(service: SearchService) -> None:
    assert set(found(service, "Zuwendung")) == {"501", "502", "503", "506"}
    assert set(found(service, "zuwendung")) == {"501", "502", "503", "506"}
    assert found(service, "Haushalt") == ["504"]
    snippets = {hit.file_id: hit.marked() for hit in service.search("Zuwendung").hits}
    assert "⟦Zuwendungen⟧" in snippets["501"] and "⟦Zuwendungsempfänger⟧" in snippets["502"]


def test_a_quoted_word_is_exact(service: SearchService) -> None:
    assert set(found(service, '"Zuwendung"')) == {"503", "506"}
    assert found(service, '"Haushalt"') == []
    assert set(found(service, '"Zuwendung an"')) == {"503", "506"}  # a phrase: exact words in order


def test_the_whole_word_ranks_first(service: SearchService) -> None:
    ranked = found(service, "Zuwendung")
    assert set(ranked[:2]) == {"503", "506"} and set(ranked[2:]) == {"501", "502"}
    both = found(service, "Zuwendung Verein")  # 501: "Vereine", 503: "Sportverein" (no prefix match)
    assert both == ["501"]


def test_short_words_and_numbers_stay_whole(service: SearchService) -> None:
    assert found(service, "EU") == ["505"]  # not "Euro", "Eule", "Europa"
    assert [t.prefix for t in query_terms("EU zu 2025")] == [False, False, False]
    assert found(service, "2025") == ["507"]  # not 20251
    assert set(found(service, "Eur*")) == {"503", "505", "506"}  # a typed * is a prefix of any length


def test_explicit_syntax_still_works(service: SearchService) -> None:
    assert found(service, "Zuwendung*") == found(service, "Zuwendung")
    assert set(found(service, "Zuwendung Vereine")) == {"501"}  # all words must occur
    assert found(service, "Zuwendung Haushalt") == []
    # no exclusion syntax: "-Haushalt" is the word (now a prefix), as before
    assert found(service, "-Haushalt") == ["504"]
    assert found(service, "Europa-Schule") == ["506"]  # a hyphenated word: the compound or the phrase


def test_the_cli_index_search_matches_prefixes_whole_words_first(db: ReplicaDatabase) -> None:
    hits = TextIndex(db.conn).search("Zuwendung", limit=10)
    assert [h.file_id for h in hits[:2]] in (["503", "506"], ["506", "503"])
    assert {h.file_id for h in hits[2:]} == {"501", "502"}
    assert any(matched and text == "Zuwendungsempfänger" for h in hits for text, matched in h.parts)
    assert {h.file_id for h in TextIndex(db.conn).search('"Zuwendung"')} == {"503", "506"}
    assert [h.file_id for h in TextIndex(db.conn).search("Zuwendung", limit=1)] in (["503"], ["506"])
    assert [h.file_id for h in TextIndex(db.conn).search("EU")] == ["505"]
