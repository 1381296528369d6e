"""The version chain of a document, the one rule for client and server: a file replaced by a newer one
(the newer file's ``supersedes_id``), maybe several times over. A pure walk over the links
{file id: the id of the file it supersedes}; who reads the links is the caller's (the client's replica:
:mod:`gremalda.core.version_chain`; the server's database: :mod:`sync.server.file_versions`).

* A file naming itself is no link. A file whose predecessor is not among the links' files still replaces it.
* Two files replacing the same one (a branch): the newer id (numeric ids by number) is followed.
* A cycle (files replacing each other round, which an edit of a ``supersedes_id`` could make before the
  server refused it) stops the walk. Its newest id counts as the newest version of every file on it and is
  itself not replaced: the answer is the same from each of them, so every reader lists exactly one file of
  the cycle as current (not none, as "every file another one names is replaced" would).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping


def id_key(file_id: str) -> tuple[int, int | str]:
    """Files in the order they were made: numeric ids by number, before any other ids."""
    return (0, int(file_id)) if file_id.isdigit() else (1, file_id)


class VersionWalk:
    """Who replaces whom; :meth:`newer` walks a file's chain, :meth:`replaced` names the replaced files."""

    def __init__(self, links: Iterable[tuple[str, str]]) -> None:
        """``links``: (file id, the id of the file it supersedes)."""
        successors: dict[str, list[str]] = defaultdict(list)
        for file_id, previous in links:
            if previous != file_id:
                successors[previous].append(file_id)
        # the one followed from each file: at a branch, the newest
        self._next = {previous: max(newer, key=id_key) for previous, newer in successors.items()}

    @classmethod
    def of(cls, supersedes: Mapping[str, str | None]) -> VersionWalk:
        """The walk over {file id: the id it supersedes} (None or "": no link)."""
        return cls((file_id, previous) for file_id, previous in supersedes.items() if previous)

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
