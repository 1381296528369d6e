"""Annotations on the server: the batch push (conditional, idempotent, checked), reading one back,
and who gets them through the change feed -- private, faction, committee -- as rights and files change.
Real server on loopback, SQLite and PostgreSQL."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select

from gremalda.core.annotations import authoring
from sync.server.api.annotation_record import MAX_STROKE_POINTS, MAX_STROKES
from sync.server.db import write_session
from sync.server.models import Annotation, Change, IdempotencyRecord, Membership
from sync.server.periodic import PeriodicTasks
from tests.integration.annotworld import add_factions, item, push, push_ok, record
from tests.integration.feedclient import Replica
from tests.integration.live import LiveServer
from tests.integration.world import World

ROLES = ["member", "deputy", "other", "former", "clerk", "admin", "foreign_clerk", "colleague"]
FEED_KEYS = {"type", "id", "version", "uuid", "file_id", "author_id", "modified", "record"}


@pytest.fixture
def annot_server(fresh_server: tuple[LiveServer, World]) -> tuple[LiveServer, World]:
    server, world = fresh_server
    add_factions(server.ctx, world)
    return server, world


@pytest.fixture
def clients(annot_server: tuple[LiveServer, World]) -> dict[str, httpx.Client]:
    server, _ = annot_server
    return {role: server.client(server.token(role)) for role in ROLES}


def annotations_in(replica: Replica) -> dict[str, dict[str, Any]]:
    """The replica's annotations by uuid."""
    return {d["uuid"]: d for (kind, _), d in replica.objects.items() if kind == "annotation"}


def feeds(clients: dict[str, httpx.Client]) -> dict[str, Replica]:
    replicas = {role: Replica() for role in clients}
    for role, replica in replicas.items():
        replica.sync(clients[role], limit=5)
    return replicas


def readable(clients: dict[str, httpx.Client], annotation_uuid: str) -> set[str]:
    out = set()
    for role, c in clients.items():
        r = c.get(f"/api/v1/annotations/{annotation_uuid}")
        assert r.status_code in (200, 404), r.text
        if r.status_code == 200:
            out.add(role)
    return out


def test_who_gets_an_annotation(
    annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]
) -> None:
    """Private: the author alone; faction: the author's faction members who may see the file; committee:
    everyone who may see the file -- in the snapshot, incrementally, and by GET."""
    server, world = annot_server
    ids, me = world.ids, world.ids["user_member"]
    cases = {
        ("private", "private_file"): {"member"},
        ("private", "public_file"): {"member"},
        ("faction", "private_file"): {"member", "colleague"},
        ("faction", "public_file"): {"member", "colleague", "other"},
        ("committee", "private_file"): {"member", "deputy", "clerk", "colleague"},
        ("committee", "public_file"): {"member", "deputy", "other", "former", "clerk", "admin", "colleague"},
        ("committee", "shared_efile_file"): {"member"},
        ("faction", "shared_efile_file"): {"member"},
    }
    before = {role: Replica() for role in ROLES}
    for role, replica in before.items():
        replica.sync(clients[role])
    records = {case: record(me, ids[case[1]], case[0]) for case in cases}
    results = push_ok(clients["member"], *(item(r) for r in records.values()))
    assert [r["uuid"] for r in results] == [r["id"] for r in records.values()]
    assert all(r["version"] == 1 and r["server_id"] > 0 for r in results)

    snapshot = feeds(clients)
    for role, replica in before.items():
        replica.sync(clients[role])  # incrementally
    for case, allowed in cases.items():
        rec = records[case]
        for role in ROLES:
            got = {
                "snapshot": rec["id"] in annotations_in(snapshot[role]),
                "incremental": rec["id"] in annotations_in(before[role]),
            }
            assert got == {"snapshot": role in allowed, "incremental": role in allowed}, (case, role, got)
        assert readable(clients, rec["id"]) == allowed, case

    # a second device of the author gets every one of them, exactly as pushed
    laptop = server.client(server.login("member", device="laptop")["access_token"])
    mine = annotations_in(feeds({"member": laptop})["member"])
    assert set(mine) == {r["id"] for r in records.values()}
    for case, rec in records.items():
        entry = mine[rec["id"]]
        assert set(entry) == FEED_KEYS
        assert entry["record"] == rec
        assert json.dumps(entry["record"]) == json.dumps(rec)  # the same order of keys too
        assert (entry["type"], entry["file_id"], entry["author_id"], entry["version"]) == (
            "annotation",
            ids[case[1]],
            me,
            1,
        )
    got = laptop.get(f"/api/v1/annotations/{records['private', 'public_file']['id']}").json()
    assert got == {
        "uuid": records["private", "public_file"]["id"],
        "server_id": mine[records["private", "public_file"]["id"]]["id"],
        "version": 1,
        "record": records["private", "public_file"],
    }


