"""Offline full-text search over the replica, with filters: committee, date range, public or non-public,
document kind. Qt-free; one :class:`SearchService` per database connection (per thread).

The words are found by the German full-text index (:mod:`gremalda.store.textindex`: normalisation, query
parsing that never lets FTS5 syntax through, bm25 ranking, snippets). Where a page belongs comes from the
server's objects, resolved into a *facet table*: for every file its committees (the organizations of the
meetings it belongs to, through its agenda item, its meeting or the consultations of its paper), its
dates (those meetings' local dates; a paper's own date when no meeting consults it), whether it is public
(its agenda item's or its paper's flag; e-file documents are not), its role, its paper's type, whether a
newer version supersedes it, and its context label. With it a map of the index's page rows to (file,
page). Both are read again when the database changed; the files each filter allows are cached.

A query, measured on 10,000 pages: FTS5 lists the matching page rows (cheap: about 0.2 µs a page); the
map and the allowed files keep the candidates; only those are ranked by bm25 (the cost: 1-7 µs a page),
and words on half the pages or more (a third in a large replica), which bm25 gives nothing (little),
only select; the best ``per_file`` pages of a document and the best ``limit`` in all have their text
read and a snippet cut from a window around the words (not from the whole page).

Pages are 0-based in the results (the viewer's numbering); the index stores them 1-based, as extracted.
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path
from typing import Any, Literal

from gremalda.core.council_time import replica_meeting_zone, wall_clock
from gremalda.core.library import Data, Library, parse_time, ref_id
from gremalda.core.version_chain import VersionChains
from gremalda.store.database import Connection, sqlite_errors
from gremalda.store.textindex import (
    MARK,
    SNIPPET_WORDS,
    _Matcher,  # the index's own snippet rules, so that snippets look the same everywhere
    _snippet,
    _Term,
    normalise_word,
    parse_query,
    whole_words,
)

Visibility = Literal["all", "public", "nonpublic"]

#: the roles a file can have; kind keys are ``role:<role>`` and ``type:<paper type>``
ROLES = ("main", "auxiliary", "invitation", "minutes", "late")
ROLE_PREFIX = "role:"
TYPE_PREFIX = "type:"

MAX_QUERY_CHARS = 500  # a pasted page is cut here
MAX_TERMS = 12  # more words than this narrow nothing a person would notice, and cost time
MIN_PREFIX = 2  # "a*" would expand to every word beginning with a: searched as the word "a"
_FILTER_CACHE = 16


# --- what callers pass and get ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchFilters:
    """What to search in. ``None`` (or ``"all"``) means no restriction; an empty set allows nothing.

    ``committee_ids``: organization ids (a file matches if one of its meetings is of such a committee).
    ``date_from``/``date_to``: inclusive local dates (a file matches if one of its dates lies between).
    ``kinds``: keys as :meth:`SearchService.facets` lists them, ``role:main`` or ``type:Antrag``; roles
    and paper types are each a choice (any of them), both together must hold. A bare word is taken as a
    role if it is one (``main``), else as a paper type (``Antrag``).
    ``include_superseded``: also search older versions of replaced documents."""

    committee_ids: frozenset[str] | None = None
    date_from: date | None = None
    date_to: date | None = None
    visibility: Visibility = "all"
    kinds: frozenset[str] | None = None
    include_superseded: bool = False

    @property
    def restricts(self) -> bool:
        """Whether anything besides the default (current versions only) is filtered."""
        return (
            self.committee_ids is not None
            or self.date_from is not None
            or self.date_to is not None
            or self.visibility != "all"
            or self.kinds is not None
        )


NO_FILTERS = SearchFilters()


@dataclass(frozen=True)
class SearchHit:
    """A page that matched, with where it belongs. ``page`` is 0-based; ``parts`` is the snippet as
    (text, matched) pieces; ``file_pages_matched`` counts the matching pages of the whole document
    (only the best ``per_file`` of them are hits)."""

    file_id: str
    page: int
    score: float
    parts: tuple[tuple[str, bool], ...]
    name: str
    context: str
    committee: str | None
    meeting_date: date | None
    public: bool
    role: str
    paper_type: str | None
    file_pages_matched: int

    @property
    def kind(self) -> str:
        """The paper type if the file belongs to a paper, else its role."""
        return self.paper_type or self.role

    def marked(self, start: str = MARK[0], end: str = MARK[1]) -> str:
        """The snippet with each matched word between ``start`` and ``end``."""
        return "".join(f"{start}{text}{end}" if hit else text for text, hit in self.parts)

    @property
    def snippet(self) -> str:
        return self.marked()


@dataclass(frozen=True)
class SearchResults:
    """The hits of one query, best first. ``total_pages_matched``/``total_files_matched`` count what
    the filters let through (also beyond ``limit``); ``pages_matched_unfiltered`` what they did not."""

    query: str
    hits: tuple[SearchHit, ...]
    total_pages_matched: int
    total_files_matched: int
    pages_matched_unfiltered: int
    elapsed_ms: float


@dataclass(frozen=True)
class Committee:
    id: str
    name: str
    kind: str  # the organization's kind: committee, parliament, ...


@dataclass(frozen=True)
class KindOption:
    key: str  # what SearchFilters.kinds takes: "role:main", "type:Antrag"
    dimension: Literal["role", "type"]
    value: str  # the role ("main") or the paper type as the server names it ("Antrag")


@dataclass(frozen=True)
class SearchFacets:
    """What the filter controls can offer: the committees that have meetings, the roles and paper
    types present, and the range of the files' dates (``None`` when no file has a date)."""

    committees: tuple[Committee, ...]
    kinds: tuple[KindOption, ...]
    first_date: date | None
    last_date: date | None


