"""Resumable uploads over real HTTP (issue 6): a clerk announces an upload, sends it in ranges and resumes
after the connection broke off mid-body or the server restarted; wrong starts get 409 with the offset;
the type, the size and the declared sha256 are checked; only the uploader may see or continue it. A transfer
still open makes a new PUT wait ("upload_busy", Retry-After) until it is taken over or times out; a range
the server ended early and an upload the server stopped finishing are carried on by the client."""

from __future__ import annotations

import dataclasses
import fcntl
import hashlib
import io
import json
import logging
import random
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from sync.client.api import ServerApi
from sync.client.uploads import run_upload
from sync.server.api.uploads import first_failure
from sync.server.db import write_session
from sync.server.deploy import DEFAULT_PREFIX, nginx_locations, nginx_upstream
from sync.server.models import Role, User
from sync.server.passwords import hash_password
from sync.server.staging import Staging
from tests.conftest import new_pg_database
from tests.harness.nginx import nginx_missing_reason, running_nginx
from tests.integration.live import LiveServer, live_server
from tests.integration.world import PASSWORD, World, build_world, minimal_pdf

KiB = 1024
SMALL_LIMIT = 256 * KiB


def pdf_bytes(size: int, seed: int = 1) -> bytes:
    head = minimal_pdf("Nachtrag")
    return (head + random.Random(seed).randbytes(max(0, size - len(head))))[:size]


