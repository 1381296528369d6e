"""What the clerk service reads from and writes back into the replica.

Versions for If-Match come from the replica's ``object`` table. The server's answer to a write (the
object as it is now, with its new version) is put into the replica at once ("local echo"), exactly as the
change feed will bring it, so that the next write builds on the new version and views show the change
before the sync pass that is due after every write has run. The feed later brings the same state (or a
newer one) and simply overwrites it.
"""

from __future__ import annotations

import json
from typing import Any

from gremalda.core.account import stored_account
from gremalda.core.clerk.errors import NotClerk, NotInReplica
from gremalda.errors import NotSignedIn
from gremalda.store import objects
from gremalda.store.database import sqlite_errors
from gremalda.store.replica import Store

KIND_NAMES = {
    "meeting": "meeting",
    "agenda_item": "agenda item",
    "paper": "paper",
    "file": "document",
    "body": "body",
    "organization": "committee",
    "consultation": "consultation",
}


def account(store: Store) -> dict[str, Any]:
    """The signed-in account as sign-in stored it ({id, username, role, body_id, person_id}), with the
    device's tokens to write with."""
    data = stored_account(store)
    if data is None or store.state("tokens") is None:
        raise NotSignedIn()
    return data


def require_clerk(store: Store) -> dict[str, Any]:
    data = account(store)
    if data.get("role") != "clerk":
        raise NotClerk(detail=f"role={data.get('role')!r}")
    return data


def get(store: Store, kind: str, object_id: str | int) -> dict[str, Any]:
    """The object as the replica holds it; NotInReplica when it has none."""
    row = store.db.conn.execute(
        "SELECT data FROM object WHERE type = ? AND id = ?", (kind, str(object_id))
    ).fetchone()
    if row is None:
        what = KIND_NAMES.get(kind, kind)
        raise NotInReplica.because("not_in_replica", what=what, kind=kind, id=str(object_id))
    data = json.loads(row[0])
    if not isinstance(data, dict):
        raise NotInReplica(detail=f"{kind} {object_id}: not an object")
    return data


def version(store: Store, kind: str, object_id: str | int) -> int:
    data = get(store, kind, object_id)
    value = data.get("version")
    if not isinstance(value, int) or isinstance(value, bool):
        raise NotInReplica(detail=f"{kind} {object_id} has no version")
    return value


def children(store: Store, kind: str, field: str, parent_id: str | int) -> list[dict[str, Any]]:
    """Objects of ``kind`` whose ``field`` refers to ``parent_id``."""
    rows = store.db.conn.execute(
        "SELECT data FROM object WHERE type = ? AND json_extract(data, '$.' || ?) = ?",
        (kind, field, int(parent_id)),
    ).fetchall()
    return [d for (raw,) in rows if isinstance(d := json.loads(raw), dict)]


def agenda(store: Store, meeting_id: str | int) -> list[dict[str, Any]]:
    """The meeting's agenda items in their order (``order``, then id)."""
    items = children(store, "agenda_item", "meeting_id", meeting_id)

    def key(item: dict[str, Any]) -> tuple[int, int]:
        order = item.get("order")
        return (order if isinstance(order, int) else 0, int(item.get("id") or 0))

    return sorted(items, key=key)


def consultations(store: Store, item_id: str | int, paper_id: str | int) -> list[dict[str, Any]]:
    """The consultations of the paper on the agenda item the replica holds."""
    return [
        c
        for c in children(store, "consultation", "agenda_item_id", item_id)
        if str(c.get("paper_id")) == str(paper_id)
    ]


def remember(store: Store, data: dict[str, Any]) -> None:
    """Put the server's answer to a write into the replica, as the feed would."""
    kind, oid = data.get("type"), data.get("id")
    if not isinstance(kind, str) or not isinstance(oid, int):
        return
    with sqlite_errors(store.db.path), store.db.transaction() as conn:
        objects.put_object(conn, kind, str(oid), data)


def forget(store: Store, kind: str, object_id: str | int) -> None:
    """Drop a deleted object from the replica (a file's own row too; the files of a deleted agenda item
    stay until the feed removes them). Annotations on a deleted file keep its name and place, as when
    the feed removes it (also after the item it belonged to: see :func:`objects.remove_object`)."""
    with sqlite_errors(store.db.path), store.db.transaction() as conn:
        objects.remove_object(conn, kind, str(object_id))
