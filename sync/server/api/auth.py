"""Sign-in, token refresh, sign-out and the device list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server import tokens
from sync.server.api.deps import Caller, caller, context, db, write_caller, writer
from sync.server.api.schemas import PathId
from sync.server.context import ServerContext
from sync.server.errors import NotFound, Unauthenticated
from sync.server.models import Device, User, utcnow

router = APIRouter(prefix="/api/v1", tags=["accounts"])


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=100, pattern=r"^[^\x00]*$")  # PostgreSQL text has no NUL
    password: str = Field(min_length=1, max_length=1000)
    device_name: str = Field(default="", max_length=200, pattern=r"^[^\x00]*$")


class RefreshIn(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=200)


def _user(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role.value,
        "body_id": user.body_id,
        "person_id": user.person_id,
    }


def _tokens(issued: tokens.IssuedTokens) -> dict[str, Any]:
    return {
        "device_id": issued.device_id,
        "access_token": issued.access_token,
        "refresh_token": issued.refresh_token,
        "token_type": "bearer",
        "expires_in": issued.expires_in,
    }


@router.post("/auth/login")
def login(body: LoginIn, request: Request, ctx: ServerContext = Depends(context)) -> dict[str, Any]:
    client = request.client.host if request.client else "unknown"
    result = tokens.login(ctx.sessions, ctx.settings, body.username, body.password, body.device_name, client)
    if result is None:
        raise Unauthenticated("Wrong user name or password.")
    user, issued = result
    return {**_tokens(issued), "user": _user(user)}


@router.post("/auth/refresh")
def refresh(
    body: RefreshIn,
    session: Session = Depends(writer, scope="function"),
    ctx: ServerContext = Depends(context),
) -> dict[str, Any]:
    return _tokens(tokens.refresh(session, ctx.settings, body.refresh_token))


@router.post("/auth/logout", status_code=204)
def logout(who: Caller = Depends(write_caller), session: Session = Depends(writer, scope="function")) -> None:
    device = session.get(Device, who.device.id)
    if device is not None:
        device.revoked_at = utcnow()


@router.get("/me")
def me(who: Caller = Depends(caller)) -> dict[str, Any]:
    return {**_user(who.user), "device_id": who.device.id}


def _device(device: Device, current: int) -> dict[str, Any]:
    return {
        "id": device.id,
        "name": device.name,
        "created": device.created.isoformat(),
        "last_seen": device.last_seen.isoformat(),
        "revoked": device.revoked_at is not None,
        "current": device.id == current,
    }


@router.get("/devices")
def devices(
    who: Caller = Depends(caller), session: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    rows = session.scalars(select(Device).where(Device.user_id == who.user.id).order_by(Device.id))
    return {"data": [_device(d, who.device.id) for d in rows]}


@router.delete("/devices/{device_id}", status_code=204)
def revoke(
    device_id: PathId,
    who: Caller = Depends(write_caller),
    session: Session = Depends(writer, scope="function"),
) -> None:
    device = session.get(Device, device_id)
    if device is None:
        raise NotFound("No such device.")
    owner = session.get(User, device.user_id)
    own = device.user_id == who.user.id
    admin_of_body = who.user.role.value == "admin" and owner is not None and owner.body_id == who.user.body_id
    if not (own or admin_of_body):
        raise NotFound("No such device.")
    if device.revoked_at is None:
        device.revoked_at = utcnow()
