"""Writes the change feed: every committed change of a synced object gets a sequence number.

Hooked into SQLAlchemy sessions: new, changed and deleted synced objects are collected at each
flush and, before the commit, turned into `change` rows (append-only), `feed_object` rows (current
state) and `object_audience` rows. Objects whose audience derives from a changed one (a meeting's
agenda items, an item's papers and files, …) are re-evaluated as well, so a loss of visibility is
always recorded. Writers take the single `feed_counter` row first, so sequence numbers commit in
order on PostgreSQL as on SQLite.

An annotation withheld from others because its author could not see its file (api/annotations.py) is
shared again, in the same transaction, as soon as its author may see the file again: when the file's
audience widens (it is re-evaluated as the file's dependent) or when the author's own rights grow (a
membership, an e-file share, their account's role or person changes). Rights that grow without a write --
a membership whose start date comes -- are caught by `reshare_withheld`, a pass the server runs every hour
(periodic.py).
"""

from __future__ import annotations

import json
from collections import deque
from datetime import date
from typing import Any

from sqlalchemy import delete, event, insert, inspect, or_, select, update
from sqlalchemy.orm import Session

from sync.protocol.kinds import Kind
from sync.server import audience as aud
from sync.server.events import committed
from sync.server.models import (
    Annotation,
    Body,
    Change,
    Consultation,
    EFileShare,
    FeedCounter,
    FeedObject,
    File,
    Membership,
    ObjectAudience,
    Paper,
    User,
    utcnow,
)
from sync.server.models.base import Versioned
from sync.server.serialize import KIND_OF, body_time_zone, to_json

_PENDING = "feed_pending"
_DELETED = "feed_deleted"
_BUSY = "feed_busy"
_REEVALUATE = "feed_reevaluate"
_WRITTEN = "feed_written"
_GRANTED = "feed_granted"  # ("p", person id) / ("u", user id) whose rights may have grown
_TODAY = "feed_today"  # the day authors' rights are judged on (date.today() unless a pass says otherwise)
_DEVICE = "feed_device"  # the device whose own annotation push the session writes (`pushed_by`)


def pushed_by(session: Session, device_id: int) -> None:
    """The session writes what this device pushed (its annotations, which it holds as the server answers
    them): their change rows name the device, whose event stream they then do not wake (events.py). Only
    annotation rows are marked; anything else the transaction changes wakes every stream as ever."""
    session.info[_DEVICE] = device_id


def _synced(obj: object) -> bool:
    return type(obj) in KIND_OF


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _ctx: Any, _instances: Any) -> None:
    if session.info.get(_BUSY):
        return
    pending: dict[int, object] = session.info.setdefault(_PENDING, {})
    deleted: dict[tuple[Kind, int], object] = session.info.setdefault(_DELETED, {})
    for obj in session.new:
        if _synced(obj):
            pending[id(obj)] = obj
    for obj in session.dirty:
        if _synced(obj) and session.is_modified(obj, include_collections=False):
            assert isinstance(obj, Versioned)
            obj.touch()
            pending[id(obj)] = obj
            if isinstance(obj, Consultation):
                # the paper it no longer links loses this consultation's audience
                old_papers = inspect(obj).attrs.paper_id.history.deleted
                session.info.setdefault(_REEVALUATE, set()).update((Paper, p) for p in old_papers if p)
    for obj in session.deleted:
        if _synced(obj):
            deleted[(KIND_OF[type(obj)], obj.id)] = obj
            pending.pop(id(obj), None)
    _collect_grants(session)


def _collect_grants(session: Session) -> None:
    """Notes whose authors may have gained rights (their withheld annotations are looked at again)."""
    granted: set[tuple[str, int]] = session.info.setdefault(_GRANTED, set())
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Membership | EFileShare) and obj.person_id is not None:
            granted.add(("p", obj.person_id))
        elif isinstance(obj, User) and obj in session.dirty:
            attrs = inspect(obj).attrs
            if attrs.role.history.has_changes() or attrs.person_id.history.has_changes():
                granted.add(("u", obj.id))


def _withheld_of(session: Session, granted: set[tuple[str, int]]) -> list[Annotation]:
    """The withheld annotations of the authors in `granted`."""
    persons = sorted(i for k, i in granted if k == "p")
    users = sorted(i for k, i in granted if k == "u")
    authors = select(User.id).where(or_(User.person_id.in_(persons), User.id.in_(users)))
    return list(
        session.scalars(
            select(Annotation).where(Annotation.visibility == aud.WITHHELD, Annotation.author_id.in_(authors))
        )
    )


