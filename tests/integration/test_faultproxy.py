"""The fault-injecting proxy (tests/harness/faultproxy.py) against a tiny real upstream on loopback."""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from socketserver import ThreadingMixIn

import httpx
import pytest

from tests.harness.faultproxy import Fault, FaultProxy
from tests.harness.ports import LOOPBACK

CONTENT = random.Random(3).randbytes(200_000)
SMALL = random.Random(4).randbytes(2048)
DATA = {"items": [{"id": i, "title": f"Sitzung {i} – Straßenbau"} for i in range(20)]}
DATA_BYTES = json.dumps(DATA).encode()


class _Upstream(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def _reply(self, body: bytes, content_type: str = "application/octet-stream") -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/content":
            self._reply(CONTENT)
        elif self.path == "/small":
            self._reply(SMALL)
        elif self.path.startswith("/data.json"):
            self._reply(DATA_BYTES, "application/json")
        elif self.path == "/chunked":
            self.protocol_version = "HTTP/1.1"
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for i in range(0, len(CONTENT), 10_000):
                piece = CONTENT[i : i + 10_000]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_error(404)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self._reply(
            json.dumps({"echo": body.decode(), "host": self.headers["Host"]}).encode(), "application/json"
        )


class _Server(ThreadingMixIn, HTTPServer):
    daemon_threads = False
    block_on_close = True


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    server = _Server((LOOPBACK, 0), _Upstream)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def proxy(upstream: str) -> Iterator[FaultProxy]:
    with FaultProxy(upstream, seed=7) as running:
        yield running


@pytest.fixture
def client(proxy: FaultProxy) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=proxy.url, trust_env=False, timeout=30.0) as http:
        yield http


# --------------------------------------------------------------------------------------------- pass-through


def test_passthrough_bytes_equal_and_requests_are_counted(proxy: FaultProxy, client: httpx.Client) -> None:
    assert proxy.url.startswith(f"http://{LOOPBACK}:")
    response = client.get("/content")
    assert response.status_code == 200
    assert response.content == CONTENT
    assert response.headers["content-length"] == str(len(CONTENT))
    assert response.headers["connection"] == "close"
    assert client.get("/data.json", params={"since": "5"}).json() == DATA
    assert client.get("/data.json").json() == DATA
    assert client.get("/missing").status_code == 404
    assert proxy.seen(r"/content$") == 1
    assert proxy.seen(r"^/data\.json$") == 2
    assert proxy.seen() == 4
    assert proxy.seen_paths() == {"/content": 1, "/data.json": 2, "/missing": 1}


def test_passthrough_of_chunked_head_and_post(proxy: FaultProxy, client: httpx.Client) -> None:
    response = client.get("/chunked")
    assert response.headers["transfer-encoding"] == "chunked"
    assert response.content == CONTENT
    head = client.head("/content")
    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(CONTENT))
    posted = client.post("/echo", content=b"hallo welt").json()
    assert posted["echo"] == "hallo welt"
    assert posted["host"] == proxy.upstream_url.removeprefix("http://")


def test_upstream_down_gives_502() -> None:
    with socket.socket() as placeholder:
        placeholder.bind((LOOPBACK, 0))
        dead = f"http://{LOOPBACK}:{placeholder.getsockname()[1]}"
        with FaultProxy(dead) as proxy, httpx.Client(trust_env=False, timeout=30.0) as http:
            assert http.get(proxy.url + "/x").status_code == 502


# ----------------------------------------------------------------------------------------------- faults


def _read_until_error(client: httpx.Client, path: str) -> tuple[bytes, Exception | None]:
    received = bytearray()
    try:
        with client.stream("GET", path) as response:
            for piece in response.iter_raw():
                received += piece
    except httpx.TransportError as exc:
        return bytes(received), exc
    return bytes(received), None


