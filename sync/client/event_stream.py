"""The server's push channel (GET /api/v1/events, server-sent events, parsed by `sync.client.sse`):
an iterator of events that a stop request ends at once."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import suppress
from typing import Any

import httpx

from sync.client.connection import offline
from sync.client.errors import ServerProtocolError
from sync.client.session import Session
from sync.client.sse import ServerEvent, SseParser

EVENTS_READ_TIMEOUT = 45.0  # the server pings every 15 s: this long without a byte means a dead connection


class _StopWatch:
    """While open, shuts the event stream's socket down as soon as `stop` is set, so that a read
    waiting for the next event ends at once (closing alone does not wake a blocked read)."""

    def __init__(self, response: httpx.Response, stop: threading.Event) -> None:
        self._stop = stop
        self._done = threading.Event()
        self._socket: Any = None
        stream = response.extensions.get("network_stream")
        if stream is not None:
            with suppress(Exception):
                self._socket = stream.get_extra_info("socket")
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _StopWatch:
        if self._socket is not None:
            self._thread = threading.Thread(target=self._watch, name="sync-events-stop", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()

    def _watch(self) -> None:
        while not self._done.is_set():
            if self._stop.wait(0.2):
                if not self._done.is_set():
                    with suppress(OSError):
                        self._socket.shutdown(socket.SHUT_RDWR)
                return


class EventRoutes(Session):
    def events(
        self,
        *,
        last_event_id: str | None,
        stop: threading.Event,
        on_open: Callable[[], None] | None = None,
        read_timeout: float = EVENTS_READ_TIMEOUT,
    ) -> Iterator[ServerEvent]:
        """The server's push channel (GET api/v1/events, server-sent events) until the server ends it
        (the iterator ends: reconnect) or `stop` is set (ends within a fraction of a second). With
        `last_event_id` the server tells at once of changes after it. `on_open` is called once the
        stream is accepted. A silent connection (no ping within `read_timeout` s), a broken stream or
        lines past the limits raise Offline / ServerProtocolError; reconnecting is the caller's job."""
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        timeout = httpx.Timeout(connect=10.0, read=read_timeout, write=10.0, pool=10.0)
        with self._open("GET", "api/v1/events", headers=headers, timeout=timeout) as response:
            ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype != "text/event-stream":
                raise ServerProtocolError(
                    f"The server answered the push channel with {ctype or 'no content type'} "
                    "instead of an event stream."
                )
            parser = SseParser()
            if last_event_id:
                parser.last_event_id = last_event_id
            if on_open is not None:
                on_open()
            with _StopWatch(response, stop):
                try:
                    for chunk in response.iter_raw():
                        if stop.is_set():
                            return
                        yield from parser.feed(chunk)
                except httpx.TransportError as exc:
                    if stop.is_set():
                        return
                    raise offline(exc) from None
