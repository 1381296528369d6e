"""Seeds the demo body: a Bezirksversammlung with committees, factions, persons and memberships,
meetings past and upcoming with agenda items (some non-public), papers with generated German PDFs,
an 800+ page budget plan, two e-files with versioned documents, and demo accounts."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from multiprocessing import get_context
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sync.server.blobstore import BlobStore
from sync.server.db import write_session
from sync.server.demo import names, pdfgen
from sync.server.models import (
    AgendaItem,
    Body,
    Consultation,
    Delivery,
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
from sync.server.serialize import body_time_zone

DEMO_PASSWORD = "gremalda-demo"  # noqa: S105 - printed at start, demo only


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    who: str


@dataclass(frozen=True)
class DemoOptions:
    budget_pages: int = 820
    meetings: int = 24
    today: date | None = None
    seed: int = 2026


class _PdfMaker:
    """Generates the demo PDFs on all cores while the database work goes on; files whose PDF is still
    being made are added when it is ready (`finish`)."""

    def __init__(self) -> None:
        # spawn: the seed may run in a process that already has threads (a test server)
        self.executor = ProcessPoolExecutor(max_workers=os.cpu_count() or 2, mp_context=get_context("spawn"))
        self.deferred: list[tuple[Future[bytes], dict[str, Any]]] = []

    def submit(self, fn: Callable[..., bytes], **kwargs: Any) -> Future[bytes]:
        return self.executor.submit(fn, **kwargs)

    def finish(self, session: Session, blobs: BlobStore) -> None:
        for future, kwargs in self.deferred:
            _store_pdf(session, blobs, future.result(), **kwargs)
        self.deferred.clear()

    def close(self) -> None:
        self.executor.shutdown(cancel_futures=True)


def _store_pdf(
    session: Session,
    blobs: BlobStore,
    data: bytes,
    *,
    body: Body,
    name: str,
    file_name: str,
    role: FileRole = FileRole.MAIN,
    **owner: int,
) -> File:
    stored = blobs.put_bytes(data)
    file = File(
        body_id=body.id,
        name=name,
        file_name=file_name,
        mime_type="application/pdf",
        size=stored.size,
        sha256=stored.sha256,
        role=role,
        **owner,
    )
    session.add(file)
    return file


# Bump whenever the seeded data changes: `gremalda-server --demo` (make demo) seeds a data dir whose demo
# was seeded by another version afresh (sync.server.demo.reseed). 1: 2026-12-02 (meetings on the council's
# clock); a data dir without a version was seeded before.
DEMO_SEED_VERSION = 1


def seed_demo(
    sessions: sessionmaker[Session], blobs: BlobStore, options: DemoOptions | None = None
) -> list[DemoAccount]:
    """Creates the demo body once; later calls only return the accounts."""
    opts = options or DemoOptions()
    with write_session(sessions) as session:
        if session.scalar(select(Body).where(Body.name == names.BODY_NAME)) is None:
            _seed(session, blobs, opts)
        return [
            DemoAccount(u.username, u.role.value, _describe(session, u))
            for u in session.scalars(select(User).order_by(User.id))
        ]


def _describe(session: Session, user: User) -> str:
    person = session.get(Person, user.person_id) if user.person_id else None
    return person.name if person else "Verwaltung"


def _seed(session: Session, blobs: BlobStore, opts: DemoOptions) -> None:
    pdfs = _PdfMaker()
    try:
        _seed_with(session, blobs, opts, pdfs)
        pdfs.finish(session, blobs)
    finally:
        pdfs.close()
    _delivered(session, opts.today or date.today())


def _delivered(session: Session, today: date) -> None:
    """Proof of delivery for the clerk's table: "stellvertretung" had the next published meeting of one of
    their organizations (the committee they are a deputy in first) complete the day after it was published
    and opened it the day after that; the other rows show missing or no account (the demo client reports
    its own)."""
    user = session.scalar(select(User).where(User.username == "stellvertretung"))
    if user is None or user.person_id is None:
        return
    memberships = list(session.scalars(select(Membership).where(Membership.person_id == user.person_id)))
    order = {m.organization_id: (not m.deputy) for m in memberships if m.active_on(today)}
    upcoming = session.scalars(
        select(Meeting)
        .where(
            Meeting.organization_id.in_(list(order)),
            Meeting.state == MeetingState.PUBLISHED,
            Meeting.start >= datetime.now(UTC) + timedelta(hours=1),
        )
        .order_by(Meeting.start)
    ).all()
    meeting = min(upcoming, key=lambda m: (order[m.organization_id], m.start), default=None)
    if meeting is None:
        return
    published = datetime.now(UTC) - timedelta(days=3)  # the invitation went out three days ago at the latest
    if meeting.published_at is None or meeting.published_at > published:
        meeting.published_at = published
    session.flush()
    items = select(AgendaItem.id).where(AgendaItem.meeting_id == meeting.id)
    papers = select(Consultation.paper_id).where(Consultation.agenda_item_id.in_(items))
    shas = session.scalars(
        select(File.sha256).where(
            (File.meeting_id == meeting.id) | File.agenda_item_id.in_(items) | File.paper_id.in_(papers)
        )
    )
    complete_at = meeting.published_at + timedelta(hours=20)
    session.add(
        Delivery(
            meeting_id=meeting.id,
            user_id=user.id,
            first_complete_at=complete_at,
            current_complete_at=complete_at,
            current_files=" ".join(sorted(set(shas))),
            first_opened_at=complete_at + timedelta(days=1),
            first_opened_received_at=complete_at + timedelta(days=1, minutes=3),
        )
    )


def _later(pdfs: _PdfMaker, data: Future[bytes], **file: Any) -> None:
    pdfs.deferred.append((data, file))


def _seed_with(session: Session, blobs: BlobStore, opts: DemoOptions, pdfs: _PdfMaker) -> None:
    rnd = random.Random(opts.seed)
    today = opts.today or date.today()
    body = Body(
        name=names.BODY_NAME,
        short_name=names.BODY_SHORT,
        website="https://www.elbhausen.example",
        notice_days=7,
    )
    session.add(body)
    session.flush()

    parliament = Organization(
        body_id=body.id,
        name=names.BODY_NAME,
        short_name="BV",
        kind=OrganizationKind.PARLIAMENT,
        start_date=date(2024, 7, 1),
    )
    committees = [
        Organization(
            body_id=body.id,
            name=n,
            short_name=s,
            kind=OrganizationKind.COMMITTEE,
            start_date=date(2024, 7, 1),
        )
        for n, s in names.COMMITTEES
    ]
    factions = [
        Organization(
            body_id=body.id, name=n, short_name=s, kind=OrganizationKind.FACTION, start_date=date(2024, 7, 1)
        )
        for n, s in names.FACTIONS
    ]
    session.add_all([parliament, *committees, *factions])

    persons: list[Person] = []
    for i in range(46):
        given, family = names.GIVEN[i], names.FAMILY[i]
        title = "Dr. " if i % 11 == 3 else ""
        persons.append(
            Person(
                body_id=body.id,
                name=f"{title}{given} {family}",
                given_name=given,
                family_name=family,
                title=title.strip(),
                form_of_address="Frau" if i % 2 == 0 else "Herr",
            )
        )
    session.add_all(persons)
    session.flush()

    deputies_start = 35  # persons 0..34 are elected members, 35..40 co-opted citizens, 41..45 administration
    elected, coopted, staff = persons[:deputies_start], persons[35:41], persons[41:]
    start = date(2024, 7, 1)
    for idx, person in enumerate(elected):
        faction = factions[idx % len(factions)]
        session.add(
            Membership(
                person_id=person.id, organization_id=parliament.id, role="Abgeordnete(r)", start_date=start
            )
        )
        session.add(
            Membership(
                person_id=person.id,
                organization_id=faction.id,
                role="Fraktionsvorsitz" if idx < len(factions) else "Mitglied",
                start_date=start,
            )
        )
    for c_idx, committee in enumerate(committees):
        members = [elected[(c_idx * 5 + k) % len(elected)] for k in range(11)]
        deputies = [elected[(c_idx * 5 + 11 + k) % len(elected)] for k in range(4)]
        for k, person in enumerate(members):
            session.add(
                Membership(
                    person_id=person.id,
                    organization_id=committee.id,
                    role="Vorsitz" if k == 0 else "Mitglied",
                    start_date=start,
                )
            )
        for person in deputies:
            session.add(
                Membership(
                    person_id=person.id,
                    organization_id=committee.id,
                    role="Stellvertretung",
                    deputy=True,
                    voting_right=False,
                    start_date=start,
                )
            )
        citizen = coopted[c_idx % len(coopted)]
        session.add(
            Membership(
                person_id=citizen.id,
                organization_id=committee.id,
                role="zugewählte(r) Bürger(in)",
                voting_right=True,
                start_date=start,
            )
        )
    # a membership that has ended: its non-public items are no longer visible to that person
    session.add(
        Membership(
            person_id=elected[30].id,
            organization_id=committees[1].id,
            role="Mitglied",
            start_date=start,
            end_date=today - timedelta(days=60),
        )
    )
    session.flush()

    # meetings: per committee (and the parliament), past and upcoming
    orgs = [parliament, *committees]
    meetings: list[Meeting] = []
    zone = ZoneInfo(body_time_zone(session))
    for m in range(opts.meetings):
        org = orgs[m % len(orgs)]
        day = today + timedelta(days=(m - opts.meetings * 2 // 3) * 5 + rnd.randint(0, 2))
        # 16:00 or 17:00 on the council's clock (the body's time zone), whatever this machine's zone
        start_at = datetime(day.year, day.month, day.day, 16 if m % 3 else 17, 0, tzinfo=zone).astimezone(UTC)
        state = MeetingState.PUBLISHED
        if day > today + timedelta(days=20):
            state = MeetingState.DRAFT
        elif m % 11 == 7:
            state = MeetingState.CANCELLED
        meeting = Meeting(
            body_id=body.id,
            organization_id=org.id,
            name=f"{m // len(orgs) + 1}. Sitzung {org.name} {day.year}",
            state=state,
            start=start_at,
            end=start_at + timedelta(hours=3),
            location=names.LOCATIONS[m % len(names.LOCATIONS)],
            published_at=None if state == MeetingState.DRAFT else start_at - timedelta(days=10),
        )
        session.add(meeting)
        meetings.append(meeting)
    session.flush()

    paper_no = 345
    for m_idx, meeting in enumerate(meetings):
        host = session.get(Organization, meeting.organization_id)
        assert host is not None
        n_public = rnd.randint(5, 17)
        n_private = rnd.randint(1, 4) if m_idx % 4 != 1 else 0
        titles: list[tuple[str, bool]] = [(t, True) for t in names.FORMAL_ITEMS]
        titles += [
            (names.PUBLIC_TOPICS[(m_idx * 7 + k) % len(names.PUBLIC_TOPICS)], True) for k in range(n_public)
        ]
        titles += [(t, True) for t in names.CLOSING_ITEMS]
        titles += [
            (names.NONPUBLIC_TOPICS[(m_idx + k) % len(names.NONPUBLIC_TOPICS)], False)
            for k in range(n_private)
        ]
        titles = titles[:25]
        agenda: list[tuple[str, str, bool]] = []
        for order, (title, public) in enumerate(titles, start=1):
            number = f"{order}" if public else f"N {order - sum(1 for _, p in titles if p)}"
            item = AgendaItem(meeting_id=meeting.id, number=number, order=order, name=title, public=public)
            session.add(item)
            session.flush()
            agenda.append((number, title, public))
            if title in names.FORMAL_ITEMS or title in names.CLOSING_ITEMS:
                continue
            paper_no += 1
            ptype = names.PAPER_TYPES[paper_no % len(names.PAPER_TYPES)]
            reference = f"22-{paper_no:04d}"
            paper = Paper(
                body_id=body.id,
                reference=reference,
                name=title,
                paper_type=ptype,
                date=meeting.start.date() - timedelta(days=14),
                public=public,
            )
            session.add(paper)
            session.flush()
            session.add(
                Consultation(
                    paper_id=paper.id,
                    agenda_item_id=item.id,
                    role="Entscheidung" if order % 3 else "Beratung",
                    authoritative=order % 3 > 0,
                )
            )
            pdf = pdfs.submit(
                pdfgen.paper_pdf,
                title=title,
                reference=reference,
                paper_type=ptype,
                body_name=names.BODY_NAME,
                seed=paper_no,
                pages=2 + paper_no % 5,
            )
            _later(
                pdfs,
                pdf,
                body=body,
                name=f"{ptype} {reference}",
                file_name=f"{reference}.pdf",
                paper_id=paper.id,
            )
            if paper_no % 3 == 0:
                attachment = pdfs.submit(
                    pdfgen.paper_pdf,
                    title=f"Anlage 1 zu {reference}: Lageplan und Kostenaufstellung",
                    reference=reference,
                    paper_type="Anlage",
                    body_name=names.BODY_NAME,
                    seed=paper_no + 10_000,
                    pages=2,
                )
                _later(
                    pdfs,
                    attachment,
                    body=body,
                    name=f"Anlage 1 zu {reference}",
                    file_name=f"{reference}-Anlage-1.pdf",
                    role=FileRole.AUXILIARY,
                    paper_id=paper.id,
                )
            if paper_no % 29 == 0:
                scan = pdfs.submit(pdfgen.scanned_pdf, title=f"Stellungnahme zu {reference}", seed=paper_no)
                _later(
                    pdfs,
                    scan,
                    body=body,
                    name=f"Stellungnahme (Scan) zu {reference}",
                    file_name=f"{reference}-Scan.pdf",
                    role=FileRole.AUXILIARY,
                    paper_id=paper.id,
                )
        if meeting.state != MeetingState.DRAFT:
            invitation = pdfs.submit(
                pdfgen.invitation_pdf,
                organization=host.name,
                meeting_name=meeting.name,
                start=meeting.start.astimezone(zone),  # as the council reads it
                location=meeting.location,
                agenda=agenda,
                seed=m_idx,
            )
            _later(
                pdfs,
                invitation,
                body=body,
                name=f"Einladung {meeting.name}",
                file_name=f"Einladung-{meeting.id}.pdf",
                role=FileRole.INVITATION,
                meeting_id=meeting.id,
            )

    # the budget plan, on the Hauptausschuss' next meeting
    main_committee = committees[0]
    budget_meeting = next(
        (
            m
            for m in meetings
            if m.organization_id == main_committee.id
            and m.start.date() >= today
            and m.state == MeetingState.PUBLISHED
        ),
        next(m for m in meetings if m.organization_id == main_committee.id),
    )
    year = today.year + 1
    item = AgendaItem(
        meeting_id=budget_meeting.id,
        number="3a",
        order=4,
        public=True,
        name=f"Haushaltsplan-Entwurf {year}/{year + 1} – Stellungnahme des Bezirks",
    )
    session.add(item)
    paper = Paper(
        body_id=body.id,
        reference=f"22-{paper_no + 1:04d}",
        name=f"Haushaltsplan-Entwurf {year}/{year + 1}",
        paper_type="Beschlussvorlage",
        date=today - timedelta(days=3),
        public=True,
    )
    session.add(paper)
    session.flush()
    session.add(Consultation(paper_id=paper.id, agenda_item_id=item.id, role="Beratung"))
    budget = pdfs.submit(
        pdfgen.budget_plan_pdf, body_name=names.BODY_NAME, year=year, pages=opts.budget_pages
    )
    _later(
        pdfs,
        budget,
        body=body,
        name=f"Haushaltsplan-Entwurf {year}/{year + 1}",
        file_name=f"Haushaltsplan-{year}.pdf",
        paper_id=paper.id,
    )

    # e-files with versioned documents
    efiles = [
        (
            "ELB-61.20-017/2026",
            "Bebauungsplan Elbhausen 17 „Am Mühlenteich“",
            ["Aufstellungsbeschluss", "Frühzeitige Beteiligung"],
            [elected[0], elected[5], staff[0]],
        ),
        (
            "ELB-40.11-003/2026",
            "Schulsanierung Lindenallee – Vergabeverfahren",
            ["Leistungsverzeichnis", "Angebotswertung"],
            [elected[1], staff[0]],
        ),
    ]
    for e_idx, (reference, title, process_titles, readers) in enumerate(efiles):
        efile = EFile(body_id=body.id, reference_number=reference, title=title)
        session.add(efile)
        session.flush()
        for person in readers:
            session.add(EFileShare(efile_id=efile.id, person_id=person.id))
        for p_idx, ptitle in enumerate(process_titles):
            process = Process(efile_id=efile.id, reference=f"{reference}/{p_idx + 1}", title=ptitle)
            session.add(process)
            session.flush()
            for d_idx in range(2):
                doc_title = f"{ptitle} – Dokument {d_idx + 1}"
                document = Document(process_id=process.id, title=doc_title, order=d_idx)
                session.add(document)
                session.flush()
                previous: File | None = None
                for version in range(1, 3 if d_idx == 0 else 2):
                    version_pdf = pdfgen.paper_pdf(
                        title=f"{doc_title} (Fassung {version})",
                        reference=reference,
                        paper_type="Aktenvermerk",
                        body_name=names.BODY_NAME,
                        seed=5000 + e_idx * 100 + p_idx * 10 + d_idx + version,
                        pages=2,
                    )
                    file = _store_pdf(
                        session,
                        blobs,
                        version_pdf,
                        body=body,
                        name=f"{doc_title} (Fassung {version})",
                        file_name=f"{reference.replace('/', '-')}-{p_idx + 1}-{d_idx + 1}-v{version}.pdf",
                        document_id=document.id,
                    )
                    if previous is not None:
                        session.flush()
                        file.supersedes_id = previous.id
                        file.change_note = "Überarbeitet nach Stellungnahme des Rechtsamts"
                    previous = file

    # accounts
    pw = hash_password(DEMO_PASSWORD)
    planning = committees[1]
    planning_members = [
        m.person_id
        for m in session.scalars(
            select(Membership).where(
                Membership.organization_id == planning.id,
                Membership.deputy.is_(False),
                Membership.end_date.is_(None),
            )
        )
    ]
    planning_deputy = session.scalar(
        select(Membership.person_id).where(
            Membership.organization_id == planning.id, Membership.deputy.is_(True)
        )
    )
    youth = committees[3]
    youth_members = [
        m.person_id
        for m in session.scalars(
            select(Membership).where(Membership.organization_id == youth.id, Membership.deputy.is_(False))
        )
    ]
    youth_only = next(p for p in youth_members if p not in planning_members and p != planning_deputy)
    citizen = coopted[1 % len(coopted)]
    session.add_all(
        [
            User(
                username="sitzungsdienst",
                password_hash=pw,
                role=Role.CLERK,
                body_id=body.id,
                person_id=staff[0].id,
            ),
            User(
                username="mitglied",
                password_hash=pw,
                role=Role.MEMBER,
                body_id=body.id,
                person_id=planning_members[1],
            ),
            User(
                username="stellvertretung",
                password_hash=pw,
                role=Role.MEMBER,
                body_id=body.id,
                person_id=planning_deputy,
            ),
            User(
                username="jugendhilfe",
                password_hash=pw,
                role=Role.MEMBER,
                body_id=body.id,
                person_id=youth_only,
            ),
            User(
                username="buerger", password_hash=pw, role=Role.MEMBER, body_id=body.id, person_id=citizen.id
            ),
            User(username="admin", password_hash=pw, role=Role.ADMIN, body_id=body.id, person_id=None),
        ]
    )


def print_accounts(accounts: list[DemoAccount], url: str) -> None:
    print(f"\nGremalda demo server: {url}")
    print(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    notes = {
        "sitzungsdienst": "clerk (Sitzungsdienst): drafts, all non-public items",
        "mitglied": "member of the Ausschuss für Planung und Bau",
        "stellvertretung": "deputy in the Ausschuss für Planung und Bau",
        "jugendhilfe": "member of the Jugendhilfeausschuss only",
        "buerger": "co-opted citizen (zugewählter Bürger)",
        "admin": "administrator (accounts and devices)",
    }
    for account in accounts:
        print(f"  {account.username:<16} {notes.get(account.username, account.role)} — {account.who}")
    print(flush=True)
