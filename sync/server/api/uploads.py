"""Resumable uploads for clerks: POST announces an upload, PUT sends a byte range (Content-Range) at the
stored offset, GET tells the offset. When the last byte arrives the content is checked (PDF magic, declared
sha256) and moved into the blob store; POST /api/v1/files then uses its sha256 as for POST /api/v1/blobs.
A transfer cut off keeps the bytes that arrived; a wrong start is answered 409 with the offset."""

from __future__ import annotations

import re
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


def _own(staged: Staging, who: Caller, upload_id: str) -> Upload:
    upload = staged.load(upload_id)
    if upload is None or upload.user_id != who.user.id:
        raise NotFound("No upload with this id (it may have expired after 24 hours). Start it again.")
    return upload


def _offset_conflict(upload: Upload, message: str) -> JSONResponse:
    error = {"code": "conflict", "title": "Conflict", "message": message, "offset": upload.offset}
    return JSONResponse({"error": error, "offset": upload.offset}, 409)


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
    return _own(staging_of(request), who, upload_id).answer()


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
    upload = await run_in_threadpool(_own, staged, who, upload_id)
    if upload.complete:  # a retried last range whose answer was lost
        return JSONResponse(upload.answer())
    start, end = _parse_range(request.headers.get("content-range"), upload)
    length = end - start + 1
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) != length:
        raise Invalid(f"The body has {declared} bytes but Content-Range names {length}.")
    if start != upload.offset:
        return _offset_conflict(
            upload, f"The upload continues at byte {upload.offset}, not {start}. Send from there."
        )
    try:
        transfer = await run_in_threadpool(staged.open_transfer, upload)
    except TransferBusy:
        return _offset_conflict(
            upload, "A previous transfer of this upload is still under way. Ask for the offset and retry."
        )
    except OffsetMoved as moved:
        return _offset_conflict(
            moved.upload, f"The upload continues at byte {moved.upload.offset}, not {start}. Send from there."
        )
    try:
        too_long = await _receive(ctx, request, transfer, length)
    finally:
        await run_in_threadpool(transfer.close)
    if too_long:
        raise Invalid(
            f"The body is longer than the {length} bytes Content-Range names; "
            f"the upload continues at byte {upload.offset}."
        )
    if upload.offset < upload.size:
        return JSONResponse({"offset": upload.offset, "complete": False})
    try:
        stored = await run_in_threadpool(staged.finish, upload, ctx.blobs)
    except ContentRefused as exc:
        raise (UnsupportedMedia if exc.wrong_type else Invalid)(str(exc)) from None
    return JSONResponse(
        {
            "offset": upload.size,
            "complete": True,
            "sha256": stored.sha256,
            "size": stored.size,
            "mime_type": upload.mime_type,
        }
    )


async def _receive(ctx: ServerContext, request: Request, transfer: Transfer, length: int) -> bool:
    """Writes the body into the transfer; what arrived is kept even when the connection breaks off or goes
    quiet. True when the body was longer than announced (the excess is not written)."""
    pending: list[bytes] = []
    buffered = since_checkpoint = received = 0
    too_long = False
    chunks = request.stream().__aiter__()
    idle = ctx.settings.upload_idle_seconds
    try:
        while True:
            chunk = b""
            with anyio.move_on_after(idle) as scope:
                try:
                    chunk = await chunks.__anext__()
                except StopAsyncIteration:
                    break
            if scope.cancelled_caught:
                break  # nothing arrived for a while: keep what came
            if received + len(chunk) > length:
                chunk, too_long = chunk[: length - received], True
            received += len(chunk)
            pending.append(chunk)
            buffered += len(chunk)
            if buffered >= 1 << 20 or too_long:
                await _flush(transfer, pending)
                since_checkpoint += buffered
                buffered = 0
                if since_checkpoint >= CHECKPOINT_BYTES:
                    await run_in_threadpool(transfer.checkpoint)
                    since_checkpoint = 0
            if too_long:
                break
    except ClientDisconnect:
        pass  # the connection broke off: what arrived stays
    finally:
        with anyio.CancelScope(shield=True):
            await _flush(transfer, pending)
            await run_in_threadpool(transfer.checkpoint)
    return too_long


async def _flush(transfer: Transfer, pending: list[bytes]) -> None:
    if pending:
        data = b"".join(pending)
        pending.clear()
        await run_in_threadpool(transfer.write, data)
