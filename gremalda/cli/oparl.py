"""`gremalda oparl add|list|sync|files|remove`: OParl sources of the offline copy.

``gremalda sync`` synchronises our own server; OParl sources are synchronised with ``gremalda oparl
sync`` (incremental; in full with ``--full`` and at the latest every seven days). Each run prints what
came in, changed and went, and what had to be repaired or skipped on the way.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from typing import Any

from gremalda.cli.progress import human_bytes
from gremalda.core.oparl import (
    FILE_POLICIES,
    SourceInfo,
    SourceOutcome,
    add_source,
    fetch_meeting_files,
    list_sources,
    remove_source,
    set_files_policy,
    sync_sources,
)
from gremalda.paths import data_paths
from sync.oparl import ImportProgress, counts_line
from sync.oparl.repairs import Incident

_MAX_LINES = 12


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``oparl`` and its actions to the top-level subparsers."""
    parser = sub.add_parser(
        "oparl",
        help="read the public OParl interface of a council information system (read-only)",
        description="OParl sources: the public meetings, agenda items, papers, persons, organizations and "
        "files of a council information system (OParl 1.0/1.1), read into the offline copy. "
        "`gremalda sync` does not touch them: use `gremalda oparl sync`.",
    )
    actions = parser.add_subparsers(dest="oparl_command", required=True, metavar="ACTION")

    def action(name: str, handler: Any, help: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = actions.add_parser(name, parents=[common], help=help, description=help)
        p.set_defaults(handler=handler)
        return p

    p = action("add", add, "add an OParl source and import it (a full import)")
    p.add_argument(
        "system_url",
        metavar="SYSTEM_URL",
        help="the OParl System URL, e.g. https://ris.example.de/oparl/v1.1/system",
    )
    p.add_argument("--body", metavar="URL", help="import only this body of the system (default: all)")
    p.add_argument(
        "--files",
        choices=FILE_POLICIES,
        default="none",
        help="all: fetch every file at each sync; none (default): a meeting's files on request "
        "(gremalda oparl files MEETING)",
    )
    p.add_argument("--ca-bundle", metavar="FILE", help="trust the certificates in FILE (PEM) for this server")
    p.add_argument("--no-sync", action="store_true", help="only register the source; import later")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress")

    action("list", list_, "list the OParl sources and what they hold")

    p = action("sync", sync, "update the OParl sources (incremental; in full every 7 days or with --full)")
    p.add_argument(
        "--full", action="store_true", help="read everything and remove what the server no longer lists"
    )
    p.add_argument("--source", metavar="SOURCE", help="only this source (number, System URL or name)")
    p.add_argument("--files", choices=FILE_POLICIES, help="this time: fetch all files, or none")
    p.add_argument(
        "--workers", type=int, default=4, help="parallel requests for files and references (default 4)"
    )
    p.add_argument("--no-index", action="store_true", help="do not index fetched documents for the search")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress")

    p = action(
        "files", files, "fetch the files of one meeting of an OParl source (its agenda's and papers' too)"
    )
    p.add_argument(
        "meeting", metavar="MEETING_ID", help="the meeting's id (its OParl URL, as gremalda ls shows it)"
    )
    p.add_argument("--workers", type=int, default=4, help="parallel downloads (default 4)")
    p.add_argument("--no-index", action="store_true", help="do not index the documents for the search")

    p = action("policy", policy, "change whether a source's files are all fetched at each sync")
    p.add_argument("source", metavar="SOURCE", help="number, System URL or name of the source")
    p.add_argument("files", choices=FILE_POLICIES, help="all | none")

    p = action("remove", remove, "remove an OParl source and everything it brought from this device")
    p.add_argument("source", metavar="SOURCE", help="number, System URL or name of the source")
    p.add_argument("--yes", action="store_true", help="do not ask")


class _Progress:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.shown = False

    def lists(self, p: ImportProgress) -> None:
        if self.quiet or not self.tty:
            return
        sys.stderr.write(f"\r\x1b[2K{p.what}: {p.objects} objects, {p.pages} pages")
        sys.stderr.flush()
        self.shown = True

    def files(self, done: int, total: int) -> None:
        if self.quiet or not self.tty:
            return
        sys.stderr.write(f"\r\x1b[2KFiles: {done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()
            self.shown = False


def _label(info: SourceInfo) -> str:
    return f"OParl source {info.id}" + (f" ({info.name})" if info.name else "") + f": {info.system_url}"


def _incidents(title: str, incidents: list[Incident]) -> list[str]:
    if not incidents:
        return []
    lines = [f"  {title}:"] + [f"    {i.line()}" for i in incidents[:_MAX_LINES]]
    if len(incidents) > _MAX_LINES:
        lines.append(f"    … and {len(incidents) - _MAX_LINES} more kinds")
    return lines


def _print_outcome(outcome: SourceOutcome) -> bool:
    """Print one source's result; returns whether it went without failures."""
    print(_label(outcome.source))
    ok = outcome.error is None
    r = outcome.imported
    if r is not None:
        a = r.applied
        print(
            f"  {'full import' if r.full else 'incremental update'}: {sum(a.added.values())} new, "
            f"{sum(a.updated.values())} updated, {sum(a.removed.values())} removed, "
            f"{r.unchanged} unchanged; {r.requests} requests in {r.seconds:.1f} s"
        )
        if a.added:
            print(f"  new: {counts_line(a.added)}")
        if a.updated:
            print(f"  updated: {counts_line(a.updated)}")
        if a.removed:
            print(f"  removed: {counts_line(a.removed)}")
        for line in _incidents("repaired", r.repairs) + _incidents("skipped", r.skips):
            print(line)
        for url in r.incomplete:
            print(f"  not read to the end (next sync tries again): {url}")
    if outcome.files is not None:
        f = outcome.files
        print(f"  files: {f.downloaded} of {f.wanted} fetched ({human_bytes(f.bytes)})")
        if f.failures:
            ok = False
            print(
                f"  {len(f.failures)} files could not be fetched; the next sync tries again:", file=sys.stderr
            )
            for failure in f.failures[:_MAX_LINES]:
                print(f"    {failure.name or failure.file_id}: {failure.message}", file=sys.stderr)
    if outcome.index is not None and outcome.index.files:
        print(f"  search index: {outcome.index.files} documents, {outcome.index.pages} pages")
    if outcome.destroyed:
        print(f"  {outcome.destroyed} stored documents removed from this device")
    if outcome.error is not None:
        print(f"gremalda: OParl source {outcome.source.id} failed: {outcome.error}", file=sys.stderr)
    return ok


def add(args: argparse.Namespace) -> int:
    paths = data_paths(args.data_dir)
    info = add_source(paths, args.system_url, body_url=args.body, files=args.files, ca_bundle=args.ca_bundle)
    print(
        f"Added OParl source {info.id}: {info.system_url}"
        + (f" (body {info.body_url})" if info.body_url else "")
    )
    if args.no_sync:
        print("Import it with: gremalda oparl sync")
        return 0
    return _sync(args, source=str(info.id), full=True, files=None, index=True, workers=4)


def list_(args: argparse.Namespace) -> int:
    infos = list_sources(data_paths(args.data_dir))
    if not infos:
        print("No OParl sources. Add one with: gremalda oparl add SYSTEM_URL")
        return 0
    for info in infos:
        print(_label(info))
        if info.body_url:
            print(f"  body: {info.body_url}")
        when = info.last_sync.astimezone().strftime("%d.%m.%Y %H:%M") if info.last_sync else "never"
        full = info.last_full.astimezone().strftime("%d.%m.%Y %H:%M") if info.last_full else "never"
        print(f"  files: {info.files}; last sync: {when}; last full: {full}")
        print(f"  holds: {counts_line(Counter(info.objects))}")
    return 0


def _sync(
    args: argparse.Namespace, *, source: str | None, full: bool, files: str | None, index: bool, workers: int
) -> int:
    progress = _Progress(getattr(args, "quiet", False))
    try:
        outcomes = sync_sources(
            data_paths(args.data_dir),
            source=source,
            full=full,
            files=files,
            index=index,
            workers=max(1, workers),
            progress=progress.lists,
            file_progress=progress.files,
        )
    finally:
        progress.finish()
    if not outcomes:
        print("No OParl sources. Add one with: gremalda oparl add SYSTEM_URL")
        return 0
    ok = True
    for outcome in outcomes:
        ok = _print_outcome(outcome) and ok
    return 0 if ok else 1


def sync(args: argparse.Namespace) -> int:
    return _sync(
        args,
        source=args.source,
        full=args.full,
        files=args.files,
        index=not args.no_index,
        workers=args.workers,
    )


def files(args: argparse.Namespace) -> int:
    outcome = fetch_meeting_files(
        data_paths(args.data_dir), args.meeting, index=not args.no_index, workers=max(1, args.workers)
    )
    return 0 if _print_outcome(outcome) else 1


def policy(args: argparse.Namespace) -> int:
    info = set_files_policy(data_paths(args.data_dir), args.source, args.files)
    print(f"{_label(info)}: files {info.files}")
    return 0


def remove(args: argparse.Namespace) -> int:
    paths = data_paths(args.data_dir)
    if not args.yes:
        if not sys.stdin.isatty():
            print(
                "gremalda: removing an OParl source deletes what it brought; confirm with --yes.",
                file=sys.stderr,
            )
            return 2
        answer = input(f"Remove OParl source {args.source} and everything it brought? [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "j", "ja"):
            return 1
    info, applied = remove_source(paths, args.source)
    print(
        f"Removed {_label(info)}: {sum(applied.removed.values())} objects ({counts_line(applied.removed)})."
    )
    return 0
