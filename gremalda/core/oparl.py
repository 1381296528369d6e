"""OParl sources of the offline copy: add, list, synchronise and remove them; a meeting's files on request.

An OParl source is the public, read-only OParl interface of a council information system (a System
URL, optionally one of its bodies). Its meetings, agenda items, papers, persons, organizations and files
come into the same encrypted replica as our server's data (see :mod:`gremalda.store.oparl_replica`);
nothing is ever sent back. ``gremalda sync`` synchronises our own server only; OParl sources are
synchronised by :func:`sync_sources` (``gremalda oparl sync``).

A sync pass is incremental (``modified_since`` with an overlap window) unless asked for in full, and in
full at the latest every :data:`sync.oparl.FULL_EVERY` (a full pass removes what the server no longer
lists), or when objects of the source went missing from the replica (a full resync with our own server
removes everything its change feed does not name, OParl objects included: the next OParl pass is then
a full one and brings them back). Files: with the policy ``all`` every file is fetched in the pass;
with ``none`` a meeting's files are fetched when asked for (:func:`fetch_meeting_files`). Fetched PDFs
are indexed for the search.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gremalda.core.indexing import IndexReport, index_pending
from gremalda.errors import GremaldaError, ReplicaMissing, SyncFailed
from gremalda.paths import DataPaths
from gremalda.pdf.extract import TextExtractor
from gremalda.store import oparl_replica
from gremalda.store.oparl_replica import OParlSourceUnknown, OParlStoreReplica, SourceRow
from gremalda.store.replica import Store, open_store
from sync.client import SyncClientError, check_server_url
from sync.engine import Cancelled, RetryPolicy
from sync.oparl import (
    DEFAULT_OVERLAP,
    FULL_EVERY,
    Applied,
    FilesReport,
    ImportProgress,
    ImportReport,
    OParlHttp,
    OParlImporter,
    RepairLog,
    fetch_files,
)

FILE_POLICIES = oparl_replica.FILE_POLICIES


@dataclass(frozen=True, slots=True)
class SourceInfo:
    id: int
    system_url: str
    body_url: str | None
    files: str  # "all" or "none"
    name: str
    last_sync: datetime | None
    last_full: datetime | None
    objects: dict[str, int]  # objects the source holds by wire type (empty in sync outcomes: not counted)


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    source: SourceInfo
    imported: ImportReport | None  # None: a files-only run
    files: FilesReport | None  # None: no files were fetched
    index: IndexReport | None
    destroyed: int  # stored files destroyed (removed or replaced content)
    error: str | None = None  # the pass of this source failed (the others went on)


def _info(store: Store, row: SourceRow, *, counted: bool = True) -> SourceInfo:
    """The source as the user sees it; ``counted``: with its objects counted (a scan of the replica)."""
    return SourceInfo(
        id=row.id,
        system_url=row.system_url,
        body_url=row.body_url,
        files=row.files,
        name=row.name,
        last_sync=row.last_sync_time,
        last_full=row.last_full_time,
        objects=oparl_replica.counts(store, row.id) if counted else {},
    )


def _url(url: str) -> str:
    try:
        return str(check_server_url(url.strip()))
    except SyncClientError as exc:
        raise GremaldaError(exc.message) from None


def add_source(
    paths: DataPaths,
    system_url: str,
    *,
    body_url: str | None = None,
    files: str = "none",
    ca_bundle: str | None = None,
) -> SourceInfo:
    """Register an OParl source (the replica is created if there is none yet). Nothing is fetched."""
    url = _url(system_url)
    body = _url(body_url) if body_url else None
    with open_store(paths, create=True) as store:
        row = oparl_replica.add_source(store, url, body_url=body, files=files, ca_bundle=ca_bundle)
        return _info(store, row)


def list_sources(paths: DataPaths) -> list[SourceInfo]:
    try:
        store = open_store(paths)
    except ReplicaMissing:
        return []
    with store:
        return [_info(store, row) for row in oparl_replica.sources(store)]


def find_source(store: Store, ref: str) -> SourceRow:
    """The source ``ref`` names: its number, its System URL or its name."""
    ref = ref.strip()
    rows = oparl_replica.sources(store)
    for row in rows:
        if ref == str(row.id) or ref.rstrip("/") == row.system_url.rstrip("/"):
            return row
    named = [row for row in rows if row.name.casefold() == ref.casefold()]
    if len(named) == 1:
        return named[0]
    raise OParlSourceUnknown(
        f"There is no OParl source “{ref}” in this offline copy. See: gremalda oparl list."
    )


def remove_source(paths: DataPaths, ref: str) -> tuple[SourceInfo, Applied]:
    """Remove a source and everything it brought (stored files are destroyed)."""
    with open_store(paths) as store:
        row = find_source(store, ref)
        info = _info(store, row)
        return info, oparl_replica.delete_source(store, row.id)


def set_files_policy(paths: DataPaths, ref: str, files: str) -> SourceInfo:
    if files not in FILE_POLICIES:
        raise ValueError(f"files must be one of {FILE_POLICIES}")
    with open_store(paths) as store:
        row = find_source(store, ref)
        oparl_replica.update_source(store, row.id, files=files)
        return _info(store, oparl_replica.source(store, row.id))


def sync_sources(
    paths: DataPaths,
    *,
    source: str | None = None,
    full: bool = False,
    files: str | None = None,
    index: bool = True,
    retry: RetryPolicy | None = None,
    overlap: timedelta = DEFAULT_OVERLAP,
    full_every: timedelta = FULL_EVERY,
    workers: int = 4,
    progress: Callable[[ImportProgress], None] | None = None,
    file_progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
    clock: Callable[[], datetime] | None = None,
) -> list[SourceOutcome]:
    """One pass of each source (or of ``source``). A source whose pass fails is reported with its error
    and the others go on; a stop request raises :class:`sync.engine.Cancelled`."""
    now = (clock or (lambda: datetime.now(UTC)))()
    outcomes = []
    with open_store(paths) as store:
        rows = [find_source(store, source)] if source is not None else oparl_replica.sources(store)
        for row in rows:
            last_full = row.last_full_time
            full_now = full or last_full is None or now - last_full >= full_every
            full_now = full_now or OParlStoreReplica(store, row.id).lost() > 0
            policy = files or row.files
            outcomes.append(
                _sync_one(
                    store,
                    row,
                    full_now,
                    policy,
                    retry,
                    overlap,
                    workers,
                    progress,
                    file_progress,
                    stop,
                    clock,
                )
            )
        indexed = _index(store) if index and any(o.files and o.files.downloaded for o in outcomes) else None
    if indexed is not None and outcomes:
        outcomes[-1] = SourceOutcome(
            outcomes[-1].source,
            outcomes[-1].imported,
            outcomes[-1].files,
            indexed,
            outcomes[-1].destroyed,
            outcomes[-1].error,
        )
    return outcomes


def _sync_one(
    store: Store,
    row: SourceRow,
    full: bool,
    policy: str,
    retry: RetryPolicy | None,
    overlap: timedelta,
    workers: int,
    progress: Callable[[ImportProgress], None] | None,
    file_progress: Callable[[int, int], None] | None,
    stop: threading.Event | None,
    clock: Callable[[], datetime] | None,
) -> SourceOutcome:
    replica = OParlStoreReplica(store, row.id)
    report: ImportReport | None = None
    fetched: FilesReport | None = None
    error = None
    try:
        with OParlHttp(
            row.system_url, log=RepairLog(), verify=row.ca_bundle or True, retry=retry, stop=stop
        ) as http:
            importer = OParlImporter(
                http,
                replica,
                source_id=row.id,
                body_url=row.body_url,
                overlap=overlap,
                workers=workers,
                progress=progress,
                clock=clock,
            )
            report = importer.run(full=full)
            if policy == "all":
                fetched = fetch_files(
                    http, replica, replica.file_tasks(), workers=workers, progress=file_progress
                )
    except Cancelled:
        replica.collect_garbage()
        raise
    except SyncClientError as exc:
        error = exc.message
    destroyed = replica.collect_garbage()
    info = _info(store, oparl_replica.source(store, row.id), counted=False)
    return SourceOutcome(info, report, fetched, None, destroyed, error)


def _index(store: Store) -> IndexReport:
    with TextExtractor(max_workers=1) as extractor:
        return index_pending(store, extractor)


def meeting_source(store: Store, meeting_id: str) -> SourceRow:
    row = store.db.conn.execute(
        "SELECT json_extract(data, '$.source_id') FROM object WHERE type = 'meeting' AND id = ? "
        "AND json_extract(data, '$.source') = 'oparl'",
        (meeting_id,),
    ).fetchone()
    if row is None or row[0] is None:
        raise OParlSourceUnknown(
            f"The meeting {meeting_id} does not come from an OParl source of this offline copy."
        )
    return oparl_replica.source(store, int(row[0]))


def fetch_meeting_files(
    paths: DataPaths,
    meeting_id: str,
    *,
    index: bool = True,
    retry: RetryPolicy | None = None,
    workers: int = 4,
    progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
) -> SourceOutcome:
    """Fetch the files of one meeting of an OParl source (its own, its agenda items', its papers')."""
    with open_store(paths) as store:
        row = meeting_source(store, meeting_id)
        replica = OParlStoreReplica(store, row.id)
        try:
            with OParlHttp(
                row.system_url, log=RepairLog(), verify=row.ca_bundle or True, retry=retry, stop=stop
            ) as http:
                state = replica.load_state()
                for claimed, real in state.get("url_map") or ():
                    http.urls.learn_pair(claimed, real)
                fetched = fetch_files(
                    http, replica, replica.file_tasks(meeting_id), workers=workers, progress=progress
                )
        except SyncClientError as exc:
            raise SyncFailed(exc.message, detail=type(exc).__name__) from None
        destroyed = replica.collect_garbage()
        indexed = _index(store) if index and fetched.downloaded else None
        return SourceOutcome(_info(store, row, counted=False), None, fetched, indexed, destroyed)
