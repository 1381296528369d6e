"""Several clients of one data directory share its tokens: the server revokes a device whose rotated
refresh token comes back, so two clients refreshing with the same token would sign the member out.

The real server on a loopback port, a real SQLCipher replica with its keys in the real OS keyring (run
under `.ci/with-keyring`), and for the second process a real Python process on the same data directory.
The access token is expired on the server (its expiry set in the past), not by waiting."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from gremalda.core.account import connect, sign_in
from gremalda.core.push_channel import server_api
from gremalda.paths import DataPaths, data_paths
from gremalda.store.replica import open_store
from sync.client import ServerApi, SignInRequired, Tokens
from sync.client.token_holder import TokenHolder
from sync.server.db import write_session
from sync.server.models import Device, utcnow
from tests.integration.live import LiveServer
from tests.integration.syncworld import client_data_dir, stored_tokens
from tests.integration.world import PASSWORD, World

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def member_dir(fresh_server: tuple[LiveServer, World], tmp_path: Path) -> Iterator[DataPaths]:
    server, _ = fresh_server
    with client_data_dir(tmp_path / "member") as root:
        paths = data_paths(root)
        sign_in(paths, server.url, "member", PASSWORD, device_name="pytest tokens")
        yield paths


def _expire_access(server: LiveServer, device_id: int) -> None:
    with write_session(server.ctx.sessions) as session:
        past = utcnow() - timedelta(seconds=5)
        session.execute(update(Device).where(Device.id == device_id).values(access_expires=past))


def _revoked(server: LiveServer, device_id: int) -> bool:
    with server.ctx.sessions() as session:
        device = session.get(Device, device_id)
        assert device is not None
        return device.revoked_at is not None


def _stored(paths: DataPaths) -> Tokens:
    with open_store(paths) as store:
        return stored_tokens(store)


def _connect(paths: DataPaths) -> ServerApi:
    with open_store(paths) as store:
        return connect(store)


def test_clients_of_one_data_dir_share_a_refresh(
    fresh_server: tuple[LiveServer, World], member_dir: DataPaths
) -> None:
    """A sync pass, a second pass's client and the push channel each hold a ServerApi; the access token
    expires; each in turn makes a request: one refresh, everyone goes on, the device stays signed in."""
    server, _ = fresh_server
    first = _stored(member_dir)
    pass_api, moved_api, push_api = _connect(member_dir), _connect(member_dir), server_api(member_dir)
    with pass_api, moved_api, push_api:
        assert pass_api.changes(None, 1).entries
        _expire_access(server, first.device_id)
        assert push_api.changes(None, 1).entries  # 401, refresh, retry: saves the new tokens
        renewed = _stored(member_dir)
        assert renewed.refresh_token != first.refresh_token and renewed.device_id == first.device_id
        assert pass_api.changes(None, 1).entries  # before the fix: 401, refresh with the spent token
        assert moved_api.changes(None, 1).entries
        assert pass_api.tokens == moved_api.tokens == push_api.tokens == renewed
    assert not _revoked(server, first.device_id)
    with _connect(member_dir) as later:  # a client made afterwards starts from the current tokens
        assert later.tokens == renewed and later.changes(None, 1).entries


_OTHER_PROCESS = """
import sys
from gremalda.core.account import connect
from gremalda.paths import data_paths
from gremalda.store.replica import open_store
with open_store(data_paths(sys.argv[1])) as store:
    api = connect(store)
with api:
    print(len(api.changes(None, 1).entries))
"""


def _other_process(paths: DataPaths) -> None:
    """A request from another process on the same data directory (as the CLI next to the GUI)."""
    done = subprocess.run(
        [sys.executable, "-c", _OTHER_PROCESS, str(paths.root)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"


def test_a_refresh_by_another_process_is_followed(
    fresh_server: tuple[LiveServer, World], member_dir: DataPaths
) -> None:
    """This process holds the tokens; another process refreshes them and saves the new ones; this
    process's next request (401: its access token went with the rotation) takes the stored tokens
    instead of refreshing with the spent refresh token."""
    server, _ = fresh_server
    first = _stored(member_dir)
    with _connect(member_dir) as api:
        assert api.changes(None, 1).entries and api.tokens == first
        _expire_access(server, first.device_id)
        _other_process(member_dir)
        renewed = _stored(member_dir)
        assert renewed.refresh_token != first.refresh_token
        assert api.changes(None, 1).entries
        assert api.tokens == renewed
        # and the other way round: this process refreshes, the other one follows
        _expire_access(server, first.device_id)
        assert api.changes(None, 1).entries
        assert _stored(member_dir) == api.tokens != renewed
    _other_process(member_dir)
    assert not _revoked(server, first.device_id)


def test_a_stolen_old_refresh_token_still_revokes(
    fresh_server: tuple[LiveServer, World], member_dir: DataPaths
) -> None:
    """Sharing tokens does not weaken the reuse detection: a rotated refresh token presented again
    (no grace period) ends the device's sign-in, for every client of the data directory."""
    server, _ = fresh_server
    first = _stored(member_dir)
    with _connect(member_dir) as api, server_api(member_dir) as push_api:
        _expire_access(server, first.device_id)
        assert api.changes(None, 1).entries  # rotates: `first.refresh_token` is now spent
        with ServerApi(server.url) as thief, pytest.raises(SignInRequired, match="reused"):
            thief.refresh(first.refresh_token)
        assert _revoked(server, first.device_id)
        for client in (api, push_api):
            with pytest.raises(SignInRequired):
                client.changes(None, 1)


def test_tokens_that_could_not_be_saved_are_kept(
    fresh_server: tuple[LiveServer, World], member_dir: DataPaths
) -> None:
    """Saving refreshed tokens fails (e.g. the disk is full): the replica still holds the spent ones.
    The holder keeps working with the new tokens and does not take the spent ones back from storage on
    the next 401, which would end in presenting a used refresh token."""
    server, _ = fresh_server
    first = _stored(member_dir)

    def save(tokens: Tokens) -> None:
        raise OSError(28, "No space left on device")

    holder = TokenHolder(first, save=save, reload=lambda: _stored(member_dir))
    with ServerApi(server.url, holder=holder) as api:
        _expire_access(server, first.device_id)
        with pytest.raises(OSError, match="No space"):
            api.changes(None, 1)
        renewed = api.tokens
        assert renewed is not None and renewed != first and _stored(member_dir) == first
        assert api.changes(None, 1).entries
        _expire_access(server, first.device_id)
        with pytest.raises(OSError, match="No space"):
            api.changes(None, 1)  # refreshed with `renewed`, not back to the stored `first`
        assert api.tokens not in (first, renewed)
        assert api.changes(None, 1).entries
    assert not _revoked(server, first.device_id)