def start(c: httpx.Client, data: bytes, *, mime: str = "application/pdf", sha: str | None = "auto") -> str:
    body: dict[str, Any] = {"size": len(data), "mime_type": mime, "file_name": "Nachtrag 1.pdf"}
    body["sha256"] = hashlib.sha256(data).hexdigest() if sha == "auto" else sha
    r = c.post("/api/v1/uploads", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["offset"] == 0 and r.json()["size"] == len(data)
    return str(r.json()["id"])


def put(c: httpx.Client, upload_id: str, data: bytes, begin: int, end: int) -> httpx.Response:
    """Sends bytes begin..end-1 of data."""
    return c.put(
        f"/api/v1/uploads/{upload_id}",
        content=data[begin:end],
        headers={"Content-Range": f"bytes {begin}-{end - 1}/{len(data)}"},
    )


def offset_of(c: httpx.Client, upload_id: str) -> int:
    r = c.get(f"/api/v1/uploads/{upload_id}")
    assert r.status_code == 200, r.text
    return int(r.json()["offset"])


def send_all(c: httpx.Client, upload_id: str, data: bytes, chunk: int, begin: int = 0) -> httpx.Response:
    """Sends the rest from `begin` as a client does: on 409 it continues at the offset the server names
    (waiting a moment while a transfer that broke off is still being wound up)."""
    r: httpx.Response | None = None
    pos = begin
    deadline = time.monotonic() + 120  # a loaded machine winds a transfer up late
    while pos < len(data):
        r = put(c, upload_id, data, pos, min(pos + chunk, len(data)))
        if r.status_code == 409:
            assert time.monotonic() < deadline, r.text
            if "under way" in r.json()["error"]["message"]:
                time.sleep(0.05)
        else:
            assert r.status_code == 200, r.text
        pos = r.json()["offset"]
    assert r is not None
    return r


def cut_mid_body(
    server: LiveServer, token: str, upload_id: str, data: bytes, begin: int, end: int, sent: int
) -> None:
    """A PUT of begin..end-1 whose connection is closed after `sent` bytes of its body."""
    url = urlsplit(server.url)
    head = (
        f"PUT /api/v1/uploads/{upload_id} HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {end - begin}\r\n"
        f"Content-Range: bytes {begin}-{end - 1}/{len(data)}\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    with socket.create_connection((url.hostname, url.port)) as sock:
        sock.sendall(head + data[begin : begin + sent])
    # closed here: the server sees the connection end in the middle of the body


def wait_until(predicate: Any, what: str, limit: float = 120.0) -> None:
    """Polls `predicate` (returns as soon as it holds); the limit is for a loaded machine."""
    deadline = time.monotonic() + limit
    while not predicate():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.02)


@pytest.fixture(scope="module")
def tokens(world_server: tuple[LiveServer, World]) -> dict[str, str]:
    server, world = world_server
    with write_session(server.ctx.sessions) as s:
        s.add(
            User(
                username="clerk2",
                password_hash=hash_password(PASSWORD),
                role=Role.CLERK,
                body_id=world.ids["body"],
            )
        )
    return {r: server.token(r) for r in ("clerk", "clerk2", "member", "foreign_clerk", "admin")}


@pytest.fixture
def clerk(world_server: tuple[LiveServer, World], tokens: dict[str, str]) -> Iterator[httpx.Client]:
    server, _ = world_server
    with server.client(tokens["clerk"]) as c:
        yield c


def test_upload_in_ranges_then_a_file_uses_it(
    world_server: tuple[LiveServer, World], clerk: httpx.Client
) -> None:
    server, world = world_server
    data = pdf_bytes(300 * KiB)
    upload_id = start(clerk, data)
    assert clerk.get(f"/api/v1/uploads/{upload_id}").json() == {
        "offset": 0,
        "size": len(data),
        "complete": False,
    }
    first = put(clerk, upload_id, data, 0, 100 * KiB)
    assert first.status_code == 200 and first.json() == {"offset": 100 * KiB, "complete": False}
    last = send_all(clerk, upload_id, data, 128 * KiB, begin=100 * KiB)
    sha = hashlib.sha256(data).hexdigest()
    assert last.json() == {
        "offset": len(data),
        "complete": True,
        "sha256": sha,
        "size": len(data),
        "mime_type": "application/pdf",
    }
    assert clerk.get(f"/api/v1/uploads/{upload_id}").json() == {
        "offset": len(data),
        "size": len(data),
        "complete": True,
        "sha256": sha,
        "mime_type": "application/pdf",
    }
    assert server.ctx.blobs.path(sha).read_bytes() == data
    # the last range again (its answer was lost): the same answer
    again = put(clerk, upload_id, data, 256 * KiB, len(data))
    assert again.status_code == 200 and again.json()["sha256"] == sha
    r = clerk.post(
        "/api/v1/files",
        json={
            "name": "Nachtrag",
            "file_name": "Nachtrag 1.pdf",
            "sha256": sha,
            "role": "late",
            "meeting_id": world.ids["published_meeting"],
        },
    )
    assert r.status_code == 201, r.text
    assert r.json()["size"] == len(data)


def test_resume_after_the_connection_broke_off_mid_body(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], clerk: httpx.Client
) -> None:
    server, _ = world_server
    data = pdf_bytes(2048 * KiB, seed=2)
    upload_id = start(clerk, data)
    assert put(clerk, upload_id, data, 0, 512 * KiB).json()["offset"] == 512 * KiB
    sent = 700 * KiB
    cut_mid_body(server, tokens["clerk"], upload_id, data, 512 * KiB, 1536 * KiB, sent)
    # the server keeps what arrived (at most what was sent; the rest of the range never came): the client
    # asks where to go on and sends the rest from there
    staged = server.ctx.settings.upload_dir / upload_id / "data.part"
    wait_until(lambda: staged.stat().st_size > 512 * KiB, "the server to receive part of the cut range")
    offset = offset_of(clerk, upload_id)
    assert 512 * KiB <= offset <= 512 * KiB + sent
    print(f"cut after {sent} bytes of the range: the server kept {offset - 512 * KiB}")
    last = send_all(clerk, upload_id, data, 512 * KiB, begin=offset)
    assert offset_of(clerk, upload_id) == len(data)
    assert last.json()["complete"] is True
    assert last.json()["sha256"] == hashlib.sha256(data).hexdigest()
    assert server.ctx.blobs.path(last.json()["sha256"]).read_bytes() == data


