"""The visibility matrix: every read endpoint × every kind of caller × every kind of object.

Nothing may leak: an object a caller may not see answers 404 exactly like one that does not exist,
is absent from lists, agendas and the change feed, and its bytes cannot be downloaded."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.annotworld import add_factions, item, push, record
from tests.integration.feedclient import Replica
from tests.integration.live import LiveServer
from tests.integration.world import World

BODY = {"member", "deputy", "other", "former", "clerk", "admin"}
ENTITLED_A = {"member", "deputy", "clerk"}  # may see committee A's non-public items

# object -> (plural in the API, who may see it)
EXPECTED: dict[str, tuple[str, set[str]]] = {
    "body": ("bodies", BODY),
    "other_body": ("bodies", {"foreign_clerk"}),
    "committee_a": ("organizations", BODY),
    "faction": ("organizations", BODY),
    "person_member": ("persons", BODY),
    "published_meeting": ("meetings", BODY),
    "draft_meeting": ("meetings", {"clerk"}),
    "cancelled_meeting": ("meetings", BODY),
    "public_item": ("agenda-items", BODY),
    "private_item": ("agenda-items", ENTITLED_A),
    "draft_item": ("agenda-items", {"clerk"}),
    "cancelled_item": ("agenda-items", BODY),
    "public_paper": ("papers", BODY),
    "private_paper": ("papers", ENTITLED_A),
    "draft_paper": ("papers", {"clerk"}),
    "public_file": ("files", BODY),
    "invitation_file": ("files", BODY),
    "private_file": ("files", ENTITLED_A),
    "private_item_file": ("files", ENTITLED_A),
    "draft_file": ("files", {"clerk"}),
    "shared_efile": ("efiles", {"member"}),
    "unshared_efile": ("efiles", set()),
    "shared_process": ("processes", {"member"}),
    "unshared_process": ("processes", set()),
    "shared_document": ("documents", {"member"}),
    "unshared_document": ("documents", set()),
    "shared_efile_file": ("files", {"member"}),
    "unshared_efile_file": ("files", set()),
}
ROLES = ["member", "deputy", "other", "former", "clerk", "admin", "foreign_clerk"]
WIRE = {
    "bodies": "body",
    "organizations": "organization",
    "persons": "person",
    "meetings": "meeting",
    "agenda-items": "agenda_item",
    "papers": "paper",
    "files": "file",
    "efiles": "efile",
    "processes": "process",
    "documents": "document",
}


@pytest.fixture(scope="module")
def tokens(world_server: tuple[LiveServer, World]) -> dict[str, str]:
    server, _ = world_server
    return {role: server.token(role) for role in ROLES}


@pytest.fixture(scope="module")
def snapshots(
    world_server: tuple[LiveServer, World], tokens: dict[str, str]
) -> dict[str, set[tuple[str, int]]]:
    """What each caller's full change-feed snapshot contains."""
    server, _ = world_server
    out: dict[str, set[tuple[str, int]]] = {}
    for role, token in tokens.items():
        seen: set[tuple[str, int]] = set()
        cursor = None
        with server.client(token) as c:
            while True:
                page = c.get(
                    "/api/v1/changes", params={"cursor": cursor, "limit": 7} if cursor else {"limit": 7}
                )
                assert page.status_code == 200, page.text
                body = page.json()
                for entry in body["changes"]:
                    assert entry["op"] == "upsert"
                    seen.add((entry["data"]["type"], entry["data"]["id"]))
                cursor = body["cursor"]
                if not body["has_more"]:
                    break
        out[role] = seen
    return out


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("obj", sorted(EXPECTED))
def test_detail_endpoint(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], role: str, obj: str
) -> None:
    server, world = world_server
    plural, allowed = EXPECTED[obj]
    with server.client(tokens[role]) as c:
        r = c.get(f"/api/v1/{plural}/{world.ids[obj]}")
    if role in allowed:
        assert r.status_code == 200, r.text
        assert r.json()["id"] == world.ids[obj]
    else:
        assert r.status_code == 404, f"{role} can read {obj}: {r.text}"
        assert "error" in r.json()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("plural", sorted(set(p for p, _ in EXPECTED.values())))
