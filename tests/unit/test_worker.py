"""The worker-thread base of BackgroundSync and EventListener (start, stop, start again) and its backoff
series (fresh after a reset)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator

import pytest

from sync.threads import Backoff, Worker

WAIT = 120.0  # s: a guard against hangs (a thread starting or ending); returns at once when things work


class Waiter(Worker):
    """Runs until stopped; records the hooks in order."""

    def __init__(self) -> None:
        super().__init__("test-worker")
        self.calls: list[str] = []
        self.began = threading.Event()

    def _starting(self) -> None:
        self.calls.append("starting")

    def _stopping(self) -> None:
        self.calls.append("stopping")

    def _run(self) -> None:
        self.calls.append(f"run on {threading.current_thread().name}")
        self.began.set()
        self.stop_event.wait()


def test_a_worker_runs_on_its_own_thread_until_stopped_and_can_start_again() -> None:
    worker = Waiter()
    assert not worker.running
    for _ in range(2):
        worker.began.clear()
        worker.start()
        assert worker.began.wait(WAIT)
        assert worker.running
        with pytest.raises(RuntimeError, match="already started"):
            worker.start()
        worker.stop(timeout=WAIT)  # (its default, 10 s, is short for a thread ending on a loaded machine)
        assert not worker.running
    assert worker.calls == ["starting", "run on test-worker", "stopping"] * 2


def test_stopping_a_worker_never_started_does_nothing_more_than_set_the_stop_event() -> None:
    worker = Waiter()
    worker.stop()
    assert worker.stop_event.is_set() and not worker.running
    assert worker.calls == ["stopping"]


def test_backoff_continues_its_series_until_reset() -> None:
    made: list[int] = []

    def delays() -> Iterator[float]:
        made.append(1)
        return (float(n) for n in itertools.count(1))

    backoff = Backoff(delays)
    assert made == []  # made only when a failure asks for a delay
    assert [backoff.next() for _ in range(3)] == [1.0, 2.0, 3.0]
    backoff.reset()
    assert backoff.next() == 1.0
    assert len(made) == 2
