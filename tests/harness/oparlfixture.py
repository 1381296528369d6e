"""A fixture OParl server on a loopback port: the real Hürtgenwald crawl, with real servers' quirks on demand.

Serves ``../shared/data/oparl/huertgenwald-1.0`` (an SD.NET RIM 5.0.4 OParl 1.0 interface) with the
original host prefix rewritten to its own address: the System, the body list, the body's lists of
organizations, persons, meetings and papers (25 per page, ``?page=N``, the filters ``modified_since``,
``modified_until``, ``created_since``, ``created_until``), every object (also embedded ones: agenda
items, consultations, memberships, files) under its own URL, and for every File its ``accessUrl`` and
``downloadUrl``: a one-page PDF with the file's name as its text (made with PyMuPDF when first asked
for, then cached). The URLs the real server answered with 404 (``missing_ids.json``) answer 404.

Switches (:class:`Quirk`) inject each quirk of DESIGN §4; :meth:`OParlFixture.touch`, ``delete``,
``vanish``, ``drop_embedded`` and ``clone`` change objects "now" for incremental tests. Every request
is recorded (:attr:`OParlFixture.requests`).
"""

from __future__ import annotations

import contextlib
import enum
import functools
import json
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from tests.harness.ports import LOOPBACK

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "oparl" / "huertgenwald-1.0"
ORIGIN = "https://sdnetrim.kdvz-frechen.de/rim4220/webservice/oparl/v1.0/"
PATH = "/rim4220/webservice/oparl/v1.0/"
#: the prefix the server claims under Quirk.FOREIGN_IDS (its internal name behind a proxy)
FOREIGN = "https://ris-intern.invalid:8443/rim4220/webservice/oparl/v1.0/"
LISTS = ("organization", "person", "meeting", "paper")
PAGE_SIZE = 25
SERVER_TZ = timezone(timedelta(hours=1))

Data = dict[str, Any]


class Quirk(enum.StrEnum):
    EMPTY_404 = "empty-404"  # an empty filtered list answers 404
    EMPTY_BARE = "empty-bare"  # an empty filtered list answers a bare []
    NEXT_DROPS_FILTER = "next-drops-filter"  # next links without the filter
    PAGE_LOOP = "page-loop"  # the last page links on, and pages beyond the last repeat it forever
    HTML_200 = "html-200"  # some list pages answer an HTML error page with status 200 the first time
    CONTROL_CHARS = "control-chars"  # raw and escaped control characters inside JSON strings
    TOMBSTONE_NO_TYPE = "tombstone-no-type"  # tombstones made by delete() lack type too
    OBJECT_FOR_ARRAY = "object-for-array"  # one-element arrays served as the element
    BAD_OFFSETS = "bad-offsets"  # +01::00, +0200, and meeting start/end without any offset
    ABSENT_VALUES = "absent-values"  # "" and "N/A" for absent values
    BAD_FILE_META = "bad-file-meta"  # size 0, mimeType "pdf"
    AGENDA_ORDER = "agenda-order"  # agenda order 1-based, with gaps, or an array out of order
    FOREIGN_IDS = "foreign-ids"  # ids and links name an internal host, not the fixture's address
    DANGLING_REFS = "dangling-refs"  # invitations named by URL (some answer 404), organizations that 404
    NO_CHECKSUMS = "no-checksums"  # no checksums (as always) and announced sizes that are wrong


@functools.cache
def _raw_files(data_dir: Path) -> dict[str, str]:
    """The crawl's files as text, by URL path (read once per process)."""
    out: dict[str, str] = {}
    for path in sorted(data_dir.rglob("*.json")):
        rel = path.relative_to(data_dir).as_posix()[: -len(".json")].replace("%3F", "?")
        out[rel] = path.read_text(encoding="utf-8")
    return out


def data_missing_reason(data_dir: Path = DATA) -> str | None:
    if not (data_dir / "system.json").is_file():
        return f"the OParl crawl is not there ({data_dir}); it lives in shared/data beside the checkout"
    return None


