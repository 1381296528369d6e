"""The plain records the library service returns (see :mod:`gremalda.core.library`).

Frozen dataclasses, no behaviour: what the CLI prints and the Qt views show. Ids are strings, as the
replica stores them (our server's integers in decimal, OParl ids as URLs). Collections inside a record
are tuples, so that a record stays immutable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from gremalda.core.council_time import DEFAULT_ZONE


@dataclass(frozen=True)
class FileEntry:
    """One file (one version of a document's bytes) and how far this device has it."""

    id: str
    name: str
    file_name: str
    mime_type: str
    size: int | None
    sha256: str | None
    role: str  # main, auxiliary, invitation, minutes, late
    state: str  # local download state: missing, partial, complete
    stored: bool  # a complete copy is in the vault: readable offline
    vault_version: int | None
    pages_indexed: int
    context: str  # where it belongs: "TOP 3 · 1. Sitzung Verkehrsausschuss 2026 12.03.2026"
    superseded: bool  # a newer version of it is in the replica
    supersedes_id: str | None  # the older version this one replaces
    change_note: str


@dataclass(frozen=True)
class MeetingSummary:
    id: str
    name: str
    start: datetime | None
    end: datetime | None
    state: str  # draft, published, cancelled
    organization: str | None  # None: not known or not visible here
    location: str
    item_count: int
    nonpublic_count: int
    # the zone its times are shown in (the body's; None: as an OParl source gave them), council_time
    zone: tzinfo | None = DEFAULT_ZONE

    @property
    def cancelled(self) -> bool:
        return self.state == "cancelled"


@dataclass(frozen=True)
class PaperRef:
    id: str
    reference: str
    name: str


@dataclass(frozen=True)
class AgendaEntry:
    """An agenda item with the papers consulted under it and its files (the papers' first)."""

    id: str
    number: str | None
    name: str
    public: bool
    result: str
    papers: tuple[PaperRef, ...]
    files: tuple[FileEntry, ...]


@dataclass(frozen=True)
class MeetingFolder:
    """A meeting as a folder: its agenda in order and its own files (invitation, minutes)."""

    meeting: MeetingSummary
    items: tuple[AgendaEntry, ...]
    meeting_files: tuple[FileEntry, ...]


@dataclass(frozen=True)
class EFileSummary:
    id: str
    reference_number: str
    title: str
    process_count: int
    document_count: int


@dataclass(frozen=True)
class DocumentEntry:
    id: str
    title: str
    order: int
    files: tuple[FileEntry, ...]  # the current version first; older ones only when asked for


@dataclass(frozen=True)
class ProcessEntry:
    id: str
    reference: str
    title: str
    documents: tuple[DocumentEntry, ...]


@dataclass(frozen=True)
class EFileTree:
    efile: EFileSummary
    processes: tuple[ProcessEntry, ...]


@dataclass(frozen=True)
class ReplicaStatus:
    """What the offline copy holds, and how it stands with the server."""

    objects: Mapping[str, int]  # object type (wire name) -> count
    files_total: int
    files_stored: int
    files_partial: int
    files_missing: int  # not readable offline: nothing or only a start of it stored
    bytes_stored: int
    pages_indexed: int
    outbox_pending: int
    outbox_failed: int  # pending changes whose last attempt failed
    server_url: str | None
    username: str | None
    device_id: str | None
    last_sync: datetime | None
    has_cursor: bool
