"""Resumable uploads (clerks): :meth:`sync.client.api.ServerApi.upload` and the loop behind it.

POST /api/v1/uploads announces the file and returns an upload id; PUTs with ``Content-Range: bytes
START-END/SIZE`` send it in chunks, each starting at the offset the server holds (a 409 names the
server's offset: the loop continues there). Resuming (a given ``resume_id``, or after a network error
inside this call) first asks the server for its offset (GET /api/v1/uploads/{id}), so bytes the server
has are never sent again and nothing restarts from 0. When the last chunk arrives the server checks the
content and stores it; the answer carries its sha256, size and type (then POST /api/v1/files as usual).

An answer that moves nothing on (409 "upload_busy" while an earlier transfer still holds the upload, a 200
or 409 at the same offset, all bytes there but not yet complete) is waited out, at least as long as the
server's Retry-After asks, and counts against the attempts like a network error; a PUT the server ended
early (200 with a smaller offset than sent) continues from that offset.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol, TypedDict, Unpack

from sync.client.errors import (
    NotFound,
    ServerProtocolError,
    SyncClientError,
    TransferCancelled,
    backoff_delays,
)
from sync.client.session import Session

CHUNK_SIZE = 4 << 20
ATTEMPTS = 5  # network errors in a row this call retries (asking the server's offset each time)
_SHA = frozenset("0123456789abcdef")


class UploadOptions(TypedDict, total=False):
    """The keyword arguments of :meth:`UploadRoutes.upload` (see :func:`run_upload`)."""

    sha256: str | None
    resume_id: str | None
    chunk_size: int
    on_started: Callable[[str], None] | None
    on_progress: Callable[[int, int], None] | None
    stop: threading.Event | None


@dataclass(frozen=True)
class UploadResult:
    upload_id: str
    sha256: str
    size: int
    mime_type: str


class Requester(Protocol):
    """An authenticated request: ``Session._request`` or a wrapper of it; (status, parsed JSON body)."""

    def __call__(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
    ) -> tuple[int, Any]: ...


class SourceChanged(SyncClientError):
    """The local file ended before the size announced for the upload (it changed meanwhile)."""


class UploadBusy(SyncClientError):
    """The server kept answering that an earlier transfer of this upload is still under way (or moved
    nothing on); resume the upload later."""

    retryable = True


MAX_PAUSE = 30.0  # seconds at most between two tries, whatever Retry-After asks


def _pause(stop: threading.Event | None, seconds: float, offset: int, size: int) -> None:
    """Waits `seconds`; TransferCancelled when `stop` is set meanwhile."""
    seconds = min(max(seconds, 0.0), MAX_PAUSE)
    if stop is None:
        time.sleep(seconds)
    elif stop.wait(seconds):
        raise TransferCancelled(f"The upload stopped after {offset} of {size} bytes; it can be resumed.")


def _asked_pause(answer: dict[str, Any]) -> float:
    """The Retry-After of a busy answer (in its error object), or 0."""
    error = answer.get("error")
    value = error.get("retry_after") if isinstance(error, dict) else None
    return float(value) if isinstance(value, int | float) and value >= 0 else 0.0


def _is_busy(status: int, answer: dict[str, Any]) -> bool:
    error = answer.get("error")
    return status == 409 and isinstance(error, dict) and error.get("code") == "upload_busy"


def _obj(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ServerProtocolError("The server answered an upload request with something not an object.")
    return value


def _offset(answer: dict[str, Any], size: int) -> int:
    value = answer.get("offset")
    if type(value) is not int or not 0 <= value <= size:
        raise ServerProtocolError(f"The server sent an upload offset {value!r} outside 0..{size}.")
    return value


def _result(upload_id: str, answer: dict[str, Any], size: int, sha256: str | None) -> UploadResult:
    digest, got_size, mime = answer.get("sha256"), answer.get("size"), answer.get("mime_type")
    if not isinstance(digest, str) or len(digest) != 64 or not set(digest) <= _SHA:
        raise ServerProtocolError("The server finished an upload without a valid sha256.")
    if got_size != size:
        raise ServerProtocolError(f"The server stored {got_size!r} bytes of an upload of {size}.")
    if sha256 is not None and digest != sha256.lower():
        raise ServerProtocolError("The server stored other content than was uploaded (sha256 differs).")
    return UploadResult(upload_id, digest, size, mime if isinstance(mime, str) else "")


def run_upload(
    request: Requester,
    source: BinaryIO,
    size: int,
    mime_type: str,
    file_name: str,
    *,
    sha256: str | None = None,
    resume_id: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    on_started: Callable[[str], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
    attempts: int = ATTEMPTS,
) -> UploadResult:
    """Upload `size` bytes of `source` (seekable) resumably in chunks, each sent with `request` (a
    ServerApi's authenticated request). `resume_id`: the id of an earlier, interrupted upload of the same
    file (`on_started` is told the id as soon as it is known: keep it); the upload continues at the offset
    the server holds. `on_progress(sent, size)` after each chunk. `stop` set: TransferCancelled
    (resumable). Network errors are retried a few times (`attempts`) within the call; after that they are
    raised (resume later)."""
    if size < 1:
        raise ValueError("an empty file cannot be uploaded")
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    upload_id: str | None = None
    offset = 0
    if resume_id is not None:
        try:
            _, answer = request("GET", f"api/v1/uploads/{resume_id}")
        except NotFound:  # expired (24 h) or never created: start afresh
            answer = None
        if answer is not None:
            state = _obj(answer)
            if state.get("size") == size:
                upload_id, offset = resume_id, _offset(state, size)
                if state.get("complete") is True:
                    return _result(upload_id, state, size, sha256)
    if upload_id is None:
        body = {"size": size, "mime_type": mime_type, "file_name": file_name, "sha256": sha256}
        _, answer = request("POST", "api/v1/uploads", json_body=body, ok=(200, 201))
        created = _obj(answer)
        new_id = created.get("id")
        if not isinstance(new_id, str) or not new_id or len(new_id) > 200 or "/" in new_id:
            raise ServerProtocolError("The server created an upload without a valid id.")
        upload_id, offset = new_id, _offset(created, size)
    if on_started is not None:
        on_started(upload_id)
    if on_progress is not None:
        on_progress(offset, size)
    delays = backoff_delays(0.5, 10.0)
    failures = 0  # tries in a row that failed or moved nothing on
    while True:
        if stop is not None and stop.is_set():
            raise TransferCancelled(f"The upload stopped after {offset} of {size} bytes; it can be resumed.")
        if offset < size:
            source.seek(offset)
            data = source.read(min(chunk_size, size - offset))
            if not data:
                raise SourceChanged(
                    f"The file ended after {offset} bytes, {size} were announced; it changed."
                )
            end = offset + len(data) - 1
            try:
                status, answer = request(
                    "PUT",
                    f"api/v1/uploads/{upload_id}",
                    content=bytes(data),
                    headers={
                        "Content-Range": f"bytes {offset}-{end}/{size}",
                        "Content-Type": "application/octet-stream",
                    },
                    ok=(200, 409),
                )
            except SyncClientError as exc:
                if not exc.retryable or failures + 1 >= attempts:
                    raise
                failures += 1
                _pause(stop, max(next(delays), exc.retry_after or 0.0), offset, size)
                answer, status = None, 0
        else:  # all bytes there, not complete yet (being finished): ask again below
            answer, status = None, 0
        if answer is None:  # ask what reached the server
            _, state = request("GET", f"api/v1/uploads/{upload_id}")
            state = _obj(state)
            offset = _offset(state, size)
            if state.get("complete") is True:
                return _result(upload_id, state, size, sha256)
            if offset < size:
                continue
            status = 200  # all bytes there but not complete: wait for the server to finish
        state = _obj(answer if answer is not None else state)
        new_offset = _offset(state, size)
        if status == 200 and state.get("complete") is True:
            if on_progress is not None:
                on_progress(size, size)
            return _result(upload_id, state, size, sha256)
        if status == 200 and answer is not None and new_offset > end + 1:
            raise ServerProtocolError(f"The server took bytes up to {new_offset} where {end + 1} were sent.")
        moved = new_offset != offset
        offset = new_offset
        if on_progress is not None:
            on_progress(offset, size)
        if moved and offset < size and not _is_busy(status, state):
            failures = 0  # went on (a range the server ended early continues from where it ended)
            continue
        # busy, or nothing moved on: wait, and give up after `attempts` such answers in a row
        failures += 1
        if failures >= attempts:
            raise UploadBusy(
                f"The server is still busy with an earlier transfer of this upload ({offset} of {size} "
                "bytes there); it can be resumed later.",
                status=status,
                code="upload_busy",
                retry_after=_asked_pause(state) or None,
            )
        _pause(stop, max(next(delays), _asked_pause(state)), offset, size)


class UploadRoutes(Session):
    def upload(
        self, source: BinaryIO, size: int, mime_type: str, file_name: str, **options: Unpack[UploadOptions]
    ) -> UploadResult:
        """Upload `size` bytes of `source` (seekable) resumably in chunks: see :func:`run_upload`."""
        return run_upload(self._request, source, size, mime_type, file_name, **options)
