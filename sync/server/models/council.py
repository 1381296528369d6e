"""The council model, aligned with OParl 1.1: Body, Organization, Person, Membership, Meeting,
AgendaItem, Paper, Consultation."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sync.server.models.base import Base, UTCDateTime, Versioned


class OrganizationKind(enum.StrEnum):
    PARLIAMENT = "parliament"  # the body's assembly (Bezirksversammlung, Gemeinderat)
    COMMITTEE = "committee"
    FACTION = "faction"
    OTHER = "other"


class MeetingState(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Body(Versioned, Base):
    __tablename__ = "body"
    __table_args__ = ({"sqlite_autoincrement": True},)  # SQLite: never reuse ids (clients key by id)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(100), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    notice_days: Mapped[int] = mapped_column(Integer, default=7)  # Ladungsfrist


class Organization(Versioned, Base):
    __tablename__ = "organization"
    __table_args__ = ({"sqlite_autoincrement": True},)  # SQLite: never reuse ids (clients key by id)
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[OrganizationKind] = mapped_column(
        Enum(OrganizationKind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class Person(Versioned, Base):
    __tablename__ = "person"
    __table_args__ = ({"sqlite_autoincrement": True},)  # SQLite: never reuse ids (clients key by id)
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    given_name: Mapped[str] = mapped_column(String(150), default="")
    family_name: Mapped[str] = mapped_column(String(150), default="")
    form_of_address: Mapped[str] = mapped_column(String(50), default="")
    title: Mapped[str] = mapped_column(String(100), default="")


class Membership(Versioned, Base):
    __tablename__ = "membership"
    __table_args__ = ({"sqlite_autoincrement": True},)  # SQLite: never reuse ids (clients key by id)
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    role: Mapped[str] = mapped_column(String(100), default="Mitglied")
    voting_right: Mapped[bool] = mapped_column(Boolean, default=True)
    deputy: Mapped[bool] = mapped_column(Boolean, default=False)  # Stellvertretung
    start_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    end_date: Mapped[date | None] = mapped_column(Date, nullable=True)

    def active_on(self, day: date) -> bool:
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or day <= self.end_date
        )


class Meeting(Versioned, Base):
    __tablename__ = "meeting"
    __table_args__ = ({"sqlite_autoincrement": True},)  # SQLite: never reuse ids (clients key by id)
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    state: Mapped[MeetingState] = mapped_column(
        Enum(MeetingState, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=MeetingState.DRAFT,
    )
    start: Mapped[datetime] = mapped_column(UTCDateTime)
    end: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    location: Mapped[str] = mapped_column(String(300), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.order", passive_deletes=True
    )


class AgendaItem(Versioned, Base):
    __tablename__ = "agenda_item"
    __table_args__ = ({"sqlite_autoincrement": True},)  # SQLite: never reuse ids (clients key by id)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(30), default="")
    order: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    result: Mapped[str] = mapped_column(String(200), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="items")


class Paper(Versioned, Base):
    __tablename__ = "paper"
    __table_args__ = ({"sqlite_autoincrement": True},)  # SQLite: never reuse ids (clients key by id)
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    reference: Mapped[str] = mapped_column(String(50), default="")  # Drucksachennummer
    name: Mapped[str] = mapped_column(Text)
    paper_type: Mapped[str] = mapped_column(String(100), default="Vorlage")
    date: Mapped[date | None] = mapped_column(Date, nullable=True)
    public: Mapped[bool] = mapped_column(Boolean, default=True)


class Consultation(Versioned, Base):
    __tablename__ = "consultation"
    __table_args__ = ({"sqlite_autoincrement": True},)  # SQLite: never reuse ids (clients key by id)
    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("paper.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(100), default="Beratung")
    authoritative: Mapped[bool] = mapped_column(Boolean, default=False)
