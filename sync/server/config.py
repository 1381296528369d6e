"""Server settings: from the command line and the environment (GREMALDA_*), one place."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str = ""
    max_json_bytes: int = 1024 * 1024
    max_upload_bytes: int = 2 * 1024 * 1024 * 1024
    access_token_ttl: timedelta = timedelta(hours=1)
    refresh_token_ttl: timedelta = timedelta(days=90)
    login_max_failures: int = 5
    login_window: timedelta = timedelta(minutes=15)
    login_lockout: timedelta = timedelta(minutes=15)
    feed_page_size: int = 1000
    feed_max_page_size: int = 5000
    feed_page_bytes: int = 8 * 1024 * 1024  # a feed page stops growing past this (always one entry at least)
    annotations_per_file: int = 5000  # live annotations of one author on one file, at most
    download_chunk_bytes: int = 4 * 1024 * 1024
    accel_redirect: str = ""  # behind nginx: internal location prefix that serves the blob store
    upload_expiry: timedelta = timedelta(hours=24)  # resumable uploads: staged bytes kept since the last PUT
    upload_idle_seconds: float = 60.0  # a PUT that receives nothing for this long ends (keeps what came)
    upload_takeover_seconds: float = 5.0  # a PUT idle this long gives way to a new PUT of the same upload
    events_heartbeat_seconds: float = 15.0  # push channel: a ": ping" this often
    events_poll_seconds: float = 0.5  # push channel: how often the feed counter is read (other instances)
    # push channel: a Last-Event-ID further behind than this many change rows is answered with an event at
    # once without looking (the client then pulls the feed, which is always correct)
    events_max_lookback: int = 5000
    # push channel: open streams per device; a further one closes the device's oldest stream
    events_max_streams_per_device: int = 4
    # the body's local time (IANA name): the notice period (Ladungsfrist) counts calendar days there
    body_time_zone: str = "Europe/Berlin"
    secret: bytes = field(default=b"", repr=False)

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'gremalda.sqlite3'}"


def load_secret(data_dir: Path) -> bytes:
    """The server's HMAC secret (signs change-feed cursors), created once with mode 0600."""
    path = data_dir / "server-secret.key"
    if path.exists():
        value = path.read_bytes()
        if len(value) >= 32:
            return value
    data_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(value)
    return value


def settings_from_env(data_dir: Path | None = None, database_url: str | None = None) -> Settings:
    env_dir = os.environ.get("GREMALDA_DATA_DIR")
    directory = data_dir or (Path(env_dir) if env_dir else Path("var/server"))
    directory = directory.resolve()
    directory.mkdir(parents=True, exist_ok=True)
    url = database_url if database_url is not None else os.environ.get("GREMALDA_DATABASE_URL", "")
    return Settings(
        data_dir=directory,
        database_url=url,
        secret=load_secret(directory),
        accel_redirect=os.environ.get("GREMALDA_ACCEL_REDIRECT", ""),
        body_time_zone=time_zone_name(os.environ.get("GREMALDA_TIME_ZONE", "Europe/Berlin")),
    )


def time_zone_name(name: str) -> str:
    """`name` when it is a time zone this machine knows (IANA, e.g. "Europe/Berlin"); else a clear error."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"Unknown time zone {name!r} (GREMALDA_TIME_ZONE): use a name like Europe/Berlin."
        ) from None
    return name
