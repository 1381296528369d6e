"""How OParl objects land in the replica: the store side of :class:`sync.oparl.OParlReplicaPort`.

OParl objects go to the same ``object`` table as our server's, under our wire types (``meeting``,
``agenda_item``, ``file``, ...) with their OParl URLs as ids, so that the library, the navigation and the
search show them like any other meeting. Each record says where it comes from (``source: "oparl"``,
``source_id``, and ``oparl_owner``: the top-level object that brought it) and keeps the repaired OParl
object under ``oparl``.

Per source (a record in ``sync_state``, key ``oparl_source:<id>``: system URL, chosen body, file policy,
the importer's state, the last sync and the last full reconciliation), ``oparl_entity`` lists what each
top-level object brought: applying it again replaces that (an agenda item the server no longer embeds
is removed); removing it (tombstone, reconciliation, removing the source) removes what it brought —
unless another object brought it since.

Files: OParl has no checksums. A file's record says which content is wanted (its ``modified``, URLs and
announced size: :func:`sync.oparl.file_tag`) and, once bytes are stored, for which of those they were
fetched (``oparl_fetched``) with the size and sha256 measured on arrival. A ``file`` row (local content,
vault version) exists only once bytes are stored, so the sync engine of our own server never takes an
OParl file for one of its downloads. Content of removed or replaced files is destroyed by
:meth:`gremalda.store.replica.StoreReplica.collect_garbage` (``gc_pending``).

Each object costs a row write or two; with SQLCipher's memory security (every allocation locked and
wiped) a row write costs 50-200 µs (plain SQLite: about 5), so an object's own row is all it gets
(ownership is one row per top-level object, a file row only once bytes are stored), and the importer
hands over a few thousand records per transaction.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any

from gremalda.errors import GremaldaError
from gremalda.store.database import Connection, sqlite_errors
from gremalda.store.objects import remove_object
from gremalda.store.replica import Store, StoreReplica, put_state
from gremalda.store.vault import VaultWriter
from sync.oparl.mapping import Entity, Record, file_tag
from sync.oparl.port import Applied, FileTask

STORED_BATCH = 64
STORED_BATCH_SECONDS = 0.5
FILE_POLICIES = ("none", "all")


class OParlSourceUnknown(GremaldaError):
    title = "No such OParl source"
    default_message = "There is no such OParl source in this offline copy. See: gremalda oparl list."


class OParlSourceExists(GremaldaError):
    title = "OParl source already added"
    default_message = "This OParl system is already a source of this offline copy."


@dataclass(frozen=True, slots=True)
class SourceRow:
    """An OParl source as ``sync_state`` records it (key ``oparl_source:<id>``, the value as JSON)."""

    id: int
    system_url: str
    body_url: str | None
    files: str
    ca_bundle: str | None
    name: str
    added: str
    last_sync: str | None
    last_full: str | None
    state: dict[str, Any]

    @property
    def last_full_time(self) -> datetime | None:
        return _time(self.last_full)

    @property
    def last_sync_time(self) -> datetime | None:
        return _time(self.last_sync)

    def dump(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))


_KEY = "oparl_source:"


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _row(value: str) -> SourceRow:
    data = json.loads(value)
    return SourceRow(
        id=int(data["id"]),
        system_url=str(data["system_url"]),
        body_url=data.get("body_url"),
        files=str(data.get("files") or "none"),
        ca_bundle=data.get("ca_bundle"),
        name=str(data.get("name") or ""),
        added=str(data.get("added") or ""),
        last_sync=data.get("last_sync"),
        last_full=data.get("last_full"),
        state=dict(data.get("state") or {}),
    )


def _sources(conn: Connection) -> list[SourceRow]:
    rows = conn.execute(
        "SELECT value FROM sync_state WHERE key >= ? AND key < ?", (_KEY, _KEY[:-1] + ";")
    ).fetchall()
    return sorted((_row(str(r[0])) for r in rows), key=lambda row: row.id)


def _source(conn: Connection, source_id: int) -> SourceRow:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (f"{_KEY}{source_id}",)).fetchone()
    if row is None:
        raise OParlSourceUnknown(f"There is no OParl source {source_id} in this offline copy.")
    return _row(str(row[0]))


def _put_source(conn: Connection, row: SourceRow) -> None:
    put_state(conn, f"{_KEY}{row.id}", row.dump())


def sources(store: Store) -> list[SourceRow]:
    with sqlite_errors(store.db.path):
        return _sources(store.db.conn)


def source(store: Store, source_id: int) -> SourceRow:
    with sqlite_errors(store.db.path):
        return _source(store.db.conn, source_id)


def add_source(
    store: Store, system_url: str, *, body_url: str | None, files: str, ca_bundle: str | None
) -> SourceRow:
    if files not in FILE_POLICIES:
        raise ValueError(f"files must be one of {FILE_POLICIES}")
    with sqlite_errors(store.db.path), store.db.transaction() as conn:
        present = _sources(conn)
        if any(row.system_url == system_url for row in present):
            raise OParlSourceExists(f"{system_url} is already a source of this offline copy.")
        row = SourceRow(
            id=max((row.id for row in present), default=0) + 1,
            system_url=system_url,
            body_url=body_url,
            files=files,
            ca_bundle=ca_bundle,
            name="",
            added=datetime.now(UTC).isoformat(timespec="seconds"),
            last_sync=None,
            last_full=None,
            state={},
        )
        _put_source(conn, row)
    return row


def update_source(store: Store, source_id: int, **values: Any) -> SourceRow:
    """Change a source's ``name``, ``files``, ``body_url`` or ``ca_bundle``."""
    allowed = {"name", "files", "body_url", "ca_bundle"}
    if not values or set(values) - allowed:
        raise ValueError(f"only {sorted(allowed)} can be changed")
    with sqlite_errors(store.db.path), store.db.transaction() as conn:
        row = replace(_source(conn, source_id), **values)
        _put_source(conn, row)
    return row


