"""Annotations: a person's mark-up of a file, stored as the record their client pushed.

The server keeps what it needs to decide who may see a record (its file, author, visibility and the
author's factions when it was written) next to the record itself; it never merges or interprets the
rest. Rows are never physically deleted: a deletion is a record with ``"deleted": true``. The file
is referred to without a foreign key, so the author keeps their annotations when the file goes.
"""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.models.base import Base, Versioned


class Annotation(Versioned, Base):
    __tablename__ = "annotation"
    __table_args__ = ({"sqlite_autoincrement": True},)  # SQLite: never reuse ids (clients key by id)
    id: Mapped[int] = mapped_column(primary_key=True)
    # the sentinel lets SQLite take a batch of new rows in one INSERT and still match the ids it returns
    uuid: Mapped[str] = mapped_column(String(36), unique=True, insert_sentinel=True)
    file_id: Mapped[int | None] = mapped_column(
        Integer, nullable=True, index=True
    )  # no FK: rows outlive files
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    visibility: Mapped[str] = mapped_column(String(20))
    faction_ids: Mapped[str] = mapped_column(String(500), default="")  # the author's, space-separated
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    payload: Mapped[str] = mapped_column(Text)  # the record's JSON as the client pushed it

    @property
    def factions(self) -> list[int]:
        return [int(f) for f in self.faction_ids.split()]