def test_visibility_change_and_tombstone(
    annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]
) -> None:
    _, world = annot_server
    rec = record(world.ids["user_member"], world.ids["public_file"], "committee")
    (first,) = push_ok(clients["member"], item(rec))
    replicas = feeds(clients)
    assert {r for r in ROLES if rec["id"] in annotations_in(replicas[r])} == {
        "member", "deputy", "other", "former", "clerk", "admin", "colleague"
    }  # fmt: skip

    # committee -> private: the others get a remove, the author the new version
    private = {**rec, "visibility": "private", "clocks": {**rec["clocks"], "visibility": [2, "dev-a"]}}
    (second,) = push_ok(clients["member"], item(private, base=first["version"]))
    assert second["version"] == first["version"] + 1 and second["server_id"] == first["server_id"]
    for role in ROLES:
        entries = replicas[role].sync(clients[role])
        mine = [
            e
            for e in entries
            if e.get("type") == "annotation" or e.get("data", {}).get("type") == "annotation"
        ]
        if role == "member":
            assert [e["op"] for e in mine] == ["upsert"] and mine[0]["data"]["record"] == private
        elif role != "foreign_clerk":
            assert mine == [
                {"op": "remove", "seq": mine[0]["seq"], "type": "annotation", "id": first["server_id"]}
            ], role
        else:
            assert mine == []
    # back to the committee, then deleted: everyone who sees it gets the tombstone (state-based)
    shared = {**private, "visibility": "committee", "clocks": {**rec["clocks"], "visibility": [3, "dev-a"]}}
    (third,) = push_ok(clients["member"], item(shared, base=second["version"]))
    gone = {**shared, "deleted": True, "delete_seen": {"placement": [1, "dev-a"], "visibility": [3, "dev-a"]}}
    (fourth,) = push_ok(clients["member"], item(gone, base=third["version"]))
    assert fourth["version"] == first["version"] + 3
    for role in ("member", "other", "clerk"):
        replicas[role].sync(clients[role])
        held = annotations_in(replicas[role])[rec["id"]]
        assert held["record"]["deleted"] is True and held["version"] == fourth["version"]
    assert readable(clients, rec["id"]) == {
        "member",
        "deputy",
        "other",
        "former",
        "clerk",
        "admin",
        "colleague",
    }


def test_file_out_of_sight_or_deleted(
    annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]
) -> None:
    """When a file leaves someone's sight, so do others' annotations of it; the author keeps theirs,
    also when the file is deleted, and can still change it (but not start a new one there)."""
    server, world = annot_server
    ids = world.ids
    note = record(ids["user_member"], ids["public_file"], "committee")
    others = record(ids["user_other"], ids["public_file"], "committee", author_name="Person other")
    (mine,) = push_ok(clients["member"], item(note))
    (theirs,) = push_ok(clients["other"], item(others))
    replicas = feeds(clients)
    assert {note["id"], others["id"]} <= set(annotations_in(replicas["deputy"]))

    # the public paper turns non-public: only committee A (and the clerks) may see its file now
    clerk = clients["clerk"]
    paper = clerk.get(f"/api/v1/papers/{ids['public_paper']}").json()
    r = clerk.patch(
        f"/api/v1/papers/{ids['public_paper']}",
        json={"public": False},
        headers={"If-Match": str(paper["version"])},
    )
    assert r.status_code == 200, r.text
    for role in ROLES:
        replicas[role].sync(clients[role])
    held = {role: set(annotations_in(replicas[role])) for role in ROLES}
    assert (
        held["member"] == held["deputy"] == held["clerk"] == held["colleague"] == {note["id"], others["id"]}
    )
    assert held["other"] == {others["id"]}  # the author keeps their own
    assert held["former"] == held["admin"] == held["foreign_clerk"] == set()
    assert readable(clients, others["id"]) == {"member", "deputy", "clerk", "colleague", "other"}

    # the file is deleted: every annotation of it stays with its author alone
    file = clerk.get(f"/api/v1/files/{ids['public_file']}").json()
    r = clerk.delete(f"/api/v1/files/{ids['public_file']}", headers={"If-Match": str(file["version"])})
    assert r.status_code == 204, r.text
    for role in ROLES:
        replicas[role].sync(clients[role])
    held = {role: set(annotations_in(replicas[role])) for role in ROLES}
    assert held["member"] == {note["id"]} and held["other"] == {others["id"]}
    assert all(not held[r] for r in ROLES if r not in ("member", "other"))
    assert readable(clients, note["id"]) == {"member"}
    snapshot = feeds({"member": server.client(server.login("member", device="tablet")["access_token"])})
    assert set(annotations_in(snapshot["member"])) == {note["id"]}

    # the orphan stays syncable between the author's devices; a new annotation there is refused
    edited = {**note, "text": "Datei ist weg", "clocks": {**note["clocks"], "text": [2, "dev-a"]}}
    (changed,) = push_ok(clients["member"], item(edited, base=mine["version"]))
    assert changed["version"] == mine["version"] + 1
    (refused,) = push(clients["member"], item(record(ids["user_member"], ids["public_file"])))
    assert refused["status"] == "rejected" and "may not see" in refused["message"]
    assert theirs["status"] == "ok"


