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
from tests.harness.ports import free_port


@contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections for as long as the block runs: bound but not listening,
    so that no other process can take it meanwhile (a port that was free a moment ago may be listened on
    by another test run on the machine by the time it is tried)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])


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
    port = free_port()
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
    server = Server(config)  # ends the push channel's streams when it stops
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
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
        app.state.ctx.engine.dispose()
