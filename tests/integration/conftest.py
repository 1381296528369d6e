"""Integration fixtures: a live server with the test world, per database backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gremalda.core.account import sign_out
from gremalda.paths import data_paths
from gremalda.store.replica import Store, open_store
from tests.conftest import new_pg_database
from tests.integration.annotdevices import Devices, RestartableServer, devices, restartable_world
from tests.integration.live import LiveServer, live_server
from tests.integration.world import World, build_world


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _url(request: pytest.FixtureRequest, backend: str, tmp: object) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp}/server.sqlite3"
    return new_pg_database(request.getfixturevalue("pg_cluster"))


@pytest.fixture(scope="module")
def world_server(
    request: pytest.FixtureRequest, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, World]]:
    """A server shared by a module's read-only tests."""
    tmp = tmp_path_factory.mktemp("server")
    with live_server(tmp, _url(request, backend, tmp)) as server:
        yield server, build_world(server.ctx)


@pytest.fixture
def fresh_server(
    request: pytest.FixtureRequest, backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, World]]:
    """A server of its own for a test that changes things."""
    tmp = tmp_path_factory.mktemp("server")
    with live_server(tmp, _url(request, backend, tmp)) as server:
        yield server, build_world(server.ctx)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[RestartableServer, World]]:
    """The test world on a server of its own that can be stopped and started again (SQLite)."""
    with restartable_world(tmp_path / "server") as served:
        yield served


@pytest.fixture
def world_each_backend(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path
) -> Iterator[tuple[RestartableServer, World]]:
    """`world` on SQLite, and on PostgreSQL where the harness can start one."""
    url = None if backend == "sqlite" else new_pg_database(request.getfixturevalue("pg_cluster"))
    with restartable_world(tmp_path / "server", url) as served:
        yield served


@pytest.fixture
def group(tmp_path: Path, world: tuple[RestartableServer, World]) -> Iterator[Devices]:
    """Client devices signed in to `world`'s server (closed, their keys deleted, at the end)."""
    with devices(tmp_path, world[0]) as made:
        yield made


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty replica of its own (real SQLCipher, its key in the OS keyring: removed at the end)."""
    paths = data_paths(tmp_path / "client")
    try:
        with open_store(paths, create=True) as opened:
            yield opened
    finally:
        sign_out(paths)
