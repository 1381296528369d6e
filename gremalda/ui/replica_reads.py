"""What the main window reads from the replica: jobs that run on the window's worker threads
(:mod:`gremalda.ui.workers`) and return plain results to the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gremalda.core.library import Library
from gremalda.core.navigation import Navigation, build_navigation
from gremalda.core.oparl import meeting_source
from gremalda.core.readstate import Badge, ReadState
from gremalda.core.records import EFileTree, FileEntry, MeetingFolder, ReplicaStatus
from gremalda.store import oparl_replica
from gremalda.store.oparl_replica import OParlSourceUnknown, OParlStoreReplica
from gremalda.store.replica import Store
from gremalda.store.vault import VaultNotFound


@dataclass(frozen=True)
class Opened:
    data: bytes
    last_page: int | None
    entry: FileEntry


def read_document(store: Store, file_id: str) -> Opened:
    """On a worker: the decrypted bytes of the file's stored content, where the user left it, and mark
    it opened."""
    entry = Library(store.db.conn).file(file_id)
    if entry is None or not entry.stored or entry.vault_version is None:
        raise VaultNotFound()
    buffer = store.vault.read(entry.id, entry.vault_version)
    data = bytes(buffer)
    del buffer
    state = ReadState(store.db)
    last_page = state.last_page(entry.id)
    state.mark_opened(entry.id, entry.sha256)
    return Opened(data, last_page, entry)


def find_file(file_id: str) -> Callable[[Store], FileEntry | None]:
    def job(store: Store) -> FileEntry | None:
        return Library(store.db.conn).file(file_id)

    return job


@dataclass(frozen=True)
class OParlMeeting:
    """A meeting of an OParl source: where it comes from, and how many of its files are not stored."""

    source_name: str
    system_url: str
    files: str  # the source's policy: "none" or "all"
    missing: int


def oparl_names(store: Store) -> dict[str, str]:
    """Ids of the bodies and meetings that come from OParl sources -> the source's name."""
    names = {row.id: row.name or row.system_url for row in oparl_replica.sources(store)}
    if not names:
        return {}
    rows = store.db.conn.execute(
        "SELECT id, json_extract(data, '$.source_id') FROM object WHERE type IN ('body', 'meeting') "
        "AND json_extract(data, '$.source') = 'oparl'"
    ).fetchall()
    return {str(oid): names.get(int(sid), "") for oid, sid in rows if sid is not None}


NavigationLoaded = tuple[Navigation, ReplicaStatus, dict[str, str]]


def load_navigation(store: Store) -> NavigationLoaded:
    return build_navigation(store.db.conn), Library(store.db.conn).status(), oparl_names(store)


MeetingLoaded = tuple[MeetingFolder | None, dict[str, Badge], OParlMeeting | None]
EFileLoaded = tuple[EFileTree | None, dict[str, Badge]]


def oparl_meeting(store: Store, meeting_id: str) -> OParlMeeting | None:
    try:
        row = meeting_source(store, meeting_id)
    except OParlSourceUnknown:
        return None
    missing = len(OParlStoreReplica(store, row.id).file_tasks(meeting_id))
    return OParlMeeting(row.name or row.system_url, row.system_url, row.files, missing)


def load_meeting(meeting_id: str) -> Callable[[Store], MeetingLoaded]:
    def job(store: Store) -> MeetingLoaded:
        folder = Library(store.db.conn).meeting(meeting_id)
        if folder is None:
            return None, {}, None
        files = [*folder.meeting_files, *(f for item in folder.items for f in item.files)]
        return folder, ReadState(store.db).badges(files), oparl_meeting(store, meeting_id)

    return job


def load_efile(efile_id: str) -> Callable[[Store], EFileLoaded]:
    def job(store: Store) -> EFileLoaded:
        tree = Library(store.db.conn).efile(efile_id)
        if tree is None:
            return None, {}
        files = [d.files[0] for p in tree.processes for d in p.documents if d.files]
        return tree, ReadState(store.db).badges(files)

    return job
