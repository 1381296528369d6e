"""Repairing one OParl object as real servers send it, before it is mapped into the replica.

:func:`normalise` returns a cleaned copy (never changes its input) with the short type name in
``type`` (``"Meeting"`` for ``https://schema.oparl.org/1.0/Meeting``), or ``None`` for an entry that
cannot be used (no id, not an object); embedded objects (agenda items, files, consultations,
memberships, locations) are repaired the same way. Each repair is noted in the :class:`RepairLog`:

- ``""``, whitespace or ``"N/A"`` for an absent value: the field (or list entry) is dropped;
- a single value where a list belongs (``"organization": "https://…"``): a list of one; a list where
  a single object belongs (``"mainFile": [{…}]``): its first entry;
- date-times with malformed offsets (``+01::00``, ``+0100``, ``+1:00``, a space for the ``T``) are
  written as RFC 3339; one without any offset is taken as German local time (Europe/Berlin); a date
  written ``16.02.2017`` becomes ``2017-02-16``;
- a tombstone (``deleted: true``) without ``type``: the type of the list it stands in;
- a file's ``size`` of 0 (or not a number): dropped (unknown; the size is measured on arrival); its
  ``mimeType`` ``"pdf"`` (not a MIME type): ``application/pdf``; no ``fileName``: the last part of its
  URL.

Agenda order (1-based, gaps, missing) is a matter of the whole meeting: see :mod:`sync.oparl.mapping`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any
from urllib.parse import unquote, urlsplit

from sync.oparl.repairs import RepairLog

try:  # the time zone of German council systems, for date-times that come without an offset
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    _LOCAL: tzinfo = ZoneInfo("Europe/Berlin")
except (ImportError, ZoneInfoNotFoundError):  # pragma: no cover - no tz database
    _LOCAL = timezone(timedelta(hours=1))

Data = dict[str, Any]

#: the object types the importer knows (short names)
TYPES = frozenset({
    "System", "Body", "LegislativeTerm", "Organization", "Person", "Membership", "Meeting",
    "AgendaItem", "Paper", "Consultation", "File", "Location",
})  # fmt: skip

#: fields that hold lists (of URLs, strings or embedded objects)
ARRAYS: dict[str, frozenset[str]] = {
    "System": frozenset({"otherOparlVersions", "otherOParlVersions"}),
    "Body": frozenset({"equivalent", "equivalentBody", "legislativeTerm", "keyword"}),
    "LegislativeTerm": frozenset({"keyword"}),
    "Organization": frozenset({"membership", "post", "keyword"}),
    "Person": frozenset({"membership", "keyword", "status", "title", "phone", "email"}),
    "Membership": frozenset({"keyword"}),
    "Meeting": frozenset({"organization", "participant", "auxiliaryFile", "agendaItem", "keyword"}),
    "AgendaItem": frozenset({"auxiliaryFile", "keyword"}),
    "Paper": frozenset(
        {
            "relatedPaper",
            "superordinatedPaper",
            "subordinatedPaper",
            "auxiliaryFile",
            "location",
            "originatorPerson",
            "underDirectionOf",
            "originatorOrganization",
            "consultation",
            "keyword",
        }
    ),
    "Consultation": frozenset({"organization", "keyword"}),
    "File": frozenset({"derivativeFile", "meeting", "agendaItem", "paper", "keyword"}),
    "Location": frozenset({"bodies", "organizations", "persons", "meetings", "papers", "keyword"}),
}

#: fields that hold one object or URL
SINGLES: dict[str, frozenset[str]] = {
    "Body": frozenset({"location", "system"}),
    "Organization": frozenset({"location", "body", "subOrganizationOf"}),
    "Person": frozenset({"location", "body"}),
    "Membership": frozenset({"person", "organization", "onBehalfOf"}),
    "Meeting": frozenset({"location", "invitation", "resultsProtocol", "verbatimProtocol", "body"}),
    "AgendaItem": frozenset({"resolutionFile", "consultation", "meeting"}),
    "Paper": frozenset({"mainFile", "body"}),
    "Consultation": frozenset({"paper", "agendaItem", "meeting"}),
    "File": frozenset({"masterFile"}),
}

#: fields that hold embedded objects, and their type
EMBEDDED: dict[str, dict[str, str]] = {
    "Body": {"legislativeTerm": "LegislativeTerm", "location": "Location"},
    "Organization": {"location": "Location"},
    "Person": {"membership": "Membership", "location": "Location"},
    "Meeting": {
        "location": "Location",
        "invitation": "File",
        "resultsProtocol": "File",
        "verbatimProtocol": "File",
        "auxiliaryFile": "File",
        "agendaItem": "AgendaItem",
    },
    "AgendaItem": {"resolutionFile": "File", "auxiliaryFile": "File"},
    "Paper": {
        "mainFile": "File",
        "auxiliaryFile": "File",
        "consultation": "Consultation",
        "location": "Location",
    },
}

_NO_ARRAYS: frozenset[str] = frozenset()
_NO_EMBEDDED: dict[str, str] = {}
_DATE_KEYS = frozenset({"date", "startDate", "endDate", "start", "end"})
_KEEP = frozenset({"id", "type"})

_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2})?)([.,]\d+)?\s*"
    r"(Z|z|[+-]\d{1,2}(?::{0,2}\d{2})?)?"
)
_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")

MIME_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "rtf": "application/rtf",
    "txt": "text/plain",
    "csv": "text/csv",
    "htm": "text/html",
    "html": "text/html",
    "xml": "application/xml",
    "zip": "application/zip",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "tif": "image/tiff",
    "tiff": "image/tiff",
}


def short_type(value: Any) -> str | None:
    """``"Meeting"`` for ``https://schema.oparl.org/1.0/Meeting`` (or ``oparl:Meeting``); None if absent."""
    if not isinstance(value, str) or not value.strip():
        return None
    name = value.strip().rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
    for known in TYPES:  # be lenient about case ("agendaitem")
        if known.lower() == name.lower():
            return known
    return name or None