# --- the facet table ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _FileFacets:
    name: str
    role: str
    paper_type: str | None
    public: bool
    committees: frozenset[str]
    dates: tuple[date, ...]
    shown_committee: str | None  # the committee and date a hit shows (the latest meeting's)
    shown_date: date | None
    superseded: bool


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _flag(value: Any, default: bool) -> bool:
    return bool(value) if isinstance(value, int) else default


def _day(value: Any, zone: tzinfo | Literal["machine"] | None = "machine") -> date | None:
    """The date of an ISO date or date-time (``None`` when absent or unreadable): on this machine's
    clock, or on a council's (`zone`, :func:`council_time.wall_clock`)."""
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    moment = parse_time(value)
    if moment is None:
        return None
    return moment.astimezone().date() if zone == "machine" else wall_clock(moment, zone).date()


def _objects(conn: Connection, kind: str) -> dict[str, Data]:
    """Every object of a type by id (json.loads: ten times json_extract's speed)."""
    found: dict[str, Data] = {}
    for object_id, raw in conn.execute("SELECT id, data FROM object WHERE type = ?", (kind,)):
        data = json.loads(raw)
        if isinstance(data, dict):
            found[str(object_id)] = data
    return found


def _fields(conn: Connection, kind: str, *names: str) -> list[tuple[Any, ...]]:
    """(id, *values of the fields) of every object of a type."""
    return [(i, *(data.get(name) for name in names)) for i, data in _objects(conn, kind).items()]


