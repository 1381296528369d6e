"""A throw-away PostgreSQL cluster on loopback for integration tests and benchmarks.

Usage::

    with running_postgres(tmp_path / "pg") as url:  # postgresql+psycopg://postgres@127.0.0.1:PORT/gremalda_test
        engine = sqlalchemy.create_engine(url)
        ...
        engine.dispose()

Each call runs ``initdb`` into a fresh directory, starts the server on a free ``127.0.0.1`` port with unix
sockets disabled, creates the database and yields its SQLAlchemy URL. On exit (also when the body raises)
the server is stopped with ``pg_ctl stop -m fast`` and the data directory is deleted; the server log is
kept as ``base_dir/postgres-*.log``.

Design notes:

* The postmaster runs as a *child of this process* (``postgres -D ...``), not daemonized via ``pg_ctl start``:
  in containers whose PID 1 does not reap orphans (this sandbox's does not) a daemonized postmaster would be
  left behind as a zombie after every test. ``pg_ctl stop -m fast`` still does the shutdown; we then reap it.
* PostgreSQL refuses to run as root. As root, ``initdb``, ``postgres`` and ``pg_ctl`` run as the ``postgres``
  system user (``subprocess`` ``user=``/``group=``, no PAM, no extra tool). The data directory must then be
  reachable by that user: ``base_dir`` gets the "others may traverse" bit (``o+x``, not listing) if needed;
  if a parent directory is private (pytest's ``/tmp/pytest-of-root`` is 0700) the data directory goes to a
  private ``mkdtemp`` directory under the system temp dir instead, owned by ``postgres`` and deleted on exit.
* Authentication is ``trust``, and ``pg_hba.conf`` admits only ``127.0.0.1/32`` over TCP. Durability is
  off (``fsync``, ``synchronous_commit``, ``full_page_writes``, ``wal_level=minimal``): test data only.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from .ports import LOOPBACK, free_port

PG_BIN_ENV = "GREMALDA_PG_BIN"
"""Environment variable naming a directory with ``initdb``, ``pg_ctl`` and ``postgres`` (overrides search)."""

SERVICE_ACCOUNT = "postgres"
"""System user the server runs as when the tests run as root."""

SUPERUSER = "postgres"
"""Name of the cluster's superuser role (created by initdb, trust auth)."""

DEFAULT_DBNAME = "gremalda_test"

_REQUIRED_PROGRAMS = ("initdb", "pg_ctl", "postgres")

_SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "logging_collector": "off",
    "log_destination": "'stderr'",
}

_HBA_CONF = """\
# Written by tests/harness/postgres.py: passwordless (trust), but only over TCP from 127.0.0.1.
# TYPE  DATABASE  USER  ADDRESS       METHOD
host    all       all   127.0.0.1/32  trust
"""

_BIND_FAILURE = re.compile(r"could not bind|could not create any TCP/IP sockets|Address already in use")
_DBNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


class PostgresHarnessError(RuntimeError):
    """PostgreSQL could not be set up, started or stopped; the message includes the server log tail."""


@dataclass(frozen=True)
class PostgresServer:
    """A running cluster, as yielded by :func:`postgres_server`."""

    url: str
    host: str
    port: int
    user: str
    dbname: str
    pid: int
    bin_dir: Path
    data_dir: Path
    log_path: Path
    initdb_seconds: float
    start_seconds: float


@dataclass(frozen=True)
class _Account:
    """The identity server processes run under; ``None`` in place of this means "the current user"."""

    name: str
    uid: int
    gid: int
    home: str


# --------------------------------------------------------------------------------------------- discovery


def _has_server_programs(directory: Path) -> bool:
    return all(
        (directory / name).is_file() and os.access(directory / name, os.X_OK) for name in _REQUIRED_PROGRAMS
    )


def _version_key(path: Path) -> tuple[int, ...]:
    numbers = re.findall(r"\d+", str(path))
    return tuple(int(n) for n in numbers)


def _candidate_bin_dirs() -> Iterator[Path]:
    override = os.environ.get(PG_BIN_ENV)
    if override:
        yield Path(override)
    # Something on PATH (source builds, Fedora, Homebrew), or symlinks into the real directory, which is
    # preferred (some images carry /usr/local/bin/{initdb,pg_ctl,postgres} -> /usr/lib/postgresql/15/bin/...).
    for program in ("pg_ctl", "initdb", "postgres"):
        found = shutil.which(program)
        if found:
            yield Path(os.path.realpath(found)).parent
            yield Path(found).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            result = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=False
            )
            if result.returncode == 0 and result.stdout.strip():
                yield Path(result.stdout.strip())
    # Well-known layouts, newest major version first. Debian/Ubuntu keep server programs off PATH.
    patterns = (
        "/usr/lib/postgresql/*/bin",
        "/usr/pgsql-*/bin",
        "/usr/local/pgsql/bin",
        "/opt/homebrew/opt/postgresql*/bin",
        "/usr/local/opt/postgresql*/bin",
    )
    for pattern in patterns:
        anchor, _, rest = pattern.partition("*")
        parent = Path(anchor).parent
        glob = Path(anchor).name + "*" + rest
        if parent.is_dir():
            yield from sorted(parent.glob(glob), key=_version_key, reverse=True)


