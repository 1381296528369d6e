"""The clerk's local removal of a file writes nothing but the removal (review item 14: it made this
replica's annotation device id, a write transaction of its own, as a side effect). A real replica (keys
in the OS keyring: run under `.ci/with-keyring`)."""

from __future__ import annotations

from pathlib import Path

from gremalda.core.account import sign_out
from gremalda.core.annotations.store import DEVICE_KEY
from gremalda.core.clerk import local
from gremalda.paths import data_paths
from gremalda.store.replica import open_store


def test_forgetting_a_file_makes_no_annotation_device_id(tmp_path: Path) -> None:
    paths = data_paths(tmp_path / "client")
    try:
        with open_store(paths, create=True) as store:
            local.remember(store, {"type": "file", "id": 9, "version": 1, "sha256": "a" * 64, "size": 3})
            local.forget(store, "file", 9)
            assert store.db.conn.execute("SELECT count(*) FROM file").fetchone()[0] == 0
            made = store.db.conn.execute("SELECT value FROM sync_state WHERE key = ?", (DEVICE_KEY,))
            assert made.fetchone() is None
    finally:
        sign_out(paths)