def test_wrong_start_gives_409_with_the_offset(clerk: httpx.Client) -> None:
    data = pdf_bytes(64 * KiB, seed=3)
    upload_id = start(clerk, data)
    assert put(clerk, upload_id, data, 0, 10 * KiB).status_code == 200
    for begin in (0, 5 * KiB, 20 * KiB):
        r = put(clerk, upload_id, data, begin, begin + KiB)
        assert r.status_code == 409, r.text
        assert r.json()["offset"] == 10 * KiB
        assert r.json()["error"]["code"] == "conflict"
        assert "10240" in r.json()["error"]["message"]
    assert offset_of(clerk, upload_id) == 10 * KiB
    assert send_all(clerk, upload_id, data, 32 * KiB, begin=10 * KiB).json()["complete"] is True


@pytest.mark.parametrize(
    ("content_range", "body"),
    [
        ("", b"x"),
        ("bytes 0-9/99", b"0123456789"),
        ("bytes 5-2/64", b"x"),
        ("bytes 0-99/64", b"x" * 100),
        ("bytes 0-9/64", b"x"),
    ],
    ids=["missing", "other-size", "backwards", "beyond-the-end", "length-mismatch"],
)
def test_bad_content_range_is_refused(clerk: httpx.Client, content_range: str, body: bytes) -> None:
    data = pdf_bytes(64 * KiB, seed=4)
    upload_id = start(clerk, data)
    headers = {"Content-Range": content_range} if content_range else {}
    r = clerk.put(f"/api/v1/uploads/{upload_id}", content=body, headers=headers)
    assert r.status_code == 422, r.text
    assert offset_of(clerk, upload_id) == 0


def test_not_a_pdf_gives_415_and_is_discarded(
    world_server: tuple[LiveServer, World], clerk: httpx.Client
) -> None:
    server, _ = world_server
    data = b"MZ\x90\x00 this is no PDF at all " * 100
    upload_id = start(clerk, data)
    r = put(clerk, upload_id, data, 0, len(data))
    assert r.status_code == 415, r.text
    assert r.json()["error"]["code"] == "unsupported_media_type"
    assert clerk.get(f"/api/v1/uploads/{upload_id}").status_code == 404
    assert not (server.ctx.settings.upload_dir / upload_id).exists()
    assert not server.ctx.blobs.path(hashlib.sha256(data).hexdigest()).exists()
    refused = clerk.post(
        "/api/v1/uploads", json={"size": 10, "mime_type": "application/x-msdownload", "file_name": "a.exe"}
    )
    assert refused.status_code == 415


def test_sha256_mismatch_gives_422(world_server: tuple[LiveServer, World], clerk: httpx.Client) -> None:
    server, _ = world_server
    data = pdf_bytes(40 * KiB, seed=5)
    upload_id = start(clerk, data, sha="0" * 64)
    r = put(clerk, upload_id, data, 0, len(data))
    assert r.status_code == 422, r.text
    assert hashlib.sha256(data).hexdigest() in r.json()["error"]["message"]
    assert clerk.get(f"/api/v1/uploads/{upload_id}").status_code == 404
    assert not server.ctx.blobs.path(hashlib.sha256(data).hexdigest()).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"size": 0, "mime_type": "application/pdf", "file_name": "a.pdf"},
        {"size": 5, "mime_type": "application/pdf", "file_name": "../a.pdf"},
        {"size": 5, "mime_type": "application/pdf", "file_name": "a.pdf", "sha256": "XYZ"},
        {"size": 5},
    ],
    ids=["empty", "path", "bad-sha", "incomplete"],
)
def test_bad_announcement_is_refused(clerk: httpx.Client, body: dict[str, Any]) -> None:
    assert clerk.post("/api/v1/uploads", json=body).status_code == 422


