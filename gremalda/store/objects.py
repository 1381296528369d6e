"""Objects as the server has them, put into and removed from the replica inside the caller's
transaction: by the sync feed (:class:`gremalda.store.replica.StoreReplica`), the clerk's local echo
(:mod:`gremalda.core.clerk.local`) and an OParl source's removals (:mod:`gremalda.store.oparl_replica`).

A ``file`` object also has a row in the ``file`` table that tracks its content (see
:mod:`gremalda.store.replica`). Before an object leaves, the annotations of the files it names or
places keep their document's label (:mod:`gremalda.core.annotations.labels`), so that they still name
it as orphans.
"""

from __future__ import annotations

import json
import re
from typing import Any

from gremalda.core.annotations.labels import remember_documents, remember_placed

_SHA256 = re.compile(r"[0-9a-f]{64}")
STALE = "stale:"  # sync_state key prefix: an unfinished download of content that changed


def put_state(conn: Any, key: str, value: str | None) -> None:
    """Set (or, with None, delete) a sync_state key inside the caller's transaction."""
    if value is None:
        conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
    else:
        conn.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def put_object(conn: Any, kind: str, oid: str, data: dict[str, Any]) -> bool:
    """Store an object as the server has it, inside the caller's transaction: from the feed, or the
    server's answer to a write made here (the clerk's local echo, :mod:`gremalda.core.clerk.local`).
    Never older over newer: a feed page read before a write but applied after its echo does not
    bring the old version back, nor does a late echo undo what the feed brought. A file's row (its
    content and download state) follows its object. False when a newer version was kept."""
    taken = conn.execute(
        "INSERT INTO object (type, id, data, version, modified) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (type, id) DO UPDATE SET data = excluded.data, "
        "version = excluded.version, modified = excluded.modified "
        "WHERE excluded.version IS NULL OR object.version IS NULL "
        "OR excluded.version >= object.version",
        (
            kind,
            oid,
            json.dumps(data, ensure_ascii=False, separators=(",", ":")),
            data.get("version") if isinstance(data.get("version"), int) else None,
            str(data.get("modified") or ""),
        ),
    )
    if taken.rowcount <= 0:
        return False
    if kind == "file":
        upsert_file(conn, oid, data)
    return True


def remove_object(conn: Any, kind: str, oid: str) -> int:
    """Remove an object the server (or an OParl source) deleted, inside the caller's transaction (a
    file's row too: its content is destroyed by the next garbage collection); the annotations of the
    files it names or places keep their label first. Returns the file rows removed."""
    if kind == "file":
        remember_documents(conn, [oid])
    else:
        remember_placed(conn, kind)
    conn.execute("DELETE FROM object WHERE type = ? AND id = ?", (kind, oid))
    return remove_file(conn, oid) if kind == "file" else 0


def upsert_file(conn: Any, oid: str, data: dict[str, Any]) -> None:
    """The ``file`` row of a file object that came or changed: new content is fetched again."""
    sha = data.get("sha256")
    size = data.get("size")
    sha = sha.lower() if isinstance(sha, str) and _SHA256.fullmatch(sha.lower()) else None
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        size = None
    row = conn.execute("SELECT sha256, vault_version FROM file WHERE id = ?", (oid,)).fetchone()
    if row is None:
        conn.execute("INSERT INTO file (id, sha256, size) VALUES (?, ?, ?)", (oid, sha, size))
    elif row[0] != sha:  # new content: fetch it; the old stays readable until then
        # bytes kept by an unfinished download of the old content must not be continued with the
        # new content's rest: noted here, destroyed right after this transaction (or, after a
        # crash, before the next downloads: see StoreReplica._drop_stale)
        put_state(conn, f"{STALE}{oid}", str((row[1] or 0) + 1))
        conn.execute(
            "UPDATE file SET sha256 = ?, size = ?, state = 'missing', received = 0, "
            "updated = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
            (sha, size, oid),
        )
        put_state(conn, "gc_pending", "1")  # an unfinished download of the old content


def remove_file(conn: Any, oid: str) -> int:
    """Remove a file's row (its content is destroyed by the next garbage collection); 1 if it had one."""
    removed = conn.execute("DELETE FROM file WHERE id = ?", (oid,)).rowcount
    put_state(conn, "gc_pending", "1")
    return int(removed > 0)
