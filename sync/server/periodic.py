"""The server's periodic passes, on a thread of their own while the server runs.

Every hour: withheld annotations whose authors may see their files by now are shared again
(publish.reshare_withheld) -- rights that grow on a date, without anything being written then (a membership
whose start date comes), are otherwise never looked at. The day is the one the server judges readers' rights
on (`date.today()`, injectable for tests), so a note is shared again within the hour its author's access
begins. Behind several server processes each runs the pass; writers take turns, and a note shared again is
no longer withheld for the next one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date

from sync.server.context import ServerContext
from sync.server.db import write_session
from sync.server.publish import reshare_withheld

log = logging.getLogger("gremalda.server.periodic")

EVERY_SECONDS = 3600.0


class PeriodicTasks:
    def __init__(
        self, ctx: ServerContext, *, every: float = EVERY_SECONDS, today: Callable[[], date] = date.today
    ) -> None:
        self.ctx, self.every, self.today = ctx, every, today
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> None:
        """One round of every pass (each in a transaction of its own)."""
        with write_session(self.ctx.sessions) as session:
            reshare_withheld(session, self.today())

    def start(self) -> None:
        """Runs the passes every `every` seconds (the first after `every`) until `stop`."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="periodic-tasks", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.run_once()
            except Exception:  # the next round tries again; the server goes on meanwhile
                log.exception("a periodic pass failed")