def counts(store: Store, source_id: int) -> dict[str, int]:
    """Objects of the source by wire type."""
    with sqlite_errors(store.db.path):
        rows = store.db.conn.execute(
            "SELECT type, count(*) FROM object WHERE json_extract(data, '$.source') = 'oparl' "
            "AND json_extract(data, '$.source_id') = ? GROUP BY type",
            (source_id,),
        ).fetchall()
    return {str(kind): int(n) for kind, n in rows}


def delete_source(store: Store, source_id: int) -> Applied:
    """Remove a source with everything it brought; its stored files are destroyed."""
    source(store, source_id)
    replica = OParlStoreReplica(store, source_id)
    with sqlite_errors(store.db.path):
        owners = [
            str(r[0])
            for r in store.db.conn.execute(
                "SELECT id FROM oparl_entity WHERE source = ?", (source_id,)
            ).fetchall()
        ]
    applied = replica.remove(owners)
    with sqlite_errors(store.db.path), store.db.transaction() as conn:
        # anything of the source no entity names (there should be nothing)
        stray = conn.execute(
            "SELECT type, id FROM object WHERE json_extract(data, '$.source') = 'oparl' "
            "AND json_extract(data, '$.source_id') = ?",
            (source_id,),
        ).fetchall()
        for kind, oid in stray:
            replica._drop(conn, str(kind), str(oid), applied)
        conn.execute("DELETE FROM sync_state WHERE key = ?", (f"{_KEY}{source_id}",))
    StoreReplica(store).collect_garbage()
    return applied


class _HashingSink:
    """A vault writer that measures what it stores (OParl gives no checksum to check against)."""

    def __init__(self, writer: VaultWriter) -> None:
        self._writer = writer
        self._hash = hashlib.sha256()
        self._size = 0

    def write(self, data: bytes | memoryview) -> None:
        self._hash.update(data)
        self._size += len(data)
        self._writer.write(data)

    def commit(self) -> tuple[str, int]:
        self._writer.commit()
        return self._hash.hexdigest(), self._size

    def discard(self) -> None:
        self._writer.discard()


