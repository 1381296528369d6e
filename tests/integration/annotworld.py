"""Annotations in the test world: records as the client sends them, pushes, and the factions to share with.

`add_factions` extends the world of world.py: faction F gets "other" (a member of committee B only, who
may not see committee A's non-public files) and a new user "colleague" (a member of committee A, who
may); a second faction G gets "deputy" (who may see A's files, but is not in F). "member" is in F
already. So an annotation of "member" shared with the faction reaches the colleague on every file, "other"
on public files only, and never the deputy.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from sync.server.context import ServerContext
from sync.server.db import write_session
from sync.server.models import Membership, Organization, OrganizationKind, Person, Role, User
from sync.server.passwords import hash_password
from tests.integration.world import PASSWORD, World


def record(author_id: int, file_id: int, visibility: str = "private", **changes: Any) -> dict[str, Any]:
    """A highlight as the client's records.to_dict gives it."""
    data: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "file_id": str(file_id),
        "kind": "highlight",
        "page": 0,
        "author_id": str(author_id),
        "author_name": "Person member",
        "file_sha256": None,
        "quads": [[72.0, 60.0, 200.0, 60.0, 72.0, 75.0, 200.0, 75.0]],
        "strokes": [],
        "rect": None,
        "point": None,
        "colour": "#ffd700",
        "width": 1.0,
        "opacity": 0.5,
        "text": "Größe prüfen",
        "quote": {"exact": "Größe", "prefix": "Umlauten: ", "suffix": ", Übung"},
        "page_text_hash": None,
        "attention": False,
        "visibility": visibility,
        "created": "2026-12-01T10:00:00+00:00",
        "modified": "2026-12-01T10:00:00+00:00",
        "deleted": False,
        "clocks": {"placement": [1, "dev-a"], "visibility": [1, "dev-a"]},
        "delete_seen": {},
    }
    data.update(changes)
    return data


def item(rec: dict[str, Any], base: int | None = None, key: str | None = None) -> dict[str, Any]:
    return {"idempotency_key": key or str(uuid.uuid4()), "base_version": base, "record": rec}


def push(client: httpx.Client, *items: dict[str, Any]) -> list[dict[str, Any]]:
    body = json.dumps({"items": list(items)})  # ASCII: a lone surrogate goes as its escape, like any client's
    r = client.post("/api/v1/annotations/batch", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    results: list[dict[str, Any]] = r.json()["results"]
    assert len(results) == len(items)
    return results


def push_ok(client: httpx.Client, *items: dict[str, Any]) -> list[dict[str, Any]]:
    results = push(client, *items)
    assert all(r["status"] == "ok" for r in results), results
    return results


def add_factions(ctx: ServerContext, world: World) -> None:
    ids = world.ids
    with write_session(ctx.sessions) as s:
        faction_g = Organization(body_id=ids["body"], name="Fraktion G", kind=OrganizationKind.FACTION)
        colleague = Person(body_id=ids["body"], name="Person colleague")
        s.add_all([faction_g, colleague])
        s.flush()
        s.add_all(
            [
                Membership(person_id=ids["person_other"], organization_id=ids["faction"]),
                Membership(person_id=colleague.id, organization_id=ids["faction"]),
                Membership(person_id=colleague.id, organization_id=ids["committee_a"]),
                Membership(person_id=ids["person_deputy"], organization_id=faction_g.id),
            ]
        )
        user = User(
            username="colleague",
            password_hash=hash_password(PASSWORD),
            role=Role.MEMBER,
            body_id=ids["body"],
            person_id=colleague.id,
        )
        s.add(user)
        s.flush()
        ids.update({"faction_g": faction_g.id, "person_colleague": colleague.id, "user_colleague": user.id})
