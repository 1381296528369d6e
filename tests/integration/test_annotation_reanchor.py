"""Annotations follow a replaced paper through the real server (issue 5: "Today's apps lose notes … when
a paper is replaced; ours must not").

The clerk uploads a PDF through the API, a member marks it up on their laptop, then the clerk uploads a
new version (a file superseding the old one: a paragraph inserted, the marked sentence pushed to the
next page, one sentence gone) or replaces the content of the same file. The member's next sync
(:func:`gremalda.core.syncing.synchronise`, as the CLI and the desktop run it: pass, index, re-anchor,
push) moves their annotations: the highlight onto the same words at their new place, a vanished quote
and a note whose page changed flagged, never lost; the server and the member's tablet get the moved
records; a colleague's device leaves the member's shared highlight alone until the member's device has
moved it. Real SQLCipher replicas with keys in the OS keyring (run under `.ci/with-keyring`).
"""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from gremalda.cli.main import main
from gremalda.core.annotations.records import Annotation, Visibility, to_dict
from gremalda.core.syncing import SyncOutcome, synchronise
from gremalda.store.replica import Store
from tests.integration.annotdevices import (
    QUICK,
    Device,
    Devices,
    RestartableServer,
    server_record,
)
from tests.integration.world import World
from tests.unit.test_annotations_reanchoring import GONE, NEW, OLD, QUOTE, highlight, make_pdf, note, word_box


@pytest.fixture
def world(world_each_backend: tuple[RestartableServer, World]) -> tuple[RestartableServer, World]:
    """The server on SQLite, and on PostgreSQL where the harness can start one (conftest's `group`
    signs its devices in here)."""
    return world_each_backend


class Clerk:
    """The clerk, through the server's HTTP API."""

    def __init__(self, server: RestartableServer, world: World) -> None:
        self.http = server.live.client(server.live.token("clerk"))
        self.paper = world.ids["public_paper"]

    def upload(self, data: bytes, name: str, supersedes: int | None = None) -> int:
        sha = self._blob(data)
        body: dict[str, Any] = {
            "name": name,
            "file_name": f"{name}.pdf",
            "sha256": sha,
            "paper_id": self.paper,
        }
        if supersedes is not None:
            body |= {"supersedes_id": supersedes, "change_note": "Neue Fassung"}
        r = self.http.post("/api/v1/files", json=body)
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    def replace(self, file_id: int, data: bytes) -> None:
        """New content for the same file (a corrected upload)."""
        r = self.http.patch(
            f"/api/v1/files/{file_id}", json={"sha256": self._blob(data)}, headers={"If-Match": "*"}
        )
        assert r.status_code == 200, r.text

    def _blob(self, data: bytes) -> str:
        r = self.http.post("/api/v1/blobs", content=data, headers={"Content-Type": "application/pdf"})
        assert r.status_code == 201, r.text
        return str(r.json()["sha256"])


def sync(device: Device) -> SyncOutcome:
    """A whole pass as the CLI and the desktop run it (pass, index, re-anchor, push what moved)."""
    outcome = synchronise(device.paths, workers=2, retry=QUICK)
    assert outcome.sync.rejected == [] and outcome.sync.push_error == "" and outcome.reanchor.failed == []
    return outcome


def bytes_of(store: Store, file_id: int) -> bytes:
    row = store.db.conn.execute("SELECT vault_version FROM file WHERE id = ?", (str(file_id),)).fetchone()
    data = store.vault.read(str(file_id), int(row[0]))
    try:
        return bytes(data)
    finally:
        data[:] = bytes(len(data))


def on_server(device: Device, record: Annotation) -> None:
    version, data = server_record(device, record.id)
    assert data == to_dict(record) and version >= 2