def test_leaving_the_faction(
    annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]
) -> None:
    _, world = annot_server
    ids = world.ids
    rec = record(ids["user_member"], ids["public_file"], "faction")
    push_ok(clients["member"], item(rec))
    replicas = feeds(clients)
    assert rec["id"] in annotations_in(replicas["other"])
    memberships = clients["clerk"].get("/api/v1/memberships", params={"limit": 1000}).json()["data"]
    (m,) = [
        m
        for m in memberships
        if m["person_id"] == ids["person_other"] and m["organization_id"] == ids["faction"]
    ]
    r = clients["clerk"].delete(f"/api/v1/memberships/{m['id']}", headers={"If-Match": str(m["version"])})
    assert r.status_code == 204, r.text
    entries = replicas["other"].sync(clients["other"])
    assert any(e["op"] == "remove" and e["type"] == "annotation" for e in entries), entries
    assert rec["id"] not in annotations_in(replicas["other"])
    assert readable(clients, rec["id"]) == {"member", "colleague"}


def test_conflicts_return_the_current_record(
    annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]
) -> None:
    _, world = annot_server
    me = clients["member"]
    rec = record(world.ids["user_member"], world.ids["private_file"], "faction")
    (first,) = push_ok(me, item(rec))
    later = {**rec, "colour": "#00aa00", "clocks": {**rec["clocks"], "colour": [2, "dev-b"]}}
    (second,) = push_ok(me, item(later, base=1))
    expected = {
        "uuid": rec["id"],
        "status": "conflict",
        "current": later,
        "current_version": 2,
        "server_id": first["server_id"],
    }
    other_edit = {**rec, "text": "anders", "clocks": {**rec["clocks"], "text": [2, "dev-a"]}}
    assert push(me, item(other_edit, base=1)) == [expected]  # stale base version
    assert push(me, item(other_edit)) == [expected]  # a create of an existing uuid
    # in one batch, in order: the second change of the same record builds on the first one's version
    third = {**later, "width": 2.0, "clocks": {**later["clocks"], "width": [3, "dev-a"]}}
    fourth = {**third, "width": 3.0, "clocks": {**third["clocks"], "width": [4, "dev-a"]}}
    results = push(me, item(third, base=2), item(fourth, base=2), item(fourth, base=3))
    assert [r["status"] for r in results] == ["ok", "conflict", "ok"]
    assert (
        results[0]["version"] == 3 and results[1]["current"] == third and results[1]["current_version"] == 3
    )
    assert results[2]["version"] == 4
    assert second["version"] == 2
    assert me.get(f"/api/v1/annotations/{rec['id']}").json()["record"] == fourth


