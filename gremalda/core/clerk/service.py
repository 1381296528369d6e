"""The clerk workspace's operations (issue 6), Qt-free: meetings, agendas, documents, publishing, proof
of delivery, the notice period.

Clients read from their replica; a clerk's writes go online to the server through ``ServerApi`` (one
short-lived connection per call, so a service can be used from any worker thread, never the GUI thread):

* **Versions** for If-Match come from the replica's ``object`` table; a stale one fails with
  :class:`ChangedMeanwhile` ("someone changed this meanwhile, reload").
* **Idempotency keys**: every POST carries a random key of its own *user action*, the same only on the
  retries of that action (a lost answer retried does not create a second meeting); the next action gets
  a new key, so linking again what was unlinked (or deleted by another clerk) creates it again instead
  of replaying an old answer. (The server forgets keys after 24 h and never replays the answer of an
  object deleted since.) Linking a paper or an e-file document that the agenda item already has is
  answered from the replica: nothing is created twice.
* After each write the server's answer goes into the replica at once (:mod:`.local`) and ``on_write``
  is called: a sync pass is due (the UI's scheduler runs it; it brings everything else).
* Only the **clerk** role may use it: :class:`NotClerk` otherwise, before anything is sent.
* Errors are :class:`~gremalda.core.clerk.errors.ClerkError` subclasses with sentences for clerks.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from gremalda.core.account import connect
from gremalda.core.clerk import local
from gremalda.core.clerk.attach import CHUNK_SIZE, Checker, prepare, upload
from gremalda.core.clerk.deliveries import DeliveryTable
from gremalda.core.clerk.errors import (
    ChangedMeanwhile,
    ClerkError,
    ClerkOffline,
    Gone,
    NotClerk,
    RequestRefused,
    ServerTrouble,
)
from gremalda.core.clerk.numbering import renumber
from gremalda.errors import NotSignedIn
from gremalda.paths import DataPaths
from gremalda.store.replica import Store, open_store
from sync.client import (
    Forbidden,
    NotFound,
    Offline,
    PreconditionFailed,
    RequestRejected,
    ServerApi,
    ServerError,
    SignInRequired,
    SyncClientError,
)

API = "/api/v1"
OWNERS = {"meeting": "meeting_id", "agenda_item": "agenda_item_id", "paper": "paper_id"}
ROLES = ("main", "auxiliary", "invitation", "minutes", "late")
MEETING_FIELDS = ("organization_id", "name", "start", "end", "location", "state")
ITEM_FIELDS = ("name", "public", "number", "result")
RETRIES = 3  # attempts of a write whose answer was lost (same idempotency key each time)


def clerk_error(exc: SyncClientError) -> ClerkError | NotSignedIn:
    """The sync client's error as a sentence for clerks."""
    detail = f"{type(exc).__name__} status={exc.status} code={exc.code}: {exc.message}"
    if isinstance(exc, SignInRequired):
        return NotSignedIn(detail=detail)
    if isinstance(exc, Offline):
        return ClerkOffline(detail=detail)
    if isinstance(exc, PreconditionFailed) or exc.status == 412:
        return ChangedMeanwhile(detail=detail)
    if isinstance(exc, Forbidden):
        return NotClerk.because("server_forbidden", detail=detail)
    if isinstance(exc, NotFound):
        return Gone(detail=detail)
    if isinstance(exc, ServerError):
        return ServerTrouble(detail=detail)
    if isinstance(exc, RequestRejected) or (exc.status is not None and 400 <= exc.status < 500):
        return RequestRefused.because(
            "server_refused", server_code=exc.code or "", server_message=exc.message, detail=detail
        )
    return ServerTrouble(detail=detail)


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise RequestRefused.because("no_time_zone")
        return value.isoformat()
    return value


def _key(operation: str) -> str:
    """An idempotency key for one user action (a generation): random, kept across that action's retries."""
    return f"{operation}-{uuid.uuid4().hex}"


