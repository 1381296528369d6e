"""Which of some files a newer version replaces, read from the server's database by the version chain's
rule (:mod:`sync.protocol.versions`, the client's too): a file another one supersedes is replaced, except
the newest id of a cycle (an old one from before the server refused them: `sync.server.api.write`) and a
file naming itself. The rule needs each file's chain onward, so the links are read from the files asked
about forward (who supersedes them, then who supersedes those, ...), a query per step of the longest chain.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.protocol.versions import VersionWalk
from sync.server.models import File


def superseded(session: Session, ids: Iterable[int]) -> set[int]:
    """The files among ``ids`` a newer version replaces (their current versions are the others)."""
    wanted = {int(i) for i in ids}
    links: dict[str, str] = {}
    asked: set[int] = set()
    step = set(wanted)
    while step:
        asked |= step
        rows = session.execute(
            select(File.id, File.supersedes_id).where(File.supersedes_id.in_(sorted(step)))
        ).all()
        step = set()
        for file_id, previous in rows:
            links[str(file_id)] = str(previous)
            if int(file_id) not in asked:
                step.add(int(file_id))
    replaced = VersionWalk(links.items()).replaced()
    return {i for i in wanted if str(i) in replaced}
