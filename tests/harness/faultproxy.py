"""A fault-injecting HTTP/1.1 proxy on loopback for the sync client's tests (issue 3, item 7).

The proxy sits between a client and a real upstream server. By default it passes every request through;
faults are switched on per request path (a regular expression searched in the path, without the query
string), for the next ``times`` matching requests or with a ``probability`` drawn from a seeded RNG::

    with FaultProxy("http://127.0.0.1:8000") as proxy:
        client = httpx.Client(base_url=proxy.url, trust_env=False)
        proxy.inject(Fault.truncate(after=1000), path=r"/content$", times=1)
        ...
        proxy.clear()
        assert proxy.seen(r"/content$") == 2

Connections: one request per connection. The proxy answers every response with ``Connection: close`` and
closes the client connection afterwards; it also opens a fresh upstream connection per request. Clients
with a connection pool (httpx, urllib3) handle this transparently.

Responses are streamed from upstream in pieces of at most 64 KiB, never buffered whole. The upstream's
framing is kept: a ``Content-Length`` is forwarded as is (so a truncated or reset body is detectably
short), a chunked body is re-chunked, and a body delimited by connection close stays so (a client cannot
tell a truncated close-delimited body from a complete one; that is HTTP, not the proxy). Request bodies are
read whole (they are small) and forwarded with a ``Content-Length``.

Faults that make up the whole response (``html_200``, ``status``, ``stall`` and ``reset()`` without
``after``) never contact the upstream, so the request has no side effects there (a stalled request
released by ``release_stalled()`` is forwarded then). The others forward the
request and change the response on the way back.
"""

from __future__ import annotations

import contextlib
import enum
import http.client
import random
import re
import select
import socket
import socketserver
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from types import TracebackType
from typing import Self, cast
from urllib.parse import urlsplit

from tests.harness.ports import LOOPBACK

PIECE = 64 * 1024

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)

DEFAULT_HTML = (
    b"<!DOCTYPE html>\n<html><head><title>Service unavailable</title></head>\n"
    b"<body><h1>Something went wrong</h1><p>Please try again later.</p></body></html>\n"
)
DEFAULT_GARBAGE = b'{"items": [{"id": 1, "name": "trunc\x00ated\xff" ,,, <<not json>>'


class FaultKind(enum.Enum):
    PASS = "pass"
    TRUNCATE = "truncate"
    CORRUPT = "corrupt"
    MALFORMED_JSON = "malformed_json"
    HTML_200 = "html_200"
    STATUS = "status"
    RESET = "reset"
    STALL = "stall"
    TRICKLE = "trickle"


