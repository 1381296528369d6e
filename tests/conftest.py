"""Shared fixtures: a real PostgreSQL cluster for the session (when installed); Hypothesis settings."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.harness.postgres import PostgresServer, postgres_missing_reason, postgres_server

# Property-based tests check what is computed, never how fast: no deadline per example, and no health check
# that fails because generating examples was slow (a loaded CI machine is 20-30x slower at moments). A
# test's own @settings inherit this (one that lists suppressed health checks names too_slow again).
# The profile builds on the one Hypothesis chose at import: under CI (CI=true) its "ci" profile, which tries
# the same examples on every run (derandomize; no example database), so that a CI run never fails on an
# example no earlier run tried; elsewhere "default", random examples, failures kept and tried first again.
settings.register_profile(
    "gremalda", parent=settings(), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("gremalda")

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
