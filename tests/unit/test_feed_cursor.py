"""Feed cursors are opaque, signed, bound to their account."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.server.errors import Invalid
from sync.server.feed import Cursor, Expansion

SECRET = b"k" * 32
keys = st.frozensets(st.from_regex(r"[bcoe][0-9]{1,6}", fullmatch=True), max_size=30)


@given(
    user=st.integers(1, 10**9),
    seq=st.integers(0, 10**12),
    k=keys,
    target=keys,
    phase=st.integers(0, 1),
    kind=st.integers(0, 12),
    last=st.integers(0, 10**12),
    expanding=st.booleans(),
)
def test_round_trip(
    user: int,
    seq: int,
    k: frozenset[str],
    target: frozenset[str],
    phase: int,
    kind: int,
    last: int,
    expanding: bool,
) -> None:
    cursor = Cursor(user, seq, k, Expansion(target, phase, kind, last) if expanding else None)
    token = cursor.encode(SECRET)
    assert token.isascii() and "=" not in token
    assert Cursor.decode(token, SECRET, user) == cursor


def test_other_account_refused() -> None:
    token = Cursor(1, 5, frozenset({"b1"})).encode(SECRET)
    with pytest.raises(Invalid, match="another account"):
        Cursor.decode(token, SECRET, 2)


def test_other_secret_refused() -> None:
    token = Cursor(1, 5, frozenset({"b1"})).encode(SECRET)
    with pytest.raises(Invalid, match="not valid"):
        Cursor.decode(token, b"z" * 32, 1)


@given(st.binary(max_size=200))
def test_any_tampering_refused(noise: bytes) -> None:
    token = Cursor(7, 99, frozenset({"b1", "o3"})).encode(SECRET)
    import base64

    forged = base64.urlsafe_b64encode(noise).decode().rstrip("=")
    if forged != token:
        with pytest.raises(Invalid):
            Cursor.decode(forged, SECRET, 7)


def test_cannot_add_keys() -> None:
    """A client cannot grant itself keys by editing the cursor: the signature covers them."""
    import base64
    import json
    import zlib

    token = Cursor(7, 99, frozenset({"b1"})).encode(SECRET)
    blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    body, mac = blob[:-16], blob[-16:]
    raw = json.loads(zlib.decompress(body))
    raw["k"].append("o5")
    evil = base64.urlsafe_b64encode(zlib.compress(json.dumps(raw).encode()) + mac).decode()
    with pytest.raises(Invalid):
        Cursor.decode(evil, SECRET, 7)
