"""The change feed: creation, update, deletion, loss and gain of visibility, paging, resuming."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

from tests.integration.annotworld import item, push_ok, record
from tests.integration.feedclient import Replica, server_view
from tests.integration.live import LiveServer
from tests.integration.world import World

Server = tuple[LiveServer, World]


def _get(c: httpx.Client, path: str) -> dict[str, Any]:
    r = c.get(path)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def _patch(c: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    version = _get(c, path)["version"]
    r = c.patch(path, json=body, headers={"If-Match": f'"{version}"'})
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def _delete(c: httpx.Client, path: str) -> None:
    version = _get(c, path)["version"]
    r = c.delete(path, headers={"If-Match": f'"{version}"'})
    assert r.status_code == 204, r.text


def _replicas(server: LiveServer, *roles: str) -> dict[str, tuple[httpx.Client, Replica]]:
    out = {}
    for role in roles:
        client = server.client(server.token(role))
        replica = Replica()
        replica.sync(client)
        out[role] = (client, replica)
    return out


def _assert_converged(client: httpx.Client, replica: Replica) -> None:
    assert replica.objects == server_view(client)


def test_create_update_delete(fresh_server: Server) -> None:
    server, world = fresh_server
    r = _replicas(server, "member", "other")
    clerk = server.client(server.token("clerk"))
    created = clerk.post(
        "/api/v1/agenda-items",
        json={
            "meeting_id": world.ids["published_meeting"],
            "number": "2",
            "order": 3,
            "name": "Neuer Tagesordnungspunkt",
        },
    )
    assert created.status_code == 201, created.text
    item_id = created.json()["id"]
    for client, replica in r.values():
        got = replica.sync(client)
        assert [(e["op"], e["data"]["id"]) for e in got] == [("upsert", item_id)]
        assert replica.objects[("agenda_item", item_id)]["name"] == "Neuer Tagesordnungspunkt"

    _patch(clerk, f"/api/v1/agenda-items/{item_id}", {"name": "Geänderter Titel"})
    for client, replica in r.values():
        got = replica.sync(client)
        assert (
            len(got) == 1 and got[0]["data"]["name"] == "Geänderter Titel" and got[0]["data"]["version"] == 2
        )

    _delete(clerk, f"/api/v1/agenda-items/{item_id}")
    for client, replica in r.values():
        got = replica.sync(client)
        assert [(e["op"], e["type"], e["id"]) for e in got] == [("remove", "agenda_item", item_id)]
        assert ("agenda_item", item_id) not in replica.objects
        _assert_converged(client, replica)


def test_deleting_a_meeting_removes_everything_in_it(fresh_server: Server) -> None:
    server, world = fresh_server
    r = _replicas(server, "member")
    client, replica = r["member"]
    clerk = server.client(server.token("clerk"))
    _delete(clerk, f"/api/v1/meetings/{world.ids['published_meeting']}")
    got = replica.sync(client)
    removed = {(e["type"], e["id"]) for e in got if e["op"] == "remove"}
    assert {
        ("meeting", world.ids["published_meeting"]),
        ("agenda_item", world.ids["public_item"]),
        ("agenda_item", world.ids["private_item"]),
        ("file", world.ids["invitation_file"]),
        ("file", world.ids["private_item_file"]),
    } <= removed
    _assert_converged(client, replica)


def test_item_made_non_public_is_removed_for_those_not_entitled(fresh_server: Server) -> None:
    server, world = fresh_server
    r = _replicas(server, "member", "other", "former")
    clerk = server.client(server.token("clerk"))
    _patch(clerk, f"/api/v1/agenda-items/{world.ids['public_item']}", {"public": False})
    _patch(clerk, f"/api/v1/papers/{world.ids['public_paper']}", {"public": False})
    for role, (client, replica) in r.items():
        got = replica.sync(client)
        key = ("agenda_item", world.ids["public_item"])
        if role == "member":
            assert key in replica.objects and replica.objects[key]["public"] is False
        else:
            assert ("remove", "agenda_item", world.ids["public_item"]) in [
                (e["op"], e.get("type"), e.get("id")) for e in got
            ]
            assert key not in replica.objects
            assert ("paper", world.ids["public_paper"]) not in replica.objects
            assert ("file", world.ids["public_file"]) not in replica.objects
        _assert_converged(client, replica)


def test_membership_ended_reports_removal(fresh_server: Server) -> None:
    server, world = fresh_server
    r = _replicas(server, "member")
    client, replica = r["member"]
    private = [
        ("agenda_item", world.ids["private_item"]),
        ("paper", world.ids["private_paper"]),
        ("file", world.ids["private_file"]),
        ("file", world.ids["private_item_file"]),
    ]
    assert all(k in replica.objects for k in private)
    clerk = server.client(server.token("clerk"))
    memberships = clerk.get("/api/v1/memberships", params={"limit": 1000}).json()["data"]
    mine = next(
        m
        for m in memberships
        if m["person_id"] == world.ids["person_member"] and m["organization_id"] == world.ids["committee_a"]
    )
    _patch(
        clerk,
        f"/api/v1/memberships/{mine['id']}",
        {"end_date": (date.today() - timedelta(days=1)).isoformat()},
    )
    got = replica.sync(client)
    removed = {(e["type"], e["id"]) for e in got if e["op"] == "remove"}
    assert set(private) <= removed
    assert ("agenda_item", world.ids["public_item"]) in replica.objects
    _assert_converged(client, replica)


def test_gaining_a_membership_delivers_what_was_hidden(fresh_server: Server) -> None:
    server, world = fresh_server
    r = _replicas(server, "other")
    client, replica = r["other"]
    assert ("agenda_item", world.ids["private_item"]) not in replica.objects
    clerk = server.client(server.token("clerk"))
    made = clerk.post(
        "/api/v1/memberships",
        json={"person_id": world.ids["person_other"], "organization_id": world.ids["committee_a"]},
    )
    assert made.status_code == 201, made.text
    replica.sync(client)
    for key in [
        ("agenda_item", world.ids["private_item"]),
        ("paper", world.ids["private_paper"]),
        ("file", world.ids["private_file"]),
    ]:
        assert key in replica.objects
    _assert_converged(client, replica)


def test_unsharing_an_efile_removes_it(fresh_server: Server) -> None:
    server, world = fresh_server
    r = _replicas(server, "member")
    client, replica = r["member"]
    efile = [
        ("efile", world.ids["shared_efile"]),
        ("process", world.ids["shared_process"]),
        ("document", world.ids["shared_document"]),
        ("file", world.ids["shared_efile_file"]),
    ]
    assert all(k in replica.objects for k in efile)
    clerk = server.client(server.token("clerk"))
    assert (
        clerk.delete(
            f"/api/v1/efiles/{world.ids['shared_efile']}/shares/{world.ids['person_member']}"
        ).status_code
        == 204
    )
    got = replica.sync(client)
    assert set(efile) <= {(e["type"], e["id"]) for e in got if e["op"] == "remove"}
    _assert_converged(client, replica)
    # sharing it again brings it back
    assert (
        clerk.put(
            f"/api/v1/efiles/{world.ids['shared_efile']}/shares/{world.ids['person_member']}"
        ).status_code
        == 204
    )
    replica.sync(client)
    assert all(k in replica.objects for k in efile)


def test_publishing_and_unpublishing_a_meeting(fresh_server: Server) -> None:
    server, world = fresh_server
    r = _replicas(server, "deputy", "clerk")
    clerk = server.client(server.token("clerk"))
    _patch(clerk, f"/api/v1/meetings/{world.ids['draft_meeting']}", {"state": "published"})
    client, replica = r["deputy"]
    replica.sync(client)
    assert replica.objects[("meeting", world.ids["draft_meeting"])]["published_at"] is not None
    assert ("agenda_item", world.ids["draft_item"]) in replica.objects
    assert ("paper", world.ids["draft_paper"]) in replica.objects  # non-public, deputy of committee A
    _patch(clerk, f"/api/v1/meetings/{world.ids['draft_meeting']}", {"state": "draft"})
    got = replica.sync(client)
    assert ("meeting", world.ids["draft_meeting"]) not in replica.objects
    assert ("agenda_item", world.ids["draft_item"]) not in replica.objects
    assert {e["op"] for e in got} == {"remove"}
    for client, replica in r.values():
        replica.sync(client)
        _assert_converged(client, replica)


def test_paging_gives_the_same_replica(fresh_server: Server) -> None:
    server, world = fresh_server
    clerk = server.client(server.token("clerk"))
    for n in range(30):
        made = clerk.post(
            "/api/v1/agenda-items",
            json={
                "meeting_id": world.ids["published_meeting"],
                "number": f"{n + 10}",
                "order": n + 10,
                "name": f"TOP {n}",
                "public": n % 3 != 0,
            },
        )
        assert made.status_code == 201
    token = server.token("deputy")
    small, large = Replica(), Replica()
    with server.client(token) as c:
        small.sync(c, limit=1)
        large.sync(c, limit=5000)
        assert small.objects == large.objects
        assert small.requests > 30 and large.requests == 1
        _assert_converged(c, small)
    # incremental paging across many changes
    for n in range(12):
        _patch(clerk, f"/api/v1/agenda-items/{world.ids['public_item']}", {"name": f"Umbenannt {n}"})
    with server.client(token) as c:
        got = small.sync(c, limit=2)
        assert small.objects[("agenda_item", world.ids["public_item"])]["name"] == "Umbenannt 11"
        assert len(got) >= 6
        incremental = [e["seq"] for e in got]
        assert incremental == sorted(incremental)
        _assert_converged(c, small)


def test_cursor_resumes_and_replays_safely(fresh_server: Server) -> None:
    server, world = fresh_server
    client, replica = _replicas(server, "member")["member"]
    saved = replica.cursor
    clerk = server.client(server.token("clerk"))
    _patch(clerk, f"/api/v1/meetings/{world.ids['published_meeting']}", {"location": "Rathaus, Saal 2"})
    first = client.get("/api/v1/changes", params={"cursor": saved}).json()
    again = client.get("/api/v1/changes", params={"cursor": saved}).json()
    assert first["changes"] == again["changes"]
    assert [e["data"]["location"] for e in first["changes"]] == ["Rathaus, Saal 2"]
    # nothing new: the resync is one request with nothing in it
    replica.sync(client)
    before = replica.requests
    assert replica.sync(client) == [] and replica.requests == before + 1


@pytest.mark.parametrize("cursor", ["garbage", "AAAA", "x" * 500, ""])
def test_bad_cursors_are_refused(world_server: Server, cursor: str) -> None:
    server, _ = world_server
    with server.client(server.token("member")) as c:
        r = c.get("/api/v1/changes", params={"cursor": cursor})
    if cursor == "":
        assert r.status_code == 200  # empty means: start with a snapshot
    else:
        assert r.status_code == 422
        assert "cursor" in r.json()["error"]["message"]


def test_cursor_is_bound_to_its_account_and_tamper_proof(world_server: Server) -> None:
    server, _ = world_server
    with server.client(server.token("member")) as c:
        cursor = c.get("/api/v1/changes").json()["cursor"]
    with server.client(server.token("other")) as c:
        r = c.get("/api/v1/changes", params={"cursor": cursor})
        assert r.status_code == 422 and "another account" in r.json()["error"]["message"]
    flipped = cursor[:-3] + ("A" if cursor[-3] != "A" else "B") + cursor[-2:]
    with server.client(server.token("member")) as c:
        assert c.get("/api/v1/changes", params={"cursor": flipped}).status_code == 422


def test_sequence_numbers_increase(fresh_server: Server) -> None:
    server, world = fresh_server
    client, replica = _replicas(server, "clerk")["clerk"]
    for n in range(5):
        _patch(client, f"/api/v1/papers/{world.ids['public_paper']}", {"name": f"Vorlage v{n}"})
    got = replica.sync(client)
    seqs = [e["seq"] for e in got]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_concurrent_writers(fresh_server: Server) -> None:
    """Clerks writing at the same time: every write succeeds, sequence numbers are unique and the
    feed delivers every object (writers are serialised on the feed counter)."""
    import threading

    server, world = fresh_server
    client, replica = _replicas(server, "member")["member"]
    token = server.token("clerk")
    created: list[int] = []
    failures: list[str] = []

    def write(n: int) -> None:
        with server.client(token) as c:
            for k in range(8):
                r = c.post(
                    "/api/v1/agenda-items",
                    json={
                        "meeting_id": world.ids["published_meeting"],
                        "number": f"{n}.{k}",
                        "order": 100 + n * 10 + k,
                        "name": f"Parallel {n}.{k}",
                    },
                )
                if r.status_code == 201:
                    created.append(r.json()["id"])
                else:
                    failures.append(r.text)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    got = replica.sync(client)
    seqs = [e["seq"] for e in got]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) == 40
    assert set(created) <= replica.keys("agenda_item")
    _assert_converged(client, replica)


def test_linking_a_paper_to_another_committee_shows_it_there(fresh_server: Server) -> None:
    """A new consultation widens the audience of the existing paper it links, and of its files; a
    non-public paper goes to the consulting committee's members, not to the whole body."""
    server, world = fresh_server
    r = _replicas(server, "other", "former")
    clerk = server.client(server.token("clerk"))
    made = clerk.post(
        "/api/v1/consultations",
        json={"paper_id": world.ids["private_paper"], "agenda_item_id": world.ids["cancelled_item"]},
    )
    assert made.status_code == 201, made.text
    client, replica = r["other"]  # member of committee B, whose meeting now consults the paper
    replica.sync(client)
    assert ("paper", world.ids["private_paper"]) in replica.objects
    assert ("file", world.ids["private_file"]) in replica.objects
    _assert_converged(client, replica)
    former_client, former = r["former"]  # on no committee: the public item does not open it up
    former.sync(former_client)
    assert ("paper", world.ids["private_paper"]) not in former.objects
    # re-pointing the consultation to another paper takes the first one away again
    _patch(clerk, f"/api/v1/consultations/{made.json()['id']}", {"paper_id": world.ids["public_paper"]})
    replica.sync(client)
    assert ("paper", world.ids["private_paper"]) not in replica.objects
    assert ("file", world.ids["private_file"]) not in replica.objects
    assert client.get(f"/api/v1/files/{world.ids['private_file']}/content").status_code == 404
    _assert_converged(client, replica)


