"""`gremalda check --server URL`: does a Gremalda server answer there?"""

from __future__ import annotations

import argparse
import sys

import httpx


def run(args: argparse.Namespace) -> int:
    server: str = args.server
    url = server.rstrip("/") + "/health"
    try:
        response = httpx.get(url, timeout=10, verify=not args.insecure)
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
