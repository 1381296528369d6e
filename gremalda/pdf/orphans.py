"""Worker processes end with their parent: a process pool's workers otherwise wait on their call queue
for good when the parent is killed (``kill -9`` leaves no chance to shut the pool down)."""

from __future__ import annotations

import os
import threading
import time

POLL_SECONDS = 0.25


def exit_with_parent(parent: int | None = None) -> None:
    """Start a daemon thread that ends this process as soon as its parent is gone (it is then adopted
    by another process, so ``getppid()`` changes).

    ``parent``: the pid of the process that started this one, as that process saw itself (pass
    ``os.getpid()`` in the pool's ``initargs``). Without it the parent is read here, which is too late
    when the parent was killed while this worker was still starting: it would watch its new foster parent
    and wait for work forever. With it, a worker whose parent is already gone ends at once."""
    if parent is None:
        parent = os.getppid()
    elif os.getppid() != parent:
        os._exit(0)

    def watch() -> None:
        while True:
            time.sleep(POLL_SECONDS)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