def test_idempotent_replay(annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]) -> None:
    server, world = annot_server
    me = clients["member"]
    rec = record(world.ids["user_member"], world.ids["public_file"], "committee")
    first = push_ok(me, item(rec, key="outbox-1"))
    seq = _last_seq(server)
    again = push(me, item(rec, key="outbox-1"))
    assert again == first and _last_seq(server) == seq  # the same answer, nothing done twice
    edit = {**rec, "text": "neu", "clocks": {**rec["clocks"], "text": [2, "dev-a"]}}
    (reused,) = push(me, item(edit, base=1, key="outbox-1"))
    assert reused["status"] == "rejected" and "already used" in reused["message"]
    # twice in one batch: one change
    results = push(me, item(edit, base=1, key="outbox-2"), item(edit, base=1, key="outbox-2"))
    assert results[0] == results[1] and results[0]["version"] == 2
    assert me.get(f"/api/v1/annotations/{rec['id']}").json()["version"] == 2
    # a refused item does not use up its key: the corrected one goes through
    bad = {**edit, "colour": "red"}
    (refused,) = push(me, item(bad, base=2, key="outbox-3"))
    assert refused["status"] == "rejected" and "colour" in refused["message"]
    (fixed,) = push_ok(me, item({**edit, "colour": "#ff0000"}, base=2, key="outbox-3"))
    assert fixed["version"] == 3
    # keys are per user
    other = record(world.ids["user_other"], world.ids["public_file"])
    push_ok(clients["other"], item(other, key="outbox-1"))
    with server.ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(IdempotencyRecord)) == 4


def test_refusals(annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]) -> None:
    server, world = annot_server
    ids, me = world.ids, clients["member"]
    mine = record(ids["user_member"], ids["public_file"], "committee")
    (ok,) = push_ok(me, item(mine))
    seq = _last_seq(server)
    cases: list[tuple[dict[str, Any], str]] = [
        (item({**mine, "author_id": str(ids["user_other"])}, base=1), "someone else"),  # pushed by "other"
        (item(record(ids["user_member"], ids["public_file"])), "author"),  # not the pusher's own
        (item(record(ids["user_other"], ids["private_file"])), "may not see"),
        (item(record(ids["user_other"], 999_999)), "may not see"),
        (item(record(ids["user_other"], ids["shared_efile_file"])), "may not see"),
    ]
    results = push(clients["other"], *(i for i, _ in cases))
    for (_, words), result in zip(cases, results, strict=True):
        assert result["status"] == "rejected" and words in result["message"], result
        assert set(result) == {"uuid", "status", "message"}
    assert results[0]["uuid"] == mine["id"]

    rec = record(ids["user_member"], ids["public_file"])
    malformed: list[tuple[dict[str, Any], str]] = [
        ({**rec, "id": rec["id"].upper()}, "id"),
        ({**rec, "kind": "scribble"}, "kind"),
        ({**rec, "visibility": "public"}, "visibility"),
        ({**rec, "page": -1}, "page"),
        ({**rec, "page": "1"}, "page"),
        ({**rec, "file_id": "abc"}, "file_id"),
        ({**rec, "file_id": 12}, "file_id"),
        ({**rec, "author_id": ""}, "author_id"),
        ({**rec, "colour": "#FFD700"}, "colour"),
        ({**rec, "width": 0}, "width"),
        ({**rec, "opacity": 1.5}, "opacity"),
        ({**rec, "quads": [[1, 2, 3]]}, "quads"),
        ({**rec, "kind": "ink", "quads": [], "strokes": [[[1, 2, 7]]]}, "strokes"),
        ({**rec, "kind": "note", "quads": [], "rect": [10, 10, 5, 5]}, "rect"),
        ({**rec, "kind": "note"}, "note needs a rect"),
        ({**rec, "shape": "star"}, "shape"),
        ({**rec, "text": 5}, "text"),
        ({**rec, "clocks": {"weather": [1, "x"]}}, "clocks"),
        ({**rec, "id": str(uuid.uuid4()), "text": "x" * (256 * 1024)}, "too large"),
        ({**rec, "id": str(uuid.uuid4()), "text": "\ud800"}, "not valid Unicode"),
    ]
    envelopes: list[Any] = [
        "not an item",
        {"idempotency_key": "k", "base_version": None},
        {"idempotency_key": "", "base_version": None, "record": rec},
        {"idempotency_key": "k" * 101, "base_version": None, "record": rec},
        {"idempotency_key": "k\x00", "base_version": None, "record": rec},
        {"idempotency_key": "k", "base_version": None, "record": {**rec, "id": "\x00"}},
        {"idempotency_key": "k", "base_version": "1", "record": rec},
        {"idempotency_key": "k", "base_version": None, "record": rec, "extra": 1},
    ]
    results = push(me, *(item(r) for r, _ in malformed), *envelopes, item(rec))
    assert results[-1]["status"] == "ok"  # a good one among them is taken
    for (_, words), result in zip(malformed, results, strict=False):
        assert result["status"] == "rejected" and words in result["message"], (words, result)
    assert all(r["status"] == "rejected" and r["message"] for r in results[len(malformed) : -1])
    assert ok["status"] == "ok"
    assert _last_seq(server) == seq + 1  # only the good one reached the feed


