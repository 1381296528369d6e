"""File content: download with a strong ETag, If-None-Match, Range/If-Range and HEAD, streamed in
constant memory; blob upload for clerks, streamed to the content-addressed store."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import anyio
from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.types import Receive, Scope, Send

from sync.protocol.kinds import Kind
from sync.server import audience as aud
from sync.server.api.deps import Caller, caller, context, resolve_caller
from sync.server.api.schemas import PathId
from sync.server.blobstore import BlobTooLarge
from sync.server.context import ServerContext
from sync.server.errors import Forbidden, NotFound, PayloadTooLarge, RangeNotSatisfiable, UnsupportedMedia
from sync.server.models import FeedObject, File, Role

router = APIRouter(prefix="/api/v1", tags=["files"])

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
ALLOWED_UPLOAD_TYPES = {
    "application/pdf",
    "application/octet-stream",
    "image/png",
    "image/jpeg",
    "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """One byte range as (start, end inclusive); None means 'send it all'. Raises when unsatisfiable."""
    match = _RANGE.match(header.strip())
    if match is None:
        return None  # several ranges or another unit: answer with the whole file, as RFC 9110 allows
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:
        length = int(last)
        if length == 0 or size == 0:  # nothing to send: "bytes 0--1/0" is no valid Content-Range
            raise RangeNotSatisfiable("Empty suffix range.", headers={"Content-Range": f"bytes */{size}"})
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        raise RangeNotSatisfiable(
            "The range lies outside the file.", headers={"Content-Range": f"bytes */{size}"}
        )
    return start, end


class FileSliceResponse(Response):
    """Streams bytes [start, end] of a file, reading chunks off the event loop."""

    def __init__(
        self,
        path: str,
        start: int,
        end: int,
        status_code: int,
        headers: dict[str, str],
        chunk: int,
        head: bool,
    ) -> None:
        super().__init__(status_code=status_code, headers=headers)
        self.path, self.start, self.end, self.chunk, self.head = path, start, end, chunk, head

    async def _chunks(self) -> AsyncIterator[bytes]:
        fd = await anyio.to_thread.run_sync(os.open, self.path, os.O_RDONLY)
        try:
            pos = self.start
            while pos <= self.end:
                size = min(self.chunk, self.end - pos + 1)
                data = await anyio.to_thread.run_sync(os.pread, fd, size, pos)
                if not data:
                    break
                pos += len(data)
                yield data
        finally:
            os.close(fd)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers})
        if self.head or self.end < self.start:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        async for data in self._chunks():
            await send({"type": "http.response.body", "body": data, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


@dataclass(frozen=True)
class Located:
    path: str
    size: int
    sha256: str
    mime_type: str
    file_name: str


def located(ctx: ServerContext, sha256: str, mime_type: str, file_name: str) -> Located:
    """Where the bytes of a visible file's content are, and how many; NotFound if they are missing."""
    path = ctx.blobs.path(sha256)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotFound("The file's content is missing on the server.") from None
    return Located(str(path), size, sha256, mime_type, file_name)


def _locate(ctx: ServerContext, request: Request, file_id: int) -> Located:
    """Authentication, visibility and lookup in one go (one trip to a worker thread per download)."""
    with ctx.sessions() as session:
        who = resolve_caller(session, request)
        row = session.execute(
            select(FeedObject.audience, File.sha256, File.mime_type, File.file_name)
            .join(File, File.id == FeedObject.obj_id)
            .where(
                FeedObject.kind == int(Kind.FILE),
                FeedObject.obj_id == file_id,
                FeedObject.payload.is_not(None),
            )
        ).first()
        if row is None or not (aud.decode(row.audience) & who.keys):
            raise NotFound(f"No file with id {file_id}.")
        return located(ctx, row.sha256, row.mime_type, row.file_name)


@router.get("/files/{file_id}/content")
async def download(file_id: PathId, request: Request) -> Response:
    ctx: ServerContext = request.app.state.ctx
    found = await run_in_threadpool(_locate, ctx, request, file_id)
    return blob_response(ctx, request, found, f"attachment; filename*=UTF-8''{_quote(found.file_name)}")


def blob_response(ctx: ServerContext, request: Request, found: Located, disposition: str) -> Response:
    """The bytes of a located (visible) file: strong ETag = sha256, If-None-Match, Range guarded by
    If-Range, HEAD, constant memory; behind nginx an X-Accel-Redirect to the internal blob location."""
    etag = f'"{found.sha256}"'
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, no-store",
        "Content-Type": found.mime_type,
        "Content-Disposition": disposition,
    }
    inm = request.headers.get("if-none-match")
    if inm and (inm.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in inm.split(",")]):
        return Response(status_code=304, headers={"ETag": etag})
    accel = ctx.settings.accel_redirect
    if accel and "if-range" not in request.headers:
        # behind nginx: it sends the bytes (and answers Range) from the internal blob location;
        # a resume guarded by If-Range is answered here, where the ETag is ours
        headers["X-Accel-Redirect"] = f"{accel}{found.sha256[:2]}/{found.sha256}"
        return Response(status_code=200, headers=headers)
    size, chunk = found.size, ctx.settings.download_chunk_bytes
    byte_range = None
    if "range" in request.headers:
        if_range = request.headers.get("if-range")
        if if_range is None or if_range.strip() == etag:
            byte_range = parse_range(request.headers["range"], size)
    head = request.method == "HEAD"
    if byte_range is None:
        headers["Content-Length"] = str(size)
        return FileSliceResponse(found.path, 0, size - 1, 200, headers, chunk, head)
    start, end = byte_range
    headers["Content-Length"] = str(end - start + 1)
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    return FileSliceResponse(found.path, start, end, 206, headers, chunk, head)


router.add_api_route(
    "/files/{file_id}/content", download, methods=["HEAD"], include_in_schema=False, name="download_head"
)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@router.post("/blobs", status_code=201)
async def upload_blob(
    request: Request, who: Caller = Depends(caller), ctx: ServerContext = Depends(context)
) -> dict[str, Any]:
    """Stores the request body (streamed) and answers its sha256 and size, to be used by POST /files."""
    if who.user.role != Role.CLERK:
        raise Forbidden("Only clerks may upload documents.")
    mime = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if mime not in ALLOWED_UPLOAD_TYPES:
        raise UnsupportedMedia(f"Documents of type {mime or 'unknown'} are not accepted.")
    declared = request.headers.get("content-length")
    limit = ctx.settings.max_upload_bytes
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"Documents may be at most {limit} bytes.")
    chunks = request.stream()
    try:
        stored = await ctx.blobs.put_stream(_pdf_only(chunks) if mime == "application/pdf" else chunks, limit)
    except BlobTooLarge:
        raise PayloadTooLarge(f"Documents may be at most {limit} bytes.") from None
    return {"sha256": stored.sha256, "size": stored.size, "mime_type": mime}


async def _pdf_only(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Passes the body on and refuses it at its end, before it is stored, unless it starts like a PDF."""
    head = b""
    async for chunk in chunks:
        if len(head) < 1024:
            head += chunk[: 1024 - len(head)]
        yield chunk
    if b"%PDF-" not in head:
        raise UnsupportedMedia("This is not a PDF file.")
