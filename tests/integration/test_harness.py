"""The test harness starts real PostgreSQL and nginx servers on loopback, and stops them again."""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy import create_engine, text

from tests.harness import nginx as nginx_harness
from tests.harness import postgres as pg_harness
from tests.harness.nginx import NginxServer, nginx_missing_reason, nginx_server, render_config, running_nginx
from tests.harness.ports import LOOPBACK, free_port, wait_for_port
from tests.harness.postgres import (
    PostgresServer,
    find_pg_bin,
    postgres_missing_reason,
    postgres_server,
    running_postgres,
)
from tests.integration.live import closed_port

PG_MISSING = postgres_missing_reason()
NGINX_MISSING = nginx_missing_reason()

needs_postgres = pytest.mark.skipif(PG_MISSING is not None, reason=PG_MISSING or "")
needs_nginx = pytest.mark.skipif(NGINX_MISSING is not None, reason=NGINX_MISSING or "")

URL_PATTERN = re.compile(r"postgresql\+psycopg://postgres@127\.0\.0\.1:(\d+)/gremalda_test")


def _process_gone(pid: int) -> bool:
    """True when ``pid`` no longer exists (the harness reaped it: no zombie left either)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _port_closed(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((LOOPBACK, port)) != 0


# ------------------------------------------------------------------------------------------------ ports


def test_free_port_can_be_bound_on_loopback() -> None:
    port = free_port()
    assert 1024 < port < 65536
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, port))
        assert sock.getsockname() == (LOOPBACK, port)


def test_wait_for_port_returns_once_something_listens() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind((LOOPBACK, 0))
        listener.listen()
        port = listener.getsockname()[1]
        started = time.monotonic()
        wait_for_port(LOOPBACK, port, timeout=120.0)
        assert time.monotonic() - started < 60.0  # at once, not at its timeout (slack for a loaded machine)


def test_wait_for_port_times_out_on_a_closed_port() -> None:
    with closed_port() as port:
        started = time.monotonic()
        with pytest.raises(TimeoutError, match=str(port)):
            wait_for_port(LOOPBACK, port, timeout=0.3)
    assert time.monotonic() - started < 60.0  # it gives up (slack for a loaded machine)


def test_wait_for_port_gives_up_early_when_the_server_died() -> None:
    with pytest.raises(ConnectionError, match="exited"), closed_port() as port:
        wait_for_port(LOOPBACK, port, timeout=30.0, alive=lambda: False)


# --------------------------------------------------------------------------------------------- postgres


@pytest.mark.postgres
@needs_postgres
def test_postgres_round_trip_through_sqlalchemy(tmp_path: Path) -> None:
    with running_postgres(tmp_path / "pg") as url:
        match = URL_PATTERN.fullmatch(url)
        assert match is not None, url
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                assert conn.execute(text("select 1")).scalar_one() == 1
                conn.execute(text("create table meeting (id serial primary key, title text not null)"))
                conn.execute(
                    text("insert into meeting (title) values (:title)"),
                    [{"title": "Stadtrat"}, {"title": "Bauausschuss – Sitzung"}],
                )
            with engine.connect() as conn:
                rows = conn.execute(text("select id, title from meeting order by id")).all()
                assert [tuple(row) for row in rows] == [(1, "Stadtrat"), (2, "Bauausschuss – Sitzung")]
                # Talking TCP to loopback, to the database the harness created.
                assert conn.execute(text("select host(inet_server_addr())")).scalar_one() == LOOPBACK
                assert conn.execute(text("select inet_server_port()")).scalar_one() == int(match.group(1))
                assert conn.execute(text("select current_database()")).scalar_one() == "gremalda_test"
        finally:
            engine.dispose()
    assert _port_closed(int(match.group(1)))


@pytest.mark.postgres
@needs_postgres
def test_postgres_settings_and_cleanup(tmp_path: Path) -> None:
    base_dir = tmp_path / "pg"
    with postgres_server(base_dir, dbname="bench_db") as server:
        assert server.url == f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/bench_db"
        assert server.data_dir.is_dir()
        with psycopg.connect(host=server.host, port=server.port, user=server.user, dbname="bench_db") as conn:
            settings: dict[str, str] = dict(
                conn.execute(
                    "select name, setting from pg_settings where name = any(%s)",
                    (["listen_addresses", "unix_socket_directories", "fsync", "synchronous_commit"],),
                ).fetchall()
            )
        assert settings == {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": "",
            "fsync": "off",
            "synchronous_commit": "off",
        }
        pid, port, data_dir = server.pid, server.port, server.data_dir
    # Stopped, reaped, data deleted; the server log stays in base_dir for post-mortems.
    assert _process_gone(pid)
    assert _port_closed(port)
    assert not data_dir.exists()
    log = server.log_path.read_text()
    assert server.log_path.parent == base_dir.resolve()
    assert "received fast shutdown request" in log
    assert "database system is shut down" in log


@pytest.mark.postgres
@needs_postgres
def test_postgres_is_stopped_when_the_body_raises(tmp_path: Path) -> None:
    seen: list[PostgresServer] = []
    with pytest.raises(RuntimeError, match="boom"), postgres_server(tmp_path / "pg") as server:
        seen.append(server)
        raise RuntimeError("boom")
    (server,) = seen
    assert _process_gone(server.pid)
    assert not server.data_dir.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(host=server.host, port=server.port, user=server.user, connect_timeout=2).close()


@pytest.mark.postgres
@needs_postgres
def test_postgres_retries_when_its_port_was_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind((LOOPBACK, 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        handed_out = iter([taken])
        monkeypatch.setattr(pg_harness, "free_port", lambda: next(handed_out, None) or free_port())
        with postgres_server(tmp_path / "pg") as server:
            assert server.port != taken
            with psycopg.connect(host=server.host, port=server.port, user=server.user) as conn:
                assert conn.execute("select current_setting('data_directory')").fetchone() == (
                    str(server.data_dir),
                )
        assert "could not bind" in server.log_path.read_text()


@needs_postgres
def test_find_pg_bin_points_at_the_server_programs() -> None:
    bin_dir = find_pg_bin()
    assert bin_dir is not None
    for program in ("initdb", "pg_ctl", "postgres"):
        assert os.access(bin_dir / program, os.X_OK), program


# ------------------------------------------------------------------------------------------------ nginx


PAYLOAD = bytes(range(256)) * 1024 + b"tail"  # 262148 bytes, every offset identifiable


@needs_nginx
def test_nginx_serves_files_with_ranges(tmp_path: Path) -> None:
    root = tmp_path / "www"
    (root / "docs").mkdir(parents=True)
    (root / "blob.bin").write_bytes(PAYLOAD)
    (root / "docs" / "agenda.pdf").write_bytes(b"%PDF-1.7\n% test\n")
    size = len(PAYLOAD)

    with running_nginx(root, tmp_path / "nginx") as url:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url), url
        port = int(url.rsplit(":", 1)[1])
        with httpx.Client(base_url=url, trust_env=False, timeout=30.0) as client:
            whole = client.get("/blob.bin")
            assert whole.status_code == 200
            assert whole.content == PAYLOAD
            assert whole.headers["content-length"] == str(size)
            assert whole.headers["accept-ranges"] == "bytes"

            part = client.get("/blob.bin", headers={"Range": "bytes=1000-1999"})
            assert part.status_code == 206
            assert part.headers["content-range"] == f"bytes 1000-1999/{size}"
            assert part.content == PAYLOAD[1000:2000]

            suffix = client.get("/blob.bin", headers={"Range": "bytes=-4"})
            assert suffix.status_code == 206
            assert suffix.content == b"tail"

            open_ended = client.get("/blob.bin", headers={"Range": f"bytes={size - 10}-"})
            assert open_ended.status_code == 206
            assert open_ended.content == PAYLOAD[-10:]

            assert client.get("/blob.bin", headers={"Range": f"bytes={size + 1}-"}).status_code == 416

            pdf = client.get("/docs/agenda.pdf")
            assert pdf.status_code == 200
            assert pdf.headers["content-type"] == "application/pdf"
            assert pdf.content.startswith(b"%PDF-1.7")

            assert client.get("/missing.pdf").status_code == 404
    assert _port_closed(port)


@needs_nginx
def test_nginx_layout_and_shutdown(tmp_path: Path) -> None:
    root = tmp_path / "www"
    root.mkdir()
    (root / "index.html").write_text("<h1>Gremalda</h1>")
    base_dir = tmp_path / "nginx"
    with nginx_server(root, base_dir) as server:
        assert server.url == f"http://127.0.0.1:{server.port}"
        with httpx.Client(trust_env=False, timeout=30.0) as client:
            assert client.get(f"{server.url}/index.html").text == "<h1>Gremalda</h1>"
        conf = server.conf_path.read_text()
        assert re.findall(r"^\s*listen\s+(\S+);", conf, re.MULTILINE) == [f"127.0.0.1:{server.port}"]
        assert server.conf_path.parent == base_dir.resolve()
        assert (base_dir / "nginx.pid").read_text().strip() == str(server.pid)
        pid, port = server.pid, server.port
    assert _process_gone(pid)
    assert _port_closed(port)
    assert not (base_dir / "nginx.pid").exists()
    assert 'GET /index.html HTTP/1.1" 200' in server.access_log.read_text()


@needs_nginx
def test_nginx_is_stopped_when_the_body_raises(tmp_path: Path) -> None:
    root = tmp_path / "www"
    root.mkdir()
    seen: list[NginxServer] = []
    with pytest.raises(RuntimeError, match="boom"), nginx_server(root, tmp_path / "nginx") as server:
        seen.append(server)
        raise RuntimeError("boom")
    (server,) = seen
    assert _process_gone(server.pid)
    with pytest.raises(httpx.ConnectError), httpx.Client(trust_env=False, timeout=2.0) as client:
        client.get(server.url)


@needs_nginx
def test_nginx_retries_when_its_port_was_taken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "www"
    root.mkdir()
    (root / "ping.txt").write_text("pong")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.bind((LOOPBACK, 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        handed_out = iter([taken])
        monkeypatch.setattr(nginx_harness, "free_port", lambda: next(handed_out, None) or free_port())
        with nginx_server(root, tmp_path / "nginx") as server, httpx.Client(trust_env=False) as client:
            assert server.port != taken
            assert client.get(f"{server.url}/ping.txt").text == "pong"
    assert "Address already in use" in server.error_log.read_text()


def test_nginx_config_runs_workers_as_root_only_when_root(tmp_path: Path) -> None:
    as_root = render_config(tmp_path, tmp_path, 8080, as_root=True)
    as_user = render_config(tmp_path, tmp_path, 8080, as_root=False)
    assert re.search(r"^user root root;$", as_root, re.MULTILINE)
    assert not re.search(r"^\s*user\s", as_user, re.MULTILINE)
    for conf in (as_root, as_user):
        assert "listen 127.0.0.1:8080;" in conf
        assert "daemon off;" in conf
        assert "sendfile on;" in conf
    with pytest.raises(ValueError, match=r"\$"):
        render_config(tmp_path / "$uri", tmp_path, 8080)
