"""The shared worker-thread base (sync.threads): `stop()` wakes what `_run` waits for (the stop event, or
whatever the `_stopping` hook releases), and a worker still busy after `stop()`'s timeout stays running
(it cannot be started twice) until it ended: then `start()` runs a new round even when no later `stop()`
found the old thread ended. tests/unit/test_worker.py covers
start, stop and start again, and the backoff series."""

from __future__ import annotations

import queue
import threading

import pytest

from sync.threads import Worker

WAIT = 120.0  # s: a guard against hangs (a thread starting or ending); returns at once when things work
ENDED = 120.0  # how long a released round may take to end on a loaded machine (returns at once once it did)


class Sleeper(Worker):
    """Waits for the stop event with a timeout far beyond the test's: only `stop()` can end it soon."""

    def __init__(self) -> None:
        super().__init__("test-sleeper")
        self.began = threading.Event()
        self.woken = threading.Event()

    def _run(self) -> None:
        self.began.set()
        if self.stop_event.wait(3600):
            self.woken.set()


class QueueReader(Worker):
    """Blocks on a queue, never on the stop event: `_stopping` wakes it with a sentinel."""

    def __init__(self) -> None:
        super().__init__("test-queue-reader")
        self.jobs: queue.Queue[str | None] = queue.Queue()
        self.done: list[str] = []

    def _stopping(self) -> None:
        self.jobs.put(None)

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            self.done.append(job)


class Busy(Worker):
    """Ignores the stop event until `release` is set (a round that takes longer than `stop()` waits)."""

    def __init__(self) -> None:
        super().__init__("test-busy")
        self.began = threading.Event()
        self.release = threading.Event()

    def _run(self) -> None:
        self.began.set()
        self.release.wait()


def test_stop_wakes_a_worker_waiting_for_the_stop_event() -> None:
    worker = Sleeper()
    worker.start()
    assert worker.began.wait(WAIT)
    worker.stop(timeout=WAIT)
    assert not worker.running
    assert worker.woken.is_set()  # woken by the event, not by the wait's timeout


def test_the_stopping_hook_wakes_a_worker_waiting_for_something_else() -> None:
    worker = QueueReader()
    worker.start()
    worker.jobs.put("a")
    worker.jobs.put("b")
    worker.stop(timeout=WAIT)
    assert not worker.running
    assert worker.done == ["a", "b"]  # what was queued before the stop was done first


def test_a_worker_still_busy_after_the_stop_timeout_stays_running_until_a_later_stop() -> None:
    worker = Busy()
    worker.start()
    assert worker.began.wait(WAIT)
    worker.stop(timeout=0)
    assert worker.stop_event.is_set() and worker.running
    with pytest.raises(RuntimeError, match="already started"):
        worker.start()
    worker.release.set()
    worker.stop(timeout=WAIT)
    assert not worker.running
    worker.release.clear()
    worker.began.clear()
    worker.start()  # an ended worker starts again
    assert worker.began.wait(WAIT) and not worker.stop_event.is_set()
    worker.release.set()
    worker.stop(timeout=WAIT)
    assert not worker.running


def _wait_until_ended(worker: Worker) -> None:
    deadline = threading.Event()
    for _ in range(int(ENDED * 20)):
        if not worker.running:
            return
        deadline.wait(0.05)
    raise AssertionError("the released round did not end")


def test_a_worker_whose_round_ended_after_the_stop_timeout_starts_again() -> None:
    worker = Busy()
    worker.start()
    assert worker.began.wait(WAIT)
    worker.stop(timeout=0)  # the round is held: stop() gives up waiting
    assert worker.running
    worker.began.clear()
    worker.release.set()
    _wait_until_ended(worker)  # the round ended, but no later stop() saw it
    worker.release.clear()
    worker.start()  # the dead thread is dropped, not "already started"
    assert worker.began.wait(WAIT) and not worker.stop_event.is_set()  # a new round came
    worker.release.set()
    worker.stop(timeout=WAIT)
    assert not worker.running
