"""A file's ``supersedes_id`` over real HTTP: a PATCH that would make files replace each other round (A
supersedes B, B supersedes A; or round three files) is refused with 409 ``version_cycle``, one naming
the file itself with 422 ``supersedes_itself``, each with a message for people and nothing changed. A
new file naming an older one (the clerk's replace path) and a relink to a file off the chain still work,
and a cycle older than the check does not block other changes of its files; relinking ends it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sync.server.db import write_session
from sync.server.models import File
from tests.integration.live import LiveServer
from tests.integration.world import World

Clerk = tuple[LiveServer, World, httpx.Client]


@pytest.fixture
def clerk(fresh_server: tuple[LiveServer, World]) -> Clerk:
    server, world = fresh_server
    return server, world, server.client(server.token("clerk"))


def new_file(served: Clerk, name: str, supersedes: int | None = None) -> dict[str, Any]:
    """A late paper on the public item (the new version of ``supersedes``, if given)."""
    server, world, client = served
    sha = server.ctx.blobs.put_bytes(world.pdf + b"\n%" + name.encode() + b"\n").sha256
    body: dict[str, Any] = {
        "name": name,
        "file_name": f"{name}.pdf",
        "sha256": sha,
        "role": "late",
        "agenda_item_id": world.ids["public_item"],
    }
    if supersedes is not None:
        body["supersedes_id"] = supersedes
    r = client.post("/api/v1/files", json=body)
    assert r.status_code == 201, r.text
    answer: dict[str, Any] = r.json()
    return answer


def patch(client: httpx.Client, file: dict[str, Any], body: dict[str, Any]) -> httpx.Response:
    return client.patch(f"/api/v1/files/{file['id']}", json=body, headers={"If-Match": str(file["version"])})


def now(client: httpx.Client, file: dict[str, Any]) -> dict[str, Any]:
    r = client.get(f"/api/v1/files/{file['id']}")
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


def refused(r: httpx.Response, status: int, code: str) -> str:
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code and error["title"]
    return str(error["message"])


def test_two_files_replacing_each_other_are_refused(clerk: Clerk) -> None:
    _, _, client = clerk
    a = new_file(clerk, "a")
    b = new_file(clerk, "b", supersedes=a["id"])  # the replace path: a new file naming the old one
    assert b["supersedes_id"] == a["id"]
    message = refused(patch(client, a, {"supersedes_id": b["id"]}), 409, "version_cycle")
    assert str(a["id"]) in message and str(b["id"]) in message and "current version" in message
    assert now(client, a)["supersedes_id"] is None and now(client, a)["version"] == a["version"]


def test_a_cycle_round_three_files_is_refused(clerk: Clerk) -> None:
    _, _, client = clerk
    a = new_file(clerk, "a")
    b = new_file(clerk, "b", supersedes=a["id"])
    c = new_file(clerk, "c", supersedes=b["id"])
    refused(patch(client, a, {"supersedes_id": c["id"]}), 409, "version_cycle")
    # so is closing it in the middle: b naming c, which replaces b
    refused(patch(client, b, {"supersedes_id": c["id"]}), 409, "version_cycle")
    assert [now(client, f)["supersedes_id"] for f in (a, b, c)] == [None, a["id"], b["id"]]


def test_a_file_naming_itself_is_refused(clerk: Clerk) -> None:
    _, _, client = clerk
    a = new_file(clerk, "a")
    message = refused(patch(client, a, {"supersedes_id": a["id"]}), 422, "supersedes_itself")
    assert str(a["id"]) in message and "itself" in message
    assert now(client, a)["supersedes_id"] is None


def test_relinking_off_the_chain_and_renaming_still_work(clerk: Clerk) -> None:
    _, _, client = clerk
    a = new_file(clerk, "a")
    b = new_file(clerk, "b", supersedes=a["id"])
    c = new_file(clerk, "c")
    r = patch(client, b, {"supersedes_id": c["id"]})  # b now replaces c, not a: no cycle
    assert r.status_code == 200, r.text
    r = patch(client, a, {"supersedes_id": b["id"]})  # a replaces b replaces c: a chain, no cycle
    assert r.status_code == 200, r.text
    r = patch(client, r.json(), {"name": "a, umbenannt"})  # the link unchanged: checked as before
    assert r.status_code == 200 and r.json()["supersedes_id"] == b["id"], r.text


def test_a_cycle_from_before_the_check_can_be_edited_and_ended(clerk: Clerk) -> None:
    server, _, client = clerk
    a = new_file(clerk, "a")
    b = new_file(clerk, "b", supersedes=a["id"])
    with write_session(server.ctx.sessions) as s:  # as an older server let it be written
        old = s.get(File, a["id"])
        assert old is not None
        old.supersedes_id = b["id"]
    a = now(client, a)
    r = patch(client, a, {"name": "a, umbenannt"})  # its link not touched: not refused
    assert r.status_code == 200, r.text
    r = patch(client, r.json(), {"supersedes_id": None})  # the clerk ends the cycle
    assert r.status_code == 200 and r.json()["supersedes_id"] is None, r.text
    refused(patch(client, r.json(), {"supersedes_id": b["id"]}), 409, "version_cycle")
