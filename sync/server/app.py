"""The FastAPI application: routers, error handlers, request logging, body limits."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.server.api import admin, auth, changes, deliveries, files, read, uploads, write
from sync.server.api import annotations as annotation_api
from sync.server.api import events as events_api
from sync.server.blobstore import BlobStore
from sync.server.config import Settings
from sync.server.context import ServerContext
from sync.server.db import make_engine, make_sessionmaker, migrate, write_session
from sync.server.errors import ApiError, PayloadTooLarge
from sync.server.events import ChangeWatcher
from sync.server.oparl import routes as oparl
from sync.server.periodic import PeriodicTasks
from sync.server.publish import republish_bodies
from sync.server.staging import Staging

log = logging.getLogger("gremalda.server")


def error_body(code: str, title: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "title": title, "message": message, **extra}}


class BodyLimit:
    """Refuses request bodies over the limit (413), declared or streamed, before anything is written."""

    def __init__(self, app: ASGIApp, json_limit: int, upload_limit: int, batch_limit: int = 0) -> None:
        self.app, self.json_limit, self.upload_limit = app, json_limit, upload_limit
        self.batch_limit = max(batch_limit, json_limit)  # annotation batches: up to 500 records

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path.startswith(("/api/v1/blobs", "/api/v1/uploads/")):
            limit = self.upload_limit
        elif path == annotation_api.BATCH_PATH:
            limit = self.batch_limit
        else:
            limit = self.json_limit
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                response = JSONResponse(
                    error_body("payload_too_large", "Too large", f"The request body exceeds {limit} bytes."),
                    413,
                )
                await response(scope, receive, send)
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise PayloadTooLarge(f"The request body exceeds {limit} bytes.")
            return message

        await self.app(scope, limited, send)


class RequestLog:
    """One structured log line per request, with a request id echoed in X-Request-Id (pure ASGI, so
    streamed downloads pass through untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")[:64]
        rid = "".join(c for c in given if c.isalnum() or c in "-_") or uuid.uuid4().hex[:16]
        scope["request_id"] = rid
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                extra={
                    "request_id": rid,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status or 500,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )


def create_app(settings: Settings, *, run_migrations: bool = True) -> FastAPI:
    if run_migrations:
        migrate(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    ctx = ServerContext(
        settings,
        engine,
        make_sessionmaker(engine, time_zone=settings.body_time_zone),
        BlobStore(settings.blob_dir),
    )
    with write_session(ctx.sessions) as session:
        republish_bodies(session)  # their records name the zone of this start's settings
    app = FastAPI(
        title="Gremalda document-management backend",
        version="1.0",
        description="Meeting folders and e-files for the Gremalda client; OParl-aligned model.",
    )
    app.state.ctx = ctx
    app.state.staging = Staging(settings.upload_dir, settings.upload_expiry.total_seconds())
    app.state.events = ChangeWatcher(ctx)
    app.state.periodic = PeriodicTasks(ctx)  # run while the Server below runs

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.title, exc.message), exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"where": ".".join(str(x) for x in e.get("loc", ())), "problem": e.get("msg", "")}
            for e in exc.errors()
        ]
        return JSONResponse(
            error_body("invalid", "Invalid input", "The request is not valid.", problems=problems), 422
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.__cause__, ApiError):  # FastAPI turns errors while reading the body into a 400
            return await _api_error(request, exc.__cause__)  # e.g. BodyLimit's 413 for a streamed body
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(
            error_body(code, str(exc.detail), str(exc.detail)),
            exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        rid = request.scope.get("request_id", "-")
        log.error("unhandled error", exc_info=exc, extra={"request_id": rid, "path": request.url.path})
        return JSONResponse(
            error_body("internal", "Server error", f"Something went wrong on the server. Reference: {rid}"),
            500,
            # sent from outside RequestLog, so add its header here; uvicorn closes the connection after an
            # unhandled error, so tell the client not to reuse it
            headers={"X-Request-Id": rid, "Connection": "close"},
        )

    @app.get("/health", tags=["ops"])
    def health() -> dict[str, str]:
        with ctx.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return {"status": "ok"}

    for module in (
        auth,
        admin,
        read,
        files,
        uploads,
        write,
        deliveries,
        changes,
        events_api,
        annotation_api,
        oparl,
    ):
        app.include_router(module.router)
    app.add_middleware(
        BodyLimit,
        json_limit=settings.max_json_bytes,
        upload_limit=settings.max_upload_bytes,
        batch_limit=annotation_api.MAX_BATCH_BYTES,
    )
    app.add_middleware(RequestLog)
    return app


def close_streams(app: object) -> None:
    """Ends the push channel's open streams (the server is stopping: uvicorn waits for open responses)."""
    state = getattr(app, "state", None)
    watcher = getattr(state, "events", None)
    if isinstance(watcher, ChangeWatcher):
        watcher.close()


class Server(uvicorn.Server):
    """uvicorn's server that ends the push channel's streams first when it stops; otherwise it would
    wait for them (forever, or until its graceful-shutdown timeout cancels them). It runs the app's
    periodic passes while it runs."""

    def _periodic(self) -> PeriodicTasks | None:
        periodic = getattr(getattr(self.config.app, "state", None), "periodic", None)
        return periodic if isinstance(periodic, PeriodicTasks) else None

    async def startup(self, sockets: list[Any] | None = None) -> None:
        await super().startup(sockets)
        if self.started and (periodic := self._periodic()) is not None:
            periodic.start()  # the server's periodic passes (periodic.py)

    async def shutdown(self, sockets: list[Any] | None = None) -> None:
        close_streams(self.config.app)
        if (periodic := self._periodic()) is not None:
            periodic.stop()
        await super().shutdown(sockets)