def _now() -> str:
    return datetime.now(SERVER_TZ).isoformat(timespec="seconds")


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def embedded_objects(obj: Any) -> Iterator[Data]:
    """Every object with an id inside ``obj`` (not ``obj`` itself), depth first."""
    if isinstance(obj, dict):
        for value in obj.values():
            if isinstance(value, dict):
                if "id" in value:
                    yield value
                yield from embedded_objects(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        if "id" in item:
                            yield item
                        yield from embedded_objects(item)


def _kind_of(obj: Data) -> str:
    return str(obj.get("type", "")).rsplit("/", 1)[-1]


def _pdf(text: str) -> bytes:
    import pymupdf

    doc = pymupdf.open()  # type: ignore[no-untyped-call]
    try:
        page = doc.new_page(width=595, height=842)
        page.insert_text((56, 80), "Gremalda OParl fixture", fontsize=9)
        page.insert_textbox(pymupdf.Rect(56, 100, 540, 800), text, fontsize=14)  # type: ignore[no-untyped-call]
        return bytes(doc.tobytes(garbage=0, deflate=True))  # type: ignore[no-untyped-call]
    finally:
        doc.close()  # type: ignore[no-untyped-call]


class OParlFixture:
    """The fixture server (see the module docstring). Use as a context manager, or start()/stop()."""

    def __init__(
        self,
        quirks: Iterable[Quirk] = (),
        *,
        data_dir: Path = DATA,
        pages: int | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        """``pages``: serve only the first ``pages`` pages of each list (a quick subset)."""
        self.quirks: set[Quirk] = set(quirks)
        self.page_size = page_size
        raw = _raw_files(data_dir)
        self.system: Data = json.loads(raw["system"])
        self.bodies: list[Data] = json.loads(raw["body"])["data"]
        self.lists: dict[str, list[Data]] = {}
        for name in LISTS:
            objects: list[Data] = []
            page_paths = sorted(
                (k for k in raw if k == f"body/1/{name}" or k.startswith(f"body/1/{name}?page=")),
                key=lambda k: int(k.rsplit("=", 1)[1]) if "=" in k else 1,
            )
            for key in page_paths:
                page = json.loads(raw[key])
                objects.extend(page["data"])
            order = {o["id"]: n for n, o in enumerate(objects)}
            # the crawl lists pages in server order; keep it, one object once
            unique = sorted({o["id"]: o for o in objects}.values(), key=lambda o: order[o["id"]])
            if pages is not None:
                unique = unique[: pages * page_size]
            self.lists[name] = unique
        self.missing: set[str] = set(json.loads(raw["missing_ids"]))
        self.requests: list[str] = []
        self.served_ids: list[str] = []  # ids of the list entries served (ORIGIN form), in order
        self.unreachable: set[str] = set()  # ids (ORIGIN form) of objects that answer 404 by a quirk
        self._lock = threading.RLock()
        self._generation = 0
        self._texts: dict[tuple[str, int], str] = {}
        self._index: dict[str, tuple[Data, str, Data | None]] | None = None
        self._files: dict[str, Data] | None = None
        self._pdfs: dict[str, bytes] = {}
        self._html_served: set[str] = set()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base = ""

    # ---------------------------------------------------------------------------------- running

    def start(self) -> OParlFixture:
        fixture = self

        class Handler(_Handler):
            owner = fixture

        server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        server.daemon_threads = True
        self._server = server
        self.base = f"http://{LOOPBACK}:{server.server_address[1]}{PATH}"
        self._thread = threading.Thread(target=server.serve_forever, name="oparl-fixture", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> OParlFixture:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def system_url(self) -> str:
        return self.base + "system"

    @property
    def served(self) -> str:
        """The prefix the served JSON names (the fixture's own, or the foreign one)."""
        return FOREIGN if Quirk.FOREIGN_IDS in self.quirks else self.base

    def url(self, origin_id: str) -> str:
        """An object's id as the client stores it (the served prefix)."""
        return origin_id.replace(ORIGIN, self.served)

    def origin(self, any_id: str) -> str:
        return any_id.replace(self.base, ORIGIN).replace(FOREIGN, ORIGIN)

    def set_quirks(self, quirks: Iterable[Quirk]) -> None:
        with self._lock:
            self.quirks = set(quirks)
            self._changed()

    def reset_requests(self) -> None:
        with self._lock:
            self.requests.clear()
            self.served_ids.clear()

    def list_requests(self) -> list[str]:
        """The recorded requests of list pages (system, body list, the body's lists)."""
        lists = {"system", "body", *(f"body/1/{name}" for name in LISTS)}
        return [r for r in self.requests if r.split("?", 1)[0][len(PATH) :] in lists]

    # --------------------------------------------------------------------------- expectations

    def expected_counts(self) -> dict[str, int]:
        """What a complete import holds, by wire type, counted from the served data (no client code):
        tombstones and objects that answer 404 left out."""
        counts = dict.fromkeys(
            ("body", "organization", "person", "membership", "meeting", "agenda_item", "paper",
             "consultation", "file"), 0)  # fmt: skip
        counts["body"] = len(self.bodies)
        files: set[str] = set()
        for name in LISTS:
            for obj in self.lists[name]:
                if obj.get("deleted"):
                    continue
                counts[name] += 1
                for sub in embedded_objects(obj):
                    kind = _kind_of(sub)
                    if kind == "File":
                        files.add(sub["id"])
                    elif kind == "AgendaItem":
                        counts["agenda_item"] += 1
                    elif kind == "Consultation":
                        counts["consultation"] += 1
                    elif kind == "Membership":
                        counts["membership"] += 1
        counts["file"] = len(files - self.unreachable)
        return counts

    def meetings(self) -> list[Data]:
        return [m for m in self.lists["meeting"] if not m.get("deleted")]

    # ---------------------------------------------------------------------------------- changes

    def _changed(self) -> None:
        self._generation += 1
        self._texts.clear()
        self._index = None
        self._files = None

    def find(self, any_id: str) -> tuple[Data, str, Data | None]:
        """(object, list name or type, its top-level parent or None) of an id."""
        with self._lock:
            entry = self._objects().get(self.origin(any_id))
        if entry is None:
            raise KeyError(any_id)
        return entry

    def touch(self, any_id: str, **fields: Any) -> str:
        """Change fields of an object now (an embedded one's parent is modified too); returns the new
        ``modified``."""
        with self._lock:
            obj, _, parent = self.find(any_id)
            now = _now()
            obj.update(fields)
            if "modified" in obj or parent is None:
                obj["modified"] = now
            if parent is not None:
                parent["modified"] = now
            self._changed()
            return now

    def delete(self, any_id: str) -> None:
        """Delete a top-level object: it stays in its list as a tombstone."""
        with self._lock:
            obj, kind, parent = self.find(any_id)
            assert parent is None, "only top-level objects have tombstones"
            tombstone: Data = {"id": obj["id"], "created": obj.get("created", _now()), "modified": _now(),
                               "deleted": True}  # fmt: skip
            if Quirk.TOMBSTONE_NO_TYPE not in self.quirks and "type" in obj:
                tombstone["type"] = obj["type"]
            objects = self.lists[kind]
            objects[objects.index(obj)] = tombstone
            self._changed()

    def vanish(self, any_id: str) -> None:
        """Remove a top-level object without a trace (it answers 404): only a full pass notices."""
        with self._lock:
            obj, kind, parent = self.find(any_id)
            assert parent is None
            self.lists[kind].remove(obj)
            self._changed()

    def drop_embedded(self, any_id: str) -> None:
        """Remove an embedded object (an agenda item, a file) from its parent, which is modified now."""
        with self._lock:
            obj, _, parent = self.find(any_id)
            assert parent is not None

            def prune(node: Any) -> None:
                if isinstance(node, dict):
                    for key, value in list(node.items()):
                        if value is obj:
                            del node[key]
                        elif isinstance(value, list) and any(v is obj for v in value):
                            node[key] = [v for v in value if v is not obj]
                        else:
                            prune(value)
                elif isinstance(node, list):
                    for value in node:
                        prune(value)

            prune(parent)
            parent["modified"] = _now()
            self._changed()

    def clone(self, any_id: str, suffix: str) -> str:
        """A new top-level object: a copy of ``any_id`` (and its embedded objects) with ``suffix`` added
        to every id; returns its id as served."""
        with self._lock:
            obj, kind, parent = self.find(any_id)
            assert parent is None
            text = json.dumps(obj)
            for sub in [obj, *embedded_objects(obj)]:
                text = text.replace(json.dumps(sub["id"]), json.dumps(sub["id"] + suffix))
            copy = json.loads(text)
            copy["created"] = copy["modified"] = _now()
            self.lists[kind].append(copy)
            self._changed()
            return self.url(copy["id"])

    # ----------------------------------------------------------------------------------- lookup

    def _objects(self) -> dict[str, tuple[Data, str, Data | None]]:
        if self._index is None:
            index: dict[str, tuple[Data, str, Data | None]] = {}
            for name in LISTS:
                for obj in self.lists[name]:
                    index[obj["id"]] = (obj, name, None)
                    for sub in embedded_objects(obj):
                        index.setdefault(sub["id"], (sub, _kind_of(sub), obj))
            for body in self.bodies:
                index[body["id"]] = (body, "body", None)
            self._index = index
        return self._index

    def _file_paths(self) -> dict[str, Data]:
        if self._files is None:
            files: dict[str, Data] = {}
            for obj, kind, _ in self._objects().values():
                if kind == "File":
                    for key in ("accessUrl", "downloadUrl"):
                        url = obj.get(key)
                        if isinstance(url, str) and url.startswith(ORIGIN):
                            files[unquote(url[len(ORIGIN) :])] = obj
            self._files = files
        return self._files

    # ---------------------------------------------------------------------------------- quirks

    def _quirked(self, obj: Data, position: int) -> Data:
        """The object as served under the switched-on quirks (a copy when anything changes)."""
        q = self.quirks
        if not q & _OBJECT_QUIRKS:
            return obj
        obj = json.loads(json.dumps(obj))
        kind = _kind_of(obj) or ("Meeting" if "agendaItem" in obj else "")
        if Quirk.DANGLING_REFS in q and kind == "Meeting" and not obj.get("deleted"):
            invitation = obj.get("invitation")
            if isinstance(invitation, dict):
                obj["invitation"] = invitation["id"]
            obj["organization"] = [*obj.get("organization", []), ORIGIN + "body/1/organization/9-999"]
        if Quirk.AGENDA_ORDER in q and kind == "Meeting" and obj.get("agendaItem"):
            items = obj["agendaItem"]
            if position % 3 == 0:
                for n, item in enumerate(items):
                    item["order"] = n + 1
            elif position % 3 == 1:
                for n, item in enumerate(items):
                    item["order"] = (n + 1) * 10
            else:
                for n, item in enumerate(items):
                    item["order"] = n
                obj["agendaItem"] = list(reversed(items))
        for node in [obj, *embedded_objects(obj)]:
            self._quirk_node(node, position)
        if Quirk.OBJECT_FOR_ARRAY in q:
            _unwrap(obj)
        if Quirk.CONTROL_CHARS in q and position % 7 == 0 and isinstance(obj.get("name"), str):
            obj["name"] += "\x01\x1f"  # sent raw (invalid JSON) by _text
            for item in obj.get("agendaItem") or []:
                if isinstance(item, dict) and isinstance(item.get("name"), str):
                    item["name"] += "\x0b"  # sent escaped (valid JSON, but no text)
        return obj

    def _quirk_node(self, node: Data, position: int) -> None:
        q = self.quirks
        kind = _kind_of(node)
        if kind == "File":
            if Quirk.BAD_FILE_META in q:
                node["size"] = 0
                node["mimeType"] = {"application/pdf": "pdf", "image/jpeg": "jpg"}.get(
                    node.get("mimeType", ""), "pdf"
                )
            elif Quirk.NO_CHECKSUMS in q:
                node["size"] = 4242  # announced, wrong
                node.pop("sha1Checksum", None)
                node.pop("sha512Checksum", None)
        if Quirk.ABSENT_VALUES in q:
            for key, value in _ABSENT.get(kind, {}).items():
                node.setdefault(key, value)
        if Quirk.BAD_OFFSETS in q and kind == "Meeting":
            for key in ("start", "end"):
                if isinstance(node.get(key), str) and len(node[key]) == 25:
                    node[key] = node[key][:19]  # no offset at all: German local time

    def _text(self, obj: Data, position: int) -> str:
        key = (obj["id"], position)
        text = self._texts.get(key)
        if text is None:
            text = json.dumps(self._quirked(obj, position), ensure_ascii=False)
            text = text.replace(ORIGIN, self.served)
            if Quirk.BAD_OFFSETS in self.quirks:
                text = text.replace('+01:00"', '+01::00"').replace('+02:00"', '+0200"')
            if Quirk.CONTROL_CHARS in self.quirks:
                text = text.replace("\\u0001", "\x01").replace("\\u001f", "\x1f")
            self._texts[key] = text
        return text

    # ------------------------------------------------------------------------------------ pages

    def _filtered(self, objects: list[Data], query: dict[str, str]) -> list[tuple[int, Data]] | None:
        bounds = []
        for name, field, after in (
            ("modified_since", "modified", True), ("modified_until", "modified", False),
            ("created_since", "created", True), ("created_until", "created", False),
        ):  # fmt: skip
            if name in query:
                limit = _time(query[name])
                if limit is None:
                    return None
                bounds.append((field, limit, after))
        out = []
        for position, obj in enumerate(objects):
            ok = True
            for field, limit, after in bounds:
                value = _time(obj.get(field))
                if value is None or (value < limit if after else value > limit):
                    ok = False
                    break
            if ok:
                out.append((position, obj))
        return out

    def list_page(self, rel: str, query: dict[str, str]) -> tuple[int, str, bytes]:
        """(status, content type, body) of a list request."""
        with self._lock:
            objects = self.bodies if rel == "body" else self.lists[rel.rsplit("/", 1)[-1]]
            selected = self._filtered(objects, query)
            if selected is None:
                return 400, "application/json", b'{"error": "bad filter"}'
            filters = {k: v for k, v in query.items() if k != "page"}
            try:
                page = max(1, int(query.get("page", "1")))
            except ValueError:
                page = 1
            if not selected and filters:
                if Quirk.EMPTY_404 in self.quirks:
                    return 404, "text/html", b"<html><body><h1>404 Not Found</h1></body></html>"
                if Quirk.EMPTY_BARE in self.quirks:
                    return 200, "application/json", b"[]"
            total_pages = max(1, -(-len(selected) // self.page_size))
            shown = min(page, total_pages) if Quirk.PAGE_LOOP in self.quirks else page
            chunk = selected[(shown - 1) * self.page_size : shown * self.page_size]
            prefix = self.served + rel

            def link(n: int, keep_filters: bool = True) -> str:
                return prefix + "?" + urlencode({**(filters if keep_filters else {}), "page": str(n)})

            links = {"first": link(1), "self": link(page), "last": link(total_pages)}
            if page > 1:
                links["prev"] = link(page - 1)
            if page < total_pages or Quirk.PAGE_LOOP in self.quirks:
                links["next"] = link(page + 1, Quirk.NEXT_DROPS_FILTER not in self.quirks)
            pagination = {"totalElements": len(selected), "elementsPerPage": self.page_size,
                          "currentPage": page, "totalPages": total_pages}  # fmt: skip
            self.served_ids.extend(obj["id"] for _, obj in chunk)
            texts = ",".join(self._text(obj, position) for position, obj in chunk)
            body = (
                f'{{"data":[{texts}],"pagination":{json.dumps(pagination)},'
                f'"links":{json.dumps(links, ensure_ascii=False)}}}'
            )
            return 200, "application/json", body.encode("utf-8")

    def answer(self, target: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request target (path and query)."""
        with self._lock:
            self.requests.append(target)
        parts = urlsplit(target)
        if not parts.path.startswith(PATH):
            return 404, "text/html", b"<html>Not found</html>"
        rel = unquote(parts.path[len(PATH) :])
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if Quirk.HTML_200 in self.quirks and rel in {f"body/1/{n}" for n in LISTS}:
            page = query.get("page", "1")
            if page.isdigit() and int(page) % 3 == 2:
                with self._lock:
                    first = target not in self._html_served
                    self._html_served.add(target)
                if first:
                    return 200, "text/html; charset=utf-8", _HTML_ERROR
        if rel == "system":
            with self._lock:
                system = dict(self.system)
                if Quirk.ABSENT_VALUES in self.quirks:
                    system.setdefault("license", "N/A")
            text = json.dumps(system, ensure_ascii=False).replace(ORIGIN, self.served)
            return 200, "application/json", text.encode("utf-8")
        if rel == "body" or rel in {f"body/1/{n}" for n in LISTS}:
            if rel == "body" and Quirk.ABSENT_VALUES in self.quirks:
                with self._lock:
                    for body in self.bodies:
                        body.setdefault("website", "N/A")
                        body.setdefault("equivalent", [""])
                        body.setdefault("created", "")
            return self.list_page(rel, query)
        with self._lock:
            files = self._file_paths()
            file = files.get(rel)
            if file is not None:
                return 200, "application/pdf", self._pdf_for(file)
            origin = ORIGIN + rel + (f"?{parts.query}" if parts.query else "")
            entry = self._objects().get(origin)
            if entry is None or origin in self.missing or origin in self.unreachable:
                return 404, "text/html", b"<html><body><h1>404 Not Found</h1></body></html>"
            obj = entry[0]
            text = self._text(obj, -1)
        return 200, "application/json", text.encode("utf-8")

    def _pdf_for(self, file: Data) -> bytes:
        data = self._pdfs.get(file["id"])
        if data is None:
            data = _pdf(f"{file.get('name', '')}\n{file['id'].rsplit('/', 1)[-1]}")
            self._pdfs[file["id"]] = data
        return data

    def pdf_of(self, any_id: str) -> bytes:
        """The bytes the fixture serves for a file."""
        with self._lock:
            obj, _, _ = self.find(any_id)
            return self._pdf_for(obj)

    def make_dangling(self, every: int = 25) -> set[str]:
        """Under Quirk.DANGLING_REFS: every ``every``-th meeting's invitation answers 404; returns their ids
        (ORIGIN form)."""
        with self._lock:
            chosen = set()
            invited = [m for m in self.meetings() if isinstance(m.get("invitation"), dict)]
            for meeting in invited[::every]:
                chosen.add(meeting["invitation"]["id"])
            self.unreachable |= chosen
            self._changed()
            return chosen


_OBJECT_QUIRKS = {
    Quirk.DANGLING_REFS, Quirk.AGENDA_ORDER, Quirk.BAD_FILE_META, Quirk.NO_CHECKSUMS, Quirk.ABSENT_VALUES,
    Quirk.BAD_OFFSETS, Quirk.OBJECT_FOR_ARRAY, Quirk.CONTROL_CHARS,
}  # fmt: skip

_ABSENT: dict[str, dict[str, Any]] = {
    "File": {"date": "N/A", "fileName": ""},
    "AgendaItem": {"number": "", "result": "N/A"},
    "Paper": {"date": "N/A", "underDirectionOf": ""},
    "Meeting": {"verbatimProtocol": "", "cancelled": "N/A"},
    "Organization": {"shortName": "", "endDate": "N/A", "classification": ""},
    "Person": {"title": "N/A"},
}

_UNWRAP = {"organization", "membership", "consultation", "auxiliaryFile", "agendaItem", "keyword", "post"}


def _unwrap(node: Any) -> None:
    """One-element arrays of the usual list fields served as the element (recursively)."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if isinstance(value, list):
                for item in value:
                    _unwrap(item)
                if key in _UNWRAP and len(value) == 1:
                    node[key] = value[0]
            elif isinstance(value, dict):
                _unwrap(value)


_HTML_ERROR = (
    b"<!DOCTYPE html><html><head><title>Fehler</title></head><body><h1>Es ist ein Fehler aufgetreten</h1>"
    b"<p>Bitte versuchen Sie es sp\xc3\xa4ter erneut.</p></body></html>"
)


class _Handler(BaseHTTPRequestHandler):
    owner: OParlFixture
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no delayed-ACK stall

    def do_GET(self) -> None:
        try:
            status, ctype, body = self.owner.answer(self.path)
        except Exception as exc:  # a fixture bug: a 500 the test will see
            status, ctype, body = 500, "text/plain", repr(exc).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def main(argv: list[str] | None = None) -> int:
    """Serve the crawl from a process of its own (for benchmarks): prints the System URL, serves until
    stdin closes."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quirk", action="append", default=[], choices=[q.value for q in Quirk])
    parser.add_argument("--pages", type=int, help="serve only the first pages of each list")
    args = parser.parse_args(argv)
    reason = data_missing_reason()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    with OParlFixture([Quirk(q) for q in args.quirk], pages=args.pages) as fixture:
        print(fixture.system_url, flush=True)
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
