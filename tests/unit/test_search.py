"""Offline search with filters: committee, date range, public/non-public, document kind; German folding,
snippets, 0-based pages, ranking, queries that are no queries, and a replica that changes underneath.

Runs on a real SQLCipher replica opened with a random key (no keyring), filled with objects in the
server's wire form and indexed page texts."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gremalda.core.search import (
    SearchFilters,
    SearchService,
    query_terms,
    snippet_parts,
)
from gremalda.store.database import ReplicaDatabase, open_database
from gremalda.store.textindex import TextIndex

# --- a small council -------------------------------------------------------------------------------------

VERKEHR, JUGEND, PLENUM = "2", "3", "1"
ALL_CURRENT = {"401", "402", "403", "404", "405", "406", "407", "408", "409"}
NONPUBLIC = {"402", "403", "408"}  # a non-public paper, a non-public item's file, an e-file document


def put(db: ReplicaDatabase, kind: str, object_id: int, /, **fields: Any) -> None:
    """One object as the server's change feed sends it."""
    data = {"type": kind, "id": object_id, **fields, "version": 1, "modified": "2026-01-05T09:00:00+00:00"}
    db.conn.execute(
        "INSERT INTO object (type, id, data, version, modified) VALUES (?, ?, ?, 1, ?) "
        "ON CONFLICT (type, id) DO UPDATE SET data = excluded.data",
        (kind, str(object_id), json.dumps(data, ensure_ascii=False), data["modified"]),
    )


def add_file(
    db: ReplicaDatabase, object_id: int, name: str, role: str, texts: list[str], **owner: Any
) -> None:
    """A file object, its row in the file table, and its page texts (pages 1-based, as extracted)."""
    fields = {"paper_id": None, "agenda_item_id": None, "meeting_id": None, "document_id": None,
              "supersedes_id": None, **owner}  # fmt: skip
    put(db, "file", object_id, body_id=1, name=name, file_name=f"{object_id}.pdf",
        mime_type="application/pdf", size=1000, sha256=None, role=role, change_note="", **fields)  # fmt: skip
    db.conn.execute("INSERT OR IGNORE INTO file (id) VALUES (?)", (str(object_id),))
    TextIndex(db.conn).add_pages(str(object_id), [(i + 1, text) for i, text in enumerate(texts)])


