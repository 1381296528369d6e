"""The background schedule's quick pushes (no server needed: the passes and pushes are plain functions
that record what ran): a push between passes, probes every few seconds while changes wait and the
server is unreachable, a full pass as soon as a request succeeds again, the network coming back."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from sync.client import Offline
from sync.engine import BackgroundSync, Cancelled

WAIT = 60.0  # s: waits end as soon as what they wait for happened; generous for a loaded CI machine


class Script:
    """What ran, in order, and whether the server is reachable."""

    def __init__(self) -> None:
        self.ran: list[str] = []
        self.reachable = True
        self.pending = 0
        self.changed = threading.Condition()

    def _log(self, what: str) -> None:
        with self.changed:
            self.ran.append(what)
            self.changed.notify_all()

    def run_pass(self, stop: threading.Event) -> str:
        if not self.reachable:
            self._log("pass failed")
            raise Offline("unreachable")
        self.pending = 0
        self._log("pass")
        return "pass"

    def run_push(self, stop: threading.Event) -> str:
        if not self.reachable:
            self._log("push failed")
            raise Offline("unreachable")
        self.pending = 0
        self._log("push")
        return "push"

    def wait_for(self, predicate: object, what: str) -> None:
        assert callable(predicate)
        with self.changed:
            assert self.changed.wait_for(lambda: predicate(self.ran), WAIT), f"{what}: {self.ran}"


def eventually(condition: Callable[[], bool], what: str) -> None:
    """Wait until ``condition()`` holds: the schedule's counters and flags change on its own thread, after
    the pass or push that a test saw in ``Script.ran`` has returned."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.01)


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def background(script: Script) -> Iterator[BackgroundSync[str]]:
    sync: BackgroundSync[str] = BackgroundSync(
        script.run_pass,
        interval=3600,
        run_push=script.run_push,
        pending=lambda: script.pending,
        probe=0.05,
        backoff=lambda: iter(lambda: 3600.0, None),  # a failed pass would wait an hour
    )
    sync.start()
    try:
        yield sync
    finally:
        sync.stop()


def test_a_push_soon_runs_a_push_between_passes(script: Script, background: BackgroundSync[str]) -> None:
    script.wait_for(lambda ran: ran == ["pass"], "the first pass")
    script.pending = 1
    background.push_soon()
    script.wait_for(lambda ran: ran == ["pass", "push"], "a push, not a pass")
    background.trigger()
    script.wait_for(lambda ran: ran == ["pass", "push", "pass"], "a pass when triggered")
    eventually(lambda: (background.passes, background.pushes) == (2, 1), "two passes and one push counted")


def test_while_changes_wait_offline_pushes_are_probed_and_the_first_success_brings_a_pass(
    script: Script, background: BackgroundSync[str]
) -> None:
    script.wait_for(lambda ran: ran == ["pass"], "the first pass")
    script.reachable = False
    background.trigger()
    script.wait_for(lambda ran: ran[-1] == "pass failed", "the pass fails")
    # nothing waits to be pushed: no probing, the backoff (an hour here) is waited out
    background.push_soon()
    script.wait_for(lambda ran: ran[-1] == "push failed", "the asked-for push fails")
    assert background.unreachable
    script.pending = 3  # a change saved offline: probes now, every `probe` seconds, instead of an hour
    background.push_soon()
    script.wait_for(lambda ran: ran.count("push failed") >= 4, "probing")
    script.reachable = True
    script.wait_for(lambda ran: ran[-2:] == ["push", "pass"], "the probe succeeds, then a full pass")
    eventually(lambda: not background.unreachable, "the pass's success counted")
    assert script.pending == 0


def test_the_network_back_tries_at_once_after_a_failure(
    script: Script, background: BackgroundSync[str]
) -> None:
    script.wait_for(lambda ran: ran == ["pass"], "the first pass")
    script.reachable = False
    background.trigger()
    script.wait_for(lambda ran: ran[-1] == "pass failed", "the pass fails")
    eventually(lambda: background.unreachable, "the failed pass handled")  # what network_back() asks
    script.reachable = True
    background.network_back()  # the system says so: no waiting for the hour of backoff
    script.wait_for(lambda ran: ran[-1] == "pass", "a pass at once")
    eventually(lambda: background.passes == 2, "the second pass counted")
    assert background.failures == 1


def test_a_stop_ends_the_schedule_and_a_cancelled_push_ends_it_quietly() -> None:
    calls: list[str] = []

    def run_push(stop: threading.Event) -> None:
        calls.append("push")
        raise Cancelled()

    done = threading.Event()

    def run_pass(stop: threading.Event) -> None:
        calls.append("pass")
        done.set()

    sync: BackgroundSync[None] = BackgroundSync(run_pass, interval=3600, run_push=run_push)
    sync.start()
    assert done.wait(WAIT)
    sync.push_soon()
    sync.stop(WAIT)
    assert not sync.running and calls[0] == "pass" and set(calls) <= {"pass", "push"}
