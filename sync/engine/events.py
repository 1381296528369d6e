"""The push channel on a thread of its own: keeps GET /api/v1/events open and calls `on_change` at once
when the server says something this user may see has changed (the caller triggers a sync pass).

Reconnects after any failure or when the server ends the stream, with jittered backoff (growing while
it keeps failing, from the start again once a stream was open), sending the last event id seen as
Last-Event-ID: the server then tells at once of changes made while the connection was down. The first
connection (no id known yet) and any reconnection after a failure also call `on_change`, because
changes may have been missed meanwhile (the first one only as `first_trigger` says). Only ids of the
server's form (digits) are kept for Last-Event-ID: the server refuses others. Tokens are refreshed by
the ServerApi's own 401 handling; a sign-in that has ended (SignInRequired) is retried only slowly (the
sync pass reports it to the user). A hostile stream (garbage, huge lines, a server that closes at once)
ends in a clear error that is logged and handed to `on_error`, then the next try; it never ends the
thread. No Qt.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator

from sync.client.api import ServerApi, ServerEvent
from sync.client.errors import SignInRequired, SyncClientError, backoff_delays
from sync.threads import Backoff, Worker

log = logging.getLogger(__name__)

CHANGES = "changes"
SIGNED_OUT_PAUSE = 300.0  # seconds between tries while the sign-in has ended
MAX_ID_DIGITS = 18  # the server's event ids are feed seqs; it refuses a Last-Event-ID of other form
STEADY = 5.0  # a stream open at least this long counts as working: the next reconnection comes soon


class EventListener(Worker):
    """Listens to the server's push channel; see the module docstring.

    `connect()` returns a ServerApi (opened on the listener's thread, closed by it after each stream);
    `on_change()` is called on the listener's thread and must be quick (e.g. BackgroundSync.trigger)."""

    def __init__(
        self,
        connect: Callable[[], ServerApi],
        on_change: Callable[[], None],
        *,
        on_error: Callable[[BaseException], None] | None = None,
        backoff: Callable[[], Iterator[float]] = lambda: backoff_delays(0.5, 30.0),
        read_timeout: float = 45.0,
        name: str = "sync-events",
        first_trigger: bool | Callable[[], bool] = True,
    ) -> None:
        """`first_trigger`: whether the first connection calls `on_change`. A callable is asked when the
        stream has just opened (the server has subscribed it: every later change is announced), before
        `connected` is set: it says whether a pass may have read the feed before that moment, e.g. False
        while the caller's first pass waits for `tried` before reading the feed, True once it has begun
        (a change committed between that pass's feed read and the subscription would be missed).
        Reconnections after a failure always call `on_change`."""
        super().__init__(name)
        self._connect = connect
        self._on_change = on_change
        self._on_error = on_error
        self._backoff = Backoff(backoff)
        self._first_trigger = first_trigger
        self.read_timeout = read_timeout
        self.last_event_id: str | None = None
        self.connected = threading.Event()  # set while a stream is open
        self.tried = threading.Event()  # set when the first connection opened or failed (since start)
        self.connections = 0  # streams opened
        self.events = 0  # change events received
        self.failures = 0  # connections that ended in an error
        self.last_error: BaseException | None = None

    def _starting(self) -> None:
        self.tried.clear()

    def _run(self) -> None:
        self._backoff.reset()
        asked = callable(self._first_trigger)  # asked when the first stream opens
        missed = not asked and bool(self._first_trigger)  # changes may have been missed: tell on opening
        while not self.stop_event.is_set():
            began = time.monotonic()
            try:
                opened = self._listen(missed, asked) and time.monotonic() - began >= STEADY
                missed = asked = False
                if opened:
                    self._backoff.reset()  # a stream was open: the server ended it; come back soon
                pause = random.uniform(0.0, 0.5)  # jitter, not a secret
                if not opened:
                    pause = self._backoff.next()
            except SignInRequired as exc:
                missed, asked = True, False
                self._failed(exc)
                pause = SIGNED_OUT_PAUSE
            except Exception as exc:
                missed, asked = True, False
                self._failed(exc)
                pause = self._backoff.next()
            finally:
                self.connected.clear()
                self.tried.set()
            if self.stop_event.wait(pause):
                return

    def _listen(self, missed: bool, asked: bool = False) -> bool:
        """One stream until it ends; True when it was open (the server accepted it)."""
        # a stream the server closes at once (or a hostile one) does not count: the backoff grows
        opened = False

        def on_open() -> None:
            nonlocal opened
            opened = True
            self.connections += 1
            first = self._first_trigger
            late = asked and callable(first) and first()  # asked before `connected` is set
            self.connected.set()
            self.tried.set()
            if missed or late or (self.last_event_id is None and self.connections > 1):
                self._on_change()

        api = self._connect()
        try:
            stream = api.events(
                last_event_id=self.last_event_id,
                stop=self.stop_event,
                on_open=on_open,
                read_timeout=self.read_timeout,
            )
            for event in stream:
                self._event(event)
        finally:
            api.close()
        return opened

    def _event(self, event: ServerEvent) -> None:
        if event.id and event.id.isascii() and event.id.isdigit() and len(event.id) <= MAX_ID_DIGITS:
            self.last_event_id = event.id  # only a seq of ours: anything else would be refused on reconnect
        if event.event == CHANGES:
            self.events += 1
            self._on_change()

    def _failed(self, exc: BaseException) -> None:
        self.failures += 1
        self.last_error = exc
        message = exc.message if isinstance(exc, SyncClientError) else repr(exc)
        log.info("sync: push channel: %s; reconnecting", message)
        if self._on_error is not None:
            try:
                self._on_error(exc)
            except Exception:
                log.warning("sync: push channel error callback failed", exc_info=True)
