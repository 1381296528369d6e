"""A file's change note over real HTTP: replacing a file's content under the same id (PATCH with a new
sha256) takes the change note sent with it, and without one clears the old note (it spoke of the old
content; members would read it as the note of the new one). A PATCH that leaves the content alone keeps
the note unless it sends one. Members see what the clerk set, through the change feed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.integration.feedclient import Replica
from tests.integration.live import LiveServer
from tests.integration.world import World


@pytest.fixture
def noted(fresh_server: tuple[LiveServer, World]) -> tuple[LiveServer, World, httpx.Client, dict[str, Any]]:
    """The clerk's client and a late paper (role late) on the public item, with a change note."""
    server, world = fresh_server
    clerk = server.client(server.token("clerk"))
    sha = server.ctx.blobs.put_bytes(world.pdf).sha256
    r = clerk.post(
        "/api/v1/files",
        json={
            "name": "Tischvorlage",
            "file_name": "tv.pdf",
            "sha256": sha,
            "role": "late",
            "agenda_item_id": world.ids["public_item"],
            "change_note": "Tischvorlage: Stellenplan",
        },
    )
    assert r.status_code == 201, r.text
    return server, world, clerk, r.json()


def new_content(server: LiveServer, world: World, tag: bytes) -> str:
    """Other bytes (a PDF still: the blob store holds them as they are) under a new sha256."""
    return server.ctx.blobs.put_bytes(world.pdf + b"\n%" + tag + b"\n").sha256


def patch(clerk: httpx.Client, file: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    r = clerk.patch(f"/api/v1/files/{file['id']}", json=body, headers={"If-Match": str(file["version"])})
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


def members_note(server: LiveServer, file_id: int) -> str:
    replica = Replica()
    with server.client(server.token("member")) as member:
        replica.sync(member)
    return str(replica.objects[("file", file_id)]["change_note"])


def test_new_content_with_a_new_note_takes_the_new_note(
    noted: tuple[LiveServer, World, httpx.Client, dict[str, Any]],
) -> None:
    server, world, clerk, file = noted
    sha = new_content(server, world, b"zwei")
    changed = patch(clerk, file, {"sha256": sha, "change_note": "Seite 3 korrigiert"})
    assert changed["sha256"] == sha and changed["change_note"] == "Seite 3 korrigiert"
    assert members_note(server, file["id"]) == "Seite 3 korrigiert"


def test_new_content_without_a_note_clears_the_old_note(
    noted: tuple[LiveServer, World, httpx.Client, dict[str, Any]],
) -> None:
    server, world, clerk, file = noted
    assert members_note(server, file["id"]) == "Tischvorlage: Stellenplan"
    sha = new_content(server, world, b"drei")
    changed = patch(clerk, file, {"sha256": sha})
    assert changed["sha256"] == sha and changed["change_note"] == ""
    assert members_note(server, file["id"]) == ""


def test_a_change_that_keeps_the_content_keeps_the_note(
    noted: tuple[LiveServer, World, httpx.Client, dict[str, Any]],
) -> None:
    server, _, clerk, file = noted
    renamed = patch(clerk, file, {"name": "Tischvorlage Stellenplan"})
    assert renamed["change_note"] == "Tischvorlage: Stellenplan"
    # the same content named again (a client sending the whole record) is no replacement either
    same = patch(clerk, renamed, {"sha256": file["sha256"], "file_name": "stellenplan.pdf"})
    assert same["change_note"] == "Tischvorlage: Stellenplan"
    noted_again = patch(clerk, same, {"change_note": "Tischvorlage: Stellenplan 2027"})
    assert noted_again["change_note"] == "Tischvorlage: Stellenplan 2027"
    assert members_note(server, file["id"]) == "Tischvorlage: Stellenplan 2027"


def test_new_content_with_an_empty_note_clears_it_too(
    noted: tuple[LiveServer, World, httpx.Client, dict[str, Any]],
) -> None:
    server, world, clerk, file = noted
    changed = patch(clerk, file, {"sha256": new_content(server, world, b"vier"), "change_note": ""})
    assert changed["change_note"] == ""
