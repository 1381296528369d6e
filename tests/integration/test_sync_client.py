"""The sync engine's HTTP layer (sync.client) against the real server on a loopback port.

Broken-server cases go through the fault-injecting proxy in front of the real server (truncated
and reset transfers, stalls, 5xx, HTML pages with status 200, corrupted bytes). Only answers of a
particular wrong shape (JSON with wrong types, control characters, bad Content-Range) that neither
can produce come from an httpx.MockTransport, and say so.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from sync.client import (
    BadCredentials,
    CertificateError,
    ChangePage,
    ChecksumMismatch,
    InsecureServerUrl,
    NotFound,
    Offline,
    RequestRejected,
    ServerApi,
    ServerError,
    ServerProtocolError,
    SignInRequired,
    Tokens,
    TransferCancelled,
    TransferIncomplete,
    backoff_delays,
)
from tests.harness.faultproxy import Fault, FaultProxy
from tests.integration.feedclient import server_view
from tests.integration.live import LiveServer, closed_port, live_server
from tests.integration.world import PASSWORD, World, build_world


class MemorySink:
    def __init__(self, initial: bytes = b"") -> None:
        self.data = bytearray(initial)
        self.resets = 0

    def write(self, data: bytes | memoryview) -> None:
        self.data += data

    def reset(self) -> None:
        self.data.clear()
        self.resets += 1


@pytest.fixture
def sqlite_server(tmp_path: Path) -> Iterator[tuple[LiveServer, World]]:
    with live_server(tmp_path, f"sqlite:///{tmp_path}/s.sqlite3") as server:
        yield server, build_world(server.ctx)


def _api(server: LiveServer, **kwargs: Any) -> ServerApi:
    return ServerApi(server.url, trust_env=False, **kwargs)


def _pull_all(
    api: ServerApi, cursor: str | None = None, limit: int | None = None
) -> tuple[dict[tuple[str, int], dict[str, Any]], str]:
    objects: dict[tuple[str, int], dict[str, Any]] = {}
    pages = 0
    while True:
        page = api.changes(cursor, limit)
        assert isinstance(page, ChangePage)
        pages += 1
        for entry in page.entries:
            if entry.op == "upsert":
                assert entry.data is not None
                objects[(entry.kind, entry.id)] = entry.data
            else:
                objects.pop((entry.kind, entry.id), None)
        cursor = page.cursor
        if not page.has_more:
            assert limit is None or pages > 1  # the small limit really paged
            return objects, cursor


# ---------------------------------------------------------------------------------------- accounts


def test_login_and_full_snapshot_by_pages_equals_the_servers_lists(
    world_server: tuple[LiveServer, World],
) -> None:
    server, world = world_server
    saved: list[Tokens] = []
    with _api(server, on_tokens=saved.append) as api:
        signin = api.login("member", PASSWORD, "Laptop Küche")
        assert signin.user.username == "member" and signin.user.id == world.ids["user_member"]
        assert signin.tokens.access_token.startswith("ga_") and saved == [signin.tokens]
        assert api.tokens == signin.tokens
        objects, cursor = _pull_all(api, limit=3)
        with server.client(signin.tokens.access_token) as c:
            assert objects == server_view(c)
        assert ("file", world.ids["public_file"]) in objects
        assert ("efile", world.ids["unshared_efile"]) not in objects
        again = api.changes(cursor)  # nothing changed: an empty page, no more
        assert again.entries == [] and not again.has_more


def test_wrong_password_and_missing_sign_in(world_server: tuple[LiveServer, World]) -> None:
    server, _ = world_server
    with _api(server) as api:
        with pytest.raises(BadCredentials, match="Wrong user name or password") as info:
            api.login("member", "wrong", "x")
        assert isinstance(info.value, SignInRequired) and not info.value.retryable
        with pytest.raises(SignInRequired, match="not signed in"):
            api.changes(None)


def test_expired_access_token_is_refreshed_once_and_persisted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.sqlite3"
    with live_server(tmp_path, url, access_token_ttl=timedelta(seconds=1)) as server:
        build_world(server.ctx)
        saved: list[Tokens] = []
        with _api(server, on_tokens=saved.append) as api:
            first = api.login("member", PASSWORD, "laptop").tokens
            time.sleep(1.2)  # the access token expired
            # the refreshed token lives long: on a slow machine it must not expire again before it is used
            server.ctx.settings = replace(server.ctx.settings, access_token_ttl=timedelta(hours=1))
            # several threads find the token expired at once: one refresh, the others retry with it
            # (a second refresh with the same refresh token would make the server revoke the device)
            errors: list[BaseException] = []

            def pull() -> None:
                try:
                    api.changes(None, 5)
                except BaseException as exc:
                    errors.append(exc)

            threads = [threading.Thread(target=pull) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert errors == []
            assert len(saved) == 2 and saved[0] == first
            assert api.tokens == saved[1] and saved[1].refresh_token != first.refresh_token
            assert saved[1].device_id == first.device_id
            # the stored tokens work in a new process (a new ServerApi) too
            with _api(server, tokens=saved[1]) as other:
                assert other.changes(None, 5).entries


def test_reused_refresh_token_and_revoked_device_need_sign_in(
    sqlite_server: tuple[LiveServer, World],
) -> None:
    server, _ = sqlite_server
    with _api(server) as api:
        old = api.login("deputy", PASSWORD, "tablet").tokens
        new = api.refresh(old.refresh_token)
        with pytest.raises(SignInRequired, match="reused") as info:
            api.refresh(old.refresh_token)  # the server now revokes the device
        assert not info.value.retryable and info.value.status == 401
        api.set_tokens(new)
        with pytest.raises(SignInRequired):
            api.changes(None)

        signin = api.login("member", PASSWORD, "laptop")
        assert api.changes(None, 1).entries
        admin = server.token("member")
        with server.client(admin) as c:
            assert c.delete(f"/api/v1/devices/{signin.tokens.device_id}").status_code == 204
        with pytest.raises(SignInRequired, match="sign in again"):
            api.changes(None, 1)


def test_invalid_cursor_is_rejected_clearly(world_server: tuple[LiveServer, World]) -> None:
    server, _ = world_server
    with _api(server) as api:
        api.login("member", PASSWORD, "x")
        with pytest.raises(RequestRejected, match="cursor is not valid") as info:
            api.changes("not-a-cursor")
        assert info.value.status == 422 and not info.value.retryable


# ------------------------------------------------------------------------------------------- files


def test_download_whole_resumed_and_restarted(world_server: tuple[LiveServer, World]) -> None:
    server, world = world_server
    pdf, file_id = world.pdf, world.ids["public_file"]
    digest = hashlib.sha256(pdf).hexdigest()
    with _api(server) as api:
        api.login("member", PASSWORD, "x")
        sink = MemorySink()
        whole = api.download(file_id, sink, expected_size=len(pdf), expected_sha256=digest, chunk=100)
        assert bytes(sink.data) == pdf
        assert (whole.size, whole.sha256, whole.transferred, whole.restarted) == (
            len(pdf),
            digest,
            len(pdf),
            False,
        )
        assert whole.etag == f'"{digest}"'

        cut = len(pdf) // 3
        hasher = hashlib.sha256(pdf[:cut])
        sink = MemorySink(pdf[:cut])
        resumed = api.download(
            file_id, sink, offset=cut, etag=whole.etag, expected_sha256=digest, hasher=hasher
        )
        assert bytes(sink.data) == pdf and resumed.transferred == len(pdf) - cut
        assert resumed.sha256 == digest and not resumed.restarted

        # without the hasher the rest still arrives, but no digest can be given
        sink = MemorySink(pdf[:cut])
        unhashed = api.download(file_id, sink, offset=cut, etag=whole.etag)
        assert bytes(sink.data) == pdf and unhashed.sha256 is None
        with pytest.raises(ValueError, match="hasher"):
            api.download(file_id, MemorySink(), offset=cut, etag=whole.etag, expected_sha256=digest)

        # another ETag (the file changed): the server sends it all, the sink is reset first
        sink = MemorySink(b"stale bytes")
        restarted = api.download(
            file_id, sink, offset=11, etag='"0000"', expected_sha256=digest, hasher=hashlib.sha256()
        )
        assert bytes(sink.data) == pdf and sink.resets == 1
        assert restarted.restarted and restarted.sha256 == digest

        # everything was there already: the server answers 416, nothing is written
        sink = MemorySink(pdf)
        done = api.download(file_id, sink, offset=len(pdf), etag=whole.etag, hasher=hashlib.sha256(pdf))
        assert done.transferred == 0 and done.sha256 == digest and bytes(sink.data) == pdf


def test_download_checksum_and_size_mismatch_and_not_found(world_server: tuple[LiveServer, World]) -> None:
    server, world = world_server
    with _api(server) as api:
        api.login("member", PASSWORD, "x")
        with pytest.raises(ChecksumMismatch, match="damaged") as info:
            api.download(world.ids["public_file"], MemorySink(), expected_sha256="0" * 64)
        assert info.value.retryable
        with pytest.raises(ServerProtocolError, match="expected"):
            api.download(world.ids["public_file"], MemorySink(), expected_size=len(world.pdf) + 1)
        with pytest.raises(NotFound):  # exists, but this member may not see it
            api.download(world.ids["unshared_efile_file"], MemorySink())
        with pytest.raises(NotFound):
            api.download(10**9, MemorySink())


# -------------------------------------------------------------------------------- addresses, network


@pytest.mark.parametrize(
    "url",
    ["http://example.org", "http://10.0.0.1:8765", "ftp://127.0.0.1", "http://user:pw@127.0.0.1", "nonsense"],
)
def test_unencrypted_remote_addresses_are_refused(url: str) -> None:
    with pytest.raises(InsecureServerUrl) as info:
        ServerApi(url)
    assert isinstance(info.value, ValueError) and info.value.message


@pytest.mark.parametrize(
    "url",
    ["https://rat.example.org/gremalda", "http://localhost:8765", "http://127.1.2.3:1", "http://[::1]:8765"],
)
def test_https_and_loopback_addresses_are_accepted(url: str) -> None:
    with ServerApi(url) as api:
        assert api.base_url == url  # taken as given (the refused ones raise InsecureServerUrl, above)


def test_connection_refused_is_offline_and_retryable() -> None:
    with closed_port() as port, ServerApi(f"http://127.0.0.1:{port}", trust_env=False, timeout=5) as api:
        with pytest.raises(Offline, match="could not be reached") as info:
            api.login("member", PASSWORD, "x")
        assert info.value.retryable


def test_backoff_has_full_jitter_and_a_cap() -> None:
    delays = backoff_delays(0.5, 60, rng=random.Random(7))
    values = [next(delays) for _ in range(40)]
    for n, value in enumerate(values):
        assert 0 <= value <= min(60, 0.5 * 2**n)
    assert max(values[10:]) > 30  # it does grow up to the cap
    assert values == list(_take(backoff_delays(0.5, 60, rng=random.Random(7)), 40))  # injectable, repeatable


def _take(it: Iterator[float], n: int) -> Iterator[float]:
    for _ in range(n):
        yield next(it)


# ---------------------------------------------------------------------- what our server cannot send
# These answers come from an httpx.MockTransport: our server cannot produce them, and the
# fault-injecting proxy that will do it over a real socket does not exist yet.

TOKENS = Tokens(device_id=1, access_token="ga_x", refresh_token="gr_x", expires_in=3600)


def _mock(handler: Callable[[httpx.Request], httpx.Response]) -> ServerApi:
    return ServerApi("https://rat.example.org", transport=httpx.MockTransport(handler), tokens=TOKENS)


def _changes_answer(body: bytes, ctype: str = "application/json", status: int = 200) -> ServerApi:
    return _mock(lambda request: httpx.Response(status, content=body, headers={"Content-Type": ctype}))


GOOD_PAGE = {
    "cursor": "c1",
    "has_more": False,
    "changes": [
        {"op": "upsert", "seq": 3, "data": {"type": "meeting", "id": 5, "name": "Sitzung"}},
        {"op": "remove", "seq": 4, "type": "file", "id": 9},
    ],
}


def _with(**changes: Any) -> bytes:
    return json.dumps({**GOOD_PAGE, **changes}).encode()


def test_mock_good_page_parses() -> None:
    page = _changes_answer(json.dumps(GOOD_PAGE).encode()).changes(None)
    assert page.cursor == "c1" and not page.has_more
    assert [(e.op, e.kind, e.id, e.seq) for e in page.entries] == [
        ("upsert", "meeting", 5, 3),
        ("remove", "file", 9, 4),
    ]


@pytest.mark.parametrize(
    "body,ctype,message",
    [
        (b"<html><body>Bitte anmelden</body></html>", "text/html; charset=utf-8", "HTML page"),
        (b'{"cursor": "c", "has_more": fal', "application/json", "broken JSON"),
        (b'{"cursor": "c\x01", "has_more": false, "changes": []}', "application/json", "broken JSON"),
        (_with(cursor="c\x00"), "application/json", "control characters"),
        (
            _with(
                changes=[{"op": "upsert", "seq": 1, "data": {"type": "meeting", "id": 1, "name": "\ud800"}}]
            ),
            "application/json",
            "control characters",
        ),
        (b'{"cursor": "c", "has_more": false, "changes": [], "x": NaN}', "application/json", "broken JSON"),
        (b"\xff\xfe", "application/json", "broken JSON"),
        (b"[]", "application/json", "not a JSON object"),
        (_with(has_more="yes"), "application/json", "has_more"),
        (_with(cursor=None), "application/json", "cursor"),
        (_with(cursor=""), "application/json", "empty sync cursor"),
        (_with(changes={"op": "remove"}), "application/json", "not a list"),
        (_with(changes=[{"seq": 1}]), "application/json", "without 'op'"),
        (_with(changes=[{"op": "move", "seq": 1}]), "application/json", "unknown operation"),
        (
            _with(changes=[{"op": "remove", "seq": "1", "type": "file", "id": 1}]),
            "application/json",
            "integer",
        ),
        (
            _with(changes=[{"op": "remove", "seq": True, "type": "file", "id": 1}]),
            "application/json",
            "integer",
        ),
        (
            _with(changes=[{"op": "remove", "seq": 1, "type": "spaceship", "id": 1}]),
            "application/json",
            "unknown type",
        ),
        (_with(changes=[{"op": "upsert", "seq": 1, "data": [1]}]), "application/json", "not a JSON object"),
        (
            _with(changes=[{"op": "upsert", "seq": 1, "data": {"type": "file"}}]),
            "application/json",
            "without 'id'",
        ),
        (
            _with(changes=[{"op": "remove", "seq": -1, "type": "file", "id": 1}]),
            "application/json",
            "negative",
        ),
    ],
)
def test_mock_malformed_change_pages_are_protocol_errors(body: bytes, ctype: str, message: str) -> None:
    with pytest.raises(ServerProtocolError, match=message) as info:
        _changes_answer(body, ctype).changes(None)
    assert not info.value.retryable


class _Stream(httpx.SyncByteStream):
    """A body of `data`, whatever Content-Length said (more than announced: the proxy cannot do that)."""

    def __init__(self, data: bytes, fail: bool) -> None:
        self.data, self.fail = data, fail

    def __iter__(self) -> Iterator[bytes]:
        yield self.data
        if self.fail:
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


def test_mock_wrong_range_and_too_many_bytes_are_protocol_errors() -> None:
    def wrong_range(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            206, headers={"Content-Range": "bytes 0-9/10", "ETag": '"e"'}, content=b"0123456789"
        )

    with pytest.raises(ServerProtocolError, match="bytes 0-9 of 10"):
        _mock(wrong_range).download(1, MemorySink(b"01234"), offset=5, etag='"e"')

    def too_long(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Length": "4"}, stream=_Stream(b"0123456789", False))

    sink = MemorySink()
    with pytest.raises(ServerProtocolError, match="more bytes"):
        _mock(too_long).download(1, sink)
    assert sink.data == b""


def test_mock_html_page_instead_of_a_document_and_redirects_are_refused() -> None:
    portal = b"<html>Bitte melden Sie sich am WLAN an</html>"

    def html(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=portal)

    sink = MemorySink()
    with pytest.raises(ServerProtocolError, match="HTML page"):
        _mock(html).download(1, sink)
    assert sink.data == b""

    def moved(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"Location": "https://elsewhere.example.org/"})

    with pytest.raises(ServerProtocolError, match="redirects to 'https://elsewhere"):
        _mock(moved).changes(None)


def test_a_ca_bundle_path_is_accepted(tmp_path: Path) -> None:
    import certifi

    ServerApi("https://rat.example.org", verify=certifi.where()).close()
    with pytest.raises(FileNotFoundError):
        ServerApi("https://rat.example.org", verify=str(tmp_path / "missing.pem"))


# ------------------------------------------------- a broken server: the real one behind the fault proxy


@pytest.fixture
def proxied(sqlite_server: tuple[LiveServer, World]) -> Iterator[tuple[FaultProxy, ServerApi, World]]:
    server, world = sqlite_server
    # signing in hashes a password (scrypt, 32 MiB): under load that takes seconds. The client has a
    # generous timeout: on a loaded machine a late answer is not a dead server (the stall test makes its
    # own client with a short timeout for the one request that stalls)
    with ServerApi(server.url, trust_env=False, timeout=30.0) as signer:
        tokens = signer.login("member", PASSWORD, "behind a broken network").tokens
    with (
        FaultProxy(server.url) as proxy,
        ServerApi(proxy.url, trust_env=False, timeout=30.0, tokens=tokens) as api,
    ):
        yield proxy, api, world


@pytest.mark.parametrize("fault", [Fault.truncate(after=100), Fault.reset(after=100)], ids=["short", "reset"])
def test_interrupted_download_resumes_where_it_stopped(
    proxied: tuple[FaultProxy, ServerApi, World], fault: Fault
) -> None:
    proxy, api, world = proxied
    pdf, digest = world.pdf, hashlib.sha256(world.pdf).hexdigest()
    proxy.inject(fault, path=r"/content$", times=1)
    sink = MemorySink()
    with pytest.raises(TransferIncomplete) as info:
        api.download(
            world.ids["public_file"], sink, expected_sha256=digest, hasher=hashlib.sha256(), chunk=16
        )
    stop = info.value
    assert stop.retryable and stop.offset == 100 and bytes(sink.data) == pdf[:100]
    result = api.download(
        world.ids["public_file"],
        sink,
        offset=stop.offset,
        etag=stop.etag,
        hasher=stop.hasher,
        expected_sha256=digest,
    )
    assert bytes(sink.data) == pdf and result.sha256 == digest and result.transferred == len(pdf) - 100
    assert proxy.seen(r"/content$") == 2


def test_corrupted_bytes_are_caught_by_the_checksum(proxied: tuple[FaultProxy, ServerApi, World]) -> None:
    proxy, api, world = proxied
    proxy.inject(Fault.corrupt(at=50), path=r"/content$", times=1)
    with pytest.raises(ChecksumMismatch) as info:
        api.download(
            world.ids["public_file"],
            MemorySink(),
            expected_sha256=hashlib.sha256(world.pdf).hexdigest(),
            hasher=hashlib.sha256(),
        )
    assert info.value.retryable


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retryable(proxied: tuple[FaultProxy, ServerApi, World], status: int) -> None:
    proxy, api, _ = proxied
    proxy.inject(Fault.status_code(status, body=b"<html>Bad Gateway</html>"), path=r"/changes$", times=1)
    with pytest.raises(ServerError, match=str(status)) as info:
        api.changes(None)
    assert info.value.retryable and info.value.status == status
    assert api.changes(None).entries  # the next request goes through


def test_busy_server_says_when_to_come_back(proxied: tuple[FaultProxy, ServerApi, World]) -> None:
    proxy, api, _ = proxied
    proxy.inject(
        Fault.status_code(429, body=b'{"error": {"message": "x"}}', headers={"Retry-After": "17"}),
        path=r"/changes$",
        times=1,
    )
    with pytest.raises(ServerError) as busy:
        api.changes(None)
    assert busy.value.retry_after == 17


def test_html_page_with_status_200_is_a_protocol_error(proxied: tuple[FaultProxy, ServerApi, World]) -> None:
    proxy, api, _ = proxied
    proxy.inject(Fault.html_200(), path=r"/changes$", times=1)
    with pytest.raises(ServerProtocolError):
        api.changes(None)


@pytest.mark.parametrize(
    ("fault", "message"),
    [(Fault.reset(), "closed the connection"), (Fault.stall(), "did not answer in time")],
)
def test_reset_and_stall_are_offline(
    proxied: tuple[FaultProxy, ServerApi, World], fault: Fault, message: str
) -> None:
    proxy, signed_in, _ = proxied
    proxy.inject(fault, path=r"/changes$", times=1)
    # a short timeout only for the request that stalls: the reset comes at once, and under a short limit a
    # proxy slow to read the request on a loaded machine would be taken for a stall
    timeout = 2.0 if fault.kind.value == "stall" else 30.0
    with (
        ServerApi(proxy.url, trust_env=False, timeout=timeout, tokens=signed_in.tokens) as api,
        pytest.raises(Offline, match=message) as info,
    ):
        api.changes(None)
    assert info.value.retryable


def test_a_trickling_server_is_given_up_on_and_a_stop_request_ends_a_download(
    proxied: tuple[FaultProxy, ServerApi, World],
) -> None:
    proxy, api, world = proxied  # a read timeout far above the rate window: a late answer is no dead server
    _trickle_then_stop(proxy, api, world)


def _trickle_then_stop(proxy: FaultProxy, api: ServerApi, world: World) -> None:
    proxy.inject(Fault.trickle(400), path=r"/content$", times=1)
    sink = MemorySink()
    with pytest.raises(TransferIncomplete) as info:  # 400 bytes/s over 0.5 s: below 1,000 bytes/s
        api.download(world.ids["public_file"], sink, hasher=hashlib.sha256(), min_rate=1000, rate_window=0.5)
    assert "too slowly" in info.value.message and info.value.retryable
    assert info.value.offset == len(sink.data) > 0  # what arrived is kept for the resume

    proxy.inject(Fault.trickle(400), path=r"/content$", times=1)
    started = time.monotonic()
    sink = MemorySink()
    with pytest.raises(TransferCancelled):  # asked after every read: stops half a second in
        api.download(world.ids["public_file"], sink, should_stop=lambda: time.monotonic() - started > 0.5)
    assert time.monotonic() - started > 0.5
    assert 0 < len(sink.data) < len(world.pdf)  # stopped before the whole file came; what arrived is kept


# ------------------------------------------ the direct download path: pooled connections, TLS, proxies


class _Relay:
    """A TCP relay on loopback in front of the live server that keeps the client's connections as they
    are (keep-alive included), so that a test can count them. Optionally terminates TLS on its side.
    `close_idle()` closes the client connections as a server closes idle keep-alive connections;
    `refuse_reused_once()` makes the next request that arrives on an already used connection be
    answered by closing that connection (the race of a server closing it just then)."""

    def __init__(self, upstream_port: int, tls: ssl.SSLContext | None = None) -> None:
        self.upstream_port, self.tls = upstream_port, tls
        self.accepted = 0
        self._lock = threading.Lock()
        self._clients: dict[socket.socket, int] = {}  # requests seen per client connection
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._refuse_reused = False
        self._stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, name="relay")
        self._acceptor.start()

    def open_clients(self) -> int:
        with self._lock:
            return len(self._clients)

    def close_idle(self) -> None:
        with self._lock:
            clients = list(self._clients)
        for sock in clients:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def refuse_reused_once(self) -> None:
        with self._lock:
            self._refuse_reused = True

    def stop(self) -> None:
        self._stopping.set()
        self._acceptor.join()
        self._listener.close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join()
        for sock in sockets:
            sock.close()

    def __enter__(self) -> _Relay:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                raw, _ = self._listener.accept()
            except TimeoutError:
                continue
            raw.settimeout(None)
            with self._lock:
                self.accepted += 1
                self._sockets.add(raw)
            thread = threading.Thread(target=self._serve, args=(raw,))
            self._threads.append(thread)
            thread.start()

    def _serve(self, raw: socket.socket) -> None:
        client = raw
        try:
            if self.tls is not None:
                client = self.tls.wrap_socket(raw, server_side=True)
                with self._lock:
                    self._sockets.discard(raw)
                    self._sockets.add(client)
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:
            return
        with self._lock:
            self._sockets.add(upstream)
            self._clients[client] = 0
        back = threading.Thread(target=self._pump, args=(upstream, client))
        back.start()
        try:
            while data := client.recv(65536):
                if data[:4] in (b"GET ", b"POST"):
                    with self._lock:
                        self._clients[client] += 1
                        refuse = self._refuse_reused and self._clients[client] > 1
                        if refuse:
                            self._refuse_reused = False
                    if refuse:
                        break
                upstream.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._clients.pop(client, None)
            for sock in (client, upstream):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            back.join()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_RDWR)


class RecordingSink(MemorySink):
    def __init__(self) -> None:
        super().__init__()
        self.sizes: list[int] = []
        self.views = 0

    def write(self, data: bytes | memoryview) -> None:
        self.sizes.append(len(data))
        self.views += isinstance(data, memoryview)
        super().write(data)


@pytest.fixture
def relayed(sqlite_server: tuple[LiveServer, World]) -> Iterator[tuple[_Relay, ServerApi, World]]:
    server, world = sqlite_server
    upstream = int(server.url.rsplit(":", 1)[1])
    with _Relay(upstream) as relay, ServerApi(f"http://127.0.0.1:{relay.port}", trust_env=False) as api:
        api.login("member", PASSWORD, "counted")  # through httpx: a connection of its own
        assert relay.accepted == 1
        yield relay, api, world


def test_downloads_reuse_their_connections_and_hand_out_full_chunks(
    relayed: tuple[_Relay, ServerApi, World],
) -> None:
    relay, api, world = relayed
    pdf, file_id = world.pdf, world.ids["public_file"]
    digest = hashlib.sha256(pdf).hexdigest()
    for _ in range(5):
        sink = RecordingSink()
        api.download(file_id, sink, expected_sha256=digest, chunk=100)
        assert bytes(sink.data) == pdf
        # views of the download buffer, exactly `chunk` bytes each but the last
        assert sink.views == len(sink.sizes) and set(sink.sizes[:-1]) == {100} and 0 < sink.sizes[-1] <= 100
    assert relay.accepted == 2  # the login's, and one for all the downloads

    errors: list[BaseException] = []

    def fetch() -> None:
        try:
            for _ in range(6):
                sink = MemorySink()
                api.download(file_id, sink, expected_sha256=digest)
                assert bytes(sink.data) == pdf
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert relay.accepted <= 2 + 4  # at most one connection per thread that downloads at once
    api.close()  # closes the pooled connections
    _wait_for_no_open_clients(relay)


def _wait_for_no_open_clients(relay: _Relay) -> None:
    deadline = time.monotonic() + 60  # polled: returns as soon as the relay saw them closed
    while relay.open_clients() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert relay.open_clients() == 0


def test_a_connection_is_dropped_after_an_error_and_a_closed_one_is_replaced(
    relayed: tuple[_Relay, ServerApi, World],
) -> None:
    relay, api, world = relayed
    pdf, file_id = world.pdf, world.ids["public_file"]
    digest = hashlib.sha256(pdf).hexdigest()
    api.download(file_id, MemorySink())
    api.download(file_id, MemorySink())
    assert relay.accepted == 2

    # the whole body arrived, but the download failed: that connection is not used again
    with pytest.raises(ChecksumMismatch):
        api.download(file_id, MemorySink(), expected_sha256="0" * 64)
    api.download(file_id, MemorySink())
    assert relay.accepted == 3
    with pytest.raises(TransferCancelled):
        api.download(file_id, MemorySink(), should_stop=lambda: True)
    with pytest.raises(NotFound):  # an error answer: that connection goes too
        api.download(10**9, MemorySink())
    api.download(file_id, MemorySink())
    assert relay.accepted == 5

    # the server closed the idle connection: noticed before it is used, a new one is opened
    relay.close_idle()
    _wait_for_no_open_clients(relay)  # the relay's side is closed
    sink = MemorySink()
    assert api.download(file_id, sink, expected_sha256=digest).sha256 == digest
    assert bytes(sink.data) == pdf and relay.accepted == 6

    # it is closed just when the request arrives: the request is sent once more on a new connection
    relay.refuse_reused_once()
    sink = MemorySink()
    assert api.download(file_id, sink, expected_sha256=digest).sha256 == digest
    assert bytes(sink.data) == pdf and relay.accepted == 7


def _certificates(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A CA and a certificate it signed for localhost and 127.0.0.1: (ca.pem, cert.pem, key.pem)."""
    import ipaddress
    from datetime import UTC, datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)

    def cert(
        subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Certificate | None, signer: Any
    ) -> x509.Certificate:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(issuer.subject if issuer else name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=1))
        )
        if issuer is None:
            builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            builder = builder.add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
            )
            builder = builder.add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
        else:
            san = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = cert("Gremalda Test CA", ca_key, None, ca_key)
    leaf = cert("localhost", key, ca, ca_key)
    paths = tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