def test_truncate_gives_a_short_body_and_a_client_error(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.inject(Fault.truncate(after=1000), path=r"/content$")
    received, error = _read_until_error(client, "/content")
    assert isinstance(error, httpx.RemoteProtocolError)
    assert received == CONTENT[:1000]
    with pytest.raises(httpx.TransportError):
        client.get("/content")


def test_truncate_of_a_chunked_body_is_detected(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.inject(Fault.truncate(after=15_000), path="/chunked")
    received, error = _read_until_error(client, "/chunked")
    assert error is not None
    assert received == CONTENT[:15_000]


def test_corrupt_flips_bytes_but_keeps_the_length(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.inject(Fault.corrupt(), path="/content", times=1)
    proxy.inject(Fault.corrupt(at=65_530, count=10), path="/content", times=1)
    middle = client.get("/content").content
    assert len(middle) == len(CONTENT)
    assert [i for i in range(len(CONTENT)) if middle[i] != CONTENT[i]] == [len(CONTENT) // 2]
    across = client.get("/content").content  # a range across the proxy's 64 KiB read pieces
    assert len(across) == len(CONTENT)
    assert [i for i in range(len(CONTENT)) if across[i] != CONTENT[i]] == list(range(65_530, 65_540))
    assert client.get("/content").content == CONTENT


def test_malformed_json_fails_to_parse(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.inject(Fault.malformed_json(), path=r"\.json$")
    response = client.get("/data.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(ValueError):
        response.json()


def test_html_error_page_with_status_200(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.inject(Fault.html_200(), path=r"\.json$")
    response = client.get("/data.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert b"<html>" in response.content
    with pytest.raises(ValueError):
        response.json()


def test_chosen_5xx_status(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.inject(Fault.status_code(503, headers={"Retry-After": "1"}), path="/content")
    proxy.inject(Fault.status_code(500, body=b"boom"), path="/small")
    response = client.get("/content")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert client.get("/small").content == b"boom"


def test_reset_before_the_response_raises_a_transport_error(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.inject(Fault.reset(), path="/content")
    with pytest.raises(httpx.TransportError):
        client.get("/content")


def test_reset_mid_response(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.inject(Fault.reset(after=5000), path="/content")
    received, error = _read_until_error(client, "/content")
    assert error is not None
    assert len(received) <= 5000
    assert CONTENT.startswith(received)


def test_reset_sends_rst() -> None:
    """Seen from a raw socket: the reset is a RST (ECONNRESET), not an orderly close."""
    with socket.socket() as placeholder:
        placeholder.bind((LOOPBACK, 0))
        with FaultProxy(f"http://{LOOPBACK}:{placeholder.getsockname()[1]}") as proxy:
            proxy.inject(Fault.reset())
            with socket.create_connection((LOOPBACK, proxy.port), timeout=60.0) as sock:
                sock.sendall(b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
                with pytest.raises(ConnectionResetError):
                    while sock.recv(4096):
                        pass


def test_stall_triggers_the_read_timeout(proxy: FaultProxy) -> None:
    proxy.inject(Fault.stall(), path="/content")
    with httpx.Client(base_url=proxy.url, trust_env=False, timeout=30.0) as http:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):  # the short read timeout only for the request that stalls
            http.get("/content", timeout=httpx.Timeout(30.0, read=0.3))
        assert time.monotonic() - started >= 0.25
        assert http.get("/small").content == SMALL


def test_stop_with_a_stalled_connection_still_open(upstream: str) -> None:
    proxy = FaultProxy(upstream).start()
    proxy.inject(Fault.stall())
    with socket.create_connection((LOOPBACK, proxy.port), timeout=120.0) as sock:
        sock.sendall(b"GET /content HTTP/1.1\r\nHost: a\r\n\r\n")
        deadline = time.monotonic() + 60.0  # polled: returns as soon as the proxy has the request
        while proxy.seen() == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proxy.seen() == 1
        started = time.monotonic()
        proxy.stop()
        # it drops the stalled connection rather than waiting for the client to give up (120 s)
        assert time.monotonic() - started < 60.0
        assert sock.recv(4096) == b""
    proxy.stop()  # idempotent


def test_trickle_is_slow(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.inject(Fault.trickle(4096), path="/small")
    started = time.monotonic()
    assert client.get("/small").content == SMALL
    assert time.monotonic() - started >= 0.3  # 2 KiB at 4 KiB/s: a sanity check, not a benchmark


# ------------------------------------------------------------------------------------------------ rules


def test_times_one_affects_only_the_first_request(proxy: FaultProxy, client: httpx.Client) -> None:
    rule = proxy.inject(Fault.status_code(503), path="/small", times=1)
    assert client.get("/small").status_code == 503
    assert client.get("/small").content == SMALL
    assert client.get("/small").content == SMALL
    assert rule.fired == 1
    assert proxy.seen("/small") == 3


def test_path_filter(proxy: FaultProxy, client: httpx.Client) -> None:
    proxy.inject(Fault.status_code(502), path=r"^/content$")
    assert client.get("/data.json").json() == DATA
    assert client.get("/small").content == SMALL
    assert client.get("/content").status_code == 502
    proxy.clear()
    assert client.get("/content").content == CONTENT
    assert proxy.seen("/content") == 2


def test_first_injected_rule_wins_and_remove(proxy: FaultProxy, client: httpx.Client) -> None:
    exempt = proxy.inject(Fault.passthrough(), path="/small")
    proxy.inject(Fault.status_code(500))
    assert client.get("/small").status_code == 200
    assert client.get("/content").status_code == 500
    proxy.remove(exempt)
    assert client.get("/small").status_code == 500


def _pattern(upstream: str, seed: int) -> list[int]:
    with (
        FaultProxy(upstream, seed=seed) as proxy,
        httpx.Client(base_url=proxy.url, trust_env=False, timeout=30.0) as http,
    ):
        proxy.inject(Fault.status_code(503), path="/small", probability=0.5)
        return [http.get("/small").status_code for _ in range(16)]


def test_probability_is_reproducible_with_a_seed(upstream: str) -> None:
    first = _pattern(upstream, seed=11)
    assert first == _pattern(upstream, seed=11)
    assert set(first) == {200, 503}


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        FaultProxy("ftp://example.org")
    with pytest.raises(ValueError):
        Fault.truncate(after=-1)
    with pytest.raises(ValueError):
        Fault.status_code(42)
    with pytest.raises(ValueError):
        Fault.trickle(0)
    proxy = FaultProxy("http://127.0.0.1:1")
    with pytest.raises(ValueError):
        proxy.inject(Fault.stall(), times=0)
    with pytest.raises(ValueError):
        proxy.inject(Fault.stall(), probability=1.5)
