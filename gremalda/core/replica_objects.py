"""The replica's objects as the library reads them: the values of the wire JSON read defensively (a
missing or mistyped field is absent, never an error) and :class:`_Objects`, the objects one library call
reads, by type and id, with a few set-wise queries (see :mod:`gremalda.core.library`, which re-exports
:func:`parse_time` and :func:`ref_id`). No Qt, no network."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from gremalda.store.database import Connection

Data = dict[str, Any]

_LABEL_LENGTH = 60

# --- values of the wire JSON, read defensively ---------------------------------------------------------


def parse_time(value: Any) -> datetime | None:
    """An ISO 8601 date or date-time as an aware datetime (naive ones are taken as UTC, as the server
    sends UTC); ``None`` for anything absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def ref_id(value: Any) -> str | None:
    """A reference to another object as the replica's id text (``None``: no reference)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value or None
    return None


def _supersedes(file: Data) -> str | None:
    return ref_id(file.get("supersedes_id"))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _flag(value: Any, default: bool) -> bool:
    return bool(value) if isinstance(value, bool | int) else default


def _short(text: str, length: int = _LABEL_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


_NUMBER = re.compile(r"([0-9]+)")


def _natural(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that puts "TOP 2" before "TOP 10" and "3.2" before "3.10"."""
    parts = _NUMBER.split(text.casefold())
    return tuple((0, int(part), "") if _NUMBER.fullmatch(part) else (1, 0, part) for part in parts if part)


def _id_key(object_id: str) -> tuple[int, int, str]:
    return (0, int(object_id), "") if object_id.isascii() and object_id.isdigit() else (1, 0, object_id)


def _token(object_id: str) -> str | None:
    """The longest run of ASCII letters and digits in an id (they appear unescaped in any JSON text)."""
    return max(re.findall(r"[0-9A-Za-z]+", object_id), key=len, default=None)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


# --- reading objects -------------------------------------------------------------------------------------


class _Objects:
    """The objects one call reads, by type and id; each is read at most once (absent ones too)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.cache: dict[str, dict[str, Data]] = defaultdict(dict)
        self.absent: dict[str, set[str]] = defaultdict(set)
        self.complete: set[str] = set()
        self._superseded: set[str] | None = None

    def _rows(
        self, kind: str, sql: str, parameters: tuple[Any, ...], keep: Callable[[Data], bool] | None = None
    ) -> dict[str, Data]:
        """The objects the query reads (``id, data``), those ``keep`` accepts; they are remembered."""
        found: dict[str, Data] = {}
        for object_id, raw in self.conn.execute(sql, parameters):
            data = json.loads(raw)
            if isinstance(data, dict) and (keep is None or keep(data)):
                found[str(object_id)] = data
        self.cache[kind].update(found)
        return found

    def scan(self, kind: str) -> Iterator[Data]:
        """Every object of the type, read once and not remembered (for counting)."""
        for (raw,) in self.conn.execute("SELECT data FROM object WHERE type = ?", (kind,)):
            if isinstance(data := json.loads(raw), dict):
                yield data

    def all(self, kind: str) -> dict[str, Data]:
        if kind not in self.complete:
            self.cache[kind] = {}
            self._rows(kind, "SELECT id, data FROM object WHERE type = ?", (kind,))
            self.complete.add(kind)
        return self.cache[kind]

    def some(self, kind: str, ids: Iterable[str | None]) -> dict[str, Data]:
        wanted = {object_id for object_id in ids if object_id is not None}
        cache = self.cache[kind]
        absent = self.absent[kind]
        unknown = (
            set() if kind in self.complete else {i for i in wanted if i not in cache and i not in absent}
        )
        if unknown:
            self._rows(
                kind,
                "SELECT id, data FROM object WHERE type = ? AND id IN (SELECT value FROM json_each(?))",
                (kind, json.dumps(sorted(unknown))),
            )
            absent.update(i for i in unknown if i not in cache)
        return {object_id: cache[object_id] for object_id in wanted if object_id in cache}

    def get(self, kind: str, object_id: str | None) -> Data | None:
        if object_id is None:
            return None
        found = self.cache[kind].get(object_id)
        if found is None and kind not in self.complete and object_id not in self.absent[kind]:
            found = self.some(kind, (object_id,)).get(object_id)
        return found

    def where(self, kind: str, refs: Mapping[str, Collection[str]]) -> dict[str, Data]:
        """The objects of ``kind`` whose reference ``field`` is one of the ids, for any of ``refs``.

        Reads every object of the type and keeps the matches, except for the children of one parent:
        then only the rows whose JSON text holds the parent id's longest run of ASCII letters and
        digits (JSON never escapes those) are read and checked."""
        wanted = {field: set(ids) for field, ids in refs.items() if ids}
        if not wanted:
            return {}

        checks = list(wanted.items())

        def keep(data: Data) -> bool:
            for field, ids in checks:
                value = data.get(field)
                if value is not None and ref_id(value) in ids:
                    return True
            return False

        if kind in self.complete:
            return {object_id: data for object_id, data in self.cache[kind].items() if keep(data)}
        everything = set().union(*wanted.values())
        token = _token(next(iter(everything))) if len(everything) == 1 else None
        if token is None:
            return self._rows(kind, "SELECT id, data FROM object WHERE type = ?", (kind,), keep)
        return self._rows(
            kind, "SELECT id, data FROM object WHERE type = ? AND instr(data, ?) > 0", (kind, token), keep
        )

    def superseded(self) -> set[str]:
        """The ids of the files a newer present file replaces, by the version chain's rule
        (:meth:`gremalda.core.version_chain.VersionChains.replaced`): a file naming itself is not
        replaced, and of a cycle (files replacing each other round, as an older server let a clerk
        write) its newest id is current, as the open tabs and re-anchoring take it."""
        from gremalda.core.version_chain import VersionChains  # it reads ids with ref_id from here

        if self._superseded is None:
            if "file" in self.complete:
                files = self.cache["file"]
            else:  # only rows with a supersedes_id (any other spelling of null is read and checked too)
                sql = "SELECT id, data FROM object WHERE type = ? AND instr(data, ?) = 0"
                files = self._rows(
                    "file", sql, ("file", '"supersedes_id":null'), lambda f: _supersedes(f) is not None
                )
            links = ((file_id, ref) for file_id, data in files.items() if (ref := _supersedes(data)))
            self._superseded = VersionChains(links).replaced()
        return self._superseded

    def prefetch_owners(self, files: Iterable[Data]) -> None:
        """Read what the context labels of these files need, a query per type."""
        files = list(files)
        items = self.some("agenda_item", (ref_id(f.get("agenda_item_id")) for f in files))
        self.some("paper", (ref_id(f.get("paper_id")) for f in files))
        meeting_ids = [ref_id(f.get("meeting_id")) for f in files]
        self.some("meeting", meeting_ids + [ref_id(item.get("meeting_id")) for item in items.values()])
        documents = self.some("document", (ref_id(f.get("document_id")) for f in files))
        processes = self.some("process", (ref_id(d.get("process_id")) for d in documents.values()))
        self.some("efile", (ref_id(p.get("efile_id")) for p in processes.values()))