def test_list_endpoint(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], role: str, plural: str
) -> None:
    server, world = world_server
    with server.client(tokens[role]) as c:
        listed: set[int] = set()
        after = 0
        while True:
            r = c.get(f"/api/v1/{plural}", params={"after": after, "limit": 2})
            assert r.status_code == 200, r.text
            listed |= {o["id"] for o in r.json()["data"]}
            if r.json()["next_after"] is None:
                break
            after = r.json()["next_after"]
    for obj, (p, allowed) in EXPECTED.items():
        if p == plural:
            assert (world.ids[obj] in listed) == (role in allowed), f"{role} listing {plural}: {obj}"


@pytest.mark.parametrize("role", ROLES)
def test_change_feed_snapshot(
    world_server: tuple[LiveServer, World], snapshots: dict[str, set[tuple[str, int]]], role: str
) -> None:
    _, world = world_server
    for obj, (plural, allowed) in EXPECTED.items():
        assert ((WIRE[plural], world.ids[obj]) in snapshots[role]) == (role in allowed), f"{role} feed: {obj}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("obj", sorted(o for o, (p, _) in EXPECTED.items() if p == "files"))
def test_file_content(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], role: str, obj: str
) -> None:
    server, world = world_server
    _, allowed = EXPECTED[obj]
    with server.client(tokens[role]) as c:
        r = c.get(f"/api/v1/files/{world.ids[obj]}/content")
        head = c.head(f"/api/v1/files/{world.ids[obj]}/content")
    if role in allowed:
        assert r.status_code == 200 and r.content == world.pdf
        assert head.status_code == 200
    else:
        assert r.status_code == 404 and world.pdf not in r.content
        assert head.status_code == 404


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("meeting", ["published_meeting", "draft_meeting", "cancelled_meeting"])
def test_agenda_endpoint(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], role: str, meeting: str
) -> None:
    server, world = world_server
    with server.client(tokens[role]) as c:
        r = c.get(f"/api/v1/meetings/{world.ids[meeting]}/agenda")
    if role not in EXPECTED[meeting][1]:
        assert r.status_code == 404
        return
    assert r.status_code == 200
    agenda = r.json()["agenda"]
    shown_items = {i["id"] for i in agenda}
    shown_papers = {p["id"] for i in agenda for p in i["papers"]}
    shown_files = {f["id"] for i in agenda for f in i["files"]} | {f["id"] for f in r.json()["files"]}
    for obj, (plural, allowed) in EXPECTED.items():
        shown = {"agenda-items": shown_items, "papers": shown_papers, "files": shown_files}.get(plural)
        if shown is not None and world.ids[obj] in shown:
            assert role in allowed, f"{role} sees {obj} in the agenda of {meeting}"
    if meeting == "published_meeting":
        assert (world.ids["private_item"] in shown_items) == (role in ENTITLED_A)
        assert world.ids["public_item"] in shown_items


# OParl (/oparl/v1.1): public data for anyone, signed in or not; more with a token; e-files never
OPARL_KINDS = ["bodies", "organizations", "persons", "meetings", "agenda-items", "papers", "files"]
OPARL_LISTS = ["organizations", "persons", "meetings", "agenda-items", "papers", "files"]
OPARL_OBJECTS = sorted(o for o, (p, _) in EXPECTED.items() if p in OPARL_KINDS)


def oparl_may_see(obj: str, role: str | None) -> bool:
    plural, allowed = EXPECTED[obj]
    if obj.endswith("efile_file"):
        return False
    if plural == "bodies" or allowed == BODY:
        return True
    return role in allowed


