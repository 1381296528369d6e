"""All ORM models; importing this package registers every table on `Base.metadata`."""

from sync.server.models.accounts import Device, IdempotencyRecord, LoginFailure, Role, User
from sync.server.models.annotations import Annotation
from sync.server.models.base import Base, utcnow
from sync.server.models.council import (
    AgendaItem,
    Body,
    Consultation,
    Meeting,
    MeetingState,
    Membership,
    Organization,
    OrganizationKind,
    Paper,
    Person,
)
from sync.server.models.deliveries import Delivery, DeliveryReport
from sync.server.models.documents import Document, EFile, EFileShare, File, FileRole, Process
from sync.server.models.feed import Change, FeedCounter, FeedObject, ObjectAudience

__all__ = [
    "AgendaItem",
    "Annotation",
    "Base",
    "Body",
    "Change",
    "Consultation",
    "Delivery",
    "DeliveryReport",
    "Device",
    "Document",
    "EFile",
    "EFileShare",
    "FeedCounter",
    "FeedObject",
    "File",
    "FileRole",
    "IdempotencyRecord",
    "LoginFailure",
    "Meeting",
    "MeetingState",
    "Membership",
    "ObjectAudience",
    "Organization",
    "OrganizationKind",
    "Paper",
    "Person",
    "Process",
    "Role",
    "User",
    "utcnow",
]
