"""`gremalda`: the desktop client's command line. For now it can check a server; login, sync and
the viewer follow (see the open issues)."""

from __future__ import annotations

import argparse
import sys

import httpx

from gremalda import __version__


def _check(server: str, insecure: bool) -> int:
    url = server.rstrip("/") + "/health"
    try:
        response = httpx.get(url, timeout=10, verify=not insecure)
    except httpx.HTTPError as exc:
        print(f"gremalda: cannot reach {server}: {exc}", file=sys.stderr)
        return 1
    if (
        response.status_code != 200
        or response.headers.get("content-type", "").split(";")[0] != "application/json"
    ):
        print(
            f"gremalda: {server} does not answer like a Gremalda server (HTTP {response.status_code})",
            file=sys.stderr,
        )
        return 1
    print(f"{server}: {response.json().get('status', 'unknown')}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gremalda", description="Gremalda meeting and e-file client")
    parser.add_argument("--version", action="version", version=f"gremalda {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="check that a Gremalda server answers")
    check.add_argument("--server", required=True, help="e.g. https://gremalda.example.de")
    check.add_argument(
        "--insecure", action="store_true", help="do not verify the TLS certificate (testing only)"
    )
    args = parser.parse_args(argv)
    if args.command == "check":
        return _check(args.server, args.insecure)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
