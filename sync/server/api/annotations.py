"""Annotations: pushed in batches by their authors' clients, read back one at a time.

POST /api/v1/annotations/batch applies up to 500 changes in order in one transaction. Each item is
a whole record (state-based) with an idempotency key and the version it builds on (null: a new
record); each gets its own result -- ok with the new version, conflict with the current record, or
rejected with a message for people -- so one bad record never blocks the others. An item whose key
made a change before answers what it answered then and changes nothing again; a key used for a
different change is refused; a conflict or a refusal changed nothing, so its retry is decided again.

Who may see an annotation is the audience the change feed gives it (sync/server/audience.py). Two
rules keep that honest: a shared annotation whose author may no longer see its file is still stored (their
own devices keep syncing it) but withheld from everyone else until they may see the file again; and an
annotation shared with the faction stays with the factions it was shared with (recorded when its
visibility became `faction`), whatever faction its author is in when they edit it later.

Limits keep one member from flooding everyone's devices: a record of at most 64 KiB, at most
MAX_STROKES strokes of at most MAX_STROKE_POINTS points (annotation_record.py), and at most
`Settings.annotations_per_file` live annotations per author and file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeGuard

from fastapi import APIRouter, Body, Depends, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync.protocol.kinds import Kind
from sync.protocol.limits import MAX_ANNOTATION_BYTES, annotation_record_bytes
from sync.server import audience as aud
from sync.server.api.annotation_record import InvalidRecord, check_record
from sync.server.api.deps import Caller, caller, context, db, write_caller, writer
from sync.server.context import ServerContext
from sync.server.errors import Invalid, NotFound
from sync.server.models import Annotation, FeedObject, IdempotencyRecord
from sync.server.publish import pushed_by

router = APIRouter(prefix="/api/v1", tags=["annotations"])

BATCH_PATH = "/api/v1/annotations/batch"
MAX_ITEMS = 500
MAX_RECORD_BYTES = MAX_ANNOTATION_BYTES  # checked by the client too (sync/protocol/limits.py)
MAX_BATCH_BYTES = 16 * 1024 * 1024  # the body limit of a batch (BodyLimit); split larger pushes
MAX_KEY = 100
_CHUNK = 500  # ids per IN (...) query


def _json(data: Any) -> Response:
    return Response(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        media_type="application/json",
    )


def _record_of(row: Annotation) -> Any:
    return json.loads(row.payload)


@dataclass
class _Pending:
    """An ok result whose version and server id are known once the batch is flushed."""

    uuid: str
    row: Annotation
    result: dict[str, Any] | None = None


Result = dict[str, Any] | _Pending


def _rejected(uuid: str, message: str) -> dict[str, Any]:
    return {"uuid": uuid, "status": "rejected", "message": message}


class Batch:
    """One push: the items' rows, files and earlier answers are fetched up front, a few queries in all."""

    def __init__(self, session: Session, who: Caller, per_file: int = 5000) -> None:
        self.session = session
        self.who = who
        self.per_file = per_file  # live annotations of one author on one file, at most
        self.live: dict[int, int] = {}  # file id -> the caller's live annotations of it (as changed so far)
        self.rows: dict[str, Annotation] = {}
        self.file_audience: dict[int, aud.Audience] = {}
        self.answered: dict[str, tuple[str, Result]] = {}  # new idempotency key -> (request hash, result)
        self.stored: dict[str, IdempotencyRecord] = {}
        self.touched: set[str] = set()  # uuids changed since the last flush
        self.pending: list[_Pending] = []
        self.factions = " ".join(str(f) for f in aud.faction_ids(session, who.user.person_id, date.today()))

    # --- before: everything the items refer to, in a few queries --------------------------------------

    def prefetch(self, items: list[Any]) -> None:
        keys, uuids, file_ids = set(), set(), set()
        for item in items:
            if not isinstance(item, dict):
                continue
            if _text(key := item.get("idempotency_key"), MAX_KEY):
                keys.add(key)
            record = item.get("record")
            if isinstance(record, dict):
                if _text(uuid := record.get("id"), 36):
                    uuids.add(uuid)
                if (
                    isinstance(file_id := record.get("file_id"), str)
                    and file_id.isdigit()
                    and len(file_id) <= 10
                ):
                    file_ids.add(int(file_id))
        s, user_id = self.session, self.who.user.id
        for chunk in _chunks(sorted(keys)):
            for done in s.scalars(
                select(IdempotencyRecord).where(
                    IdempotencyRecord.user_id == user_id, IdempotencyRecord.key.in_(chunk)
                )
            ):
                self.stored[done.key] = done
        for chunk in _chunks(sorted(uuids)):
            for row in s.scalars(select(Annotation).where(Annotation.uuid.in_(chunk))):
                self.rows[row.uuid] = row
        for chunk in _chunks(sorted(file_ids)):
            self.live.update(
                (int(f), int(n))
                for f, n in s.execute(
                    select(Annotation.file_id, func.count())
                    .where(
                        Annotation.author_id == user_id,
                        Annotation.deleted.is_(False),
                        Annotation.file_id.in_(chunk),
                    )
                    .group_by(Annotation.file_id)
                )
                if f is not None
            )
            self.file_audience.update(
                (obj_id, aud.decode(audience) if payload is not None else frozenset())
                for obj_id, audience, payload in s.execute(
                    select(FeedObject.obj_id, FeedObject.audience, FeedObject.payload).where(
                        FeedObject.kind == int(Kind.FILE), FeedObject.obj_id.in_(chunk)
                    )
                )
            )

    # --- each item -------------------------------------------------------------------------------------

    def apply(self, items: list[Any]) -> list[dict[str, Any]]:
        self.prefetch(items)
        results = [self.item(item) for item in items]
        self.settle()
        for key, (digest, result) in self.answered.items():
            self.session.add(
                IdempotencyRecord(
                    user_id=self.who.user.id,
                    key=key,
                    request_hash=digest,
                    status=200,
                    body=json.dumps(self._resolved(result), ensure_ascii=False),
                )
            )
        return [self._resolved(r) for r in results]

    def item(self, item: Any) -> Result:
        if not isinstance(item, dict):
            return _rejected("", "Each item must be an object with idempotency_key, base_version and record.")
        record = item.get("record")
        uuid = record.get("id") if isinstance(record, dict) else None
        uuid = uuid if isinstance(uuid, str) else ""
        unknown = set(item) - {"idempotency_key", "base_version", "record"}
        key, base = item.get("idempotency_key"), item.get("base_version")
        if unknown:
            return _rejected(uuid, f"Unknown fields in the item: {', '.join(sorted(map(str, unknown)))}.")
        if not _text(key, MAX_KEY):
            return _rejected(
                uuid, f"The item needs an idempotency_key of 1 to {MAX_KEY} characters (no NUL)."
            )
        if base is not None and (not isinstance(base, int) or isinstance(base, bool) or base < 1):
            return _rejected(
                uuid, "base_version must be the version the change builds on, or null for a new one."
            )
        if not isinstance(record, dict):
            return _rejected(uuid, "The item needs the annotation record as an object.")
        digest = hashlib.sha256(
            json.dumps({"base_version": base, "record": record}, sort_keys=True).encode()
        ).hexdigest()
        if (seen := self._answer(key, digest, uuid)) is not None:
            return seen
        result = self.change(uuid, base, record)
        if isinstance(result, _Pending):  # only a change done is remembered: a refused one did nothing
            self.answered[key] = (digest, result)
        return result

    def _answer(self, key: str, digest: str, uuid: str) -> Result | None:
        """The answer given to this key before (in this batch or an earlier one), if any."""
        if key in self.answered:
            earlier_digest, result = self.answered[key]
        elif key in self.stored:
            done = self.stored[key]
            earlier_digest, result = done.request_hash, json.loads(done.body)
        else:
            return None
        if earlier_digest != digest:
            return _rejected(uuid, "This idempotency key was already used for a different change.")
        return result

    def change(self, uuid: str, base: int | None, record: dict[str, Any]) -> Result:
        try:
            size = annotation_record_bytes(record)
        except UnicodeEncodeError:
            return _rejected(uuid, "The annotation contains text that is not valid Unicode.")
        if size > MAX_RECORD_BYTES:
            return _rejected(
                uuid,
                f"The annotation is too large ({size // 1024} KiB; at most {MAX_RECORD_BYTES // 1024} KiB)."
                " Split long ink into several annotations.",
            )
        try:
            checked = check_record(record)
        except InvalidRecord as exc:
            return _rejected(uuid, str(exc))
        user_id = self.who.user.id
        if checked.author_id != str(user_id):
            return _rejected(uuid, "An annotation can only be pushed by its author (author_id is not yours).")
        file_id = int(checked.file_id)
        row = self.rows.get(uuid)
        if row is not None and row.author_id != user_id:
            return _rejected(uuid, "This annotation belongs to someone else; only its author can change it.")
        if row is not None:
            if uuid in self.touched:
                self.settle()  # changed earlier in this batch: its version must be current
            if base is None or base != row.version:
                return self.conflict(row)
        sees = self._may_see(file_id)
        if (row is None or row.file_id != file_id) and not sees:
            return _rejected(uuid, f"The document {file_id} does not exist or you may not see it.")
        was_live = row is not None and not row.deleted and row.file_id == file_id
        if not checked.deleted and not was_live and self.live.get(file_id, 0) >= self.per_file:
            return _rejected(
                uuid,
                f"You already have {self.per_file} annotations on document {file_id}, the most one person"
                " may have on one document. Delete some before adding more.",
            )
        before = None if row is None else self._recorded_visibility(row)
        if row is None:  # new (or, with a base version, lost on the server: stored again)
            row = Annotation(uuid=uuid, author_id=user_id)
            self.session.add(row)
            self.rows[uuid] = row
        elif not row.deleted and row.file_id is not None:
            self.live[row.file_id] = self.live.get(row.file_id, 0) - 1
        if not checked.deleted:
            self.live[file_id] = self.live.get(file_id, 0) + 1
        row.file_id = file_id
        # an author who may no longer see the file (left the committee) keeps syncing their annotation
        # between their own devices, but shares nothing written since with anyone else until they may
        # see the file again
        row.visibility = checked.visibility if sees else aud.WITHHELD
        if checked.visibility == "faction" and before != "faction":
            row.faction_ids = self.factions  # shared with the faction now: the author's factions of today
        elif checked.visibility != "faction":
            row.faction_ids = ""
        row.deleted = checked.deleted
        row.payload = json.dumps(record, ensure_ascii=False, separators=(",", ":"))  # what was measured
        self.touched.add(uuid)
        pending = _Pending(uuid, row)
        self.pending.append(pending)
        return pending

    @staticmethod
    def _recorded_visibility(row: Annotation) -> Any:
        """The visibility of the record as stored (the row's, unless withheld from others)."""
        if row.visibility != aud.WITHHELD:
            return row.visibility
        return _record_of(row).get("visibility")

    def conflict(self, row: Annotation) -> dict[str, Any]:
        if row.uuid in self.touched:
            self.settle()
        return {
            "uuid": row.uuid,
            "status": "conflict",
            "current": _record_of(row),
            "current_version": row.version,
            "server_id": row.id,
        }

    def _may_see(self, file_id: int) -> bool:
        return bool(self.file_audience.get(file_id, frozenset()) & self.who.keys)

    def settle(self) -> None:
        """Flush: the changed rows get their versions (and new ones their ids)."""
        if not self.pending:
            return
        self.session.flush()
        for p in self.pending:
            p.result = {"uuid": p.uuid, "status": "ok", "version": p.row.version, "server_id": p.row.id}
        self.pending = []
        self.touched.clear()

    @staticmethod
    def _resolved(result: Result) -> dict[str, Any]:
        if isinstance(result, _Pending):
            assert result.result is not None, "settle() first"
            return result.result
        return result


