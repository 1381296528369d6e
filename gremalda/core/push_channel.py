"""The server's push channel for a data directory (Qt-free): an :class:`sync.engine.EventListener`
whose connections use the replica's server address, certificate settings and tokens (refreshed tokens
are saved as every other request's are). The desktop client starts it with its background sync
(:mod:`gremalda.ui.sync_bridge`); the CLI and the benchmarks can use it the same way."""

from __future__ import annotations

from collections.abc import Callable

from gremalda.core.account import connect
from gremalda.errors import NotSignedIn
from gremalda.paths import DataPaths
from gremalda.store.replica import open_store
from sync.client import ServerApi, SignInRequired
from sync.engine import EventListener


def server_api(paths: DataPaths) -> ServerApi:
    """A ServerApi for the replica's server (the store is closed again at once). SignInRequired when
    the replica is not signed in to a server of ours (e.g. a replica of OParl sources only)."""
    with open_store(paths) as store:
        try:
            return connect(store)
        except NotSignedIn:
            raise SignInRequired("This replica is not signed in to a server.") from None


def push_listener(
    paths: DataPaths,
    on_change: Callable[[], None],
    *,
    on_error: Callable[[BaseException], None] | None = None,
) -> EventListener:
    """A listener (not started) that calls `on_change` when the server announces changes for this user
    (and after a gap in the connection); hand it e.g. ``BackgroundSync.trigger``."""
    return EventListener(lambda: server_api(paths), on_change, on_error=on_error, name="sync-events")
