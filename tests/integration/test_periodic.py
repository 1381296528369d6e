"""The server's periodic passes on their thread (sync.server.periodic.PeriodicTasks, a sync.threads.Worker):
rounds come one after another until `stop()`; a round that fails is logged and the next one comes; a
second `start()` while they run starts no second thread; after `stop()` they can start again. What a
round does is tested in test_server_annotations.py (run_once)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from sync.server.app import create_app
from sync.server.config import Settings
from sync.server.context import ServerContext
from sync.server.periodic import PeriodicTasks

WAIT = 120.0  # how long a thread may take (polled, never a measured limit; a loaded machine is slow)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[ServerContext]:
    settings = Settings(
        data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'server.sqlite3'}", secret=b"s" * 32
    )
    context: ServerContext = create_app(settings).state.ctx
    yield context
    context.engine.dispose()


class Days:
    """The `today` of the passes: counts the rounds (and their threads); the first `failing` rounds fail;
    `reached` is set once `wanted` rounds have asked."""

    def __init__(self, *, failing: int = 0, wanted: int = 3) -> None:
        self.failing, self.wanted = failing, wanted
        self.rounds = 0
        self.threads: set[str] = set()
        self.reached = threading.Event()

    def __call__(self) -> date:
        self.rounds += 1
        self.threads.add(threading.current_thread().name)
        if self.rounds >= self.wanted:
            self.reached.set()
        if self.rounds <= self.failing:
            raise RuntimeError("the pass broke")
        return date.today()


def _periodic_threads() -> int:
    return sum(t.name == "periodic-tasks" for t in threading.enumerate())


def test_rounds_repeat_until_stopped_and_a_failed_round_is_logged_and_followed_by_the_next(
    ctx: ServerContext, caplog: pytest.LogCaptureFixture
) -> None:
    days = Days(failing=1, wanted=3)
    tasks = PeriodicTasks(ctx, every=0.001, today=days)
    with caplog.at_level(logging.ERROR, logger="gremalda.server.periodic"):
        tasks.start()
        assert days.reached.wait(WAIT)
        tasks.stop(timeout=WAIT)
    assert not tasks.running
    assert days.threads == {"periodic-tasks"}
    failed = [r for r in caplog.records if r.getMessage() == "a periodic pass failed"]
    assert len(failed) == 1 and failed[0].exc_info is not None


def test_a_second_start_while_running_starts_no_second_thread_and_a_stopped_pass_starts_again(
    ctx: ServerContext,
) -> None:
    days = Days(wanted=2)
    tasks = PeriodicTasks(ctx, every=0.001, today=days)
    before = _periodic_threads()
    tasks.start()
    tasks.start()  # the server's start-up may ask again: nothing happens
    assert _periodic_threads() == before + 1
    assert days.reached.wait(WAIT)
    tasks.stop(timeout=WAIT)
    assert not tasks.running and _periodic_threads() == before

    again = Days(wanted=2)
    tasks.today = again
    tasks.start()
    assert again.reached.wait(WAIT)  # rounds come again after a restart
    tasks.stop(timeout=WAIT)
    assert not tasks.running


def test_stop_ends_the_wait_between_rounds(ctx: ServerContext) -> None:
    """With the default hour between rounds, `stop()` wakes the thread from its wait: no round ran."""
    days = Days()
    tasks = PeriodicTasks(ctx, today=days)
    tasks.start()
    assert tasks.running
    tasks.stop(timeout=WAIT)
    assert not tasks.running and days.rounds == 0
