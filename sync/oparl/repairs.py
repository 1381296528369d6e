"""What an import had to repair or skip, counted per kind, with a few examples each.

Real OParl servers break the specification in known ways (DESIGN §4). The importer never stops for one
of them: where the meaning is clear the value is repaired, where not the object (or page) is skipped,
and either way it is noted here. The log is thread-safe (referenced objects are fetched on threads) and
goes to the user summarised, one line per kind of problem.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from dataclasses import dataclass

log = logging.getLogger(__name__)

#: what each repair means, for people
REPAIRS: dict[str, str] = {
    "control-characters": "control characters removed from text",
    "not-utf8": "answer not in UTF-8, read as Windows-1252",
    "empty-list-404": "empty filtered list answered with 404, taken as empty",
    "empty-list-bare": "list answered as a bare JSON array instead of a list page",
    "next-drops-filter": "next link without the filter, filter added again",
    "page-loop": "a list page served again, the list taken as ended there",
    "html-200": "HTML page with status 200 instead of JSON, asked again",
    "broken-json": "broken JSON, asked again",
    "tombstone-no-type": "deleted object without type, type taken from its list",
    "type-missing": "object without type, type taken from where it stands",
    "object-for-array": "a single value where a list belongs, taken as a list of one",
    "array-for-object": "a list where a single object belongs, its first entry taken",
    "bad-offset": "date-time with a malformed offset (like +01::00) corrected",
    "naive-time": "date-time without offset, taken as German local time",
    "german-date": "date written as DD.MM.YYYY, converted",
    "absent-value": 'absent value written as "" or "N/A", dropped',
    "file-size": "file size 0 or not a number, taken as unknown",
    "mime-type": "file MIME type not a MIME type (like 'pdf'), corrected",
    "file-name": "file without fileName, name taken from its URL",
    "agenda-order": "agenda order against the array's, repeated or partial: followed or taken from the array",
    "agenda-order-renumbered": "agenda order 1-based or with gaps, renumbered 0, 1, 2, ...",
    "foreign-id": "id or link not fetchable as given, rewritten to the server's address",
    "insecure-link": "http:// link, fetched with https://",
    "future-modified": "modified in the future, not used as the high-water mark",
}

#: what each skip means, for people
SKIPS: dict[str, str] = {
    "referenced-404": "referenced object answers 404 (or is gone)",
    "referenced-failed": "referenced object could not be fetched",
    "object-without-id": "object without a usable id",
    "bad-entry": "list entry that is not an object",
    "bad-page": "list page unusable after retries, the rest of that list not read",
    "list-404": "list answers 404",
    "list-missing": "body without this list",
    "file-failed": "file could not be downloaded",
    "unknown-type": "object of a type the client does not keep",
}

_EXAMPLES = 3


@dataclass(frozen=True, slots=True)
class Incident:
    code: str
    skipped: bool  # False: repaired
    count: int
    examples: tuple[str, ...]

    @property
    def text(self) -> str:
        return (SKIPS if self.skipped else REPAIRS).get(self.code, self.code)

    def line(self) -> str:
        example = f" (e.g. {self.examples[0]})" if self.examples else ""
        return f"{self.count} × {self.text}{example}"


class RepairLog:
    """Counts repairs and skips by code; keeps the first few places of each."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, bool]] = Counter()
        self._examples: dict[tuple[str, bool], list[str]] = {}

    def repaired(self, code: str, where: str = "", count: int = 1) -> None:
        self._note(code, False, where, count)

    def skipped(self, code: str, where: str = "", count: int = 1) -> None:
        self._note(code, True, where, count)
        log.info("oparl: skipped (%s) %s", code, where)

    def _note(self, code: str, skipped: bool, where: str, count: int) -> None:
        if count <= 0:
            return
        key = (code, skipped)
        with self._lock:
            self._counts[key] += count
            examples = self._examples.setdefault(key, [])
            if where and len(examples) < _EXAMPLES and where not in examples:
                examples.append(where)

    def count(self, code: str) -> int:
        with self._lock:
            return self._counts[(code, False)] + self._counts[(code, True)]

    def incidents(self) -> list[Incident]:
        with self._lock:
            return [
                Incident(code, skipped, n, tuple(self._examples.get((code, skipped), ())))
                for (code, skipped), n in sorted(self._counts.items(), key=lambda kv: (kv[0][1], kv[0][0]))
            ]

    @property
    def repairs(self) -> list[Incident]:
        return [i for i in self.incidents() if not i.skipped]

    @property
    def skips(self) -> list[Incident]:
        return [i for i in self.incidents() if i.skipped]
