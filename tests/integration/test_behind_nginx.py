"""Deployment behind a real nginx: the backend checks who asks, nginx sends the bytes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import httpx
import pytest

from sync.server.deploy import DEFAULT_PREFIX, nginx_locations, nginx_upstream
from tests.harness.nginx import nginx_missing_reason, running_nginx
from tests.integration.live import LiveServer, live_server
from tests.integration.world import World, build_world


@pytest.fixture(scope="module")
def fronted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, LiveServer, World]]:
    reason = nginx_missing_reason()
    if reason:
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp("fronted")
    with live_server(tmp, f"sqlite:///{tmp / 's.sqlite3'}", accel_redirect=DEFAULT_PREFIX) as server:
        world = build_world(server.ctx)
        upstream = nginx_upstream(server.url.removeprefix("http://"))
        locations = nginx_locations(server.ctx.settings.blob_dir)
        (tmp / "www").mkdir()
        with running_nginx(tmp / "www", tmp / "nginx", locations=locations, http_extra=upstream) as url:
            yield url, server, world


def _client(url: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=url, headers=headers, trust_env=False, timeout=30)


def test_download_through_nginx(fronted: tuple[str, LiveServer, World]) -> None:
    url, server, world = fronted
    with _client(url, server.token("member")) as c:
        r = c.get(f"/api/v1/files/{world.ids['public_file']}/content")
        assert r.status_code == 200
        assert r.content == world.pdf
        assert r.headers["etag"] == f'"{hashlib.sha256(world.pdf).hexdigest()}"'
        assert r.headers["content-type"] == "application/pdf"
        assert "public_file.pdf" in r.headers["content-disposition"]
        assert r.headers["content-length"] == str(len(world.pdf))
        ranged = c.get(f"/api/v1/files/{world.ids['public_file']}/content", headers={"Range": "bytes=10-19"})
        assert ranged.status_code == 206 and ranged.content == world.pdf[10:20]
        # a resume guarded by our ETag is answered by the backend itself
        resumed = c.get(
            f"/api/v1/files/{world.ids['public_file']}/content",
            headers={"Range": "bytes=5-", "If-Range": r.headers["etag"]},
        )
        assert resumed.status_code == 206 and resumed.content == world.pdf[5:]
        cached = c.get(
            f"/api/v1/files/{world.ids['public_file']}/content", headers={"If-None-Match": r.headers["etag"]}
        )
        assert cached.status_code == 304


def test_nginx_does_not_serve_what_the_backend_refuses(fronted: tuple[str, LiveServer, World]) -> None:
    url, server, world = fronted
    digest = hashlib.sha256(world.pdf).hexdigest()
    with _client(url, server.token("other")) as c:
        assert c.get(f"/api/v1/files/{world.ids['private_file']}/content").status_code == 404
        # the blob location is internal: not reachable by its path, with or without a token
        assert c.get(f"{DEFAULT_PREFIX}{digest[:2]}/{digest}").status_code == 404
    with _client(url) as c:
        assert c.get(f"/api/v1/files/{world.ids['public_file']}/content").status_code == 401
        assert c.get(f"{DEFAULT_PREFIX}{digest[:2]}/{digest}").status_code == 404


def test_the_rest_of_the_api_passes_through(fronted: tuple[str, LiveServer, World]) -> None:
    url, server, world = fronted
    with _client(url, server.token("member")) as c:
        assert c.get("/api/v1/changes").status_code == 200
        assert c.get(f"/api/v1/meetings/{world.ids['published_meeting']}/agenda").status_code == 200
