"""What every benchmark under tests/bench does the same way: the quick size (``SMALL=1`` / ``--small``),
progress lines on stderr, a deadline (``BENCH_TIMEOUT``), a temp dir under /tmp removed at the end, the
JSON line on stdout, and our server as a loopback subprocess pinned to its own CPU.

A benchmark is ``tests/bench/bench_<name>.py`` whose ``main()`` calls :func:`run_bench` with its
``run(tmp, small) -> dict`` (the figures, ``"bench"``, ``"targets"`` and ``"met"``); ``make bench
NAME=<name> SMALL=1`` runs it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from sync.server.blobstore import BlobStore  # noqa: E402
from sync.server.db import make_engine, make_sessionmaker, migrate  # noqa: E402
from tests.bench.keyring_session import reexec_in_keyring  # noqa: E402
from tests.harness.ports import LOOPBACK, free_port, wait_for_port  # noqa: E402

_T0 = time.perf_counter()

Log = Callable[[str], None]


class BenchTimeoutError(Exception):
    pass


def logger(name: str) -> Log:
    """A function printing progress lines ``[name  elapsed s] message`` to stderr."""

    def log(message: str) -> None:
        print(f"[{name} {time.perf_counter() - _T0:7.1f}s] {message}", file=sys.stderr, flush=True)

    return log


def small_run() -> bool:
    """The quick size: ``SMALL=1`` in the environment (``make bench SMALL=1``) or ``--small``."""
    return "--small" in sys.argv[1:] or os.environ.get("SMALL", "") not in ("", "0")


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of the values, rounded to the nearest index."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _on_alarm(_sig: int, _frame: FrameType | None) -> None:
    raise BenchTimeoutError("the benchmark ran out of time (BENCH_TIMEOUT)")


def emit(result: dict[str, Any]) -> None:
    """The benchmark's one line of figures on stdout."""
    print(json.dumps(result, ensure_ascii=False), flush=True)


def run_bench(
    script: str,
    name: str,
    run: Callable[[Path, bool], dict[str, Any]],
    *,
    timeout: Callable[[bool], float] | float,
    slack: int = 60,
    keyring: bool = False,
    temp_env: str | None = None,
) -> int:
    """Runs a benchmark's ``run(tmp, small)`` and prints its JSON line (with ``wall_seconds`` added).

    ``keyring``: re-execute ``script`` (the benchmark's ``__file__``) inside ``.ci/with-keyring`` first.
    ``timeout``: the default of ``BENCH_TIMEOUT`` (or a function of ``small`` giving it); the run is
    interrupted ``slack`` seconds after it. ``temp_env``: point TMPDIR (the client's and its workers'
    temp files) into the benchmark's temp dir, at that subdirectory of it (``"."``: the dir itself)."""
    if keyring:
        reexec_in_keyring(script)
    log = logger(name)
    small = small_run()
    default = timeout(small) if callable(timeout) else timeout
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(int(float(os.environ.get("BENCH_TIMEOUT", default))) + slack)
    tmp = Path(tempfile.mkdtemp(prefix=f"gremalda-{name}-", dir="/tmp"))
    if temp_env is not None:
        client_tmp = tmp / temp_env
        client_tmp.mkdir(exist_ok=True)
        os.environ["TMPDIR"] = str(client_tmp)
        tempfile.tempdir = None
    started = time.perf_counter()
    try:
        result = run(tmp, small)
    finally:
        signal.alarm(0)
        shutil.rmtree(tmp, ignore_errors=True)
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    log(f"done in {result['wall_seconds']} s; targets met: {result['met']}")
    emit(result)
    return 0


# --- our server as a subprocess, CPU pinning ---------------------------------------------------------


class ServerData(NamedTuple):
    """Our server's data directory with its SQLite database (migrated) and blob store, to seed through
    the ORM before the server starts on it."""

    data_dir: Path
    url: str
    engine: Engine
    sessions: sessionmaker[Session]
    blobs: BlobStore


def server_data(tmp: Path) -> ServerData:
    """``tmp/server``: the database migrated, an engine and sessions on it, the blob store."""
    data_dir = tmp / "server"
    data_dir.mkdir()
    url = f"sqlite:///{data_dir / 'gremalda.sqlite3'}"
    migrate(url)
    engine = make_engine(url)
    return ServerData(data_dir, url, engine, make_sessionmaker(engine), BlobStore(data_dir / "blobs"))


@dataclass
class OurServer:
    url: str
    proc: subprocess.Popen[bytes]


def _alive(proc: subprocess.Popen[bytes]) -> bool:
    return proc.poll() is None


@contextlib.contextmanager
def our_server(
    data_dir: Path, database_url: str, log_path: Path, extra_args: tuple[str, ...] = ()
) -> Iterator[OurServer]:
    """`gremalda-server` as a subprocess on a loopback port (retrying when the port was taken meanwhile)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GREMALDA_")}
    proc: subprocess.Popen[bytes] | None = None
    try:
        for attempt in range(3):
            port = free_port()
            command = [
                sys.executable,
                "-m",
                "sync.server",
                "--data-dir",
                str(data_dir),
                "--database-url",
                database_url,
                "--host",
                LOOPBACK,
                "--port",
                str(port),
                "--log-level",
                "info",
                *extra_args,
            ]
            with log_path.open("ab") as err:
                proc = subprocess.Popen(
                    command,
                    cwd=ROOT,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=err,
                    start_new_session=True,
                )
            running = proc
            try:
                wait_for_port(LOOPBACK, port, 60, alive=functools.partial(_alive, running))
            except ConnectionError:
                proc = None
                _end(running, grace=5)  # it may still be starting: it must not outlive the benchmark
                if attempt == 2:
                    raise RuntimeError(f"gremalda-server did not start; see {log_path}") from None
                continue
            break
        assert proc is not None
        yield OurServer(f"http://{LOOPBACK}:{port}", proc)
    finally:
        if proc is not None:
            _end(proc, grace=15)


def _end(proc: subprocess.Popen[bytes], grace: float) -> None:
    """Stops the server ``proc`` (SIGINT), killing its process group when it has not ended after ``grace``
    seconds."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (all their threads), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def children_of(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(entry.name))
    return out


def pin(pids: list[int], cpus: set[int] | None) -> None:
    """Pins every thread of these processes to `cpus` (new threads inherit it from their creator)."""
    if not cpus:
        return
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                os.sched_setaffinity(int(task.name), cpus)


def cpu_plan() -> tuple[set[int] | None, set[int] | None, str]:
    """(server CPUs, client CPUs, description). With two or more CPUs, and unless PIN=0, the server
    under test gets one CPU and the client (this process, curl) another: each server has the same
    single core, whatever its process model, and the client never competes with it."""
    cpus = sorted(os.sched_getaffinity(0))
    if os.environ.get("PIN", "1") == "0" or len(cpus) < 2:
        return None, None, f"not pinned ({len(cpus)} CPUs shared by servers and client)"
    return {cpus[0]}, {cpus[1]}, f"server on CPU {cpus[0]}, client on CPU {cpus[1]} (of {len(cpus)})"
