"""ids never reused on SQLite

Clients key what they hold (files, read state, annotations' file_id) by the server's ids, and the change
feed names objects by (kind, id). A plain INTEGER PRIMARY KEY on SQLite gives the id of a deleted row with
the highest id to the next insert, so a deleted file's id could come back as an unrelated file. This
rebuilds every table whose ids travel to clients with AUTOINCREMENT (data, indexes, constraints and
foreign keys kept) and starts each sequence above every id the table or the change feed has ever had.
PostgreSQL sequences never give an id twice: nothing to do there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 17:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# table -> the object's kind in the change feed (sync.protocol.kinds.Kind, fixed wire numbers), None when
# the table's objects are not in the feed (their ids still reach clients: accounts, devices)
TABLES: dict[str, int | None] = {
    "body": 1,
    "organization": 2,
    "person": 3,
    "membership": 4,
    "meeting": 5,
    "agenda_item": 6,
    "paper": 7,
    "consultation": 8,
    "efile": 9,
    "process": 10,
    "document": 11,
    "file": 12,
    "annotation": 13,
    "user_account": None,
    "device": None,
}


class RebuildBrokeForeignKeys(RuntimeError):
    pass


def upgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _rebuild(autoincrement=True)


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        _rebuild(autoincrement=False)


def _rebuild(*, autoincrement: bool) -> None:
    conn = op.get_bind()
    _foreign_keys_off(conn)
    broken_before = _violations(conn)
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
    if autoincrement:
        _start_sequences(conn)
    broken = _violations(conn) - broken_before
    if broken:
        raise RebuildBrokeForeignKeys(
            f"Rebuilding the tables left {len(broken)} rows pointing at rows that do not exist "
            f"(first: {sorted(broken)[0]}); nothing was changed."
        )


def _foreign_keys_off(conn: sa.Connection) -> None:
    """Dropping the old copy of a table with foreign keys enforced would first delete its rows, and
    ON DELETE CASCADE would delete the rows that refer to them (agenda items of a meeting, ...).
    PRAGMA foreign_keys does nothing inside a transaction: end this migration's transaction (nothing has
    been written in it), switch enforcement off for this connection (the migration's own, closed after
    the run) and begin again, so that the rebuild and the new revision number still commit together."""
    if not conn.exec_driver_sql("PRAGMA foreign_keys").scalar():
        return
    conn.exec_driver_sql("COMMIT")
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    conn.exec_driver_sql("BEGIN IMMEDIATE")
    if conn.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("SQLite kept enforcing foreign keys; the tables cannot be rebuilt safely.")


def _violations(conn: sa.Connection) -> set[tuple[str, str, str]]:
    """(table, rowid, referred table) of every row whose reference points at nothing."""
    return {(str(r[0]), str(r[1]), str(r[2])) for r in conn.exec_driver_sql("PRAGMA foreign_key_check")}


def _start_sequences(conn: sa.Connection) -> None:
    """Copying the rows set each sequence to the highest id left; an object deleted before the upgrade
    may have had a higher one that clients saw. The feed keeps every object's id (tombstones too)."""
    seen: dict[int, int] = {}
    for feed in ("feed_object", "change"):
        query = f'SELECT kind, MAX(obj_id) FROM "{feed}" GROUP BY kind'  # noqa: S608 (our table names)
        for kind, top in conn.exec_driver_sql(query):
            seen[int(kind)] = max(seen.get(int(kind), 0), int(top or 0))
    for table, kind in TABLES.items():
        top = int(conn.exec_driver_sql(f'SELECT MAX(id) FROM "{table}"').scalar() or 0)  # noqa: S608
        if kind is not None:
            top = max(top, seen.get(kind, 0))
        conn.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table})
        if top:
            conn.execute(
                sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :s)"), {"t": table, "s": top}
            )
