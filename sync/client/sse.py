"""Server-sent events (text/event-stream): an incremental parser with strict limits.

The server's push channel (GET /api/v1/events) sends ``id:``/``event:``/``data:`` fields, events ended
by an empty line, and comment lines (``: ping``) to keep the connection alive. :class:`SseParser` takes
the bytes as they arrive (any chunking) and returns the complete events; it follows the WHATWG rules
(lines end with CRLF, LF or CR; one space after the colon is dropped; several ``data:`` lines are joined
with newlines; a field without a colon has an empty value; unknown fields are ignored; an ``id`` with a
NUL is ignored; ``retry`` is capped at MAX_RETRY) and refuses, with
:class:`~sync.client.errors.ServerProtocolError`, a line longer than ``max_line`` bytes, an event whose
data grows past ``max_data`` bytes, and bytes that are not UTF-8 — a hostile or broken server cannot
make the client buffer without bound. Reconnecting is the caller's job.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.client.errors import ServerProtocolError

MAX_LINE = 16 << 10  # bytes of one line
MAX_DATA = 64 << 10  # bytes of one event's data
MAX_RETRY = 3_600_000  # ms: a larger `retry:` (any number of digits) counts as this
MAX_RETRY_DIGITS = 7  # more digits than MAX_RETRY has: not even converted


@dataclass(frozen=True)
class ServerEvent:
    """One event of the push channel: ``event`` (default "message"), its ``data`` text, and the ``id``
    in effect (the last one the stream set; send it back as Last-Event-ID when reconnecting)."""

    event: str
    data: str
    id: str | None = None


class SseParser:
    """Feed it bytes with :meth:`feed`; it returns the events completed by them."""

    def __init__(self, *, max_line: int = MAX_LINE, max_data: int = MAX_DATA) -> None:
        self.max_line = max_line
        self.max_data = max_data
        self.last_event_id: str | None = None
        self.retry: int | None = None  # reconnection time in ms the server asked for, if any
        self.comments = 0  # comment lines seen (keep-alive pings)
        self._buffer = bytearray()
        self._skip_lf = False  # the last line ended with CR: a LF right after it belongs to it
        self._event = ""
        self._data: list[str] = []
        self._data_size = 0

    def feed(self, chunk: bytes) -> list[ServerEvent]:
        events: list[ServerEvent] = []
        if not chunk:
            return events
        if self._skip_lf:
            self._skip_lf = False
            if chunk[:1] == b"\n":
                chunk = chunk[1:]
        buffer = self._buffer
        buffer += chunk
        start = 0
        while True:
            cr = buffer.find(b"\r", start)
            lf = buffer.find(b"\n", start)
            ends = [i for i in (cr, lf) if i >= 0]
            if not ends:
                break
            end = min(ends)
            line = bytes(buffer[start:end])
            if buffer[end] == 13:  # CR: a following LF is part of the line end
                if end + 1 < len(buffer):
                    start = end + 2 if buffer[end + 1] == 10 else end + 1
                else:
                    start = end + 1
                    self._skip_lf = True
            else:
                start = end + 1
            self._check_length(len(line))
            event = self._line(line)
            if event is not None:
                events.append(event)
        del buffer[:start]
        self._check_length(len(buffer))
        return events

    def _check_length(self, size: int) -> None:
        if size > self.max_line:
            raise ServerProtocolError(
                f"The server's event stream sent a line longer than {self.max_line} bytes."
            )

    def _line(self, raw: bytes) -> ServerEvent | None:
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ServerProtocolError("The server's event stream is not UTF-8 text.") from None
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            self.comments += 1
            return None
        name, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data_size += len(value) + 1
            if self._data_size > self.max_data:
                raise ServerProtocolError(
                    f"The server's event stream sent an event larger than {self.max_data} bytes."
                )
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\x00" not in value:
                self.last_event_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            # bounded: a huge number is no reconnection time (and int() refuses > 4,300 digits)
            digits = value.lstrip("0") or "0"
            self.retry = min(int(digits), MAX_RETRY) if len(digits) <= MAX_RETRY_DIGITS else MAX_RETRY
        return None

    def _dispatch(self) -> ServerEvent | None:
        data, event = self._data, self._event
        self._data, self._event, self._data_size = [], "", 0
        if not data:
            return None
        return ServerEvent(event or "message", "\n".join(data), self.last_event_id)
