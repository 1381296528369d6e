"""The push channel: GET /api/v1/events, a text/event-stream of "changes" events.

An event (``id: <seq>``, ``event: changes``, ``data: {"seq": <seq>}``) means: a change the caller may
notice committed (something they may see changed, or something left them); fetch the change feed. A
``: ping`` comment keeps the connection alive every `events_heartbeat_seconds`. With Last-Event-ID (or
``?after=<seq>``) one event comes at once when such changes happened after it. The stream holds no
database connection; it ends when the server stops, the device is revoked or its access token expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import Message, Receive, Scope, Send

from sync.server.api.deps import Caller, resolve_caller
from sync.server.context import ServerContext
from sync.server.errors import ApiError, Invalid
from sync.server.events import CLOSED, ChangeWatcher, Subscriber

router = APIRouter(prefix="/api/v1", tags=["sync"])

PING = b": ping\n\n"


class ServiceUnavailable(ApiError):
    status = 503
    code = "unavailable"
    title = "Not available"


def event_text(seq: int) -> bytes:
    return f"id: {seq}\nevent: changes\ndata: {json.dumps({'seq': seq})}\n\n".encode()


class EventStream(Response):
    """Streams a subscriber's events until the client leaves or the stream must end."""

    media_type = "text/event-stream"

    def __init__(self, watcher: ChangeWatcher, sub: Subscriber, heartbeat: float) -> None:
        super().__init__(
            headers={
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",  # behind nginx: pass every event on at once
            },
            media_type="text/event-stream; charset=utf-8",
        )
        self.raw_headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]  # streamed
        self.watcher, self.sub, self.heartbeat = watcher, sub, heartbeat

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sub = self.sub

        async def client_left() -> None:
            message: Message = {"type": ""}
            while message["type"] != "http.disconnect":
                message = await receive()
            sub.close_now()

        watch = asyncio.ensure_future(client_left())
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            await send({"type": "http.response.body", "body": PING, "more_body": True})
            while True:
                seq = await sub.next(self.heartbeat)
                if seq == CLOSED:
                    break
                data = PING if seq is None else event_text(seq)
                await send({"type": "http.response.body", "body": data, "more_body": True})
            if not watch.done():
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
            self.watcher.unsubscribe(sub)


def _last_event_id(request: Request, after: int | None) -> int | None:
    header = request.headers.get("last-event-id")
    if header is not None and header.strip():
        text = header.strip()
        if not text.isdigit() or len(text) > 18:
            raise Invalid("Last-Event-ID must be the number of an event this server sent.")
        return int(text)
    return after


def _subscribe(
    ctx: ServerContext,
    watcher: ChangeWatcher,
    request: Request,
    after: int | None,
    loop: asyncio.AbstractEventLoop,
) -> Subscriber:
    with ctx.sessions() as session:
        who: Caller = resolve_caller(session, request)
    sub = watcher.subscribe(who.user, who.device, who.keys, after or 0, loop)
    if after is not None:
        try:
            found = watcher.relevant_since(after, who.keys, who.device.id)
        except BaseException:
            watcher.unsubscribe(sub)
            raise
        if found is not None:
            sub.notify(found, force=True)
    return sub


@router.get("/events", response_class=Response)
async def events(request: Request, after: int | None = Query(None, ge=0, le=2**62)) -> Response:
    """Server-sent events: "changes" when something the caller may see changed (fetch the feed then)."""
    ctx: ServerContext = request.app.state.ctx
    watcher: ChangeWatcher = request.app.state.events
    since = _last_event_id(request, after)
    if watcher.closed:
        raise ServiceUnavailable("The server is stopping. Connect again in a moment.")
    loop = asyncio.get_running_loop()
    sub = await run_in_threadpool(_subscribe, ctx, watcher, request, since, loop)
    return EventStream(watcher, sub, ctx.settings.events_heartbeat_seconds)
