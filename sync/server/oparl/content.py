"""File bytes for OParl: `accessUrl` (inline) and `downloadUrl` (attachment, as OParl requires).

The same visibility as every OParl object (public files for anyone, more with a bearer token), the
same streaming, ETag, Range and nginx hand-over as `/api/v1/files/{id}/content`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Request, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from sync.protocol.kinds import Kind
from sync.server import audience as aud
from sync.server.api.files import FileSliceResponse, parse_range
from sync.server.context import ServerContext
from sync.server.errors import NotFound
from sync.server.models import FeedObject, File
from sync.server.oparl.access import resolve_oparl_caller


@dataclass(frozen=True)
class _Located:
    path: str
    size: int
    sha256: str
    mime_type: str
    file_name: str


def _locate(ctx: ServerContext, request: Request, file_id: int) -> _Located:
    with ctx.sessions() as session:
        who = resolve_oparl_caller(session, request)
        row = session.execute(
            select(FeedObject.audience, File.sha256, File.mime_type, File.file_name)
            .join(File, File.id == FeedObject.obj_id)
            .where(
                FeedObject.kind == int(Kind.FILE),
                FeedObject.obj_id == file_id,
                FeedObject.payload.is_not(None),
                File.document_id.is_(None),
            )
        ).first()
        if row is None or not who.sees(aud.decode(row.audience)):
            raise NotFound(f"No file with id {file_id}.")
        path = ctx.blobs.path(row.sha256)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise NotFound("The file's content is missing on the server.") from None
        return _Located(str(path), size, row.sha256, row.mime_type, row.file_name)


async def serve(request: Request, file_id: int, attachment: bool) -> Response:
    ctx: ServerContext = request.app.state.ctx
    found = await run_in_threadpool(_locate, ctx, request, file_id)
    etag = f'"{found.sha256}"'
    disposition = "attachment" if attachment else "inline"
    ascii_name = found.file_name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, no-store",
        "Content-Type": found.mime_type,
        "Content-Disposition": (
            f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(found.file_name, safe='')}"
        ),
    }
    inm = request.headers.get("if-none-match")
    if inm and (inm.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in inm.split(",")]):
        return Response(status_code=304, headers={"ETag": etag})
    accel = ctx.settings.accel_redirect
    if accel and "if-range" not in request.headers:
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