def test_whole_request_errors(
    annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]
) -> None:
    server, world = annot_server
    me = clients["member"]
    rec = record(world.ids["user_member"], world.ids["public_file"])
    bad_requests = [
        me.post(
            "/api/v1/annotations/batch", content=b"{not json", headers={"Content-Type": "application/json"}
        ),
        me.post("/api/v1/annotations/batch", json=[item(rec)]),
        me.post("/api/v1/annotations/batch", json={"items": item(rec)}),
        me.post("/api/v1/annotations/batch", json={"items": [item(rec)], "more": 1}),
        me.post("/api/v1/annotations/batch", json={"items": [item(rec)] * 501}),
    ]
    for r in bad_requests:
        assert r.status_code == 422, r.text
        assert r.json()["error"]["message"]
    assert "at most 500" in bad_requests[-1].json()["error"]["message"]
    with server.client() as anonymous:
        r = anonymous.post("/api/v1/annotations/batch", json={"items": [item(rec)]})
        assert r.status_code == 401
        assert anonymous.get(f"/api/v1/annotations/{rec['id']}").status_code == 401
    r = me.post(
        "/api/v1/annotations/batch",
        content=b"x" * (17 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert me.get("/api/v1/annotations/not-a-uuid").status_code == 404
    assert me.get("/api/v1/annotations/%00").status_code == 404
    assert me.get(f"/api/v1/annotations/{'a' * 5000}").status_code == 404
    assert me.get("/api/v1/annotations").status_code in (404, 405)  # no list: the feed is the way
    assert push(me) == []
    with server.ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Annotation)) == 0


@pytest.fixture
def statements(annot_server: tuple[LiveServer, World]) -> Iterator[list[str]]:
    """The SQL statements the server runs while the test looks."""
    engine = annot_server[0].ctx.engine
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def test_a_thousand_in_two_requests(
    annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client], statements: list[str]
) -> None:
    """1,000 annotations of a few files in two pushes: a statement count that does not grow with the
    items, and the feed hands all of them to the author and the committee ones to the others."""
    server, world = annot_server
    ids = world.ids
    files = [ids["public_file"], ids["private_file"], ids["invitation_file"]]
    recs = [
        record(ids["user_member"], files[i % 3], ("private", "faction", "committee")[i % 3], page=i % 7)
        for i in range(1000)
    ]
    for half in (recs[:500], recs[500:]):
        statements.clear()
        results = push_ok(clients["member"], *(item(r) for r in half))
        assert [r["uuid"] for r in results] == [r["id"] for r in half]
        assert len(statements) < 60, len(statements)
    mine = annotations_in(feeds({"member": clients["member"]})["member"])
    assert {u: d["record"] for u, d in mine.items()} == {r["id"]: r for r in recs}
    seen_by_deputy = annotations_in(feeds({"deputy": clients["deputy"]})["deputy"])
    assert set(seen_by_deputy) == {r["id"] for r in recs if r["visibility"] == "committee"}
    with server.ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Change).where(Change.kind == 13)) == 1000


def _last_seq(server: LiveServer) -> int:
    with server.ctx.sessions() as s:
        return int(s.scalar(select(func.max(Change.seq))) or 0)


def _end_membership(clerk: httpx.Client, person_id: int, organization_id: int) -> None:
    memberships = clerk.get("/api/v1/memberships", params={"limit": 1000}).json()["data"]
    (m,) = [m for m in memberships if (m["person_id"], m["organization_id"]) == (person_id, organization_id)]
    r = clerk.delete(f"/api/v1/memberships/{m['id']}", headers={"If-Match": str(m["version"])})
    assert r.status_code == 204, r.text


def _join(server: LiveServer, person_id: int, organization_id: int) -> None:
    with write_session(server.ctx.sessions) as s:
        s.add(Membership(person_id=person_id, organization_id=organization_id))


def _annotation_ops(entries: list[dict[str, Any]]) -> list[str]:
    return [e["op"] for e in entries if "annotation" in (e.get("type"), e.get("data", {}).get("type"))]