def is_absent(value: Any) -> bool:
    """``None``, ``""``, whitespace or ``"N/A"``: what servers write for a value they do not have."""
    if value is None:
        return True
    if isinstance(value, str):
        stripped = value.strip()
        return not stripped or stripped.lower() in ("n/a", "n.a.")
    return False


def _offset(text: str | None) -> str | None:
    """``+HH:MM`` for a written offset (``Z`` kept), None for an unreadable one."""
    if text is None:
        return None
    if text in ("Z", "z"):
        return "Z"
    sign, digits = text[0], text[1:].replace(":", "")
    if len(digits) <= 2:
        hours, minutes = digits, "00"
    else:
        hours, minutes = digits[:-2], digits[-2:]
    if not hours.isdigit() or not minutes.isdigit() or int(hours) > 14 or int(minutes) > 59:
        return None
    return f"{sign}{int(hours):02d}:{minutes}"


def fix_datetime(value: str, log: RepairLog, where: str) -> str | None:
    """An RFC 3339 date-time for ``value`` if it is a (possibly malformed) date-time; ``value`` itself
    if it is no date-time at all; None if it is an unreadable one."""
    if len(value) < 16 or value[4:5] != "-" or value[10:11] not in ("T", "t", " "):
        return value
    if (
        len(value) == 25
        and value[10] == "T"
        and value[19] in "+-"
        and value[22] == ":"
        and value[20:22] <= "14"
    ):
        return value  # the usual, well-formed "2017-02-16T18:00:00+01:00"
    match = _DATETIME.fullmatch(value.strip())
    if match is None:
        return value
    day, clock, fraction, written = match.groups()
    if len(clock) == 5:
        clock += ":00"
    fraction = ("." + fraction[1:]) if fraction else ""
    if written is None:
        try:
            naive = datetime.fromisoformat(f"{day}T{clock}")
        except ValueError:
            return None
        local = naive.replace(tzinfo=_LOCAL).strftime("%z")
        log.repaired("naive-time", where)
        return f"{day}T{clock}{fraction}{local[:3]}:{local[3:]}"
    offset = _offset(written)
    if offset is None:
        log.repaired("bad-offset", where)
        return None
    fixed = f"{day}T{clock}{fraction}{offset}"
    if fixed != value:
        if offset != written:
            log.repaired("bad-offset", where)
        try:
            datetime.fromisoformat(fixed)
        except ValueError:
            return None
    return fixed


def _german_date(value: str) -> str | None:
    match = _GERMAN_DATE.fullmatch(value.strip())
    if match is None:
        return None
    try:
        return date(int(match[3]), int(match[2]), int(match[1])).isoformat()
    except ValueError:
        return None


def guess_mime_type(name: str) -> str | None:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return MIME_TYPES.get(suffix)


def _url_file_name(url: Any) -> str:
    if not isinstance(url, str):
        return ""
    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])


