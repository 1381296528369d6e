"""Seeds a large council body for benchmarks: thousands of meetings with ~25 agenda items each, papers
and consultations, some non-public items, and large files.

Everything goes through the ORM in ordinary write transactions (a few meetings per commit), so the
change feed is written by the real publish hooks, as when clerks assemble meeting folders. The caller
must have imported `sync.server.publish` (creating the app does) before seeding.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from sync.server.blobstore import BlobStore
from sync.server.db import write_session
from sync.server.demo import names
from sync.server.models import (
    AgendaItem,
    Body,
    Consultation,
    File,
    FileRole,
    Meeting,
    MeetingState,
    Membership,
    Organization,
    OrganizationKind,
    Paper,
    Person,
    Role,
    User,
)
from sync.server.serialize import body_time_zone

MEMBER_USERNAME = "bench-mitglied"
CLERK_USERNAME = "bench-sitzungsdienst"


@dataclass(frozen=True)
class BulkOptions:
    meetings: int = 2000
    items_per_meeting: int = 25
    persons: int = 60
    meetings_per_commit: int = 4
    private_meeting_share: float = 0.6  # meetings with a non-public part (two items)
    reuse_paper_every: int = 9  # every n-th topic item consults a paper of an earlier meeting
    seed: int = 2026
    today: date | None = None


@dataclass
class BulkCouncil:
    body_id: int
    member_person_id: int
    member_orgs: list[int]
    counts: dict[str, int] = field(default_factory=dict)
    public_paper_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0
    transactions: int = 0


@dataclass(frozen=True)
class BulkFile:
    file_id: int
    sha256: str
    size: int
    file_name: str


def seed_council(
    sessions: sessionmaker[Session],
    password_hash: str,
    options: BulkOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> BulkCouncil:
    """Creates one body with committees, persons, memberships, meetings, agenda items, papers and
    consultations, plus a member account (`MEMBER_USERNAME`) and a clerk account, both with
    `password_hash`."""
    opts = options or BulkOptions()
    rnd = random.Random(opts.seed)
    today = opts.today or date.today()
    started = time.perf_counter()
    counts = dict.fromkeys(
        ("meetings", "agenda_items", "nonpublic_items", "papers", "consultations", "persons", "memberships"),
        0,
    )
    with write_session(sessions) as s:
        body = Body(name=f"{names.BODY_NAME} (Benchmark)", short_name=names.BODY_SHORT, notice_days=7)
        s.add(body)
        s.flush()
        start = date(2016, 7, 1)
        parliament = Organization(
            body_id=body.id,
            name=body.name,
            short_name="BV",
            kind=OrganizationKind.PARLIAMENT,
            start_date=start,
        )
        committees = [
            Organization(
                body_id=body.id,
                name=f"{n}{suffix}",
                short_name=f"{sn}{k or ''}",
                kind=OrganizationKind.COMMITTEE,
                start_date=start,
            )
            for k, suffix in enumerate(("", " (Unterausschuss)"))
            for n, sn in names.COMMITTEES
        ]
        factions = [
            Organization(
                body_id=body.id, name=n, short_name=sn, kind=OrganizationKind.FACTION, start_date=start
            )
            for n, sn in names.FACTIONS
        ]
        s.add_all([parliament, *committees, *factions])
        persons = []
        for i in range(opts.persons):
            given, family = names.GIVEN[i % len(names.GIVEN)], names.FAMILY[(i * 7) % len(names.FAMILY)]
            persons.append(
                Person(
                    body_id=body.id,
                    name=f"{given} {family}",
                    given_name=given,
                    family_name=family,
                    form_of_address="Frau" if i % 2 == 0 else "Herr",
                )
            )
        s.add_all(persons)
        s.flush()
        memberships: list[Membership] = []
        for i, person in enumerate(persons):
            memberships.append(
                Membership(
                    person_id=person.id,
                    organization_id=parliament.id,
                    role="Abgeordnete(r)",
                    start_date=start,
                )
            )
            memberships.append(
                Membership(
                    person_id=person.id, organization_id=factions[i % len(factions)].id, start_date=start
                )
            )
        for c, committee in enumerate(committees):
            for k in range(13):
                person = persons[(c * 5 + k) % len(persons)]
                memberships.append(
                    Membership(
                        person_id=person.id,
                        organization_id=committee.id,
                        role="Vorsitz" if k == 0 else "Mitglied",
                        deputy=k >= 11,
                        voting_right=k < 11,
                        start_date=start,
                    )
                )
        s.add_all(memberships)
        counts["persons"], counts["memberships"] = len(persons), len(memberships)
        member = persons[1]  # a regular (voting) member of two committees, see the rotation above
        member_orgs = sorted({m.organization_id for m in memberships if m.person_id == member.id})
        s.add_all(
            [
                User(
                    username=MEMBER_USERNAME,
                    password_hash=password_hash,
                    role=Role.MEMBER,
                    body_id=body.id,
                    person_id=member.id,
                ),
                User(
                    username=CLERK_USERNAME,
                    password_hash=password_hash,
                    role=Role.CLERK,
                    body_id=body.id,
                    person_id=persons[-1].id,
                ),
            ]
        )
        s.flush()
        council = BulkCouncil(body.id, member.id, member_orgs)
        orgs = [(o.id, o.name) for o in (parliament, *committees)]
        body_id = body.id
    council.transactions = 1

    first_day = today - timedelta(days=int(opts.meetings * 1.6))
    with sessions() as probe:
        zone = ZoneInfo(body_time_zone(probe))  # meetings at 16-18 h on the council's clock
    paper_no = 0
    earlier_papers: list[int] = []
    for batch_start in range(0, opts.meetings, opts.meetings_per_commit):
        with write_session(sessions) as s:
            batch: list[tuple[int, Meeting]] = []
            for m in range(batch_start, min(opts.meetings, batch_start + opts.meetings_per_commit)):
                org_id, org_name = orgs[m % len(orgs)]
                day = first_day + timedelta(days=int(m * 1.6) + rnd.randint(0, 1))
                begin = datetime(day.year, day.month, day.day, 16 + m % 3, 0, tzinfo=zone).astimezone(UTC)
                state = MeetingState.PUBLISHED
                if day > today + timedelta(days=21):
                    state = MeetingState.DRAFT
                elif m % 37 == 11:
                    state = MeetingState.CANCELLED
                meeting = Meeting(
                    body_id=body_id,
                    organization_id=org_id,
                    name=f"{m // len(orgs) + 1}. Sitzung {org_name}",
                    state=state,
                    start=begin,
                    end=begin + timedelta(hours=3),
                    location=names.LOCATIONS[m % len(names.LOCATIONS)],
                    published_at=None if state == MeetingState.DRAFT else begin - timedelta(days=10),
                )
                batch.append((m, meeting))
            s.add_all([meeting for _, meeting in batch])
            s.flush()
            consult: list[tuple[Paper | int, AgendaItem, int]] = []
            new_papers: list[Paper] = []
            for m, meeting in batch:
                private = 2 if rnd.random() < opts.private_meeting_share else 0
                topics = opts.items_per_meeting - len(names.FORMAL_ITEMS) - len(names.CLOSING_ITEMS)
                titles: list[tuple[str, bool]] = [(t, True) for t in names.FORMAL_ITEMS]
                titles += [
                    (names.PUBLIC_TOPICS[(m * 7 + k) % len(names.PUBLIC_TOPICS)], True)
                    for k in range(topics - private)
                ]
                titles += [(t, True) for t in names.CLOSING_ITEMS]
                titles += [
                    (names.NONPUBLIC_TOPICS[(m + k) % len(names.NONPUBLIC_TOPICS)], False)
                    for k in range(private)
                ]
                n_public = sum(1 for _, p in titles if p)
                for order, (title, public) in enumerate(titles, start=1):
                    item = AgendaItem(
                        meeting_id=meeting.id,
                        order=order,
                        name=title,
                        public=public,
                        number=str(order) if public else f"N {order - n_public}",
                    )
                    s.add(item)
                    counts["agenda_items"] += 1
                    counts["nonpublic_items"] += 0 if public else 1
                    if title in names.FORMAL_ITEMS or title in names.CLOSING_ITEMS:
                        continue
                    if public and earlier_papers and order % opts.reuse_paper_every == 0:
                        consult.append((earlier_papers[rnd.randrange(len(earlier_papers))], item, order))
                        continue
                    paper_no += 1
                    paper = Paper(
                        body_id=body_id,
                        reference=f"22-{paper_no:05d}",
                        name=title,
                        paper_type=names.PAPER_TYPES[paper_no % len(names.PAPER_TYPES)],
                        date=meeting.start.date() - timedelta(days=14),
                        public=public,
                    )
                    s.add(paper)
                    new_papers.append(paper)
                    consult.append((paper, item, order))
            s.flush()
            for paper_ref, item, order in consult:
                paper_id = paper_ref if isinstance(paper_ref, int) else paper_ref.id
                s.add(
                    Consultation(
                        paper_id=paper_id,
                        agenda_item_id=item.id,
                        role="Entscheidung" if order % 3 else "Beratung",
                        authoritative=order % 3 > 0,
                    )
                )
            counts["meetings"] += len(batch)
            counts["papers"] += len(new_papers)
            counts["consultations"] += len(consult)
            public_new = [p.id for p in new_papers if p.public]
            earlier_papers.extend(public_new)
            council.public_paper_ids.extend(public_new)
        council.transactions += 1
        if progress and (batch_start // opts.meetings_per_commit) % 50 == 0:
            progress(
                f"seeded {counts['meetings']}/{opts.meetings} meetings, {counts['agenda_items']} items "
                f"({time.perf_counter() - started:.1f} s)"
            )
    council.counts = counts
    council.seconds = time.perf_counter() - started
    return council


def _pseudo_pdf(index: int, size: int, pool: bytes, chunk: int = 1 << 20) -> Iterator[bytes]:
    """`size` bytes that start like a PDF and are unique per `index` (slices of a random pool)."""
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n% gremalda bench file " + str(index).encode() + b"\n"
    tail = b"\n%%EOF\n"
    body = size - len(head) - len(tail)
    yield head
    written, n = 0, 0
    view = memoryview(pool)
    while written < body:
        take = min(chunk, body - written)
        offset = (index * 7919 + n * 104_729) % (len(pool) - take)
        yield bytes(view[offset : offset + take])
        written += take
        n += 1
    yield tail


def add_files(
    sessions: sessionmaker[Session],
    blobs: BlobStore,
    council: BulkCouncil,
    count: int,
    size: int,
    seed: int = 7,
    progress: Callable[[str], None] | None = None,
    *,
    mime_type: str = "application/pdf",
    suffix: str = ".pdf",
) -> list[BulkFile]:
    """Stores `count` distinct files of `size` bytes, each owned by a public paper of the council
    (spread over the whole body), and returns them. `mime_type` and the file name's `suffix` let the
    bytes pass for something other than a PDF (the bytes only start like one)."""
    papers = council.public_paper_ids
    if not papers:
        raise ValueError("the council has no public papers to attach files to")
    pool = random.Random(seed).randbytes(64 << 20)
    out: list[BulkFile] = []
    per_commit = 20
    for first in range(0, count, per_commit):
        stored = []
        for i in range(first, min(count, first + per_commit)):
            blob = blobs.put_chunks(_pseudo_pdf(i, size, pool))
            stored.append((i, blob))
        with write_session(sessions) as s:
            rows = []
            for i, blob in stored:
                paper_id = papers[(i * len(papers)) // count]
                row = File(
                    body_id=council.body_id,
                    name=f"Anlage {i + 1}",
                    file_name=f"bench-{i + 1:04d}{suffix}",
                    mime_type=mime_type,
                    size=blob.size,
                    sha256=blob.sha256,
                    role=FileRole.AUXILIARY,
                    paper_id=paper_id,
                )
                rows.append(row)
            s.add_all(rows)
            s.flush()
            out.extend(BulkFile(r.id, r.sha256, r.size, r.file_name) for r in rows)
        if progress:
            progress(f"stored {len(out)}/{count} files")
    return out
