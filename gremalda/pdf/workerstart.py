"""The start of a PDF worker process, timed apart from the documents it works on.

A worker's start (``spawn``, importing PyMuPDF) can take many seconds on a busy machine; it must not eat
into the time limit of the first document it is given, nor be reported as that document being damaged.
So each worker tells its parent when it has *started on* a document (the pool workers of the preflight
and the text extraction write the job's number into a pipe, see :func:`announced`; the render workers
send ``("started",)`` on their own connection), the document's limit counts from that moment, and the
start itself has a limit of its own (:data:`START_TIMEOUT`) whose expiry is reported as the worker not
starting.

:data:`START_DELAY_ENV` (seconds, tests only) delays every worker's start: the tests run real workers
that start slowly, without mocks.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

__all__ = ["START_DELAY_ENV", "START_TIMEOUT", "announced", "delay_start_for_tests", "listen", "seconds_text"]

START_TIMEOUT = 120.0  # seconds a worker may take to start (spawn, import PyMuPDF) before it is given up
START_DELAY_ENV = "GREMALDA_TEST_WORKER_START_DELAY"  # tests: seconds every worker's start is delayed

T = TypeVar("T")

_announce: Connection | None = None  # in a pool worker: the pipe to its parent


def delay_start_for_tests() -> None:
    """In a worker's start: sleep the seconds :data:`START_DELAY_ENV` names (tests only; unset: none)."""
    raw = os.environ.get(START_DELAY_ENV, "")
    with contextlib.suppress(ValueError):
        if raw and float(raw) > 0:
            time.sleep(float(raw))


def listen(writer: Connection | None) -> None:
    """In a pool worker's initializer: :func:`announced` jobs report their start into ``writer``."""
    global _announce  # one pipe per worker process, set once at its start
    _announce = writer


def announced(job: int, fn: Callable[..., T], *args: Any) -> T:
    """Run in a pool worker: tell the parent "started ``job``" (its number), then return ``fn(*args)``.
    The number is a few bytes, written at once (atomic in a pipe, so workers sharing it never mix)."""
    if _announce is not None:
        with contextlib.suppress(OSError):
            _announce.send(job)
    return fn(*args)


def seconds_text(value: float) -> float:
    """A duration for a message: whole seconds, tenths under ten seconds."""
    return round(value, 1) if value < 10 else float(round(value))
