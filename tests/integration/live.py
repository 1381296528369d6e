"""A real uvicorn server on a loopback port, running our app, for the integration tests."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from sync.server.app import Server, create_app
from sync.server.config import Settings
from sync.server.context import ServerContext
from tests.harness.ports import LOOPBACK, free_port


@contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections for as long as the block runs: bound but not listening,
    so that no other process can take it meanwhile (a port that was free a moment ago may be listened on
    by another test run on the machine by the time it is tried)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


class HeldPort:
    """A loopback port this process holds until `close()`, for a server that may stop and start again on it.

    Bound at once (no other process can take it between choosing and binding, nor while the server is
    stopped); listening only while a server runs on it (`listener()`); between runs (`pause()`) bound but not
    listening, so that a connection is refused at once, as when a stopped server's socket is closed.
    """

    def __init__(self) -> None:
        for _ in range(100):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:  # a port of its own, not 0: only a port given to bind() stays bound when listening stops
                sock.bind((LOOPBACK, free_port()))
            except OSError:  # taken meanwhile by another process: another
                sock.close()
                continue
            self._sock = sock
            self.port = int(sock.getsockname()[1])
            return
        raise RuntimeError("no free loopback port")

    def listener(self) -> socket.socket:
        """The socket for a server to listen on (uvicorn's `run(sockets=[...])` closes it when it stops; the
        port stays held)."""
        # Only while it listens: the last run's connections may linger (TIME_WAIT) and would refuse the
        # listen() without it; while it does not listen, it would let another process bind the port.
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        return self._sock.dup()

    def pause(self) -> None:
        """Stop listening (connections queued and new ones are refused), keep the port bound."""
        # Linux: shutting a listening socket down for reading makes it bound only again. Only a listening
        # one: another would be marked as read to the end (and so would the connections it accepts later).
        if self._sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
            self._sock.shutdown(socket.SHUT_RD)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 0)

    def close(self) -> None:
        self._sock.close()


class PortServer(uvicorn.Server):
    """A uvicorn server on a :class:`HeldPort`: when it stops, the port stops listening at the moment the
    server stops accepting (a connection is then refused) and stays held for the next start."""

    def __init__(self, config: uvicorn.Config, port: HeldPort) -> None:
        super().__init__(config)
        self.held = port

    def serve_here(self) -> None:
        self.run(sockets=[self.held.listener()])

    async def shutdown(self, sockets: list[Any] | None = None) -> None:
        for server in self.servers:
            server.close()  # its socket, the dup listener() gave, is closed: the held socket still listens
        self.held.pause()
        await super().shutdown(sockets)


class AppPortServer(PortServer, Server):
    """Our app's server (it ends the push channel's streams when it stops) on a :class:`HeldPort`."""


@dataclass
class LiveServer:
    url: str
    ctx: ServerContext
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, token: str | None = None, **kwargs: Any) -> httpx.Client:
        """A client for this server; closed when the server stops, if the test did not close it."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        client = httpx.Client(base_url=self.url, headers=headers, trust_env=False, timeout=30, **kwargs)
        self.clients.append(client)
        return client

    def login(self, username: str, password: str = "pw-secret-1", device: str = "test") -> dict[str, Any]:
        with self.client() as c:
            r = c.post(
                "/api/v1/auth/login", json={"username": username, "password": password, "device_name": device}
            )
            r.raise_for_status()
            data: dict[str, Any] = r.json()
            return data

    def token(self, username: str) -> str:
        return str(self.login(username)["access_token"])


@contextmanager
def live_server(data_dir: Path, database_url: str, **overrides: Any) -> Iterator[LiveServer]:
    settings = replace(Settings(data_dir=data_dir, database_url=database_url, secret=b"s" * 32), **overrides)
    app = create_app(settings)
    held = HeldPort()  # bound before the server starts: no other process can take it meanwhile
    port = held.port
    behind_proxy = bool(settings.accel_redirect)  # as the CLI does: trust X-Forwarded-For only from our nginx
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        lifespan="off",
        proxy_headers=behind_proxy,
        forwarded_allow_ips="127.0.0.1" if behind_proxy else None,
    )
    server = AppPortServer(config, held)  # ends the push channel's streams when it stops
    thread = threading.Thread(target=server.serve_here, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # polled: returns as soon as it runs (a loaded machine is slow)
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    live = LiveServer(f"http://127.0.0.1:{port}", app.state.ctx)
    try:
        yield live
    finally:
        for client in live.clients:
            client.close()
        server.should_exit = True
        thread.join(timeout=60)
        held.close()
        app.state.ctx.engine.dispose()
