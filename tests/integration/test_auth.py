"""Sign-in, refresh rotation, revocation, sign-out and throttling, over real HTTP."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from sync.server.db import write_session
from sync.server.models import LoginFailure
from tests.conftest import new_pg_database
from tests.integration.live import LiveServer, live_server
from tests.integration.world import PASSWORD, World, build_world


def test_login_gives_device_tokens(world_server: tuple[LiveServer, World]) -> None:
    server, world = world_server
    data = server.login("member", device="Laptop Küche")
    assert data["access_token"].startswith("ga_") and data["refresh_token"].startswith("gr_")
    assert data["user"] == {
        "id": world.ids["user_member"],
        "username": "member",
        "role": "member",
        "body_id": world.ids["body"],
        "person_id": world.ids["person_member"],
    }
    with server.client(data["access_token"]) as c:
        me = c.get("/api/v1/me").json()
        devices = c.get("/api/v1/devices").json()["data"]
    assert me["device_id"] == data["device_id"]
    current = [d for d in devices if d["current"]]
    assert len(current) == 1 and current[0]["name"] == "Laptop Küche"


def test_tokens_are_not_stored_in_plain(world_server: tuple[LiveServer, World]) -> None:
    server, _ = world_server
    data = server.login("member")
    from sqlalchemy import select

    from sync.server.models import Device

    with server.ctx.sessions() as s:
        device = s.scalar(select(Device).where(Device.id == data["device_id"]))
        assert device is not None
        assert data["access_token"] not in (device.access_hash, device.refresh_hash)
        assert len(device.access_hash) == 64


@pytest.mark.parametrize("username,password", [("member", "wrong"), ("nobody", PASSWORD), ("MEMBER", "x")])
def test_wrong_credentials(world_server: tuple[LiveServer, World], username: str, password: str) -> None:
    server, _ = world_server
    with server.client() as c:
        r = c.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 401
    assert r.json()["error"]["message"] == "Wrong user name or password."


def test_refresh_rotates_and_reuse_revokes(world_server: tuple[LiveServer, World]) -> None:
    server, _ = world_server
    first = server.login("deputy")
    with server.client() as c:
        r = c.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert r.status_code == 200
        second = r.json()
        assert second["refresh_token"] != first["refresh_token"]
        assert second["access_token"] != first["access_token"]
        assert second["device_id"] == first["device_id"]
        # the old access token no longer works, the new one does
        assert (
            c.get("/api/v1/me", headers={"Authorization": f"Bearer {first['access_token']}"}).status_code
            == 401
        )
        assert (
            c.get("/api/v1/me", headers={"Authorization": f"Bearer {second['access_token']}"}).status_code
            == 200
        )
        # the first refresh token comes back: someone copied it; the device is ended
        reuse = c.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
        assert reuse.status_code == 401
        assert "reused" in reuse.json()["error"]["message"]
        assert (
            c.get("/api/v1/me", headers={"Authorization": f"Bearer {second['access_token']}"}).status_code
            == 401
        )
        assert (
            c.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}).status_code == 401
        )


def test_revoke_a_device_and_logout(world_server: tuple[LiveServer, World]) -> None:
    server, _ = world_server
    laptop = server.login("other", device="Laptop")
    tablet = server.login("other", device="Tablet")
    with server.client(laptop["access_token"]) as c:
        assert c.delete(f"/api/v1/devices/{tablet['device_id']}").status_code == 204
        listed = {d["id"]: d["revoked"] for d in c.get("/api/v1/devices").json()["data"]}
        assert listed[tablet["device_id"]] is True and listed[laptop["device_id"]] is False
    with server.client(tablet["access_token"]) as c:
        assert c.get("/api/v1/me").status_code == 401
        assert (
            c.post("/api/v1/auth/refresh", json={"refresh_token": tablet["refresh_token"]}).status_code == 401
        )
    with server.client(laptop["access_token"]) as c:
        assert c.post("/api/v1/auth/logout").status_code == 204
        assert c.get("/api/v1/me").status_code == 401


def test_cannot_revoke_someone_elses_device(world_server: tuple[LiveServer, World]) -> None:
    server, _ = world_server
    victim = server.login("member", device="Opfer")
    attacker = server.token("other")
    with server.client(attacker) as c:
        assert c.delete(f"/api/v1/devices/{victim['device_id']}").status_code == 404
    with server.client(victim["access_token"]) as c:
        assert c.get("/api/v1/me").status_code == 200
    # the body's administrator may end it
    with server.client(server.token("admin")) as c:
        assert c.delete(f"/api/v1/devices/{victim['device_id']}").status_code == 204
    with server.client(victim["access_token"]) as c:
        assert c.get("/api/v1/me").status_code == 401


def test_expired_access_token(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> None:
    url = (
        f"sqlite:///{tmp_path}/s.sqlite3"
        if backend == "sqlite"
        else new_pg_database(request.getfixturevalue("pg_cluster"))
    )
    with live_server(tmp_path, url, access_token_ttl=timedelta(seconds=1)) as server:
        build_world(server.ctx)
        data = server.login("member")
        time.sleep(1.2)  # the access token expired
        # the refreshed token lives long: on a slow machine it must not expire again before it is used
        server.ctx.settings = replace(server.ctx.settings, access_token_ttl=timedelta(hours=1))
        with server.client(data["access_token"]) as c:
            r = c.get("/api/v1/me")
            assert r.status_code == 401
            assert "expired" in r.json()["error"]["message"]
            fresh = c.post("/api/v1/auth/refresh", json={"refresh_token": data["refresh_token"]})
            assert fresh.status_code == 200
            assert (
                c.get(
                    "/api/v1/me", headers={"Authorization": f"Bearer {fresh.json()['access_token']}"}
                ).status_code
                == 200
            )


def test_throttling_locks_out_guessing(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> None:
    url = (
        f"sqlite:///{tmp_path}/s.sqlite3"
        if backend == "sqlite"
        else new_pg_database(request.getfixturevalue("pg_cluster"))
    )
    # a long lockout, so that a slow machine cannot outlast it between the guesses and the refused sign-in;
    # its end is then brought about by moving it into the past (as the time passing would)
    lockout = timedelta(seconds=60)
    with live_server(tmp_path, url, login_max_failures=3, login_lockout=lockout) as server:
        build_world(server.ctx)
        with server.client() as c:
            for _ in range(3):
                r = c.post("/api/v1/auth/login", json={"username": "member", "password": "guess"})
                assert r.status_code == 401
            # now even the right password is refused until the lockout ends
            locked = c.post("/api/v1/auth/login", json={"username": "member", "password": PASSWORD})
            assert locked.status_code == 429
            assert 1 <= int(locked.headers["retry-after"]) <= 60
            assert locked.json()["error"]["code"] == "too_many_requests"
            # another account from the same address is not locked yet
            assert (
                c.post("/api/v1/auth/login", json={"username": "deputy", "password": PASSWORD}).status_code
                == 200
            )
            with write_session(server.ctx.sessions) as s:
                for row in s.scalars(select(LoginFailure)):
                    if row.locked_until is not None:
                        row.locked_until -= lockout
            assert (
                c.post("/api/v1/auth/login", json={"username": "member", "password": PASSWORD}).status_code
                == 200
            )


def test_administrators_manage_accounts(fresh_server: tuple[LiveServer, World]) -> None:
    server, world = fresh_server
    admin = server.client(server.token("admin"))
    listed = {u["username"]: u for u in admin.get("/api/v1/users").json()["data"]}
    assert "foreign_clerk" not in listed and listed["member"]["person_id"] == world.ids["person_member"]
    made = admin.post(
        "/api/v1/users",
        json={
            "username": "neu.mitglied",
            "password": "lang-genug-123",
            "role": "member",
            "person_id": world.ids["person_other"],
        },
    )
    assert made.status_code == 201, made.text
    assert (
        admin.post(
            "/api/v1/users", json={"username": "neu.mitglied", "password": "lang-genug-123"}
        ).status_code
        == 409
    )
    assert admin.post("/api/v1/users", json={"username": "x y", "password": "kurz"}).status_code == 422
    newcomer = server.login("neu.mitglied", password="lang-genug-123")
    # a new password ends every sign-in of that account
    changed = admin.patch(f"/api/v1/users/{made.json()['id']}", json={"password": "ganz-neues-passwort"})
    assert changed.status_code == 200 and changed.json()["active_devices"] == 0
    with server.client(newcomer["access_token"]) as c:
        assert c.get("/api/v1/me").status_code == 401
    # a lost laptop: end all devices of the member
    member = server.login("member")
    assert admin.delete(f"/api/v1/users/{world.ids['user_member']}/devices").status_code == 204
    with server.client(member["access_token"]) as c:
        assert c.get("/api/v1/me").status_code == 401
    # accounts of another body are out of reach
    assert (
        admin.patch(f"/api/v1/users/{world.ids['user_foreign_clerk']}", json={"role": "admin"}).status_code
        == 404
    )


@pytest.mark.parametrize("role", ["member", "clerk"])
def test_only_administrators_manage_accounts(world_server: tuple[LiveServer, World], role: str) -> None:
    server, world = world_server
    with server.client(server.token(role)) as c:
        assert c.get("/api/v1/users").status_code == 403
        assert (
            c.post("/api/v1/users", json={"username": "eve", "password": "lang-genug-123"}).status_code == 403
        )
        assert c.patch(f"/api/v1/users/{world.ids['user_deputy']}", json={"role": "admin"}).status_code == 403
        assert c.delete(f"/api/v1/users/{world.ids['user_deputy']}/devices").status_code == 403


def test_forged_forwarded_for_does_not_dodge_the_throttle(tmp_path: Path) -> None:
    """Guessing across many accounts from one address is stopped, whatever X-Forwarded-For claims."""
    with live_server(tmp_path, f"sqlite:///{tmp_path}/s.sqlite3", login_max_failures=2) as server:
        build_world(server.ctx)
        with server.client() as c:
            codes = [
                c.post(
                    "/api/v1/auth/login",
                    json={"username": f"user{n}", "password": "guess"},
                    headers={"X-Forwarded-For": f"203.0.113.{n}"},
                ).status_code
                for n in range(9)
            ]
        assert codes[:8] == [401] * 8 and codes[8] == 429  # the address limit is four times the user limit


def test_a_person_with_an_account_cannot_be_deleted(fresh_server: tuple[LiveServer, World]) -> None:
    server, world = fresh_server
    clerk = server.client(server.token("clerk"))
    r = clerk.delete(f"/api/v1/persons/{world.ids['person_member']}", headers={"If-Match": '"1"'})
    assert r.status_code == 409 and "account" in r.json()["error"]["message"]
    assert clerk.get(f"/api/v1/persons/{world.ids['person_member']}").status_code == 200
