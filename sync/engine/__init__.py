"""The sync engine: pushes changes made here, pulls the change feed into a replica and fetches its files
(no Qt, own threads)."""

from sync.engine.background import BackgroundSync
from sync.engine.engine import Cancelled, ContentRejected, RetryPolicy, SyncEngine
from sync.engine.events import EventListener
from sync.engine.port import (
    ANNOTATION,
    DELIVERY,
    AppliedPage,
    FileWant,
    FileWriter,
    Outgoing,
    PushResult,
    PushStatus,
    ReplicaPort,
)
from sync.engine.report import FileFailure, Phase, Progress, PushFailure, SyncReport

__all__ = [
    "ANNOTATION",
    "DELIVERY",
    "AppliedPage",
    "BackgroundSync",
    "Cancelled",
    "ContentRejected",
    "EventListener",
    "FileFailure",
    "FileWant",
    "FileWriter",
    "Outgoing",
    "Phase",
    "Progress",
    "PushFailure",
    "PushResult",
    "PushStatus",
    "ReplicaPort",
    "RetryPolicy",
    "SyncEngine",
    "SyncReport",
]
