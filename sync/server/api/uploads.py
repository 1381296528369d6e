"""Resumable uploads for clerks: POST announces an upload, PUT sends a byte range (Content-Range) at the
stored offset, GET tells the offset. When the last byte arrives the content is checked (PDF magic, declared
sha256) and moved into the blob store; POST /api/v1/files then uses its sha256 as for POST /api/v1/blobs.
A transfer cut off keeps the bytes that arrived; a wrong start is answered 409 with the offset. While an
earlier transfer of the upload still holds it (its connection went quiet without closing), a PUT is answered
409 with the code "upload_busy", the offset and Retry-After; once that transfer has received nothing for
`upload_takeover_seconds`, a new PUT takes over: the old one stops, keeping what arrived, and the new one
goes on (or is told the offset that moved). Behind several server processes sharing the staging directory
the same holds: the holder keeps its heartbeat in the staging directory and heeds a request to stop there
(staging.py), so a PUT to any instance takes over a stalled transfer, and none takes over a live one."""

from __future__ import annotations

import logging
import math
import re
import time
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from sync.server.api.deps import Caller, resolve_caller
from sync.server.api.files import ALLOWED_UPLOAD_TYPES
from sync.server.api.schemas import SafeFileName, Strict
from sync.server.context import ServerContext
from sync.server.errors import Forbidden, Invalid, NotFound, PayloadTooLarge, UnsupportedMedia
from sync.server.models import Role
from sync.server.staging import ContentRefused, OffsetMoved, Staging, Transfer, TransferBusy, Upload

log = logging.getLogger("gremalda.server.uploads")

HEED_EVERY_SECONDS = 0.5  # at most this often a transfer renews its heartbeat and looks for a request to stop

router = APIRouter(prefix="/api/v1", tags=["files"])

_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
CHECKPOINT_BYTES = 16 * 1024 * 1024  # a long transfer makes what arrived durable this often


class UploadIn(Strict):
    size: Annotated[int, Field(ge=1)]
    mime_type: Annotated[str, Field(min_length=1, max_length=100)]
    file_name: SafeFileName
    sha256: Annotated[str | None, Field(pattern=r"^[0-9a-f]{64}$")] = None


def staging_of(request: Request) -> Staging:
    found: Staging = request.app.state.staging
    return found


def _clerk(ctx: ServerContext, request: Request) -> Caller:
    with ctx.sessions() as session:
        who = resolve_caller(session, request)
    if who.user.role != Role.CLERK:
        raise Forbidden("Only clerks may upload documents.")
    return who


def _own(ctx: ServerContext, staged: Staging, who: Caller, upload_id: str) -> Upload:
    upload = staged.load(upload_id)
    if upload is not None and upload.user_id == who.user.id:
        upload = staged.settle(upload, ctx.blobs)  # finishes one the server stopped finishing
        if upload is not None:
            return upload
    raise NotFound("No upload with this id (it may have expired after 24 hours). Start it again.")


def _offset_conflict(upload: Upload, message: str) -> JSONResponse:
    error = {"code": "conflict", "title": "Conflict", "message": message, "offset": upload.offset}
    return JSONResponse({"error": error, "offset": upload.offset}, 409)


def _busy(upload: Upload, retry_after: float) -> JSONResponse:
    """409 "upload_busy": an earlier transfer still holds the upload; ask again after `retry_after`."""
    seconds = max(1, math.ceil(retry_after))
    error = {
        "code": "upload_busy",
        "title": "Busy",
        "message": "A previous transfer of this upload is still under way. "
        f"Try again in {seconds} s from byte {upload.offset}.",
        "offset": upload.offset,
        "retry_after": seconds,
    }
    return JSONResponse({"error": error, "offset": upload.offset}, 409, headers={"Retry-After": str(seconds)})


@router.post("/uploads", status_code=201)
def start_upload(request: Request, raw: UploadIn) -> dict[str, Any]:
    """Announces an upload of `size` bytes; answers its id. Send the bytes with PUT."""
    ctx: ServerContext = request.app.state.ctx
    who = _clerk(ctx, request)
    mime = raw.mime_type.split(";")[0].strip().lower()
    if mime not in ALLOWED_UPLOAD_TYPES:
        raise UnsupportedMedia(f"Documents of type {mime} are not accepted.")
    limit = ctx.settings.max_upload_bytes
    if raw.size > limit:
        raise PayloadTooLarge(f"Documents may be at most {limit} bytes.")
    upload = staging_of(request).create(who.user.id, raw.size, mime, raw.file_name, raw.sha256)
    return {"id": upload.id, "offset": 0, "size": upload.size}


