"""File content (GET /api/v1/files/{id}/content): streamed into a sink, resumable (Range with If-Range),
hashed on the way, watched for a stop request and for a server that trickles.

It takes a leaner path than httpx where it can: `http.client` on pooled keep-alive connections, the
body read straight into a reusable buffer (see `sync.client.transfer`, which says why). It falls back
to httpx when the environment configures a proxy for the server (`trust_env`) or a custom `transport`
was given (the tests' `httpx.MockTransport`). Both paths trust the same certificates: one SSL context
built from `verify`."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from sync.client.connection import offline
from sync.client.errors import (
    ChecksumMismatch,
    ServerProtocolError,
    SignInRequired,
    TransferCancelled,
    TransferIncomplete,
)
from sync.client.responses import MAX_ERROR_BYTES, error_for
from sync.client.session import USER_AGENT, Session
from sync.client.transfer import Answer, BodyCut, HttpxAnswer

_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
_UNSATISFIED_RANGE = re.compile(r"^bytes \*/(\d+)$")


@dataclass(frozen=True)
class DownloadResult:
    size: int  # bytes the sink holds now (the whole file)
    sha256: str | None  # hex digest of the whole file, None when it could not be computed (see download)
    etag: str | None  # keep it with a partial download to resume it
    restarted: bool  # the server sent the whole file although a resume was asked for; the sink was reset
    transferred: int  # bytes received by this call


class Sink(Protocol):
    """Where downloaded bytes go (e.g. the encrypting vault writer)."""

    def write(self, data: bytes | memoryview) -> None:
        """Take `data` (a view of the download buffer: copy what you keep, do not hold on to it)."""

    def reset(self) -> None:
        """Forget everything written so far: the server is sending the file again from its start."""


MIN_RATE = 1024.0  # bytes per second a download must reach ...
RATE_WINDOW = 60.0  # ... over this many seconds


class _TooSlow(Exception):
    def __init__(self, rate: float) -> None:
        self.rate = rate


class _Pace:
    """Watches one download: the caller's stop request, and a server that trickles."""

    def __init__(self, should_stop: Callable[[], bool] | None, min_rate: float, window: float) -> None:
        self.should_stop = should_stop
        self.min_rate = min_rate
        self.window = window
        self.mark_time = time.monotonic()
        self.mark_bytes: int | None = None

    def stop_or_slow(self, position: int) -> bool:
        """True to stop now; raises _TooSlow when the last window brought too few bytes."""
        if self.should_stop is not None and self.should_stop():
            return True
        now = time.monotonic()
        if self.mark_bytes is None:
            self.mark_bytes = position
        elif now - self.mark_time >= self.window:
            rate = (position - self.mark_bytes) / (now - self.mark_time)
            if rate < self.min_rate:
                raise _TooSlow(rate)
            self.mark_time, self.mark_bytes = now, position
        return False


