"""What the OParl importer needs of a replica. ``sync`` defines it; the client's store implements it
(:mod:`gremalda.store.oparl_replica`).

The importer hands the replica :class:`~sync.oparl.mapping.Entity` objects: a top-level OParl object
with everything it owns. The replica keeps, per source, which objects each entity owns, so that an
entity applied again replaces what it owned (sub-objects the server dropped vanish) and a tombstone or
a full reconciliation removes an entity with all it owned. Nothing is ever pushed back: OParl sources
are read-only.

All methods run on the importer's thread, except :meth:`OParlReplicaPort.open_sink` and the sink's own
methods, which run on download threads (one sink per file).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sync.oparl.mapping import Entity, Record


@dataclass(slots=True)
class Applied:
    """Objects added, changed and removed by type, and stored files removed with them."""

    added: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    files_removed: int = 0

    def merge(self, other: Applied) -> None:
        self.added.update(other.added)
        self.updated.update(other.updated)
        self.removed.update(other.removed)
        self.files_removed += other.files_removed


@dataclass(frozen=True, slots=True)
class FileTask:
    """A file whose bytes the replica does not hold (or holds for other content)."""

    file_id: str
    url: str  # downloadUrl, else accessUrl, as the server names it
    fallback_url: str | None  # accessUrl when url is the downloadUrl
    tag: str  # what identifies the wanted content (see mapping.file_tag)
    version: int  # the local version to store it under
    name: str  # for messages
    mime_type: str


class FileSink(Protocol):
    """Receives one file's bytes (opened by :meth:`OParlReplicaPort.open_sink`)."""

    def write(self, data: bytes | memoryview) -> None: ...

    def commit(self) -> tuple[str, int]:
        """Store the bytes for good; returns their sha256 (hex) and size."""
        ...

    def discard(self) -> None: ...


class OParlReplicaPort(Protocol):
    def load_state(self) -> dict[str, Any]:
        """The source's saved state (high-water marks, missing references, ...); {} at first."""
        ...

    def save_state(self, state: dict[str, Any], *, synced: str, full: bool) -> None:
        """Save the state after a pass that ended at ``synced`` (ISO); ``full``: it reconciled."""
        ...

    def known_modified(self, kind: str, ids: Sequence[str]) -> dict[str, str]:
        """The stored ``modified`` of those of the objects the replica holds for this source."""
        ...

    def known(self, kind: str, ids: Iterable[str]) -> set[str]:
        """Those of the ids of objects of ``kind`` the replica holds (any source)."""
        ...

    def apply(self, entities: Sequence[Entity]) -> Applied:
        """Apply the entities (tombstones remove) in one transaction."""
        ...

    def apply_children(self, owner: str, records: Sequence[Record]) -> Applied:
        """Add or update records owned by ``owner`` (fetched sub-objects), in one transaction."""
        ...

    def roots(self, kinds: Collection[str]) -> set[str]:
        """The ids of the top-level objects of this source of those types."""
        ...

    def remove(self, owners: Collection[str]) -> Applied:
        """Remove top-level objects with everything they own (a full reconciliation's findings)."""
        ...

    def file_tasks(self, meeting_id: str | None = None) -> list[FileTask]:
        """Files of this source whose wanted content is not stored: all, or those of one meeting
        (its own, its agenda items', the papers' consulted under them)."""
        ...

    def open_sink(self, task: FileTask) -> FileSink:
        """A sink for the bytes of ``task`` (any thread)."""
        ...

    def file_stored(self, task: FileTask, sha256: str, size: int) -> None:
        """The sink of ``task`` committed (recorded in batches; see :meth:`flush`)."""
        ...

    def flush(self) -> None:
        """Record the stored files not yet recorded."""
        ...

    def file_failed(self, task: FileTask, error: str) -> None: ...