@dataclass(frozen=True, slots=True)
class _Objects:
    """What the facets are made of, read from the object table with a query per type."""

    organizations: dict[str, tuple[str, str]]  # id -> (name, kind)
    meetings: dict[str, tuple[str | None, date | None]]  # id -> (organization id, local date)
    items: dict[str, tuple[str | None, bool]]  # agenda item id -> (meeting id, public)
    papers: dict[str, tuple[str | None, date | None, bool]]  # id -> (paper type, date, public)
    meetings_of_paper: dict[str, set[str]]  # through the consultations

    @classmethod
    def read(cls, conn: Connection) -> _Objects:
        items = {
            str(i): (ref_id(m), _flag(p, True))
            for i, m, p in _fields(conn, "agenda_item", "meeting_id", "public")
        }
        meetings_of_paper: dict[str, set[str]] = defaultdict(set)
        for _, paper_id, item_id in _fields(conn, "consultation", "paper_id", "agenda_item_id"):
            meeting = items.get(ref_id(item_id) or "", (None, True))[0]
            if (paper := ref_id(paper_id)) is not None and meeting is not None:
                meetings_of_paper[paper].add(meeting)
        # a meeting's date on its council's clock: the zone the window shows it in (its body's, else
        # its committee's body's), found by the same look-up
        replica = {"body": _objects(conn, "body"), "organization": _objects(conn, "organization")}

        def get(kind: str, object_id: str | None) -> Data | None:
            return replica[kind].get(object_id) if object_id is not None and kind in replica else None

        return cls(
            organizations={
                i: (_text(o.get("name")), _text(o.get("kind"))) for i, o in replica["organization"].items()
            },
            meetings={
                i: (ref_id(m.get("organization_id")), _day(m.get("start"), replica_meeting_zone(m, get)))
                for i, m in _objects(conn, "meeting").items()
            },
            items=items,
            papers={
                str(i): (_text(kind) or None, _day(day), _flag(public, True))
                for i, kind, day, public in _fields(conn, "paper", "paper_type", "date", "public")
            },
            meetings_of_paper=meetings_of_paper,
        )

    def facets(self, file: tuple[Any, ...], superseded: bool) -> _FileFacets:
        """The facets of a file from its fields (as :data:`_FILE_FIELDS` lists them)."""
        file_id, name, file_name, role, paper_id, item_id, meeting_id, document_id, _ = file
        paper_type: str | None = None
        public = True
        meeting_ids: set[str] = set()
        own_date: date | None = None
        if (item := self.items.get(ref_id(item_id) or "")) is not None:
            public = item[1]
            meeting_ids = {item[0]} if item[0] is not None else set()
        elif (paper := self.papers.get(ref_id(paper_id) or "")) is not None:
            paper_type, own_date, public = paper
            meeting_ids = self.meetings_of_paper.get(ref_id(paper_id) or "", set())
        elif (meeting := ref_id(meeting_id)) is not None:
            meeting_ids = {meeting}
        elif ref_id(document_id) is not None or ref_id(item_id) is not None or ref_id(paper_id) is not None:
            public = False  # an e-file document (shared with persons), or its owner is withheld here
        held = sorted(
            (self.meetings[m] for m in meeting_ids if m in self.meetings),
            key=lambda m: (m[1] is not None, m[1] or date.min),
        )
        dates = tuple(sorted({day for _, day in held if day is not None})) or (
            (own_date,) if own_date else ()
        )
        latest = held[-1] if held else (None, own_date)
        return _FileFacets(
            name=_text(name) or _text(file_name) or str(file_id),
            role=_text(role),
            paper_type=paper_type,
            public=public,
            committees=frozenset(org for org, _ in held if org is not None),
            dates=dates,
            shown_committee=self.organizations.get(latest[0] or "", ("", ""))[0] or None,
            shown_date=latest[1] or own_date,
            superseded=superseded,
        )


_FILE_FIELDS = ("name", "file_name", "role", "paper_id", "agenda_item_id", "meeting_id", "document_id",
                "supersedes_id")  # fmt: skip


class _FacetTable:
    """The facets of every file of the replica, read in a few set-wise queries, and their context
    labels as the library names them; the files each filter allows, cached."""

    def __init__(self, conn: Connection) -> None:
        objects = _Objects.read(conn)
        files = _fields(conn, "file", *_FILE_FIELDS)
        links = ((str(row[0]), ref) for row in files if (ref := ref_id(row[-1])) is not None)
        superseded = VersionChains(links).replaced()  # the library's rule: a cycle's newest is current
        self.organizations = objects.organizations
        self.files = {str(row[0]): objects.facets(row, str(row[0]) in superseded) for row in files}
        self.newest = {  # a sort key that puts newer documents first
            i: -f.shown_date.toordinal() for i, f in self.files.items() if f.shown_date is not None
        }
        self.committee_ids = frozenset(org for org, _ in objects.meetings.values() if org is not None)
        # one pass over all files: about 15 µs a file, where Library.file() takes 5 ms for one
        self.contexts = {entry.id: entry.context for entry in Library(conn).files()}
        self._allowed: dict[SearchFilters, frozenset[str] | None] = {}

    def allowed(self, filters: SearchFilters) -> frozenset[str] | None:
        """The ids of the files ``filters`` lets through; ``None``: every file (also unknown ones)."""
        if filters in self._allowed:
            return self._allowed[filters]
        if not filters.restricts and (filters.include_superseded or not any(
                f.superseded for f in self.files.values())):  # fmt: skip
            found = None
        else:
            check = _Check(filters)
            found = frozenset(file_id for file_id, facets in self.files.items() if check(facets))
        if len(self._allowed) >= _FILTER_CACHE:
            self._allowed.pop(next(iter(self._allowed)))
        self._allowed[filters] = found
        return found


