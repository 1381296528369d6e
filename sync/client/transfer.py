"""The lean body path of `ServerApi.download`: one GET of a file's content, read straight into a buffer.

Why not httpx: for a file's bytes httpx (h11, httpcore) costs about 0.7 CPU-s per GB, because every
byte is copied several times (h11's receive buffer, slices into new `bytes`, our own gathering) and
most of those copies go through freshly mapped memory. Here the standard library's `http.client`
sends the request and parses the status line and headers, and the body goes from the socket into a
reusable buffer with one `recv_into` per network read (`readinto1` of the response's buffered
reader), with no other copy: the sink gets views of that buffer.

Connections: `DirectClient` keeps a small pool of keep-alive connections to the one server of its
`ServerApi`. A download borrows one connection (with its 1 MiB buffer) for its duration and gives it
back when the body was read to its end and nothing went wrong; after any error the connection is
closed, never reused. So N download threads use at most N connections, reused across downloads
(and across sync passes, whose thread pools are new each time). An idle connection the server has
closed meanwhile is noticed before it is used (it has become readable), and a request that fails
on a reused connection before any answer arrived is sent once more on a new connection.

`ServerApi` uses this path only when no HTTP(S) proxy from the environment applies to the server
(see `env_proxy_applies`) and no custom httpx transport was given; otherwise the download goes
through httpx as everything else does (`HttpxAnswer` adapts its response to the same reading loop).
"""

from __future__ import annotations

import http.client
import select
import ssl
import threading
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Protocol

import httpx

from sync.client.errors import (
    CertificateError,
    Offline,
    ServerProtocolError,
    SyncClientError,
)

BUFFER_SIZE = 1 << 20  # the read buffer of each connection: one vault chunk
MAX_IDLE = 8  # idle connections kept for reuse; more are closed when given back


class BodyCut(Exception):
    """The body stopped before its end (a reset, a timeout, the connection closed): resume later."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


class Answer(Protocol):
    """A response with a status accepted by the caller, whose body is read into a buffer."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> httpx.Headers: ...

    def buffer(self, size: int) -> bytearray:
        """A buffer of at least `size` bytes to read the body into (reused: hand out views of it)."""

    def readinto(self, view: memoryview) -> int:
        """At most one network read into `view` (not empty); 0 at the end of the body. Raises
        BodyCut when the body stops early because of the network."""


# --------------------------------------------------------------------------------------- errors