def test_moving_a_process_to_another_efile_moves_its_documents(fresh_server: Server) -> None:
    server, world = fresh_server
    client, replica = _replicas(server, "member")["member"]
    clerk = server.client(server.token("clerk"))
    # clerks do not read e-files they are not shared with, but they may file them: version 1 is the first
    moved = clerk.patch(
        f"/api/v1/processes/{world.ids['shared_process']}",
        json={"efile_id": world.ids["unshared_efile"]},
        headers={"If-Match": '"1"'},
    )
    assert moved.status_code == 200, moved.text
    replica.sync(client)
    for key in [
        ("process", "shared_process"),
        ("document", "shared_document"),
        ("file", "shared_efile_file"),
    ]:
        assert (key[0], world.ids[key[1]]) not in replica.objects
    assert client.get(f"/api/v1/files/{world.ids['shared_efile_file']}/content").status_code == 404
    _assert_converged(client, replica)


def test_losing_many_keys_removes_everything_across_pages(fresh_server: Server) -> None:
    """A clerk demoted to member loses drafts and non-public items: every removal arrives even when
    the removal phase spans many small pages in which most objects stay visible."""
    server, world = fresh_server
    clerk_token = server.token("clerk")
    client = server.client(clerk_token)
    replica = Replica()
    replica.sync(client, limit=2)
    admin = server.client(server.token("admin"))
    made = admin.patch(f"/api/v1/users/{world.ids['user_clerk']}", json={"role": "member"})
    assert made.status_code == 200
    replica.sync(client, limit=2)
    assert ("meeting", world.ids["draft_meeting"]) not in replica.objects
    assert ("paper", world.ids["draft_paper"]) not in replica.objects
    _assert_converged(client, replica)