def test_after_leaving_the_committee_nothing_new_is_shared(
    annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]
) -> None:
    """An author who may no longer see the file keeps syncing their annotations between their own
    devices, but what they change then is withheld from everyone else (also a private note switched to
    the committee) -- until they may see the file again."""
    server, world = annot_server
    ids, me = world.ids, clients["member"]
    shared = record(ids["user_member"], ids["private_file"], "committee")
    private = record(ids["user_member"], ids["private_file"], "private")
    first, first_private = push_ok(me, item(shared), item(private))
    replicas = feeds(clients)
    assert shared["id"] in annotations_in(replicas["colleague"])
    laptop = server.client(server.login("member", device="laptop")["access_token"])
    on_laptop = feeds({"member": laptop})["member"]

    _end_membership(clients["clerk"], ids["person_member"], ids["committee_a"])
    edited = {**shared, "text": "nach dem Ausscheiden", "clocks": {**shared["clocks"], "text": [2, "dev-a"]}}
    clocks = {**private["clocks"], "visibility": [2, "dev-a"]}
    opened = {**private, "visibility": "committee", "clocks": clocks}
    second, _ = push_ok(me, item(edited, base=first["version"]), item(opened, base=first_private["version"]))
    for role in ("colleague", "deputy", "clerk"):
        entries = replicas[role].sync(clients[role])
        assert _annotation_ops(entries) == ["remove"], (role, entries)
        assert set(annotations_in(replicas[role])) == set()
    assert readable(clients, shared["id"]) == readable(clients, private["id"]) == {"member"}
    assert clients["colleague"].get(f"/api/v1/annotations/{shared['id']}").status_code == 404
    on_laptop.sync(laptop)  # the author's other device still gets both, as pushed
    mine = annotations_in(on_laptop)
    assert mine[shared["id"]]["record"] == edited and mine[shared["id"]]["version"] == second["version"]
    assert mine[private["id"]]["record"] == opened

    # back in the committee: the next change is shared again as its visibility says
    _join(server, ids["person_member"], ids["committee_a"])
    again = {**edited, "text": "wieder dabei", "clocks": {**edited["clocks"], "text": [3, "dev-a"]}}
    push_ok(me, item(again, base=second["version"]))
    replicas["colleague"].sync(clients["colleague"])
    assert annotations_in(replicas["colleague"])[shared["id"]]["record"] == again
    assert readable(clients, shared["id"]) == {"member", "deputy", "clerk", "colleague"}


def test_a_faction_note_stays_with_the_faction_it_was_shared_with(
    annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]
) -> None:
    """The author moves from faction F to G: editing an old faction note (a re-anchoring push) keeps it
    with F; only choosing `faction` again shares it with G."""
    server, world = annot_server
    ids, me = world.ids, clients["member"]
    rec = record(ids["user_member"], ids["public_file"], "faction")
    (first,) = push_ok(me, item(rec))
    assert readable(clients, rec["id"]) == {"member", "colleague", "other"}

    _end_membership(clients["clerk"], ids["person_member"], ids["faction"])
    _join(server, ids["person_member"], ids["faction_g"])  # with the deputy
    replicas = feeds(clients)
    moved = {**rec, "page": 1, "clocks": {**rec["clocks"], "placement": [2, "dev-a"]}}
    (second,) = push_ok(me, item(moved, base=first["version"]))
    assert readable(clients, rec["id"]) == {"member", "colleague", "other"}
    assert _annotation_ops(replicas["deputy"].sync(clients["deputy"])) == []
    replicas["colleague"].sync(clients["colleague"])
    assert annotations_in(replicas["colleague"])[rec["id"]]["record"] == moved

    # private, then the faction again: now the author's faction of today (G)
    hidden = {**moved, "visibility": "private", "clocks": {**moved["clocks"], "visibility": [3, "dev-a"]}}
    (third,) = push_ok(me, item(hidden, base=second["version"]))
    reshared = {**hidden, "visibility": "faction", "clocks": {**hidden["clocks"], "visibility": [4, "dev-a"]}}
    push_ok(me, item(reshared, base=third["version"]))
    assert readable(clients, rec["id"]) == {"member", "deputy"}
    assert _annotation_ops(replicas["colleague"].sync(clients["colleague"])) == ["remove"]


def _ink(author: int, file_id: int, strokes: list[Any], **changes: Any) -> dict[str, Any]:
    ink = {"kind": "ink", "quads": [], "quote": None, "text": "", "strokes": strokes}
    return record(author, file_id, **{**ink, **changes})