@router.get("/uploads/{upload_id}")
def upload_state(upload_id: str, request: Request) -> dict[str, object]:
    """How far the upload is (only for the user who started it)."""
    ctx: ServerContext = request.app.state.ctx
    who = _clerk(ctx, request)
    return _own(ctx, staging_of(request), who, upload_id).answer()


def _parse_range(header: str | None, upload: Upload) -> tuple[int, int]:
    match = _CONTENT_RANGE.match((header or "").strip())
    if match is None:
        raise Invalid("Send Content-Range: bytes START-END/SIZE with the bytes of the upload.")
    start, end, size = (int(g) for g in match.groups())
    if size != upload.size:
        raise Invalid(f"The upload has {upload.size} bytes, not {size}.")
    if end < start or end >= size:
        raise Invalid(f"The range {start}-{end} does not lie within the {size} bytes of the upload.")
    return start, end


@router.put("/uploads/{upload_id}")
async def upload_bytes(upload_id: str, request: Request) -> Response:
    """Appends bytes START-END at the stored offset; the last range finishes the upload."""
    ctx: ServerContext = request.app.state.ctx
    who = await run_in_threadpool(_clerk, ctx, request)
    staged = staging_of(request)
    upload = await run_in_threadpool(_own, ctx, staged, who, upload_id)
    if upload.complete:  # a retried last range whose answer was lost
        return JSONResponse(upload.answer())
    start, end = _parse_range(request.headers.get("content-range"), upload)
    length = end - start + 1
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) != length:
        raise Invalid(f"The body has {declared} bytes but Content-Range names {length}.")
    if upload.offset >= upload.size:  # all bytes arrived, being finished by another request
        return _busy(upload, 1)
    if start != upload.offset:
        return _offset_conflict(
            upload, f"The upload continues at byte {upload.offset}, not {start}. Send from there."
        )
    opened = await _open(ctx, staged, upload)
    if isinstance(opened, JSONResponse):
        return opened
    transfer = opened
    try:
        too_long = await _receive(ctx, request, transfer, length)
        if too_long:
            raise Invalid(
                f"The body is longer than the {length} bytes Content-Range names; "
                f"the upload continues at byte {upload.offset}."
            )
        if upload.offset < upload.size:
            return JSONResponse({"offset": upload.offset, "complete": False})
        try:
            stored = await run_in_threadpool(transfer.finish, ctx.blobs)
        except ContentRefused as exc:
            raise (UnsupportedMedia if exc.wrong_type else Invalid)(str(exc)) from None
    finally:
        await run_in_threadpool(transfer.close)
    return JSONResponse(
        {
            "offset": upload.size,
            "complete": True,
            "sha256": stored.sha256,
            "size": stored.size,
            "mime_type": upload.mime_type,
        }
    )


async def _open(ctx: ServerContext, staged: Staging, upload: Upload) -> Transfer | JSONResponse:
    """The transfer for this PUT; a busy answer while an earlier transfer holds the upload, unless that one
    received nothing for `upload_takeover_seconds`: then it is asked to stop and this one takes over. A
    holder in another server process is asked through the staging directory; it gives way only if it is
    still idle when it reads the request (else its fresh heartbeat makes this PUT answer busy)."""
    moved_message = "The upload continues at byte {offset}, not {start}. Send from there."
    start = upload.offset
    takeover = ctx.settings.upload_takeover_seconds
    wait = min(takeover, ctx.settings.upload_idle_seconds)  # the holder gives way or times out by then
    deadline: float | None = None
    asked: str | None = None  # the token of the other process's transfer asked to stop
    while True:
        try:
            return await run_in_threadpool(staged.open_transfer, upload)
        except OffsetMoved as moved:
            offset = moved.upload.offset
            return _offset_conflict(moved.upload, moved_message.format(offset=offset, start=start))
        except TransferBusy:
            pass
        now = anyio.current_time()
        if deadline is not None and now >= deadline:
            return _busy(upload, 1)
        if asked is None and (local := staged.holder(upload.id)) is not None:
            if deadline is None:
                idle = local.idle_seconds()
                if idle < takeover or not local.take_over():
                    return _busy(upload, wait - idle)
                deadline = now + 10.0
        else:
            remote = await run_in_threadpool(staged.remote_holder, upload.id)
            if remote is None:
                if deadline is None:  # finishing, or just starting
                    return _busy(upload, wait)
            elif remote.finishing and remote.token == asked:
                pass  # the transfer asked to stop is winding up (keeping what it got)
            elif remote.finishing:  # it got all its bytes and is storing them, or lets go any moment
                return _busy(upload, 1)
            elif remote.idle < takeover or (asked is not None and remote.token != asked):
                return _busy(upload, wait - remote.idle)  # live, or another transfer got it first
            elif asked is None:  # stalled: asked to stop (it checks it is still idle)
                asked, deadline = remote.token, now + 10.0 + HEED_EVERY_SECONDS
                await run_in_threadpool(staged.ask_to_stop, upload.id, remote.token)
        await anyio.sleep(0.02)  # the old transfer is winding up (keeping what it got)


