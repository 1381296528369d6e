"""A throw-away nginx serving a directory as static files on loopback, for integration tests and benchmarks.

Usage::

    with running_nginx(site_dir, tmp_path / "nginx") as base_url:  # http://127.0.0.1:PORT
        httpx.get(f"{base_url}/file.pdf", headers={"Range": "bytes=0-1023"})

nginx runs in the foreground (``daemon off``) as a child of this process, with its configuration, pid file,
logs and temp directories all in ``base_dir`` (one server per ``base_dir`` at a time). It listens on
``127.0.0.1:PORT`` only. On exit (also when the body raises) it is stopped gracefully (SIGQUIT), escalating to
SIGTERM and finally SIGKILL for its process group.

When running as root, nginx's workers would drop to ``nobody`` and then could not read files below private
directories such as pytest's ``/tmp/pytest-of-root`` (0700). The generated config therefore says
``user root root;`` when the effective uid is 0: the workers keep root's access. That is acceptable for a
test server bound to loopback that serves a test-owned directory, and avoids changing permissions on the
caller's files. As an ordinary user the ``user`` directive is omitted (nginx would ignore it anyway).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .ports import LOOPBACK, free_port, wait_for_port

NGINX_ENV = "GREMALDA_NGINX"
"""Environment variable naming the nginx executable to use (overrides the search)."""

_TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")

# Small built-in MIME map so the config does not depend on where the distribution keeps mime.types.
_MIME_TYPES = {
    "text/html": "html htm",
    "text/css": "css",
    "text/plain": "txt",
    "text/xml": "xml",
    "application/javascript": "js mjs",
    "application/json": "json",
    "application/pdf": "pdf",
    "application/zip": "zip",
    "application/wasm": "wasm",
    "image/png": "png",
    "image/jpeg": "jpg jpeg",
    "image/svg+xml": "svg",
    "image/webp": "webp",
}


class NginxHarnessError(RuntimeError):
    """nginx could not be started or stopped; the message includes the error log tail."""


@dataclass(frozen=True)
class NginxServer:
    """A running nginx, as yielded by :func:`nginx_server`."""

    url: str
    port: int
    pid: int
    root: Path
    executable: Path
    conf_path: Path
    error_log: Path
    access_log: Path
    start_seconds: float


def find_nginx() -> Path | None:
    """The nginx executable: ``$GREMALDA_NGINX``, ``nginx`` on PATH, or a well-known location (``/usr/sbin``
    is not on an ordinary user's PATH on Debian)."""
    candidates: list[str] = []
    override = os.environ.get(NGINX_ENV)
    if override:
        candidates.append(override)
    found = shutil.which("nginx")
    if found:
        candidates.append(found)
    candidates += [
        "/usr/sbin/nginx",
        "/usr/local/sbin/nginx",
        "/usr/local/nginx/sbin/nginx",
        "/usr/local/bin/nginx",
        "/opt/homebrew/bin/nginx",
    ]
    for candidate in candidates:
        path = Path(candidate)
        if path.is_file() and os.access(path, os.X_OK):
            return path
    return None


def install_hint() -> str:
    """What to install so the nginx-backed tests can run."""
    return (
        "Install nginx: on Debian/Ubuntu `sudo apt-get install nginx` (or `make sysdeps`); "
        "Fedora/RHEL `sudo dnf install nginx`; macOS `brew install nginx`. "
        f"Or set {NGINX_ENV} to the executable."
    )


def nginx_missing_reason() -> str | None:
    """Why nginx cannot be started here (a pytest skip reason), or None when it can."""
    if sys.platform == "win32":
        return "the nginx harness supports POSIX systems only"
    if find_nginx() is None:
        return f"nginx not found. {install_hint()}"
    return None


def _quote(path: Path) -> str:
    text = str(path)
    if "$" in text or "\n" in text:
        raise ValueError(f"path not usable in an nginx config (contains '$' or a newline): {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_config(
    root: Path,
    base_dir: Path,
    port: int,
    *,
    as_root: bool | None = None,
    locations: str | None = None,
    http_extra: str = "",
) -> str:
    """The nginx.conf text: ``root`` served statically on ``127.0.0.1:port``, all other paths in ``base_dir``.

    ``as_root`` defaults to "the current effective uid is 0" and adds ``user root root;`` (see module doc).
    """
    if as_root is None:
        as_root = os.geteuid() == 0
    temp_paths = "\n".join(f"    {name}_temp_path {_quote(base_dir / 'tmp' / name)};" for name in _TEMP_PATHS)
    mime = "\n".join(f"        {mime} {exts};" for mime, exts in _MIME_TYPES.items())
    user_line = "user root root;\n" if as_root else ""
    return f"""\
# Written by tests/harness/nginx.py for a test run; loopback only.
{user_line}daemon off;
master_process on;
worker_processes auto;
pid {_quote(base_dir / "nginx.pid")};
error_log {_quote(base_dir / "error.log")} notice;

events {{
    worker_connections 1024;
}}

http {{
    access_log {_quote(base_dir / "access.log")};
{temp_paths}

    types {{
{mime}
    }}
    default_type application/octet-stream;

    sendfile on;
    tcp_nopush on;
    keepalive_timeout 30s;
    server_tokens off;
{http_extra}

    server {{
        listen {LOOPBACK}:{port};
        server_name localhost;
        root {_quote(root)};
{locations if locations is not None else _STATIC}
    }}
}}
"""


_STATIC = """\
        location / {
            try_files $uri =404;
        }"""


def _log_tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(error log {path} unreadable: {exc})"
    tail = text.splitlines()[-lines:]
    return "\n".join(tail) if tail else "(error log is empty)"


def _stop(proc: subprocess.Popen[bytes]) -> bool:
    """Graceful quit, then fast shutdown, then SIGKILL to the process group. True when graceful sufficed."""
    graceful = True
    # graceful quit is at once when things work; a loaded CI machine may need seconds for it
    for sig, grace in ((signal.SIGQUIT, 60.0), (signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        if proc.poll() is not None:
            break
        with contextlib.suppress(ProcessLookupError):
            if sig == signal.SIGKILL:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.send_signal(sig)
        try:
            proc.wait(timeout=grace)
            break
        except subprocess.TimeoutExpired:
            graceful = False
    if proc.poll() is None:
        proc.wait()
    if not graceful:
        # Workers of a killed master are orphaned; they share its process group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    return graceful


def _is_running(proc: subprocess.Popen[bytes]) -> bool:
    return proc.poll() is None


def _wait_for_pid_file(proc: subprocess.Popen[bytes], pid_path: Path, deadline: float) -> None:
    expected = str(proc.pid)
    while True:
        if proc.poll() is not None:
            raise ConnectionError("nginx exited during start-up")
        with contextlib.suppress(OSError):
            if pid_path.read_text().strip() == expected:
                return
        if time.monotonic() >= deadline:
            raise TimeoutError(f"nginx did not write {pid_path} in time")
        time.sleep(0.02)


@contextlib.contextmanager
def nginx_server(
    root: Path, base_dir: Path, *, timeout: float = 120.0, locations: str | None = None, http_extra: str = ""
) -> Iterator[NginxServer]:
    """Like :func:`running_nginx` but yields a :class:`NginxServer` with port, pid, paths and timing."""
    executable = find_nginx()
    if executable is None:
        raise NginxHarnessError(f"nginx not found. {install_hint()}")
    root = Path(root).resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"nginx root {root} is not a directory")
    base_dir = Path(base_dir).resolve()
    for name in _TEMP_PATHS:
        (base_dir / "tmp" / name).mkdir(parents=True, exist_ok=True)
    conf_path = base_dir / "nginx.conf"
    pid_path = base_dir / "nginx.pid"
    pid_path.unlink(missing_ok=True)  # stale, from an earlier run in this base_dir
    error_log = base_dir / "error.log"
    command = [str(executable), "-p", f"{base_dir}/", "-c", str(conf_path), "-e", str(error_log)]

    started = time.monotonic()
    deadline = started + timeout
    proc: subprocess.Popen[bytes] | None = None
    try:
        for attempt in range(1, 4):
            port = free_port()
            conf_path.write_text(
                render_config(root, base_dir, port, locations=locations, http_extra=http_extra)
            )
            with error_log.open("ab") as stderr:
                proc = subprocess.Popen(
                    command,
                    cwd=base_dir,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,  # messages before the error_log directive takes over
                    start_new_session=True,  # Ctrl-C reaches pytest, which then stops nginx cleanly
                )
            running = proc
            try:
                # nginx writes its pid file only after binding the listen socket (it retries a busy port for
                # ~2.5 s, during which a connect could reach whoever holds the port), so wait for that first.
                _wait_for_pid_file(running, pid_path, deadline)
                wait_for_port(
                    LOOPBACK,
                    port,
                    max(0.1, deadline - time.monotonic()),
                    alive=functools.partial(_is_running, running),
                )
            except ConnectionError:
                code = proc.wait()
                proc = None
                tail = _log_tail(error_log)
                if "Address already in use" in tail and attempt < 3:
                    continue
                raise NginxHarnessError(f"nginx exited with status {code} during start-up.\n{tail}") from None
            except TimeoutError as exc:
                raise NginxHarnessError(f"{exc}\nError log tail:\n{_log_tail(error_log)}") from None
            break
        assert proc is not None
        yield NginxServer(
            url=f"http://{LOOPBACK}:{port}",
            port=port,
            pid=proc.pid,
            root=root,
            executable=executable,
            conf_path=conf_path,
            error_log=error_log,
            access_log=base_dir / "access.log",
            start_seconds=time.monotonic() - started,
        )
    finally:
        graceful = _stop(proc) if proc is not None else True
        if not graceful and sys.exc_info()[0] is None:
            raise NginxHarnessError(f"nginx did not quit gracefully.\n{_log_tail(error_log)}")


@contextlib.contextmanager
def running_nginx(
    root: Path, base_dir: Path, *, timeout: float = 120.0, locations: str | None = None, http_extra: str = ""
) -> Iterator[str]:
    """Serve ``root`` as static files with a real nginx on 127.0.0.1 and yield ``http://127.0.0.1:PORT``.

    Config, pid file, logs and temp directories go to ``base_dir``. nginx is stopped on exit, also when the
    body raises. Raises :class:`NginxHarnessError` (with the error log tail) when it does not come up within
    ``timeout`` seconds.
    """
    with nginx_server(root, base_dir, timeout=timeout, locations=locations, http_extra=http_extra) as server:
        yield server.url