def find_pg_bin() -> Path | None:
    """Directory holding ``initdb``, ``pg_ctl`` and ``postgres``, or None when PostgreSQL is not installed.

    Order: ``$GREMALDA_PG_BIN``; the directory behind (then of) ``pg_ctl``/``initdb``/``postgres`` on PATH;
    ``pg_config --bindir``; then ``/usr/lib/postgresql/<newest>/bin`` and other common layouts.
    """
    for candidate in _candidate_bin_dirs():
        if _has_server_programs(candidate):
            return candidate
    return None


def install_hint() -> str:
    """What to install so the PostgreSQL-backed tests can run."""
    return (
        "Install the PostgreSQL server: on Debian/Ubuntu `sudo apt-get install postgresql` "
        "(or `make sysdeps`); its programs live in /usr/lib/postgresql/<version>/bin, off PATH, "
        "and are found there. "
        "Fedora/RHEL: `sudo dnf install postgresql-server`; macOS: `brew install postgresql@16`. "
        f"Or set {PG_BIN_ENV} to a directory containing initdb, pg_ctl and postgres."
    )


def postgres_missing_reason() -> str | None:
    """Why a real PostgreSQL cannot be started here (a pytest skip reason), or None when it can."""
    if sys.platform == "win32":
        return "the PostgreSQL harness supports POSIX systems only"
    if find_pg_bin() is None:
        return f"PostgreSQL server programs ({', '.join(_REQUIRED_PROGRAMS)}) not found. {install_hint()}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVICE_ACCOUNT)
        except KeyError:
            return (
                f"running as root, but there is no '{SERVICE_ACCOUNT}' system user to run the server as "
                "(PostgreSQL refuses to run as root). Installing the Debian package `postgresql` creates it; "
                "or run the tests as an unprivileged user."
            )
    return None


# ------------------------------------------------------------------------------------------ processes


def _service_account() -> _Account | None:
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(SERVICE_ACCOUNT)
    except KeyError:
        raise PostgresHarnessError(postgres_missing_reason() or "no postgres system user") from None
    return _Account(name=entry.pw_name, uid=entry.pw_uid, gid=entry.pw_gid, home=entry.pw_dir)


def _identity_kwargs(account: _Account | None) -> dict[str, Any]:
    if account is None:
        return {}
    return {"user": account.uid, "group": account.gid, "extra_groups": []}


def _child_env(account: _Account | None) -> dict[str, str]:
    # Drop PG* variables (PGDATA, PGPORT, PGOPTIONS ... would change what the programs do) and force English
    # messages, which _BIND_FAILURE matches.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["LC_ALL"] = "C"
    if account is not None:
        env["HOME"] = account.home
        env["USER"] = env["LOGNAME"] = account.name
    return env


def _run(
    command: list[str], account: _Account | None, cwd: Path, timeout: float
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        env=_child_env(account),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **_identity_kwargs(account),
    )


def _log_tail(log_path: Path, lines: int = 40) -> str:
    try:
        text = log_path.read_text(errors="replace")
    except OSError as exc:
        return f"(server log {log_path} unreadable: {exc})"
    tail = text.splitlines()[-lines:]
    return "\n".join(tail) if tail else "(server log is empty)"


# --------------------------------------------------------------------------------------------- layout


def _reachable(directory: Path, account: _Account) -> bool:
    """Can ``account`` write into ``directory`` (and so traverse every parent)? Asks the kernel."""
    test = shutil.which("test") or "/usr/bin/test"
    try:
        result = _run([test, "-w", str(directory), "-a", "-x", str(directory)], account, Path("/"), 10)
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def _make_run_dir(base_dir: Path, account: _Account | None) -> Path:
    """A fresh directory for the cluster's data, writable by the server's account."""
    run_dir = Path(tempfile.mkdtemp(prefix="postgres-", dir=base_dir))
    if account is None:
        return run_dir
    os.chown(run_dir, account.uid, account.gid)
    if _reachable(run_dir, account):
        return run_dir
    # base_dir itself may be private: let others traverse it (not list it), then re-check.
    old_mode = base_dir.stat().st_mode & 0o7777
    if not old_mode & 0o001:
        os.chmod(base_dir, old_mode | 0o001)
        if _reachable(run_dir, account):
            return run_dir
        os.chmod(base_dir, old_mode)
    shutil.rmtree(run_dir)
    # A parent of base_dir is private (e.g. pytest's /tmp/pytest-of-root is 0700): use the system temp dir.
    tried = []
    for temp_root in dict.fromkeys([tempfile.gettempdir(), "/tmp", "/var/tmp"]):
        if not Path(temp_root).is_dir():
            continue
        fallback = Path(tempfile.mkdtemp(prefix="gremalda-postgres-", dir=temp_root))
        os.chown(fallback, account.uid, account.gid)
        if _reachable(fallback, account):
            return fallback
        shutil.rmtree(fallback)
        tried.append(temp_root)
    raise PostgresHarnessError(
        f"the '{account.name}' user can reach neither {base_dir} nor a fresh directory in {tried}; "
        "make one of them traversable for it"
    )