@pytest.mark.parametrize("role", [None, *ROLES])
@pytest.mark.parametrize("obj", OPARL_OBJECTS)
def test_oparl_detail_endpoint(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], role: str | None, obj: str
) -> None:
    server, world = world_server
    plural, _ = EXPECTED[obj]
    url = f"/oparl/v1.1/{plural}/{world.ids[obj]}"
    with server.client(tokens[role] if role else None) as c:
        answers = [c.get(url)]
        if plural == "files":
            answers += [c.get(url + "/access"), c.get(url + "/download")]
    for r in answers:
        if oparl_may_see(obj, role):
            assert r.status_code == 200, f"{role} cannot read {obj} at {r.url}: {r.text}"
        else:
            assert r.status_code == 404, f"{role} can read {obj} at {r.url}"
            assert world.pdf not in r.content
    if oparl_may_see(obj, role):
        assert answers[0].json()["id"] == f"{server.url}{url}"


@pytest.mark.parametrize("role", [None, *ROLES])
@pytest.mark.parametrize("plural", ["bodies", *OPARL_LISTS])
def test_oparl_list_endpoint(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], role: str | None, plural: str
) -> None:
    server, world = world_server
    url: str | None = (
        f"{server.url}/oparl/v1.1/bodies?elementsPerPage=2"
        if plural == "bodies"
        else f"{server.url}/oparl/v1.1/bodies/{world.ids['body']}/{plural}?elementsPerPage=2"
    )
    listed: set[str] = set()
    with server.client(tokens[role] if role else None) as c:
        while url:
            r = c.get(url)
            assert r.status_code == 200, r.text
            listed |= {o["id"] for o in r.json()["data"]}
            url = r.json()["links"].get("next")
    for obj, (p, _) in EXPECTED.items():
        if p == plural:
            shown = f"{server.url}/oparl/v1.1/{plural}/{world.ids[obj]}" in listed
            assert shown == oparl_may_see(obj, role), f"{role} listing {plural}: {obj}"


ANONYMOUS_PATHS = [
    "/api/v1/changes",
    "/api/v1/me",
    "/api/v1/devices",
    "/api/v1/meetings",
    "/api/v1/meetings/1",
    "/api/v1/meetings/1/agenda",
    "/api/v1/files/1/content",
    "/api/v1/efiles",
    "/api/v1/persons",
    "/api/v1/annotations/00000000-0000-4000-8000-000000000000",
    "/api/v1/events",
    "/api/v1/uploads/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "/api/v1/meetings/1/deliveries",
]


@pytest.mark.parametrize("path", ANONYMOUS_PATHS)
@pytest.mark.parametrize("auth", [None, "Bearer ga_forged-token", "Basic dXNlcjpwdw==", "Bearer"])
def test_anonymous_and_forged_callers_see_nothing(
    world_server: tuple[LiveServer, World], path: str, auth: str | None
) -> None:
    server, _ = world_server
    with server.client() as c:
        r = c.get(path, headers={"Authorization": auth} if auth else {})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.json()["error"]["code"] == "unauthenticated"


