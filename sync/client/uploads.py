"""Resumable uploads (clerks): the loop behind :meth:`sync.client.api.ServerApi.upload`.

POST /api/v1/uploads announces the file and returns an upload id; PUTs with ``Content-Range: bytes
START-END/SIZE`` send it in chunks, each starting at the offset the server holds (a 409 names the
server's offset: the loop continues there). Resuming (a given ``resume_id``, or after a network error
inside this call) first asks the server for its offset (GET /api/v1/uploads/{id}), so bytes the server
has are never sent again and nothing restarts from 0. When the last chunk arrives the server checks the
content and stores it; the answer carries its sha256, size and type (then POST /api/v1/files as usual).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

from sync.client.errors import (
    NotFound,
    ServerProtocolError,
    SyncClientError,
    TransferCancelled,
    backoff_delays,
)

CHUNK_SIZE = 4 << 20
ATTEMPTS = 5  # network errors in a row this call retries (asking the server's offset each time)
_SHA = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class UploadResult:
    upload_id: str
    sha256: str
    size: int
    mime_type: str


class Requester(Protocol):
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
    """See :meth:`sync.client.api.ServerApi.upload`."""
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
    failures = 0
    while True:
        if stop is not None and stop.is_set():
            raise TransferCancelled(f"The upload stopped after {offset} of {size} bytes; it can be resumed.")
        source.seek(offset)
        data = source.read(min(chunk_size, size - offset))
        if not data:
            raise SourceChanged(f"The file ended after {offset} bytes, {size} were announced; it changed.")
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
            if stop is not None and stop.wait(next(delays)):
                continue  # the stop check at the top raises
            _, state = request("GET", f"api/v1/uploads/{upload_id}")  # what reached the server
            state = _obj(state)
            offset = _offset(state, size)
            if state.get("complete") is True:
                return _result(upload_id, state, size, sha256)
            continue
        failures = 0
        state = _obj(answer)
        offset = _offset(state, size)
        if on_progress is not None:
            on_progress(offset, size)
        if status == 200 and state.get("complete") is True:
            return _result(upload_id, state, size, sha256)
        if status == 200 and offset != end + 1:
            raise ServerProtocolError(f"The server took bytes up to {offset} where {end + 1} were sent.")