def test_objects_that_leave_a_lost_key_meanwhile_are_removed(fresh_server: Server) -> None:
    server, world = fresh_server
    client, replica = _replicas(server, "member")["member"]
    clerk = server.client(server.token("clerk"))
    consultations = clerk.get("/api/v1/consultations", params={"limit": 1000}).json()["data"]
    private = next(c for c in consultations if c["agenda_item_id"] == world.ids["private_item"])
    _delete(clerk, f"/api/v1/consultations/{private['id']}")
    _delete(clerk, f"/api/v1/agenda-items/{world.ids['private_item']}")
    memberships = clerk.get("/api/v1/memberships", params={"limit": 1000}).json()["data"]
    mine = next(
        m
        for m in memberships
        if m["person_id"] == world.ids["person_member"] and m["organization_id"] == world.ids["committee_a"]
    )
    _delete(clerk, f"/api/v1/memberships/{mine['id']}")
    replica.sync(client)
    for key in [
        ("agenda_item", "private_item"),
        ("paper", "private_paper"),
        ("file", "private_file"),
        ("file", "private_item_file"),
    ]:
        assert (key[0], world.ids[key[1]]) not in replica.objects, key
    _assert_converged(client, replica)


def test_rights_changing_again_during_an_expansion(fresh_server: Server) -> None:
    server, world = fresh_server
    client, replica = _replicas(server, "member")["member"]
    clerk = server.client(server.token("clerk"))
    for n in range(2):  # committee B's non-public items, which the member is about to see
        item = clerk.post(
            "/api/v1/agenda-items",
            json={
                "meeting_id": world.ids["cancelled_meeting"],
                "number": f"N{n}",
                "order": 10 + n,
                "name": f"Vertraulich {n}",
                "public": False,
            },
        )
        assert item.status_code == 201
    replica.sync(client)
    made = clerk.post(
        "/api/v1/memberships",
        json={"person_id": world.ids["person_member"], "organization_id": world.ids["committee_b"]},
    )
    assert made.status_code == 201
    # one page of the expansion only, then the membership is taken back
    page = client.get("/api/v1/changes", params={"cursor": replica.cursor, "limit": 1}).json()
    assert page["has_more"]
    replica.apply(page["changes"])
    replica.cursor = page["cursor"]
    _delete(clerk, f"/api/v1/memberships/{made.json()['id']}")
    replica.sync(client)
    _assert_converged(client, replica)