def test_every_read_route_is_covered(world_server: tuple[LiveServer, World]) -> None:
    """A new GET route must be added to this matrix: fail when one is not."""
    server, _ = world_server
    with server.client() as c:
        spec = c.get("/openapi.json").json()
    gets = {p for p, ops in spec["paths"].items() if "get" in ops}
    covered = {f"/api/v1/{p}" for p in WIRE} | {f"/api/v1/{p}/{{obj_id}}" for p in WIRE}
    covered |= {
        "/api/v1/files/{file_id}/content",
        "/api/v1/meetings/{meeting_id}/agenda",
        "/api/v1/changes",
        "/api/v1/me",
        "/api/v1/devices",
        "/api/v1/annotations/{uuid}",  # test_annotation_detail_endpoint
        "/api/v1/events",  # test_event_stream_endpoint (what wakes whom: test_events.py)
        "/api/v1/uploads/{upload_id}",  # test_upload_endpoint
        "/api/v1/meetings/{meeting_id}/deliveries",  # test_deliveries_endpoint
        "/health",
    }
    # lists of kinds not in the matrix objects are still access-checked by the same code path
    covered |= {
        "/api/v1/memberships",
        "/api/v1/memberships/{obj_id}",
        "/api/v1/consultations",
        "/api/v1/consultations/{obj_id}",
    }
    covered |= {"/api/v1/users"}  # admins only: test_auth.py::test_only_administrators_manage_accounts
    covered |= {"/oparl/v1.1/system", "/oparl/v1.1/bodies"}  # public by design
    covered |= {f"/oparl/v1.1/{p}/{{obj_id}}" for p in OPARL_KINDS}
    covered |= {f"/oparl/v1.1/bodies/{{body_id}}/{p}" for p in OPARL_LISTS}
    covered |= {"/oparl/v1.1/files/{file_id}/access", "/oparl/v1.1/files/{file_id}/download"}
    # the same code paths, walked by the crawler of test_oparl_server.py as every kind of caller
    covered |= {
        "/oparl/v1.1/memberships/{obj_id}",
        "/oparl/v1.1/consultations/{obj_id}",
        "/oparl/v1.1/bodies/{body_id}/memberships",
        "/oparl/v1.1/bodies/{body_id}/consultations",
        "/oparl/v1.1/meetings/{meeting_id}/location",
    }
    assert gets <= covered, f"read routes missing from the visibility matrix: {sorted(gets - covered)}"
    assert not [p for p in spec["paths"] if p.startswith("/oparl") and "annotation" in p]  # never in OParl


# Annotations (issue 5): pushed by their authors, read one by one or through the feed; never in OParl.
# Factions of annotworld.add_factions: F = member, other, colleague (a member of A); G = deputy.
ANNOT_ROLES = [*ROLES, "colleague"]
F_SEES_PUBLIC = {"member", "other", "colleague"}
# annotation -> (author, file, visibility, who may see it)
ANNOTATIONS: dict[str, tuple[str, str, str, set[str]]] = {
    "private_on_public": ("member", "public_file", "private", {"member"}),
    "private_on_private": ("member", "private_file", "private", {"member"}),
    "faction_on_public": ("member", "public_file", "faction", F_SEES_PUBLIC),
    "faction_on_private": ("member", "private_file", "faction", {"member", "colleague"}),
    "faction_on_efile": ("member", "shared_efile_file", "faction", {"member"}),
    "committee_on_public": ("member", "public_file", "committee", BODY | {"colleague"}),
    "committee_on_private": ("member", "private_file", "committee", ENTITLED_A | {"colleague"}),
    "committee_on_item_file": ("member", "private_item_file", "committee", ENTITLED_A | {"colleague"}),
    "committee_on_efile": ("member", "shared_efile_file", "committee", {"member"}),
    "committee_on_draft": ("clerk", "draft_file", "committee", {"clerk"}),
    "others_committee_on_public": ("other", "public_file", "committee", BODY | {"colleague"}),
    "others_faction_on_public": ("other", "public_file", "faction", F_SEES_PUBLIC),
    "deputys_faction_on_private": ("deputy", "private_file", "faction", {"deputy"}),  # G has nobody else
    "foreign_committee_on_public": ("foreign_clerk", "public_file", "committee", set()),  # refused
}


@pytest.fixture(scope="module")
def annot_tokens(world_server: tuple[LiveServer, World], tokens: dict[str, str]) -> dict[str, str]:
    server, world = world_server
    add_factions(server.ctx, world)
    return {**tokens, "colleague": server.token("colleague")}