class _Check:
    """Whether a file's facets pass a filter."""

    def __init__(self, filters: SearchFilters) -> None:
        self.filters = filters
        self.roles: set[str] | None = None
        self.types: set[str] | None = None
        for key in filters.kinds if filters.kinds is not None else ():
            if key.startswith(ROLE_PREFIX) or (key in ROLES and not key.startswith(TYPE_PREFIX)):
                self.roles = (self.roles or set()) | {key.removeprefix(ROLE_PREFIX)}
            else:
                self.types = (self.types or set()) | {key.removeprefix(TYPE_PREFIX)}
        if filters.kinds is not None and not filters.kinds:
            self.roles = set()  # an empty choice allows nothing

    def __call__(self, facets: _FileFacets) -> bool:
        filters = self.filters
        if facets.superseded and not filters.include_superseded:
            return False
        if filters.visibility != "all" and facets.public != (filters.visibility == "public"):
            return False
        if filters.committee_ids is not None and not facets.committees & filters.committee_ids:
            return False
        if filters.date_from is not None or filters.date_to is not None:
            low, high = filters.date_from or date.min, filters.date_to or date.max
            if not any(low <= day <= high for day in facets.dates):
                return False
        if self.roles is not None and facets.role not in self.roles:
            return False
        return self.types is None or facets.paper_type in self.types


# --- queries --------------------------------------------------------------------------------------------


def query_terms(query: str) -> list[_Term]:
    """The terms of a user's query as the index parses them, bounded: at most :data:`MAX_TERMS` terms
    from the first :data:`MAX_QUERY_CHARS` characters; a prefix shorter than :data:`MIN_PREFIX` is
    searched as a word."""
    terms = parse_query(query[:MAX_QUERY_CHARS])[:MAX_TERMS]
    return [
        dataclasses.replace(term, prefix=False) if term.prefix and len(term.tokens[-1]) < MIN_PREFIX else term
        for term in terms
    ]


# --- snippets -------------------------------------------------------------------------------------------
#
# The index cuts a snippet by normalising every word of the page (about half a millisecond a page). Here a
# regular expression that matches every spelling the normalisation folds together (and more) finds the
# first place a term occurs; the index's snippet is then cut from a window of text around it. When the
# window holds no match (a spelling the expression does not foresee), the whole page is used.

_IGNORABLES = "[\u00ad\u200b-\u200d\u2060\ufeff]*"
_BETWEEN = _IGNORABLES + r"(?:[-\u2010\u2011][ \t]*\r?\n?[ \t]*)?"
_SNIPPET_CHARS = 200  # about SNIPPET_WORDS words
_TOKEN = re.compile(r"\S+")  # a run of non-space holds one word or more: counting these never overcounts
_REACH = 40  # characters per word searched for the window's ends (a longer word only shortens the window)
_LONG = 1500  # characters: a shorter page is cut whole


@functools.cache
def _letter_classes() -> dict[str, str]:
    """For each letter a-z, a character class of the letters that normalise to it (ä, Á, ...)."""
    letters: dict[str, list[str]] = defaultdict(list)
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        folded = normalise_word(chr(code))
        if len(folded) == 1 and "a" <= folded <= "z":
            letters[folded].append(chr(code))
    return {letter: f"[{letter}{''.join(letters[letter])}]" for letter in "abcdefghijklmnopqrstuvwxyz"}


def _spellings(token: str) -> str:
    """A pattern for the words that normalise to ``token`` (a superset of them)."""
    classes = _letter_classes()
    pieces: list[str] = []
    i = 0
    while i < len(token):
        if token.startswith("ss", i):
            pieces.append("(?:ss|ß|ẞ)")
            i += 2
            continue
        char = token[i]
        piece = classes.get(char, re.escape(char))
        pieces.append(f"{piece}e?" if char in "aou" else piece)
        i += 1
    return _BETWEEN.join(pieces)