class OParlStoreReplica:
    """One OParl source's view of a :class:`Store` (see the module docstring). One thread, except
    :meth:`open_sink` and its sinks."""

    def __init__(self, store: Store, source_id: int) -> None:
        self.store = store
        self.source_id = source_id
        self._db = store.db
        self._stored: list[tuple[FileTask, str, int]] = []
        self._flushed = time.monotonic()
        self.stored_ids: list[str] = []

    # ------------------------------------------------------------------------------------- state

    def load_state(self) -> dict[str, Any]:
        return dict(source(self.store, self.source_id).state)

    def save_state(self, state: dict[str, Any], *, synced: str, full: bool) -> None:
        name = str((state.get("system") or {}).get("name") or "")
        bodies = [str(n) for n in (state.get("bodies") or {}).values() if n]
        with sqlite_errors(self._db.path), self._db.transaction() as conn:
            row = _source(conn, self.source_id)
            row = replace(
                row,
                state=state,
                last_sync=synced,
                name=", ".join(bodies) or name,
                last_full=synced if full else row.last_full,
            )
            _put_source(conn, row)

    # ----------------------------------------------------------------------------------- queries

    def known_modified(self, kind: str, ids: Sequence[str]) -> dict[str, str]:
        with sqlite_errors(self._db.path):
            rows = self._db.conn.execute(
                "SELECT id, modified FROM object WHERE type = ? AND id IN (SELECT value FROM json_each(?))",
                (kind, json.dumps(list(ids))),
            ).fetchall()
        return {str(i): str(m) for i, m in rows}

    def known(self, kind: str, ids: Iterable[str]) -> set[str]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return set()
        with sqlite_errors(self._db.path):
            rows = self._db.conn.execute(
                "SELECT id FROM object WHERE type = ? AND id IN (SELECT value FROM json_each(?))",
                (kind, json.dumps(wanted)),
            ).fetchall()
        return {str(r[0]) for r in rows}

    def roots(self, kinds: Collection[str]) -> set[str]:
        if not kinds:
            return set()
        with sqlite_errors(self._db.path):
            rows = self._db.conn.execute(
                "SELECT id FROM oparl_entity WHERE source = ? AND type IN (SELECT value FROM json_each(?))",
                (self.source_id, json.dumps(sorted(kinds))),
            ).fetchall()
        return {str(r[0]) for r in rows}

    def lost(self, sample: int = 64) -> int:
        """How many of (a sample of) this source's top-level objects the object table no longer holds:
        removed by something else (a full resync with our own server removes everything its feed does
        not name). A full pass brings them back. A sample suffices for that (it removes all of them) and
        costs a few milliseconds instead of a lookup per object."""
        with sqlite_errors(self._db.path):
            row = self._db.conn.execute(
                "SELECT count(*) FROM (SELECT type, id FROM oparl_entity WHERE source = ? LIMIT ?) AS e "
                "WHERE NOT EXISTS (SELECT 1 FROM object AS o WHERE o.type = e.type AND o.id = e.id)",
                (self.source_id, sample),
            ).fetchone()
        return int(row[0])

    # ----------------------------------------------------------------------------------- writing

    def apply(self, entities: Sequence[Entity]) -> Applied:
        applied = Applied()
        with sqlite_errors(self._db.path), self._db.transaction() as conn:
            for entity in entities:
                owned = self._children(conn, entity.owner)
                if entity.deleted:
                    for kind, oid in owned or ():
                        self._disown(conn, kind, oid, entity.owner, applied)
                    conn.execute(
                        "DELETE FROM oparl_entity WHERE source = ? AND id = ?",
                        (self.source_id, entity.owner),
                    )
                    continue
                children = list(dict.fromkeys([*((r.kind, r.id) for r in entity.records), *entity.keeps]))
                previous = owned or set()
                for kind, oid in previous - set(children):
                    self._disown(conn, kind, oid, entity.owner, applied)
                for record in entity.records:
                    self._put(conn, record, entity.owner, applied)
                conn.execute(
                    "INSERT INTO oparl_entity (source, id, type, children) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (source, id) DO UPDATE SET type = excluded.type, "
                    "children = excluded.children",
                    (self.source_id, entity.owner, entity.kind, json.dumps(children, separators=(",", ":"))),
                )
        return applied

    def apply_children(self, owner: str, records: Sequence[Record]) -> Applied:
        applied = Applied()
        with sqlite_errors(self._db.path), self._db.transaction() as conn:
            owned = self._children(conn, owner)
            previous = owned or set()
            for record in records:
                self._put(conn, record, owner, applied)
            added = [(r.kind, r.id) for r in records if (r.kind, r.id) not in previous]
            if owned is None:
                row = conn.execute("SELECT type FROM object WHERE id = ? LIMIT 1", (owner,)).fetchone()
                kind = str(row[0]) if row else ""
                conn.execute(
                    "INSERT INTO oparl_entity (source, id, type, children) VALUES (?, ?, ?, ?)",
                    (self.source_id, owner, kind, json.dumps(list(dict.fromkeys(added)))),
                )
            elif added:
                conn.execute(
                    "UPDATE oparl_entity SET children = ? WHERE source = ? AND id = ?",
                    (json.dumps(list(dict.fromkeys([*sorted(owned), *added]))), self.source_id, owner),
                )
        return applied

    def remove(self, owners: Collection[str]) -> Applied:
        applied = Applied()
        with sqlite_errors(self._db.path), self._db.transaction() as conn:
            for owner in owners:
                for kind, oid in self._children(conn, owner) or ():
                    self._disown(conn, kind, oid, owner, applied)
                conn.execute("DELETE FROM oparl_entity WHERE source = ? AND id = ?", (self.source_id, owner))
        return applied

    def _children(self, conn: Connection, owner: str) -> set[tuple[str, str]] | None:
        """What the entity brought (None: no such entity yet)."""
        row = conn.execute(
            "SELECT children FROM oparl_entity WHERE source = ? AND id = ?", (self.source_id, owner)
        ).fetchone()
        if row is None:
            return None
        return {(str(kind), str(oid)) for kind, oid in json.loads(row[0])}

    def _disown(self, conn: Connection, kind: str, oid: str, owner: str, applied: Applied) -> None:
        """``owner`` no longer brings the object: remove it, unless another object brought it since."""
        row = conn.execute(
            "SELECT json_extract(data, '$.oparl_owner') FROM object WHERE type = ? AND id = ?", (kind, oid)
        ).fetchone()
        if row is None or row[0] not in (owner, None):
            return
        self._drop(conn, kind, oid, applied)

    @staticmethod
    def _drop(conn: Connection, kind: str, oid: str, applied: Applied) -> None:
        """Remove the object as a feed removal does (the annotations of its files keep their label)."""
        if conn.execute("SELECT 1 FROM object WHERE type = ? AND id = ?", (kind, oid)).fetchone():
            applied.removed[kind] += 1
        applied.files_removed += remove_object(conn, kind, oid)

    def _put(self, conn: Connection, record: Record, owner: str, applied: Applied) -> None:
        data = {**record.data, "oparl_owner": owner}
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        inserted = conn.execute(
            "INSERT OR IGNORE INTO object (type, id, data, version, modified) VALUES (?, ?, ?, NULL, ?)",
            (record.kind, record.id, text, record.modified),
        ).rowcount
        if inserted:
            applied.added[record.kind] += 1
            return
        if record.kind == "file":
            data = self._stored_content(conn, record.id, data)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        changed = conn.execute(
            "UPDATE object SET data = ?, modified = ? WHERE type = ? AND id = ? AND data IS NOT ?",
            (text, record.modified, record.kind, record.id, text),
        ).rowcount
        if changed:
            applied.updated[record.kind] += 1

    @staticmethod
    def _stored_content(conn: Connection, file_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """A file record's data with what the replica knows of its stored content: which content
        (``oparl_fetched``, the tag it was fetched for) and, when that is still the wanted content, its
        measured size and sha256 (OParl's own size may be 0 or wrong)."""
        row = conn.execute(
            "SELECT f.state, f.size, f.sha256, json_extract(o.data, '$.oparl_fetched') FROM object AS o "
            "JOIN file AS f ON f.id = o.id WHERE o.type = 'file' AND o.id = ?",
            (file_id,),
        ).fetchone()
        if row is None or row[0] != "complete" or row[3] is None:
            return data
        data = {**data, "oparl_fetched": row[3]}
        if row[3] == file_tag(data) and row[1] is not None:
            data.update(size=int(row[1]), sha256=row[2])
        return data

    # ------------------------------------------------------------------------------------- files

    def file_tasks(self, meeting_id: str | None = None) -> list[FileTask]:
        sql = (
            "SELECT o.id, o.data, f.state, f.vault_version FROM object AS o "
            "LEFT JOIN file AS f ON f.id = o.id "
            "WHERE o.type = 'file' AND json_extract(o.data, '$.source') = 'oparl' "
            "AND json_extract(o.data, '$.source_id') = ?"
        )
        parameters: tuple[Any, ...] = (self.source_id,)
        if meeting_id is not None:
            sql += " AND o.id IN (SELECT value FROM json_each(?))"
            parameters += (json.dumps(sorted(self.meeting_files(meeting_id))),)
        with sqlite_errors(self._db.path):
            rows = self._db.conn.execute(sql + " ORDER BY o.id", parameters).fetchall()
        tasks = []
        for oid, raw, state, version in rows:
            data = json.loads(raw)
            download, access = data.get("download_url"), data.get("access_url")
            url = download or access
            if not isinstance(url, str):
                continue
            tag = file_tag(data)
            if state == "complete" and data.get("oparl_fetched") == tag:
                continue
            tasks.append(
                FileTask(
                    file_id=str(oid),
                    url=url,
                    fallback_url=access
                    if download and isinstance(access, str) and access != download
                    else None,
                    tag=tag,
                    version=int(version or 0) + 1,
                    name=str(data.get("file_name") or data.get("name") or ""),
                    mime_type=str(data.get("mime_type") or ""),
                )
            )
        return tasks

    def meeting_files(self, meeting_id: str) -> set[str]:
        """The ids of a meeting's files: its own, its agenda items', those of the papers consulted."""
        sql = """
            WITH items AS (
                SELECT id FROM object WHERE type = 'agenda_item' AND json_extract(data, '$.meeting_id') = ?1
            ), papers AS (
                SELECT json_extract(data, '$.paper_id') AS id FROM object WHERE type = 'consultation'
                AND json_extract(data, '$.agenda_item_id') IN (SELECT id FROM items)
            )
            SELECT id FROM object WHERE type = 'file' AND (
                json_extract(data, '$.meeting_id') = ?1
                OR json_extract(data, '$.agenda_item_id') IN (SELECT id FROM items)
                OR json_extract(data, '$.paper_id') IN (SELECT id FROM papers))
        """
        with sqlite_errors(self._db.path):
            return {str(r[0]) for r in self._db.conn.execute(sql, (meeting_id,)).fetchall()}

    def open_sink(self, task: FileTask) -> _HashingSink:
        return _HashingSink(self.store.vault.writer(task.file_id, task.version, durable=False))

    def file_stored(self, task: FileTask, sha256: str, size: int) -> None:
        self._stored.append((task, sha256, size))
        if len(self._stored) >= STORED_BATCH or time.monotonic() - self._flushed >= STORED_BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Record the stored files in one transaction, after one sync of the vault."""
        if not self._stored:
            return
        self.store.vault.sync()
        with sqlite_errors(self._db.path), self._db.transaction() as conn:
            for task, sha256, size in self._stored:
                present = conn.execute(
                    "SELECT 1 FROM object WHERE type = 'file' AND id = ?", (task.file_id,)
                ).fetchone()
                old = conn.execute("SELECT vault_version FROM file WHERE id = ?", (task.file_id,)).fetchone()
                if present is None:  # removed meanwhile: destroy it later
                    put_state(conn, "gc_pending", "1")
                    continue
                conn.execute(
                    "INSERT INTO file (id, sha256, size, state, received, vault_version) "
                    "VALUES (?, ?, ?, 'complete', ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET sha256 = excluded.sha256, "
                    "size = excluded.size, state = 'complete', received = excluded.received, "
                    "vault_version = excluded.vault_version, updated = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
                    (task.file_id, sha256, size, size, task.version),
                )
                conn.execute(
                    "UPDATE object SET "
                    "data = json_set(data, '$.size', ?, '$.sha256', ?, '$.oparl_fetched', ?) "
                    "WHERE type = 'file' AND id = ?",
                    (size, sha256, task.tag, task.file_id),
                )
                if old is not None and old[0] is not None and old[0] != task.version:
                    put_state(conn, "gc_pending", "1")  # the older content
        self.stored_ids += [task.file_id for task, _, _ in self._stored]
        self._stored.clear()
        self._flushed = time.monotonic()

    def file_failed(self, task: FileTask, error: str) -> None:
        """Nothing to record: the file stays wanted, the next pass tries again (the run reports it)."""

    def collect_garbage(self) -> int:
        """Destroy stored content no file refers to any more."""
        self.flush()
        return StoreReplica(self.store).collect_garbage()
