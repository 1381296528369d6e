"""A small, exactly known council for the visibility and change-feed tests.

Committee A and committee B of one body, a faction; a member of A, a deputy of A, a member of B
only, a former member of A (membership ended), a clerk and an administrator; a published meeting
of A with a public and a non-public item (each with a paper and a PDF), a draft meeting of A, a
cancelled meeting of B; an e-file shared with the member of A, one shared with nobody; and a
second body whose clerk must see nothing of the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sync.server.context import ServerContext
from sync.server.db import write_session
from sync.server.models import (
    AgendaItem,
    Body,
    Consultation,
    Document,
    EFile,
    EFileShare,
    File,
    FileRole,
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
from sync.server.passwords import hash_password

PASSWORD = "pw-secret-1"
ROLES = ("member", "deputy", "other", "former", "clerk", "admin", "foreign_clerk")


@dataclass
class World:
    ids: dict[str, int] = field(default_factory=dict)
    pdf: bytes = b""


def minimal_pdf(text: str) -> bytes:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 72), text)
    data: bytes = doc.tobytes()
    doc.close()
    return data


def build_world(ctx: ServerContext) -> World:
    world = World()
    ids = world.ids
    pw = hash_password(PASSWORD)
    now = datetime.now(UTC)
    with write_session(ctx.sessions) as s:
        body = Body(name="Bezirksversammlung Test")
        other_body = Body(name="Gemeinderat Anderswo")
        s.add_all([body, other_body])
        s.flush()
        a = Organization(body_id=body.id, name="Ausschuss A", kind=OrganizationKind.COMMITTEE)
        b = Organization(body_id=body.id, name="Ausschuss B", kind=OrganizationKind.COMMITTEE)
        faction = Organization(body_id=body.id, name="Fraktion F", kind=OrganizationKind.FACTION)
        s.add_all([a, b, faction])
        persons = {
            r: Person(body_id=body.id, name=f"Person {r}")
            for r in ("member", "deputy", "other", "former", "clerk")
        }
        foreign_person = Person(body_id=other_body.id, name="Fremde Person")
        s.add_all([*persons.values(), foreign_person])
        s.flush()
        s.add_all(
            [
                Membership(person_id=persons["member"].id, organization_id=a.id),
                Membership(person_id=persons["member"].id, organization_id=faction.id),
                Membership(
                    person_id=persons["deputy"].id,
                    organization_id=a.id,
                    deputy=True,
                    voting_right=False,
                    role="Stellvertretung",
                ),
                Membership(person_id=persons["other"].id, organization_id=b.id),
                Membership(
                    person_id=persons["former"].id,
                    organization_id=a.id,
                    start_date=date(2020, 1, 1),
                    end_date=date.today() - timedelta(days=1),
                ),
            ]
        )
        published = Meeting(
            body_id=body.id,
            organization_id=a.id,
            name="Sitzung A öffentlich",
            state=MeetingState.PUBLISHED,
            start=now + timedelta(days=3),
        )
        draft = Meeting(
            body_id=body.id,
            organization_id=a.id,
            name="Sitzung A Entwurf",
            state=MeetingState.DRAFT,
            start=now + timedelta(days=30),
        )
        cancelled = Meeting(
            body_id=body.id,
            organization_id=b.id,
            name="Sitzung B abgesagt",
            state=MeetingState.CANCELLED,
            start=now + timedelta(days=5),
        )
        s.add_all([published, draft, cancelled])
        s.flush()
        items = {
            "public_item": AgendaItem(
                meeting_id=published.id, number="1", order=1, name="Öffentlicher Punkt"
            ),
            "private_item": AgendaItem(
                meeting_id=published.id, number="N1", order=2, name="Grundstücksgeheimnis", public=False
            ),
            "draft_item": AgendaItem(meeting_id=draft.id, number="1", order=1, name="Entwurfspunkt"),
            "cancelled_item": AgendaItem(
                meeting_id=cancelled.id, number="1", order=1, name="Abgesagter Punkt"
            ),
        }
        s.add_all(items.values())
        s.flush()
        papers = {
            "public_paper": Paper(body_id=body.id, reference="22-0001", name="Öffentliche Vorlage"),
            "private_paper": Paper(
                body_id=body.id, reference="22-0002", name="Geheime Vorlage", public=False
            ),
            "draft_paper": Paper(body_id=body.id, reference="22-0003", name="Entwurfsvorlage", public=False),
        }
        s.add_all(papers.values())
        s.flush()
        s.add_all(
            [
                Consultation(paper_id=papers["public_paper"].id, agenda_item_id=items["public_item"].id),
                Consultation(paper_id=papers["private_paper"].id, agenda_item_id=items["private_item"].id),
                Consultation(paper_id=papers["draft_paper"].id, agenda_item_id=items["draft_item"].id),
            ]
        )
        world.pdf = minimal_pdf("Testdokument mit Umlauten: Größe, Übung, Maß")
        stored = ctx.blobs.put_bytes(world.pdf)
        files = {}
        for key, owner in (
            ("public_file", {"paper_id": papers["public_paper"].id}),
            ("private_file", {"paper_id": papers["private_paper"].id}),
            ("draft_file", {"paper_id": papers["draft_paper"].id}),
            ("private_item_file", {"agenda_item_id": items["private_item"].id}),
            ("invitation_file", {"meeting_id": published.id}),
        ):
            files[key] = File(
                body_id=body.id,
                name=key,
                file_name=f"{key}.pdf",
                mime_type="application/pdf",
                size=stored.size,
                sha256=stored.sha256,
                role=FileRole.INVITATION if "invitation" in key else FileRole.MAIN,
                **owner,
            )
        shared = EFile(body_id=body.id, reference_number="AZ-1", title="Geteilte Akte")
        unshared = EFile(body_id=body.id, reference_number="AZ-2", title="Verschlossene Akte")
        s.add_all([*files.values(), shared, unshared])
        s.flush()
        s.add(EFileShare(efile_id=shared.id, person_id=persons["member"].id))
        processes = {
            "shared_process": Process(efile_id=shared.id, title="Vorgang 1"),
            "unshared_process": Process(efile_id=unshared.id, title="Vorgang 2"),
        }
        s.add_all(processes.values())
        s.flush()
        documents = {
            "shared_document": Document(process_id=processes["shared_process"].id, title="Dokument 1"),
            "unshared_document": Document(process_id=processes["unshared_process"].id, title="Dokument 2"),
        }
        s.add_all(documents.values())
        s.flush()
        for key, doc in (
            ("shared_efile_file", documents["shared_document"]),
            ("unshared_efile_file", documents["unshared_document"]),
        ):
            files[key] = File(
                body_id=body.id,
                name=key,
                file_name=f"{key}.pdf",
                mime_type="application/pdf",
                size=stored.size,
                sha256=stored.sha256,
                document_id=doc.id,
            )
            s.add(files[key])
        users = {
            r: User(username=r, password_hash=pw, role=Role.MEMBER, body_id=body.id, person_id=persons[r].id)
            for r in ("member", "deputy", "other", "former")
        }
        users["clerk"] = User(
            username="clerk",
            password_hash=pw,
            role=Role.CLERK,
            body_id=body.id,
            person_id=persons["clerk"].id,
        )
        users["admin"] = User(username="admin", password_hash=pw, role=Role.ADMIN, body_id=body.id)
        users["foreign_clerk"] = User(
            username="foreign_clerk",
            password_hash=pw,
            role=Role.CLERK,
            body_id=other_body.id,
            person_id=foreign_person.id,
        )
        s.add_all(users.values())
        s.flush()
        ids.update(
            {
                "body": body.id,
                "other_body": other_body.id,
                "committee_a": a.id,
                "committee_b": b.id,
                "faction": faction.id,
                "published_meeting": published.id,
                "draft_meeting": draft.id,
                "cancelled_meeting": cancelled.id,
                "shared_efile": shared.id,
                "unshared_efile": unshared.id,
            }
        )
        ids.update({k: v.id for k, v in items.items()})
        ids.update({k: v.id for k, v in papers.items()})
        ids.update({k: v.id for k, v in files.items()})
        ids.update({k: v.id for k, v in processes.items()})
        ids.update({k: v.id for k, v in documents.items()})
        ids.update({f"person_{k}": v.id for k, v in persons.items()})
        ids.update({f"user_{k}": v.id for k, v in users.items()})
    return world