def test_only_the_uploader_may_see_or_continue_it(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], clerk: httpx.Client
) -> None:
    server, _ = world_server
    data = pdf_bytes(20 * KiB, seed=6)
    upload_id = start(clerk, data)
    assert put(clerk, upload_id, data, 0, 5 * KiB).status_code == 200
    for role, status in (("clerk2", 404), ("foreign_clerk", 404), ("member", 403), ("admin", 403)):
        with server.client(tokens[role]) as c:
            assert c.get(f"/api/v1/uploads/{upload_id}").status_code == status, role
            assert put(c, upload_id, data, 5 * KiB, len(data)).status_code == status, role
    with server.client(tokens["member"]) as c:
        r = c.post("/api/v1/uploads", json={"size": 5, "mime_type": "application/pdf", "file_name": "a.pdf"})
        assert r.status_code == 403
    with server.client() as c:
        assert c.get(f"/api/v1/uploads/{upload_id}").status_code == 401
        assert (
            c.post(
                "/api/v1/uploads", json={"size": 5, "mime_type": "application/pdf", "file_name": "a.pdf"}
            ).status_code
            == 401
        )
    assert offset_of(clerk, upload_id) == 5 * KiB
    assert send_all(clerk, upload_id, data, 8 * KiB, begin=5 * KiB).json()["complete"] is True


def test_unknown_upload_gives_404(clerk: httpx.Client) -> None:
    for upload_id in ("nope", "A" * 32, "..%2F..%2Fetc"):
        assert clerk.get(f"/api/v1/uploads/{upload_id}").status_code == 404


@pytest.fixture
def server_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path}/server.sqlite3"
    return new_pg_database(request.getfixturevalue("pg_cluster"))


def test_a_restart_keeps_the_upload(tmp_path: Path, server_url: str) -> None:
    data = pdf_bytes(600 * KiB, seed=7)
    data_dir = tmp_path / "data"
    with live_server(data_dir, server_url) as server:
        build_world(server.ctx)
        token = server.token("clerk")
        with server.client(token) as c:
            upload_id = start(c, data)
            assert put(c, upload_id, data, 0, 256 * KiB).json()["offset"] == 256 * KiB
        cut_mid_body(server, token, upload_id, data, 256 * KiB, len(data), 100 * KiB)
    with live_server(data_dir, server_url) as server:  # the same data directory and database
        with server.client(token) as c:
            offset = offset_of(c, upload_id)
            assert 256 * KiB <= offset <= 356 * KiB
            last = send_all(c, upload_id, data, 200 * KiB, begin=offset)
        assert last.json()["sha256"] == hashlib.sha256(data).hexdigest()
        assert server.ctx.blobs.path(last.json()["sha256"]).read_bytes() == data


def test_expired_uploads_are_gone(tmp_path: Path, server_url: str) -> None:
    from datetime import timedelta

    with live_server(tmp_path / "data", server_url, upload_expiry=timedelta(seconds=0)) as server:
        build_world(server.ctx)
        with server.client(server.token("clerk")) as c:
            data = pdf_bytes(10 * KiB, seed=8)
            upload_id = start(c, data)
            assert c.get(f"/api/v1/uploads/{upload_id}").status_code == 404
            assert put(c, upload_id, data, 0, len(data)).status_code == 404
            assert not (server.ctx.settings.upload_dir / upload_id).exists()


def test_over_the_limit_gives_413(tmp_path: Path, server_url: str) -> None:
    with live_server(tmp_path / "data", server_url, max_upload_bytes=SMALL_LIMIT) as server:
        build_world(server.ctx)
        with server.client(server.token("clerk")) as c:
            r = c.post(
                "/api/v1/uploads",
                json={"size": SMALL_LIMIT + 1, "mime_type": "application/pdf", "file_name": "a.pdf"},
            )
            assert r.status_code == 413 and str(SMALL_LIMIT) in r.json()["error"]["message"]
            data = pdf_bytes(SMALL_LIMIT, seed=9)
            upload_id = start(c, data)
            # one range of the whole limit passes the body limit of the server
            assert put(c, upload_id, data, 0, len(data)).json()["complete"] is True