class ClerkService:
    """See the module docstring. ``on_write`` is called (on the calling thread) after every write."""

    def __init__(
        self,
        paths: DataPaths,
        *,
        on_write: Callable[[], None] | None = None,
        upload_chunk_size: int = CHUNK_SIZE,
    ) -> None:
        self.paths = paths
        self.on_write = on_write
        self.upload_chunk_size = upload_chunk_size

    # ------------------------------------------------------------------------------------ plumbing

    @contextmanager
    def _session(self) -> Iterator[tuple[Store, ServerApi]]:
        with open_store(self.paths) as store:
            local.require_clerk(store)
            api = connect(store)
            try:
                yield store, api
            except SyncClientError as exc:
                raise clerk_error(exc) from None
            finally:
                api.close()

    def _write(
        self,
        store: Store,
        api: ServerApi,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        if_match: int | None = None,
        key: str | None = None,
    ) -> dict[str, Any]:
        for attempt in range(RETRIES):
            try:
                answer = api.write(method, path, body, if_match=if_match, idempotency_key=key)
                break
            except (Offline, ServerError):
                # the answer may have been lost: a POST retried with its key is not done twice (a PATCH
                # or DELETE is not retried: one that did arrive would fail its If-Match the second time)
                if attempt == RETRIES - 1 or method != "POST" or key is None:
                    raise
        if answer:
            local.remember(store, answer)
        if self.on_write is not None:
            self.on_write()
        return answer

    def _create(self, store: Store, api: ServerApi, plural: str, body: Mapping[str, Any], *, key: str) -> str:
        answer = self._write(store, api, "POST", f"{API}/{plural}", body, key=key)
        return str(answer["id"])

    def _patch(
        self, store: Store, api: ServerApi, kind: str, plural: str, object_id: str | int, body: dict[str, Any]
    ) -> dict[str, Any]:
        version = local.version(store, kind, object_id)
        return self._write(store, api, "PATCH", f"{API}/{plural}/{int(object_id)}", body, if_match=version)

    # ------------------------------------------------------------------------------------ meetings

    def create_meeting(
        self,
        organization_id: int | str,
        name: str,
        start: datetime,
        end: datetime | None = None,
        location: str = "",
    ) -> str:
        """A new meeting (a draft: only the body's clerks see it until it is published)."""
        body = {
            "organization_id": int(organization_id),
            "name": name,
            "start": _iso(start),
            "end": _iso(end),
            "location": location,
            "state": "draft",
        }
        with self._session() as (store, api):
            return self._create(store, api, "meetings", body, key=_key("meeting"))

    def update_meeting(self, meeting_id: int | str, **fields: Any) -> None:
        unknown = set(fields) - set(MEETING_FIELDS)
        if unknown:
            raise ValueError(f"a meeting has no field(s) {sorted(unknown)}")
        with self._session() as (store, api):
            body = {name: _iso(value) for name, value in fields.items()}
            self._patch(store, api, "meeting", "meetings", meeting_id, body)

    def publish(self, meeting_id: int | str) -> None:
        """Publish the meeting: its folder becomes visible to the members (the electronic invitation)."""
        with self._session() as (store, api):
            self._patch(store, api, "meeting", "meetings", meeting_id, {"state": "published"})

    # ------------------------------------------------------------------------------------ agenda

    def add_item(
        self, meeting_id: int | str, name: str, *, public: bool = True, position: int | None = None
    ) -> str:
        """A new agenda item at the end, or at ``position`` (1-based; the others are renumbered)."""
        with self._session() as (store, api):
            local.get(store, "meeting", meeting_id)
            items = local.agenda(store, meeting_id)
            numbers = renumber([(str(i["id"]), str(i.get("number") or "")) for i in items] + [("new", "")])
            body = {
                "meeting_id": int(meeting_id),
                "name": name,
                "public": public,
                "number": numbers[-1].number,
                "order": len(items) + 1,
            }
            new_id = self._create(store, api, "agenda-items", body, key=_key("item"))
            if position is not None and position <= len(items):
                order = [str(i["id"]) for i in items]
                order.insert(max(position - 1, 0), new_id)
                self._reorder(store, api, meeting_id, order)
            return new_id

    def update_item(self, item_id: int | str, **fields: Any) -> None:
        unknown = set(fields) - set(ITEM_FIELDS)
        if unknown:
            raise ValueError(f"an agenda item has no field(s) {sorted(unknown)}")
        with self._session() as (store, api):
            self._patch(store, api, "agenda_item", "agenda-items", item_id, dict(fields))

    def remove_item(self, item_id: int | str, *, renumber_rest: bool = True) -> None:
        """Delete the item (with its files and links); the rest are renumbered unless asked not to."""
        with self._session() as (store, api):
            item = local.get(store, "agenda_item", item_id)
            version = local.version(store, "agenda_item", item_id)
            self._write(store, api, "DELETE", f"{API}/agenda-items/{int(item_id)}", if_match=version)
            local.forget(store, "agenda_item", item_id)
            if renumber_rest:
                meeting_id = item["meeting_id"]
                self._reorder(store, api, meeting_id, [str(i["id"]) for i in local.agenda(store, meeting_id)])

    def reorder_items(self, meeting_id: int | str, ordered_ids: Sequence[int | str]) -> None:
        """Put the items in this order and renumber them 1..n (see :mod:`.numbering` for sub-numbers).
        ``ordered_ids`` must name every item of the meeting once."""
        with self._session() as (store, api):
            self._reorder(store, api, meeting_id, [str(i) for i in ordered_ids])

    def _reorder(self, store: Store, api: ServerApi, meeting_id: int | str, ordered: list[str]) -> None:
        """One request, one transaction on the server: the whole agenda renumbered or nothing (members
        never see duplicate numbers of a half-done reorder)."""
        items = {str(i["id"]): i for i in local.agenda(store, meeting_id)}
        if sorted(ordered) != sorted(items) or len(set(ordered)) != len(ordered):
            raise RequestRefused.because("bad_order", detail=f"ordered={ordered} items={sorted(items)}")
        plan = renumber([(i, str(items[i].get("number") or "")) for i in ordered])
        if all(
            items[e.item_id].get("number") == e.number and items[e.item_id].get("order") == e.order
            for e in plan
        ):
            return
        body = {
            "items": [
                {
                    "id": int(e.item_id),
                    "number": e.number,
                    "order": e.order,
                    "version": local.version(store, "agenda_item", e.item_id),
                }
                for e in plan
            ]
        }
        answer = self._write(store, api, "PUT", f"{API}/meetings/{int(meeting_id)}/agenda-order", body)
        for item in answer.get("items") or []:
            if isinstance(item, dict):
                local.remember(store, item)

    # ------------------------------------------------------------------------------------ documents

    def attach(
        self,
        owner_kind: str,
        owner_id: int | str,
        path: str | Path,
        *,
        role: str = "main",
        name: str | None = None,
        change_note: str = "",
        supersedes_id: int | str | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        stop: threading.Event | None = None,
        preflighter: Checker | None = None,
    ) -> str:
        """Attach a PDF to a meeting, agenda item or paper; returns the new file's id.

        The preflight runs first and refuses broken files (:class:`FileRefused`, nothing uploaded);
        ``preflighter`` (an :class:`~.attach.Checker`, e.g. KnownReports) gives its report.
        The upload resumes after an interruption (see :mod:`.attach`). A late paper is ``role="late"``
        with a change note; a replacement names the file it supersedes (and should say why)."""
        if owner_kind not in OWNERS:
            raise ValueError(f"owner_kind must be one of {sorted(OWNERS)}")
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        path = Path(path)
        with open_store(self.paths) as store:  # fail fast, before the preflight's seconds
            local.require_clerk(store)
            local.get(store, owner_kind, owner_id)
            if supersedes_id is not None:
                local.get(store, "file", supersedes_id)
        source = prepare(path, preflighter)
        with self._session() as (store, api):
            sha = upload(
                store, api, source, on_progress=on_progress, stop=stop, chunk_size=self.upload_chunk_size
            )
            body: dict[str, Any] = {
                "name": (name or path.stem).strip()[:300] or source.file_name,
                "file_name": source.file_name,
                "mime_type": "application/pdf",
                "sha256": sha,
                "role": role,
                OWNERS[owner_kind]: int(owner_id),
                "change_note": change_note,
            }
            if supersedes_id is not None:
                body["supersedes_id"] = int(supersedes_id)
            return self._create(store, api, "files", body, key=_key("file"))

    def add_late_paper(
        self, owner_kind: str, owner_id: int | str, path: str | Path, change_note: str, **kwargs: Any
    ) -> str:
        """A late paper (Tischvorlage, Nachtrag): a file with role "late" and its change note."""
        return self.attach(owner_kind, owner_id, path, role="late", change_note=change_note, **kwargs)

    def replace_file(self, file_id: int | str, path: str | Path, change_note: str, **kwargs: Any) -> str:
        """A new version of a file (same owner and role), superseding it, with a change note."""
        with open_store(self.paths) as store:
            old = local.get(store, "file", file_id)
        for kind, field in OWNERS.items():
            if old.get(field) is not None:
                kwargs.setdefault("role", old.get("role") or "main")
                kwargs.setdefault("name", old.get("name"))
                return self.attach(
                    kind, old[field], path, supersedes_id=file_id, change_note=change_note, **kwargs
                )
        raise RequestRefused.because("not_replaceable")

    def link_paper(self, item_id: int | str, paper_id: int | str) -> str:
        """Consult the paper on the agenda item; returns the consultation's id (linking twice: the same)."""
        body = {"paper_id": int(paper_id), "agenda_item_id": int(item_id)}
        with self._session() as (store, api):
            local.get(store, "agenda_item", item_id)
            local.get(store, "paper", paper_id)
            existing = local.consultations(store, item_id, paper_id)
            if existing:
                return str(existing[0]["id"])
            return self._create(store, api, "consultations", body, key=_key("consultation"))

    def unlink_paper(self, item_id: int | str, paper_id: int | str) -> None:
        """No longer consult the paper on the agenda item (the paper and its files stay; members' copies
        drop it from the item with their next sync). Nothing to unlink: :class:`Gone`."""
        with self._session() as (store, api):
            links = local.consultations(store, item_id, paper_id)
            if not links:
                raise Gone(detail=f"no consultation of paper {paper_id} on item {item_id} in the replica")
            for link in links:
                version = local.version(store, "consultation", link["id"])
                self._write(store, api, "DELETE", f"{API}/consultations/{int(link['id'])}", if_match=version)
                local.forget(store, "consultation", link["id"])

    def detach_file(self, file_id: int | str) -> None:
        """Remove a document from its meeting, agenda item or paper (a newer version that superseded it
        stays, superseding what it superseded). In a published meeting the members' copies drop it with
        their next sync (the change feed removes it)."""
        with self._session() as (store, api):
            version = local.version(store, "file", file_id)
            self._write(store, api, "DELETE", f"{API}/files/{int(file_id)}", if_match=version)
            local.forget(store, "file", file_id)

    def link_document(
        self, item_id: int | str, document_file_id: int | str, *, role: str = "auxiliary"
    ) -> str:
        """Put an e-file document's file on the agenda item: a new file with the same content (the server
        has it already: nothing is uploaded). Returns the new file's id."""
        with self._session() as (store, api):
            local.get(store, "agenda_item", item_id)
            doc = local.get(store, "file", document_file_id)
            for have in local.children(store, "file", "agenda_item_id", item_id):
                if have.get("sha256") == doc.get("sha256") and have.get("role") == role:
                    return str(have["id"])  # already on the item: linking twice is linking once
            body = {
                "name": str(doc.get("name") or doc.get("file_name") or "Dokument")[:300],
                "file_name": str(doc.get("file_name") or "Dokument.pdf"),
                "mime_type": str(doc.get("mime_type") or "application/pdf"),
                "sha256": str(doc.get("sha256") or ""),
                "role": role,
                "agenda_item_id": int(item_id),
            }
            return self._create(store, api, "files", body, key=_key("file"))

    # ------------------------------------------------------------------------------------ delivery

    def deliveries(self, meeting_id: int | str) -> DeliveryTable:
        """The proof-of-delivery table of a published meeting (per member: complete, opened, on time)."""
        with self._session() as (_store, api):
            return DeliveryTable.from_json(api.get_json(f"{API}/meetings/{int(meeting_id)}/deliveries"))

    def set_notice_days(self, body_id: int | str, days: int) -> None:
        """The body's notice period (Ladungsfrist) in days before a meeting, 0..60."""
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 60:
            raise RequestRefused.because("notice_days")
        with self._session() as (store, api):
            self._patch(store, api, "body", "bodies", body_id, {"notice_days": days})