def _configure(data_dir: Path) -> None:
    # Files stay owned by the server account: writing into an existing file keeps owner and mode.
    settings = "".join(f"{key} = {value}\n" for key, value in _SERVER_SETTINGS.items())
    with (data_dir / "postgresql.conf").open("a") as conf:
        conf.write("\n# --- tests/harness/postgres.py ---\n" + settings)
    (data_dir / "pg_hba.conf").write_text(_HBA_CONF)


# ------------------------------------------------------------------------------------------ lifecycle


class _BindFailedError(Exception):
    pass


def _postmaster_ready(data_dir: Path, pid: int) -> bool:
    """What ``pg_ctl -w`` checks: postmaster.pid names our process and its status line says "ready".

    The status only becomes "ready" after the listen socket is bound, so a connection made afterwards
    reaches our server, never whoever else might hold the port.
    """
    try:
        lines = (data_dir / "postmaster.pid").read_text().splitlines()
    except OSError:
        return False
    return len(lines) >= 8 and lines[0].strip() == str(pid) and lines[7].strip() == "ready"


def _wait_ready(
    proc: subprocess.Popen[bytes], port: int, data_dir: Path, log_path: Path, log_offset: int, deadline: float
) -> None:
    last_error: Exception | None = None
    while True:
        code = proc.poll()
        if code is not None:
            tail = _log_tail(log_path)
            with log_path.open("rb") as log:  # only this attempt's output decides whether to retry
                log.seek(log_offset)
                this_attempt = log.read().decode(errors="replace")
            if _BIND_FAILURE.search(this_attempt):
                raise _BindFailedError(this_attempt)
            raise PostgresHarnessError(
                f"postgres exited with status {code} during start-up.\nLog tail:\n{tail}"
            )
        if not _postmaster_ready(data_dir, proc.pid):
            last_error = PostgresHarnessError("postmaster.pid does not say 'ready' yet")
        else:
            try:
                with psycopg.connect(
                    host=LOOPBACK, port=port, user=SUPERUSER, dbname="postgres", connect_timeout=5
                ) as conn:
                    row = conn.execute("select current_setting('data_directory')").fetchone()
                if row is not None and Path(row[0]) == data_dir:
                    return
                # Defensive: after "ready" this is our socket, but make sure whose server answered.
                last_error = PostgresHarnessError(
                    f"{LOOPBACK}:{port} is served by another PostgreSQL ({row})"
                )
            except psycopg.OperationalError as exc:  # "the database system is starting up", refused, ...
                last_error = exc
        if time.monotonic() >= deadline:
            raise PostgresHarnessError(
                f"postgres on {LOOPBACK}:{port} not ready in time (last error: {last_error}).\n"
                f"Log tail:\n{_log_tail(log_path)}"
            )
        time.sleep(0.02)


def _stop(
    proc: subprocess.Popen[bytes], bin_dir: Path, data_dir: Path, account: _Account | None, cwd: Path
) -> str | None:
    """Stop and reap the postmaster. Returns a complaint when a clean fast shutdown did not work."""
    problem: str | None = None
    if proc.poll() is None:
        # a fast shutdown is at once when things work; a loaded CI machine may need much longer for it
        command = [str(bin_dir / "pg_ctl"), "stop", "-D", str(data_dir), "-m", "fast", "-w", "-t", "120"]
        try:
            result = _run(command, account, cwd, timeout=150)
            if result.returncode != 0:
                problem = f"pg_ctl stop failed ({result.returncode}): {result.stderr.strip()}"
        except (OSError, subprocess.SubprocessError) as exc:
            problem = f"pg_ctl stop failed: {exc}"
    # pg_ctl has signalled the postmaster (SIGINT) and waited for its pid file; now reap it. If that did not
    # work: SIGINT ourselves, then SIGQUIT (immediate shutdown), then SIGKILL the whole process group.
    for escalation, grace in ((signal.SIGINT, 15.0), (signal.SIGQUIT, 5.0), (signal.SIGKILL, 5.0)):
        try:
            proc.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            problem = problem or "postmaster did not exit after pg_ctl stop"
            with contextlib.suppress(ProcessLookupError):
                if escalation == signal.SIGKILL:
                    os.killpg(proc.pid, signal.SIGKILL)
                else:
                    proc.send_signal(escalation)
    if problem is not None:
        # Backends of a killed postmaster would be orphaned; they share its process group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    return problem


