"""Loopback port helpers for the test harness.

Everything the harness starts listens on ``127.0.0.1`` only; nothing here binds any other address.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago.

    The kernel picks the port (bind to port 0); the socket is closed again before returning, so another
    process may grab the port before the caller binds it. Servers started by the harness therefore retry
    with a fresh port when their bind fails.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(
    host: str,
    port: int,
    timeout: float = 10.0,
    *,
    alive: Callable[[], bool] | None = None,
    interval: float = 0.02,
) -> None:
    """Block until a TCP connection to ``host:port`` succeeds.

    Raises ``TimeoutError`` after ``timeout`` seconds. If ``alive`` is given it is called between attempts;
    when it returns False (e.g. the server process exited) a ``ConnectionError`` is raised at once instead
    of waiting out the timeout.
    """
    deadline = time.monotonic() + timeout
    last_error: OSError | None = None
    while True:
        remaining = deadline - time.monotonic()
        try:
            with socket.create_connection((host, port), timeout=max(0.05, min(1.0, remaining))):
                return
        except OSError as exc:
            last_error = exc
        if alive is not None and not alive():
            raise ConnectionError(f"server process exited before {host}:{port} accepted connections")
        if time.monotonic() >= deadline:
            raise TimeoutError(
                f"{host}:{port} did not accept connections within {timeout:.1f}s: {last_error}"
            )
        time.sleep(interval)