@pytest.fixture(scope="module")
def pushed(world_server: tuple[LiveServer, World], annot_tokens: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every annotation of the table, pushed by its author; name -> record."""
    server, world = world_server
    out: dict[str, dict[str, Any]] = {}
    for name, (author, file, visibility, allowed) in ANNOTATIONS.items():
        rec = record(world.ids[f"user_{author}"], world.ids[file], visibility)
        with server.client(annot_tokens[author]) as c:
            (result,) = push(c, item(rec))
        assert result["status"] == ("ok" if allowed else "rejected"), (name, result)
        out[name] = rec
    return out


@pytest.mark.parametrize("role", ANNOT_ROLES)
@pytest.mark.parametrize("name", sorted(ANNOTATIONS))
def test_annotation_detail_endpoint(
    world_server: tuple[LiveServer, World],
    annot_tokens: dict[str, str],
    pushed: dict[str, dict[str, Any]],
    role: str,
    name: str,
) -> None:
    server, _ = world_server
    with server.client(annot_tokens[role]) as c:
        r = c.get(f"/api/v1/annotations/{pushed[name]['id']}")
    if role in ANNOTATIONS[name][3]:
        assert r.status_code == 200, r.text
        assert r.json()["record"] == pushed[name]
    else:
        assert r.status_code == 404, f"{role} can read {name}: {r.text}"
        assert pushed[name]["text"] not in r.text


@pytest.mark.parametrize("role", ANNOT_ROLES)
def test_annotation_change_feed(
    world_server: tuple[LiveServer, World],
    annot_tokens: dict[str, str],
    pushed: dict[str, dict[str, Any]],
    role: str,
) -> None:
    """A full snapshot (in small pages) holds exactly the annotations the caller may see."""
    server, _ = world_server
    replica = Replica()
    with server.client(annot_tokens[role]) as c:
        replica.sync(c, limit=3)
    held = {d["uuid"] for (kind, _), d in replica.objects.items() if kind == "annotation"}
    expected = {pushed[n]["id"] for n, (_, _, _, allowed) in ANNOTATIONS.items() if role in allowed}
    assert held == expected, {
        n for n in ANNOTATIONS if (pushed[n]["id"] in held) != (pushed[n]["id"] in expected)
    }


@pytest.mark.parametrize("role", ANNOT_ROLES)
def test_annotation_push(
    world_server: tuple[LiveServer, World],
    annot_tokens: dict[str, str],
    pushed: dict[str, dict[str, Any]],
    role: str,
) -> None:
    """Anyone signed in may annotate exactly the files they may see, and change only their own annotations."""
    server, world = world_server
    me = world.ids[f"user_{role}"]
    files = sorted(o for o, (p, _) in EXPECTED.items() if p == "files")
    with server.client(annot_tokens[role]) as c:
        results = push(c, *(item(record(me, world.ids[f], "committee")) for f in files))
        for file, result in zip(files, results, strict=True):
            allowed = ("deputy" if role == "colleague" else role) in EXPECTED[file][1]  # both in A only
            assert result["status"] == ("ok" if allowed else "rejected"), (role, file, result)
        takeover = [
            item({**pushed[n], "author_id": str(me), "text": "übernommen"}, base=1)
            for n, (author, _, _, allowed) in ANNOTATIONS.items()
            if author != role and allowed
        ]
        for result in push(c, *takeover):
            assert result["status"] == "rejected" and "someone else" in result["message"], (role, result)


# Issue 6: the push channel, resumable uploads, proof of delivery
@pytest.mark.parametrize("role", ROLES)
def test_event_stream_endpoint(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], role: str
) -> None:
    """Everyone signed in may listen (each hears only of what they may see: test_events.py)."""
    server, _ = world_server
    with server.client(tokens[role]) as c, c.stream("GET", "/api/v1/events") as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert next(r.iter_lines()) == ": ping"


@pytest.fixture(scope="module")
def clerks_upload(world_server: tuple[LiveServer, World], tokens: dict[str, str]) -> str:
    server, world = world_server
    with server.client(tokens["clerk"]) as c:
        r = c.post(
            "/api/v1/uploads",
            json={"size": len(world.pdf), "mime_type": "application/pdf", "file_name": "a.pdf"},
        )
        assert r.status_code == 201, r.text
        return str(r.json()["id"])


@pytest.mark.parametrize("role", ROLES)
def test_upload_endpoint(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], clerks_upload: str, role: str
) -> None:
    """An upload is its uploader's alone; only clerks upload at all."""
    server, world = world_server
    with server.client(tokens[role]) as c:
        r = c.get(f"/api/v1/uploads/{clerks_upload}")
        put = c.put(
            f"/api/v1/uploads/{clerks_upload}",
            content=b"%PDF-",
            headers={"Content-Range": f"bytes 10-14/{len(world.pdf)}"},
        )
        start = c.post(
            "/api/v1/uploads", json={"size": 10, "mime_type": "application/pdf", "file_name": "b.pdf"}
        )
    if role == "clerk":
        assert r.status_code == 200 and r.json()["offset"] == 0
        assert put.status_code == 409 and put.json()["offset"] == 0  # allowed, but not from byte 10
        assert start.status_code == 201
    else:
        expected = 404 if role == "foreign_clerk" else 403
        assert r.status_code == expected and put.status_code == expected, role
        assert "offset" not in r.text
        assert start.status_code == (201 if role == "foreign_clerk" else 403)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("meeting", ["published_meeting", "draft_meeting", "cancelled_meeting"])
def test_deliveries_endpoint(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], role: str, meeting: str
) -> None:
    """The delivery table: the clerks of the meeting's body; who may see the meeting gets 403, else 404."""
    server, world = world_server
    with server.client(tokens[role]) as c:
        r = c.get(f"/api/v1/meetings/{world.ids[meeting]}/deliveries")
    if role == "clerk":
        assert r.status_code == 200 and r.json()["meeting"]["id"] == world.ids[meeting]
    elif role in EXPECTED[meeting][1]:
        assert r.status_code == 403 and "rows" not in r.text
    else:
        assert r.status_code == 404 and "rows" not in r.text


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("meeting", ["published_meeting", "draft_meeting", "cancelled_meeting"])
def test_delivery_reports(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], role: str, meeting: str
) -> None:
    """Reports are taken for the published (not draft) meetings the caller may see."""
    server, world = world_server
    item = {
        "idempotency_key": f"matrix-{meeting}",
        "meeting_id": world.ids[meeting],
        "event": "opened",
        "at": "2026-01-01T10:00:00+00:00",
    }
    with server.client(tokens[role]) as c:
        r = c.post("/api/v1/deliveries", json={"items": [item]})
    assert r.status_code == 200
    (result,) = r.json()["results"]
    ok = role in EXPECTED[meeting][1] and meeting != "draft_meeting"
    assert result["status"] == ("ok" if ok else "rejected"), (role, meeting, result)


