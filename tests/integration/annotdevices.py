"""Client devices that annotate, against a real server that can be stopped and started again.

A :class:`Device` is a real replica (SQLCipher, keys in the OS keyring: run under `.ci/with-keyring`)
signed in to the server, optionally through a fault-injecting proxy of its own, with the sync engine run
in this process. :class:`RestartableServer` is the test world's server on a fixed loopback port that
can be stopped (the network is gone) and started again with everything it stored.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn

from gremalda.core.account import sign_in
from gremalda.core.annotations.merge import create
from gremalda.core.annotations.records import Annotation, Kind, Visibility
from gremalda.core.annotations.store import AnnotationStore
from gremalda.paths import DataPaths, data_paths
from gremalda.store.keys import DATABASE_KEY, VAULT_KEY, delete_key
from gremalda.store.replica import Store, StoreReplica, account_user_id, open_store
from sync.client import ServerApi
from sync.engine import RetryPolicy, SyncEngine, SyncReport
from sync.server.app import create_app
from sync.server.config import Settings
from tests.harness.faultproxy import FaultProxy
from tests.integration.live import HeldPort, LiveServer, PortServer
from tests.integration.syncworld import replica_api, require_secret_service
from tests.integration.world import PASSWORD, World, build_world

QUICK = RetryPolicy(attempts=3, base=0.01, cap=0.05)
ONCE = RetryPolicy(attempts=1)


class RestartableServer:
    """The app on one loopback port; `stop()` and `start()` keep its database and blobs."""

    def __init__(self, tmp: Path, database_url: str | None = None) -> None:
        tmp.mkdir(parents=True, exist_ok=True)
        url = database_url or f"sqlite:///{tmp}/server.sqlite3"
        settings = Settings(data_dir=tmp, database_url=url, secret=b"s" * 32)
        self.app = create_app(settings)
        self.held = HeldPort()  # the same port across restarts, never free for another process meanwhile
        self.port = self.held.port
        self.live = LiveServer(f"http://127.0.0.1:{self.port}", self.app.state.ctx)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.live.url

    def start(self) -> None:
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_config=None, access_log=False, lifespan="off"
        )
        server = PortServer(config, self.held)
        thread = threading.Thread(target=server.serve_here, name=f"uvicorn-{self.port}", daemon=True)
        thread.start()
        deadline = time.monotonic() + 120  # polled: returns as soon as it runs
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        self._server, self._thread = server, thread

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=60)
        self._server = self._thread = None
        self.held.pause()  # whatever happened: not listening while stopped

    @property
    def running(self) -> bool:
        return self._server is not None

    def close(self) -> None:
        self.stop()
        for client in self.live.clients:
            client.close()
        self.held.close()
        self.app.state.ctx.engine.dispose()


@contextmanager
def restartable_world(
    tmp: Path, database_url: str | None = None
) -> Iterator[tuple[RestartableServer, World]]:
    """The test world on a server of its own (SQLite in `tmp`, or the database at `database_url`)."""
    server = RestartableServer(tmp, database_url)
    try:
        world = build_world(server.live.ctx)
        server.start()
        yield server, world
    finally:
        server.close()


@dataclass
class Device:
    """One signed-in client replica, open for the test's duration."""

    name: str
    paths: DataPaths
    store: Store
    proxy: FaultProxy | None = None
    timeout: float = 30.0  # generous: a slow answer of a loaded machine is not a dead server
    replica: StoreReplica = field(init=False)

    def __post_init__(self) -> None:
        self.replica = StoreReplica(self.store)

    @property
    def notes(self) -> AnnotationStore:
        return self.replica.annotations

    @property
    def user_id(self) -> str:
        uid = account_user_id(self.store)
        assert uid is not None
        return uid

    def api(self, timeout: float | None = None) -> ServerApi:
        """A client with the device's timeout, or `timeout` (a short one where a stall is to be noticed)."""
        return replica_api(self.store, timeout=self.timeout if timeout is None else timeout)

    def sync(self, retry: RetryPolicy = QUICK, **kwargs: Any) -> SyncReport:
        with self.api() as api:
            return SyncEngine(api, self.replica, retry=retry, workers=2, **kwargs).run_once()

    def push(self, retry: RetryPolicy = QUICK, *, timeout: float | None = None) -> SyncReport:
        with self.api(timeout) as api:
            return SyncEngine(api, self.replica, retry=retry).push_only()

    def note(
        self,
        file_id: int,
        text: str = "Rückfrage",
        visibility: Visibility = Visibility.PRIVATE,
        page: int = 0,
    ) -> Annotation:
        """A sticky note made and saved here."""
        record = create(
            self.notes.device,
            now="2026-12-01T10:00:00+00:00",
            file_id=str(file_id),
            kind=Kind.NOTE,
            page=page,
            author_id=self.user_id,
            author_name=f"Person {self.name}",
            rect=(72.0, 72.0, 92.0, 92.0),
            text=text,
            visibility=visibility,
        )
        return self.notes.save(record)

    def records(self, ids: set[str] | None = None) -> dict[str, Annotation]:
        """Every annotation the replica holds (deleted ones too), by id; only `ids` when given."""
        return {a.id: a for a in self.notes.all(include_deleted=True) if ids is None or a.id in ids}


class Devices:
    """Signs devices in (each its own data directory and keys) and closes them at the end."""

    def __init__(self, tmp: Path, server: RestartableServer) -> None:
        require_secret_service()
        self.tmp = tmp
        self.server = server
        self.devices: list[Device] = []
        self._stack = ExitStack()

    def add(self, user: str, name: str, *, proxy: bool = False, timeout: float = 30.0) -> Device:
        fault_proxy = self._stack.enter_context(FaultProxy(self.server.url)) if proxy else None
        paths = data_paths(self.tmp / f"device-{name}")
        url = fault_proxy.url if fault_proxy is not None else self.server.url
        sign_in(paths, url, user, PASSWORD, device_name=name)
        store = open_store(paths)
        device = Device(name, paths, store, fault_proxy, timeout)
        self.devices.append(device)
        return device

    def add_behind_proxy(self, user: str, name: str, *, timeout: float = 30.0) -> tuple[Device, FaultProxy]:
        """A device that reaches the server through a fault-injecting proxy of its own, and that proxy."""
        device = self.add(user, name, proxy=True, timeout=timeout)
        assert device.proxy is not None
        return device, device.proxy

    def close(self) -> None:
        for device in self.devices:
            device.store.close()
            for key in (DATABASE_KEY, VAULT_KEY):
                delete_key(key, device.paths.root)
        self._stack.close()


@contextmanager
def devices(tmp: Path, server: RestartableServer) -> Iterator[Devices]:
    group = Devices(tmp, server)
    try:
        yield group
    finally:
        group.close()


def publish_paper(server: RestartableServer, name: str) -> None:
    """The clerk publishes a paper (announced to connected clients as a change)."""
    with server.live.client(server.live.token("clerk")) as clerk:
        r = clerk.post("/api/v1/papers", json={"name": name})
        assert r.status_code == 201, r.text


def server_record(device: Device, annotation_id: str) -> tuple[int, dict[str, Any]]:
    """The server's version and record of an annotation, asked as `device`'s user."""
    with device.api() as api:
        state = api.get_annotation(annotation_id)
    return state.version, state.record
