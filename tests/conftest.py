"""Shared fixtures: a real PostgreSQL cluster for the session (when installed)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from tests.harness.postgres import PostgresServer, postgres_missing_reason, postgres_server

_counter = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostgresServer]:
    reason = postgres_missing_reason()
    if reason:
        pytest.skip(reason)
    with postgres_server(tmp_path_factory.mktemp("pg")) as server:
        yield server


def new_pg_database(cluster: PostgresServer) -> str:
    """A fresh, empty database on the session's cluster; returns its SQLAlchemy URL."""
    import psycopg

    name = f"gremalda_{next(_counter)}"
    with psycopg.connect(
        host=cluster.host, port=cluster.port, user=cluster.user, dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    return f"postgresql+psycopg://{cluster.user}@{cluster.host}:{cluster.port}/{name}"