def build_council(db: ReplicaDatabase) -> None:
    """Three committees' meetings, papers consulted in them, files of every kind, all about a Veloroute."""
    put(db, "organization", 1, body_id=1, name="Bezirksversammlung", kind="parliament")
    put(db, "organization", 2, body_id=1, name="Verkehrsausschuss", kind="committee")
    put(db, "organization", 3, body_id=1, name="Jugendhilfeausschuss", kind="committee")
    put(db, "organization", 10, body_id=1, name="Fraktion A", kind="faction")  # no meetings: no filter entry
    put(
        db,
        "meeting",
        100,
        organization_id=2,
        name="3. Sitzung Verkehrsausschuss",
        start="2026-03-12T12:00:00Z",
    )
    put(db, "meeting", 101, organization_id=3, name="2. Sitzung Jugendhilfeausschuss",
        start="2026-05-20T12:00:00+00:00")  # fmt: skip
    put(db, "meeting", 102, organization_id=1, name="Bezirksversammlung", start="2025-11-04T12:00:00+00:00")
    put(db, "agenda_item", 200, meeting_id=100, number="3", order=3, name="Veloroute", public=True)
    put(db, "agenda_item", 201, meeting_id=100, number="9", order=9, name="Grundstück", public=False)
    put(db, "agenda_item", 202, meeting_id=101, number="4", order=4, name="Spielplätze", public=True)
    put(db, "paper", 300, body_id=1, reference="22-0100", name="Veloroute Elbufer", paper_type="Antrag",
        date="2026-02-01", public=True)  # fmt: skip
    put(db, "paper", 301, body_id=1, reference="22-0101", name="Grundstücksverkauf",
        paper_type="Beschlussvorlage", date="2026-02-02", public=False)  # fmt: skip
    # consulted nowhere: its own date counts
    put(db, "paper", 302, body_id=1, reference="22-0102", name="Baumfällungen",
        paper_type="Mitteilungsvorlage", date="2025-06-01", public=True)  # fmt: skip
    put(db, "consultation", 500, paper_id=300, agenda_item_id=200, role="Beratung")
    put(db, "consultation", 501, paper_id=300, agenda_item_id=202, role="Entscheidung")
    put(db, "consultation", 502, paper_id=301, agenda_item_id=201, role="Entscheidung")
    put(db, "efile", 700, body_id=1, reference_number="AZ 1", title="Akte Veloroute")
    put(db, "process", 650, efile_id=700, reference="V1", title="Planung")
    put(db, "document", 600, process_id=650, title="Vermerk", order=1)

    add_file(db, 400, "Antrag Veloroute (alt)", "main", ["Der Straßenausbau am Elbufer für die Veloroute."],
             paper_id=300)  # fmt: skip
    add_file(db, 407, "Antrag Veloroute", "main", [
        "Antrag (neue Fassung): Veloroute am Elbufer. Der Straßen-Ausbau der Uferstraße beginnt im Mai.",
        "Die Größe der Radwege beträgt 2,50 m. Veloroute, Veloroute, Veloroute!",
    ], paper_id=300, supersedes_id=400)  # fmt: skip
    add_file(db, 401, "Lageplan", "auxiliary", ["Lageplan der Veloroute; Übung der Feuerwehr am Ufer."],
             paper_id=300)  # fmt: skip
    add_file(
        db,
        402,
        "Vorlage Grundstücksverkauf",
        "main",
        ["Grundstücksverkauf an der Hafenstraße. Die Veloroute ist nicht betroffen."],
        paper_id=301,
    )
    add_file(db, 403, "Wertgutachten", "auxiliary", ["Wertgutachten Grundstück Hafenstrasse, Veloroute"],
             agenda_item_id=201)  # fmt: skip
    add_file(db, 404, "Einladung", "invitation", ["Einladung. TOP 3 Veloroute, TOP 9 nichtöffentlich."],
             meeting_id=100)  # fmt: skip
    add_file(db, 405, "Niederschrift", "minutes",
             ["Niederschrift: die Bezirksversammlung lobt die Veloroute."], meeting_id=102)  # fmt: skip
    add_file(db, 406, "Mitteilung", "main", ["Mitteilung: Baumfällungen entlang der Veloroute im Juni."],
             paper_id=302)  # fmt: skip
    add_file(db, 408, "Vermerk", "main", ["Vermerk zur Veloroute (Akte)."], document_id=600)
    add_file(db, 409, "Spielplatzplan", "auxiliary", ["Spielplatz an der Veloroute."], agenda_item_id=202)
    budget = [f"Einzelplan {i}: Haushalt des Bezirks, Produktgruppe {i}." for i in range(1, 21)]
    budget[4] += " Zuschuss für die Feuerwehr."
    add_file(db, 412, "Haushaltsplan", "main", budget, meeting_id=102)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ReplicaDatabase]:
    with open_database(tmp_path / "r.db", os.urandom(32), create=True) as database:
        build_council(database)
        yield database


@pytest.fixture
def service(db: ReplicaDatabase) -> SearchService:
    return SearchService(db.conn, db.path)


def found(service: SearchService, query: str = "Veloroute", **filters: Any) -> set[str]:
    return {hit.file_id for hit in service.search(query, SearchFilters(**filters), limit=100).hits}


# --- filters ---------------------------------------------------------------------------------------------


def test_current_versions_by_default(service: SearchService) -> None:
    assert found(service) == ALL_CURRENT
    assert found(service, include_superseded=True) == ALL_CURRENT | {"400"}


@pytest.mark.parametrize(
    ("committees", "expected"),
    [
        ({JUGEND}, {"407", "401", "409"}),  # the paper is consulted in both committees
        ({VERKEHR}, {"407", "401", "402", "403", "404"}),
        ({PLENUM}, {"405"}),
        ({VERKEHR, JUGEND}, {"407", "401", "402", "403", "404", "409"}),
        ({"10"}, set()),
        (set(), set()),  # an empty choice allows nothing
    ],
)
def test_committee(service: SearchService, committees: set[str], expected: set[str]) -> None:
    assert found(service, committee_ids=frozenset(committees)) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 4, 1), None, {"407", "401", "409"}),
        (None, date(2025, 12, 31), {"405", "406"}),  # 406: a paper consulted nowhere has its own date
        (date(2026, 3, 12), date(2026, 3, 12), {"407", "401", "402", "403", "404"}),  # inclusive
        (date(2026, 3, 13), date(2026, 5, 19), set()),  # 407's dates lie either side, none between
        (date(2027, 1, 1), None, set()),
    ],
)
def test_date_range(service: SearchService, start: date | None, end: date | None, expected: set[str]) -> None:
    assert found(service, date_from=start, date_to=end) == expected


