"""Numbering of agenda items (TOP) after a reorder, an insertion or a removal.

The rule: items are numbered 1..n in their order. A clerk's sub-number — a number that *is* a number
followed by a sub-part, ``3a``, ``3 b``, ``3.1`` or ``3.1.2`` — marks an item that belongs to the main
item before it: it keeps its sub-part and takes that main item's new number (``3a`` after the item now
numbered 5 becomes ``5a``), and it does not count. A sub-numbered item with no main item before it (moved
to the top) becomes a main item. Every other number (empty, ``7``, ``N1``, ``TOP 4``) is a main item's
and is replaced by the next number. ``order`` is the position, 1..n.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_SUB = re.compile(r"^\s*\d+\s*((?:[a-z]|(?:\.\d+)+))\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Numbered:
    item_id: str
    number: str
    order: int


def sub_part(number: str) -> str | None:
    """The sub-part of a sub-number ("3a" -> "a", "3.1" -> ".1"), None for a main item's number."""
    match = _SUB.match(number)
    return match.group(1) if match else None


def renumber(items: Sequence[tuple[str, str]]) -> list[Numbered]:
    """New numbers for ``(item_id, current_number)`` pairs in their new order (see the module doc)."""
    result: list[Numbered] = []
    main = 0
    for position, (item_id, number) in enumerate(items, start=1):
        sub = sub_part(number)
        if sub is not None and main > 0:
            result.append(Numbered(item_id, f"{main}{sub}", position))
        else:
            main += 1
            result.append(Numbered(item_id, str(main), position))
    return result
