"""Resumable uploads behind two server processes on loopback sharing one database and one staging
directory: a PUT to the second instance takes over a transfer the first one holds but that went quiet (it
stops, keeping what arrived), and never a transfer that is still receiving bytes."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from sync.client.api import ServerApi
from sync.client.uploads import run_upload
from sync.server.staging import Staging
from tests.conftest import new_pg_database
from tests.integration.live import live_server
from tests.integration.test_uploads import (
    Counting,
    KiB,
    QuietLater,
    answer_of,
    held,
    offset_of,
    pdf_bytes,
    put,
    stalled_put,
    start,
    wait_until,
)
from tests.integration.world import PASSWORD, build_world

ROOT = Path(__file__).resolve().parents[2]

SECOND = """
import json, sys
from pathlib import Path
from tests.integration.live import live_server
with live_server(Path(sys.argv[1]), sys.argv[2], **json.loads(sys.argv[3])) as server:
    print(server.url, flush=True)
    sys.stdin.read()  # runs until the test closes its stdin
"""


@pytest.fixture
def server_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path}/server.sqlite3"
    return new_pg_database(request.getfixturevalue("pg_cluster"))


@contextmanager
def second_instance(data_dir: Path, database_url: str, **settings: Any) -> Iterator[str]:
    """Another server process on the same database and data directory; yields its URL."""
    with subprocess.Popen(
        [sys.executable, "-c", SECOND, str(data_dir), database_url, json.dumps(settings)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stdin is not None
        try:
            url = process.stdout.readline().strip()
            assert url.startswith("http://127.0.0.1:"), "the second server did not start"
            yield url
        finally:
            process.stdin.close()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def signed_in(url: str) -> ServerApi:
    api = ServerApi(url, trust_env=False)
    api.login("clerk", PASSWORD, "uploader")
    return api


def test_a_stalled_transfer_on_one_instance_is_taken_over_from_the_other(
    tmp_path: Path, server_url: str
) -> None:
    """The first instance holds the upload for a PUT that went quiet. The second answers "upload_busy"
    until the transfer was idle for the take-over time, then asks it to stop through the staging directory:
    it stops keeping the 100 KiB it got, and the client finishes the upload through the second instance
    (not only after the first instance's idle timeout)."""
    settings: dict[str, Any] = {"upload_takeover_seconds": 2.0, "upload_idle_seconds": 30.0}
    data = pdf_bytes(1024 * KiB, seed=21)
    data_dir = tmp_path / "data"
    with live_server(data_dir, server_url, **settings) as one:
        build_world(one.ctx)
        token = one.token("clerk")
        with second_instance(data_dir, server_url, **settings) as two, one.client(token) as c1:
            upload_id = start(c1, data)
            assert put(c1, upload_id, data, 0, 256 * KiB).json()["offset"] == 256 * KiB
            directory = one.ctx.settings.upload_dir / upload_id
            stalling = QuietLater(one, token, upload_id, data, 256 * KiB, 768 * KiB, 100 * KiB)
            sock = stalling.sock
            try:
                wait_until(lambda: held(directory), "the stalled transfer to hold the upload")
                with httpx.Client(
                    base_url=two, headers={"Authorization": f"Bearer {token}"}, timeout=30
                ) as c2:
                    busy = put(c2, upload_id, data, 256 * KiB, 512 * KiB)
                assert busy.status_code == 409, busy.text
                assert busy.json()["error"]["code"] == "upload_busy"
                assert busy.json()["offset"] == 256 * KiB
                assert 1 <= int(busy.headers["Retry-After"]) <= 2
                stalling.go_quiet()  # from now on it stalls: the take-over time counts from here
                with signed_in(two) as api:
                    counting = Counting(api)
                    result = run_upload(
                        counting, io.BytesIO(data), len(data), "application/pdf", "a.pdf",
                        resume_id=upload_id, chunk_size=256 * KiB,
                        attempts=30,  # busy answers in a row: a loaded machine may take a while to let go
                    )  # fmt: skip
                status, old = answer_of(sock)  # the first instance's transfer ended, keeping what it got
                assert status == 200 and old == {"offset": 356 * KiB, "complete": False}
            finally:
                stalling.close()
        assert counting.busy >= 1  # waited as asked for the take-over (how often depends on the timing)
        assert counting.puts == counting.busy + 1 + 3  # then told the offset moved, and the rest from there
        assert result.sha256 == hashlib.sha256(data).hexdigest()
        assert one.ctx.blobs.path(result.sha256).read_bytes() == data


def test_a_live_transfer_on_one_instance_is_not_taken_over_from_the_other(
    tmp_path: Path, server_url: str
) -> None:
    """While the first instance's transfer keeps receiving bytes, PUTs to the second instance are answered
    "upload_busy" every time; the transfer gets all its bytes, and the upload is whole. (The take-over time
    is long, so that a stall of this test process's event loop on a busy machine does not make the live
    transfer look idle.)"""
    settings: dict[str, Any] = {"upload_takeover_seconds": 60.0}  # nothing waits for it
    data = pdf_bytes(768 * KiB, seed=22)
    data_dir = tmp_path / "data"
    with live_server(data_dir, server_url, **settings) as one:
        build_world(one.ctx)
        token = one.token("clerk")
        with second_instance(data_dir, server_url, **settings) as two, one.client(token) as c1:
            upload_id = start(c1, data)
            assert put(c1, upload_id, data, 0, 256 * KiB).json()["offset"] == 256 * KiB
            directory = one.ctx.settings.upload_dir / upload_id
            sock = stalled_put(one, token, upload_id, data, 256 * KiB, 512 * KiB, 1 * KiB)
            asked = threading.Event()

            def keep_sending() -> None:  # a little at a time until the other instance was asked enough
                pos = 257 * KiB
                while pos < 512 * KiB:  # 64 bytes every 20 ms: enough for more than a minute of asking
                    step = 64 if not asked.wait(0.02) else 512 * KiB - pos
                    sock.sendall(data[pos : pos + step])
                    pos += step

            sender = threading.Thread(target=keep_sending, name="live-transfer")
            sender.start()
            answers = []
            try:
                wait_until(lambda: held(directory), "the live transfer to hold the upload")
                with httpx.Client(
                    base_url=two, headers={"Authorization": f"Bearer {token}"}, timeout=30
                ) as c2:
                    for _ in range(5):
                        answers.append(put(c2, upload_id, data, 256 * KiB, 512 * KiB))
                        asked.wait(0.3)
                asked.set()
                sender.join()
                status, answer = answer_of(sock)
            finally:
                asked.set()
                sender.join()
                sock.close()
            assert [(a.status_code, a.json()["error"]["code"]) for a in answers] == [(409, "upload_busy")] * 5
            assert status == 200 and answer == {"offset": 512 * KiB, "complete": False}
            assert offset_of(c1, upload_id) == 512 * KiB
            last = put(c1, upload_id, data, 512 * KiB, len(data))
            assert last.status_code == 200 and last.json()["complete"], last.text
        assert last.json()["sha256"] == hashlib.sha256(data).hexdigest()
        assert one.ctx.blobs.path(last.json()["sha256"]).read_bytes() == data


def test_a_transfer_finishing_on_one_instance_gets_busy_at_once_from_the_other(
    tmp_path: Path, server_url: str
) -> None:
    """A transfer of another process that stopped receiving long ago and is finishing (making its bytes
    durable, hashing and storing a large file) sends no heartbeat, yet it is not stalled: the second
    instance answers "upload_busy" with Retry-After 1 at once -- it does not ask it to stop (no `takeover`
    file) and wait for it. The holder here is the staging directory's own transfer, as a server process
    holds it (its bytes last arrived a minute ago)."""
    settings: dict[str, Any] = {"upload_takeover_seconds": 0.5, "upload_idle_seconds": 30.0}
    data = pdf_bytes(512 * KiB, seed=23)
    data_dir = tmp_path / "data"
    with live_server(data_dir, server_url, **settings) as one:
        build_world(one.ctx)
        token = one.token("clerk")
        with second_instance(data_dir, server_url, **settings) as two, one.client(token) as c1:
            upload_id = start(c1, data)
            assert put(c1, upload_id, data, 0, 256 * KiB).json()["offset"] == 256 * KiB
            staging = Staging(one.ctx.settings.upload_dir, 3600.0)  # as another server process has it
            upload = staging.load(upload_id)
            assert upload is not None
            holder = staging.open_transfer(upload)
            try:
                holder.heard -= 60.0  # its bytes last arrived a minute ago: it looks stalled ...
                holder.beat()
                holder.finishing()  # ... but it receives no more and is finishing
                with httpx.Client(
                    base_url=two, headers={"Authorization": f"Bearer {token}"}, timeout=30
                ) as c2:
                    busy = put(c2, upload_id, data, 256 * KiB, len(data))
                assert busy.status_code == 409, busy.text
                assert busy.json()["error"]["code"] == "upload_busy"
                assert busy.headers["Retry-After"] == "1"
                assert not (staging.root / upload_id / "takeover").exists()  # not asked to stop
            finally:
                holder.close()
            assert not (staging.root / upload_id / "holder.json").exists()
            last = put(c1, upload_id, data, 256 * KiB, len(data))
            assert last.status_code == 200 and last.json()["complete"], last.text
        assert last.json()["sha256"] == hashlib.sha256(data).hexdigest()
