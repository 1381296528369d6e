"""A demo seeded by older code is seeded afresh: the demo body is seeded once (:func:`seed_demo`), so a data
dir kept from an earlier `make demo` would go on showing what the seed has since changed. The data dir
keeps the seed's version (:data:`DEMO_SEED_VERSION`) in a small file next to the database; when the
database holds the demo body and that version differs (or is missing), the database, its documents (blobs)
and its staged uploads are removed and the schema made afresh, so the demo is seeded again. Nothing else
in the data dir goes (the server's secret stays), and a database that does not hold the demo body is
never touched."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url

from sync.server.config import Settings
from sync.server.db import make_engine, migrate
from sync.server.demo import names
from sync.server.demo.seed import DEMO_SEED_VERSION
from sync.server.models import Body

VERSION_FILE = "demo-seed-version"


@dataclass(frozen=True)
class DemoState:
    said: str | None  # what happened, for the terminal (None: nothing to say)
    current: bool  # once seeded, the database holds the current seed (its version may be written)


def seeded_version(data_dir: Path) -> int | None:
    """The seed version the data dir's demo was seeded with (None: not recorded)."""
    try:
        return int((data_dir / VERSION_FILE).read_text(encoding="utf-8").strip())
    except (FileNotFoundError, ValueError):
        return None


def mark_seeded(settings: Settings) -> None:
    """Record that the data dir's demo is seeded with the current seed."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    (settings.data_dir / VERSION_FILE).write_text(f"{DEMO_SEED_VERSION}\n", encoding="utf-8")


def holds_demo(url: str) -> bool:
    """Whether the (migrated) database holds the demo body."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(Body.id).where(Body.name == names.BODY_NAME).limit(1)) is not None
    finally:
        engine.dispose()


def _database_file(settings: Settings) -> Path | None:
    """The SQLite file of the database when it lies in the data dir (else None: not ours to remove)."""
    url = make_url(settings.effective_database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    path = Path(url.database)
    return path if path.resolve().parent == settings.data_dir.resolve() else None


def reseed_if_outdated(settings: Settings) -> DemoState:
    """Call after the schema is migrated and before :func:`seed_demo`: if the database holds a demo seeded
    by another seed version, remove it (database, blobs, staged uploads) and migrate afresh."""
    url = settings.effective_database_url
    stored = seeded_version(settings.data_dir)
    if stored == DEMO_SEED_VERSION or not holds_demo(url):
        return DemoState(None, True)
    was = f"seed version {stored}" if stored is not None else "a seed from before seed versions"
    database = _database_file(settings)
    if database is None:
        return DemoState(
            f"the demo in {url} was seeded by {was} (now {DEMO_SEED_VERSION}); it is kept as it is "
            "(not a SQLite database in the data dir): remove it to see the current demo",
            False,
        )
    for suffix in ("", "-wal", "-shm", "-journal"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
    for folder in (settings.blob_dir, settings.upload_dir):
        if folder.exists():
            shutil.rmtree(folder)
    migrate(url)
    return DemoState(
        f"demo reseeded: the demo data in {settings.data_dir} was seeded by {was} (now "
        f"{DEMO_SEED_VERSION}); its database and documents were removed and the demo is seeded afresh",
        True,
    )