def _text(value: Any, longest: int) -> TypeGuard[str]:
    """A string the database can compare: 1 to `longest` characters, no NUL (PostgreSQL refuses it)."""
    return isinstance(value, str) and 1 <= len(value) <= longest and "\x00" not in value


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i : i + _CHUNK] for i in range(0, len(values), _CHUNK)]


def _items(raw: Any) -> list[Any]:
    if not isinstance(raw, dict):
        raise Invalid('The request body must be a JSON object: {"items": [...]}.')
    unknown = set(raw) - {"items"}
    if unknown:
        raise Invalid(f"Unknown fields in the request: {', '.join(sorted(map(str, unknown)))}.")
    items = raw.get("items")
    if not isinstance(items, list):
        raise Invalid('The request needs "items": a list of changes.')
    if len(items) > MAX_ITEMS:
        raise Invalid(f"Too many items ({len(items)}); send at most {MAX_ITEMS} per request.")
    return items


@router.post("/annotations/batch")
def push(
    raw: Any = Body(...),
    who: Caller = Depends(write_caller),
    session: Session = Depends(writer, scope="function"),
    ctx: ServerContext = Depends(context),
) -> Response:
    """Apply the author's annotation changes in order, in one transaction; one result per item."""
    items = _items(raw)
    pushed_by(session, who.device.id)  # the pushing device holds what it is answered: its stream sleeps
    return _json({"results": Batch(session, who, ctx.settings.annotations_per_file).apply(items)})


@router.get("/annotations/{uuid}")
def get_annotation(
    uuid: str, who: Caller = Depends(caller), session: Session = Depends(db, scope="function")
) -> Response:
    """One annotation the caller may see (their own, or one shared with them)."""
    missing = NotFound(f"No annotation {uuid[:40]!r}.")
    row = session.scalar(select(Annotation).where(Annotation.uuid == uuid)) if _text(uuid, 36) else None
    if row is None:
        raise missing
    audience = session.scalar(
        select(FeedObject.audience).where(
            FeedObject.kind == int(Kind.ANNOTATION), FeedObject.obj_id == row.id
        )
    )
    if audience is None or not (aud.decode(audience) & who.keys):
        raise missing
    return _json({"uuid": row.uuid, "server_id": row.id, "version": row.version, "record": _record_of(row)})