async def _receive(ctx: ServerContext, request: Request, transfer: Transfer, length: int) -> bool:
    """Writes the body into the transfer; what arrived is kept even when the connection breaks off, goes
    quiet or a new PUT takes over. True when the body was longer than announced (the excess is not
    written)."""
    pending: list[bytes] = []
    too_long = [False]
    outer = anyio.CancelScope()
    transfer.interrupt = outer.cancel  # a new PUT taking over stops this one

    async def read_then_stop_heeding(heeding: anyio.CancelScope) -> None:
        try:
            await _read(ctx, request, transfer, length, pending, too_long)
        except ClientDisconnect:
            pass  # the connection broke off: what arrived stays
        finally:
            heeding.cancel()

    try:
        with outer:
            async with anyio.create_task_group() as group:
                group.start_soon(_heed, ctx, transfer)
                await read_then_stop_heeding(group.cancel_scope)
    except BaseExceptionGroup as failed:  # the reader's own error, as it was (the others are logged)
        raise first_failure(failed) from None
    finally:
        transfer.interrupt = None
        with anyio.CancelScope(shield=True):
            await run_in_threadpool(transfer.finishing)  # no heartbeat from now on, but not stalled
            await _flush(transfer, pending)
            await run_in_threadpool(transfer.checkpoint)
    return too_long[0]


def first_failure(failed: BaseExceptionGroup[BaseException]) -> BaseException:
    """The first error of a task group's (perhaps nested) group, which the request answers; the others
    (e.g. the heartbeat's, failing at the same time) are logged, not lost."""
    leaves: list[BaseException] = []
    stack: list[BaseException] = [failed]
    while stack:
        exc = stack.pop()
        if isinstance(exc, BaseExceptionGroup):
            stack.extend(reversed(exc.exceptions))
        else:
            leaves.append(exc)
    for other in leaves[1:]:
        log.error("an upload transfer failed in more than one way", exc_info=other)
    return leaves[0]


async def _heed(ctx: ServerContext, transfer: Transfer) -> None:
    """While the transfer receives: renews its heartbeat for other server processes and stops it when one
    of them asks and it is idle long enough (a request from this process interrupts it directly)."""
    takeover = ctx.settings.upload_takeover_seconds
    every = min(HEED_EVERY_SECONDS, takeover / 4)
    while True:
        await anyio.sleep(every)
        if await run_in_threadpool(transfer.asked_to_stop, takeover):
            transfer.take_over()
            return
        await run_in_threadpool(transfer.beat)


async def _read(
    ctx: ServerContext,
    request: Request,
    transfer: Transfer,
    length: int,
    pending: list[bytes],
    too_long: list[bool],
) -> None:
    buffered = since_checkpoint = received = 0
    chunks = request.stream().__aiter__()
    idle = ctx.settings.upload_idle_seconds
    while True:
        chunk = b""
        with anyio.move_on_after(idle) as scope:
            try:
                chunk = await chunks.__anext__()
            except StopAsyncIteration:
                break
        if scope.cancelled_caught:
            break  # nothing arrived for a while: keep what came
        transfer.heard = time.monotonic()
        if received + len(chunk) > length:
            chunk, too_long[0] = chunk[: length - received], True
        received += len(chunk)
        pending.append(chunk)
        buffered += len(chunk)
        if buffered >= 1 << 20 or too_long[0]:
            await _flush(transfer, pending)
            since_checkpoint += buffered
            buffered = 0
            if since_checkpoint >= CHECKPOINT_BYTES:
                await run_in_threadpool(transfer.checkpoint)
                since_checkpoint = 0
        if too_long[0]:
            break


async def _flush(transfer: Transfer, pending: list[bytes]) -> None:
    if pending:
        data = b"".join(pending)
        pending.clear()
        await run_in_threadpool(transfer.write, data)