@functools.lru_cache(maxsize=64)
def _locator(terms: tuple[_Term, ...]) -> re.Pattern[str]:
    forms = sorted({form for term in terms for form in (*term.tokens, *term.forms)}, key=len, reverse=True)
    prefixes = {term.tokens[-1] for term in terms if term.prefix} | {
        form for term in terms if term.prefix for form in term.forms[len(term.tokens) :]
    }
    alternatives = [_spellings(form) + ("" if form in prefixes else r"(?![^\W_])") for form in forms]
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def snippet_parts(
    text: str, terms: tuple[_Term, ...], size: int = SNIPPET_WORDS
) -> tuple[tuple[str, bool], ...]:
    """The snippet of ``text`` for a query's ``terms`` as (text, matched) pieces, as the index cuts it."""
    matcher = _Matcher(terms)
    if len(text) > _LONG:
        starts = [found.start() for found in _locator(terms).finditer(text)]
        if starts:
            # the place with the most occurrences within about a snippet's length, as the index chooses
            densest, best, low = starts[0], 0, 0
            for high, position in enumerate(starts):
                while position - starts[low] > _SNIPPET_CHARS:
                    low += 1
                if high - low > best:
                    densest, best = starts[low], high - low
            # the snippet's words before the place (when it lies at the end) and after it, and a few more
            start = _tokens_before(text, densest, size + 2)
            end = _tokens_after(text, densest, 2 * size + 2)
            parts = list(_snippet(text[start:end], matcher, size))
            if any(matched for _, matched in parts):
                if start > 0 and not parts[0][0].startswith("…"):
                    parts.insert(0, ("… ", False))
                if end < len(text) and not parts[-1][0].endswith("…"):
                    parts.append((" …", False))
                return _merged(parts)
    return _snippet(text, matcher, size)


