"""Who may see what, as audience keys.

Every synced object has a set of audience keys; every user has a set of keys. A user sees an
object when the two sets meet. Keys: `b<body>` everyone of the body, `c<body>` the body's clerks,
`o<org>` members and deputies of an organization, `e<efile>` persons an e-file is shared with,
`u<user>` one user (their own annotations, on all their devices), and `f<faction>.<key>` a member of
the faction who also holds `<key>` (an annotation shared with the author's faction is for those of
its members who may see the file).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.server.models import (
    AgendaItem,
    Annotation,
    Body,
    Consultation,
    Document,
    EFile,
    EFileShare,
    File,
    Meeting,
    MeetingState,
    Membership,
    Organization,
    OrganizationKind,
    Paper,
    Person,
    Process,
    Role,
    User,
)

Audience = frozenset[str]

# an annotation's stored visibility while its author may not see its file: shared with no one else
# (the record keeps the visibility the author chose; it applies again once they may see the file)
WITHHELD = "withheld"


def body_key(body_id: int) -> str:
    return f"b{body_id}"


def clerk_key(body_id: int) -> str:
    return f"c{body_id}"


def org_key(org_id: int) -> str:
    return f"o{org_id}"


def efile_key(efile_id: int) -> str:
    return f"e{efile_id}"


def user_key(user_id: int) -> str:
    return f"u{user_id}"


def faction_key(faction_id: int, key: str) -> str:
    return f"f{faction_id}.{key}"


def encode(keys: Audience) -> str:
    return " ".join(sorted(keys))


def decode(text: str) -> Audience:
    return frozenset(text.split()) if text else frozenset()


def user_keys(session: Session, user: User, today: date) -> Audience:
    """The keys of everything this user may see today."""
    keys = {body_key(user.body_id)}
    factions: list[int] = []
    if user.role == Role.CLERK:
        keys.add(clerk_key(user.body_id))
        org_ids = session.scalars(select(Organization.id).where(Organization.body_id == user.body_id))
        keys.update(org_key(o) for o in org_ids)
    if user.person_id is not None:
        for membership in session.scalars(select(Membership).where(Membership.person_id == user.person_id)):
            if membership.active_on(today):
                keys.add(org_key(membership.organization_id))
        shares = session.scalars(select(EFileShare.efile_id).where(EFileShare.person_id == user.person_id))
        keys.update(efile_key(e) for e in shares)
        factions = faction_ids(session, user.person_id, today)
    keys.update([faction_key(f, k) for f in factions for k in keys])
    keys.add(user_key(user.id))
    return frozenset(keys)


def faction_ids(session: Session, person_id: int | None, today: date) -> list[int]:
    """The factions the person is an active member (or deputy) of today, by id."""
    if person_id is None:
        return []
    rows = session.execute(
        select(Membership, Organization.id)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.person_id == person_id, Organization.kind == OrganizationKind.FACTION)
    )
    return sorted({org_id for membership, org_id in rows if membership.active_on(today)})


class AudienceResolver:
    """Computes the audience of objects within one session (uses the session's identity map)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        # a resolver lives within one state of the session (the feed writer's): annotations of one file
        # share its audience, computed once
        self._file_audience: dict[int, Audience] = {}

    def of(self, obj: object) -> Audience:
        s = self.session
        if isinstance(obj, Body):
            return frozenset({body_key(obj.id)})
        if isinstance(obj, Organization | Person):
            return frozenset({body_key(obj.body_id)})
        if isinstance(obj, Membership):
            person = s.get(Person, obj.person_id)
            return frozenset({body_key(person.body_id)}) if person else frozenset()
        if isinstance(obj, Meeting):
            return self.meeting(obj)
        if isinstance(obj, AgendaItem):
            return self.agenda_item(obj)
        if isinstance(obj, Consultation):
            item = s.get(AgendaItem, obj.agenda_item_id)
            return self.agenda_item(item) if item else frozenset()
        if isinstance(obj, Paper):
            return self.paper(obj)
        if isinstance(obj, EFile):
            return frozenset({efile_key(obj.id)})
        if isinstance(obj, Process):
            return frozenset({efile_key(obj.efile_id)})
        if isinstance(obj, Document):
            process = s.get(Process, obj.process_id)
            return frozenset({efile_key(process.efile_id)}) if process else frozenset()
        if isinstance(obj, File):
            return self.file(obj)
        if isinstance(obj, Annotation):
            return self.annotation(obj)
        raise TypeError(f"no audience for {type(obj).__name__}")

    def meeting(self, meeting: Meeting) -> Audience:
        if meeting.state == MeetingState.DRAFT:
            return frozenset({clerk_key(meeting.body_id)})
        return frozenset({body_key(meeting.body_id)})

    def agenda_item(self, item: AgendaItem) -> Audience:
        meeting = self.session.get(Meeting, item.meeting_id)
        if meeting is None:
            return frozenset()
        if meeting.state == MeetingState.DRAFT:
            return frozenset({clerk_key(meeting.body_id)})
        if item.public:
            return frozenset({body_key(meeting.body_id)})
        return frozenset({org_key(meeting.organization_id), clerk_key(meeting.body_id)})

    def paper(self, paper: Paper) -> Audience:
        """A public paper is the body's; a non-public one is for the body's clerks and for the members
        of the organizations whose (not draft) meetings consult it, whatever the items' own flags."""
        if paper.public:
            return frozenset({body_key(paper.body_id)})
        keys: set[str] = {clerk_key(paper.body_id)}
        meetings = self.session.scalars(
            select(Meeting)
            .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
            .join(Consultation, Consultation.agenda_item_id == AgendaItem.id)
            .where(Consultation.paper_id == paper.id)
        )
        for meeting in meetings:
            if meeting.state != MeetingState.DRAFT:
                keys.add(org_key(meeting.organization_id))
        return frozenset(keys)

    def file(self, file: File) -> Audience:
        s = self.session
        if file.paper_id is not None:
            paper = s.get(Paper, file.paper_id)
            return self.paper(paper) if paper else frozenset()
        if file.agenda_item_id is not None:
            item = s.get(AgendaItem, file.agenda_item_id)
            return self.agenda_item(item) if item else frozenset()
        if file.meeting_id is not None:
            meeting = s.get(Meeting, file.meeting_id)
            return self.meeting(meeting) if meeting else frozenset()
        if file.document_id is not None:
            document = s.get(Document, file.document_id)
            return self.of(document) if document else frozenset()
        return frozenset({clerk_key(file.body_id)})

    def annotation(self, note: Annotation) -> Audience:
        """Always the author; shared with the faction: those of the author's factions (as they were
        when it was written) who may see the file; with the committee: everyone who may see the file.
        An annotation of a deleted or unknown file, or one withheld (its author may not see the file), stays
        the author's alone."""
        keys = {user_key(note.author_id)}
        if note.visibility in ("private", WITHHELD) or note.file_id is None:
            return frozenset(keys)
        seen = self._file_audience.get(note.file_id)
        if seen is None:
            file = self.session.get(File, note.file_id)
            seen = frozenset() if file is None or file in self.session.deleted else self.file(file)
            self._file_audience[note.file_id] = seen
        if note.visibility == "committee":
            keys.update(seen)
        elif note.visibility == "faction":
            keys.update(faction_key(f, k) for f in note.factions for k in seen)
        return frozenset(keys)

    def dependents(self, obj: object) -> list[object]:
        """Objects whose audience is derived from `obj`'s."""
        s = self.session
        if isinstance(obj, Meeting):
            items: list[object] = list(s.scalars(select(AgendaItem).where(AgendaItem.meeting_id == obj.id)))
            return items + list(s.scalars(select(File).where(File.meeting_id == obj.id)))
        if isinstance(obj, AgendaItem):
            consultations = list(s.scalars(select(Consultation).where(Consultation.agenda_item_id == obj.id)))
            papers = [
                p for c in consultations if (p := s.get(Paper, c.paper_id)) is not None and not p.public
            ]
            files = list(s.scalars(select(File).where(File.agenda_item_id == obj.id)))
            return [*consultations, *papers, *files]
        if isinstance(obj, Consultation):
            paper = s.get(Paper, obj.paper_id)
            return [paper] if paper is not None else []
        if isinstance(obj, Paper):
            return list(s.scalars(select(File).where(File.paper_id == obj.id)))
        if isinstance(obj, Process):
            return list(s.scalars(select(Document).where(Document.process_id == obj.id)))
        if isinstance(obj, Document):
            return list(s.scalars(select(File).where(File.document_id == obj.id)))
        if isinstance(obj, File):
            return list(s.scalars(select(Annotation).where(Annotation.file_id == obj.id)))
        return []