def certificate_error(exc: BaseException) -> CertificateError | None:
    """CertificateError when `exc` was caused by a failed certificate check, else None."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return CertificateError(
                f"The server's certificate could not be verified ({cause.verify_message}). "
                "Check the address, or ask the administrator."
            )
        cause = cause.__cause__ or cause.__context__
    return None


def _failed(exc: BaseException, *, connecting: bool) -> SyncClientError:
    """The error for a connection or request that failed before an answer arrived (as httpx's are)."""
    certificate = certificate_error(exc)
    if certificate is not None:
        return certificate
    if isinstance(exc, TimeoutError):
        what = "did not answer in time"
    elif connecting:
        what = "could not be reached"
    else:
        what = "closed the connection"
    return Offline(f"The server {what}. Check the network connection; sync will try again. ({exc})")


# ---------------------------------------------------------------------------------------- proxy


def env_proxy_applies(url: httpx.URL) -> bool:
    """True when the environment (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY, NO_PROXY; on Windows and macOS
    also the system settings) routes requests to `url` through a proxy: then the download must go
    through httpx, which speaks to proxies; this module connects directly only."""
    proxies = urllib.request.getproxies()
    if not (proxies.get(url.scheme) or proxies.get("all")):
        return False
    host = url.raw_host.decode("ascii")
    netloc = f"[{host}]" if ":" in host else host
    if url.port is not None:
        netloc += f":{url.port}"
    return not urllib.request.proxy_bypass(netloc)


# ---------------------------------------------------------------------------------- connections


class _Lane:
    """One keep-alive connection and the buffer its bodies are read into."""

    __slots__ = ("buffer", "conn", "served")

    def __init__(self, conn: http.client.HTTPConnection) -> None:
        self.conn = conn
        self.buffer = bytearray(BUFFER_SIZE)
        self.served = 0  # answers received on this connection

    def idle_and_open(self) -> bool:
        """Connected, and nothing to read: a server that closed an idle connection makes it readable."""
        sock = self.conn.sock
        if sock is None:
            return False
        try:
            if isinstance(sock, ssl.SSLSocket) and sock.pending():
                return False
            if hasattr(select, "poll"):
                poller = select.poll()
                poller.register(sock, select.POLLIN)
                return not poller.poll(0)
            readable, _, _ = select.select([sock], [], [], 0)
            return not readable
        except (OSError, ValueError):
            return False

    def close(self) -> None:
        with suppress(OSError):
            self.conn.close()


class DirectClient:
    """GETs to one server over pooled keep-alive `http.client` connections. Thread-safe."""

    def __init__(
        self,
        base_url: httpx.URL,
        *,
        context: ssl.SSLContext | None,
        timeout: httpx.Timeout,
    ) -> None:
        """`base_url` ends with "/" (as httpx's `Client.base_url`); `context` is used for https."""
        self._https = base_url.scheme == "https"
        self._host = base_url.raw_host.decode("ascii")
        self._port = base_url.port or (443 if self._https else 80)
        self._prefix = base_url.raw_path.decode("ascii")
        self._context = context
        self._connect_timeout = timeout.connect
        self._read_timeout = timeout.read
        self._lock = threading.Lock()
        self._idle: list[_Lane] = []
        self._closed = False
        self.connections = 0  # connections opened so far (for tests and diagnostics)

    def close(self) -> None:
        """Closes the idle connections now, the ones in use when they are given back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for lane in idle:
            lane.close()

    # -------------------------------------------------------------------------------------- pool

    def _checkout(self, *, fresh: bool = False) -> _Lane:
        """An idle connection that is still open, or (`fresh`, or none idle) a new, unconnected one."""
        stale: list[_Lane] = []
        lane: _Lane | None = None
        with self._lock:
            if self._closed:
                raise RuntimeError("The ServerApi has been closed.")
            while self._idle and not fresh:
                candidate = self._idle.pop()
                if candidate.idle_and_open():
                    lane = candidate
                    break
                stale.append(candidate)
        for old in stale:
            old.close()
        if lane is not None:
            return lane
        conn: http.client.HTTPConnection
        if self._https:
            conn = http.client.HTTPSConnection(
                self._host, self._port, timeout=self._connect_timeout, context=self._context
            )
        else:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=self._connect_timeout)
        return _Lane(conn)

    def _checkin(self, lane: _Lane) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < MAX_IDLE and lane.conn.sock is not None:
                self._idle.append(lane)
                return
        lane.close()

    def _connect(self, lane: _Lane) -> None:
        conn = lane.conn
        conn.timeout = self._connect_timeout
        conn.connect()  # TCP and, for https, the TLS handshake, within the connect timeout
        with self._lock:
            self.connections += 1
        if conn.sock is not None:
            conn.sock.settimeout(self._read_timeout)  # from now on: each read (and write) waits this long

    # ----------------------------------------------------------------------------------- request

    @contextmanager
    def get(self, path: str, headers: Mapping[str, str]) -> Iterator[DirectAnswer]:
        """GET `path` (relative to the base URL) and yield the answer, whatever its status. Raises
        Offline or CertificateError when no answer arrives. The connection goes back to the pool
        only when the body was read to its end and the block ended without an exception."""
        lane, response = self._send(self._prefix + path, headers)
        reusable = False
        try:
            answer = DirectAnswer(lane, response)
            yield answer
            reusable = answer.complete and not response.will_close
        finally:
            response.close()
            if reusable:
                self._checkin(lane)
            else:
                lane.close()

    def _send(self, target: str, headers: Mapping[str, str]) -> tuple[_Lane, http.client.HTTPResponse]:
        for attempt in (0, 1):
            lane = self._checkout(fresh=attempt > 0)
            reused = lane.served > 0
            connecting = lane.conn.sock is None
            try:
                if connecting:
                    self._connect(lane)
                    connecting = False
                conn = lane.conn
                conn.putrequest("GET", target, skip_accept_encoding=True)
                for name, value in headers.items():
                    conn.putheader(name, value)
                conn.endheaders()
                response = conn.getresponse()
            except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError) as exc:
                # includes http.client.RemoteDisconnected: a reused connection the server had just
                # closed; the GET is sent once more on a new one
                lane.close()
                if reused and attempt == 0:
                    continue
                raise _failed(exc, connecting=connecting) from None
            except (OSError, http.client.HTTPException) as exc:
                lane.close()
                raise _failed(exc, connecting=connecting) from None
            except ValueError as exc:  # a header value http.client refuses (e.g. a line break)
                lane.close()
                raise ServerProtocolError(f"The request could not be sent ({exc}).") from None
            except BaseException:
                lane.close()
                raise
            lane.served += 1
            return lane, response
        raise AssertionError("unreachable")  # pragma: no cover


class DirectAnswer:
    """An `http.client` response read with at most one `recv_into` per call, into the caller's view."""

    def __init__(self, lane: _Lane, response: http.client.HTTPResponse) -> None:
        self._lane = lane
        self._response = response
        self.status_code = response.status
        # http.client decoded the header bytes as latin-1: encoded back the same way, they are the raw ones
        self.headers = httpx.Headers(response.getheaders(), encoding="latin-1")
        # response.length: the bytes left of a Content-Length body; None when chunked or until close
        self._left = None if response.chunked else response.length
        self._fp = response.fp  # the buffered reader of the socket, positioned at the body
        self.complete = False  # the body was read to its end

    def buffer(self, size: int) -> bytearray:
        if len(self._lane.buffer) < size:
            self._lane.buffer = bytearray(size)
        return self._lane.buffer

    def readinto(self, view: memoryview) -> int:
        try:
            left = self._left
            if left is not None:  # bypass HTTPResponse (its readinto waits until the view is full)
                if left <= 0:
                    self.complete = True
                    return 0
                if len(view) > left:
                    view = view[:left]
                n = self._fp.readinto1(view)
                self._left = left - n
                if self._left == 0:
                    self.complete = True
                return n
            data = self._response.read1(len(view))  # chunked or until close: rare, one copy more
            if not data:
                self.complete = True
                return 0
            view[: len(data)] = data
            return len(data)
        except (OSError, http.client.HTTPException) as exc:
            raise BodyCut(exc) from None

    def read_capped(self, limit: int) -> bytes:
        """The whole body of an error answer, at most `limit` bytes (Offline when it breaks off)."""
        declared = self.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ServerProtocolError(f"The server's answer is too large ({declared} bytes).")
        try:
            body = self._response.read(limit + 1)
        except (OSError, http.client.HTTPException) as exc:
            raise _failed(exc, connecting=False) from None
        if len(body) > limit:
            raise ServerProtocolError(f"The server's answer is larger than {limit} bytes.")
        return body


class HttpxAnswer:
    """An httpx streamed response as an Answer (the path through a proxy or a custom transport).
    Transport errors other than a cut-off body propagate as httpx.TransportError."""

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self._chunks = response.iter_bytes()
        self._rest = memoryview(b"")
        self._buffer: bytearray | None = None

    def buffer(self, size: int) -> bytearray:
        if self._buffer is None or len(self._buffer) < size:
            self._buffer = bytearray(size)
        return self._buffer

    def readinto(self, view: memoryview) -> int:
        while not self._rest:
            try:
                data = next(self._chunks)
            except StopIteration:
                return 0
            except (httpx.ReadError, httpx.RemoteProtocolError, httpx.TimeoutException) as exc:
                raise BodyCut(exc) from None
            self._rest = memoryview(data)
        n = min(len(view), len(self._rest))
        view[:n] = self._rest[:n]
        self._rest = self._rest[n:]
        return n