def test_visibility(service: SearchService) -> None:
    assert found(service, visibility="nonpublic") == NONPUBLIC
    assert found(service, visibility="public") == ALL_CURRENT - NONPUBLIC
    assert found(service, visibility="all") == ALL_CURRENT


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ({"role:minutes"}, {"405"}),
        ({"type:Antrag"}, {"407", "401"}),
        ({"role:main", "type:Antrag"}, {"407"}),  # a role and a type: both must hold
        ({"role:main", "role:minutes"}, {"407", "402", "405", "406", "408"}),  # two roles: either
        ({"invitation"}, {"404"}),  # bare words: a role if it is one, else a paper type
        ({"Beschlussvorlage"}, {"402"}),
        ({"type:Haushaltsplan"}, set()),
        (set(), set()),
    ],
)
def test_kinds(service: SearchService, kinds: set[str], expected: set[str]) -> None:
    assert found(service, kinds=frozenset(kinds)) == expected


def test_filters_combine(service: SearchService) -> None:
    filters = {"committee_ids": frozenset({VERKEHR}), "visibility": "nonpublic"}
    assert found(service, **filters) == {"402", "403"}
    assert found(service, **filters, kinds=frozenset({"role:auxiliary"})) == {"403"}
    assert found(service, **filters, date_from=date(2026, 4, 1)) == set()


def test_counts_are_after_the_filters(service: SearchService) -> None:
    results = service.search("Veloroute", SearchFilters(committee_ids=frozenset({JUGEND})), limit=1)
    assert len(results.hits) == 1
    assert (results.total_pages_matched, results.total_files_matched) == (4, 3)  # 407 matches on two pages
    assert results.pages_matched_unfiltered == 11  # also the old version's page
    assert results.elapsed_ms >= 0 and results.query == "Veloroute"


# --- hits ------------------------------------------------------------------------------------------------


def test_hit_tells_where_it_belongs(service: SearchService) -> None:
    hits = {hit.file_id: hit for hit in service.search("Veloroute", limit=100, per_file=1).hits}
    paper = hits["407"]
    assert paper.name == "Antrag Veloroute" and paper.context == "Drucksache 22-0100"
    assert paper.committee == "Jugendhilfeausschuss"  # the latest meeting that consults the paper
    assert paper.meeting_date == date(2026, 5, 20)
    assert paper.public and paper.role == "main" and paper.paper_type == "Antrag" and paper.kind == "Antrag"
    assert paper.file_pages_matched == 2
    minutes = hits["405"]
    assert minutes.committee == "Bezirksversammlung" and minutes.meeting_date == date(2025, 11, 4)
    assert minutes.kind == "minutes"
    assert minutes.context.startswith("Bezirksversammlung")
    item_file = hits["403"]
    assert not item_file.public and item_file.context.startswith("TOP 9")
    efile = hits["408"]
    assert not efile.public and efile.committee is None and efile.meeting_date is None
    assert efile.context == "Akte AZ 1 › Planung › Vermerk"
    assert hits["406"].meeting_date == date(2025, 6, 1) and hits["406"].committee is None


def test_pages_are_zero_based(service: SearchService) -> None:
    (hit,) = service.search("Radwege").hits
    assert (hit.file_id, hit.page) == ("407", 1)  # indexed as page 2
    (hit,) = service.search("Uferstraße").hits
    assert (hit.file_id, hit.page) == ("407", 0)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Groesse", {"407"}),
        ("GRÖSSE", {"407"}),
        ("Hafenstrasse", {"402", "403"}),  # Hafenstraße and Hafenstrasse
        ("hafenstraße", {"402", "403"}),
        ("UEBUNG", {"401"}),
        ("Straßenausbau", {"407"}),  # "Straßen-Ausbau"; 400 ("Straßenausbau") is superseded
        ("Strassen-Ausbau", {"407"}),
        ("Grundstück*", {"402", "403"}),
        ('"Die Veloroute ist"', {"402"}),
    ],
)
def test_german_folding(service: SearchService, query: str, expected: set[str]) -> None:
    assert found(service, query) == expected


def test_snippet_marks_the_words_as_written(service: SearchService) -> None:
    (hit,) = service.search("groesse radweg*").hits
    assert hit.marked("<b>", "</b>") == (
        "Die <b>Größe</b> der <b>Radwege</b> beträgt 2,50 m. Veloroute, Veloroute, Veloroute!"
    )
    assert ("Größe", True) in hit.parts and hit.snippet.startswith("Die ⟦Größe⟧")