@contextlib.contextmanager
def postgres_server(
    base_dir: Path, *, dbname: str = DEFAULT_DBNAME, timeout: float = 300.0
) -> Iterator[PostgresServer]:
    """Like :func:`running_postgres`, but yields a :class:`PostgresServer` (port, pid, paths, timings)."""
    if not _DBNAME.fullmatch(dbname):
        raise ValueError(f"database name must be a plain identifier, got {dbname!r}")
    bin_dir = find_pg_bin()
    if bin_dir is None:
        raise PostgresHarnessError(f"PostgreSQL not found. {install_hint()}")
    account = _service_account()
    base_dir = Path(base_dir).resolve()
    base_dir.mkdir(parents=True, exist_ok=True)
    run_dir = _make_run_dir(base_dir, account)
    data_dir = run_dir / "data"
    # Opened by us, inherited by the server: it can live in base_dir whoever the server runs as.
    log_path = base_dir / f"{run_dir.name}.log"
    proc: subprocess.Popen[bytes] | None = None
    try:
        started = time.monotonic()
        initdb = [
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            SUPERUSER,
            "--auth-host=trust",
            "--auth-local=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        ]
        try:
            result = _run(initdb, account, run_dir, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise PostgresHarnessError(f"initdb did not finish within {timeout:.0f}s") from exc
        if result.returncode != 0:
            raise PostgresHarnessError(
                f"initdb failed with status {result.returncode}:\n{result.stdout}\n{result.stderr}"
            )
        _configure(data_dir)
        initdb_seconds = time.monotonic() - started

        started = time.monotonic()
        deadline = started + timeout
        for attempt in range(1, 4):
            port = free_port()
            with log_path.open("ab") as log:
                log_offset = log.tell()
                proc = subprocess.Popen(
                    [str(bin_dir / "postgres"), "-D", str(data_dir), "-p", str(port)],
                    cwd=run_dir,
                    env=_child_env(account),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # Ctrl-C in a terminal reaches pytest, which then stops it
                    **_identity_kwargs(account),
                )
            try:
                _wait_ready(proc, port, data_dir, log_path, log_offset, deadline)
                break
            except _BindFailedError as exc:
                proc.wait()
                proc = None
                if attempt == 3:
                    raise PostgresHarnessError(
                        f"could not bind a free loopback port 3 times:\n{exc}"
                    ) from None
        assert proc is not None
        with psycopg.connect(
            host=LOOPBACK, port=port, user=SUPERUSER, dbname="postgres", autocommit=True, connect_timeout=60
        ) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        start_seconds = time.monotonic() - started

        yield PostgresServer(
            url=f"postgresql+psycopg://{SUPERUSER}@{LOOPBACK}:{port}/{dbname}",
            host=LOOPBACK,
            port=port,
            user=SUPERUSER,
            dbname=dbname,
            pid=proc.pid,
            bin_dir=bin_dir,
            data_dir=data_dir,
            log_path=log_path,
            initdb_seconds=initdb_seconds,
            start_seconds=start_seconds,
        )
    finally:
        problem = _stop(proc, bin_dir, data_dir, account, run_dir) if proc is not None else None
        shutil.rmtree(run_dir, ignore_errors=True)
        if problem is not None and sys.exc_info()[0] is None:
            raise PostgresHarnessError(f"{problem}\nLog tail:\n{_log_tail(log_path)}")


@contextlib.contextmanager
def running_postgres(
    base_dir: Path, *, dbname: str = DEFAULT_DBNAME, timeout: float = 300.0
) -> Iterator[str]:
    """Run a fresh PostgreSQL cluster in ``base_dir`` on 127.0.0.1 and yield its SQLAlchemy URL.

    The URL has the form ``postgresql+psycopg://postgres@127.0.0.1:PORT/DBNAME`` (trust auth, no password).
    The server is stopped (``pg_ctl stop -m fast``) and its data deleted on exit, also when the body raises.
    Raises :class:`PostgresHarnessError` (with the server log tail) when it cannot be started within
    ``timeout`` seconds. Dispose SQLAlchemy engines before leaving the block.
    """
    with postgres_server(base_dir, dbname=dbname, timeout=timeout) as server:
        yield server.url
