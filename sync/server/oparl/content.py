"""File bytes for OParl: `accessUrl` (inline) and `downloadUrl` (attachment, as OParl requires).

The same visibility as every OParl object (public files for anyone, more with a bearer token), the
same streaming, ETag, Range and nginx hand-over as `/api/v1/files/{id}/content`.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from sync.protocol.kinds import Kind
from sync.server import audience as aud
from sync.server.api.files import Located, blob_response, located
from sync.server.context import ServerContext
from sync.server.errors import NotFound
from sync.server.models import FeedObject, File
from sync.server.oparl.access import resolve_oparl_caller


def _locate(ctx: ServerContext, request: Request, file_id: int) -> Located:
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
        return located(ctx, row.sha256, row.mime_type, row.file_name)


async def serve(request: Request, file_id: int, attachment: bool) -> Response:
    ctx: ServerContext = request.app.state.ctx
    found = await run_in_threadpool(_locate, ctx, request, file_id)
    kind = "attachment" if attachment else "inline"
    ascii_name = found.file_name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    disposition = f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(found.file_name, safe='')}"
    return blob_response(ctx, request, found, disposition)