def test_https_with_a_ca_bundle_path_and_a_certificate_that_is_not_trusted(
    sqlite_server: tuple[LiveServer, World], tmp_path: Path
) -> None:
    server, world = sqlite_server
    ca, cert, key = _certificates(tmp_path)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    pdf, file_id = world.pdf, world.ids["public_file"]
    digest = hashlib.sha256(pdf).hexdigest()
    with _Relay(int(server.url.rsplit(":", 1)[1]), tls=tls) as relay:
        for host in ("localhost", "127.0.0.1"):
            url = f"https://{host}:{relay.port}"
            with ServerApi(url, verify=str(ca), trust_env=False) as api:
                tokens = api.login("member", PASSWORD, "tls").tokens
                for _ in range(3):
                    sink = MemorySink()
                    assert api.download(file_id, sink, expected_sha256=digest).sha256 == digest
                    assert bytes(sink.data) == pdf
        assert relay.accepted == 4  # per address: the login's connection, one for the downloads

        # the system's CA store does not know the test CA: the download refuses, not retryable
        with ServerApi(url, trust_env=False, tokens=tokens) as api:
            with pytest.raises(CertificateError, match="certificate could not be verified") as info:
                api.download(file_id, MemorySink())
            assert not info.value.retryable
        # verify=False (tests only) skips the check
        with ServerApi(url, verify=False, trust_env=False, tokens=tokens) as api:
            sink = MemorySink()
            api.download(file_id, sink)
            assert bytes(sink.data) == pdf


