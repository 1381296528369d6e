"""What a sync pass reports: progress while it runs, a summary at the end."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Phase(enum.Enum):
    CHANGES = "changes"
    FILES = "files"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class Progress:
    phase: Phase
    changes: int = 0  # feed entries applied so far
    files_done: int = 0
    files_total: int = 0
    bytes_done: int = 0
    bytes_total: int = 0
    current: str = ""  # name of a file being fetched, for display


@dataclass(frozen=True, slots=True)
class FileFailure:
    file_id: str
    name: str
    message: str  # for people


@dataclass(frozen=True, slots=True)
class PushFailure:
    target_type: str
    target_id: str
    message: str  # for people: why the server refused the change


@dataclass(slots=True)
class SyncReport:
    requests: int = 0  # change-feed requests
    upserts: int = 0
    removes: int = 0
    files_removed: int = 0
    files_downloaded: int = 0
    files_adopted: int = 0  # complete before a crash, recorded without downloading again
    files_resumed: int = 0  # continued from bytes kept by an interrupted download
    bytes_downloaded: int = 0
    retries: int = 0
    destroyed: int = 0  # stored contents destroyed (removed or replaced)
    snapshot: bool = False
    failures: list[FileFailure] = field(default_factory=list)
    skipped: int = 0  # feed entries the replica could not take (malformed); logged
    push_requests: int = 0
    pushed: int = 0  # changes the server took
    conflicts: int = 0  # changes merged with the server's newer record (and pushed again if needed)
    rejected: list[PushFailure] = field(default_factory=list)  # refused; kept, not pushed again as is
    push_error: str = ""  # why pushing stopped early in this pass (the changes stay queued), or ""
    pending: int = 0  # records still waiting to be pushed at the end of the pass
    delivered: int = 0  # delivery reports the server took
    delivery_stale: int = 0  # delivery reports of a folder that changed meanwhile (dropped, reported anew)

    @property
    def complete(self) -> bool:
        return not self.failures
