"""The version chain of a document: a file replaced by a newer one (the newer file's ``supersedes_id``),
maybe several times over. Qt-free; one walk for the open tabs that follow their new versions
(:mod:`gremalda.ui.document_versions`) and for the annotations that move onto them
(:mod:`gremalda.core.annotations.reanchoring`), so both name the same newest version.

* The links are the file objects of the replica that name another file in ``supersedes_id`` (an id, as
  number or text; anything else is no link, as for :class:`gremalda.core.library.Library`); a file
  naming itself is no link. A file whose predecessor is not in the replica (removed, or never
  downloaded) still replaces it: the chain of an orphaned file's annotations goes on from there.
* Two files replacing the same one (a branch): the newer id (numeric ids by number) is followed.
* A cycle (files replacing each other round, which a later edit of a ``supersedes_id`` could make)
  stops the walk. Its newest id counts as the newest version of every file on it and is itself not
  replaced: the answer is the same from each of them, so that annotations moved there are not moved
  on round the cycle by every later pass, and a tab does not offer one "new version" after another
  round it. (Only the files of a cycle reach it: each file replaces one other, its predecessor on it.)

What a caller takes from the chain is its own: the newest version that is here to show (the tabs), or
the newest that is downloaded and indexed (re-anchoring).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from gremalda.core.replica_objects import ref_id
from gremalda.store.database import Connection


def id_key(file_id: str) -> tuple[int, int | str]:
    """Files in the order they were made: numeric ids by number, before any other ids."""
    return (0, int(file_id)) if file_id.isdigit() else (1, file_id)


class VersionChains:
    """Who replaces whom, read once (:meth:`read`); :meth:`newer` walks a file's chain."""

    def __init__(self, links: Iterable[tuple[str, str]]) -> None:
        """``links``: (file id, the id of the file it supersedes)."""
        successors: dict[str, list[str]] = defaultdict(list)
        for file_id, previous in links:
            if previous != file_id:
                successors[previous].append(file_id)
        # the one followed from each file: at a branch, the newest
        self._next = {previous: max(newer, key=id_key) for previous, newer in successors.items()}

    @classmethod
    def read(cls, conn: Connection) -> VersionChains:
        """The replica's links (its file objects with a ``supersedes_id``)."""
        rows = conn.execute(
            "SELECT id, json_extract(data, '$.supersedes_id') FROM object WHERE type = 'file' "
            "AND json_type(data, '$.supersedes_id') IN ('integer', 'text')"
        ).fetchall()
        return cls((str(file_id), previous) for file_id, value in rows if (previous := ref_id(value)))

    def replaced(self) -> set[str]:
        """The files a newer version replaces (those whose :meth:`newer` is not empty): every file
        another one supersedes, except the newest id of each cycle (and a file naming itself)."""
        tops: set[str] = set()
        done: set[str] = set()
        for start in self._next:
            walked: dict[str, int] = {}  # this walk's files, in order
            current: str | None = start
            while current is not None and current not in done:
                if current in walked:  # a cycle closes: the files from current on
                    tops.add(max(list(walked)[walked[current] :], key=id_key))
                    break
                walked[current] = len(walked)
                current = self._next.get(current)
            done.update(walked)
        return set(self._next) - tops

    def newer(self, file_id: str) -> list[str]:
        """The versions replacing ``file_id``, each replaced by the next, the newest last; empty when
        nothing replaces it. On a cycle the chain ends at the cycle's newest id (see the module)."""
        chain: list[str] = []
        position = {file_id: -1}  # where each file is in the chain (the start before it)
        current = file_id
        while (newer := self._next.get(current)) is not None:
            if newer in position:  # a cycle closes: it is chain[position[newer]:] (and the start)
                cycle = [file_id, *chain] if position[newer] < 0 else chain[position[newer] :]
                top = max(cycle, key=id_key)
                return [] if top == file_id else chain[: chain.index(top) + 1]
            position[newer] = len(chain)
            chain.append(newer)
            current = newer
        return chain
