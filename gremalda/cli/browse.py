"""`gremalda status`, `ls`, `search`, `export`: reading the offline replica, no network."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gremalda.cli.progress import human_bytes
from gremalda.core.council_time import wall_clock
from gremalda.core.library import Library
from gremalda.core.records import FileEntry, MeetingSummary
from gremalda.errors import GremaldaError
from gremalda.files import write_atomically
from gremalda.paths import data_paths
from gremalda.store.replica import open_store
from gremalda.store.textindex import TextIndex


def _when(meeting: MeetingSummary) -> str:
    """On the council's clock (the body's time zone, :mod:`gremalda.core.council_time`)."""
    if meeting.start is None:
        return "(no date)"
    return wall_clock(meeting.start, meeting.zone).strftime("%d.%m.%Y %H:%M")


def _file_line(entry: FileEntry, indent: str) -> str:
    offline = "offline" if entry.stored else entry.state
    size = human_bytes(entry.size) if entry.size is not None else "?"
    return f"{indent}[{entry.id}] {entry.name or entry.file_name} ({entry.file_name}, {size}, {offline})"


def status(args: argparse.Namespace) -> int:
    with open_store(data_paths(args.data_dir)) as store:
        s = Library(store.db.conn).status()
        print(f"Data directory: {store.paths.root}")
        print(f"Server:         {s.server_url or '(not signed in)'}")
        print(f"Account:        {s.username or '-'} (device {s.device_id or '-'})")
        last = s.last_sync.astimezone().strftime("%d.%m.%Y %H:%M:%S") if s.last_sync else "never"
        print(f"Last sync:      {last}")
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(s.objects.items()))
        print(f"Objects:        {kinds or 'none'}")
        print(
            f"Documents:      {s.files_stored} of {s.files_total} offline ({human_bytes(s.bytes_stored)})"
            + (f", {s.files_partial} partly downloaded" if s.files_partial else "")
            + (f", {s.files_missing} missing" if s.files_missing else "")
        )
        print(f"Search index:   {s.pages_indexed} pages")
        if s.outbox_pending:
            print(f"Not yet sent:   {s.outbox_pending} changes ({s.outbox_failed} failed)")
    return 0


def ls(args: argparse.Namespace) -> int:
    what = args.what
    with open_store(data_paths(args.data_dir)) as store:
        library = Library(store.db.conn)
        if what == "meetings":
            meetings = library.meetings()
            if not meetings:
                print("No meetings in the offline copy (run gremalda sync).")
            for m in meetings:
                flags = " [cancelled]" if m.cancelled else (" [draft]" if m.state == "draft" else "")
                nonpublic = f", {m.nonpublic_count} non-public" if m.nonpublic_count else ""
                print(
                    f"[{m.id}] {_when(m)}  {m.organization or '-'}: {m.name}{flags} "
                    f"({m.item_count} items{nonpublic})"
                )
        elif what == "meeting":
            if not args.id:
                raise GremaldaError("Which meeting? gremalda ls meeting ID (ids: gremalda ls meetings).")
            folder = library.meeting(args.id)
            if folder is None:
                raise GremaldaError(f"There is no meeting {args.id} in the offline copy.")
            m = folder.meeting
            print(
                f"{m.name} — {m.organization or '-'}, {_when(m)}, {m.location or 'no location'} ({m.state})"
            )
            for entry in folder.meeting_files:
                print(_file_line(entry, "  "))
            for item in folder.items:
                tag = "" if item.public else " [non-public]"
                print(f"  TOP {item.number or '-'}  [{item.id}] {item.name}{tag}")
                for paper in item.papers:
                    print(f"      Drucksache {paper.reference}: {paper.name}")
                for entry in item.files:
                    print(_file_line(entry, "      "))
        elif what == "documents":
            for entry in library.files():
                old = " (older version)" if entry.superseded else ""
                print(_file_line(entry, "") + f"  — {entry.context}{old}")
        elif what == "efiles":
            for e in library.efiles():
                print(
                    f"[{e.id}] {e.reference_number}: {e.title} "
                    f"({e.process_count} processes, {e.document_count} documents)"
                )
        elif what == "efile":
            if not args.id:
                raise GremaldaError("Which e-file? gremalda ls efile ID (ids: gremalda ls efiles).")
            tree = library.efile(args.id)
            if tree is None:
                raise GremaldaError(f"There is no e-file {args.id} in the offline copy.")
            print(f"{tree.efile.reference_number}: {tree.efile.title}")
            for process in tree.processes:
                print(f"  {process.reference}: {process.title}")
                for document in process.documents:
                    print(f"    {document.title}")
                    for entry in document.files:
                        print(_file_line(entry, "      "))
        else:
            print(
                f"gremalda: ls {what}? Use meetings, meeting ID, documents, efiles or efile ID.",
                file=sys.stderr,
            )
            return 2
    return 0


def search(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    with open_store(data_paths(args.data_dir)) as store:
        hits = TextIndex(store.db.conn).search(query, limit=max(1, args.limit))
        if not hits:
            print(f"Nothing found for {query!r}.")
            return 0
        library = Library(store.db.conn)
        for hit in hits:
            entry = library.file(hit.file_id)
            name = (entry.name or entry.file_name) if entry else hit.file_id
            context = f" — {entry.context}" if entry and entry.context else ""
            print(f"[{hit.file_id}] {name}, page {hit.page}{context}")
            print(f"    {hit.marked('»', '«')}")
    return 0


def export(args: argparse.Namespace) -> int:
    target = Path(args.to).expanduser()
    with open_store(data_paths(args.data_dir)) as store:
        entry = Library(store.db.conn).resolve_file(args.document)
        if not entry.stored or entry.vault_version is None:
            raise GremaldaError(f"{entry.name or entry.file_name} is not downloaded yet: run gremalda sync.")
        data = store.vault.read(entry.id, entry.vault_version)
        try:
            write_atomically(target, data, overwrite=args.force)
        finally:
            data[:] = bytes(len(data))
    print(f"Wrote {entry.file_name or entry.name} ({human_bytes(entry.size or 0)}) to {target}.")
    return 0
