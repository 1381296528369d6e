"""A corpus of documents on the live test server, changes to it, and checks of a client replica against
it: shared by the sync engine's crash tests and hostile-server tests.

Documents are added through the server context (blob store + ``write_session``), so the change feed
records them exactly as it records a clerk's upload. Every document added here is visible to the
``member`` of the test world (attached to the public paper, the public agenda item or the shared
e-file's document), and :class:`Corpus` tracks what the server holds for each (its bytes), so that a
test knows which content a file must have without asking the server.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from gremalda.errors import KeyringUnavailable
from gremalda.store import keys
from gremalda.store.keys import DATABASE_KEY, VAULT_KEY, delete_key
from gremalda.store.replica import Store
from sync.client import ServerApi, Tokens
from sync.server.context import ServerContext
from sync.server.db import write_session
from sync.server.models import File, FileRole, Paper
from tests.integration.live import LiveServer
from tests.integration.world import World, minimal_pdf

REPO = Path(__file__).resolve().parents[2]
PDF_DIR = REPO.parent / "shared" / "data" / "pdf"  # real PDFs, see shared/data/README.md
MIB = 1 << 20

# ------------------------------------------------------------------------------------------ keyring


def require_secret_service() -> None:
    """Skip outside `.ci/with-keyring` when no Secret Service is reachable; inside it, fail."""
    try:
        keys.os_keyring()
    except KeyringUnavailable as exc:
        reason = f"no Secret Service reachable ({exc.detail}); run the tests under .ci/with-keyring"
        if os.environ.get("GREMALDA_IN_KEYRING_SESSION") == "1":
            pytest.fail(f"inside .ci/with-keyring but {reason}")
        pytest.skip(reason)


@contextmanager
def client_data_dir(path: Path) -> Iterator[Path]:
    """A client data directory; its keys are removed from the keyring afterwards."""
    require_secret_service()
    try:
        yield path
    finally:
        for name in (DATABASE_KEY, VAULT_KEY):
            delete_key(name, path)


# ------------------------------------------------------------------------------------------- corpus


def random_bytes(rng: random.Random, size: int) -> bytes:
    return rng.randbytes(size)


def real_pdfs(max_bytes: int | None = None) -> list[tuple[str, bytes]]:
    """The real PDFs of shared/data/pdf (name, bytes), smallest first; [] when absent."""
    if not PDF_DIR.is_dir():
        return []
    found = sorted(
        (p for p in PDF_DIR.glob("*.pdf") if max_bytes is None or p.stat().st_size <= max_bytes),
        key=lambda p: (p.stat().st_size, p.name),
    )
    return [(p.name, p.read_bytes()) for p in found]


@dataclass
class Corpus:
    """The documents the member sees on the server, with their bytes (the truth to compare with)."""

    server: LiveServer
    world: World
    contents: dict[int, bytes] = field(default_factory=dict)  # file id -> bytes, for member-visible files
    hidden: set[int] = field(default_factory=set)  # ids added here that the member no longer sees
    _owners: int = 0

    @classmethod
    def of(cls, server: LiveServer, world: World) -> Corpus:
        """The corpus of the test world: its documents the member sees (all with the world's PDF)."""
        corpus = cls(server, world)
        digest = hashlib.sha256(world.pdf).hexdigest()
        for (kind, oid), data in corpus.member_view().items():
            if kind == "file":
                assert data["sha256"] == digest
                corpus.contents[oid] = world.pdf
        return corpus

    @property
    def ctx(self) -> ServerContext:
        return self.server.ctx

    def _next_owner(self) -> dict[str, int]:
        """Owners whose audience includes the member, in turn."""
        ids = self.world.ids
        choices = (
            {"paper_id": ids["public_paper"]},
            {"agenda_item_id": ids["public_item"]},
            {"document_id": ids["shared_document"]},
        )
        self._owners += 1
        return choices[self._owners % len(choices)]

    def add(self, data: bytes, name: str, *, mime: str = "application/octet-stream") -> int:
        stored = self.ctx.blobs.put_bytes(data)
        suffix = ".pdf" if mime == "application/pdf" else ".bin"
        with write_session(self.ctx.sessions) as s:
            file = File(
                body_id=self.world.ids["body"],
                name=name,
                file_name=f"{name}{suffix}",
                mime_type=mime,
                size=stored.size,
                sha256=stored.sha256,
                role=FileRole.MAIN,
                **self._next_owner(),
            )
            s.add(file)
            s.flush()
            file_id = file.id
        self.contents[file_id] = data
        return file_id

    def add_random(
        self, rng: random.Random, count: int, low: int, high: int, prefix: str = "Anlage"
    ) -> list[int]:
        return [
            self.add(random_bytes(rng, rng.randint(low, high)), f"{prefix} {len(self.contents) + 1}")
            for _ in range(count)
        ]

    def add_pdf(self, data: bytes, name: str) -> int:
        return self.add(data, name, mime="application/pdf")

    def add_generated_pdf(self, rng: random.Random) -> int:
        text = f"Beschlussvorlage {rng.randrange(10**9)}: Größe der Übungsfläche, Maßnahme {rng.random()}"
        return self.add_pdf(minimal_pdf(text), f"Vorlage {len(self.contents) + 1}")

    def sha256(self, file_id: int) -> str:
        return hashlib.sha256(self.contents[file_id]).hexdigest()

    # -- changes on the server (each one commit, recorded by the change feed) --

    def rename(self, file_id: int, name: str) -> None:
        with write_session(self.ctx.sessions) as s:
            file = s.get(File, file_id)
            assert file is not None
            file.name = name

    def retitle_paper(self, title: str) -> None:
        with write_session(self.ctx.sessions) as s:
            paper = s.get(Paper, self.world.ids["public_paper"])
            assert paper is not None
            paper.name = title

    def hide(self, file_id: int) -> None:
        """Move the file to the draft paper: only clerks see it now, the member's feed removes it."""
        with write_session(self.ctx.sessions) as s:
            file = s.get(File, file_id)
            assert file is not None
            file.paper_id, file.agenda_item_id, file.document_id = self.world.ids["draft_paper"], None, None
        del self.contents[file_id]
        self.hidden.add(file_id)

    def replace(self, file_id: int, data: bytes) -> None:
        """New content for the same file object (new sha256 and size)."""
        stored = self.ctx.blobs.put_bytes(data)
        with write_session(self.ctx.sessions) as s:
            file = s.get(File, file_id)
            assert file is not None
            file.sha256, file.size = stored.sha256, stored.size
        self.contents[file_id] = data

    def delete(self, file_id: int) -> None:
        with write_session(self.ctx.sessions) as s:
            file = s.get(File, file_id)
            assert file is not None
            s.delete(file)
        self.contents.pop(file_id, None)
        self.hidden.discard(file_id)

    def blob_path(self, file_id: int) -> Path:
        return self.ctx.blobs.path(self.sha256(file_id))

    def member_view(self) -> dict[tuple[str, int], dict[str, Any]]:
        from tests.integration.feedclient import server_view

        with self.server.client(self.server.token("member")) as client:
            return server_view(client)


# ------------------------------------------------------------------------------------------ replica


def stored_tokens(store: Store) -> Tokens:
    data = json.loads(store.state("tokens") or "{}")
    return Tokens(
        int(data["device_id"]), str(data["access_token"]), str(data["refresh_token"]), int(data["expires_in"])
    )


def replica_api(store: Store, *, timeout: float = 30.0) -> ServerApi:
    """A client for the replica's server with its stored tokens (like `connect`; a test that needs a stall
    noticed quickly passes a short `timeout`)."""
    url = store.state("server_url")
    assert url is not None
    return ServerApi(url, tokens=stored_tokens(store), timeout=timeout, trust_env=False)


def replica_objects(store: Store) -> dict[tuple[str, int], dict[str, Any]]:
    rows = store.db.conn.execute("SELECT type, id, data FROM object").fetchall()
    return {(str(kind), int(oid)): json.loads(data) for kind, oid, data in rows}


@dataclass(frozen=True)
class FileRow:
    id: str
    sha256: str | None
    size: int | None
    state: str
    received: int
    vault_version: int | None


def file_rows(store: Store) -> dict[str, FileRow]:
    rows = store.db.conn.execute(
        "SELECT id, sha256, size, state, received, vault_version FROM file"
    ).fetchall()
    return {str(r[0]): FileRow(str(r[0]), r[1], r[2], str(r[3]), int(r[4]), r[5]) for r in rows}


def vault_sha256(store: Store, file_id: str, version: int) -> str:
    data = store.vault.read(file_id, version)
    try:
        return hashlib.sha256(data).hexdigest()
    finally:
        data[:] = bytes(len(data))


def assert_replica_sound(store: Store) -> dict[str, FileRow]:
    """What must hold after any pass, failed, killed or not: the database passes its integrity check,
    every file row marked complete decrypts from the vault to its sha256 and size, and every committed
    file in the vault is a row's current copy or the newer one a crash kept from being recorded, or
    else the replica has noted that there is garbage to destroy. Returns the file rows."""
    assert store.db.integrity_check() == []
    rows = file_rows(store)
    for row in rows.values():
        if row.state == "complete":
            assert row.vault_version is not None and row.sha256 is not None, row
            assert vault_sha256(store, row.id, row.vault_version) == row.sha256, row
            assert store.vault.size(row.id, row.vault_version) == row.size, row
    gc_pending = store.state("gc_pending") is not None
    for file_id, version in store.vault.list():
        owner = rows.get(file_id)
        if owner is None or version not in (owner.vault_version, (owner.vault_version or 0) + 1):
            # a removed document, or one replaced by a newer version: destroyed by the next pass,
            # which the replica must have noted (in the same transaction as the removal or replacement)
            assert gc_pending, f"the vault holds {file_id} v{version} that nothing refers to: {owner}"
    return rows


def assert_replica_equals_server(store: Store, corpus: Corpus) -> None:
    """The replica is exactly what the server shows the member: the same objects with the same data,
    every file complete in the vault with the server's bytes, nothing unfinished, nothing extra."""
    rows = assert_replica_sound(store)
    view = corpus.member_view()
    objects = replica_objects(store)
    assert sorted(objects) == sorted(view)
    for key, data in view.items():
        assert objects[key] == data, key
    file_ids = {str(oid) for kind, oid in view if kind == "file"}
    assert set(rows) == file_ids
    for file_id, row in rows.items():
        data = view[("file", int(file_id))]
        assert (row.state, row.sha256, row.size) == ("complete", data["sha256"], data["size"]), row
        if int(file_id) in corpus.contents:
            assert row.sha256 == corpus.sha256(int(file_id))
    assert store.vault.list() == sorted((r.id, r.vault_version) for r in rows.values())
    assert store.vault.list_partial() == []
    assert not any((store.paths.vault / "tmp").iterdir())
    assert store.state("snapshot") is None
