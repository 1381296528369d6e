"""What signing in gives: the device's tokens and the account, as the server sends them
(POST /api/v1/auth/login and /refresh)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sync.client.errors import ServerProtocolError
from sync.client.wire import field, int_, object_, opt_int, str_


@dataclass(frozen=True)
class Tokens:
    """The tokens of this device; persist all of them (the refresh token changes on each refresh)."""

    device_id: int
    access_token: str
    refresh_token: str
    expires_in: int  # seconds the access token was valid for when issued


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    body_id: int | None
    person_id: int | None


@dataclass(frozen=True)
class SignIn:
    tokens: Tokens
    user: Account


def parse_tokens(data: Any) -> Tokens:
    obj = object_(data, "a sign-in answer")
    tokens = Tokens(
        device_id=int_(field(obj, "device_id", "a sign-in answer"), "a device id"),
        access_token=str_(field(obj, "access_token", "a sign-in answer"), "an access token"),
        refresh_token=str_(field(obj, "refresh_token", "a sign-in answer"), "a refresh token"),
        expires_in=int_(field(obj, "expires_in", "a sign-in answer"), "a token lifetime"),
    )
    if not tokens.access_token or not tokens.refresh_token:
        raise ServerProtocolError("The server sent empty tokens.")
    return tokens


def parse_account(data: Any) -> Account:
    obj = object_(data, "a user")
    return Account(
        id=int_(field(obj, "id", "a user"), "a user id"),
        username=str_(field(obj, "username", "a user"), "a user name"),
        role=str_(field(obj, "role", "a user"), "a role"),
        body_id=opt_int(obj.get("body_id"), "a body id"),
        person_id=opt_int(obj.get("person_id"), "a person id"),
    )
