"""The engine's worker-thread base and backoff; they live in :mod:`sync.threads` (shared with the server's
periodic passes) and are imported from there."""

from __future__ import annotations

from sync.threads import Backoff, Worker

__all__ = ["Backoff", "Worker"]