def test_ranking_and_one_document_at_most_per_file(service: SearchService) -> None:
    results = service.search("Veloroute", limit=100)
    assert (results.hits[0].file_id, results.hits[0].page) == ("407", 1)  # three times on a short page
    assert [h.score for h in results.hits] == sorted(h.score for h in results.hits)
    assert [(h.file_id, h.page) for h in results.hits].count(("407", 0)) == 1
    one = service.search("Veloroute", limit=100, per_file=1)
    assert [h.file_id for h in one.hits].count("407") == 1 and len(one.hits) == len(ALL_CURRENT)
    assert [h.file_id for h in service.search("Veloroute", limit=3).hits] == [
        h.file_id for h in results.hits[:3]
    ]


def test_common_words_select_but_do_not_rank(service: SearchService) -> None:
    # "Einzelplan" is on 20 of the 31 pages: bm25 gives it nothing (FTS5 floors its idf), the rare word ranks
    results = service.search("Einzelplan Feuerwehr")
    assert [(h.file_id, h.page) for h in results.hits] == [("412", 4)] and results.hits[0].score < 0
    results = service.search("Einzelplan", limit=100, per_file=None)
    assert all(h.score == 0 for h in results.hits) and len(results.hits) == 20
    assert [h.page for h in results.hits] == list(range(20))  # equal ranks: newest first, then in page order
    results = service.search("Feuerwehr", limit=100)
    assert {h.file_id for h in results.hits} == {"401", "412"} and all(h.score < 0 for h in results.hits)


def test_equal_ranks_newest_first(db: ReplicaDatabase, service: SearchService) -> None:
    for page in range(30):  # make "Veloroute" common
        add_file(db, 1000 + page, f"Leer {page}", "auxiliary", ["Veloroute"], meeting_id=102)
    hits = service.search("Veloroute", limit=100).hits
    assert all(h.score == 0 for h in hits)
    dates = [h.meeting_date or date.min for h in hits]
    assert dates == sorted(dates, reverse=True)


def test_limit(service: SearchService) -> None:
    assert len(service.search("Veloroute", limit=2).hits) == 2
    assert service.search("Veloroute", limit=0).hits == ()
    assert service.search("nirgendwo").hits == ()


# --- queries that are no queries -------------------------------------------------------------------------

NASTY = ['"', '""', "*", "**", "-", "--", "-Veloroute", "Veloroute -Antrag", "NOT", "AND OR NOT", "NEAR(a b)",
         "Velo*", "V*", "^Veloroute", "veloroute:", "words:veloroute", "{words}: x", "(", ")", "()", "'",
         "%", "_", "\\", "\x00", "\u00ad", "🚲", "a" * 5000, "x " * 500, "\"Veloroute", "Velo\"route",
         "rowid", "rank MATCH 'bm25(10)'", "; DROP TABLE page_fts; --", "\t\n", "ß", "ẞ", "ﬁ"]  # fmt: skip


@pytest.mark.parametrize("query", NASTY)
def test_queries_never_raise(service: SearchService, query: str) -> None:
    results = service.search(query)
    assert results.query == query
    assert all(hit.file_id in ALL_CURRENT for hit in results.hits)


def test_operators_are_words(service: SearchService) -> None:
    assert found(service, "-Veloroute") == ALL_CURRENT  # no exclusion syntax: the word
    assert found(service, "Veloroute NOT") == set()  # "not" is searched as a word
    assert found(service, "") == set() and found(service, "   ") == set()
    assert [t.prefix for t in query_terms("V*")] == [False]  # a one-letter prefix is searched as a word


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=st.text(max_size=60))
def test_any_text_is_a_query(service: SearchService, query: str) -> None:
    results = service.search(query, SearchFilters(visibility="public"))
    assert results.query == query
    # never a non-public file, nor the superseded version 400
    assert not {hit.file_id for hit in results.hits} & (NONPUBLIC | {"400"})


# --- the filter controls' choices ------------------------------------------------------------------------


def test_facets(service: SearchService) -> None:
    facets = service.facets()
    assert [(c.id, c.name) for c in facets.committees] == [
        ("1", "Bezirksversammlung"),
        ("3", "Jugendhilfeausschuss"),
        ("2", "Verkehrsausschuss"),
    ]
    assert [k.key for k in facets.kinds] == [
        "role:main", "role:auxiliary", "role:invitation", "role:minutes",
        "type:Antrag", "type:Beschlussvorlage", "type:Mitteilungsvorlage",
    ]  # fmt: skip
    assert (facets.first_date, facets.last_date) == (date(2025, 6, 1), date(2026, 5, 20))


