"""Re-anchoring text markup when a document is replaced by a new version.

A highlight, underline or strike-out carries the text it marks (``quote.exact``) with some context
before and after it (``prefix``/``suffix``). In the new version's page texts the quote is looked up by
its normalised words (:func:`gremalda.store.textindex.normalise_word`: case, diacritics, ä/ae, ß/ss,
soft hyphens do not matter), run together so that a word split by a hyphen at a line break, or joined
differently, still matches; a match starts and ends on word boundaries. Among several occurrences the
one with the most matching context characters wins, then the one nearest to the old page. Found: the
record moves there (its quads from ``locate``, the caller's way of turning a span of page text into
quads, e.g. from PyMuPDF's word boxes). Not found: the record moves to the new version unchanged but
flagged ``attention`` — never dropped.

Notes, free text and ink have no quote: they stay in place when their page's text is unchanged (same
page-text hash), otherwise they are flagged too.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gremalda.core.annotations.merge import edit
from gremalda.core.annotations.records import Annotation, Quad, TextQuote
from gremalda.store.textindex import normalise, normalise_word

CONTEXT_CHARS = 32  # context kept on each side of a quote
_WORD = re.compile(r"[^\W_]+(?:[\u00ad\u200b-\u200d][^\W_]+)*")

# page, start, end (character offsets into that page's text) -> the quads covering the span
Locate = Callable[[int, int, int], Sequence[Quad]]


def page_text_hash(text: str) -> str:
    """The hash of a page's text as annotations record it: of its normalised words, so that a new
    extraction differing only in spacing or line breaks counts as the same text."""
    return hashlib.sha256(normalise(text).encode()).hexdigest()


def quote_at(text: str, start: int, end: int, *, context: int = CONTEXT_CHARS) -> TextQuote:
    """The text-quote anchor of ``text[start:end]``."""
    return TextQuote(text[start:end], text[max(0, start - context) : start], text[end : end + context])


@dataclass(frozen=True)
class Match:
    page: int
    start: int
    end: int
    score: int


class PageTexts:
    """The page texts of one document version, prepared for quote look-ups: per page the normalised
    words run together (so that "Haus-haltsplan" split at a line break still matches "Haushaltsplan")
    with, for every character, the word it came from."""

    def __init__(self, pages: Sequence[str]) -> None:
        self.pages = list(pages)
        self._prepared = [self._prepare(text) for text in self.pages]

    @staticmethod
    def _prepare(text: str) -> tuple[str, list[int], list[tuple[int, int]], set[int], set[int]]:
        spans: list[tuple[int, int]] = []
        owner: list[int] = []
        parts: list[str] = []
        starts: set[int] = set()
        ends: set[int] = set()
        pos = 0
        for m in _WORD.finditer(text):
            word = normalise_word(m.group())
            if not word:
                continue
            starts.add(pos)
            owner.extend([len(spans)] * len(word))
            spans.append((m.start(), m.end()))
            parts.append(word)
            pos += len(word)
            ends.add(pos)
        return "".join(parts), owner, spans, starts, ends

    def find(self, quote: TextQuote, *, near: int = 0) -> Match | None:
        """Where ``quote`` is (starting and ending on word boundaries), or ``None``; among several
        places the one with the most matching context characters, then the one nearest to ``near``."""
        exact = _joined(quote.exact)
        if not exact:
            return None
        prefix, suffix = _joined(quote.prefix), _joined(quote.suffix)
        best: tuple[tuple[int, int], Match] | None = None
        for page, (joined, owner, spans, starts, ends) in enumerate(self._prepared):
            at = joined.find(exact)
            while at >= 0:
                stop = at + len(exact)
                if at in starts and stop in ends:
                    score = _common_suffix(prefix, joined[:at]) + _common_prefix(suffix, joined[stop:])
                    match = Match(page, spans[owner[at]][0], spans[owner[stop - 1]][1], score)
                    key = (score, -abs(page - near))
                    if best is None or key > best[0]:
                        best = (key, match)
                at = joined.find(exact, at + 1)
        return None if best is None else best[1]


def _joined(text: str) -> str:
    return "".join(normalise_word(m.group()) for m in _WORD.finditer(text))


def find_quote(quote: TextQuote, pages: Sequence[str] | PageTexts, *, near: int = 0) -> Match | None:
    """Where ``quote`` is in ``pages`` (page texts, 0-based), or ``None``."""
    return (pages if isinstance(pages, PageTexts) else PageTexts(pages)).find(quote, near=near)


def _common_suffix(a: str, b: str) -> int:
    k = 0
    while k < len(a) and k < len(b) and a[-1 - k] == b[-1 - k]:
        k += 1
    return k


def _common_prefix(a: str, b: str) -> int:
    k = 0
    while k < len(a) and k < len(b) and a[k] == b[k]:
        k += 1
    return k


def reanchor(
    record: Annotation,
    pages: Sequence[str] | PageTexts,
    device: str,
    *,
    file_id: str,
    file_sha256: str | None,
    locate: Locate | None = None,
    now: str = "",
) -> Annotation:
    """``record`` moved onto the new version ``file_id`` whose page texts are ``pages``; a placement
    edit made on ``device`` (so it merges like any other edit). See the module's documentation."""
    texts = pages if isinstance(pages, PageTexts) else PageTexts(pages)
    moved = {"file_id": file_id, "file_sha256": file_sha256}
    if record.kind.is_text_markup and record.quote is not None:
        match = texts.find(record.quote, near=record.page)
        if match is not None:
            text = texts.pages[match.page]
            quads = tuple(locate(match.page, match.start, match.end)) if locate is not None else ()
            same_place = match.page == record.page and page_text_hash(text) == record.page_text_hash
            if not quads and not same_place:  # no geometry for the new place: keep the old one, flagged
                return edit(record, device, modified=now, attention=True, **moved)
            return edit(
                record,
                device,
                modified=now,
                page=match.page,
                quads=quads or record.quads,
                quote=quote_at(text, match.start, match.end),
                page_text_hash=page_text_hash(text),
                attention=False,
                **moved,
            )
        return edit(record, device, modified=now, attention=True, **moved)
    if record.page < len(texts.pages) and page_text_hash(texts.pages[record.page]) == record.page_text_hash:
        return edit(record, device, modified=now, **moved)
    return edit(record, device, modified=now, attention=True, **moved)
