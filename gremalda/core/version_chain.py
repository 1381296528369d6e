"""The version chain of a document: a file replaced by a newer one (the newer file's ``supersedes_id``),
maybe several times over. Qt-free; the walk is :mod:`sync.protocol.versions` (the server's rule
too), over the links read here from the replica: one walk for the open tabs that follow their new
versions (:mod:`gremalda.ui.document_versions`) and for the annotations that move onto them
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

from gremalda.core.replica_objects import ref_id
from gremalda.store.database import Connection
from sync.protocol.versions import VersionWalk, id_key

__all__ = ["VersionChains", "id_key"]


class VersionChains(VersionWalk):
    """Who replaces whom, read once from the replica (:meth:`read`); the walk itself
    (:meth:`newer`, :meth:`replaced`) is :class:`sync.protocol.versions.VersionWalk`, the server's too."""

    @classmethod
    def read(cls, conn: Connection) -> VersionChains:
        """The replica's links (its file objects with a ``supersedes_id``)."""
        rows = conn.execute(
            "SELECT id, json_extract(data, '$.supersedes_id') FROM object WHERE type = 'file' "
            "AND json_type(data, '$.supersedes_id') IN ('integer', 'text')"
        ).fetchall()
        return cls((str(file_id), previous) for file_id, value in rows if (previous := ref_id(value)))
