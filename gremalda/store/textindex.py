"""The full-text index of page texts, German-friendly, inside the encrypted database.

Normalisation is done here, in Python, the same way for the text that is indexed and for the query, so
that spellings a reader treats as the same word meet in one form (:func:`normalise_word`):

1. Words are maximal runs of letters and digits (any script). Combining marks, soft hyphens (U+00AD)
   and zero-width characters (U+200B-U+200D, U+2060, U+FEFF) inside a word belong to it; everything
   else separates words (so ``Straßen-Ausbau`` is two words, ``1.000,50`` three).
2. Each word is case-folded (``ß`` and ``ẞ`` become ``ss``), soft hyphens and zero-width characters
   are dropped.
3. The German transliterations ``ae``, ``oe``, ``ue`` become ``a``, ``o``, ``u`` — except after a vowel
   (``Feuer``, ``neue``, ``Mauer``, ``Steuer`` keep their ``ue``) and ``ue`` after ``q`` (``Quelle``).
4. Accents and umlauts are removed (NFKD, combining marks dropped): ``ä``→``a``, ``ö``→``o``, ``ü``→``u``,
   ``é``→``e``; compatibility forms are unfolded (``ﬁ``→``fi``); what is not a letter or digit goes.

So ``Straße``, ``Strasse`` and ``STRASSE`` are all ``strasse``; ``Größe``, ``Groesse``, ``GRÖSSE`` and
``grosse`` are ``grosse``; ``Übung``, ``Uebung`` and ``ubung`` are ``ubung``; ``Müller``/``Mueller``
are ``muller``. The price: words differing only there collide (``schon``/``schön``, ``Masse``/``Maße``),
as in most German search engines; prefix searches widen a little (``Groe*`` is ``gro*``).

Hyphenated compounds: words joined by a hyphen (also at a line break, ``Verwaltungs-\\nvorschrift``) are
indexed as the words and, in a second column, as the joined compound (``strassenausbau``), so that
``Straßenausbau`` finds ``Straßen-Ausbau`` and the other way round.

The FTS5 table is contentless: it holds only the index; the page text itself is in ``page_text``
(both encrypted by SQLCipher). Results are ranked by bm25 (compound column at half weight); snippets are
cut from the original text, with the words that matched marked.

Queries are parsed here, never handed to FTS5 as they are: every word becomes a quoted FTS5 string,
all words must occur (AND). A word typed without quotes is a prefix (``Zuwendung`` finds ``Zuwendungen``
and ``Zuwendungsempfänger``: German inflects and compounds), unless it is shorter than
:data:`WORD_PREFIX_MIN` letters or a number; pages where every word occurs whole rank first. Supported:
``"a phrase"`` (exact words), a trailing ``*`` for a prefix of any length. FTS5 operators typed
by the user (``AND``, ``OR``, ``NOT``, ``NEAR(``, ``^``, ``:``, quotes, brackets) are searched as words or
dropped as punctuation; they never reach FTS5 as syntax.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gremalda.store.database import Connection, transaction

MARK = ("\u27e6", "\u27e7")  # ⟦ ⟧: rare in documents; use Hit.parts to render matches otherwise
SNIPPET_WORDS = 24
_LEAD_WORDS = 5
_MAX_CHAIN = 8
WORD_PREFIX_MIN = 3  # a shorter word typed without ``*`` is searched whole ("EU", "zu"): no huge prefix scans


def _combining_marks() -> str:
    ranges: list[tuple[int, int]] = []
    for code in range(0x10000):  # the Basic Multilingual Plane: where the marks of living scripts are
        if unicodedata.category(chr(code)).startswith("M"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)


_IGNORABLE = "\u00ad\u200b-\u200d\u2060\ufeff"
_WORD = re.compile(rf"(?:[^\W_]|[{_combining_marks()}{_IGNORABLE}])+")
_IGNORABLE_RE = re.compile(f"[{_IGNORABLE}]")
_HYPHEN_JOIN = re.compile(r"[-\u2010\u2011](?:[ \t]*\r?\n[ \t]*)?")
_VOWELS = "aeiouyàáâãäåæèéêëìíîïòóôõöøœùúûüýÿ"
_DIGRAPH = re.compile(rf"(?<![{_VOWELS}])([ao])e|(?<![{_VOWELS}q])(u)e")
_QUERY_CHUNK = re.compile(r'["„“”]([^"„“”]*)["„“”]?|([^\s"„“”]+)')
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1 << 16)
def normalise_word(word: str) -> str:
    """One word in its normalised form (see the module's documentation); ``""`` if nothing is left."""
    folded = _IGNORABLE_RE.sub("", word).casefold()
    folded = _DIGRAPH.sub(lambda m: m.group(1) or m.group(2), folded)
    return "".join(c for c in unicodedata.normalize("NFKD", folded) if c.isalnum())


def normalise(text: str) -> str:
    """The normalised words of ``text``, separated by single spaces."""
    return " ".join(w for w in (normalise_word(m.group()) for m in _WORD.finditer(text)) if w)


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    norm: str
    joined_to_next: bool  # a hyphen (perhaps at a line break) leads to the next word


def _words(text: str) -> list[_Word]:
    found = [(m.start(), m.end(), norm) for m in _WORD.finditer(text) if (norm := normalise_word(m.group()))]
    starts = [start for start, _, _ in found[1:]]
    return [
        _Word(start, end, norm, i < len(starts) and bool(_HYPHEN_JOIN.fullmatch(text, end, starts[i])))
        for i, (start, end, norm) in enumerate(found)
    ]


def _chains(words: Sequence[_Word]) -> Iterable[tuple[int, int]]:
    """(first, last + 1) of every run of two or more hyphen-joined words (sub-runs included)."""
    i = 0
    while i < len(words):
        j = i
        while j < len(words) - 1 and words[j].joined_to_next:
            j += 1
        for a in range(i, j):
            for b in range(a + 2, min(j + 1, a + _MAX_CHAIN) + 1):
                yield a, b
        i = j + 1


def _index_columns(text: str) -> tuple[str, str]:
    words = _words(text)
    joined = ("".join(w.norm for w in words[a:b]) for a, b in _chains(words))
    return " ".join(w.norm for w in words), " ".join(joined)


# --- queries --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    """One element of a query: a word, or a phrase of words (typed in quotes, or joined by punctuation
    as in ``1.000,50``); ``compound`` when its words are joined by hyphens (``Straßen-Ausbau``: the
    phrase or the compound ``strassenausbau``); ``prefix`` for a trailing ``*``, and for a word typed
    without quotes (:data:`WORD_PREFIX_MIN`)."""

    tokens: tuple[str, ...]
    prefix: bool
    compound: bool

    @property
    def whole(self) -> _Term:
        """The term matching whole words only."""
        return _Term(self.tokens, False, self.compound) if self.prefix else self

    @property
    def forms(self) -> tuple[str, ...]:
        return (*self.tokens, "".join(self.tokens)) if self.compound else self.tokens

    def fts(self) -> str:
        star = "*" if self.prefix else ""
        phrase = f"{_quote(' '.join(self.tokens))}{star}"
        return f"({phrase} OR {_quote(''.join(self.tokens))}{star})" if self.compound else phrase


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def parse_query(query: str) -> list[_Term]:
    """The terms of a user's query; all of them must match."""
    terms: list[_Term] = []
    for m in _QUERY_CHUNK.finditer(query):
        quoted, bare = m.group(1), m.group(2)
        words = _words(quoted if quoted is not None else bare)
        if words:
            compound = bare is not None and len(words) > 1 and all(w.joined_to_next for w in words[:-1])
            typed = bare is not None and bare.endswith("*")
            last = words[-1].norm
            implied = bare is not None and not typed and len(last) >= WORD_PREFIX_MIN and not last.isdigit()
            terms.append(_Term(tuple(w.norm for w in words), typed or implied, compound))
    return terms