def test_a_new_version_takes_the_members_annotations_along(
    world: tuple[RestartableServer, World], group: Devices
) -> None:
    server, w = world
    clerk = Clerk(server, w)
    old_pdf, new_pdf = make_pdf(OLD), make_pdf(NEW, top=150.0)
    old = clerk.upload(old_pdf, "Vorlage Haushalt")
    laptop, tablet = group.add("member", "laptop"), group.add("member", "tablet")
    colleague = group.add("deputy", "colleague")
    sync(laptop)
    assert bytes_of(laptop.store, old) == old_pdf
    mark = highlight(laptop.store, str(old), old_pdf, 0, QUOTE)
    mark = laptop.notes.edit(mark.id, visibility=Visibility.COMMITTEE)  # the deputy sees it
    lost = highlight(laptop.store, str(old), old_pdf, 0, GONE)
    changed = note(laptop.store, str(old), old_pdf, 0)
    kept = note(laptop.store, str(old), old_pdf, 2)
    assert sync(laptop).sync.pushed == 4
    sync(tablet)
    assert sync(colleague).reanchored == 0
    assert colleague.notes.get(mark.id) == laptop.notes.get(mark.id)

    new = clerk.upload(new_pdf, "Vorlage Haushalt (neue Fassung)", supersedes=old)
    # the colleague's device does not move the member's highlight: read-only there, the member's moves it
    assert sync(colleague).reanchored == 0
    assert colleague.notes.get(mark.id).file_id == str(old)  # type: ignore[union-attr]
    assert colleague.notes.pending_count() == 0

    outcome = sync(laptop)
    assert (outcome.reanchored, outcome.attention, outcome.reanchor.waiting) == (4, 2, 0)
    assert outcome.sync.pushed == 4 and outcome.sync.pending == 0
    moved = {a.id: a for a in laptop.notes.list_for_file(str(new))}
    assert set(moved) == {mark.id, lost.id, changed.id, kept.id}
    assert laptop.notes.list_for_file(str(old)) == []
    hit = moved[mark.id]
    new_sha = hashlib.sha256(new_pdf).hexdigest()
    assert (hit.page, hit.file_sha256, hit.attention, hit.visibility) == (
        1,
        new_sha,
        False,
        Visibility.COMMITTEE,
    )
    assert hit.quote is not None and hit.quote.exact == QUOTE
    [quad] = hit.quads  # over the same words, at their new place
    assert (quad[0], quad[1], quad[6], quad[7]) == pytest.approx(word_box(new_pdf, 1, QUOTE), abs=1.0)
    assert moved[lost.id].attention and moved[lost.id].quads == lost.quads  # flagged, not lost
    assert moved[changed.id].attention and not moved[kept.id].attention
    for record in moved.values():
        on_server(laptop, record)

    assert sync(tablet).reanchored == 0  # the moves arrive from the server; nothing to do twice
    assert tablet.records() == laptop.records()
    sync(colleague)
    assert colleague.notes.get(mark.id) == hit
    again = sync(laptop)
    assert (again.reanchored, again.sync.pushed) == (0, 0)


def test_content_replaced_under_the_same_file_is_reanchored_in_place(
    world: tuple[RestartableServer, World], group: Devices, capsys: pytest.CaptureFixture[str]
) -> None:
    server, w = world
    clerk = Clerk(server, w)
    old_pdf, new_pdf = make_pdf(OLD), make_pdf(NEW, top=150.0)
    file_id = clerk.upload(old_pdf, "Vorlage Haushalt")
    laptop, tablet = group.add("member", "laptop"), group.add("member", "tablet")
    sync(laptop)
    mark = highlight(laptop.store, str(file_id), old_pdf, 0, QUOTE)
    lost = highlight(laptop.store, str(file_id), old_pdf, 0, GONE)
    kept = note(laptop.store, str(file_id), old_pdf, 2)
    assert sync(laptop).sync.pushed == 3

    clerk.replace(file_id, new_pdf)
    assert main(["sync", "--data-dir", str(laptop.paths.root), "-q"]) == 0  # the CLI's sync
    printed = capsys.readouterr().out
    assert "Annotations: 3 moved to the new version of their document, 1 need attention" in printed
    assert laptop.notes.pending_count() == 0  # pushed in the same sync
    hit = laptop.notes.get(mark.id)
    assert hit is not None and (hit.file_id, hit.page, hit.attention) == (str(file_id), 1, False)
    assert hit.file_sha256 == hashlib.sha256(new_pdf).hexdigest()
    assert (hit.quads[0][0], hit.quads[0][1]) == pytest.approx(word_box(new_pdf, 1, QUOTE)[:2], abs=1.0)
    assert laptop.notes.get(lost.id).attention and not laptop.notes.get(kept.id).attention  # type: ignore[union-attr]
    for record in laptop.notes.list_for_file(str(file_id)):
        on_server(laptop, record)
    assert sync(tablet).reanchored == 0 and tablet.records() == laptop.records()
    assert sync(laptop).reanchored == 0
