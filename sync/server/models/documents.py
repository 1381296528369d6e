"""Files (versioned, content-addressed) and e-files: EFile → Process → Document, shared with persons."""

from __future__ import annotations

import enum

from sqlalchemy import BigInteger, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sync.server.models.base import Base, Versioned


class FileRole(enum.StrEnum):
    MAIN = "main"  # the paper's main file, a document's content
    AUXILIARY = "auxiliary"  # attachments (Anlagen)
    INVITATION = "invitation"
    MINUTES = "minutes"
    LATE = "late"  # Tischvorlage / Nachtrag


class File(Versioned, Base):
    """One version of a document's bytes. A new version `supersedes` the previous one."""

    __tablename__ = "file"
    __table_args__ = ({"sqlite_autoincrement": True},)  # SQLite: never reuse ids (clients key by id)
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    file_name: Mapped[str] = mapped_column(String(255))
    mime_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[FileRole] = mapped_column(
        Enum(FileRole, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=FileRole.MAIN,
    )
    # exactly one owner
    paper_id: Mapped[int | None] = mapped_column(ForeignKey("paper.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("file.id"), nullable=True, index=True)
    change_note: Mapped[str] = mapped_column(Text, default="")


class EFile(Versioned, Base):
    __tablename__ = "efile"
    __table_args__ = ({"sqlite_autoincrement": True},)  # SQLite: never reuse ids (clients key by id)
    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("body.id"), index=True)
    reference_number: Mapped[str] = mapped_column(String(100))  # Aktenzeichen
    title: Mapped[str] = mapped_column(String(500))


class Process(Versioned, Base):
    __tablename__ = "process"
    __table_args__ = ({"sqlite_autoincrement": True},)  # SQLite: never reuse ids (clients key by id)
    id: Mapped[int] = mapped_column(primary_key=True)
    efile_id: Mapped[int] = mapped_column(ForeignKey("efile.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(500))


class Document(Versioned, Base):
    __tablename__ = "document"
    __table_args__ = ({"sqlite_autoincrement": True},)  # SQLite: never reuse ids (clients key by id)
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("process.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    order: Mapped[int] = mapped_column(Integer, default=0)


class EFileShare(Base):
    __tablename__ = "efile_share"
    __table_args__ = (UniqueConstraint("efile_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    efile_id: Mapped[int] = mapped_column(ForeignKey("efile.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