def test_empty_replica(tmp_path: Path) -> None:
    with open_database(tmp_path / "empty.db", os.urandom(32), create=True) as empty:
        service = SearchService(empty.conn)
        assert service.search("Veloroute").hits == ()
        facets = service.facets()
        assert facets.committees == () and facets.kinds == () and facets.first_date is None


# --- the replica changes underneath ----------------------------------------------------------------------


def test_sees_changes_of_its_own_connection(db: ReplicaDatabase, service: SearchService) -> None:
    assert found(service, "Radverkehrskonzept") == set()
    add_file(db, 410, "Konzept", "auxiliary", ["Das Radverkehrskonzept."], meeting_id=102)
    assert found(service, "Radverkehrskonzept") == {"410"}
    assert found(service, "Radverkehrskonzept", committee_ids=frozenset({PLENUM})) == {"410"}


def test_sees_changes_of_another_connection(tmp_path: Path) -> None:
    key = os.urandom(32)
    with open_database(tmp_path / "r.db", key, create=True) as first, open_database(
        tmp_path / "r.db", key, create=False
    ) as second:  # fmt: skip
        build_council(first)
        service = SearchService(second.conn)
        assert found(service, visibility="public") >= {"407", "401"}
        put(
            first,
            "paper",
            300,
            body_id=1,
            reference="22-0100",
            name="Veloroute Elbufer",
            paper_type="Antrag",
            date="2026-02-01",
            public=False,
        )  # fmt: skip — same count, same modified
        first.conn.execute("INSERT INTO sync_state (key, value) VALUES ('cursor', '17')")
        assert found(service, visibility="nonpublic") >= {"407", "401"}
        add_file(first, 411, "Nachtrag", "late", ["Nachtrag zur Tischvorlage."], meeting_id=100)
        assert found(service, "Tischvorlage", kinds=frozenset({"role:late"})) == {"411"}
        service.invalidate()
        assert found(service, "Tischvorlage") == {"411"}


# --- snippets of long pages ------------------------------------------------------------------------------

FILLER = " ".join(f"Füllwort{i}" for i in range(300))


@pytest.mark.parametrize(
    ("text", "query"),
    [
        (f"{FILLER} Die Ratsversammlung tagt. {FILLER}", "Ratsversammlung"),
        (f"Ratsversammlung am Anfang. {FILLER}", "Ratsversammlung"),
        (f"{FILLER} am Ende die Ratsversammlung.", "Ratsversammlung"),
        (f"{FILLER} Straße hier. {FILLER} Straße und STRASSE und Strasse dort. {FILLER}", "Strasse"),
        (f"{FILLER} Die Größe. {FILLER}", "GROESSE"),
        (f"{FILLER} siehe Verwaltungs-\nvorschrift Nr. 3. {FILLER}", "Verwaltungsvorschrift"),
        (f"{FILLER} Haushalts\u00adplan {FILLER}", "Haushaltsplan"),
        (f"{FILLER} Der Straßen-Ausbau beginnt. {FILLER}", "Straßen-Ausbau"),
        (f"{FILLER} Ratsbeschluss und Ratsversammlung. {FILLER}", "Rats*"),
        (f"{FILLER} Die \ufb01nanzierung steht. {FILLER}", "Finanzierung"),  # a ligature: found the slow way
    ],
)
def test_snippet_of_a_long_page_is_the_index_snippet(tmp_path: Path, text: str, query: str) -> None:
    with open_database(tmp_path / "s.db", os.urandom(32), create=True) as database:
        database.conn.execute("INSERT INTO file (id) VALUES ('f')")
        index = TextIndex(database.conn)
        index.add_pages("f", [(1, text)])
        (hit,) = index.search(query)
        parts = snippet_parts(text, tuple(query_terms(query)))
        assert any(matched for _, matched in parts)
        assert parts == hit.parts


def test_only_large_replicas_skip_ranking_a_word_on_a_third_of_the_pages() -> None:
    from gremalda.core.search import RANK_AT_MOST, _common

    assert _common(16, 31) and not _common(11, 31)  # small replica: half the pages or more
    assert _common(RANK_AT_MOST + 1, 3 * RANK_AT_MOST) and not _common(RANK_AT_MOST, 3 * RANK_AT_MOST)
    assert not _common(4000, 13_000)  # under a third: ranked, however many
