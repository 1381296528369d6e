"""Account administration for the administrators of a body: accounts, roles, passwords, devices."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sync.server.api.deps import Caller, caller, db, write_caller, writer
from sync.server.api.schemas import Id, PathId
from sync.server.errors import Conflict, Invalid, NotFound
from sync.server.models import Device, Person, Role, User, utcnow
from sync.server.passwords import hash_password

router = APIRouter(prefix="/api/v1", tags=["admin"])


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=2, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")
    password: str = Field(min_length=10, max_length=1000, pattern=r"^[^\x00]*$")
    role: Role = Role.MEMBER
    person_id: Id | None = None


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    password: str | None = Field(default=None, min_length=10, max_length=1000)
    role: Role | None = None
    person_id: Id | None = None


def _out(session: Session, user: User) -> dict[str, Any]:
    active = session.scalars(
        select(Device.id).where(Device.user_id == user.id, Device.revoked_at.is_(None))
    ).all()
    return {
        "id": user.id,
        "username": user.username,
        "role": user.role.value,
        "body_id": user.body_id,
        "person_id": user.person_id,
        "active_devices": len(active),
    }


def _account(session: Session, who: Caller, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.body_id != who.user.body_id:
        raise NotFound(f"No account with id {user_id}.")
    return user


def _check_person(session: Session, who: Caller, person_id: int | None) -> None:
    if person_id is None:
        return
    person = session.get(Person, person_id)
    if person is None or person.body_id != who.user.body_id:
        raise Invalid(f"The person {person_id} does not exist in this body.")


@router.get("/users")
def list_users(
    who: Caller = Depends(caller), session: Session = Depends(db, scope="function")
) -> dict[str, Any]:
    who.require_admin()
    users = session.scalars(select(User).where(User.body_id == who.user.body_id).order_by(User.id))
    return {"data": [_out(session, u) for u in users]}


@router.post("/users", status_code=201)
def create_user(
    body: UserIn, who: Caller = Depends(write_caller), session: Session = Depends(writer, scope="function")
) -> dict[str, Any]:
    who.require_admin()
    if session.scalar(select(User.id).where(User.username == body.username)) is not None:
        raise Conflict(f"The user name {body.username} is taken.")
    _check_person(session, who, body.person_id)
    user = User(
        username=body.username,
        password_hash=hash_password(body.password),
        role=body.role,
        body_id=who.user.body_id,
        person_id=body.person_id,
    )
    session.add(user)
    session.flush()
    return _out(session, user)


@router.patch("/users/{user_id}")
def change_user(
    user_id: PathId,
    body: UserPatch,
    who: Caller = Depends(write_caller),
    session: Session = Depends(writer, scope="function"),
) -> dict[str, Any]:
    who.require_admin()
    user = _account(session, who, user_id)
    if body.role is not None:
        user.role = body.role
    if "person_id" in body.model_fields_set:
        _check_person(session, who, body.person_id)
        user.person_id = body.person_id
    if body.password is not None:
        user.password_hash = hash_password(body.password)
        _revoke_all(session, user.id)  # a new password ends every sign-in
    return _out(session, user)


@router.delete("/users/{user_id}/devices", status_code=204)
def end_all_devices(
    user_id: PathId, who: Caller = Depends(write_caller), session: Session = Depends(writer, scope="function")
) -> None:
    """Ends every sign-in of an account, e.g. when a laptop was lost."""
    if who.user.id != user_id:
        who.require_admin()
    _revoke_all(session, _account(session, who, user_id).id)


def _revoke_all(session: Session, user_id: int) -> None:
    session.execute(
        update(Device)
        .where(Device.user_id == user_id, Device.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
