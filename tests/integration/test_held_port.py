"""A restartable test server keeps its port across a restart: no other process can take it meanwhile."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from tests.harness.ports import LOOPBACK
from tests.integration.annotdevices import RestartableServer


def _bind(port: int, *, reuse: bool) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, int(reuse))
        sock.bind((LOOPBACK, port))


def test_a_stopped_server_refuses_connections_and_holds_its_port(tmp_path: Path) -> None:
    server = RestartableServer(tmp_path)
    try:
        server.start()
        with server.live.client() as c:
            assert c.get("/health").status_code == 200
        server.stop()
        with server.live.client() as c, pytest.raises(httpx.ConnectError):  # refused, as by a closed socket
            c.get("/health")
        for reuse in (False, True):  # uvicorn, nginx, … bind with SO_REUSEADDR
            with pytest.raises(OSError):
                _bind(server.port, reuse=reuse)
        server.start()  # on the same port, though the last run's connections linger (TIME_WAIT)
        with server.live.client() as c:
            assert c.get("/health").status_code == 200
        with pytest.raises(OSError):
            _bind(server.port, reuse=True)
    finally:
        server.close()
    _bind(server.port, reuse=False)  # closed: the port is free again
