"""Whom the user may share an annotation with (its ``visibility``), read from the replica.

``private`` is always possible. ``committee`` (those who may see the document) and ``faction`` (those of
the author's factions who may see it) need a document of our server: annotations on an OParl source's
documents stay on this device (`AnnotationStore.local_only`), so sharing them is refused here with the
reason ``"local"``. ``faction`` needs the author to be an active member (or deputy) of a faction today
(the server shares with the factions it finds then, sync/server/audience.py); in none: ``"no_faction"``.
An annotation the user kept as a private copy (the orphan dialog's "Keep as private copy" for a change the
server refused, `AnnotationStore.keep_local`) is never sent again, so it cannot be shared: ``"kept"``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from gremalda.core.annotations.records import Visibility
from gremalda.core.annotations.store import LOCAL_KEY
from gremalda.store.replica import Store, stored_account

__all__ = ["Refusal", "Sharing", "factions", "file_is_local", "kept_local", "refusal", "sharing"]

Refusal = Literal["local", "no_faction", "kept"]


@dataclass(frozen=True)
class Sharing:
    """What sharing an annotation of one document allows: whether the document's annotations stay on
    this device (``local``) and the names of the user's factions today (empty: in none); for one
    annotation also whether it is a private copy kept on this device (``kept``)."""

    local: bool = False
    factions: tuple[str, ...] = ()
    kept: bool = False


def refusal(sharing: Sharing, visibility: Visibility) -> Refusal | None:
    """Why ``visibility`` cannot be chosen (None: it can)."""
    if visibility is Visibility.PRIVATE:
        return None
    if sharing.kept:
        return "kept"
    if sharing.local:
        return "local"
    if visibility is Visibility.FACTION and not sharing.factions:
        return "no_faction"
    return None


def _objects(store: Store, kind: str) -> list[dict[str, Any]]:
    rows = store.db.conn.execute("SELECT data FROM object WHERE type = ?", (kind,)).fetchall()
    out = []
    for (raw,) in rows:
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        if isinstance(data, dict):
            out.append(data)
    return out


def _active(membership: dict[str, Any], today: str) -> bool:
    start, end = membership.get("start_date"), membership.get("end_date")
    return (not start or str(start) <= today) and (not end or today <= str(end))


def factions(store: Store, today: date | None = None) -> tuple[str, ...]:
    """The names of the factions the signed-in user's person is an active member (or deputy) of, sorted;
    empty when not signed in, without a person, or in no faction."""
    account = stored_account(store)
    person_id = None if account is None else account.get("person_id")
    if person_id is None:
        return ()
    day = (today or date.today()).isoformat()
    kinds = {
        str(o.get("id")): str(o.get("name") or o.get("id"))
        for o in _objects(store, "organization")
        if o.get("kind") == "faction"
    }
    names = {
        kinds[str(m.get("organization_id"))]
        for m in _objects(store, "membership")
        if str(m.get("person_id")) == str(person_id)
        and str(m.get("organization_id")) in kinds
        and _active(m, day)
    }
    return tuple(sorted(names, key=str.casefold))


def file_is_local(store: Store, file_id: str) -> bool:
    """Whether the annotations of ``file_id`` stay on this device (an OParl source's document; the same
    rule as `AnnotationStore.local_only` for documents)."""
    return "://" in file_id or (
        store.db.conn.execute(
            "SELECT 1 FROM object WHERE type = 'file' AND id = ?"
            " AND json_extract(data, '$.source') = 'oparl'",
            (file_id,),
        ).fetchone()
        is not None
    )


def kept_local(store: Store) -> frozenset[str]:
    """The ids of the annotations the user keeps on this device only (private copies; the list
    `AnnotationStore.keep_local` writes)."""
    row = store.db.conn.execute("SELECT value FROM sync_state WHERE key = ?", (LOCAL_KEY,)).fetchone()
    try:
        value = json.loads(row[0]) if row is not None else []
    except ValueError:
        return frozenset()
    return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()


def sharing(store: Store, file_id: str, annotation_id: str | None = None) -> Sharing:
    """What sharing allows for the annotations of ``file_id`` (see the module docstring); with
    ``annotation_id``, for that one (a kept private copy cannot be shared)."""
    kept = annotation_id is not None and annotation_id in kept_local(store)
    return Sharing(local=file_is_local(store, file_id), factions=factions(store), kept=kept)