def test_upload_through_nginx(tmp_path: Path) -> None:
    """Behind the nginx configuration we generate: 4 MiB ranges pass, a wrong start still names the offset."""
    reason = nginx_missing_reason()
    if reason:
        pytest.skip(reason)
    db = f"sqlite:///{tmp_path / 's.sqlite3'}"
    with live_server(tmp_path, db, accel_redirect=DEFAULT_PREFIX) as server:
        build_world(server.ctx)
        upstream = nginx_upstream(server.url.removeprefix("http://"))
        (tmp_path / "www").mkdir()
        locations = nginx_locations(server.ctx.settings.blob_dir)
        with running_nginx(
            tmp_path / "www", tmp_path / "nginx", locations=locations, http_extra=upstream
        ) as url:
            data = pdf_bytes(9 * 1024 * KiB, seed=10)
            with httpx.Client(
                base_url=url,
                headers={"Authorization": f"Bearer {server.token('clerk')}"},
                trust_env=False,
                timeout=60,
            ) as c:
                upload_id = start(c, data)
                wrong = put(c, upload_id, data, 1024, 2048)
                assert wrong.status_code == 409 and wrong.json()["offset"] == 0
                last = send_all(c, upload_id, data, 4 * 1024 * KiB)
            assert last.json()["sha256"] == hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- a transfer still open; finishing cut off


def stalled_put(
    server: LiveServer, token: str, upload_id: str, data: bytes, begin: int, end: int, sent: int
) -> socket.socket:
    """A PUT of begin..end-1 that sends `sent` bytes of its body and then goes quiet with the connection
    open (as when the network drops without a reset). The caller closes the socket."""
    url = urlsplit(server.url)
    head = (
        f"PUT /api/v1/uploads/{upload_id} HTTP/1.1\r\nHost: {url.netloc}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {end - begin}\r\n"
        f"Content-Range: bytes {begin}-{end - 1}/{len(data)}\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    sock = socket.create_connection((url.hostname, url.port))
    sock.sendall(head + data[begin : begin + sent])
    return sock


class QuietLater:
    """A PUT of begin..end-1 that sends `sent` bytes of its body and then goes quiet, but only once the
    test calls `go_quiet()`: until then the last `reserve` of those bytes trickle in (16 bytes every 20 ms,
    over a minute), so that the transfer is live however long a loaded machine takes for what the test asks
    meanwhile (a transfer stalled from the start would be idle past the take-over time by then). The caller
    closes it."""

    def __init__(
        self, server: LiveServer, token: str, upload_id: str, data: bytes, begin: int, end: int, sent: int,
        reserve: int = 64 * KiB,
    ) -> None:  # fmt: skip
        self.sock = stalled_put(server, token, upload_id, data, begin, end, sent - reserve)
        self._data, self._pos, self._until = data, begin + sent - reserve, begin + sent
        self._quiet = threading.Event()
        self._thread = threading.Thread(target=self._trickle, name="trickling-put", daemon=True)
        self._thread.start()

    def _trickle(self) -> None:
        while self._pos < self._until:
            step = 16 if not self._quiet.wait(0.02) else self._until - self._pos
            self.sock.sendall(self._data[self._pos : self._pos + step])
            self._pos += step

    def go_quiet(self) -> None:
        """Sends the rest of the `sent` bytes at once; from then on the connection is quiet."""
        self._quiet.set()
        self._thread.join()
        assert self._pos == self._until  # every byte sent: the trickle did not fail

    def close(self) -> None:
        self._quiet.set()
        self._thread.join()
        self.sock.close()


def held(directory: Path) -> bool:
    """Whether a transfer holds the upload (its flock on `lock`, formerly on `data.part`; flock conflicts
    between open files of one process too)."""
    for name in ("lock", "data.part"):
        if not (directory / name).exists():
            continue
        with (directory / name).open("rb") as fh:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
    return False


def answer_of(sock: socket.socket) -> tuple[int, dict[str, Any]]:
    """The status and JSON body of the HTTP answer on `sock` (read until the body is complete)."""
    sock.settimeout(30)
    raw = b""
    while b"\r\n\r\n" not in raw:
        piece = sock.recv(65536)
        assert piece, raw
        raw += piece
    head, body = raw.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:])
    length = int({k.lower(): v for k, v in fields.items()}["content-length"])
    while len(body) < length:
        piece = sock.recv(65536)
        assert piece, body
        body += piece
    return int(lines[0].split()[1]), json.loads(body[:length])


