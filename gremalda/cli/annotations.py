"""`gremalda annotations list | export-pdf | export-xfdf | import-xfdf | summary`: the annotations of
the offline copy, exported and exchanged (no network; a later `gremalda sync` sends imported ones)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gremalda.core.annotations import exchange
from gremalda.core.annotations.records import Annotation
from gremalda.core.annotations.xfdf import MAX_BYTES
from gremalda.core.errors import DocumentNotFound
from gremalda.core.library import Library, parse_time
from gremalda.errors import DataDirUnusable
from gremalda.os_reasons import READ, OsReason
from gremalda.paths import data_paths
from gremalda.store.replica import Store, open_store


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add ``annotations`` and its actions to the top-level subparsers."""
    parser = sub.add_parser(
        "annotations",
        help="list, export and import annotations (offline)",
        description="Annotations of the offline copy: list them, export a document with them as a PDF "
        "or as XFDF for other PDF programs, import XFDF, print a meeting's notes as a PDF.",
    )
    actions = parser.add_subparsers(dest="annotations_command", required=True, metavar="ACTION")

    def action(name: str, handler: Any, help: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = actions.add_parser(name, parents=[common], help=help, description=help)
        p.set_defaults(handler=handler)
        return p

    p = action("list", list_, "list the annotations of a document, of a meeting, or all")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--file", metavar="ID", help="only this document (id or file name)")
    where.add_argument("--meeting", metavar="ID", help="only the documents of this meeting")

    p = action("export-pdf", export_pdf, "write a document with its annotations as a PDF you choose")
    p.add_argument(
        "file", metavar="FILE_ID", help="the document's id or file name (see gremalda ls documents)"
    )
    p.add_argument("out", metavar="OUT", help="the PDF file to write")
    _export_options(p)
    p.add_argument("--password-stdin", action="store_true", help="read the document's password from stdin")

    p = action("export-xfdf", export_xfdf, "write a document's annotations as XFDF (for other PDF programs)")
    p.add_argument("file", metavar="FILE_ID", help="the document's id or file name")
    p.add_argument("out", metavar="OUT", help="the XFDF file to write")
    _export_options(p)
    p.add_argument("--password-stdin", action="store_true", help="read the document's password from stdin")

    p = action("import-xfdf", import_xfdf, "add the annotations of an XFDF file to a document")
    p.add_argument("file", metavar="FILE_ID", help="the document's id or file name")
    p.add_argument("source", metavar="IN", help="the XFDF file to read")
    p.add_argument("--password-stdin", action="store_true", help="read the document's password from stdin")

    p = action("summary", summary, "write the notes of a meeting as a PDF")
    p.add_argument("meeting", metavar="MEETING_ID", help="the meeting's id (see gremalda ls)")
    p.add_argument("out", metavar="OUT", help="the PDF file to write")
    _export_options(p)
    p.add_argument("--lang", choices=["de", "en"], default="de", help="the language of the PDF (default de)")


def _export_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--force", action="store_true", help="overwrite OUT if it exists")
    p.add_argument("--mine-only", action="store_true", help="leave out annotations others shared with you")


def _file_id(store: Store, ref: str) -> str:
    return Library(store.db.conn).resolve_file(ref).id


def _when(a: Annotation) -> str:
    when = parse_time(a.modified) or parse_time(a.created)
    return when.astimezone().strftime("%d.%m.%Y %H:%M") if when else "-"


def _line(a: Annotation, mine: bool) -> str:
    what = f"„{' '.join(a.quote.exact.split())}“" if a.quote is not None else ""
    text = " ".join(a.text.split())
    if len(text) > 80:
        text = text[:79] + "…"
    words = " — ".join(p for p in (what, text) if p)
    author = (a.author_name or a.author_id) + ("" if mine else " (shared)")
    flag = " [needs attention]" if a.attention else ""
    return f"  p. {a.page + 1:<4} {a.kind:<9} {author}, {_when(a)}{flag}  {words}  [{a.id}]"


def list_(args: argparse.Namespace) -> int:
    with open_store(data_paths(args.data_dir)) as store:
        who = exchange.identity(store)
        annotations = exchange.annotation_store(store, who)
        library = Library(store.db.conn)
        if args.file:
            try:
                file_ids = [library.resolve_file(args.file).id]
            except DocumentNotFound:  # annotations kept of a document no longer here
                file_ids = [args.file.strip()]
            records = annotations.list_for_files(file_ids)
        elif args.meeting:
            folder = library.meeting(args.meeting, include_superseded=True)
            if folder is None:
                raise DocumentNotFound(f"There is no meeting {args.meeting} in the offline copy.")
            file_ids = [f.id for f in folder.meeting_files] + [f.id for i in folder.items for f in i.files]
            records = annotations.list_for_files(file_ids)
        else:
            records = annotations.all()
        if not records:
            print("No annotations.")
            return 0
        kept = annotations.document_labels({a.file_id for a in records})  # of documents that left
        current = None
        for a in records:
            if a.file_id != current:
                current = a.file_id
                entry = library.file(a.file_id)
                if entry is not None:
                    context = f" — {entry.context}" if entry.context else ""
                    print(f"[{a.file_id}] {entry.name or entry.file_name}{context}")
                elif a.file_id in kept:
                    print(f"[{a.file_id}] {kept[a.file_id]} (no longer in the offline copy)")
                else:
                    print(f"[{a.file_id}] (document not in the offline copy)")
            print(_line(a, a.author_id == who.user_id))
        print(f"{len(records)} annotations.")
    return 0


def _password(args: argparse.Namespace) -> str | None:
    if not getattr(args, "password_stdin", False):
        return None
    from gremalda.cli.main import read_password

    return read_password(True)


def export_pdf(args: argparse.Namespace) -> int:
    password = _password(args)
    with open_store(data_paths(args.data_dir)) as store:
        result = exchange.export_pdf(
            store,
            _file_id(store, args.file),
            Path(args.out),
            include_others=not args.mine_only,
            password=password,
            overwrite=args.force,
        )
    skipped = f" ({result.skipped} left out: their page is not in this version)" if result.skipped else ""
    print(f"Wrote {result.target} with {result.written} annotations{skipped}.")
    return 0


def export_xfdf(args: argparse.Namespace) -> int:
    target = Path(args.out).expanduser()
    password = _password(args)
    with open_store(data_paths(args.data_dir)) as store:
        file_id = _file_id(store, args.file)
        data = exchange.export_xfdf(store, file_id, include_others=not args.mine_only, password=password)
        exchange.write_atomically(target, data, overwrite=args.force)
        count = len(exchange.live_annotations(store, file_id, include_others=not args.mine_only))
    print(f"Wrote {target} ({count} annotations).")
    return 0


def _read_input(path: Path) -> bytes:
    try:
        with open(path.expanduser(), "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = OsReason.of(exc, READ)
        raise DataDirUnusable(f"Could not read {path}: {reason.text}.", detail=reason.system) from None
    return data


def import_xfdf(args: argparse.Namespace) -> int:
    data = _read_input(Path(args.source))
    password = _password(args)
    with open_store(data_paths(args.data_dir)) as store:
        counts = exchange.import_xfdf(store, _file_id(store, args.file), data, password=password)
    parts = [f"{counts.created} new", f"{counts.updated} updated", f"{counts.unchanged} unchanged"]
    if counts.read_only:
        parts.append(f"{counts.read_only} not changed: by someone else, read-only")
    print("Imported: " + ", ".join(parts) + ".")
    if counts.unsupported:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.unsupported.items()))
        print(f"Not imported (kinds Gremalda does not have): {kinds}.")
    if counts.created or counts.updated:
        print("They are sent with the next gremalda sync.")
    return 0


def summary(args: argparse.Namespace) -> int:
    with open_store(data_paths(args.data_dir)) as store:
        target = exchange.export_summary(
            store,
            args.meeting,
            Path(args.out),
            include_others=not args.mine_only,
            overwrite=args.force,
            language=args.lang,
        )
    print(f"Wrote the meeting's notes to {target}.")
    return 0
