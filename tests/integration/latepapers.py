"""Connected members' clients and a clerk, against the real server (issue 6, parts 3-5): shared by the late
paper tests and the late paper benchmark.

A :class:`ConnectedClient` is what the desktop client runs without its window: a real replica (SQLCipher,
keys in the OS keyring), :class:`sync.engine.BackgroundSync` running :func:`gremalda.core.syncing.synchronise`
passes on its thread, and the push channel listener (:mod:`gremalda.core.push_channel`) on another,
triggering a pass when the server announces a change. :class:`Clerk` publishes late papers through
:class:`sync.client.ServerApi` (resumable upload, then POST /api/v1/files) and reads the delivery table.
"""

from __future__ import annotations

import hashlib
import io
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from gremalda.core.push_channel import server_api
from gremalda.core.syncing import SyncOutcome, synchronise
from gremalda.paths import DataPaths
from gremalda.store.database import open_replica
from gremalda.store.replica import put_state
from sync.client import ServerApi, backoff_delays
from sync.engine import BackgroundSync, EventListener, Phase, Progress
from tests.integration.world import PASSWORD, minimal_pdf


def quick_backoff() -> Iterator[float]:
    return backoff_delays(0.05, 1.0)


@dataclass
class ConnectedClient:
    """A member's client running in the background: sync passes plus the push channel."""

    name: str
    paths: DataPaths
    index: bool = False
    workers: int = 2
    on_pass: Callable[[str, SyncOutcome], None] | None = None
    backoff: Callable[[], Iterator[float]] = quick_backoff  # after a failed pass (the tests: quick)
    passes: list[SyncOutcome] = field(default_factory=list)
    done_at: float = 0.0  # time.monotonic() when the last pass's engine part ended (its files stored)
    errors: list[BaseException] = field(default_factory=list)
    background: BackgroundSync[SyncOutcome] = field(init=False)
    listener: EventListener = field(init=False)

    def __post_init__(self) -> None:
        self.background = BackgroundSync(
            self._pass, interval=3600.0, on_error=self.errors.append, backoff=self.backoff
        )
        self.listener = EventListener(
            lambda: server_api(self.paths),
            self.background.trigger,
            on_error=self.errors.append,
            backoff=quick_backoff,
            name=f"events-{self.name}",
        )

    def _pass(self, stop: threading.Event) -> SyncOutcome:
        outcome = synchronise(
            self.paths, stop=stop, index=self.index, workers=self.workers, progress=self._progress
        )
        self.passes.append(outcome)
        if self.on_pass is not None:
            self.on_pass(self.name, outcome)
        return outcome

    def _progress(self, progress: Progress) -> None:
        if progress.phase is Phase.DONE:
            self.done_at = time.monotonic()

    def start(self) -> None:
        self.background.start()
        self.listener.start()

    def stop(self) -> None:
        self.listener.stop()
        self.background.stop()

    def holds(self, file_id: int, sha256: str) -> bool:
        """The file's content is stored complete in this replica's vault."""
        with open_replica(self.paths, create=False) as db:  # not the vault: the pass may be writing
            row = db.conn.execute("SELECT sha256, state FROM file WHERE id = ?", (str(file_id),)).fetchone()
        return row is not None and row[0] == sha256 and row[1] == "complete"

    def move_server(self, url: str) -> None:
        """The server is reached at another address from now on (e.g. after a network change)."""
        with open_replica(self.paths, create=False) as db, db.transaction() as conn:
            put_state(conn, "server_url", url)

    def has_file(self, file_id: int) -> bool:
        with open_replica(self.paths, create=False) as db:
            row = db.conn.execute("SELECT 1 FROM file WHERE id = ?", (str(file_id),)).fetchone()
        return row is not None


def wait_until(check: Callable[[], bool], timeout: float, what: str, poll: float = 0.05) -> float:
    """Poll `check` until it holds; the seconds it took. AssertionError after `timeout`."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(poll)
    return time.monotonic() - start


class Clerk:
    """The body's clerk, writing through the client API."""

    def __init__(self, url: str, username: str = "clerk", password: str = PASSWORD) -> None:
        self.api = ServerApi(url, trust_env=False)
        self.api.login(username, password, "Sitzungsdienst")
        self._count = 0

    def close(self) -> None:
        self.api.close()

    def late_paper(
        self,
        *,
        agenda_item_id: int | None = None,
        meeting_id: int | None = None,
        supersedes_id: int | None = None,
        data: bytes | None = None,
        chunk_size: int = 1 << 20,
    ) -> tuple[int, str]:
        """Upload a PDF and attach it as a late paper (or as the new version of `supersedes_id`): its
        file id and sha256."""
        self._count += 1
        data = data or minimal_pdf(f"Tischvorlage {self._count} {time.time_ns()}: Änderungsantrag")
        name = f"Tischvorlage {self._count}"
        result = self.api.upload(
            io.BytesIO(data),
            len(data),
            "application/pdf",
            f"tischvorlage-{self._count}.pdf",
            sha256=hashlib.sha256(data).hexdigest(),
            chunk_size=chunk_size,
        )
        body: dict[str, Any] = {
            "name": name,
            "file_name": f"tischvorlage-{self._count}.pdf",
            "mime_type": "application/pdf",
            "sha256": result.sha256,
            "role": "late",
            "change_note": f"Nachtrag {self._count}",
        }
        if agenda_item_id is not None:
            body["agenda_item_id"] = agenda_item_id
        if meeting_id is not None:
            body["meeting_id"] = meeting_id
        if supersedes_id is not None:
            body["supersedes_id"] = supersedes_id
        created = self.api.write("POST", "api/v1/files", body, idempotency_key=f"late-{time.time_ns()}")
        return int(created["id"]), result.sha256

    def deliveries(self, meeting_id: int) -> dict[int, dict[str, Any]]:
        """The delivery table of the meeting, rows by person id."""
        table = self.api.get_json(f"api/v1/meetings/{meeting_id}/deliveries")
        return {int(row["person_id"]): row for row in table["rows"]}
