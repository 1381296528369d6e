"""The headless CLI as a user runs it: `gremalda login / sync / status / ls / search / export / logout`
in subprocesses against the real server, the real keyring (`.ci/with-keyring`), the real replica.
Also the no-plaintext-on-disk check of issue 3: after a full sync no title, agenda text or document
byte appears in any file under the data directory or the temp directory, and the sync creates no file
in the temp directory at all."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from sync.server.db import write_session
from sync.server.models import File
from tests.integration.live import LiveServer, live_server
from tests.integration.world import PASSWORD, World, build_world, minimal_pdf

MARKER_TEXT = "Zwiebelkuchenverordnung Schlüsselübergabe"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, World, dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("server")
    with live_server(tmp, f"sqlite:///{tmp}/server.sqlite3") as live:
        world = build_world(live.ctx)
        secret_pdf = minimal_pdf(f"Vertraulich: {MARKER_TEXT}")
        random_bytes = os.urandom(3 << 20)
        extra: dict[str, Any] = {"pdf": secret_pdf, "random": random_bytes}
        with write_session(live.ctx.sessions) as s:
            for key, content, name in (
                ("secret_file", secret_pdf, "Vermerk Schlüsselübergabe"),
                ("big_file", random_bytes, "Lageplan"),
            ):
                stored = live.ctx.blobs.put_bytes(content)
                f = File(
                    body_id=world.ids["body"],
                    name=name,
                    file_name=f"{key}.pdf",
                    mime_type="application/pdf",
                    size=stored.size,
                    sha256=stored.sha256,
                    agenda_item_id=world.ids["private_item"],
                )
                s.add(f)
                s.flush()
                extra[key] = f.id
        yield live, world, extra


def gremalda(
    *args: str, tmp: Path, stdin: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TMPDIR": str(tmp),
        "TEMP": str(tmp),
        "TMP": str(tmp),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "gremalda.app", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    data, tmp = tmp_path / "data", tmp_path / "tmp"
    tmp.mkdir()
    return data, tmp


def login(live: LiveServer, data: Path, tmp: Path, user: str = "member") -> None:
    r = gremalda(
        "login", "--server", live.url, "--user", user, "--password-stdin", "--data-dir", str(data),
        tmp=tmp, stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert f"Signed in as {user}" in r.stdout


def test_login_sync_and_read_offline(
    server: tuple[LiveServer, World, dict[str, Any]], dirs: tuple[Path, Path]
) -> None:
    live, world, extra = server
    data, tmp = dirs
    login(live, data, tmp)
    r = gremalda("sync", "--data-dir", str(data), tmp=tmp)
    assert r.returncode == 0, r.stderr
    assert "Synchronised:" in r.stdout and "documents downloaded" in r.stdout
    assert "Search index:" in r.stdout
    assert "Files:" in r.stderr  # progress

    r = gremalda("status", "--data-dir", str(data), tmp=tmp)
    assert r.returncode == 0, r.stderr
    assert live.url in r.stdout and "member" in r.stdout
    assert "7 of 7 offline" in r.stdout  # 4 meeting files and 1 e-file document the member sees, 2 added

    r = gremalda("ls", "--data-dir", str(data), tmp=tmp)
    assert "Sitzung A öffentlich" in r.stdout and "Sitzung A Entwurf" not in r.stdout
    r = gremalda("ls", "meeting", str(world.ids["published_meeting"]), "--data-dir", str(data), tmp=tmp)
    assert r.returncode == 0, r.stderr
    assert "Grundstücksgeheimnis [non-public]" in r.stdout and "Vermerk Schlüsselübergabe" in r.stdout
    r = gremalda("ls", "efiles", "--data-dir", str(data), tmp=tmp)
    assert "AZ-1: Geteilte Akte" in r.stdout and "AZ-2" not in r.stdout

    r = gremalda("search", "zwiebelkuchenverordnung", "schluesseluebergabe", "--data-dir", str(data), tmp=tmp)
    assert r.returncode == 0, r.stderr
    assert f"[{extra['secret_file']}] Vermerk Schlüsselübergabe, page 1" in r.stdout

    target = tmp.parent / "export" / "vermerk.pdf"
    target.parent.mkdir()
    r = gremalda("export", str(extra["secret_file"]), "--to", str(target), "--data-dir", str(data), tmp=tmp)
    assert r.returncode == 0, r.stderr
    assert target.read_bytes() == extra["pdf"]
    r = gremalda("export", "big_file.pdf", "--to", str(target), "--data-dir", str(data), tmp=tmp)
    assert r.returncode == 1 and "exists; add --force" in r.stderr and target.read_bytes() == extra["pdf"]
    r = gremalda("export", "big_file.pdf", "--to", str(target), "--force", "--data-dir", str(data), tmp=tmp)
    assert r.returncode == 0 and target.read_bytes() == extra["random"]
    r = gremalda("export", "nichtda.pdf", "--to", str(target), "--data-dir", str(data), tmp=tmp)
    assert r.returncode == 1 and r.stderr.startswith("gremalda: ") and "Traceback" not in r.stderr

    r = gremalda("sync", "--data-dir", str(data), "-q", tmp=tmp)
    assert r.returncode == 0 and "0 changes" in r.stdout and "0 documents downloaded" in r.stdout
    assert r.stderr == ""


def test_bad_logins_and_mismatched_accounts_are_refused_clearly(
    server: tuple[LiveServer, World, dict[str, Any]], dirs: tuple[Path, Path]
) -> None:
    live, _, _ = server
    data, tmp = dirs
    r = gremalda(
        "login", "--server", live.url, "--user", "member", "--password-stdin", "--data-dir", str(data),
        tmp=tmp, stdin="falsch\n",
    )  # fmt: skip
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "gremalda: Synchronisation failed:" in r.stderr or "gremalda: Not signed in:" in r.stderr
    assert "password" in r.stderr.lower()

    r = gremalda("sync", "--data-dir", str(data), tmp=tmp)
    assert r.returncode == 1 and "gremalda: Not signed in: " in r.stderr

    r = gremalda("login", "--server", "http://example.org", "--user", "member", "--password-stdin",
                 "--data-dir", str(data), tmp=tmp, stdin=PASSWORD)  # fmt: skip
    assert r.returncode == 1 and "https" in r.stderr and "Traceback" not in r.stderr

    login(live, data, tmp)
    r = gremalda(
        "login", "--server", live.url, "--user", "other", "--password-stdin", "--data-dir", str(data),
        tmp=tmp, stdin=PASSWORD,
    )  # fmt: skip
    assert r.returncode == 1 and "another account" in r.stderr.lower()

    r = gremalda("ls", "--data-dir", str(tmp.parent / "nothing-here"), tmp=tmp)
    assert r.returncode == 1 and "gremalda: No offline copy yet:" in r.stderr

    r = gremalda("logout", "--data-dir", str(data), tmp=tmp)
    assert r.returncode == 2 and "--yes" in r.stderr
    r = gremalda("logout", "--yes", "--data-dir", str(data), tmp=tmp)
    assert r.returncode == 0 and "keys are destroyed" in r.stdout
    assert not (data / "replica.db").exists()
    login(live, data, tmp, user="other")  # the directory is free again


class _Recorder(FileSystemEventHandler):
    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed", "closed_no_write"):
            return
        with self.lock:
            self.events.append((event.event_type, str(event.src_path)))


def _needles(live: LiveServer, world: World, extra: dict[str, Any]) -> list[bytes]:
    texts = [
        "Sitzung A öffentlich",
        "Grundstücksgeheimnis",
        "Geheime Vorlage",
        "Öffentliche Vorlage",
        "Geteilte Akte",
        "Testdokument mit Umlauten",
        "Zwiebelkuchenverordnung",
        "Vermerk Schlüsselübergabe",
        "Ausschuss A",
    ]
    needles = []
    for text in texts:
        needles += [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]
        # normalised forms the search index works with
        needles.append(text.lower().replace("ü", "ue").replace("ö", "oe").replace("ä", "ae").encode())
    needles += [b"%PDF-", extra["random"][1000:1064], extra["pdf"][-200:-100]]
    return needles


def test_no_plaintext_on_disk_after_a_full_sync(
    server: tuple[LiveServer, World, dict[str, Any]], dirs: tuple[Path, Path]
) -> None:
    live, world, extra = server
    data, tmp = dirs
    login(live, data, tmp)
    recorder = _Recorder()
    observer = Observer()
    observer.schedule(recorder, str(tmp), recursive=True)
    observer.schedule(recorder, str(data), recursive=True)
    observer.start()
    try:
        r = gremalda("sync", "--data-dir", str(data), tmp=tmp)
        assert r.returncode == 0, r.stderr
        r = gremalda("search", "Grundstücksgeheimnis", "--data-dir", str(data), tmp=tmp)
        assert r.returncode == 0, r.stderr
    finally:
        observer.stop()
        observer.join()
    # nothing at all was created in the temp directory during sync and search
    assert [e for e in recorder.events if e[1].startswith(str(tmp))] == []
    assert list(tmp.rglob("*")) == []
    # in the data directory only the encrypted database and vault files
    allowed = ("replica.db", "replica.db-wal", "replica.db-shm", "VAULT")
    for _, path in recorder.events:
        rel = Path(path).relative_to(data)
        assert rel == Path(".") or rel.name in allowed or rel.parts[0] == "vault", rel

    needles = _needles(live, world, extra)
    scanned = 0
    for path in [p for p in data.rglob("*") if p.is_file()] + [p for p in tmp.rglob("*") if p.is_file()]:
        content = path.read_bytes()
        scanned += len(content)
        for needle in needles:
            assert needle not in content, f"{needle[:40]!r} in {path}"
    assert scanned > len(extra["random"])  # the documents are there, encrypted