def test_concurrent_edits_of_one_version_conflict(fresh_server: Server) -> None:
    """Two clerks change the same version at the same time: one wins, the other gets 412."""
    import threading

    server, world = fresh_server
    token = server.token("clerk")
    path = f"/api/v1/agenda-items/{world.ids['public_item']}"
    with server.client(token) as c:
        version = c.get(path).json()["version"]
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def edit(n: int) -> None:
        with server.client(token) as c:
            barrier.wait()
            statuses.append(
                c.patch(path, json={"name": f"Fassung {n}"}, headers={"If-Match": f'"{version}"'}).status_code
            )

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 412, 412, 412]
    with server.client(token) as c:
        assert c.get(path).json()["version"] == version + 1


def _pages(client: httpx.Client, replica: Replica) -> list[tuple[int, int, bool]]:
    """Pulls to the end like Replica.sync; (bytes, entries, has_more) of each page."""
    pages = []
    while True:
        params = {"cursor": replica.cursor} if replica.cursor else {}
        r = client.get("/api/v1/changes", params=params)
        assert r.status_code == 200, r.text
        page = r.json()
        replica.apply(page["changes"])
        replica.cursor = page["cursor"]
        pages.append((len(r.content), len(page["changes"]), page["has_more"]))
        if not page["has_more"]:
            return pages


