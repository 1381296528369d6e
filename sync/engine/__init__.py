"""The sync engine: pulls the change feed into a replica and fetches its files (no Qt, own threads)."""

from sync.engine.background import BackgroundSync
from sync.engine.engine import Cancelled, ContentRejected, RetryPolicy, SyncEngine
from sync.engine.port import AppliedPage, FileWant, FileWriter, ReplicaPort
from sync.engine.report import FileFailure, Phase, Progress, SyncReport

__all__ = [
    "AppliedPage",
    "BackgroundSync",
    "Cancelled",
    "ContentRejected",
    "FileFailure",
    "FileWant",
    "FileWriter",
    "Phase",
    "Progress",
    "ReplicaPort",
    "RetryPolicy",
    "SyncEngine",
    "SyncReport",
]