@dataclass(frozen=True)
class Fault:
    """What the proxy does to one request. Build one with the class methods."""

    kind: FaultKind
    after: int | None = None
    at: int | None = None
    count: int = 1
    status: int = 200
    body: bytes = b""
    content_type: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    rate: int = 0

    @classmethod
    def passthrough(cls) -> Fault:
        """Forward unchanged (useful to exempt a path from a broader rule injected after it)."""
        return cls(FaultKind.PASS)

    @classmethod
    def truncate(cls, after: int) -> Fault:
        """Send the upstream headers and the first ``after`` body bytes, then close the connection (FIN)."""
        if after < 0:
            raise ValueError("after must be >= 0")
        return cls(FaultKind.TRUNCATE, after=after)

    @classmethod
    def corrupt(cls, at: int | None = None, count: int = 1) -> Fault:
        """Flip (XOR 0xFF) ``count`` body bytes from offset ``at``; the length stays the same.

        ``at=None`` means the middle of the body when the upstream sent a ``Content-Length``, else offset 0.
        """
        if count < 1 or (at is not None and at < 0):
            raise ValueError("need count >= 1 and at >= 0")
        return cls(FaultKind.CORRUPT, at=at, count=count)

    @classmethod
    def malformed_json(cls, body: bytes = DEFAULT_GARBAGE) -> Fault:
        """Forward the request, keep the upstream status, replace the body with ``body`` (not JSON)."""
        return cls(FaultKind.MALFORMED_JSON, body=body, content_type="application/json")

    @classmethod
    def html_200(cls, body: bytes = DEFAULT_HTML) -> Fault:
        """Answer ``200 OK`` with an HTML error page (a captive portal or a misconfigured gateway)."""
        return cls(FaultKind.HTML_200, status=200, body=body, content_type="text/html; charset=utf-8")

    @classmethod
    def status_code(
        cls,
        status: int = 503,
        body: bytes = b"",
        content_type: str = "text/plain; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> Fault:
        """Answer with ``status`` (e.g. 500, 502, 503 with ``headers={"Retry-After": "1"}``)."""
        if not 100 <= status <= 599:
            raise ValueError(f"not an HTTP status: {status}")
        text = body or f"{status} {http.client.responses.get(status, '')}\n".encode()
        return cls(
            FaultKind.STATUS,
            status=status,
            body=text,
            content_type=content_type,
            headers=tuple((headers or {}).items()),
        )

    @classmethod
    def reset(cls, after: int | None = None) -> Fault:
        """Reset the connection (RST, ``SO_LINGER`` 0).

        ``after=None``: right after reading the request, before any response byte and without contacting
        the upstream. ``after=N``: forward, send the upstream headers and ``N`` body bytes, then reset.
        """
        if after is not None and after < 0:
            raise ValueError("after must be >= 0")
        return cls(FaultKind.RESET, after=after)

    @classmethod
    def stall(cls) -> Fault:
        """Read the request and never answer (until the client gives up or the proxy stops), or
        answer late: :meth:`FaultProxy.release_stalled` forwards the requests stalled so far."""
        return cls(FaultKind.STALL)

    @classmethod
    def trickle(cls, bytes_per_second: int) -> Fault:
        """Forward, sending the response body at about ``bytes_per_second`` (headers go out at once)."""
        if bytes_per_second < 1:
            raise ValueError("bytes_per_second must be >= 1")
        return cls(FaultKind.TRICKLE, rate=bytes_per_second)


PASS = Fault.passthrough()


@dataclass
class Injection:
    """A fault rule as returned by :meth:`FaultProxy.inject`; ``fired`` counts the requests it hit."""

    fault: Fault
    pattern: re.Pattern[str]
    remaining: int | None
    probability: float | None
    fired: int = 0


class _Abort(Exception):
    """The proxy is stopping: drop the connection."""


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = False
    block_on_close = True
    request_queue_size = 128

    def __init__(self, proxy: FaultProxy, port: int) -> None:
        self.proxy = proxy
        super().__init__((LOOPBACK, port), _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read their own output."""

    @property
    def proxy(self) -> FaultProxy:
        return cast(_Server, self.server).proxy

    def setup(self) -> None:
        super().setup()
        self.proxy._register(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.proxy._unregister(self.connection)

    def do_GET(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_OPTIONS(self) -> None:
        self._handle()

    # ------------------------------------------------------------------------------------------- request

    def _handle(self) -> None:
        self.close_connection = True
        try:
            body = self._read_body()
            fault = self.proxy._pick(urlsplit(self.path).path or "/")
            kind = fault.kind
            if kind is FaultKind.STALL:
                if self._stall():  # released: the hung server answers at last
                    self._forward(PASS, body)
            elif kind is FaultKind.RESET and fault.after is None:
                self._reset()
            elif kind in (FaultKind.HTML_200, FaultKind.STATUS):
                self._send_whole(fault.status, fault.content_type, fault.body, fault.headers)
            else:
                self._forward(fault, body)
        except (OSError, _Abort, http.client.HTTPException):
            pass  # the client went away, the upstream broke off, or the proxy is stopping

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts: list[bytes] = []
            while True:
                size = int(self.rfile.readline(1024).split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline(8)
        length = self.headers.get("Content-Length")
        if length is None:
            return None
        return self.rfile.read(int(length))

    # ------------------------------------------------------------------------------------------ response

    def _send(self, data: bytes) -> None:
        self.connection.sendall(data)

    def _send_head(self, status: int, reason: str, headers: list[tuple[str, str]]) -> None:
        lines = [f"HTTP/1.1 {status} {reason}\r\n"]
        lines += [f"{name}: {value}\r\n" for name, value in headers]
        lines.append("Connection: close\r\n\r\n")
        self._send("".join(lines).encode("latin-1"))

    def _send_whole(
        self, status: int, content_type: str, body: bytes, extra: tuple[tuple[str, str], ...] = ()
    ) -> None:
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), *extra]
        self._send_head(status, http.client.responses.get(status, "Unknown"), headers)
        if self.command != "HEAD":
            self._send(body)

    def _stall(self) -> bool:
        """Hold the request until the client gives up or the proxy stops (False), or until
        :meth:`FaultProxy.release_stalled` (True: forward it now)."""
        conn = self.connection
        proxy = self.proxy
        released = proxy._released
        while not proxy._stopping.is_set():
            if proxy._released != released:
                return True
            readable, _, _ = select.select([conn], [], [], 0.05)
            if readable and not conn.recv(4096):
                return False  # the client closed its end
        return False

    def _reset(self) -> None:
        conn = self.connection
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.rfile.close()  # drop the makefile reference so that close() really closes (and sends RST)
        conn.close()

    def _forward(self, fault: Fault, body: bytes | None) -> None:
        try:
            upstream, resp = self.proxy._request(self.command, self.path, self.headers.items(), body)
        except (OSError, http.client.HTTPException) as exc:
            self._send_whole(
                502, "text/plain; charset=utf-8", f"faultproxy: upstream failed: {exc}\n".encode()
            )
            return
        try:
            self._relay(fault, resp)
        finally:
            resp.close()
            upstream.close()
            self.proxy._unregister_upstream(upstream)

    def _relay(self, fault: Fault, resp: http.client.HTTPResponse) -> None:
        kind = fault.kind
        headers = [
            (name, value)
            for name, value in resp.getheaders()
            if name.lower() not in HOP_BY_HOP and name.lower() != "content-length"
        ]
        if kind is FaultKind.MALFORMED_JSON:
            headers = [(n, v) for n, v in headers if n.lower() != "content-type"]
            headers += [("Content-Type", fault.content_type), ("Content-Length", str(len(fault.body)))]
            self._send_head(resp.status, resp.reason, headers)
            if self.command != "HEAD":
                self._send(fault.body)
            return

        no_body = self.command == "HEAD" or resp.status in (204, 304) or resp.status < 200
        length_header = resp.getheader("Content-Length")
        length = int(length_header) if length_header is not None and length_header.isdigit() else None
        chunked = False
        if length is not None:
            headers.append(("Content-Length", str(length)))
        elif resp.chunked and not no_body:
            chunked = True
            headers.append(("Transfer-Encoding", "chunked"))
        self._send_head(resp.status, resp.reason, headers)
        if no_body:
            return

        limit = fault.after if kind in (FaultKind.TRUNCATE, FaultKind.RESET) else None
        flip_from = fault.at if fault.at is not None else (length // 2 if length else 0)
        flip_to = flip_from + fault.count
        pacer = _Pacer(fault.rate, self.proxy._stopping) if kind is FaultKind.TRICKLE else None
        sent = 0
        while limit is None or sent < limit:
            if self.proxy._stopping.is_set():
                raise _Abort
            piece = resp.read1(PIECE)
            if not piece:
                if chunked:
                    self._send(b"0\r\n\r\n")
                return
            if kind is FaultKind.CORRUPT and flip_from < sent + len(piece) and sent < flip_to:
                buf = bytearray(piece)
                for i in range(max(flip_from, sent), min(flip_to, sent + len(piece))):
                    buf[i - sent] ^= 0xFF
                piece = bytes(buf)
            out = piece if limit is None else piece[: limit - sent]
            if chunked:
                self._send(f"{len(piece):x}\r\n".encode())  # the full size: a cut chunk shows
            if pacer is not None:
                pacer.send(self._send, out)
            else:
                self._send(out)
            sent += len(out)
            if len(out) < len(piece):
                break
            if chunked:
                self._send(b"\r\n")
        if kind is FaultKind.RESET:
            self._reset()
        # TRUNCATE: return; finish() closes the connection gracefully in the middle of the body.


class _Pacer:
    """Sends bytes at about ``rate`` bytes per second, in small slices."""

    def __init__(self, rate: int, stopping: threading.Event) -> None:
        self.rate = rate
        self.slice = max(1, rate // 50)
        self.stopping = stopping
        self.start = time.monotonic()
        self.total = 0

    def send(self, sender: Callable[[bytes], None], data: bytes) -> None:
        for offset in range(0, len(data), self.slice):
            part = data[offset : offset + self.slice]
            delay = self.start + self.total / self.rate - time.monotonic()
            if delay > 0 and self.stopping.wait(delay):
                raise _Abort
            sender(part)
            self.total += len(part)


class FaultProxy:
    """A loopback HTTP proxy in front of ``upstream_url`` that injects faults on request.

    Start with :meth:`start` or a ``with`` block; :attr:`url` is the address to point the client at.
    ``seed`` seeds the RNG used by probability rules (deterministic for a sequential client).
    ``preserve_host=True`` forwards the client's ``Host`` header instead of the upstream's host.
    """

    def __init__(
        self,
        upstream_url: str,
        *,
        seed: int = 0,
        port: int = 0,
        upstream_timeout: float = 120.0,  # a loaded CI machine's server may be slow to answer
        preserve_host: bool = False,
    ) -> None:
        parts = urlsplit(upstream_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"need an http(s) upstream URL, got {upstream_url!r}")
        self.upstream_url = upstream_url
        self._scheme = parts.scheme
        self._host = parts.hostname
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._netloc = parts.netloc
        self._prefix = parts.path.rstrip("/")
        self._timeout = upstream_timeout
        self._preserve_host = preserve_host
        self._bind_port = port
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._rules: list[Injection] = []
        self._seen: Counter[str] = Counter()
        self._live: set[socket.socket] = set()
        self._upstreams: set[http.client.HTTPConnection] = set()
        self._stopping = threading.Event()
        self._released = 0  # counts release_stalled(): a stalled request held before it goes on
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------------------------------ lifecycle

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("FaultProxy already started")
        self._stopping.clear()
        self._server = _Server(self, self._bind_port)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="faultproxy"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, drop open connections, join every thread and close every socket."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.shutdown()
        with self._lock:
            self._stopping.set()
            live = list(self._live)
            upstreams = [conn.sock for conn in self._upstreams if conn.sock is not None]
        for sock in live + upstreams:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        server.server_close()  # joins the handler threads
        thread.join()
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FaultProxy not started")
        port: int = self._server.server_address[1]
        return port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash); paths are forwarded below the upstream URL."""
        return f"http://{LOOPBACK}:{self.port}"

    # ------------------------------------------------------------------------------------------- control

    def inject(
        self,
        fault: Fault,
        path: str = "",
        *,
        times: int | None = None,
        probability: float | None = None,
    ) -> Injection:
        """Apply ``fault`` to requests whose path matches ``path`` (``re.search``; "" matches all).

        ``times``: only the next N matching requests (that the rule fires on), then the rule is removed.
        ``probability``: fire on each matching request with this probability (seeded RNG). Rules are tried
        in the order they were injected; the first that fires decides, and no rule means pass-through.
        """
        if times is not None and times < 1:
            raise ValueError("times must be >= 1")
        if probability is not None and not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be within [0, 1]")
        rule = Injection(fault, re.compile(path), times, probability)
        with self._lock:
            self._rules.append(rule)
        return rule

    def remove(self, injection: Injection) -> None:
        with self._lock:
            if injection in self._rules:
                self._rules.remove(injection)

    def clear(self) -> None:
        """Remove every rule: pass everything through from now on (the counters stay)."""
        with self._lock:
            self._rules.clear()

    def release_stalled(self) -> None:
        """The requests stalled now are forwarded to the upstream and answered (late); call
        :meth:`clear` first, or the requests that follow stall again."""
        with self._lock:
            self._released += 1

    def seen(self, path: str = "") -> int:
        """How many requests whose path matches ``path`` (``re.search``) the proxy has received."""
        pattern = re.compile(path)
        with self._lock:
            return sum(n for p, n in self._seen.items() if pattern.search(p))

    def seen_paths(self) -> dict[str, int]:
        with self._lock:
            return dict(self._seen)

    def reset_seen(self) -> None:
        with self._lock:
            self._seen.clear()

    # ---------------------------------------------------------------------------------------- internals

    def _pick(self, path: str) -> Fault:
        with self._lock:
            self._seen[path] += 1
            for rule in self._rules:
                if not rule.pattern.search(path):
                    continue
                if rule.probability is not None and self._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining <= 0:
                        self._rules.remove(rule)
                return rule.fault
        return PASS

    def _register(self, sock: socket.socket) -> None:
        with self._lock:
            self._live.add(sock)
            stopping = self._stopping.is_set()
        if stopping:  # accepted just before stop() and registered after it dropped the live connections:
            with contextlib.suppress(OSError):  # dropped here, or stop() would wait for it to end
                sock.shutdown(socket.SHUT_RDWR)

    def _unregister(self, sock: socket.socket) -> None:
        with self._lock:
            self._live.discard(sock)

    def _unregister_upstream(self, conn: http.client.HTTPConnection) -> None:
        with self._lock:
            self._upstreams.discard(conn)

    def _request(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes | None
    ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
        parts = urlsplit(target)
        path = self._prefix + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        conn: http.client.HTTPConnection
        if self._scheme == "https":
            conn = http.client.HTTPSConnection(self._host, self._port, timeout=self._timeout)
        else:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        with self._lock:
            if self._stopping.is_set():
                raise _Abort
            self._upstreams.add(conn)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            host = self._netloc
            for name, value in headers:
                lower = name.lower()
                if lower == "host" and self._preserve_host:
                    host = value
                elif lower not in HOP_BY_HOP and lower not in ("host", "content-length"):
                    conn.putheader(name, value)
            conn.putheader("Host", host)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.putheader("Connection", "close")
            conn.endheaders(body)
            return conn, conn.getresponse()
        except BaseException:
            conn.close()
            self._unregister_upstream(conn)
            raise