def reshare_withheld(session: Session, today: date) -> None:
    """Looks again at every withheld annotation as of `today`: those whose authors may see their files by
    now (a membership that began today, though it was written before) are shared again as their records
    say, with their feed entries, when the session commits. Nothing is written for the others."""
    authors = session.scalars(select(Annotation.author_id).where(Annotation.visibility == aud.WITHHELD))
    session.info.setdefault(_GRANTED, set()).update(("u", author) for author in set(authors))
    session.info[_TODAY] = today


def republish_bodies(session: Session) -> int:
    """Bodies whose feed record names another time zone than the server's setting (`serialize.body_time_zone`:
    the server was restarted with another GREMALDA_TIME_ZONE, or the record was written before records named
    one) are written again, as an edit of the body would, when the session commits: clients then count
    notice periods in the zone the server counts them in. Returns how many."""
    zone = body_time_zone(session)
    records = session.execute(
        select(FeedObject.obj_id, FeedObject.payload).where(
            FeedObject.kind == int(Kind.BODY), FeedObject.deleted.is_(False)
        )
    )
    stale = [
        obj_id for obj_id, payload in records if payload and json.loads(payload).get("time_zone") != zone
    ]
    for body in session.scalars(select(Body).where(Body.id.in_(stale))):
        body.modified = utcnow()  # dirty: the flush's collector touches it (version) and it is published
    return len(stale)


@event.listens_for(Session, "before_commit")
def _publish(session: Session) -> None:
    if session.info.get(_BUSY):
        return
    session.flush()
    today: date = session.info.pop(_TODAY, None) or date.today()
    pending: dict[int, object] = session.info.pop(_PENDING, {})
    deleted: dict[tuple[Kind, int], object] = session.info.pop(_DELETED, {})
    for model, obj_id in session.info.pop(_REEVALUATE, set()):
        if (obj := session.get(model, obj_id)) is not None:
            pending[id(obj)] = obj
    if granted := session.info.pop(_GRANTED, set()):
        for note in _withheld_of(session, granted):
            pending[id(note)] = note
    if not pending and not deleted:
        return
    session.info[_BUSY] = True
    try:
        FeedWriter(session, today).write(list(pending.values()), deleted)
        session.flush()
        session.info[_WRITTEN] = True
    finally:
        session.info.pop(_BUSY, None)


@event.listens_for(Session, "after_commit")
def _announce(session: Session) -> None:
    if session.info.pop(_WRITTEN, None):
        committed()  # the push channel's watchers read the new rows now


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_DELETED, None)
    session.info.pop(_REEVALUATE, None)
    session.info.pop(_GRANTED, None)
    session.info.pop(_TODAY, None)
    session.info.pop(_WRITTEN, None)


