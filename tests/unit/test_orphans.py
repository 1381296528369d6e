"""Worker processes end with their parent (gremalda.pdf.orphans), also when the parent was killed while the
worker was still starting: real processes, killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WAIT = 300.0  # s: waits end as soon as what they wait for happened; generous for a loaded CI machine

# The worker: starts slowly (until the file argv[2] exists; its parent may be killed meanwhile), then watches
# the parent it was given.
WORKER = """
import os, sys, time
deadline = time.monotonic() + 600
while not os.path.exists(sys.argv[2]) and time.monotonic() < deadline:
    time.sleep(0.01)
from gremalda.pdf.orphans import exit_with_parent
exit_with_parent(int(sys.argv[1]))
open(sys.argv[3], "w").close()  # watching
time.sleep(600)
"""

# The parent: starts the worker with its own pid, says the worker's pid, then waits to be killed.
PARENT = """
import os, subprocess, sys, time
worker = subprocess.Popen([sys.executable, "-c", sys.argv[1], str(os.getpid()), sys.argv[2], sys.argv[3]])
print(worker.pid, flush=True)
time.sleep(600)
"""


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"  # a zombie has ended


def _start(tmp_path: Path, started: Path) -> tuple[subprocess.Popen[str], int, Path]:
    """The parent and its worker, which goes on from its start once the file ``started`` exists."""
    marker = tmp_path / "watching"
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, WORKER, str(started), str(marker)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    with parent.stdout:
        worker = int(parent.stdout.readline())
    return parent, worker, marker


def _wait_until_ended(pid: int) -> bool:
    deadline = time.monotonic() + WAIT  # it usually ends at once
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _running(pid)


def test_a_worker_whose_parent_died_while_it_started_ends_at_once(tmp_path: Path) -> None:
    started = tmp_path / "started"
    parent, worker, marker = _start(tmp_path, started)
    parent.kill()  # before the worker got to watch it
    parent.wait()
    started.touch()  # the worker goes on only now
    try:
        assert _wait_until_ended(worker), "the worker outlived its parent"
        assert not marker.exists()  # it never started watching a foster parent
    finally:
        if _running(worker):
            os.kill(worker, signal.SIGKILL)


def test_a_watching_worker_ends_when_its_parent_is_killed(tmp_path: Path) -> None:
    started = tmp_path / "started"
    started.touch()  # at once
    parent, worker, marker = _start(tmp_path, started)
    try:
        deadline = time.monotonic() + WAIT  # a Python start and an import: a second, or many under load
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert marker.exists() and _running(worker)  # its parent lives: it keeps running
        parent.kill()
        parent.wait()
        assert _wait_until_ended(worker), "the worker outlived its parent"
    finally:
        if _running(worker):
            os.kill(worker, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()
