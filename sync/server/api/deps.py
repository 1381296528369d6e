"""Request dependencies: the server context, database sessions and the signed-in caller."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from sync.server import audience as aud
from sync.server.context import ServerContext
from sync.server.db import write_session
from sync.server.errors import Forbidden, Unauthenticated
from sync.server.models import Device, Role, User
from sync.server.tokens import authenticate


def context(request: Request) -> ServerContext:
    ctx: ServerContext = request.app.state.ctx
    return ctx


def db(ctx: ServerContext = Depends(context)) -> Iterator[Session]:
    with ctx.sessions() as session:
        yield session


def writer(ctx: ServerContext = Depends(context)) -> Iterator[Session]:
    with write_session(ctx.sessions) as session:
        yield session


@dataclass
class Caller:
    user: User
    device: Device
    keys: frozenset[str]

    def require_clerk(self, body_id: int) -> None:
        if self.user.role != Role.CLERK or self.user.body_id != body_id:
            raise Forbidden("Only the clerks of this body may change it.")

    def require_admin(self) -> None:
        if self.user.role != Role.ADMIN:
            raise Forbidden("Only administrators may do this.")


def _bearer(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated()
    return token.strip()


def resolve_caller(session: Session, request: Request) -> Caller:
    """Who is asking, from the bearer token (raises Unauthenticated)."""
    user, device = authenticate(session, _bearer(request))
    return Caller(user, device, aud.user_keys(session, user, date.today()))


def caller(request: Request, session: Session = Depends(db, scope="function")) -> Caller:
    return resolve_caller(session, request)


def write_caller(request: Request, session: Session = Depends(writer, scope="function")) -> Caller:
    return resolve_caller(session, request)