class Counting:
    """The real ServerApi requester, counting the PUTs and the answers that said "busy"."""

    def __init__(self, api: ServerApi) -> None:
        self.api, self.puts, self.busy = api, 0, 0

    def __call__(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        self.puts += method == "PUT"
        status, answer = self.api._request(method, path, **kwargs)
        if status == 409 and answer.get("error", {}).get("code") == "upload_busy":
            self.busy += 1
        return status, answer


def signed_in_api(server: LiveServer) -> ServerApi:
    api = ServerApi(server.url, trust_env=False)
    api.login("clerk", PASSWORD, "uploader")
    return api


@pytest.mark.parametrize("way", ["taken-over", "timed-out"])
def test_a_transfer_still_open_is_waited_out_not_spun_on(tmp_path: Path, server_url: str, way: str) -> None:
    """A PUT whose connection went quiet holds the upload. A new PUT is answered "upload_busy" with
    Retry-After (not a plain 409 at the same offset); the client waits as asked and completes once the
    old transfer was taken over (it stopped, keeping what arrived) or, where it cannot be, timed out."""
    # the stalled transfer must still hold the upload when the test's own PUT comes: a loaded machine
    # may take a few seconds for that, so the idle timeout is not short
    window = 3.0 if way == "taken-over" else 6.0
    settings: dict[str, Any] = (
        {"upload_takeover_seconds": window} if way == "taken-over" else {"upload_takeover_seconds": 1e6}
    )
    if way == "timed-out":
        settings["upload_idle_seconds"] = window
    data = pdf_bytes(1024 * KiB, seed=11)
    with live_server(tmp_path / "data", server_url, **settings) as server:
        build_world(server.ctx)
        token = server.token("clerk")
        with server.client(token) as c:
            upload_id = start(c, data)
            assert put(c, upload_id, data, 0, 256 * KiB).json()["offset"] == 256 * KiB
            directory = server.ctx.settings.upload_dir / upload_id
            stalling = QuietLater(server, token, upload_id, data, 256 * KiB, 768 * KiB, 100 * KiB)
            sock = stalling.sock
            try:
                wait_until(lambda: held(directory), "the stalled transfer to hold the upload")
                busy = put(c, upload_id, data, 256 * KiB, 512 * KiB)
                assert busy.status_code == 409, busy.text
                assert busy.json()["error"]["code"] == "upload_busy"
                assert busy.json()["offset"] == 256 * KiB
                assert 1 <= int(busy.headers["Retry-After"]) <= window
                stalling.go_quiet()  # from now on it stalls: the window counts from here
                with signed_in_api(server) as api:
                    counting = Counting(api)
                    started = time.monotonic()
                    result = run_upload(
                        counting, io.BytesIO(data), len(data), "application/pdf", "a.pdf",
                        resume_id=upload_id, chunk_size=256 * KiB,
                        attempts=30,  # busy answers in a row: a loaded machine may take a while to let go
                    )  # fmt: skip
                    took = time.monotonic() - started
                # the old transfer ended and answered: it kept the 100 KiB it got
                status, old = answer_of(sock)
                assert status == 200 and old == {"offset": 356 * KiB, "complete": False}
            finally:
                stalling.close()
        print(f"{way}: {counting.puts} PUTs, {counting.busy} answered busy")
        # waited as asked (each busy answer asks for at least a second), not thousands of tries
        assert 1 <= counting.busy <= took + 1
        # then one PUT told the offset moved to 356 KiB (what the old transfer kept), and the rest from there
        assert counting.puts == counting.busy + 1 + 3
        assert result.sha256 == hashlib.sha256(data).hexdigest()
        assert server.ctx.blobs.path(result.sha256).read_bytes() == data


def test_a_range_the_server_ended_early_continues_from_its_offset(tmp_path: Path, server_url: str) -> None:
    """A PUT cut short by the server's idle timeout is answered 200 with a smaller offset than was sent:
    the client continues from there instead of failing."""
    data = pdf_bytes(768 * KiB, seed=12)
    # long, so that a stall of a loaded machine's event loop does not cut the client's own PUTs short; only
    # the PUT that goes quiet is read with a short one (a PUT reads the setting when it begins)
    with live_server(tmp_path / "data", server_url, upload_idle_seconds=120.0) as server:
        build_world(server.ctx)
        token = server.token("clerk")
        with signed_in_api(server) as api:
            real = Counting(api)
            cut: list[dict[str, Any]] = []

            def first_put_goes_quiet(method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
                if method != "PUT" or cut:
                    return real(method, path, **kwargs)
                begin, end = (int(x) for x in kwargs["headers"]["Content-Range"][6:].split("/")[0].split("-"))
                upload_id = path.rsplit("/", 1)[1]
                patient = server.ctx.settings
                server.ctx.settings = dataclasses.replace(patient, upload_idle_seconds=5.0)
                try:
                    sock = stalled_put(server, token, upload_id, data, begin, end + 1, 100 * KiB)
                    with sock:
                        status, answer = answer_of(sock)  # after the idle timeout
                finally:
                    server.ctx.settings = patient
                cut.append(answer)
                return status, answer

            result = run_upload(
                first_put_goes_quiet, io.BytesIO(data), len(data), "application/pdf", "a.pdf",
                chunk_size=256 * KiB,
            )  # fmt: skip
        assert cut == [{"offset": 100 * KiB, "complete": False}]
        assert real.puts == 3  # 100 KiB.., 356 KiB.., 612 KiB..end
        assert result.sha256 == hashlib.sha256(data).hexdigest()
        assert server.ctx.blobs.path(result.sha256).read_bytes() == data


@pytest.mark.parametrize("stopped", ["before-the-blob-store", "after-the-blob-store", "bytes-lost"])
def test_an_upload_the_server_stopped_finishing_is_finished(
    tmp_path: Path, server_url: str, stopped: str
) -> None:
    """The server stopped (crashed) after all bytes were durable but before it recorded the upload complete:
    resuming it finishes it (or, when the bytes were lost on the way to the blob store, sends them again)
    instead of failing on every resume."""
    data = pdf_bytes(300 * KiB, seed=13)
    sha = hashlib.sha256(data).hexdigest()
    with live_server(tmp_path / "data", server_url) as server:
        build_world(server.ctx)
        with server.client(server.token("clerk")) as c:
            upload_id = start(c, data)
        # the state on disk as the server left it (the server's own staging, as a restart reads it)
        staging = Staging(server.ctx.settings.upload_dir, 3600)
        upload = staging.load(upload_id)
        assert upload is not None
        part = server.ctx.settings.upload_dir / upload_id / "data.part"
        if stopped == "before-the-blob-store":
            part.write_bytes(data)
            upload = dataclasses.replace(upload, offset=len(data))
        elif stopped == "after-the-blob-store":
            server.ctx.blobs.put_bytes(data)
            part.unlink()
            upload = dataclasses.replace(upload, offset=len(data), sha256=sha)
        else:
            part.unlink()
            upload = dataclasses.replace(upload, offset=len(data), sha256=sha)
        staging.save(upload)
        with signed_in_api(server) as api:
            counting = Counting(api)
            result = run_upload(
                counting, io.BytesIO(data), len(data), "application/pdf", "a.pdf",
                resume_id=upload_id, chunk_size=128 * KiB,
            )  # fmt: skip
        assert result.upload_id == upload_id and result.sha256 == sha
        assert counting.puts == (3 if stopped == "bytes-lost" else 0)
        assert server.ctx.blobs.path(sha).read_bytes() == data
        with server.client(server.token("clerk")) as c:
            assert c.get(f"/api/v1/uploads/{upload_id}").json()["complete"] is True


def test_a_transfer_failing_in_several_ways_answers_the_first_and_logs_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The receiving task group may fail with more than one error, in nested groups (the reader's and the
    heartbeat's): the request answers the first, and the others are logged rather than dropped."""
    reader, heartbeat, deeper = OSError("disk full"), PermissionError("holder.json"), ValueError("x")
    nested = BaseExceptionGroup("outer", [BaseExceptionGroup("inner", [reader, heartbeat]), deeper])
    with caplog.at_level(logging.ERROR, logger="gremalda.server.uploads"):
        assert first_failure(nested) is reader
    logged = [r.exc_info[1] for r in caplog.records if r.exc_info]
    assert logged == [heartbeat, deeper]
