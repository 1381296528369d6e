"""The server's push channel for a data directory (Qt-free): an :class:`sync.engine.EventListener`
whose connections use the replica's server address, certificate settings and tokens (refreshed tokens
are saved as every other request's are). The desktop client starts it with its background sync
(:mod:`gremalda.ui.sync_bridge`); the CLI and the benchmarks can use it the same way."""

from __future__ import annotations

from collections.abc import Callable

from gremalda.core.account import Tls, _load_tokens, shared_api
from gremalda.paths import DataPaths
from gremalda.store.database import open_replica
from sync.client import ServerApi, SignInRequired
from sync.engine import EventListener


def server_api(paths: DataPaths) -> ServerApi:
    """A ServerApi for the replica's server, as :func:`gremalda.core.account.connect` makes it, reading
    only the replica's database: opening the vault would clear its unfinished writes (``tmp/``), which
    the sync pass on another thread may be making right now. SignInRequired when the replica is not
    signed in to a server of ours (e.g. a replica of OParl sources only)."""
    with open_replica(paths, create=False) as db:
        state = dict(
            db.conn.execute(
                "SELECT key, value FROM sync_state WHERE key IN ('server_url', 'tokens', 'tls')"
            ).fetchall()
        )
    url, tokens = state.get("server_url"), state.get("tokens")
    if url is None or tokens is None:
        raise SignInRequired("This replica is not signed in to a server.")
    tls = Tls.load(state.get("tls"))
    return shared_api(paths, url, tls, _load_tokens(tokens))  # the tokens every client of `paths` shares


def push_listener(
    paths: DataPaths,
    on_change: Callable[[], None],
    *,
    on_error: Callable[[BaseException], None] | None = None,
    first_trigger: bool | Callable[[], bool] = True,
) -> EventListener:
    """A listener (not started) that calls `on_change` when the server announces changes for this user
    (and after a gap in the connection); hand it e.g. ``BackgroundSync.trigger``. `first_trigger`: see
    :class:`sync.engine.EventListener`."""
    return EventListener(
        lambda: server_api(paths),
        on_change,
        on_error=on_error,
        name="sync-events",
        first_trigger=first_trigger,
    )
