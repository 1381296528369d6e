"""The change feed endpoint."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from sync.server.api.deps import Caller, caller, context, db
from sync.server.context import ServerContext
from sync.server.feed import FeedReader

router = APIRouter(prefix="/api/v1", tags=["sync"])


@router.get("/changes")
def changes(
    cursor: str | None = Query(None, max_length=20_000),
    limit: int | None = Query(None, ge=1),
    who: Caller = Depends(caller),
    session: Session = Depends(db, scope="function"),
    ctx: ServerContext = Depends(context),
) -> Response:
    """Everything the caller may see that changed since `cursor`, in order; without a cursor a full
    snapshot. Follow `cursor` while `has_more` is true; keep the last cursor for the next sync."""
    size = min(limit or ctx.settings.feed_page_size, ctx.settings.feed_max_page_size)
    # the session is already in one transaction (opened to authenticate): one consistent read for the page
    page = FeedReader(session, who.user, ctx.settings.secret, date.today()).read(
        cursor, size, ctx.settings.feed_page_bytes
    )
    return Response(
        page.to_json_bytes(), media_type="application/json", headers={"Cache-Control": "no-store"}
    )
