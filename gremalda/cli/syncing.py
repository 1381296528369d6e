"""`gremalda login`, `logout` and `sync`."""

from __future__ import annotations

import argparse
import sys

from gremalda.cli.progress import ProgressBar, human_bytes
from gremalda.core.account import Tls, sign_in, sign_out
from gremalda.core.annotations.store import AnnotationStore
from gremalda.core.syncing import synchronise
from gremalda.paths import data_paths
from gremalda.store.replica import open_store


def login(args: argparse.Namespace) -> int:
    from gremalda.cli.main import read_password

    password = read_password(args.password_stdin)
    paths = data_paths(args.data_dir)
    account = sign_in(
        paths,
        args.server,
        args.user,
        password,
        device_name=args.device_name,
        tls=Tls(args.ca_bundle, args.insecure),
    )
    print(f"Signed in as {account.username} ({account.role}) at {args.server.rstrip('/')}.")
    print(f"Offline copy: {paths.root}. Next: gremalda sync")
    return 0


def logout(args: argparse.Namespace) -> int:
    paths = data_paths(args.data_dir)
    if not args.yes:
        if not sys.stdin.isatty():
            print("gremalda: logout removes the offline copy; confirm with --yes.", file=sys.stderr)
            return 2
        answer = input(f"Remove the offline copy in {paths.root} and its keys? [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "j", "ja"):
            return 1
    if sign_out(paths):
        print(f"Removed the offline copy in {paths.root}; its keys are destroyed.")
    else:
        print(f"There was no offline copy in {paths.root}.")
    return 0


def sync(args: argparse.Namespace) -> int:
    paths = data_paths(args.data_dir)
    bar = ProgressBar(quiet=args.quiet)
    try:
        outcome = synchronise(
            paths,
            progress=bar.sync,
            index_progress=bar.index,
            workers=max(1, args.workers),
            index=not args.no_index,
        )
    finally:
        bar.finish()
    r = outcome.sync
    parts = [
        f"{r.upserts + r.removes} changes ({r.upserts} new or updated, {r.removes} removed)",
        f"{r.files_downloaded} documents downloaded ({human_bytes(r.bytes_downloaded)}"
        + (f", {r.files_resumed} resumed" if r.files_resumed else "")
        + ")",
    ]
    if r.files_adopted:
        parts.append(f"{r.files_adopted} recovered from an interrupted sync")
    if r.destroyed:
        parts.append(f"{r.destroyed} removed from this device")
    print("Synchronised: " + ", ".join(parts) + ".")
    if outcome.index is not None and outcome.index.files:
        i = outcome.index
        print(f"Search index: {i.files} documents, {i.pages} pages ({i.pages_per_second:.0f} pages/s).")
    for file_id, why in outcome.index.skipped if outcome.index else []:
        print(f"  not searchable: document {file_id}: {why}")
    moved = outcome.reanchor
    if moved.moved:
        print(
            f"Annotations: {moved.moved} moved to the new version of their document"
            + (f", {moved.attention} need attention (their text or page changed)" if moved.attention else "")
            + "."
        )
    if moved.waiting:
        print(f"  {moved.waiting} annotations wait for the new version of their document (next sync).")
    for file_id, why in moved.failed:
        print(f"  annotations of document {file_id} not moved (next sync tries again): {why}")
    with open_store(paths) as store:  # changes the server refused stay here, listed in the GUI too
        refused = AnnotationStore(store.db, device="-").rejected_outbox()
    if refused:
        print(f"Annotations: {len(refused)} changes not accepted by the server, kept on this device:")
    for entry, why in refused:
        print(f"  annotation {entry.target_id} on document {entry.record.file_id}: {why}")
    if r.failures:
        print(
            f"{len(r.failures)} documents could not be downloaded; the next sync tries again:",
            file=sys.stderr,
        )
        for failure in r.failures:
            print(f"  {failure.file_id} {failure.name}: {failure.message}", file=sys.stderr)
        return 1
    return 0
