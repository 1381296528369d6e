"""Reads the change feed for one user.

A cursor records the last sequence number the client has applied and the audience keys it was
computed for, signed with the server secret. On each call the user's keys are computed afresh:
keys lost since the cursor (a membership ended, an e-file unshared, even just by date) produce
`remove` entries for everything only they allowed; keys gained produce the current state of
everything they allow. Then the log after the cursor's sequence number follows in order. A call
without a cursor is the same with an empty key set: a full snapshot, then the log.

A page ends at `limit` entries or once its entries reach `max_bytes` (at least one entry, however large),
so a page of large records (ink annotations) stays a few MiB in the server's memory and the client's.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import hmac
import json
import zlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from sync.protocol.kinds import Kind
from sync.server import audience as aud
from sync.server.errors import Invalid
from sync.server.models import Change, FeedCounter, FeedObject, ObjectAudience, User


@dataclass
class Expansion:
    """Progress through the snapshot of gained keys and the removals of lost ones."""

    target: frozenset[str]
    phase: int = 0  # 0: removals, 1: additions
    kind: int = 0
    last_id: int = 0


@dataclass
class Cursor:
    user_id: int
    seq: int
    keys: frozenset[str]  # the client holds every object these keys allow (as of `seq`)
    expansion: Expansion | None = None
    # keys the client may still hold some objects of (lost since, or partly sent before rights changed
    # again): their objects are removed by the expansion, and log rows up to `prior_until` are checked
    # against them too, so what left them in the meantime is removed as well
    prior: frozenset[str] = frozenset()
    prior_until: int = 0

    def encode(self, secret: bytes) -> str:
        raw: dict[str, Any] = {"u": self.user_id, "s": self.seq, "k": sorted(self.keys)}
        if self.expansion:
            e = self.expansion
            raw["x"] = [sorted(e.target), e.phase, e.kind, e.last_id]
        if self.prior:
            raw["p"] = [sorted(self.prior), self.prior_until]
        body = zlib.compress(json.dumps(raw, separators=(",", ":")).encode(), 9)
        mac = hmac.new(secret, body, hashlib.sha256).digest()[:16]
        return base64.urlsafe_b64encode(body + mac).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str, secret: bytes, user_id: int) -> Cursor:
        try:
            blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            body, mac = blob[:-16], blob[-16:]
            if not hmac.compare_digest(mac, hmac.new(secret, body, hashlib.sha256).digest()[:16]):
                raise ValueError("bad signature")
            raw = json.loads(zlib.decompress(body))
            cursor = cls(int(raw["u"]), int(raw["s"]), frozenset(raw["k"]))
            if "x" in raw:
                target, phase, kind, last_id = raw["x"]
                cursor.expansion = Expansion(frozenset(target), int(phase), int(kind), int(last_id))
            if "p" in raw:
                prior, until = raw["p"]
                cursor.prior, cursor.prior_until = frozenset(prior), int(until)
        except (ValueError, KeyError, TypeError, zlib.error, json.JSONDecodeError):
            raise Invalid("The sync cursor is not valid. Start again without a cursor.") from None
        if cursor.user_id != user_id:
            raise Invalid("The sync cursor belongs to another account. Start again without a cursor.")
        return cursor


@dataclass
class Page:
    entries: list[str] = field(default_factory=list)  # JSON text of each change entry
    cursor: str = ""
    has_more: bool = False
    max_bytes: int = 8 * 1024 * 1024
    size: int = 0  # UTF-8 bytes of the entries so far

    def add(self, entry: str) -> None:
        self.entries.append(entry)
        self.size += len(entry.encode("utf-8")) + 1

    @property
    def full(self) -> bool:
        """No more entries fit (by bytes); a page always takes its first one."""
        return bool(self.entries) and self.size >= self.max_bytes

    def to_json_bytes(self) -> bytes:
        more = "true" if self.has_more else "false"
        return (
            f'{{"cursor":{json.dumps(self.cursor)},"has_more":{more},"changes":['
            + ",".join(self.entries)
            + "]}"
        ).encode("utf-8")


def _remove(kind: int, obj_id: int, seq: int) -> str:
    return f'{{"op":"remove","seq":{seq},"type":"{Kind(kind).wire}","id":{obj_id}}}'


def _upsert(seq: int, payload: str) -> str:
    return f'{{"op":"upsert","seq":{seq},"data":{payload}}}'


def last_seq(session: Session) -> int:
    value = session.scalar(select(FeedCounter.last_seq).where(FeedCounter.id == 1))
    return int(value or 0)


class FeedReader:
    def __init__(self, session: Session, user: User, secret: bytes, today: date) -> None:
        self.session = session
        self.user = user
        self.secret = secret
        self.keys_now = aud.user_keys(session, user, today)

    def read(self, token: str | None, limit: int, max_bytes: int = 8 * 1024 * 1024) -> Page:
        if token:
            cursor = Cursor.decode(token, self.secret, self.user.id)
            if cursor.seq > last_seq(self.session):
                raise Invalid("The sync cursor is ahead of this server. Start again without a cursor.")
        else:
            cursor = Cursor(self.user.id, last_seq(self.session), frozenset())
        page = Page(max_bytes=max_bytes)
        restart = cursor.expansion is not None and cursor.expansion.target != self.keys_now
        if restart and cursor.expansion is not None and cursor.expansion.phase >= 1:
            cursor.prior |= cursor.expansion.target  # rights changed again mid-way: some were sent already
        if restart or (cursor.expansion is None and cursor.keys != self.keys_now):
            cursor.prior |= cursor.keys
            cursor.expansion = Expansion(self.keys_now)
        if cursor.expansion is not None:
            self._expand(cursor, page, limit)
        if cursor.expansion is None and len(page.entries) < limit and not page.full:
            self._log(cursor, page, limit - len(page.entries))
        page.cursor = cursor.encode(self.secret)
        return page

    def _expand(self, cursor: Cursor, page: Page, limit: int) -> None:
        exp = cursor.expansion
        assert exp is not None
        while exp.phase < 2:
            room = limit - len(page.entries)
            if room <= 0:
                page.has_more = True
                return
            held = cursor.keys | cursor.prior
            keys = held - exp.target if exp.phase == 0 else exp.target - cursor.keys
            rows = self._objects_with_keys(keys, exp.kind, exp.last_id, room) if keys else []
            for kind, obj_id, seq, audience, payload in rows:
                if page.full:  # the next page goes on from this object
                    page.has_more = True
                    return
                exp.kind, exp.last_id = kind, obj_id
                if exp.phase == 0:
                    if not (aud.decode(audience) & exp.target):
                        page.add(_remove(kind, obj_id, seq))
                elif payload is not None:
                    page.add(_upsert(seq, payload))
            if len(rows) < room:  # nothing more in this phase
                exp.phase, exp.kind, exp.last_id = exp.phase + 1, 0, 0
        cursor.keys = exp.target
        cursor.expansion = None
        if cursor.prior:
            # what changed while the client still held objects of the prior keys is checked against them
            cursor.prior_until = max(cursor.prior_until, last_seq(self.session))

    def _objects_with_keys(
        self, keys: frozenset[str], after_kind: int, after_id: int, limit: int
    ) -> list[tuple[int, int, int, str, str | None]]:
        """The next `limit` objects (by kind, id) that any of `keys` may see, with their state.

        One keyset scan of the (key, kind, obj_id) index per key, merged: each page costs about
        `limit` rows per key, however large the body (a DISTINCT over all keys would sort everything
        left on every page)."""
        conn = self.session.connection()
        position = tuple_(ObjectAudience.kind, ObjectAudience.obj_id) > tuple_(after_kind, after_id)
        streams = []
        for key in sorted(keys):
            rows = conn.execute(
                select(ObjectAudience.kind, ObjectAudience.obj_id)
                .where(ObjectAudience.key == key, position)
                .order_by(ObjectAudience.kind, ObjectAudience.obj_id)
                .limit(limit)
            ).all()
            streams.append([(int(k), int(i)) for k, i in rows])
        wanted: list[tuple[int, int]] = []
        for pair in heapq.merge(*streams):
            if not wanted or wanted[-1] != pair:
                wanted.append(pair)
                if len(wanted) == limit:
                    break
        by_kind: dict[int, list[int]] = {}
        for kind, obj_id in wanted:
            by_kind.setdefault(kind, []).append(obj_id)
        state: dict[tuple[int, int], tuple[int, str, str | None]] = {}
        for kind, ids in by_kind.items():
            for k, i, seq, audience, payload in conn.execute(
                select(
                    FeedObject.kind,
                    FeedObject.obj_id,
                    FeedObject.seq,
                    FeedObject.audience,
                    FeedObject.payload,
                ).where(FeedObject.kind == kind, FeedObject.obj_id.in_(ids))
            ):
                state[(int(k), int(i))] = (int(seq), audience, payload)
        return [(k, i, *state[(k, i)]) for k, i in wanted if (k, i) in state]

    def _log(self, cursor: Cursor, page: Page, limit: int) -> None:
        rows = self.session.execute(
            select(Change.seq, Change.kind, Change.obj_id, Change.before, Change.after)
            .where(Change.seq > cursor.seq)
            .order_by(Change.seq)
            .limit(limit + 1)
        ).all()
        page.has_more = len(rows) > limit
        rows = rows[:limit]
        if not rows:
            self._forget_prior(cursor)
            return
        keys = [(int(r.kind), int(r.obj_id)) for r in rows]
        state = {
            (int(k), int(i)): (a, p)
            for k, i, a, p in self.session.execute(
                select(FeedObject.kind, FeedObject.obj_id, FeedObject.audience, FeedObject.payload).where(
                    tuple_(FeedObject.kind, FeedObject.obj_id).in_(sorted(set(keys)))
                )
            )
        }
        emitted: set[tuple[int, int]] = set()
        for row, key in zip(rows, keys, strict=True):
            if page.full:  # the next page goes on from this change
                page.has_more = True
                break
            cursor.seq = int(row.seq)
            known = self.keys_now | cursor.prior if cursor.seq <= cursor.prior_until else self.keys_now
            if key in emitted:
                continue
            audience_now, payload = state.get(key, ("", None))
            if payload is not None and aud.decode(audience_now) & self.keys_now:
                page.add(_upsert(int(row.seq), payload))
                emitted.add(key)
            elif (aud.decode(row.before) | aud.decode(row.after)) & known:
                page.add(_remove(key[0], key[1], int(row.seq)))
                emitted.add(key)
        self._forget_prior(cursor)

    @staticmethod
    def _forget_prior(cursor: Cursor) -> None:
        if cursor.seq >= cursor.prior_until:
            cursor.prior, cursor.prior_until = frozenset(), 0
