"""Password hashing: scrypt (memory-hard), salted, verified in constant time."""

from __future__ import annotations

from sync.server.passwords import hash_password, verify_password


def test_hash_and_verify() -> None:
    stored = hash_password("Geheimnis-ß-ü")
    assert stored.startswith("scrypt$32768$8$1$")
    assert "Geheimnis" not in stored
    assert verify_password("Geheimnis-ß-ü", stored)
    assert not verify_password("Geheimnis-ss-ü", stored)


def test_salted() -> None:
    assert hash_password("same") != hash_password("same")


def test_malformed_hashes_never_verify() -> None:
    for stored in [
        "",
        "plain",
        "scrypt$1$2$3",
        "bcrypt$1$2$3$AA==$AA==",
        "scrypt$x$8$1$AA==$AA==",
        "scrypt$32768$8$1$!!!$AA==",
    ]:
        assert not verify_password("anything", stored)