def test_limits_of_size_strokes_and_count(
    annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]
) -> None:
    server, world = annot_server
    ids, me = world.ids, clients["member"]
    author, file_id = ids["user_member"], ids["public_file"]
    point = [100.123456789, 200.987654321, 0.5]
    refused = push(
        me,
        item(_ink(author, file_id, [[point] * (MAX_STROKE_POINTS + 1)])),
        item(_ink(author, file_id, [[point]] * (MAX_STROKES + 1))),
        item(record(author, file_id, text="x" * (64 * 1024))),
    )
    assert all(r["status"] == "rejected" for r in refused), refused
    assert f"at most {MAX_STROKE_POINTS} items" in refused[0]["message"]
    assert f"at most {MAX_STROKES} items" in refused[1]["message"]
    assert "at most 64 KiB" in refused[2]["message"]

    # what the client's ink tool makes of a very long, jittery stroke is taken
    rng = random.Random(7)
    drawn = [(i * 0.013 + rng.random() * 40, rng.random() * 700, rng.random()) for i in range(50_000)]
    made = authoring.stroke(drawn)
    assert len(made) <= authoring.INK_MAX_POINTS
    ink = _ink(author, file_id, [[list(p) for p in made]], author_name="N" * 300)
    assert len(json.dumps(ink)) > 30_000
    push_ok(me, item(ink))

    # at most `annotations_per_file` live ones per author and file; deleted ones do not count
    server.ctx.settings = replace(server.ctx.settings, annotations_per_file=3)
    two = [record(author, file_id) for _ in range(2)]
    results = push(me, *(item(r) for r in two), item(record(author, file_id)))
    assert [r["status"] for r in results] == ["ok", "ok", "rejected"]
    assert "already have 3 annotations" in results[2]["message"]
    gone = {**two[0], "deleted": True, "delete_seen": two[0]["clocks"]}
    newer = record(author, file_id)
    results = push(me, item(gone, base=results[0]["version"]), item(newer))
    assert [r["status"] for r in results] == ["ok", "ok"]
    restored = {**two[0], "text": "zurück", "clocks": {**two[0]["clocks"], "text": [5, "dev-a"]}}
    (again,) = push(me, item(restored, base=results[0]["version"]))
    assert again["status"] == "rejected" and "already have 3" in again["message"]
    edit = {**newer, "text": "geändert", "clocks": {**newer["clocks"], "text": [2, "dev-a"]}}
    push_ok(me, item(edit, base=results[1]["version"]))  # changing a live one is always fine
    push_ok(clients["other"], item(record(ids["user_other"], file_id)))  # the cap is per author
    push_ok(me, item(record(author, ids["private_file"])))  # and per file


def test_regaining_access_shares_withheld_notes_again_without_a_push(
    annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]
) -> None:
    """A note edited while its author could not see the file is withheld; when a clerk lets the author
    back into the committee, the same transaction shares it again as its record says (committee and
    faction alike), so the colleague's next sync brings it -- the author pushes nothing in between, and
    the record and its version stay as pushed."""
    _, world = annot_server
    ids, me, clerk = world.ids, clients["member"], clients["clerk"]
    shared = record(ids["user_member"], ids["private_file"], "committee")
    faction = record(ids["user_member"], ids["private_file"], "faction")
    first, first_faction = push_ok(me, item(shared), item(faction))
    replicas = feeds(clients)
    assert {shared["id"], faction["id"]} <= set(annotations_in(replicas["colleague"]))

    _end_membership(clerk, ids["person_member"], ids["committee_a"])
    edited = {**shared, "text": "nach dem Ausscheiden", "clocks": {**shared["clocks"], "text": [2, "dev-a"]}}
    edited_faction = {**faction, "text": "auch", "clocks": {**faction["clocks"], "text": [2, "dev-a"]}}
    second, second_faction = push_ok(
        me, item(edited, base=first["version"]), item(edited_faction, base=first_faction["version"])
    )
    replicas["colleague"].sync(clients["colleague"])
    assert set(annotations_in(replicas["colleague"])) == set()
    assert readable(clients, shared["id"]) == readable(clients, faction["id"]) == {"member"}

    joined = clerk.post(
        "/api/v1/memberships",
        json={"person_id": ids["person_member"], "organization_id": ids["committee_a"]},
    )
    assert joined.status_code == 201, joined.text
    entries = replicas["colleague"].sync(clients["colleague"])
    assert _annotation_ops(entries) == ["upsert", "upsert"], entries
    got = annotations_in(replicas["colleague"])
    assert got[shared["id"]]["record"] == edited and got[shared["id"]]["version"] == second["version"]
    assert got[faction["id"]]["record"] == edited_faction
    assert got[faction["id"]]["version"] == second_faction["version"]
    assert readable(clients, shared["id"]) == {"member", "deputy", "clerk", "colleague"}
    assert readable(clients, faction["id"]) == {"member", "colleague"}
    # the author's next push builds on the version they have: nothing changed it behind their back
    again = {**edited, "text": "wieder dabei", "clocks": {**edited["clocks"], "text": [3, "dev-a"]}}
    push_ok(me, item(again, base=second["version"]))