def _merged(parts: list[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    merged: list[tuple[str, bool]] = []
    for piece, matched in parts:
        if merged and not matched and not merged[-1][1]:
            merged[-1] = (merged[-1][0] + piece, False)
        else:
            merged.append((piece, matched))
    return tuple(merged)


def _tokens_before(text: str, position: int, count: int) -> int:
    """Where the ``count``-th run of non-space before ``position`` starts (0: the page's start)."""
    low = max(0, position - count * _REACH)
    starts = [found.start() for found in _TOKEN.finditer(text, low, position)]
    if low > 0 and starts and starts[0] == low and not text[low - 1].isspace():
        starts = starts[1:]  # a word cut in two
    if low == 0 and len(starts) <= count:
        return 0
    return starts[-count] if len(starts) >= count else (starts[0] if starts else position)


def _tokens_after(text: str, position: int, count: int) -> int:
    """Where the ``count``-th run of non-space from ``position`` ends (the page's end if sooner)."""
    high = min(len(text), position + count * _REACH)
    ends = [found.end() for found in _TOKEN.finditer(text, position, high)]
    if high < len(text) and ends and ends[-1] == high and not text[high].isspace():
        ends = ends[:-1]  # a word cut in two
    if high == len(text) and len(ends) <= count:
        return len(text)
    return ends[count - 1] if len(ends) >= count else (ends[-1] if ends else position)


RANK_AT_MOST = 1500  # pages of one word ranked at most when that word is on a third of them or more


def _common(pages: int, total: int) -> bool:
    """Whether a word on ``pages`` of ``total`` pages only selects (see SearchService._scores)."""
    return 2 * pages >= total or (3 * pages >= total and pages > RANK_AT_MOST)


_MATCHES = "SELECT rowid, rank FROM page_fts WHERE page_fts MATCH ?"  # not ORDER BY rank: 15 times slower
# "+rowid": the ids only filter the rows FTS5 matches; as a constraint FTS5 would run the query once per id
_MATCHES_AMONG = (
    "SELECT rowid, rank FROM page_fts WHERE page_fts MATCH ? AND +rowid IN (SELECT value FROM json_each(?))"
)
_ROWIDS = "SELECT rowid FROM page_fts WHERE page_fts MATCH ?"
_COUNT = "SELECT count(*) FROM page_fts WHERE page_fts MATCH ?"
_TEXTS = "SELECT id, text FROM page_text WHERE id IN (SELECT value FROM json_each(?))"


class SearchService:
    """Searches the replica's full-text index with filters. Use one per connection, in one thread."""

    def __init__(self, conn: Connection, path: Path | None = None) -> None:
        self.conn = conn
        self.path = path or Path("replica")  # for error messages
        self._version: tuple[int, int] | None = None
        self._signature: tuple[Any, ...] | None = None
        self._table: _FacetTable | None = None
        self._pages: dict[int, tuple[str, int]] = {}  # page row id -> (file id, page as indexed)

    # what the replica holds, read again when it changed

    def _current(self) -> _FacetTable:
        """The facet table and the page map, read again when the database changed: ``data_version``
        tells another connection's commits, ``total_changes`` this one's. The page map is cheap and
        read again then; the facet table only when the objects changed (their count, their latest
        ``modified``, the sync cursor: the feed moves it with every page it applies)."""
        version = (
            int(self.conn.execute("PRAGMA data_version").fetchone()[0]),
            int(getattr(self.conn, "total_changes", 0)),
        )
        if self._table is not None and version == self._version:
            return self._table
        signature = (
            *self.conn.execute("SELECT count(*), max(modified) FROM object").fetchone(),
            *(self.conn.execute("SELECT value FROM sync_state WHERE key = 'cursor'").fetchone() or ("",)),
        )
        if self._table is None or signature != self._signature:
            self._table = _FacetTable(self.conn)
            self._signature = signature
        self._pages = {
            int(row_id): (str(file_id), int(page))
            for row_id, file_id, page in self.conn.execute("SELECT id, file_id, page FROM page_text")
        }
        self._version = version
        return self._table

    def invalidate(self) -> None:
        """Forget what was read: the next call reads the objects again (after writes that neither the
        sync cursor nor ``modified`` tell)."""
        self._table = None
        self._version = None

    def refresh(self) -> None:
        """Read what changed now (e.g. on a worker thread after a sync), not on the next query."""
        with sqlite_errors(self.path):
            self._current()

    def facets(self) -> SearchFacets:
        """The committees, kinds and date range the filter controls can offer."""
        with sqlite_errors(self.path):
            table = self._current()
        committees = sorted(
            (Committee(org, *table.organizations.get(org, ("", ""))) for org in table.committee_ids),
            key=lambda c: (c.name.casefold() or "\uffff", c.id),
        )
        files = table.files.values()
        roles = {f.role for f in files if f.role}
        types = {f.paper_type for f in files if f.paper_type}
        kinds = [KindOption(ROLE_PREFIX + r, "role", r) for r in sorted(roles, key=_role_order)]
        kinds += [KindOption(TYPE_PREFIX + t, "type", t) for t in sorted(types, key=str.casefold)]
        days = [day for f in files for day in f.dates]
        return SearchFacets(tuple(committees), tuple(kinds), min(days, default=None), max(days, default=None))

    # searching

    def search(
        self, query: str, filters: SearchFilters = NO_FILTERS, limit: int = 50, *, per_file: int | None = 3
    ) -> SearchResults:
        """The pages that contain every word of ``query`` in the files ``filters`` lets through, best
        first (bm25), at most ``per_file`` per document and ``limit`` in all. Never raises for what a
        person types; database problems become :class:`~gremalda.errors.GremaldaError`."""
        started = time.perf_counter()
        terms = query_terms(query)
        if not terms or limit < 1:
            return SearchResults(query, (), 0, 0, 0, _ms(started))
        with sqlite_errors(self.path):
            table = self._current()
            allowed = table.allowed(filters)
            pages = self._pages
            expression = _fts(terms)
            found = [int(r) for (r,) in self.conn.execute(_ROWIDS, (expression,))]
            candidates = [
                (row_id, where)
                for row_id in found
                if (where := pages.get(row_id)) is not None and (allowed is None or where[0] in allowed)
            ]
            scores = self._scores(terms, len(found), [row_id for row_id, _ in candidates], len(pages))
            whole = self._whole(terms, len(candidates)) or {row_id for row_id, _ in candidates}
            newest = table.newest
            matched = [
                (
                    int(row_id not in whole),
                    scores.get(row_id, 0.0),
                    newest.get(file_id, 0),
                    file_id,
                    page,
                    row_id,
                )
                for row_id, (file_id, page) in candidates
            ]
            per = Counter(row[3] for row in matched)
            best = _best(matched, limit, per_file)
            texts = dict(self.conn.execute(_TEXTS, (json.dumps([row[-1] for row in best]),)).fetchall())
            key = tuple(terms)
            hits = tuple(
                self._hit(table, file_id, page, rank, snippet_parts(str(texts.get(row_id, "")), key), per)
                for _, rank, _, file_id, page, row_id in best
            )
        return SearchResults(query, hits, len(matched), len(per), len(found), _ms(started))

    def _scores(self, terms: list[_Term], found: int, candidates: list[int], total: int) -> dict[int, float]:
        """The bm25 rank of each candidate page (row id) among the ``found`` pages matching ``terms``.

        Ranking is what costs (1-7 µs a page, more with SQLCipher's memory security), so only the
        candidates (the pages the filters let through) are ranked. A word on half the pages or more adds
        nothing to bm25 (FTS5 floors its idf at 1e-6), and one on a third of them little (idf at most
        log 2) while ranking its thousands of pages in a large replica costs tens of milliseconds: such
        words only select pages and the others rank them; pages that common words alone select rank
        equal (0), newest first."""
        if not candidates:
            return {}
        if len(terms) == 1:
            common = [] if terms[0].compound or not _common(found, total) else terms
        else:
            common = [t for t in terms if not t.compound and _common(self._count([t]), total)]
        rare = [t for t in terms if t not in common]
        if not rare:
            return {}
        if len(rare) == len(terms) and len(candidates) == found:
            rows = self.conn.execute(_MATCHES, (_fts(rare),))
        else:
            rows = self.conn.execute(_MATCHES_AMONG, (_fts(rare), json.dumps(candidates)))
        return {int(r): float(s) for r, s in rows}

    def _whole(self, terms: list[_Term], candidates: int) -> set[int] | None:
        """The pages where every word occurs whole, when a word is searched as a prefix (``Zuwendung`` for
        ``Zuwendungen``): they rank before those matching prefixes only. Listing them costs what listing
        the matches does; ``None`` when there is no prefix or no candidate."""
        whole = whole_words(terms)
        if whole is None or not candidates:
            return None
        return {int(r) for (r,) in self.conn.execute(_ROWIDS, (_fts(whole),))}

    def _count(self, terms: list[_Term]) -> int:
        return int(self.conn.execute(_COUNT, (_fts(terms),)).fetchone()[0])

    def _hit(
        self,
        table: _FacetTable,
        file_id: str,
        page: int,
        rank: float,
        parts: tuple[tuple[str, bool], ...],
        per: Mapping[str, int],
    ) -> SearchHit:
        facets = table.files.get(file_id)
        return SearchHit(
            file_id=file_id,
            page=max(0, page - 1),
            score=rank,
            parts=parts,
            name=facets.name if facets else file_id,
            context=table.contexts.get(file_id, ""),
            committee=facets.shown_committee if facets else None,
            meeting_date=facets.shown_date if facets else None,
            public=facets.public if facets else False,
            role=facets.role if facets else "",
            paper_type=facets.paper_type if facets else None,
            file_pages_matched=per.get(file_id, 0),
        )


def _fts(terms: list[_Term]) -> str:
    return " AND ".join(term.fts() for term in terms)


def _best(
    matched: list[tuple[int, float, int, str, int, int]], limit: int, per_file: int | None
) -> list[tuple[int, float, int, str, int, int]]:
    """The best ``limit`` of the (prefix only, rank, -date, file id, page, row id) rows, at most
    ``per_file`` of one file; whole-word matches first, equal ranks newest first, then by file id and
    page, so that the order is stable."""
    if per_file is None:
        return heapq.nsmallest(limit, matched)
    taken: Counter[str] = Counter()
    chosen = []
    for row in sorted(matched):
        if taken[row[3]] < per_file:
            taken[row[3]] += 1
            chosen.append(row)
            if len(chosen) == limit:
                break
    return chosen


def _role_order(role: str) -> tuple[int, str]:
    return (ROLES.index(role) if role in ROLES else len(ROLES), role)


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
