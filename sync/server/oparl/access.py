"""Who asks an OParl endpoint, and what they may see.

Without an Authorization header the caller is anonymous and holds the keys of what is public: the
whole-body key of every body. With one, the token must be valid (a bad token is a 401, never a silent
downgrade to anonymous) and the caller holds the public keys plus their account's keys.

An object the caller may not see answers 404 like one that does not exist -- unless the change log
shows the caller could see it once (it was deleted, or it left the caller's sight, say a published
meeting turned back into a draft): then its URL answers a tombstone, as OParl requires for deleted
objects, so that clients learn to drop their copy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.kinds import Kind
from sync.server import audience as aud
from sync.server.api.deps import db, resolve_caller
from sync.server.models import Body, Change, ObjectAudience, User

HISTORY_BY_ID = 200
VENDOR = "gremalda"  # prefix of the fields OParl has no name for, e.g. "gremalda:public"


@dataclass(frozen=True)
class OParlCaller:
    user: User | None
    keys: frozenset[str]
    public_keys: frozenset[str]

    def sees(self, audience: frozenset[str]) -> bool:
        return bool(audience & self.keys)

    def is_public(self, audience: frozenset[str]) -> bool:
        return bool(audience & self.public_keys)


def public_keys(session: Session) -> frozenset[str]:
    return frozenset(aud.body_key(b) for b in session.scalars(select(Body.id)))


def resolve_oparl_caller(session: Session, request: Request) -> OParlCaller:
    public = public_keys(session)
    if "authorization" not in request.headers:
        return OParlCaller(None, public, public)
    who = resolve_caller(session, request)  # raises Unauthenticated for a bad or foreign scheme
    return OParlCaller(who.user, public | who.keys, public)


def oparl_caller(request: Request, session: Session = Depends(db, scope="function")) -> OParlCaller:
    return resolve_oparl_caller(session, request)


def visible_ids(session: Session, who: OParlCaller, kind: Kind, ids: Iterable[int]) -> set[int]:
    wanted = sorted(set(ids))
    out: set[int] = set()
    for i in range(0, len(wanted), 500):
        out.update(
            session.scalars(
                select(ObjectAudience.obj_id).where(
                    ObjectAudience.kind == int(kind),
                    ObjectAudience.obj_id.in_(wanted[i : i + 500]),
                    ObjectAudience.key.in_(sorted(who.keys)),
                )
            )
        )
    return out


def history(session: Session, kind: Kind, ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """Every audience key each object ever had, from the change log (before and after each change).

    One query: by id for a few objects, else one pass over the kind (the change log has no index by
    object, so long id lists would each scan it anyway)."""
    wanted = {int(i) for i in ids}
    stmt = select(Change.obj_id, Change.before, Change.after).where(Change.kind == int(kind))
    if len(wanted) <= HISTORY_BY_ID:
        stmt = stmt.where(Change.obj_id.in_(sorted(wanted)))
    out: dict[int, set[str]] = {}
    for obj_id, before, after in session.execute(stmt):
        if int(obj_id) in wanted:
            out.setdefault(int(obj_id), set()).update(aud.decode(before) | aud.decode(after))
    return {k: frozenset(v) for k, v in out.items()}


def body_of_keys(keys: frozenset[str]) -> set[int]:
    """The bodies an audience belongs to (every council object has a body or clerk key)."""
    out = set()
    for key in keys:
        if key[:1] in ("b", "c") and key[1:].isdigit():
            out.add(int(key[1:]))
    return out