def test_a_file_back_in_sight_shares_its_withheld_notes_again(
    annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]
) -> None:
    """The author ("other") notes a public file; the paper turns non-public (out of their sight) and their
    edit is withheld; when the paper is public again, the same change shares the note as its record says."""
    _, world = annot_server
    ids, clerk, other = world.ids, clients["clerk"], clients["other"]
    note = record(ids["user_other"], ids["public_file"], "committee", author_name="Person other")
    (first,) = push_ok(other, item(note))

    def set_public(public: bool) -> None:
        paper = clerk.get(f"/api/v1/papers/{ids['public_paper']}").json()
        r = clerk.patch(
            f"/api/v1/papers/{ids['public_paper']}",
            json={"public": public},
            headers={"If-Match": str(paper["version"])},
        )
        assert r.status_code == 200, r.text

    set_public(False)
    edited = {**note, "text": "nicht mehr zu sehen", "clocks": {**note["clocks"], "text": [2, "dev-a"]}}
    (second,) = push_ok(other, item(edited, base=first["version"]))
    replicas = feeds(clients)
    assert note["id"] not in annotations_in(replicas["deputy"])
    assert readable(clients, note["id"]) == {"other"}

    set_public(True)
    replicas["deputy"].sync(clients["deputy"])
    got = annotations_in(replicas["deputy"])[note["id"]]
    assert got["record"] == edited and got["version"] == second["version"]
    assert readable(clients, note["id"]) == set(ROLES) - {"foreign_clerk"}


def test_a_membership_beginning_later_shares_withheld_notes_on_its_start_date(
    annot_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]
) -> None:
    """The author's note is withheld (they left the committee); a membership starting later, written
    today, changes nothing yet. On its start date nothing is written, so the server's periodic pass looks
    again: run as of today it shares nothing; run as of the start date it shares the note again as its record
    says, with its feed entry, and the record and its version stay as pushed."""
    server, world = annot_server
    ids, me, clerk = world.ids, clients["member"], clients["clerk"]
    shared = record(ids["user_member"], ids["private_file"], "committee")
    (first,) = push_ok(me, item(shared))
    replicas = feeds(clients)
    _end_membership(clerk, ids["person_member"], ids["committee_a"])
    edited = {**shared, "text": "nach dem Ausscheiden", "clocks": {**shared["clocks"], "text": [2, "dev-a"]}}
    (second,) = push_ok(me, item(edited, base=first["version"]))
    replicas["colleague"].sync(clients["colleague"])
    assert shared["id"] not in annotations_in(replicas["colleague"])

    # the day is read once and the new membership starts two days later: a run that crosses midnight
    # (the server's own checks read the clock again) still finds the start date in the future
    today = date.today()
    start = today + timedelta(days=2)
    with write_session(server.ctx.sessions) as s:
        s.add(
            Membership(person_id=ids["person_member"], organization_id=ids["committee_a"], start_date=start)
        )
    assert readable(clients, shared["id"]) == {"member"}
    written = _last_seq(server)
    PeriodicTasks(server.ctx, today=lambda: today).run_once()
    assert _last_seq(server) == written  # nothing to share yet, nothing written
    assert readable(clients, shared["id"]) == {"member"}

    PeriodicTasks(server.ctx, today=lambda: start).run_once()  # the pass on the start date
    entries = replicas["colleague"].sync(clients["colleague"])
    assert _annotation_ops(entries) == ["upsert"], entries
    got = annotations_in(replicas["colleague"])[shared["id"]]
    assert got["record"] == edited and got["version"] == second["version"]
    assert readable(clients, shared["id"]) == {"member", "deputy", "clerk", "colleague"}
    written = _last_seq(server)
    PeriodicTasks(server.ctx, today=lambda: start).run_once()  # once shared, the next pass has nothing to do
    assert _last_seq(server) == written