class Normaliser:
    """Repairs objects, noting what it did in ``log``."""

    def __init__(self, log: RepairLog) -> None:
        self.log = log

    def object(self, raw: Any, hint: str | None, where: str = "") -> Data | None:
        """The repaired copy of ``raw`` (an object of type ``hint`` if it does not say), or None."""
        log = self.log
        if not isinstance(raw, dict):
            log.skipped("bad-entry", where or repr(raw)[:80])
            return None
        oid = raw.get("id")
        if not isinstance(oid, str) or not oid.strip():
            log.skipped("object-without-id", where or repr(raw)[:80])
            return None
        oid = oid.strip()
        kind = short_type(raw.get("type"))
        deleted = raw.get("deleted") in (True, "true", 1)
        if kind is None:
            if hint is None:
                log.skipped("unknown-type", oid)
                return None
            log.repaired("tombstone-no-type" if deleted else "type-missing", oid)
            kind = hint
        if deleted:
            tombstone: Data = {"id": oid, "type": kind, "deleted": True}
            for key in ("created", "modified"):
                value = raw.get(key)
                if isinstance(value, str) and not is_absent(value):
                    fixed = fix_datetime(value, log, oid)
                    if fixed is not None:
                        tombstone[key] = fixed
            return tombstone
        out: Data = {"id": oid, "type": kind}
        arrays = ARRAYS.get(kind, _NO_ARRAYS)
        singles = SINGLES.get(kind, _NO_ARRAYS)
        embedded = EMBEDDED.get(kind, _NO_EMBEDDED)
        for key, value in raw.items():
            if key in _KEEP:
                continue
            if value is None:
                continue
            if isinstance(value, str):
                if is_absent(value):
                    log.repaired("absent-value", f"{oid} {key}")
                    continue
                if key in arrays:
                    log.repaired("object-for-array", f"{oid} {key}")
                    out[key] = [value]
                    continue
                fixed = fix_datetime(value, log, f"{oid} {key}")
                if fixed is None:
                    log.repaired("absent-value", f"{oid} {key}")
                    continue
                if key in _DATE_KEYS and fixed is value and "." in value:
                    german = _german_date(value)
                    if german is not None:
                        log.repaired("german-date", f"{oid} {key}")
                        fixed = german
                out[key] = fixed
            elif isinstance(value, list):
                if key in singles:
                    present = [v for v in value if not is_absent(v)]
                    if not present:
                        continue
                    log.repaired("array-for-object", f"{oid} {key}")
                    value = present[0]
                    child = embedded.get(key)
                    if child is not None and isinstance(value, dict):
                        value = self.object(value, child, f"{oid} {key}")
                    if value is not None:
                        out[key] = value
                    continue
                out[key] = self._list(value, embedded.get(key), oid, key)
            elif isinstance(value, dict):
                child = embedded.get(key)
                if key in arrays:
                    log.repaired("object-for-array", f"{oid} {key}")
                    out[key] = self._list([value], child, oid, key)
                elif child is not None:
                    fixed_child = self.object(value, child, f"{oid} {key}")
                    if fixed_child is not None:
                        out[key] = fixed_child
                else:
                    out[key] = value  # geojson, vendor extensions: as they are
            else:
                out[key] = value
        if kind == "File":
            self._file(out)
        return out

    def _list(self, values: list[Any], child: str | None, oid: str, key: str) -> list[Any]:
        items: list[Any] = []
        dropped = 0
        for value in values:
            if is_absent(value):
                dropped += 1
            elif isinstance(value, dict) and child is not None:
                fixed = self.object(value, child, f"{oid} {key}")
                if fixed is not None:
                    items.append(fixed)
            elif isinstance(value, list):  # a list inside a list: flatten
                items.extend(self._list(value, child, oid, key))
            else:
                items.append(value.strip() if isinstance(value, str) else value)
        if dropped:
            self.log.repaired("absent-value", f"{oid} {key}", dropped)
        return items

    def _file(self, file: Data) -> None:
        oid = file["id"]
        log = self.log
        name = file.get("fileName")
        if not isinstance(name, str):
            derived = _url_file_name(file.get("downloadUrl")) or _url_file_name(file.get("accessUrl"))
            if derived:
                log.repaired("file-name", oid)
                file["fileName"] = derived
        size = file.get("size")
        if size is not None:
            if isinstance(size, str) and size.strip().isdigit() and int(size) > 0:
                log.repaired("file-size", oid)
                file["size"] = int(size)
            elif isinstance(size, bool) or not isinstance(size, int) or size <= 0:
                log.repaired("file-size", oid)
                del file["size"]
        mime = file.get("mimeType")
        if isinstance(mime, str):
            clean = mime.strip().lower()
            if re.fullmatch(r"[a-z0-9.+-]+/[a-z0-9.+_-]+(;.*)?", clean):
                file["mimeType"] = clean
            else:
                guess = MIME_TYPES.get(clean.strip(". ")) or guess_mime_type(str(file.get("fileName") or ""))
                log.repaired("mime-type", oid)
                file["mimeType"] = guess or "application/octet-stream"
        elif mime is None:
            guess = guess_mime_type(str(file.get("fileName") or ""))
            if guess is not None:
                file["mimeType"] = guess