class DownloadRoutes(Session):
    def download(
        self,
        file_id: int,
        sink: Sink,
        *,
        offset: int = 0,
        etag: str | None = None,
        expected_size: int | None = None,
        expected_sha256: str | None = None,
        hasher: Any | None = None,
        chunk: int = 1 << 20,
        hash_content: bool = True,
        should_stop: Callable[[], bool] | None = None,
        min_rate: float = MIN_RATE,
        rate_window: float = RATE_WINDOW,
    ) -> DownloadResult:
        """Streams the content of file `file_id` into `sink`, from byte `offset` on.

        Resuming (`offset` > 0) needs the `etag` of the earlier response: the server sends only the
        rest if the file is unchanged (206), else the whole file (200), and the sink is then `reset()`
        first. `hasher` is a hashlib sha256 object holding the state of the first `offset` bytes;
        this call feeds it every byte it writes (or starts a new one after a reset), so the whole
        file's digest is checked against `expected_sha256` and returned. Without a hasher a resumed
        download cannot be hashed: `sha256` is None, and `expected_sha256` raises ValueError.

        `should_stop` is asked after every network read: True ends the transfer with TransferCancelled
        (the sink keeps what arrived). A server sending fewer than `min_rate` bytes per second over a
        `rate_window` seconds raises TransferIncomplete (retryable: resume later) instead of holding the
        caller for as long as it trickles.

        `hash_content=False` skips hashing (for a sink that checks the digest itself): `sha256` is None.

        The sink gets views of exactly `chunk` bytes (the last one shorter) of a buffer that is reused
        for the next bytes: it copies what it keeps (see `Sink`).

        Raises TransferIncomplete (retryable) when the body stops early; the exception carries the
        offset, etag and hasher to resume with. ChecksumMismatch / a size mismatch
        (ServerProtocolError) mean the bytes in the sink must be discarded.
        """
        if offset < 0 or chunk < 1:
            raise ValueError("offset must be >= 0 and chunk >= 1")
        if offset > 0 and etag is None:
            raise ValueError("resuming a download needs the ETag of the first response")
        if not hash_content:
            if expected_sha256 is not None:
                raise ValueError("checking the sha256 needs hash_content")
            hasher = None
        elif offset == 0:
            hasher = hashlib.sha256()
        elif hasher is None and expected_sha256 is not None:
            raise ValueError("checking the sha256 of a resumed download needs the hasher of the first part")
        if expected_sha256 is not None:
            expected_sha256 = expected_sha256.lower()
        path = f"api/v1/files/{int(file_id)}/content"
        for _ in range(2):  # a second round only after a 416 for a range beyond the file
            headers = {"Accept": "*/*", "Accept-Encoding": "identity"}
            if offset > 0:
                headers["Range"] = f"bytes={offset}-"
                headers["If-Range"] = str(etag)
            with self._open_content(path, headers) as answer:
                if answer.status_code == 416:
                    total = self._unsatisfied_total(answer.headers)
                    if total == offset:  # everything was there already
                        return self._finish(offset, 0, hasher, etag, False, expected_size, expected_sha256)
                    sink.reset()  # we hold more than the file has: start over
                    offset, hasher = 0, hashlib.sha256()
                    continue
                return self._stream(
                    answer,
                    sink,
                    offset,
                    hasher,
                    expected_size,
                    expected_sha256,
                    chunk,
                    _Pace(should_stop, min_rate, rate_window),
                )
        raise ServerProtocolError("The server refused to send the file from its start.")

    @contextmanager
    def _open_content(self, path: str, headers: Mapping[str, str]) -> Iterator[Answer]:
        """The file-content GET with status 200, 206 or 416; another status raises its error, and a
        401 is retried once after a token refresh (as `_open` does)."""
        if self._direct is None:
            with self._open("GET", path, headers=headers, ok=(200, 206, 416)) as response:
                yield HttpxAnswer(response)
            return
        for attempt in (0, 1):
            used = self._holder.tokens
            if used is None:
                raise SignInRequired("This device is not signed in. Please sign in.")
            all_headers = {
                "User-Agent": USER_AGENT,
                **headers,
                "Authorization": f"Bearer {used.access_token}",
            }
            with self._direct.get(path, all_headers) as answer:
                status = answer.status_code
                if status != 401 or attempt == 1:
                    if status not in (200, 206, 416):
                        body = answer.read_capped(MAX_ERROR_BYTES)
                        raise error_for(httpx.Response(status, headers=answer.headers, content=body), body)
                    yield answer
                    return
            self._refresh_after_401(used)
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _unsatisfied_total(headers: httpx.Headers) -> int:
        match = _UNSATISFIED_RANGE.match(headers.get("content-range", "").strip())
        if match is None:
            raise ServerProtocolError("The server refused a byte range without saying the file's size.")
        return int(match.group(1))

    def _stream(
        self,
        answer: Answer,
        sink: Sink,
        offset: int,
        hasher: Any | None,
        expected_size: int | None,
        expected_sha256: str | None,
        chunk: int,
        pace: _Pace,
    ) -> DownloadResult:
        headers = answer.headers
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise ServerProtocolError(
                f"The server sent the file compressed ({encoding}) though asked not to."
            )
        if "html" in headers.get("content-type", "").lower():
            # documents are never HTML (the server refuses such uploads): a login page or a proxy's error
            raise ServerProtocolError(
                "The server answered with an HTML page instead of the document; "
                "is a login page of the network in the way?"
            )
        etag = headers.get("etag")
        restarted = False
        length = self._content_length(headers)
        if answer.status_code == 200:
            if offset > 0:
                sink.reset()
                offset, hasher, restarted = 0, hashlib.sha256(), True
            total = length
        else:  # 206
            match = _CONTENT_RANGE.match(headers.get("content-range", "").strip())
            if match is None:
                raise ServerProtocolError("The server sent part of a file without a valid Content-Range.")
            start, end, total = (int(g) for g in match.groups())
            if start != offset or end != total - 1 or end < start:
                raise ServerProtocolError(
                    f"The server sent bytes {start}-{end} of {total} when bytes from {offset} were asked for."
                )
            if length is not None and length != end - start + 1:
                raise ServerProtocolError("The server's Content-Length does not match its Content-Range.")
        if expected_size is not None and total is not None and total != expected_size:
            raise ServerProtocolError(
                f"The file on the server has {total} bytes, {expected_size} were expected; "
                "it may have changed: sync again."
            )
        total = total if total is not None else expected_size
        # The body is read into `view` (a reused buffer) until it holds `chunk` bytes; the sink gets
        # views of exactly `chunk` bytes (the last one shorter), flushed also before an error is raised.
        view = memoryview(answer.buffer(chunk))[:chunk]
        received = 0  # bytes handed to the sink
        fill = 0  # bytes in the buffer, not yet handed to the sink

        def flush() -> None:
            nonlocal received, fill
            if fill:
                data = view[:fill]
                sink.write(data)
                if hasher is not None:
                    hasher.update(data)
                received += fill
                fill = 0

        try:
            while True:
                n = answer.readinto(view[fill:])
                if not n:
                    break
                if total is not None and offset + received + fill + n > total:
                    raise ServerProtocolError("The server sent more bytes than the file has.")
                fill += n
                if fill == chunk:
                    flush()
                if pace.stop_or_slow(offset + received + fill):
                    flush()
                    raise TransferCancelled(f"The download was stopped after {offset + received} bytes.")
            flush()
        except _TooSlow as slow:
            flush()
            raise TransferIncomplete(
                f"The server sends too slowly ({slow.rate:.0f} bytes/s); the download will be resumed.",
                offset=offset + received,
                etag=etag,
                hasher=hasher,
            ) from None
        except BodyCut as cut:
            flush()  # keep what arrived: the resume starts after it
            raise TransferIncomplete(
                f"The download stopped after {offset + received} bytes ({cut.cause}); it will be resumed.",
                offset=offset + received,
                etag=etag,
                hasher=hasher,
            ) from None
        except httpx.TransportError as exc:
            raise offline(exc) from None
        if total is not None and offset + received < total:
            raise TransferIncomplete(
                f"The download stopped after {offset + received} of {total} bytes; it will be resumed.",
                offset=offset + received,
                etag=etag,
                hasher=hasher,
            )
        return self._finish(
            offset + received, received, hasher, etag, restarted, expected_size, expected_sha256
        )

    @staticmethod
    def _content_length(headers: httpx.Headers) -> int | None:
        value = headers.get("content-length")
        if value is None:
            return None
        if not value.strip().isdigit():
            raise ServerProtocolError("The server sent an invalid Content-Length.")
        return int(value)

    @staticmethod
    def _finish(
        size: int,
        transferred: int,
        hasher: Any | None,
        etag: str | None,
        restarted: bool,
        expected_size: int | None,
        expected_sha256: str | None,
    ) -> DownloadResult:
        if expected_size is not None and size != expected_size:
            raise ServerProtocolError(f"The file has {size} bytes, {expected_size} were expected.")
        digest = hasher.hexdigest() if hasher is not None else None
        if expected_sha256 is not None and digest != expected_sha256:
            raise ChecksumMismatch(
                "The downloaded file is damaged (its checksum does not match); it will be downloaded again."
            )
        return DownloadResult(size, digest, etag, restarted, transferred)
