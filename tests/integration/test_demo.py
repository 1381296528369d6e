"""The demo body: realistic, complete, and served by `gremalda-server --demo`."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pymupdf
import pytest
from sqlalchemy import func, select

from sync.server.blobstore import BlobStore
from sync.server.cli import LISTENING
from sync.server.db import make_engine, make_sessionmaker, migrate
from sync.server.demo.seed import DEMO_PASSWORD, DemoOptions, seed_demo
from sync.server.models import (
    AgendaItem,
    Document,
    EFile,
    File,
    FileRole,
    Meeting,
    MeetingState,
    Membership,
    Organization,
    OrganizationKind,
    Paper,
    Person,
)
from tests.integration.live import closed_port


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    tmp = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{tmp / 'demo.sqlite3'}"
    migrate(url)
    engine = make_engine(url)
    seed_demo(make_sessionmaker(engine), BlobStore(tmp / "blobs"), DemoOptions(budget_pages=60))
    engine.dispose()
    return tmp, url


def test_demo_body_is_realistic(demo: tuple[Path, str]) -> None:
    tmp, url = demo
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        kinds = Counter(s.scalars(select(Organization.kind)))
        assert kinds[OrganizationKind.COMMITTEE] >= 5 and kinds[OrganizationKind.FACTION] >= 3
        assert s.scalar(select(func.count()).select_from(Person)) >= 40
        roles = set(s.scalars(select(Membership.role)))
        assert any("Bürger" in r for r in roles), "co-opted citizens"
        assert s.scalar(select(func.count()).select_from(Membership).where(Membership.deputy.is_(True))) > 0
        meetings = list(s.scalars(select(Meeting)))
        assert len(meetings) >= 20
        now = max(m.start for m in meetings)
        assert any(m.start < now for m in meetings)
        states = Counter(m.state for m in meetings)
        assert (
            states[MeetingState.PUBLISHED] and states[MeetingState.DRAFT] and states[MeetingState.CANCELLED]
        )
        for meeting in meetings:
            n = s.scalar(
                select(func.count()).select_from(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
            )
            assert n is not None and 8 <= n <= 25, f"{meeting.name}: {n} items"
        assert s.scalar(select(func.count()).select_from(AgendaItem).where(AgendaItem.public.is_(False))) > 0
        assert s.scalar(select(func.count()).select_from(Paper)) > 100
        assert s.scalar(select(func.count()).select_from(EFile)) == 2
        versioned = s.scalar(
            select(func.count())
            .select_from(File)
            .where(File.supersedes_id.is_not(None), File.document_id.is_not(None))
        )
        assert versioned is not None and versioned >= 2
        assert s.scalar(select(func.count()).select_from(Document)) >= 4
        files = list(s.scalars(select(File).where(File.paper_id.is_not(None)).limit(40)))
    engine.dispose()
    blobs = BlobStore(tmp / "blobs")
    pages = []
    for file in files:
        data = blobs.path(file.sha256).read_bytes()
        assert len(data) == file.size
        with pymupdf.open(stream=data, filetype="pdf") as doc:
            pages.append(doc.page_count)
            text = "".join(page.get_text() for page in doc)
        if "Scan" not in file.name:
            assert re.search(r"[äöüÄÖÜß]", text), file.name
    assert max(pages) >= 3 and min(pages) >= 1


def test_demo_meetings_are_at_council_hours_and_their_invitations_say_so(demo: tuple[Path, str]) -> None:
    """Meetings start at 16:00 or 17:00 on the council's clock (Europe/Berlin, the server's default zone)
    whatever this machine's zone, and each invitation's 'Termin' names that same time."""
    tmp, url = demo
    berlin = ZoneInfo("Europe/Berlin")
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        meetings = {m.id: m.start.astimezone(berlin) for m in s.scalars(select(Meeting))}
        invitations = list(s.scalars(select(File).where(File.role == FileRole.INVITATION)))
    engine.dispose()
    assert {start.strftime("%H:%M") for start in meetings.values()} <= {"16:00", "17:00"}
    assert invitations
    blobs = BlobStore(tmp / "blobs")
    for file in invitations:
        assert file.meeting_id is not None
        with pymupdf.open(stream=blobs.path(file.sha256).read_bytes(), filetype="pdf") as doc:
            text = doc[0].get_text()
        start = meetings[file.meeting_id]
        assert f"{start:%H:%M} Uhr" in text, file.name
        assert f"{start:%d.%m.%Y}" in text, file.name


def test_demo_seed_runs_once(demo: tuple[Path, str]) -> None:
    tmp, url = demo
    engine = make_engine(url)
    accounts = seed_demo(make_sessionmaker(engine), BlobStore(tmp / "blobs"), DemoOptions(budget_pages=60))
    with make_sessionmaker(engine)() as s:
        assert s.scalar(select(func.count()).select_from(Meeting)) == 24
    engine.dispose()
    assert {a.username for a in accounts} == {
        "sitzungsdienst",
        "mitglied",
        "stellvertretung",
        "jugendhilfe",
        "buerger",
        "admin",
    }


def _listening_url(proc: subprocess.Popen[str], seen: list[str]) -> str:
    """The URL the server's 'listening on' line names (it says so once it takes requests), reading its
    stdout line by line into `seen`; fails when the server exits first. A server that neither listens nor
    exits within 15 minutes is killed (the seeding takes a while, on a loaded machine long)."""
    assert proc.stdout is not None
    watchdog = threading.Timer(900, proc.kill)
    watchdog.start()
    try:
        for line in proc.stdout:
            seen.append(line)
            if line.startswith(LISTENING):
                return line.removeprefix(LISTENING).strip()
    finally:
        watchdog.cancel()
    raise AssertionError(f"the server exited ({proc.wait()}) before it listened:\n{''.join(seen)}")


def test_gremalda_server_demo_command(tmp_path: Path) -> None:
    """`gremalda-server --demo` seeds the full demo (800+ page budget plan), prints the accounts, serves.

    On port 0: the server binds a free port before it seeds and says which once it listens (a port chosen
    here and handed to it could be taken by another process during the minutes of seeding)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync.server", "--demo", "--data-dir", str(tmp_path), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    seen: list[str] = []
    try:
        url = _listening_url(proc, seen)
        port = int(url.rsplit(":", 1)[1])
        assert url == f"http://127.0.0.1:{port}" and port != 0
        assert httpx.get(f"{url}/health", timeout=30, trust_env=False).status_code == 200
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", trust_env=False, timeout=30) as c:
            login = c.post("/api/v1/auth/login", json={"username": "mitglied", "password": DEMO_PASSWORD})
            assert login.status_code == 200
            c.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
            papers = c.get("/api/v1/papers", params={"limit": 1000}).json()["data"]
            budget = next(p for p in papers if p["name"].startswith("Haushaltsplan"))
            files = c.get("/api/v1/files", params={"limit": 1000}).json()["data"]
            plan = next(f for f in files if f["paper_id"] == budget["id"])
            content = c.get(f"/api/v1/files/{plan['id']}/content").content
            with pymupdf.open(stream=io.BytesIO(content), filetype="pdf") as doc:
                assert doc.page_count >= 800
                assert len(doc.get_toc()) > 5
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=120)
    out = "".join(seen) + rest
    assert out.index(f"http://127.0.0.1:{port}") < out.index(LISTENING), "the accounts name the port"
    for name in ("sitzungsdienst", "mitglied", "stellvertretung", "jugendhilfe", "buerger", "admin"):
        assert name in out
    assert DEMO_PASSWORD in out


def test_gremalda_server_demo_takes_its_port_before_seeding(tmp_path: Path) -> None:
    """The port is bound before the minutes of seeding: one in use is said at once, and nothing is seeded."""
    with closed_port() as port:  # bound by another: the server cannot bind it
        done = subprocess.run(
            [sys.executable, "-m", "sync.server", "--demo", "--data-dir", str(tmp_path), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=600,  # a guard: it ends at once
        )
    assert done.returncode == 2
    assert f"gremalda-server: cannot listen on 127.0.0.1:{port}" in done.stderr
    assert LISTENING not in done.stdout and DEMO_PASSWORD not in done.stdout
    engine = make_engine(f"sqlite:///{tmp_path / 'gremalda.sqlite3'}")
    with make_sessionmaker(engine)() as s:
        assert s.scalar(select(func.count()).select_from(Meeting)) == 0
    engine.dispose()
