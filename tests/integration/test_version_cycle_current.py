"""An old version cycle in the server's database (files replacing each other round, written before the
server refused them: tests/integration/test_file_version_cycle.py) reads by the version chain's rule
(sync.protocol.versions, the client's too): the cycle's newest file is the current version, in the OParl
output (an agenda item's files) and in the folder a "complete" delivery report must hold
(sync.server.api.deliveries.folder_files). The naive rule ("every file another one names is replaced")
listed none of the cycle's files as current. A file naming itself stays current too."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select

from sync.server.db import write_session
from sync.server.models import Delivery, File
from tests.integration.live import LiveServer
from tests.integration.world import World, minimal_pdf


def new_file(
    server: LiveServer, world: World, clerk: httpx.Client, name: str, supersedes: int | None
) -> tuple[int, str]:
    """A late paper on the public item (the new version of ``supersedes``, if given): its id, sha256."""
    sha = server.ctx.blobs.put_bytes(minimal_pdf(name)).sha256
    body: dict[str, Any] = {
        "name": name,
        "file_name": f"{name}.pdf",
        "sha256": sha,
        "role": "late",
        "agenda_item_id": world.ids["public_item"],
    }
    if supersedes is not None:
        body["supersedes_id"] = supersedes
    r = clerk.post("/api/v1/files", json=body)
    assert r.status_code == 201, r.text
    return int(r.json()["id"]), sha


def link(server: LiveServer, file_id: int, supersedes: int) -> None:
    """Written directly, as an older server let it be written (the API refuses it now)."""
    with write_session(server.ctx.sessions) as s:
        row = s.get(File, file_id)
        assert row is not None
        row.supersedes_id = supersedes


def item_files(server: LiveServer, token: str, world: World) -> list[str]:
    with server.client(token) as c:
        r = c.get(f"/oparl/v1.1/agenda-items/{world.ids['public_item']}")
    assert r.status_code == 200, r.text
    return [str(f["name"]) for f in r.json().get("auxiliaryFile", [])]


def complete(server: LiveServer, token: str, meeting_id: int, files: list[str]) -> dict[str, str]:
    item = {
        "idempotency_key": uuid.uuid4().hex,
        "meeting_id": meeting_id,
        "event": "complete",
        "at": datetime.now(UTC).isoformat(),
        "files": files,
    }
    with server.client(token) as c:
        r = c.post("/api/v1/deliveries", json={"items": [item]})
    assert r.status_code == 200, r.text
    result: dict[str, str] = r.json()["results"][0]
    return result


def test_an_old_cycle_shows_its_newest_file_as_current(fresh_server: tuple[LiveServer, World]) -> None:
    server, world = fresh_server
    member = server.token("member")
    with server.client(server.token("clerk")) as clerk:
        a, sha_a = new_file(server, world, clerk, "a", None)
        b, sha_b = new_file(server, world, clerk, "b", a)  # the replace path: b replaces a, c replaces b
        c, sha_c = new_file(server, world, clerk, "c", b)
        lone, sha_lone = new_file(server, world, clerk, "lone", None)
    before = item_files(server, member, world)
    assert "c" in before and "a" not in before and "b" not in before and "lone" in before
    link(server, a, c)  # a cycle round three: a -> c -> b -> a
    link(server, lone, lone)  # a file naming itself: no link
    after = item_files(server, member, world)
    assert after == before  # the cycle's newest (c) is current, and nothing else changed

    meeting = world.ids["published_meeting"]
    held = [hashlib.sha256(world.pdf).hexdigest(), sha_lone]
    without_c = complete(server, member, meeting, [*held, sha_a, sha_b])
    assert without_c["status"] == "stale", without_c  # c is in the current folder
    assert complete(server, member, meeting, [*held, sha_c]) == {"status": "ok"}  # a and b are not
    with write_session(server.ctx.sessions) as s:  # the folder the delivery row keeps as current
        (folder,) = s.scalars(select(Delivery.current_files).where(Delivery.meeting_id == meeting)).all()
    assert sha_c in folder.split() and sha_a not in folder and sha_b not in folder
    assert (
        complete(server, member, meeting, [hashlib.sha256(world.pdf).hexdigest(), sha_c])["status"] == "stale"
    )  # the file naming itself is current
