"""Ids are never given twice: clients key files, read state and annotations by the server's ids, so a
deleted object's id must not come back as another object (SQLite reused the highest one before 0004).

Against the real server over HTTP on SQLite and PostgreSQL, and the migration that rebuilt SQLite's tables
on a database written by the previous revision."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from sqlalchemy import Engine, MetaData, inspect, select
from sqlalchemy.exc import IntegrityError

from sync.server.api.write import delete_tree
from sync.server.blobstore import BlobStore
from sync.server.config import Settings
from sync.server.context import ServerContext
from sync.server.db import alembic_config, make_engine, make_sessionmaker, migrate, write_session
from sync.server.models import AgendaItem, Base, FeedObject, File, FileRole, Meeting
from tests.conftest import new_pg_database
from tests.integration.live import LiveServer
from tests.integration.world import World, build_world

PREVIOUS = "0003"  # the revision before the tables were rebuilt with AUTOINCREMENT
REBUILT = "0004"  # the rebuild: what these tests check (later revisions may add columns)


def _create(clerk: httpx.Client, plural: str, body: dict[str, Any]) -> int:
    r = clerk.post(f"/api/v1/{plural}", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _delete(clerk: httpx.Client, plural: str, obj_id: int) -> None:
    r = clerk.delete(f"/api/v1/{plural}/{obj_id}", headers={"If-Match": "*"})
    assert r.status_code == 204, r.text


def test_a_deleted_objects_id_is_never_given_again(fresh_server: tuple[LiveServer, World]) -> None:
    server, world = fresh_server
    clerk = server.client(server.token("clerk"))
    r = clerk.post("/api/v1/blobs", content=world.pdf, headers={"Content-Type": "application/pdf"})
    assert r.status_code == 201, r.text
    sha = str(r.json()["sha256"])
    start = (datetime.now(UTC) + timedelta(days=9)).isoformat()
    bodies: dict[str, Any] = {
        "files": lambda n: {
            "name": n,
            "file_name": f"{n}.pdf",
            "sha256": sha,
            "paper_id": world.ids["public_paper"],
        },
        "meetings": lambda n: {"organization_id": world.ids["committee_a"], "name": n, "start": start},
        "agenda-items": lambda n: {"meeting_id": world.ids["draft_meeting"], "name": n},
        "papers": lambda n: {"name": n},
    }
    for plural, body in bodies.items():
        wrong = _create(clerk, plural, body("falsch"))  # the newest: the highest id of its table
        _delete(clerk, plural, wrong)
        right = _create(clerk, plural, body("richtig"))
        assert right > wrong, f"{plural}: the deleted id {wrong} came back as {right}"
        _delete(clerk, plural, right)
        again = _create(clerk, plural, body("nochmal"))
        assert again > right, f"{plural}: the deleted id {right} came back as {again}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.sqlite3'}"
    return new_pg_database(request.getfixturevalue("pg_cluster"))


def _context(url: str, tmp_path: Path) -> ServerContext:
    settings = Settings(data_dir=tmp_path, database_url=url, secret=b"s" * 32)
    engine = make_engine(url)
    return ServerContext(settings, engine, make_sessionmaker(engine), BlobStore(settings.blob_dir))


def _rows(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of the models, in primary key order, with the columns the database has at
    its revision (read from the database: a later revision's column is not asked of an older one)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        tables = MetaData()
        tables.reflect(conn, only=[t.name for t in Base.metadata.sorted_tables])
        for model in Base.metadata.sorted_tables:
            table = tables.tables[model.name]
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key))]
    return out


def _schema(engine: Engine) -> dict[str, Any]:
    """What a rebuild must keep: columns, indexes, unique constraints and foreign keys of each table."""
    with engine.connect() as conn:
        insp = inspect(conn)
        return {
            t: (
                [(c["name"], str(c["type"]), c["nullable"], c["default"]) for c in insp.get_columns(t)],
                insp.get_pk_constraint(t)["constrained_columns"],
                sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(t)),
                sorted((u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(t)),
                sorted(
                    (f["name"], tuple(f["constrained_columns"]), f["referred_table"], str(f["options"]))
                    for f in insp.get_foreign_keys(t)
                ),
            )
            for t in sorted(Base.metadata.tables)
        }


def _new_file(ctx: ServerContext, world: World, name: str) -> int:
    with write_session(ctx.sessions) as s:
        row = File(
            body_id=world.ids["body"],
            paper_id=world.ids["public_paper"],
            name=name,
            file_name=f"{name}.pdf",
            mime_type="application/pdf",
            size=len(world.pdf),
            sha256=ctx.blobs.put_bytes(world.pdf).sha256,
            role=FileRole.AUXILIARY,
        )
        s.add(row)
        s.flush()
        return int(row.id)


def _new_meeting(ctx: ServerContext, world: World, name: str) -> tuple[int, int]:
    """A meeting with one agenda item: (meeting id, item id)."""
    with write_session(ctx.sessions) as s:
        meeting = Meeting(
            body_id=world.ids["body"],
            organization_id=world.ids["committee_a"],
            name=name,
            start=datetime.now(UTC) + timedelta(days=20),
        )
        s.add(meeting)
        s.flush()
        item = AgendaItem(meeting_id=meeting.id, number="1", order=1, name=f"Punkt von {name}")
        s.add(item)
        s.flush()
        return int(meeting.id), int(item.id)


def _delete_rows(ctx: ServerContext, model: type[Any], obj_id: int) -> None:
    with write_session(ctx.sessions) as s:
        delete_tree(s, s.get(model, obj_id))


def test_upgrade_keeps_every_row_and_then_never_reuses_an_id(url: str, tmp_path: Path) -> None:
    command.upgrade(alembic_config(url), PREVIOUS)
    ctx = _context(url, tmp_path)
    try:
        world = build_world(ctx)
        # written by the previous revision: the newest file and meeting (with its item) deleted, so that
        # their ids are above every row left and known only to the change feed (and to clients)
        gone_file = _new_file(ctx, world, "falsch")
        gone_meeting, gone_item = _new_meeting(ctx, world, "falsch")
        _delete_rows(ctx, File, gone_file)
        _delete_rows(ctx, Meeting, gone_meeting)
        with ctx.sessions() as s:
            assert s.get(AgendaItem, gone_item) is None
            feed = {
                (int(r.kind), int(r.obj_id)) for r in s.scalars(select(FeedObject).where(FeedObject.deleted))
            }
            assert {(12, gone_file), (5, gone_meeting), (6, gone_item)} <= feed
        rows, schema = _rows(ctx.engine), _schema(ctx.engine)
        assert rows["agenda_item"] and rows["file"] and rows["annotation"] == []

        command.upgrade(alembic_config(url), REBUILT)

        assert _rows(ctx.engine) == rows, "the upgrade changed or lost rows"
        assert _schema(ctx.engine) == schema, "the upgrade changed columns, indexes or constraints"
        if url.startswith("sqlite"):
            _assert_autoincrement(url)
        migrate(url)  # the newest revision, for the models' writes below
        file_id = _new_file(ctx, world, "richtig")
        meeting_id, item_id = _new_meeting(ctx, world, "richtig")
        assert file_id > gone_file and meeting_id > gone_meeting and item_id > gone_item
        # and from now on: delete the newest, add another
        _delete_rows(ctx, File, file_id)
        _delete_rows(ctx, Meeting, meeting_id)
        assert _new_file(ctx, world, "nochmal") > file_id
        again_meeting, again_item = _new_meeting(ctx, world, "nochmal")
        assert again_meeting > meeting_id and again_item > item_id
        with ctx.sessions() as s:
            assert s.get(AgendaItem, item_id) is None
            gone = s.scalars(select(FeedObject).where(FeedObject.deleted)).all()
            assert {(12, file_id), (5, meeting_id), (6, item_id)} <= {(r.kind, r.obj_id) for r in gone}
        with pytest.raises(IntegrityError), write_session(ctx.sessions) as s:  # foreign keys still enforced
            s.add(AgendaItem(meeting_id=meeting_id, name="an einer gelöschten Sitzung"))
    finally:
        ctx.engine.dispose()


def _assert_autoincrement(url: str) -> None:
    path = url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)
    try:
        ddl = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    wanted = {t.name for t in Base.metadata.tables.values() if t.dialect_kwargs.get("sqlite_autoincrement")}
    assert {name for name, sql in ddl.items() if "AUTOINCREMENT" in sql} == wanted


def test_models_and_migrations_agree_on_which_ids_are_never_reused(tmp_path: Path) -> None:
    wanted = {t.name for t in Base.metadata.tables.values() if t.dialect_kwargs.get("sqlite_autoincrement")}
    # every synced object (Versioned) and the accounts and devices whose ids clients hold
    assert wanted >= {"file", "meeting", "agenda_item", "paper", "annotation", "user_account", "device"}
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    migrate(url)
    _assert_autoincrement(url)


def test_downgrade_keeps_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'down.sqlite3'}"
    migrate(url)
    ctx = _context(url, tmp_path)
    try:
        world = build_world(ctx)
        gone = _new_file(ctx, world, "weg")
        _delete_rows(ctx, File, gone)
        command.downgrade(alembic_config(url), REBUILT)
        rows = _rows(ctx.engine)
        command.downgrade(alembic_config(url), PREVIOUS)
        assert _rows(ctx.engine) == rows
        command.upgrade(alembic_config(url), REBUILT)
        assert _rows(ctx.engine) == rows
        _assert_autoincrement(url)
        migrate(url)  # the newest revision, for the models' write below
        assert _new_file(ctx, world, "neu") > gone
    finally:
        ctx.engine.dispose()
