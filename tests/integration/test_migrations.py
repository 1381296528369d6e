"""Migrations from an empty database, on SQLite and PostgreSQL: the result matches the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from sync.server.db import alembic_config, make_engine, migrate
from sync.server.models import Base
from tests.conftest import new_pg_database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'm.sqlite3'}"
    return new_pg_database(request.getfixturevalue("pg_cluster"))


def test_upgrade_from_empty_matches_models(empty_url: str) -> None:
    migrate(empty_url)
    engine = make_engine(empty_url)
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert diffs == [], f"the migrations and the models differ: {diffs}"
    assert set(Base.metadata.tables) <= tables


def test_downgrade_and_upgrade_again(empty_url: str) -> None:
    migrate(empty_url)
    command.downgrade(alembic_config(empty_url), "base")
    engine = make_engine(empty_url)
    try:
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    migrate(empty_url)
    migrate(empty_url)  # a second run is a no-op


def test_server_refuses_an_unreachable_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sync.server.cli import main

    code = main(
        [
            "--data-dir",
            str(tmp_path),
            "--database-url",
            "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
            "migrate",
        ]
    )
    assert code == 2
    assert "cannot open the database" in capsys.readouterr().err