def test_a_proxy_from_the_environment_is_used_through_httpx(
    sqlite_server: tuple[LiveServer, World], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, world = sqlite_server
    pdf, file_id = world.pdf, world.ids["public_file"]
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    with FaultProxy(server.url) as proxy:  # it forwards absolute-form requests as a forward proxy would
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        with ServerApi(server.url) as api:
            api.login("member", PASSWORD, "behind a proxy")
            sink = MemorySink()
            api.download(file_id, sink)
            assert bytes(sink.data) == pdf
        assert proxy.seen(r"/login$") == 1 and proxy.seen(r"/content$") == 1

        # without trust_env, or when NO_PROXY exempts the server, the download connects directly
        with ServerApi(server.url, trust_env=False) as api:
            api.login("member", PASSWORD, "direct")
            api.download(file_id, MemorySink())
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        with ServerApi(server.url) as api:
            api.login("member", PASSWORD, "exempt")
            api.download(file_id, MemorySink())
        assert proxy.seen(r"/login$") == 1 and proxy.seen(r"/content$") == 1


def test_a_download_with_an_expired_access_token_refreshes_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/s.sqlite3"
    with live_server(tmp_path, url, access_token_ttl=timedelta(seconds=1)) as server:
        world = build_world(server.ctx)
        saved: list[Tokens] = []
        with _api(server, on_tokens=saved.append) as api:
            api.login("member", PASSWORD, "laptop")
            time.sleep(1.2)  # the access token expired
            # the refreshed token lives long: on a slow machine it must not expire again before it is used
            server.ctx.settings = replace(server.ctx.settings, access_token_ttl=timedelta(hours=1))
            errors: list[BaseException] = []
            sinks = [MemorySink() for _ in range(4)]

            def fetch(sink: MemorySink) -> None:
                try:
                    api.download(world.ids["public_file"], sink)
                except BaseException as exc:
                    errors.append(exc)

            threads = [threading.Thread(target=fetch, args=(sink,)) for sink in sinks]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert errors == [] and all(bytes(s.data) == world.pdf for s in sinks)
            assert len(saved) == 2 and api.tokens == saved[1]  # one refresh for the four downloads
