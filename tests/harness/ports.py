"""Loopback port helpers for the test harness.

Everything the harness starts listens on ``127.0.0.1`` only; nothing here binds any other address.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

LOOPBACK = "127.0.0.1"

_EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_LOWEST = 10_000  # below: ports of well-known services
_handed_out: set[int] = set()  # by this process: not handed out twice (a stopped server's port may linger)
_lock = threading.Lock()
_random = random.Random()


def _outside_the_ephemeral_range() -> list[range]:
    """The port ranges from which the kernel never picks the local port of an outgoing connection."""
    try:
        low, high = (int(v) for v in _EPHEMERAL_RANGE.read_text().split())
    except (OSError, ValueError):
        return []
    return [r for r in (range(_LOWEST, low), range(high + 1, 65_536)) if len(r) >= 1_000]


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((LOOPBACK, port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago.

    The socket that checked it is closed again before returning, so another process may grab the port
    before the caller binds it; servers started by the harness therefore retry with a fresh port when their
    bind fails. To keep that rare, the port comes from outside the kernel's ephemeral range where it can: a
    port from that range (what binding port 0 gives) can meanwhile become the local port of any outgoing
    connection of the test run (to PostgreSQL, nginx, the test server ...), and the server's bind then fails.
    A port is handed out only once per process.
    """
    ranges = _outside_the_ephemeral_range()
    with _lock:
        for _ in range(200 if ranges else 0):
            chosen = _random.choice(ranges)
            port = _random.choice(chosen)
            if port not in _handed_out and _bindable(port):
                _handed_out.add(port)
                return port
        while True:  # no room outside the ephemeral range: the kernel picks one
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.bind((LOOPBACK, 0))
                picked: int = sock.getsockname()[1]
            if picked not in _handed_out:
                _handed_out.add(picked)
                return picked


def wait_for_port(
    host: str,
    port: int,
    timeout: float = 120.0,  # at once when things work; a server on a loaded machine may take long to start
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
