"""Per-device tokens: an access token and a rotating refresh token, stored only as SHA-256 hashes.

A refresh token can be used once; using an old one again (a sign that it was stolen) revokes the
device. Failed logins are throttled per user name and per client address.

There is deliberately no grace period for the refresh token just rotated: during one, a thief who
refreshed first could not be caught by the member's client presenting the old token, and the member
would be signed out while the thief's session lived on. Clients of one device must therefore never
refresh with the same token twice; the desktop client and the CLI share the tokens of a data directory
(``gremalda.core.account``: one token holder per process, re-reading the stored tokens under a file
lock before refreshing), which makes concurrent refreshes of one device safe without weakening this.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sync.server.config import Settings
from sync.server.db import write_session
from sync.server.errors import TooManyRequests, Unauthenticated
from sync.server.models import Device, LoginFailure, User, utcnow
from sync.server.passwords import dummy_hash, verify_password


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedTokens:
    device_id: int
    access_token: str
    refresh_token: str
    expires_in: int


def _issue(device: Device, settings: Settings, now: datetime) -> tuple[str, str]:
    access, refresh = "ga_" + secrets.token_urlsafe(32), "gr_" + secrets.token_urlsafe(32)
    device.access_hash = token_hash(access)
    device.access_expires = now + settings.access_token_ttl
    device.refresh_hash = token_hash(refresh)
    device.refresh_expires = now + settings.refresh_token_ttl
    return access, refresh


class Throttle:
    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.settings = settings

    def check(self, keys: list[str], now: datetime) -> None:
        for key in keys:
            row = self.session.get(LoginFailure, key)
            if row and row.locked_until and row.locked_until > now:
                wait = math.ceil((row.locked_until - now).total_seconds())
                raise TooManyRequests(f"Too many failed sign-ins. Try again in {wait} seconds.", wait)

    def fail(self, keys: list[str], now: datetime, limits: list[int]) -> None:
        for key, limit in zip(keys, limits, strict=True):
            row = self.session.get(LoginFailure, key)
            if row is None:
                row = LoginFailure(key=key, count=0, window_start=now)
                self.session.add(row)
            if now - row.window_start > self.settings.login_window:
                row.count, row.window_start, row.locked_until = 0, now, None
            row.count += 1
            if row.count >= limit:
                row.locked_until = now + self.settings.login_lockout

    def succeed(self, key: str) -> None:
        row = self.session.get(LoginFailure, key)
        if row is not None:
            self.session.delete(row)


def login(
    sessions: sessionmaker[Session],
    settings: Settings,
    username: str,
    password: str,
    device_name: str,
    client: str,
) -> tuple[User, IssuedTokens] | None:
    """Returns the user and new tokens, or None for a wrong name or password (after recording it).

    Raises TooManyRequests while the name or the address is locked out. The slow, memory-hard password
    check runs outside any write transaction, so sign-ins never hold up writers."""
    keys = [f"user:{username.lower()}", f"addr:{client}"]
    with sessions() as session:
        Throttle(session, settings).check(keys, utcnow())
        user = session.scalar(select(User).where(User.username == username))
    ok = verify_password(password, user.password_hash if user else dummy_hash())
    with write_session(sessions) as session:
        throttle = Throttle(session, settings)
        now = utcnow()
        if user is None or not ok:
            throttle.fail(keys, now, [settings.login_max_failures, settings.login_max_failures * 4])
            return None
        throttle.check(keys, now)  # locked out by other attempts while this password was checked
        throttle.succeed(keys[0])
        device = Device(user_id=user.id, name=device_name[:200], created=now, last_seen=now)
        access, refresh = _issue(device, settings, now)
        session.add(device)
        session.flush()
        return user, IssuedTokens(device.id, access, refresh, int(settings.access_token_ttl.total_seconds()))


def refresh(session: Session, settings: Settings, refresh_token: str) -> IssuedTokens:
    now = utcnow()
    digest = token_hash(refresh_token)
    device = session.scalar(select(Device).where(Device.refresh_hash == digest))
    if device is None:
        reused = session.scalar(select(Device).where(Device.previous_refresh_hash == digest))
        if reused is not None and reused.revoked_at is None:
            reused.revoked_at = now  # a used refresh token came back: treat the device as compromised
            session.commit()
            raise Unauthenticated("This sign-in was ended for safety because an old token was reused.")
        raise Unauthenticated("The sign-in has expired. Please sign in again.")
    if device.revoked_at is not None or device.refresh_expires <= now:
        raise Unauthenticated("The sign-in has expired. Please sign in again.")
    device.previous_refresh_hash = device.refresh_hash
    device.refresh_generation += 1
    device.last_seen = now
    access, new_refresh = _issue(device, settings, now)
    return IssuedTokens(device.id, access, new_refresh, int(settings.access_token_ttl.total_seconds()))


def authenticate(session: Session, access_token: str) -> tuple[User, Device]:
    now = utcnow()
    row = session.execute(
        select(Device, User)
        .join(User, User.id == Device.user_id)
        .where(Device.access_hash == token_hash(access_token))
    ).first()
    if row is None or row[0].revoked_at is not None:
        raise Unauthenticated("The sign-in is not valid. Please sign in again.")
    device, user = row
    if device.access_expires <= now:
        raise Unauthenticated("The access token has expired. Refresh it or sign in again.")
    return user, device
