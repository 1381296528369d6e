"""Database engine, sessions and migrations (SQLite by default, PostgreSQL by URL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
WRITE_OPTION = "gremalda_write"
WRITER_LOCK = 0x6772656D  # PostgreSQL advisory lock id of the writers ("grem")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # the driver's own transaction handling is replaced by explicit BEGIN below
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # writers take the lock at the start (IMMEDIATE) so that concurrent writers wait for each
            # other (busy_timeout) instead of failing when a read transaction tries to become a write
            immediate = conn.get_execution_options().get(WRITE_OPTION)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def make_sessionmaker(engine: Engine, *, time_zone: str = "") -> sessionmaker[Session]:
    """Sessions on `engine`; `time_zone` (the server's body time zone) is what a body's feed record says
    (`sync.server.serialize`: the client counts the notice period there); empty: the default zone."""
    # every session that can write our models must feed the change log: make sure its hooks are on
    from sync.server import publish  # noqa: F401
    from sync.server.serialize import TIME_ZONE_INFO

    info = {TIME_ZONE_INFO: time_zone} if time_zone else {}
    return sessionmaker(engine, expire_on_commit=False, info=info)


@contextmanager
def write_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session for one writing transaction, committed at the end; SQLite takes its write lock up
    front so that writers queue instead of failing."""
    bind = factory.kw["bind"]
    with factory(bind=bind.execution_options(**{WRITE_OPTION: True})) as session:
        if bind.dialect.name == "postgresql":
            # writers take turns, as on SQLite: audiences, If-Match checks and throttle counts are computed
            # from a state no other writer can change before this transaction commits
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITER_LOCK})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(url: str) -> None:
    """Bring the schema to the newest revision (from empty as well)."""
    command.upgrade(alembic_config(url), "head")
