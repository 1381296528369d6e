"""`gremalda-server --demo` on a data dir kept from an older demo: the data dir records the seed version;
a demo seeded by another version (or before versions were recorded) is removed (database, documents,
staged uploads) and the schema made afresh so the current seed runs; the same version is kept; a
database without the demo body is never touched; the rest of the data dir (the server's secret) stays."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from sync.server.config import Settings, settings_from_env
from sync.server.db import make_engine, make_sessionmaker, migrate, write_session
from sync.server.demo import names
from sync.server.demo.reseed import VERSION_FILE, mark_seeded, reseed_if_outdated, seeded_version
from sync.server.demo.seed import DEMO_SEED_VERSION
from sync.server.models import Body


def demo_dir(tmp_path: Path, body_name: str = names.BODY_NAME) -> Settings:
    """A data dir as an older demo left it: the database with the demo body, a document, a staged upload."""
    settings = settings_from_env(tmp_path / "demo")
    migrate(settings.effective_database_url)
    engine = make_engine(settings.effective_database_url)
    with write_session(make_sessionmaker(engine)) as session:
        session.add(Body(name=body_name))
    engine.dispose()
    for folder in (settings.blob_dir / "ab", settings.upload_dir / "u1"):
        folder.mkdir(parents=True)
        (folder / "data").write_bytes(b"%PDF-1.7 old demo")
    (settings.data_dir / "notes.txt").write_text("kept", encoding="utf-8")
    return settings


def bodies(settings: Settings) -> int:
    engine = make_engine(settings.effective_database_url)
    with make_sessionmaker(engine)() as session:
        count = session.scalar(select(func.count()).select_from(Body))
    engine.dispose()
    return int(count or 0)


def test_a_demo_of_an_older_seed_version_is_removed_and_seeded_afresh(tmp_path: Path) -> None:
    settings = demo_dir(tmp_path)
    secret = (settings.data_dir / "server-secret.key").read_bytes()
    (settings.data_dir / VERSION_FILE).write_text(f"{DEMO_SEED_VERSION - 1}\n", encoding="utf-8")

    state = reseed_if_outdated(settings)

    assert state.current and state.said is not None
    assert state.said.startswith("demo reseeded:") and f"seed version {DEMO_SEED_VERSION - 1}" in state.said
    assert bodies(settings) == 0  # an empty, migrated database: the seed runs again
    assert not settings.blob_dir.exists() and not settings.upload_dir.exists()
    assert (settings.data_dir / "server-secret.key").read_bytes() == secret
    assert (settings.data_dir / "notes.txt").read_text(encoding="utf-8") == "kept"
    mark_seeded(settings)
    assert seeded_version(settings.data_dir) == DEMO_SEED_VERSION


def test_a_demo_from_before_seed_versions_is_seeded_afresh(tmp_path: Path) -> None:
    settings = demo_dir(tmp_path)
    state = reseed_if_outdated(settings)
    assert state.said is not None and "before seed versions" in state.said
    assert bodies(settings) == 0


def test_a_demo_of_the_current_seed_version_is_kept(tmp_path: Path) -> None:
    settings = demo_dir(tmp_path)
    mark_seeded(settings)
    state = reseed_if_outdated(settings)
    assert state.said is None and state.current
    assert bodies(settings) == 1
    assert (settings.blob_dir / "ab" / "data").exists() and (settings.upload_dir / "u1" / "data").exists()


def test_a_database_without_the_demo_body_is_never_touched(tmp_path: Path) -> None:
    settings = demo_dir(tmp_path, body_name="Stadtrat Musterstadt")
    state = reseed_if_outdated(settings)
    assert state.said is None
    assert bodies(settings) == 1 and (settings.blob_dir / "ab" / "data").exists()