class FeedWriter:
    def __init__(self, session: Session, today: date) -> None:
        self.session, self.today = session, today
        self.resolver = aud.AudienceResolver(session)
        self._author_keys: dict[int, aud.Audience] = {}

    def _reserve(self, count: int) -> int:
        """Reserve `count` sequence numbers; returns the first. Locks the counter row until commit."""
        last = self.session.execute(
            update(FeedCounter)
            .where(FeedCounter.id == 1)
            .values(last_seq=FeedCounter.last_seq + count)
            .returning(FeedCounter.last_seq)
        ).scalar_one_or_none()
        if last is None:
            self.session.execute(insert(FeedCounter).values(id=1, last_seq=count))
            last = count
        return int(last) - count + 1

    def write(self, changed: list[object], deleted: dict[tuple[Kind, int], object]) -> None:
        rows: list[
            tuple[Kind, int, bool, str, str, str | None]
        ] = []  # kind, id, deleted, before, after, payload
        seen: set[tuple[Kind, int]] = set(deleted)
        initial = [*[(KIND_OF[type(o)], o.id) for o in changed], *deleted]  # type: ignore[attr-defined]
        current = self._current(initial)
        looked_up = set(initial)

        for key, obj in deleted.items():
            before = current.get(key, ("", None))[0]
            rows.append((key[0], key[1], True, before, "", None))
            for dep in self.resolver.dependents(obj):
                if _synced(dep) and dep not in self.session.deleted:
                    changed.append(dep)

        work = deque(changed)
        while work:
            obj = work.popleft()
            key = (KIND_OF[type(obj)], obj.id)  # type: ignore[attr-defined]
            if key in seen:
                continue
            seen.add(key)
            if key not in looked_up:
                current.update(self._current([key]))
                looked_up.add(key)
            published = key in current
            before, old_payload = current.get(key, ("", None))
            if isinstance(obj, Annotation) and obj.visibility == aud.WITHHELD:
                self._reshare(obj)
            after = aud.encode(self.resolver.of(obj))
            payload = to_json(obj)
            if before == after and payload == old_payload:
                continue  # nothing anybody can observe changed
            rows.append((key[0], key[1], False, before, after, payload))
            # Objects derive their audience from what they belong to, so a brand-new object has no
            # published dependents (they would have to be new as well, and are queued already) --
            # except a consultation, which widens the audience of the existing paper it links.
            if before != after and (published or isinstance(obj, Consultation)):
                work.extend(d for d in self.resolver.dependents(obj) if _synced(d))

        if rows:
            self._store(rows, current)

    def _reshare(self, note: Annotation) -> None:
        """A withheld annotation whose author may see its file again gets the visibility its record
        says (the record and its version stay as the author pushed them)."""
        if note.file_id is None:
            return
        file = self.session.get(File, note.file_id)
        if file is None or file in self.session.deleted:
            return
        if note.author_id not in self._author_keys:
            author = self.session.get(User, note.author_id)
            keys = aud.user_keys(self.session, author, self.today) if author else frozenset()
            self._author_keys[note.author_id] = keys
        if self.resolver.file(file) & self._author_keys[note.author_id]:
            visibility = json.loads(note.payload).get("visibility")
            if visibility in ("private", "faction", "committee"):
                note.visibility = visibility

    def _current(self, keys: list[tuple[Kind, int]]) -> dict[tuple[Kind, int], tuple[str, str | None]]:
        out: dict[tuple[Kind, int], tuple[str, str | None]] = {}
        by_kind: dict[int, list[int]] = {}
        for key_kind, obj_id in keys:
            by_kind.setdefault(int(key_kind), []).append(obj_id)
        for kind, ids in by_kind.items():
            for i in range(0, len(ids), 500):
                result = self.session.execute(
                    select(FeedObject.obj_id, FeedObject.audience, FeedObject.payload).where(
                        FeedObject.kind == kind, FeedObject.obj_id.in_(ids[i : i + 500])
                    )
                )
                for obj_id, audience, payload in result:
                    out[(Kind(kind), obj_id)] = (audience, payload)
        return out

    def _store(
        self,
        rows: list[tuple[Kind, int, bool, str, str, str | None]],
        current: dict[tuple[Kind, int], tuple[str, str | None]],
    ) -> None:
        s = self.session
        first = self._reserve(len(rows))
        now = utcnow()
        device = s.info.get(_DEVICE)
        changes, objects_new, audience_new = [], [], []
        for offset, (kind, obj_id, is_deleted, before, after, payload) in enumerate(rows):
            seq = first + offset
            changes.append(
                {
                    "seq": seq,
                    "kind": int(kind),
                    "obj_id": obj_id,
                    "deleted": is_deleted,
                    "before": before,
                    "after": after,
                    "device_id": device if kind == Kind.ANNOTATION else None,
                }
            )
            values = {
                "seq": seq,
                "audience": after,
                "deleted": is_deleted,
                "payload": payload,
                "modified": now,
            }
            if (kind, obj_id) in current:
                s.execute(
                    update(FeedObject)
                    .where(FeedObject.kind == int(kind), FeedObject.obj_id == obj_id)
                    .values(**values)
                )
            else:
                objects_new.append({"kind": int(kind), "obj_id": obj_id, **values})
                current[(kind, obj_id)] = (after, payload)
            if before != after:
                old, new = aud.decode(before), aud.decode(after)
                if old - new:
                    s.execute(
                        delete(ObjectAudience).where(
                            ObjectAudience.kind == int(kind),
                            ObjectAudience.obj_id == obj_id,
                            ObjectAudience.key.in_(sorted(old - new)),
                        )
                    )
                audience_new += [{"kind": int(kind), "obj_id": obj_id, "key": k} for k in sorted(new - old)]
        if objects_new:
            s.execute(insert(FeedObject), objects_new)
        if audience_new:
            s.execute(insert(ObjectAudience), audience_new)
        s.execute(insert(Change), changes)
