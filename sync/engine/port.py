"""What the sync engine needs of a replica. `sync` defines it; the client's store implements it.

The engine never sees a database or a vault: it hands the replica change pages to apply, asks it which
files to fetch, and streams file bytes into writers the replica opens. Every method except
:meth:`ReplicaPort.open_writer` and the writer's own methods is called from the one thread that runs
the sync pass; writers are opened and used on the engine's download threads (one writer per file).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from sync.client.api import Change


@dataclass(frozen=True, slots=True)
class FileWant:
    """A file whose content the replica does not hold yet (or holds in an older version)."""

    file_id: str
    sha256: str  # hex; the content to fetch (the server's strong ETag is this digest in quotes)
    size: int
    version: int  # the replica's local version to store this content under
    name: str = ""  # for progress display only


@dataclass(frozen=True, slots=True)
class AppliedPage:
    upserts: int
    removes: int
    files_removed: int  # file objects removed: their stored content is destroyed
    skipped: int = 0  # entries the replica could not take (malformed data); logged, the rest applied


ANNOTATION = "annotation"
DELIVERY = (
    "delivery"  # a proof-of-delivery report (POST /api/v1/deliveries); payload: meeting_id, event, at, files
)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A change made here, waiting in the replica's outbox to be pushed (state-based: the whole record)."""

    outbox_id: int
    idempotency_key: str
    target_type: str  # ANNOTATION or DELIVERY
    target_id: str  # the record's id (a UUID); a delivery report: the meeting's id
    base_version: int | None  # the server's version it builds on (If-Match); None: a create
    payload: dict[str, Any]  # the record


class PushStatus(StrEnum):
    OK = "ok"
    CONFLICT = "conflict"
    REJECTED = "rejected"
    STALE = "stale"  # a delivery report: the folder changed on the server; report again after a sync


@dataclass(frozen=True, slots=True)
class PushResult:
    """The server's answer to one pushed change (see :meth:`ReplicaPort.pushed`)."""

    outbox_id: int
    status: str  # PushStatus: ok (taken as `version`), conflict (the server holds `current`), rejected
    version: int | None = None
    server_id: int | None = None
    current: dict[str, Any] | None = None  # conflict: the server's record ...
    current_version: int | None = None  # ... and its version
    message: str = ""  # rejected: why, for people


class FileWriter(Protocol):
    """Receives one file's bytes; opened by :meth:`ReplicaPort.open_writer`."""

    @property
    def resumed_from(self) -> int:
        """Bytes kept from an interrupted earlier download; the download continues after them."""
        ...

    def write(self, data: bytes | memoryview) -> None: ...

    def commit(self) -> None:
        """Store the file for good; raises if its sha256 or size is not the wanted one."""
        ...

    def suspend(self) -> None:
        """Stop for now, keeping what was written for a later resume."""
        ...

    def discard(self) -> None:
        """Throw away everything written (also anything kept for a resume)."""
        ...


class ReplicaPort(Protocol):
    def cursor(self) -> str | None:
        """The change-feed cursor of the last applied page (None: nothing synced yet)."""
        ...

    def apply_page(self, entries: Sequence[Change], cursor: str, *, last: bool) -> AppliedPage:
        """Apply one page and store `cursor`, all in one transaction. While a full snapshot is under way
        (see :meth:`begin_snapshot`; it survives a crash), the replica notes what the pages mention; on
        the `last` page of the snapshot it removes everything they did not mention (no longer visible)."""
        ...

    def begin_snapshot(self) -> None:
        """A full snapshot is about to start (no cursor, or the server refused ours): forget the cursor
        and start noting what the snapshot's pages mention."""
        ...

    def wanted_files(self) -> list[FileWant]:
        """Files to fetch, smallest first."""
        ...

    def adopt_stored(self, want: FileWant) -> bool:
        """If the content was stored completely before a crash kept the replica from recording it,
        record it now (after checking it) and return True: it is not downloaded again."""
        ...

    def open_writer(self, want: FileWant) -> FileWriter:
        """A writer for `want`, resuming an interrupted download of the same content if one was kept."""
        ...

    def kept(self, want: FileWant) -> int:
        """Bytes an interrupted download of `want` left for a resume (0 if none). Any thread."""
        ...

    def file_stored(self, want: FileWant) -> None:
        """The writer of `want` committed: the file is complete. The replica may record this in
        batches; :meth:`flush` records what is pending (a crash before that loses nothing: the next
        pass finds the stored file with :meth:`adopt_stored`)."""
        ...

    def flush(self) -> None:
        """Record the stored files not yet recorded; they are then listed as readable offline."""
        ...

    def file_failed(self, want: FileWant, kept: int, error: str) -> None:
        """Fetching `want` failed in this pass; `kept` bytes are kept for a resume."""
        ...

    def collect_garbage(self) -> int:
        """Destroy stored content no file refers to any more (removed files, replaced versions, what a
        crash left behind); returns how many stored files were destroyed."""
        ...

    def outgoing(self, limit: int) -> list[Outgoing]:
        """At most `limit` changes to push, oldest first (not those the server refused before)."""
        ...

    def pushed(self, results: Sequence[PushResult]) -> None:
        """Record the server's answers, in one transaction: `ok` leaves the outbox; `conflict` is merged
        with the server's record (queuing the merge when the server lacks part of it); `rejected` stays,
        with its message, and is not pushed again until the record changes."""
        ...

    def pending_pushes(self) -> int:
        """How many records have changes waiting to be pushed (refused ones not counted)."""
        ...

    def pending_reports(self) -> int:
        """How many delivery reports wait to be pushed (outbox rows of target type DELIVERY)."""
        ...

    def sync_finished(self, when: str) -> None:
        """A pass reached the end of the feed and fetched what it could; `when` is an ISO time."""
        ...
