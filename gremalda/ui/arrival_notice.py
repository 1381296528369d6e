"""What the notice over the agenda says when a sync pass brought documents: after the count ("1 new
document arrived."), what arrived — the late paper, its agenda item and the clerk's change note ("Late
paper for TOP 5: Amendment — corrected figures"); for several, the first of them (late papers first,
then new versions, then other new documents). The notice's button opens that document."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject

from gremalda.core.library import Library
from gremalda.core.readstate import Arrivals
from gremalda.core.records import FileEntry
from gremalda.store.replica import Store
from gremalda.ui.formatting import file_label

READ_AT_MOST = 50  # arrived files read to find the one to name (a newly published meeting brings many)


def read_arrivals(arrivals: Arrivals) -> Callable[[Store], list[tuple[FileEntry, bool]]]:
    """The job (on a replica worker): the arrived files' entries (at most :data:`READ_AT_MOST`), each
    with whether it is a change (a new version or new content) rather than a new document."""
    wanted = [(i, False) for i in arrivals.new] + [(i, True) for i in arrivals.changed]

    def job(store: Store) -> list[tuple[FileEntry, bool]]:
        library = Library(store.db.conn)
        out = []
        for file_id, changed in wanted[:READ_AT_MOST]:
            entry = library.file(file_id)
            if entry is not None:
                out.append((entry, changed))
        return out

    return job


def first_arrival(entries: Sequence[tuple[FileEntry, bool]]) -> tuple[FileEntry, bool] | None:
    """The arrival to name: a late paper first, then a new version, then any (in the order given)."""

    def rank(item: tuple[FileEntry, bool]) -> int:
        entry, changed = item
        return 0 if entry.role == "late" else 1 if changed else 2

    return min(entries, key=rank) if entries else None


MEETING_ROLES = frozenset({"invitation", "minutes"})  # the meeting's own documents (Sitzungsunterlagen)


def place_of(entry: FileEntry) -> str:
    """Where the document belongs, shortly: "TOP 5" of "TOP 5 · 3. Sitzung … 02.12.2026", "Drucksache
    22-0561"; nothing for the meeting's own documents (invitation, minutes): their name says the meeting,
    and their place is the whole meeting's label ("3. Sitzung … 03.12.2026"), not a place within it."""
    if entry.role in MEETING_ROLES:
        return ""
    return entry.context.split(" · ", 1)[0].strip()


class ArrivalNotice(QObject):
    """The texts (context "ArrivalNotice")."""

    def describe(self, entry: FileEntry, changed: bool) -> str:
        """ "Late paper for TOP 5: Amendment — ‹change note›" and the like."""
        place = place_of(entry)
        name = file_label(entry)
        if changed:
            what = self.tr("New version for %1: %2") if place else self.tr("New version: %2")
        elif entry.role == "late":
            what = self.tr("Late paper for %1: %2") if place else self.tr("Late paper: %2")
        else:
            what = self.tr("New document for %1: %2") if place else self.tr("New document: %2")
        text = what.replace("%1", place).replace("%2", name)
        note = " ".join(entry.change_note.split())
        return f"{text} — {note}" if note else text

    def action_text(self) -> str:
        """The notice's button: open the document named."""
        return self.tr("&Open")

    def text(self, counted: str, entry: FileEntry, changed: bool, total: int) -> str:
        """The count's sentence (``counted``), then the arrival named: alone, or the first of ``total``."""
        described = self.describe(entry, changed)
        if total > 1:
            return counted + " " + self.tr("Among them: %1").replace("%1", described)
        return f"{counted} {described}"
