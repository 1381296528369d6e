"""Proof of delivery: when a member's device had a published meeting folder complete, and when the member
first opened it.

`delivery` is the summary per (meeting, user) that the clerk's table shows; `delivery_report` keeps every
accepted report (per device, with the client's and the server's time) for detail and makes reports
idempotent. Times marked "server" are the server's receipt times (the proof); the client's own time of
opening is kept clamped to [published_at, receipt].
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.models.base import Base, UTCDateTime, utcnow


class Delivery(Base):
    __tablename__ = "delivery"
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    first_complete_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # server
    current_complete_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # server
    # the sha256 of every file the folder had (for this user) when current_complete_at was recorded,
    # space-separated: the folder is still complete while what it has now is among them
    current_files: Mapped[str] = mapped_column(Text, default="")
    first_opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # client, clamped
    first_opened_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # server


class DeliveryReport(Base):
    __tablename__ = "delivery_report"
    __table_args__ = (UniqueConstraint("user_id", "idempotency_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[int | None] = mapped_column(
        ForeignKey("device.id", ondelete="SET NULL"), nullable=True, index=True
    )
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    event: Mapped[str] = mapped_column(String(20))  # complete | opened
    client_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    file_count: Mapped[int] = mapped_column(Integer, default=0)
