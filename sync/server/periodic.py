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
from collections.abc import Callable
from datetime import date

from sync.server.context import ServerContext
from sync.server.db import write_session
from sync.server.publish import reshare_withheld
from sync.threads import Worker

log = logging.getLogger("gremalda.server.periodic")

EVERY_SECONDS = 3600.0


class PeriodicTasks(Worker):
    """The passes on a thread of their own (a :class:`~sync.threads.Worker`): every `every` seconds (the
    first after `every`) from `start()` until `stop()`."""

    def __init__(
        self, ctx: ServerContext, *, every: float = EVERY_SECONDS, today: Callable[[], date] = date.today
    ) -> None:
        super().__init__("periodic-tasks")
        self.ctx, self.every, self.today = ctx, every, today

    def run_once(self) -> None:
        """One round of every pass (each in a transaction of its own)."""
        with write_session(self.ctx.sessions) as session:
            reshare_withheld(session, self.today())

    def start(self) -> None:
        """Runs the passes until `stop`; while they run already, does nothing."""
        if not self.running:
            super().start()

    def stop(self, timeout: float | None = 30.0) -> None:
        """Ends the passes, waiting at most `timeout` seconds for one that is under way."""
        super().stop(timeout)

    def _run(self) -> None:
        while not self.stop_event.wait(self.every):
            try:
                self.run_once()
            except Exception:  # the next round tries again; the server goes on meanwhile
                log.exception("a periodic pass failed")