@pytest.mark.parametrize("role", ROLES)
def test_notice_days_endpoint(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], role: str
) -> None:
    """The body's clerks and administrators may set its notice days (a stale version: 412, no change)."""
    server, world = world_server
    with server.client(tokens[role]) as c:
        r = c.patch(f"/api/v1/bodies/{world.ids['body']}", json={"notice_days": 9}, headers={"If-Match": "0"})
    expected = {"clerk": 412, "admin": 412, "foreign_clerk": 404}.get(role, 403)
    assert r.status_code == expected, (role, r.text)


AGENDAS = {
    "published_meeting": ["public_item", "private_item"],
    "draft_meeting": ["draft_item"],
    "cancelled_meeting": ["cancelled_item"],
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("meeting", sorted(AGENDAS))
def test_agenda_order_endpoint(
    world_server: tuple[LiveServer, World], tokens: dict[str, str], role: str, meeting: str
) -> None:
    """Reordering an agenda: the clerks of the meeting's body (a stale version: 412, nothing changed);
    who may see the meeting otherwise gets 403, everyone else 404 (a draft's existence does not leak)."""
    server, world = world_server
    items = [
        {"id": world.ids[name], "number": str(n), "order": n, "version": 0}
        for n, name in enumerate(reversed(AGENDAS[meeting]), 1)
    ]
    with server.client(tokens[role]) as c:
        r = c.put(f"/api/v1/meetings/{world.ids[meeting]}/agenda-order", json={"items": items})
    if role == "clerk":
        assert r.status_code == 412, r.text
    elif role in EXPECTED[meeting][1]:
        assert r.status_code == 403, (role, r.text)
    else:
        assert r.status_code == 404, (role, r.text)
    assert "Grundstücksgeheimnis" not in r.text and "Entwurfspunkt" not in r.text
