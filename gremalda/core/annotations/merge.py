"""Merging two versions of one annotation without trusting wall clocks.

State-based, per register (see :data:`~gremalda.core.annotations.records.REGISTERS`): each register is
last-writer-wins by its :class:`~gremalda.core.annotations.records.Stamp` (Lamport counter, then device
id), the same winner on every device. A local edit stamps the registers it changes with a counter above
every stamp the record carries, so an edit made after seeing another one always wins against it.

Deletion: the tombstone is a register like the others (a restore is a later write of it), and a delete
records in ``delete_seen`` the stamps of every register it saw; ``delete_seen`` merges by the larger
stamp per register. A record is deleted when its tombstone is set and no register carries a stamp the
deletions had not seen: an edit concurrent with a delete (of any field) beats it; a delete made after
seeing the edit wins. Every part is a join of a semilattice, so :func:`merge` is commutative, associative
and idempotent, and devices that have exchanged all versions hold the same record.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from gremalda.core.annotations.errors import AnnotationMismatch, InvalidAnnotation
from gremalda.core.annotations.records import (
    DELETED,
    FIELD_REGISTER,
    IMMUTABLE,
    REGISTERS,
    ZERO,
    Annotation,
    Stamp,
)


def merge(a: Annotation, b: Annotation) -> Annotation:
    """The join of two versions of the same annotation."""
    for name in IMMUTABLE:
        if getattr(a, name) != getattr(b, name):
            raise AnnotationMismatch(detail=f"{a.id} / {b.id}: {name} differs")
    changes: dict[str, Any] = {}
    clocks: dict[str, Stamp] = {}
    for reg in (*REGISTERS, DELETED):
        sa, sb = a.stamp(reg), b.stamp(reg)
        winner = a if (sa, _tiebreak(a, reg)) >= (sb, _tiebreak(b, reg)) else b
        if max(sa, sb) != ZERO:
            clocks[reg] = max(sa, sb)
        for name in REGISTERS.get(reg, (DELETED,)):
            changes[name] = getattr(winner, name)
    seen = {reg: max(a.delete_seen.get(reg, ZERO), b.delete_seen.get(reg, ZERO)) for reg in REGISTERS}
    return replace(
        a,
        **changes,
        clocks=clocks,
        delete_seen={reg: s for reg, s in seen.items() if s != ZERO},
        modified=max(a.modified, b.modified),
    )


def _tiebreak(a: Annotation, reg: str) -> str:
    """Equal stamps come from the same write and so carry the same values; should they not (a bug, or
    a forged record), decide by the values' JSON so that the result is still the same everywhere."""
    return repr(tuple(repr(getattr(a, n)) for n in REGISTERS.get(reg, (DELETED,))))


def edit(a: Annotation, device: str, *, modified: str = "", **changes: Any) -> Annotation:
    """``a`` with ``changes`` made on ``device``: each changed register gets a new stamp above every
    stamp the record carries. Changing a field of a deleted record restores it (the edit is newer than
    what the deletion saw). Changing only part of the placement keeps the rest of it."""
    if not device:
        raise InvalidAnnotation(detail="device id is empty")
    unknown = set(changes) - set(FIELD_REGISTER)
    if unknown:
        raise InvalidAnnotation(detail=f"cannot edit {sorted(unknown)}")
    stamp = Stamp(a.max_counter + 1, device)
    touched = {FIELD_REGISTER[name] for name in changes}
    clocks = dict(a.clocks)
    for reg in touched:
        clocks[reg] = stamp
    return replace(a, **changes, clocks=clocks, modified=modified or a.modified)


def delete(a: Annotation, device: str, *, modified: str = "") -> Annotation:
    """The tombstone of ``a`` made on ``device``, having seen everything ``a`` carries."""
    return _set_deleted(a, device, True, modified)


def restore(a: Annotation, device: str, *, modified: str = "") -> Annotation:
    """``a`` brought back (undo of a delete)."""
    return _set_deleted(a, device, False, modified)


def _set_deleted(a: Annotation, device: str, deleted: bool, modified: str) -> Annotation:
    if not device:
        raise InvalidAnnotation(detail="device id is empty")
    stamp = Stamp(a.max_counter + 1, device)
    seen: Mapping[str, Stamp] = a.delete_seen
    if deleted:
        seen = {reg: max(a.stamp(reg), a.delete_seen.get(reg, ZERO)) for reg in REGISTERS}
        seen = {reg: s for reg, s in seen.items() if s != ZERO}
    clocks = {**a.clocks, DELETED: stamp}
    return replace(a, deleted=deleted, clocks=clocks, delete_seen=seen, modified=modified or a.modified)


def create(device: str, *, id: str | None = None, now: str = "", **values: Any) -> Annotation:
    """A new record made on ``device`` (a fresh UUID unless ``id`` is given), every register stamped."""
    if not device:
        raise InvalidAnnotation(detail="device id is empty")
    stamp = Stamp(1, device)
    return Annotation(
        id=id or str(uuid.uuid4()),
        created=now,
        modified=now,
        clocks={reg: stamp for reg in REGISTERS},
        **values,
    )