def whole_words(terms: Sequence[_Term]) -> list[_Term] | None:
    """``terms`` with whole words for the prefixes (pages matching these rank first), or ``None`` if
    there is no prefix."""
    return [term.whole for term in terms] if any(term.prefix for term in terms) else None


def fts_query(query: str) -> str:
    """The FTS5 MATCH expression for a user's query (``""`` when it has no words)."""
    return " AND ".join(term.fts() for term in parse_query(query))


# --- results --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """A page that matched. ``score`` is FTS5's bm25 (smaller is better); ``parts`` is the snippet as
    (text, matched) pieces, for a view that marks matches its own way."""

    file_id: str
    page: int
    score: float
    parts: tuple[tuple[str, bool], ...]

    def marked(self, start: str = MARK[0], end: str = MARK[1]) -> str:
        return "".join(f"{start}{text}{end}" if hit else text for text, hit in self.parts)

    @property
    def snippet(self) -> str:
        """The snippet with matched words between ⟦ and ⟧."""
        return self.marked()


class _Matcher:
    def __init__(self, terms: Sequence[_Term]) -> None:
        self.exact: set[str] = set()
        self.prefixes: list[str] = []
        for term in terms:
            if term.prefix:  # the last word and the compound are prefixes
                self.exact.update(term.tokens[:-1])
                self.prefixes += [term.tokens[-1], *term.forms[len(term.tokens) :]]
            else:
                self.exact.update(term.forms)

    def __call__(self, norm: str) -> bool:
        return norm in self.exact or any(norm.startswith(p) for p in self.prefixes)


def _snippet(text: str, matches: _Matcher, size: int) -> tuple[tuple[str, bool], ...]:
    words = _words(text)
    if not words:
        return ()
    hit = [matches(w.norm) for w in words]
    for a, b in _chains(words):
        if matches("".join(w.norm for w in words[a:b])):
            hit[a:b] = [True] * (b - a)
    first = 0
    best = -1
    for i in (i for i, h in enumerate(hit) if h):
        start = max(0, min(i - _LEAD_WORDS, len(words) - size))
        count = sum(hit[start : start + size])
        if count > best:
            first, best = start, count
    last = min(len(words), first + size)
    # the text before the first and after the last word of the page belongs to it (quotes, a full stop)
    begin = 0 if first == 0 else words[first].start
    finish = len(text) if last == len(words) else words[last - 1].end
    parts: list[tuple[str, bool]] = [] if first == 0 else [("… ", False)]
    position = begin
    for word, matched in zip(words[first:last], hit[first:last], strict=True):
        parts += [
            (_SPACES.sub(" ", text[position : word.start]), False),
            (text[word.start : word.end], matched),
        ]
        position = word.end
    parts.append((_SPACES.sub(" ", text[position:finish]), False))
    if last < len(words):
        parts.append((" …", False))
    parts[0] = (parts[0][0].lstrip(), False) if first == 0 else parts[0]
    parts[-1] = (parts[-1][0].rstrip(), False)
    merged: list[tuple[str, bool]] = []
    for piece, flag in parts:
        if not piece:
            continue
        if merged and not flag and not merged[-1][1]:
            merged[-1] = (merged[-1][0] + piece, False)
        else:
            merged.append((piece, flag))
    return tuple(merged)


# --- the index ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexedFile:
    file_id: str
    sha256: str | None
    pages: int


class TextIndex:
    """Adds page texts to the index of the replica's database, and searches it."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_pages(self, file_id: str, pages: Iterable[tuple[int, str]], sha256: str | None = None) -> int:
        """Index (or re-index) the given ``(page, text)`` pairs of a file in one transaction; pages can
        arrive in batches as extraction proceeds. When ``sha256`` (the file's content) differs from
        what is indexed, the file's old pages are dropped first. The file must be in the ``file``
        table. Returns the number of pages the index holds for the file."""
        with transaction(self.conn):
            known = self.indexed(file_id)
            if known is not None and sha256 is not None and known.sha256 not in (None, sha256):
                self.conn.execute("DELETE FROM page_text WHERE file_id = ?", (file_id,))
            for page, text in pages:
                text = text.replace("\x00", " ")
                self.conn.execute("DELETE FROM page_text WHERE file_id = ? AND page = ?", (file_id, page))
                rowid = self.conn.execute(
                    "INSERT INTO page_text (file_id, page, text) VALUES (?, ?, ?)", (file_id, page, text)
                ).lastrowid
                words, joined = _index_columns(text)
                self.conn.execute(
                    "INSERT INTO page_fts (rowid, words, joined) VALUES (?, ?, ?)", (rowid, words, joined)
                )
            row = self.conn.execute("SELECT count(*) FROM page_text WHERE file_id = ?", (file_id,)).fetchone()
            count = int(row[0])
            self.conn.execute(
                "INSERT INTO text_source (file_id, sha256, pages) VALUES (?, ?, ?) ON CONFLICT (file_id) DO "
                "UPDATE SET sha256 = coalesce(excluded.sha256, sha256), pages = excluded.pages, "
                "indexed = excluded.indexed",
                (file_id, sha256, count),
            )
        return count

    def remove_file(self, file_id: str) -> None:
        """Drop a file's pages from the index (removing the file's row does it too)."""
        with transaction(self.conn):
            self.conn.execute("DELETE FROM page_text WHERE file_id = ?", (file_id,))
            self.conn.execute("DELETE FROM text_source WHERE file_id = ?", (file_id,))

    def indexed(self, file_id: str) -> IndexedFile | None:
        """What the index holds of a file, or ``None``."""
        sql = "SELECT sha256, pages FROM text_source WHERE file_id = ?"
        row = self.conn.execute(sql, (file_id,)).fetchone()
        return None if row is None else IndexedFile(file_id, row[0], int(row[1]))

    def search(self, query: str, limit: int = 20, *, snippet_words: int = SNIPPET_WORDS) -> list[Hit]:
        """The pages that contain every word of ``query``, best first (bm25), at most ``limit``."""
        terms = parse_query(query)
        if not terms or limit < 1:
            return []
        whole = whole_words(terms)
        rows = self._ranked(whole, limit) if whole else []
        seen = {(f, p) for f, p, _, _ in rows}
        rows += [row for row in self._ranked(terms, limit) if (row[0], row[1]) not in seen][
            : limit - len(rows)
        ]
        matcher = _Matcher(terms)
        return [Hit(str(f), int(p), float(r), _snippet(t, matcher, snippet_words)) for f, p, t, r in rows]

    def _ranked(self, terms: Sequence[_Term], limit: int) -> list[tuple[str, int, str, float]]:
        return [
            (str(f), int(p), str(t), float(r))
            for f, p, t, r in self.conn.execute(
                "SELECT p.file_id, p.page, p.text, m.rank FROM "
                "(SELECT rowid, rank FROM page_fts WHERE page_fts MATCH ? ORDER BY rank LIMIT ?) AS m "
                "JOIN page_text AS p ON p.id = m.rowid ORDER BY m.rank, p.file_id, p.page",
                (" AND ".join(term.fts() for term in terms), limit),
            )
        ]

    def optimize(self) -> None:
        """Merge the index's segments (after a large initial indexing)."""
        with transaction(self.conn):
            self.conn.execute("INSERT INTO page_fts (page_fts) VALUES ('optimize')")
