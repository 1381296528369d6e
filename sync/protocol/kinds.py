"""The object types that travel in the change feed, in the order a snapshot sends them."""

from __future__ import annotations

import enum


class Kind(enum.IntEnum):
    BODY = 1
    ORGANIZATION = 2
    PERSON = 3
    MEMBERSHIP = 4
    MEETING = 5
    AGENDA_ITEM = 6
    PAPER = 7
    CONSULTATION = 8
    EFILE = 9
    PROCESS = 10
    DOCUMENT = 11
    FILE = 12
    ANNOTATION = 13  # a person's mark-up of a file; only in the change feed and the annotation API

    @property
    def wire(self) -> str:
        return _WIRE[self]

    @classmethod
    def from_wire(cls, name: str) -> Kind:
        try:
            return _FROM_WIRE[name]
        except KeyError:
            raise ValueError(f"unknown object type {name!r}") from None


_WIRE = {
    Kind.BODY: "body",
    Kind.ORGANIZATION: "organization",
    Kind.PERSON: "person",
    Kind.MEMBERSHIP: "membership",
    Kind.MEETING: "meeting",
    Kind.AGENDA_ITEM: "agenda_item",
    Kind.PAPER: "paper",
    Kind.CONSULTATION: "consultation",
    Kind.EFILE: "efile",
    Kind.PROCESS: "process",
    Kind.DOCUMENT: "document",
    Kind.FILE: "file",
    Kind.ANNOTATION: "annotation",
}
_FROM_WIRE = {v: k for k, v in _WIRE.items()}
