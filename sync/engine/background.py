"""Sync passes on a thread of their own: one now, then every `interval` seconds or when triggered;
after a pass that failed, the next comes sooner, with jittered backoff (capped at the interval).
Results and errors go to callbacks (the Qt bridge turns them into signals); nothing here knows Qt.

`run_pass(stop)` runs on the background thread (so it opens there whatever must belong to that
thread, e.g. the replica's database connection) and should stop soon when `stop` is set, raising
:class:`Cancelled` (what it stored so far is kept).

Quick pushes: with `run_push`, :meth:`BackgroundSync.push_soon` runs `run_push(stop)` (push the changes
made here, nothing else) on the same thread, between passes, so that a pass and a push never send the
same changes at once. While the server cannot be reached and changes wait (`pending() > 0`), a push is
tried every `probe` seconds instead of waiting out the backoff; the first that succeeds means the
network is back: a full pass follows at once. :meth:`BackgroundSync.network_back` (the system says the
network is up again) cuts short the wait of a running pass's retry (`nudge`) and tries at once."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from sync.client.errors import backoff_delays
from sync.engine.engine import Cancelled
from sync.threads import Backoff, Worker

log = logging.getLogger(__name__)

_R = TypeVar("_R")

PROBE_SECONDS = 3.0


class BackgroundSync(Worker, Generic[_R]):
    def __init__(
        self,
        run_pass: Callable[[threading.Event], _R],
        *,
        interval: float = 300.0,
        on_result: Callable[[_R], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        backoff: Callable[[], Iterator[float]] = lambda: backoff_delays(2.0, 300.0),
        run_push: Callable[[threading.Event], Any] | None = None,
        on_push: Callable[[Any], None] | None = None,
        on_push_error: Callable[[BaseException], None] | None = None,
        pending: Callable[[], int] = lambda: 0,
        probe: float = PROBE_SECONDS,
    ) -> None:
        super().__init__("sync-background")
        self.run_pass = run_pass
        self.run_push = run_push
        self.interval = interval
        self.probe = probe
        self._on_result = on_result
        self._on_error = on_error
        self._on_push = on_push
        self._on_push_error = on_push_error
        self._pending = pending
        self._backoff = Backoff(backoff)
        self.nudge = threading.Event()  # hand it to the pass: a retry's wait ends when it is set
        self._wake = threading.Event()
        self._pass_wanted = threading.Event()
        self._push_wanted = threading.Event()
        self.passes = 0
        self.failures = 0
        self.pushes = 0
        self.push_failures = 0
        self.unreachable = False  # the last pass or push failed

    def trigger(self) -> None:
        """Run a pass now (or right after the one running)."""
        self._pass_wanted.set()
        self._wake.set()

    def push_soon(self) -> None:
        """Push the changes made here now (or right after the pass or push running); a full pass
        pushes too, so this does nothing more when one is due."""
        self._push_wanted.set()
        self._wake.set()

    def network_back(self) -> None:
        """The network is (said to be) up again: a running pass retries at once instead of waiting out
        its backoff, and, if the last try failed, a pass (or, with changes waiting, a push) runs now."""
        self.nudge.set()
        if self.unreachable:
            self.trigger()

    def stop(self, timeout: float | None = 30.0) -> None:
        """Stop the running pass (what it stored is kept) and the thread."""
        super().stop(timeout)

    def _stopping(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        self._backoff.reset()
        next_pass = time.monotonic()  # the first pass now
        while not self.stop_event.is_set():
            now = time.monotonic()
            full = self._pass_wanted.is_set() or now >= next_pass
            if not full and not (self._push_wanted.is_set() and self.run_push is not None):
                wait = next_pass - now
                if self.unreachable and self.run_push is not None and self._pending() > 0:
                    wait = min(wait, self.probe)
                    self._push_wanted.set()  # after the pause: a probe
                self._wake.wait(max(0.0, wait))
                self._wake.clear()
                continue
            self._wake.clear()
            if full:
                self._pass_wanted.clear()
                self._push_wanted.clear()
                self.nudge.clear()
                try:
                    result = self.run_pass(self.stop_event)
                except Cancelled:
                    return
                except Exception as exc:  # reported; the next pass comes sooner (with backoff)
                    self.failures += 1
                    self.unreachable = True
                    log.warning("sync pass failed: %s", exc)
                    if self._on_error is not None:
                        self._on_error(exc)
                    next_pass = time.monotonic() + min(self._backoff.next(), self.interval)
                else:
                    self._backoff.reset()
                    self.unreachable = False
                    self.passes += 1
                    if self._on_result is not None:
                        self._on_result(result)
                    next_pass = time.monotonic() + self.interval
            else:
                self._push_wanted.clear()
                assert self.run_push is not None
                try:
                    pushed = self.run_push(self.stop_event)
                except Cancelled:
                    return
                except Exception as exc:  # the changes stay queued; tried again in `probe` seconds
                    self.push_failures += 1
                    self.unreachable = True
                    log.info("sync: push failed: %s", exc)
                    if self._on_push_error is not None:
                        self._on_push_error(exc)
                else:
                    self.pushes += 1
                    if self.unreachable:  # a request succeeds again: the rest of the pass now
                        next_pass = time.monotonic()
                        self._backoff.reset()
                    if self._on_push is not None:
                        self._on_push(pushed)