def test_pages_are_capped_by_bytes(fresh_server: Server) -> None:
    """Large records (ink annotations shared with the committee) end a page once it reaches
    feed_page_bytes, in the snapshot and in the log alike; a page holds one entry at least."""
    server, world = fresh_server
    ids = world.ids
    member = server.client(server.token("member"))
    deputy = server.client(server.token("deputy"))
    before = Replica()
    before.sync(deputy)
    stroke = [[100.0 + i / 7, 200.0 + i / 3, 0.5] for i in range(800)]  # ~ 30 KB a record
    ink = {"kind": "ink", "quads": [], "quote": None, "strokes": [stroke]}
    recs = [record(ids["user_member"], ids["public_file"], "committee", **ink) for _ in range(30)]
    results = push_ok(member, *(item(r) for r in recs))
    cap = 200_000
    server.ctx.settings = replace(server.ctx.settings, feed_page_bytes=cap)
    largest = max(len(json.dumps(r)) for r in recs) + 500

    def check(pages: list[tuple[int, int, bool]]) -> None:
        assert len(pages) >= 5, pages  # 30 records of ~30 KB: 7 or so to a page
        assert all(size <= cap + largest + 1000 for size, _, _ in pages), pages
        assert all(more for _, _, more in pages[:-1]) and all(n >= 1 for _, n, _ in pages[:-1])

    snapshot = Replica()
    check(_pages(deputy, snapshot))  # the snapshot (an expansion of every key)
    check(_pages(deputy, before))  # the log
    for replica in (snapshot, before):
        held = {d["uuid"]: d["record"] for (kind, _), d in replica.objects.items() if kind == "annotation"}
        assert held == {r["id"]: r for r in recs}
        assert {k: v for k, v in replica.objects.items() if k[0] != "annotation"} == server_view(deputy)

    # a cap smaller than any entry: one entry a page, nothing lost, nothing twice
    server.ctx.settings = replace(server.ctx.settings, feed_page_bytes=1)
    edits = [{**r, "colour": "#00aa00", "clocks": {**r["clocks"], "colour": [2, "dev-a"]}} for r in recs[:5]]
    push_ok(member, *(item(e, base=res["version"]) for e, res in zip(edits, results, strict=False)))
    seqs_before = len(before.seqs)
    pages = _pages(deputy, before)
    assert [n for _, n, _ in pages] == [1] * 5 + [0] or [n for _, n, _ in pages] == [1] * 5, pages
    assert len(set(before.seqs[seqs_before:])) == 5
    held = {d["uuid"]: d["record"] for (kind, _), d in before.objects.items() if kind == "annotation"}
    assert [held[e["id"]] for e in edits] == edits
