"""`gremalda-server`: run the backend (optionally seeding the demo body), or manage accounts."""

from __future__ import annotations

import argparse
import getpass
import logging
import socket
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sync.server import logs

if TYPE_CHECKING:
    from sync.server.config import Settings

LISTENING = "gremalda-server: listening on "  # then the URL: the line says the server takes requests


def _bind(host: str, port: int) -> socket.socket:
    """The server's socket, bound to `port` (0: a free one the system picks) but not yet listening.

    Bound before the demo's seeding, so the port is the server's from the start (no other process can take
    it during the minutes of seeding) and a port in use is said at once; until the server listens, a
    connection to it is refused."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn's own socket
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _url(host: str, sock: socket.socket) -> str:
    port = int(sock.getsockname()[1])
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gremalda-server", description="Gremalda document-management backend")
    p.add_argument("--data-dir", type=Path, default=None, help="where the database and documents live")
    p.add_argument("--database-url", default=None, help="SQLAlchemy URL (default: SQLite in the data dir)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument(
        "--port",
        type=int,
        default=8765,
        help=f"0: a free port; either way the server prints '{LISTENING}URL' once it takes requests",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="seed the demo body (again when an older demo seeded it) and print the demo accounts",
    )
    p.add_argument("--log-level", default="info")
    p.add_argument(
        "--behind-proxy",
        action="store_true",
        help="trust X-Forwarded-For from a proxy on 127.0.0.1 (implied by --accel-redirect)",
    )
    p.add_argument(
        "--accel-redirect",
        default=None,
        metavar="PREFIX",
        help="behind nginx: let nginx send document bytes from this internal location (see nginx-config)",
    )
    sub = p.add_subparsers(dest="command")
    sub.add_parser("migrate", help="bring the database schema up to date and exit")
    nginx = sub.add_parser(
        "nginx-config", help="print the nginx location blocks for a deployment behind nginx"
    )
    nginx.add_argument("--upstream", default="127.0.0.1:8765", help="where this backend listens (host:port)")
    add = sub.add_parser("add-user", help="create an account")
    add.add_argument("username")
    add.add_argument("--role", choices=["member", "clerk", "admin"], default="member")
    add.add_argument("--body", type=int, default=1)
    add.add_argument("--person", type=int, default=None)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logs.configure(getattr(logging, args.log_level.upper(), logging.INFO))
    from sync.server.config import settings_from_env
    from sync.server.db import make_engine, make_sessionmaker, migrate, write_session

    settings = settings_from_env(args.data_dir, args.database_url)
    if args.accel_redirect is not None:
        settings = replace(settings, accel_redirect=args.accel_redirect)
    if args.command == "nginx-config":
        from sync.server.deploy import DEFAULT_PREFIX, nginx_locations, nginx_upstream

        print("# in http { }:")
        print(nginx_upstream(args.upstream))
        print("# in the server { } that terminates TLS:")
        print(nginx_locations(settings.blob_dir, settings.accel_redirect or DEFAULT_PREFIX))
        return 0
    url = settings.effective_database_url
    try:
        migrate(url)
    except Exception as exc:  # database unreachable, wrong URL, …: tell the operator, no traceback
        print(f"gremalda-server: cannot open the database ({type(exc).__name__}: {exc})", file=sys.stderr)
        return 2
    if args.command == "migrate":
        print("database schema is up to date")
        return 0
    if args.command == "add-user":
        from sync.server.models import Role, User
        from sync.server.passwords import hash_password

        password = getpass.getpass("Password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
        if len(password) < 8:
            print("gremalda-server: the password must have at least 8 characters", file=sys.stderr)
            return 2
        with write_session(make_sessionmaker(make_engine(url))) as session:
            session.add(
                User(
                    username=args.username,
                    password_hash=hash_password(password),
                    role=Role(args.role),
                    body_id=args.body,
                    person_id=args.person,
                )
            )
        print(f"created {args.role} {args.username}")
        return 0
    try:
        sock = _bind(args.host, args.port)
    except OSError as exc:
        print(f"gremalda-server: cannot listen on {args.host}:{args.port} ({exc})", file=sys.stderr)
        return 2
    url = _url(args.host, sock)
    with sock:
        return _serve(args, settings, sock, url)


def _serve(args: argparse.Namespace, settings: Settings, sock: socket.socket, url: str) -> int:
    """Seed the demo if asked, then serve on `sock` (bound, at `url`) until stopped."""
    from sync.server.db import make_engine, make_sessionmaker

    if args.demo:
        from sync.server.blobstore import BlobStore
        from sync.server.demo.reseed import mark_seeded, reseed_if_outdated
        from sync.server.demo.seed import print_accounts, seed_demo

        demo = reseed_if_outdated(settings)  # a demo seeded by older code is seeded afresh
        if demo.said:
            print(f"gremalda-server: {demo.said}", file=sys.stderr, flush=True)
        engine = make_engine(settings.effective_database_url)
        sessions = make_sessionmaker(engine, time_zone=settings.body_time_zone)
        accounts = seed_demo(sessions, BlobStore(settings.blob_dir))
        if demo.current:
            mark_seeded(settings)
        engine.dispose()
        print_accounts(accounts, url)
    import uvicorn

    from sync.server.app import Server, create_app

    class Announcing(Server):
        async def startup(self, sockets: list[Any] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                print(f"{LISTENING}{url}", flush=True)

    app = create_app(settings, run_migrations=False)
    behind_proxy = bool(settings.accel_redirect) or args.behind_proxy
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=5,
        proxy_headers=behind_proxy,  # only a proxy we run may tell the client's address (login throttle)
        forwarded_allow_ips="127.0.0.1" if behind_proxy else None,
    )
    server = Announcing(config)  # ends the push channel's open streams first when it stops
    server.run(sockets=[sock])  # listens on it (and closes it when it stops)
    return 0 if server.started else 3


if __name__ == "__main__":
    raise SystemExit(main())
