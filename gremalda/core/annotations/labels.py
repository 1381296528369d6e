"""The labels kept with annotations whose document left the replica ("Haushalt 2027 — Drucksache
2026/123": the document's name and where it belonged), so that the kept (orphaned) annotations still
name their document.

A label is made while the replica still holds the document and what it belongs to:
:func:`remember_documents` right before files leave it, and :func:`remember_placed` right before an
object they may belong to (a meeting, an agenda item, a paper, an e-file's parts) leaves it, so that a
file removed after its agenda item (the clerk's deletion of an item, a feed removal split across pages)
still names the item. A later label that has lost the place (its owner already gone) does not replace
one made earlier. Both run inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from gremalda.core.library import Library, ref_id
from gremalda.core.records import FileEntry
from gremalda.store.database import Connection

# the kinds of objects a file's place (FileEntry.context) is made of
PLACE_KINDS = frozenset({"meeting", "agenda_item", "paper", "document", "process", "efile"})


def document_label(entry: FileEntry) -> str:
    """ "Haushalt 2027 — Drucksache 2026/123": a file's name and where it belongs (the meeting, agenda
    item, paper or e-file), as the command line lists documents."""
    name = entry.name or entry.file_name or entry.id
    return f"{name} — {entry.context}" if entry.context else name


def remember_documents(conn: Connection, file_ids: Iterable[str]) -> int:
    """Keep, with the annotations of these files, the files' labels while the replica still holds them
    (called right before the files leave it). Files without annotations cost one indexed lookup each.
    Returns how many files' labels were kept."""
    kept = 0
    library = Library(conn)
    for file_id in dict.fromkeys(file_ids):
        if conn.execute("SELECT 1 FROM annotation WHERE file_id = ?", (file_id,)).fetchone() is None:
            continue
        found = library.file_with_owners(file_id)
        if found is None:
            continue
        entry, owners = found
        label = document_label(entry)
        if _place_complete(owners, file_id):
            conn.execute("UPDATE annotation SET label = ? WHERE file_id = ?", (label, file_id))
        else:  # the place is gone already: a label made while it was there stays
            conn.execute(
                "UPDATE annotation SET label = coalesce(label, ?) WHERE file_id = ?", (label, file_id)
            )
        kept += 1
    return kept


def _place_complete(owners: Callable[[str, str | None], dict[str, Any] | None], file_id: str) -> bool:
    """Whether the replica still holds every object of the file's place (its agenda item and that item's
    meeting, its paper, its meeting, or its document with process and e-file): only then may a label made
    now replace one made earlier, while more of the place was there. `owners` looks up what the library
    read for the file's label (nothing is read again)."""
    file = owners("file", file_id)
    if file is None:
        return False
    chain: list[tuple[str, str]]
    if ref_id(file.get("agenda_item_id")) is not None:
        chain = [("agenda_item", "agenda_item_id"), ("meeting", "meeting_id")]
    elif ref_id(file.get("paper_id")) is not None:
        chain = [("paper", "paper_id")]
    elif ref_id(file.get("meeting_id")) is not None:
        chain = [("meeting", "meeting_id")]
    elif ref_id(file.get("document_id")) is not None:
        chain = [("document", "document_id"), ("process", "process_id"), ("efile", "efile_id")]
    else:
        return False  # no place to name
    current: dict[str, Any] | None = file
    for kind, key in chain:
        current = owners(kind, ref_id(current.get(key))) if current is not None else None
        if current is None:
            return False
    return True


def remember_placed(conn: Connection, kind: str) -> int:
    """Before an object of ``kind`` leaves the replica: if files may belong to it, keep the labels of the
    annotated files that have none yet (one query when all have one). Returns how many were kept."""
    if kind not in PLACE_KINDS:
        return 0
    rows = conn.execute(
        "SELECT DISTINCT file_id FROM annotation WHERE label IS NULL"
        " AND file_id IN (SELECT id FROM object WHERE type = 'file')"
    ).fetchall()
    return remember_documents(conn, (str(r[0]) for r in rows))


def document_labels(conn: Connection, file_ids: Iterable[str]) -> dict[str, str]:
    """The labels kept for these files, for those that have one."""
    rows = conn.execute(
        "SELECT file_id, max(label) FROM annotation WHERE label IS NOT NULL"
        " AND file_id IN (SELECT value FROM json_each(?)) GROUP BY file_id",
        (json.dumps(list(dict.fromkeys(file_ids))),),
    ).fetchall()
    return {str(r[0]): str(r[1]) for r in rows}
