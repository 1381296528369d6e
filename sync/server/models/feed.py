"""The change feed's tables.

`feed_object` holds the current serialised state and audience of every synced object (one row per
object, tombstones included); `change` is the append-only log of every change in sequence order;
`object_audience` indexes which audience keys may see an object. `feed_counter` is the single row
whose update serialises writers so that sequence numbers commit in order (PostgreSQL too).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.models.base import Base, UTCDateTime, utcnow


class FeedCounter(Base):
    __tablename__ = "feed_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)


class FeedObject(Base):
    __tablename__ = "feed_object"
    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    obj_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, index=True)
    audience: Mapped[str] = mapped_column(String(2000), default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    payload: Mapped[str | None] = mapped_column(Text, nullable=True)
    modified: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Change(Base):
    __tablename__ = "change"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[int] = mapped_column(SmallInteger)
    obj_id: Mapped[int] = mapped_column(BigInteger)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    before: Mapped[str] = mapped_column(String(2000), default="")
    after: Mapped[str] = mapped_column(String(2000), default="")
    # the device whose own push this row records (annotations it pushed, which it holds already as the
    # server answered): its event stream is not woken by the row (the user's other devices are); NULL for
    # every other change
    device_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, default=None)


class ObjectAudience(Base):
    __tablename__ = "object_audience"
    __table_args__ = (Index("ix_object_audience_key_kind_obj", "key", "kind", "obj_id"),)
    kind: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    obj_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
