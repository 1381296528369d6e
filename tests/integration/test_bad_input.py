"""Bad input to the write endpoints over real HTTP, on SQLite and PostgreSQL.

Malformed, mistyped, oversized and out-of-range bodies, unknown ids, references across bodies,
path tricks in file names, missing or stale versions, callers who may not write, expired and
forged tokens: each answers the right 4xx with a JSON error body, and in every refusal nothing is
written (the change feed's counter, the row counts and the versions of every table, and the blob
store are unchanged). Plus idempotent creation, a real internal error that leaks nothing, and the
operational routes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from sync.server.api.write import WRITABLE
from sync.server.db import write_session
from sync.server.feed import last_seq
from sync.server.models import Base, Device, Paper, Person
from tests.conftest import new_pg_database
from tests.integration.live import LiveServer, live_server
from tests.integration.world import World, build_world

JSON_LIMIT = 1024 * 1024
LEAKS = (
    "Traceback",
    'File "',
    ".py",
    "/work",
    "site-packages",
    "SELECT",
    "INSERT",
    "sqlalchemy",
    "psycopg",
    "sqlite3",
    "idempotency_record",
    "OperationalError",
    "ProgrammingError",
)


# ------------------------------------------------------------------------------------------- helpers


def snapshot(server: LiveServer) -> dict[str, int]:
    """Everything a write could change: the feed counter, per table the row count and the sum of versions,
    and the files of the blob store."""
    out: dict[str, int] = {}
    with server.ctx.sessions() as s:
        out["feed_counter.last_seq"] = last_seq(s)
        for table in Base.metadata.sorted_tables:
            out[table.name] = int(s.scalar(select(func.count()).select_from(table)) or 0)
            if "version" in table.c:
                out[f"{table.name}.versions"] = int(
                    s.scalar(select(func.coalesce(func.sum(table.c.version), 0)))
                )
    out["blobs"] = sum(1 for p in server.ctx.settings.blob_dir.glob("??/*"))
    out["blob_temp_files"] = sum(1 for _ in (server.ctx.settings.blob_dir / "tmp").iterdir())
    return out


@contextmanager
def unchanged(server: LiveServer) -> Iterator[None]:
    before = snapshot(server)
    yield
    after = snapshot(server)
    assert after == before, {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}


def assert_error(r: httpx.Response, status: int | tuple[int, ...], code: str | None = None) -> dict[str, Any]:
    statuses = (status,) if isinstance(status, int) else status
    assert r.status_code in statuses, f"{r.request.method} {r.request.url}: {r.status_code} {r.text[:500]}"
    assert r.headers["content-type"].startswith("application/json"), r.headers["content-type"]
    error = r.json()["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["title"], str) and error["title"]
    assert isinstance(error["message"], str) and error["message"]
    if code is not None:
        assert error["code"] == code, error
    for leak in LEAKS:
        assert leak not in r.text, f"the error body leaks {leak!r}: {r.text[:500]}"
    return dict(error)


def database_url(request: pytest.FixtureRequest, backend: str, tmp: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp}/server.sqlite3"
    return new_pg_database(request.getfixturevalue("pg_cluster"))


@pytest.fixture(scope="module")
def tokens(world_server: tuple[LiveServer, World]) -> dict[str, str]:
    server, _ = world_server
    return {role: server.token(role) for role in ("clerk", "member", "admin", "foreign_clerk")}


@pytest.fixture(scope="module")
def clients(
    world_server: tuple[LiveServer, World], tokens: dict[str, str]
) -> Iterator[dict[str, httpx.Client]]:
    server, _ = world_server
    made = {role: server.client(token) for role, token in tokens.items()}
    made["anonymous"] = server.client()
    yield made
    for c in made.values():
        c.close()


@pytest.fixture(scope="module")
def clerk(clients: dict[str, httpx.Client]) -> httpx.Client:
    return clients["clerk"]


def valid_payloads(world: World) -> dict[str, dict[str, Any]]:
    """A payload each write endpoint accepts; the tests below break one thing in it at a time."""
    ids = world.ids
    return {
        "organizations": {"name": "Ausschuss Neu", "kind": "committee"},
        "persons": {"name": "Neue Person"},
        "memberships": {"person_id": ids["person_other"], "organization_id": ids["committee_a"]},
        "meetings": {
            "organization_id": ids["committee_a"],
            "name": "Sondersitzung",
            "start": "2030-05-01T17:00:00+02:00",
        },
        "agenda-items": {"meeting_id": ids["draft_meeting"], "name": "Neuer Punkt", "order": 5},
        "papers": {"name": "Neue Vorlage", "reference": "24-0100"},
        "consultations": {"paper_id": ids["public_paper"], "agenda_item_id": ids["draft_item"]},
        "files": {
            "name": "Anlage",
            "file_name": "anlage 1.pdf",
            "sha256": hashlib.sha256(world.pdf).hexdigest(),
            "paper_id": ids["public_paper"],
        },
        "efiles": {"reference_number": "AZ-9", "title": "Neue Akte"},
        "processes": {"efile_id": ids["unshared_efile"], "title": "Vorgang"},
        "documents": {"process_id": ids["unshared_process"], "title": "Dokument"},
    }


@pytest.fixture(scope="module")
def foreign(world_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]) -> dict[str, int]:
    """Objects of the second body, created by its clerk through the API."""
    _, world = world_server
    c = clients["foreign_clerk"]
    out: dict[str, int] = {}

    def make(key: str, plural: str, body: dict[str, Any]) -> None:
        r = c.post(f"/api/v1/{plural}", json=body)
        assert r.status_code == 201, r.text
        out[key] = r.json()["id"]

    make("organization", "organizations", {"name": "Fremder Ausschuss", "kind": "committee"})
    make("paper", "papers", {"name": "Fremde Vorlage"})
    make(
        "meeting",
        "meetings",
        {
            "organization_id": out["organization"],
            "name": "Fremde Sitzung",
            "start": "2030-06-01T10:00:00+02:00",
        },
    )
    make("item", "agenda-items", {"meeting_id": out["meeting"], "name": "Fremder Punkt"})
    make(
        "file",
        "files",
        {
            "name": "Fremd",
            "file_name": "fremd.pdf",
            "sha256": hashlib.sha256(world.pdf).hexdigest(),
            "paper_id": out["paper"],
        },
    )
    with world_server[0].ctx.sessions() as s:
        out["person"] = int(s.scalar(select(Person.id).where(Person.body_id == world.ids["other_body"])) or 0)
    assert out["person"]
    return out


def test_every_valid_payload_is_accepted(world_server: tuple[LiveServer, World], clerk: httpx.Client) -> None:
    """The positive control: what the refusals below break is the only thing wrong with them."""
    server, world = world_server
    payloads = valid_payloads(world)
    assert set(payloads) == set(WRITABLE)
    for plural, body in payloads.items():
        before = snapshot(server)["feed_counter.last_seq"]
        r = clerk.post(f"/api/v1/{plural}", json=body)
        assert r.status_code == 201, (plural, r.text)
        assert r.headers["etag"] == '"1"'
        assert snapshot(server)["feed_counter.last_seq"] > before


# ------------------------------------------------------------------------------------- malformed JSON


MALFORMED = [
    b'{"name": ',
    b"not json",
    b'{"name": "x",}',
    b"{'name': 'x'}",
    b'{"name": "x"} trailing',
    b"\xff\xfe{}",
]


@pytest.mark.parametrize(
    "body",
    MALFORMED,
    ids=["truncated", "text", "trailing-comma", "single-quotes", "trailing-garbage", "bad-utf8"],
)
@pytest.mark.parametrize("plural", ["meetings", "agenda-items", "papers", "files"])
def test_malformed_json(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, plural: str, body: bytes
) -> None:
    server, world = world_server
    headers = {"Content-Type": "application/json"}
    with unchanged(server):
        assert_error(clerk.post(f"/api/v1/{plural}", content=body, headers=headers), (400, 422))
        target = {
            "meetings": "draft_meeting",
            "agenda-items": "draft_item",
            "papers": "public_paper",
            "files": "public_file",
        }[plural]
        patch = clerk.patch(
            f"/api/v1/{plural}/{world.ids[target]}", content=body, headers={**headers, "If-Match": "*"}
        )
        assert_error(patch, (400, 422))


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/json"),
        (b"null", "application/json"),
        (b'["name", "x"]', "application/json"),
        (b'[{"name": "x"}]', "application/json"),
        (b'"a string"', "application/json"),
        (b"42", "application/json"),
        (b"true", "application/json"),
        (b'{"name": "x"}', "text/plain"),
        (b"name=x", "application/x-www-form-urlencoded"),
        (b'{"name": "x"}', "application/xml"),
    ],
    ids=[
        "empty",
        "null",
        "array",
        "array-of-object",
        "string",
        "number",
        "bool",
        "text-plain",
        "form",
        "xml",
    ],
)
@pytest.mark.parametrize("plural", ["meetings", "papers", "files"])
def test_body_that_is_not_a_json_object(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, plural: str, body: bytes, content_type: str
) -> None:
    server, world = world_server
    target = {"meetings": "draft_meeting", "papers": "public_paper", "files": "public_file"}[plural]
    with unchanged(server):
        r = clerk.post(f"/api/v1/{plural}", content=body, headers={"Content-Type": content_type})
        assert_error(r, 422, "invalid")
        r = clerk.patch(
            f"/api/v1/{plural}/{world.ids[target]}",
            content=body,
            headers={"Content-Type": content_type, "If-Match": "*"},
        )
        assert_error(r, 422, "invalid")


def test_deeply_nested_json(world_server: tuple[LiveServer, World], clerk: httpx.Client) -> None:
    server, _ = world_server
    body = b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with unchanged(server):
        assert_error(
            clerk.post("/api/v1/papers", content=body, headers={"Content-Type": "application/json"}),
            (400, 422),
        )


# --------------------------------------------------------------------------------- wrong types, fields

WRONG_TYPES = [
    ("meetings", "organization_id", "abc"),
    ("meetings", "organization_id", [1]),
    ("meetings", "organization_id", None),
    ("meetings", "name", 123),
    ("meetings", "name", ""),
    ("meetings", "name", None),
    ("meetings", "start", "gestern"),
    ("meetings", "start", "2030-02-30T10:00:00+01:00"),
    ("meetings", "end", {"at": "2030-05-01T19:00:00+02:00"}),
    ("meetings", "state", "secret"),
    ("meetings", "location", {"room": 1}),
    ("agenda-items", "public", {}),
    ("agenda-items", "public", "vielleicht"),
    ("agenda-items", "order", "many"),
    ("agenda-items", "order", 1.5),
    ("agenda-items", "name", ["x"]),
    ("papers", "name", ["a"]),
    ("papers", "date", "2024-13-45"),
    ("papers", "public", "ja nein"),
    ("papers", "reference", 5),
    ("files", "sha256", "xyz"),
    ("files", "sha256", "AB" * 32),
    ("files", "sha256", "ab" * 33),
    ("files", "role", "bogus"),
    ("files", "paper_id", "one"),
    ("files", "mime_type", 12),
    ("files", "file_name", 7),
    ("memberships", "voting_right", "maybe"),
    ("memberships", "start_date", "yesterday"),
    ("organizations", "kind", "club"),
    ("efiles", "title", False),
    ("documents", "order", "first"),
]


@pytest.mark.parametrize(
    ("plural", "field", "value"), WRONG_TYPES, ids=[f"{p}.{f}={v!r}"[:60] for p, f, v in WRONG_TYPES]
)
def test_wrong_types(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, plural: str, field: str, value: Any
) -> None:
    server, world = world_server
    body = {**valid_payloads(world)[plural], field: value}
    with unchanged(server):
        error = assert_error(clerk.post(f"/api/v1/{plural}", json=body), 422, "invalid")
        assert field in error["message"]


UNKNOWN_FIELDS = [
    ("id", 1),
    ("body_id", 2),
    ("version", 7),
    ("created", "2020-01-01T00:00:00Z"),
    ("published_at", "2020-01-01T00:00:00Z"),
    ("size", 10),
    ("Name", "x"),
    ("bogus", None),
]


@pytest.mark.parametrize(("field", "value"), UNKNOWN_FIELDS, ids=[f for f, _ in UNKNOWN_FIELDS])
@pytest.mark.parametrize("plural", ["meetings", "agenda-items", "papers", "files"])
def test_unknown_fields(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, plural: str, field: str, value: Any
) -> None:
    server, world = world_server
    body = {**valid_payloads(world)[plural], field: value}
    target = {
        "meetings": "draft_meeting",
        "agenda-items": "draft_item",
        "papers": "public_paper",
        "files": "public_file",
    }[plural]
    with unchanged(server):
        error = assert_error(clerk.post(f"/api/v1/{plural}", json=body), 422, "invalid")
        assert field in error["message"]
        patch = clerk.patch(
            f"/api/v1/{plural}/{world.ids[target]}", json={field: value}, headers={"If-Match": "*"}
        )
        assert_error(patch, 422, "invalid")


REQUIRED = [
    (plural, name)
    for plural, entry in WRITABLE.items()
    for name, info in entry.schema.model_fields.items()
    if info.is_required()
]


@pytest.mark.parametrize(("plural", "field"), REQUIRED, ids=[f"{p}.{f}" for p, f in REQUIRED])
def test_missing_required_field(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, plural: str, field: str
) -> None:
    server, world = world_server
    body = {k: v for k, v in valid_payloads(world)[plural].items() if k != field}
    with unchanged(server):
        error = assert_error(clerk.post(f"/api/v1/{plural}", json=body), 422, "invalid")
        assert field in error["message"]


@pytest.mark.parametrize(
    "owners",
    [[], ["paper_id", "meeting_id"], ["agenda_item_id", "document_id"]],
    ids=["no-owner", "paper-and-meeting", "item-and-document"],
)
def test_file_needs_exactly_one_owner(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, owners: list[str]
) -> None:
    server, world = world_server
    body = {k: v for k, v in valid_payloads(world)["files"].items() if k != "paper_id"}
    values = {
        "paper_id": world.ids["public_paper"],
        "meeting_id": world.ids["published_meeting"],
        "agenda_item_id": world.ids["public_item"],
        "document_id": world.ids["shared_document"],
    }
    body.update({k: values[k] for k in owners})
    with unchanged(server):
        error = assert_error(clerk.post("/api/v1/files", json=body), 422, "invalid")
        assert "exactly one" in error["message"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", "2030-05-01T17:00:00"),
        ("start", "2030-05-01 17:00"),
        ("start", "2030-05-01"),
        ("end", "2030-05-01T19:00:00"),
    ],
)
def test_naive_datetimes(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, field: str, value: str
) -> None:
    server, world = world_server
    body = {**valid_payloads(world)["meetings"], field: value}
    with unchanged(server):
        error = assert_error(clerk.post("/api/v1/meetings", json=body), 422, "invalid")
        assert "timezone" in error["message"]
        patch = clerk.patch(
            f"/api/v1/meetings/{world.ids['draft_meeting']}", json={field: value}, headers={"If-Match": "*"}
        )
        assert "timezone" in assert_error(patch, 422, "invalid")["message"]


OUT_OF_RANGE = [
    ("agenda-items", "order", -1),
    ("agenda-items", "order", 100_001),
    ("agenda-items", "order", 10**30),
    ("documents", "order", -5),
    ("meetings", "organization_id", 0),
    ("meetings", "organization_id", -1),
    ("meetings", "organization_id", 2**31),
    ("meetings", "organization_id", 2**63),
    ("meetings", "organization_id", 2**64),
    ("meetings", "organization_id", -(2**64)),
    ("agenda-items", "meeting_id", 2**100),
    ("files", "paper_id", 2**64),
    ("files", "supersedes_id", 2**64),
    ("consultations", "agenda_item_id", 2**40),
    ("memberships", "person_id", 2**63 - 1),
    ("processes", "efile_id", 2**70),
    ("meetings", "name", "x" * 301),
    ("papers", "reference", "x" * 51),
    ("papers", "date", "99999-01-01"),
    ("agenda-items", "name", "x" * 5001),
]


@pytest.mark.parametrize(
    ("plural", "field", "value"), OUT_OF_RANGE, ids=[f"{p}.{f}={str(v)[:12]}" for p, f, v in OUT_OF_RANGE]
)
def test_out_of_range_values(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, plural: str, field: str, value: Any
) -> None:
    server, world = world_server
    body = {**valid_payloads(world)[plural], field: value}
    with unchanged(server):
        assert_error(clerk.post(f"/api/v1/{plural}", json=body), 422, "invalid")


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"2.5", b"1e6"])
def test_non_finite_and_fractional_numbers(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, literal: bytes
) -> None:
    server, world = world_server
    body = b'{"meeting_id": %d, "name": "x", "order": %s}' % (world.ids["draft_meeting"], literal)
    with unchanged(server):
        r = clerk.post("/api/v1/agenda-items", content=body, headers={"Content-Type": "application/json"})
        assert_error(r, 422, "invalid")


@pytest.mark.parametrize("obj_id", [0, -1, 2**31, 2**63, 2**64, 10**40])
def test_out_of_range_ids_in_the_path(
    world_server: tuple[LiveServer, World], clients: dict[str, httpx.Client], obj_id: int
) -> None:
    """Ids are positive 32-bit numbers; anything else is refused as invalid before the database sees it."""
    server, _ = world_server
    clerk = clients["clerk"]
    with unchanged(server):
        for method, path in (
            ("PATCH", f"/api/v1/papers/{obj_id}"),
            ("DELETE", f"/api/v1/meetings/{obj_id}"),
            ("PUT", f"/api/v1/efiles/{obj_id}/shares/1"),
            ("DELETE", f"/api/v1/efiles/1/shares/{obj_id}"),
            ("DELETE", f"/api/v1/devices/{obj_id}"),
            ("GET", f"/api/v1/papers/{obj_id}"),
            ("GET", f"/api/v1/files/{obj_id}/content"),
            ("HEAD", f"/api/v1/files/{obj_id}/content"),
            ("GET", f"/api/v1/meetings/{obj_id}/agenda"),
        ):
            r = clerk.request(
                method, path, json={"name": "x"} if method == "PATCH" else None, headers={"If-Match": "*"}
            )
            if method == "HEAD":
                assert r.status_code == 422 and r.content == b""
            else:
                assert_error(r, 422, "invalid")
        if obj_id > 0:
            assert_error(clerk.get("/api/v1/papers", params={"after": obj_id}), 422, "invalid")


@pytest.mark.parametrize("field", ["username", "device_name"])
def test_nul_characters_at_sign_in(
    world_server: tuple[LiveServer, World], clients: dict[str, httpx.Client], field: str
) -> None:
    server, _ = world_server
    body = {"username": "clerk", "password": "pw-secret-1", "device_name": "Laptop"}
    body[field] += "\x00"
    with unchanged(server):
        assert_error(clients["anonymous"].post("/api/v1/auth/login", json=body), 422, "invalid")


# ---------------------------------------------------------------------------------------- body limits


def _big_paper(size: int) -> bytes:
    prefix, suffix = b'{"name": "', b'"}'
    return prefix + b"x" * (size - len(prefix) - len(suffix)) + suffix


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_oversized_json_body(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, chunked: bool, method: str
) -> None:
    server, world = world_server
    body = _big_paper(JSON_LIMIT + 1)

    def stream() -> Iterator[bytes]:
        for i in range(0, len(body), 64 * 1024):
            yield body[i : i + 64 * 1024]

    path = "/api/v1/papers" if method == "POST" else f"/api/v1/papers/{world.ids['public_paper']}"
    with unchanged(server):
        r = clerk.request(
            method,
            path,
            content=stream() if chunked else body,
            headers={"Content-Type": "application/json", "If-Match": "*"},
        )
        assert ("content-length" in r.request.headers) != chunked
        error = assert_error(r, 413, "payload_too_large")
        assert str(JSON_LIMIT) in error["message"]


def test_json_body_just_under_the_limit_is_read(
    world_server: tuple[LiveServer, World], clerk: httpx.Client
) -> None:
    """At the limit the body is read and judged on its content (a name too long), not refused for size."""
    server, _ = world_server
    body = _big_paper(JSON_LIMIT)

    def stream() -> Iterator[bytes]:
        yield body[: len(body) // 2]
        yield body[len(body) // 2 :]

    with unchanged(server):
        for content in (body, stream()):
            r = clerk.post("/api/v1/papers", content=content, headers={"Content-Type": "application/json"})
            assert_error(r, 422, "invalid")


# ------------------------------------------------------------------------------------------ unknown ids


@pytest.mark.parametrize("plural", sorted(WRITABLE))
def test_unknown_ids(world_server: tuple[LiveServer, World], clerk: httpx.Client, plural: str) -> None:
    server, _ = world_server
    with unchanged(server):
        error = assert_error(
            clerk.patch(f"/api/v1/{plural}/987654", json={}, headers={"If-Match": "*"}), 404, "not_found"
        )
        assert "987654" in error["message"]
        assert_error(clerk.delete(f"/api/v1/{plural}/987654", headers={"If-Match": "*"}), 404, "not_found")


@pytest.mark.parametrize(
    ("plural", "field"),
    [
        ("meetings", "organization_id"),
        ("agenda-items", "meeting_id"),
        ("files", "paper_id"),
        ("files", "supersedes_id"),
        ("consultations", "paper_id"),
        ("consultations", "agenda_item_id"),
        ("memberships", "person_id"),
        ("processes", "efile_id"),
        ("documents", "process_id"),
    ],
)
def test_references_to_unknown_objects(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, plural: str, field: str
) -> None:
    server, world = world_server
    body = {**valid_payloads(world)[plural], field: 987654}
    with unchanged(server):
        error = assert_error(clerk.post(f"/api/v1/{plural}", json=body), 422, "invalid")
        assert "987654" in error["message"]


def test_shares_of_unknown_objects(world_server: tuple[LiveServer, World], clerk: httpx.Client) -> None:
    server, world = world_server
    with unchanged(server):
        assert_error(
            clerk.put(f"/api/v1/efiles/987654/shares/{world.ids['person_member']}"), 404, "not_found"
        )
        assert_error(clerk.put(f"/api/v1/efiles/{world.ids['unshared_efile']}/shares/987654"), 422, "invalid")
        assert_error(
            clerk.delete(f"/api/v1/efiles/987654/shares/{world.ids['person_member']}"), 404, "not_found"
        )


# --------------------------------------------------------------------------------------- other bodies


def _cross_body_cases(
    world: World, foreign: dict[str, int]
) -> list[tuple[str, str, str, dict[str, Any] | None, int]]:
    ids = world.ids
    p = valid_payloads(world)
    return [
        # the second body's clerk writing into the first body
        ("foreign_clerk", "PATCH", f"/api/v1/papers/{ids['public_paper']}", {"name": "gekapert"}, 403),
        ("foreign_clerk", "PATCH", f"/api/v1/agenda-items/{ids['public_item']}", {"name": "gekapert"}, 403),
        ("foreign_clerk", "PATCH", f"/api/v1/files/{ids['public_file']}", {"name": "gekapert"}, 403),
        (
            "foreign_clerk",
            "PATCH",
            f"/api/v1/meetings/{ids['published_meeting']}",
            {"organization_id": foreign["organization"]},
            403,
        ),
        ("foreign_clerk", "DELETE", f"/api/v1/meetings/{ids['published_meeting']}", None, 403),
        ("foreign_clerk", "DELETE", f"/api/v1/papers/{ids['public_paper']}", None, 403),
        ("foreign_clerk", "DELETE", f"/api/v1/efiles/{ids['shared_efile']}", None, 403),
        ("foreign_clerk", "POST", "/api/v1/meetings", p["meetings"], 403),
        ("foreign_clerk", "POST", "/api/v1/agenda-items", p["agenda-items"], 403),
        ("foreign_clerk", "POST", "/api/v1/files", p["files"], 403),
        ("foreign_clerk", "POST", "/api/v1/processes", p["processes"], 403),
        (
            "foreign_clerk",
            "POST",
            "/api/v1/memberships",
            {"person_id": foreign["person"], "organization_id": ids["committee_a"]},
            422,
        ),
        (
            "foreign_clerk",
            "PUT",
            f"/api/v1/efiles/{ids['shared_efile']}/shares/{foreign['person']}",
            None,
            403,
        ),
        # the first body's clerk referring to objects of the second
        (
            "clerk",
            "POST",
            "/api/v1/meetings",
            {**p["meetings"], "organization_id": foreign["organization"]},
            403,
        ),
        (
            "clerk",
            "PATCH",
            f"/api/v1/meetings/{ids['draft_meeting']}",
            {"organization_id": foreign["organization"]},
            403,
        ),
        (
            "clerk",
            "POST",
            "/api/v1/agenda-items",
            {**p["agenda-items"], "meeting_id": foreign["meeting"]},
            403,
        ),
        ("clerk", "POST", "/api/v1/files", {**p["files"], "paper_id": foreign["paper"]}, 403),
        ("clerk", "PATCH", f"/api/v1/files/{ids['public_file']}", {"paper_id": foreign["paper"]}, 403),
        ("clerk", "POST", "/api/v1/files", {**p["files"], "supersedes_id": foreign["file"]}, 422),
        (
            "clerk",
            "POST",
            "/api/v1/memberships",
            {"person_id": ids["person_member"], "organization_id": foreign["organization"]},
            422,
        ),
        (
            "clerk",
            "POST",
            "/api/v1/consultations",
            {"paper_id": ids["public_paper"], "agenda_item_id": foreign["item"]},
            422,
        ),
        (
            "clerk",
            "POST",
            "/api/v1/consultations",
            {"paper_id": foreign["paper"], "agenda_item_id": ids["public_item"]},
            422,
        ),
        ("clerk", "PUT", f"/api/v1/efiles/{ids['shared_efile']}/shares/{foreign['person']}", None, 422),
        ("clerk", "DELETE", f"/api/v1/papers/{foreign['paper']}", None, 403),
        ("clerk", "PATCH", f"/api/v1/organizations/{foreign['organization']}", {"name": "gekapert"}, 403),
    ]


def test_references_across_bodies(
    world_server: tuple[LiveServer, World], clients: dict[str, httpx.Client], foreign: dict[str, int]
) -> None:
    server, world = world_server
    cases = _cross_body_cases(world, foreign)
    with unchanged(server):
        for who, method, path, body, status in cases:
            r = clients[who].request(method, path, json=body, headers={"If-Match": "*"})
            assert_error(r, status, "forbidden" if status == 403 else "invalid")
    with server.ctx.sessions() as s:
        assert s.get(Paper, world.ids["public_paper"]).name == "Öffentliche Vorlage"  # type: ignore[union-attr]


# ------------------------------------------------------------------------------------ file name tricks

BAD_FILE_NAMES = [
    "../../etc/passwd",
    "a/b.pdf",
    "/etc/passwd",
    "..",
    ".",
    "../x.pdf",
    "x/../../y.pdf",
    "a\\b.pdf",
    "..\\..\\windows\\win.ini",
    "C:\\boot.ini",
    "a\x00b.pdf",
    "x.pdf\x00.exe",
    "a\nb.pdf",
    "a\rb.pdf",
    "a\tb.pdf",
    "a\x1b[31mb.pdf",
    "a\x7fb.pdf",
    "a\x85b.pdf",
    "a\x9bb.pdf",
    "rechnung\u202efdp.exe",
    " lead.pdf",
    "trail.pdf ",
    "",
    "x" * 256,
]


@pytest.mark.parametrize("name", BAD_FILE_NAMES, ids=[repr(n)[:40] for n in BAD_FILE_NAMES])
def test_path_tricks_in_file_names(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, name: str
) -> None:
    server, world = world_server
    body = {**valid_payloads(world)["files"], "file_name": name}
    with unchanged(server):
        error = assert_error(clerk.post("/api/v1/files", json=body), 422, "invalid")
        assert "file_name" in error["message"]
        patch = clerk.patch(
            f"/api/v1/files/{world.ids['public_file']}", json={"file_name": name}, headers={"If-Match": "*"}
        )
        assert_error(patch, 422, "invalid")


@pytest.mark.parametrize(
    "name", ["Anlage 1 (Entwurf).pdf", "Größe_Übersicht.pdf", "v1.2.pdf", "日本語.pdf", "a b-c_d.PDF"]
)
def test_ordinary_file_names_are_accepted(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, name: str
) -> None:
    _, world = world_server
    r = clerk.post("/api/v1/files", json={**valid_payloads(world)["files"], "file_name": name})
    assert r.status_code == 201, r.text
    assert r.json()["file_name"] == name


@pytest.mark.parametrize(
    ("plural", "field"),
    [
        ("papers", "name"),
        ("papers", "reference"),
        ("meetings", "location"),
        ("persons", "name"),
        ("efiles", "title"),
        ("agenda-items", "result"),
    ],
)
def test_nul_characters_in_text(
    world_server: tuple[LiveServer, World], clerk: httpx.Client, plural: str, field: str
) -> None:
    """PostgreSQL cannot store NUL in text; both backends must refuse it the same way, as bad input."""
    server, world = world_server
    body = {**valid_payloads(world)[plural], field: "vor\x00nach"}
    with unchanged(server):
        error = assert_error(clerk.post(f"/api/v1/{plural}", json=body), 422, "invalid")
        assert field in error["message"]


# ---------------------------------------------------------------------------------------- versions


def test_patch_and_delete_need_the_current_version(
    world_server: tuple[LiveServer, World], clerk: httpx.Client
) -> None:
    server, _ = world_server
    created = clerk.post("/api/v1/papers", json={"name": "Versionierte Vorlage"})
    assert created.status_code == 201
    path = f"/api/v1/papers/{created.json()['id']}"
    assert created.headers["etag"] == '"1"'
    with unchanged(server):
        assert_error(clerk.patch(path, json={"name": "neu"}), 428, "precondition_required")
        assert_error(clerk.delete(path), 428, "precondition_required")
        for stale in ('"0"', '"2"', "0", 'W/"7"', '"abc"', ""):
            assert_error(
                clerk.patch(path, json={"name": "neu"}, headers={"If-Match": stale}),
                412,
                "precondition_failed",
            )
            assert_error(clerk.delete(path, headers={"If-Match": stale}), 412, "precondition_failed")
    changed = clerk.patch(path, json={"name": "neu"}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200
    assert changed.json()["version"] == 2 and changed.headers["etag"] == '"2"'
    with unchanged(server):
        error = assert_error(clerk.patch(path, json={"name": "neuer"}, headers={"If-Match": '"1"'}), 412)
        assert "version 2" in error["message"]
        assert_error(clerk.delete(path, headers={"If-Match": '"1"'}), 412, "precondition_failed")
    assert clerk.delete(path, headers={"If-Match": 'W/"2"'}).status_code == 204
    assert_error(clerk.patch(path, json={"name": "x"}, headers={"If-Match": '"2"'}), 404, "not_found")


# ------------------------------------------------------------------------------------------ who writes


@pytest.mark.parametrize("who", ["member", "admin"])
def test_non_clerks_cannot_write(
    world_server: tuple[LiveServer, World], clients: dict[str, httpx.Client], who: str
) -> None:
    server, world = world_server
    c = clients[who]
    ids = world.ids
    p = valid_payloads(world)
    with unchanged(server):
        for plural, body in p.items():
            assert_error(c.post(f"/api/v1/{plural}", json=body), 403, "forbidden")
        assert_error(
            c.patch(f"/api/v1/papers/{ids['public_paper']}", json={"name": "x"}, headers={"If-Match": "*"}),
            403,
            "forbidden",
        )
        assert_error(
            c.patch(
                f"/api/v1/meetings/{ids['published_meeting']}",
                json={"state": "cancelled"},
                headers={"If-Match": "*"},
            ),
            403,
            "forbidden",
        )
        assert_error(
            c.delete(f"/api/v1/agenda-items/{ids['public_item']}", headers={"If-Match": "*"}),
            403,
            "forbidden",
        )
        assert_error(
            c.delete(f"/api/v1/files/{ids['public_file']}", headers={"If-Match": "*"}), 403, "forbidden"
        )
        assert_error(
            c.put(f"/api/v1/efiles/{ids['unshared_efile']}/shares/{ids['person_member']}"), 403, "forbidden"
        )
        assert_error(
            c.delete(f"/api/v1/efiles/{ids['shared_efile']}/shares/{ids['person_member']}"), 403, "forbidden"
        )


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ga_forged-token",
        "Basic Y2xlcms6cHctc2VjcmV0LTE=",
        "Token {token}",
        "Bearer {token}x",
        "Bearer {refresh}",
        "bearer  {token}junk",
        "Bearer " + "a" * 5000,
    ],
    ids=[
        "none",
        "empty",
        "scheme-only",
        "forged",
        "basic",
        "other-scheme",
        "tampered",
        "refresh-token",
        "junk",
        "long",
    ],
)
def test_forged_or_missing_tokens(world_server: tuple[LiveServer, World], authorization: str | None) -> None:
    server, world = world_server
    login = server.login("clerk")
    headers = {}
    if authorization is not None:
        headers["Authorization"] = authorization.format(
            token=login["access_token"], refresh=login["refresh_token"]
        )
    with unchanged(server), server.client() as c:
        for method, path, body in (
            ("POST", "/api/v1/papers", {"name": "x"}),
            ("PATCH", f"/api/v1/papers/{world.ids['public_paper']}", {"name": "x"}),
            ("DELETE", f"/api/v1/papers/{world.ids['public_paper']}", None),
        ):
            r = c.request(method, path, json=body, headers={**headers, "If-Match": "*"})
            assert_error(r, 401, "unauthenticated")
            assert r.headers["www-authenticate"] == "Bearer"


def test_expired_token(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> None:
    with live_server(tmp_path, database_url(request, backend, tmp_path)) as server:
        world = build_world(server.ctx)
        signed_in = server.login("clerk")
        with server.client(signed_in["access_token"]) as c:
            assert c.get("/api/v1/me").status_code == 200
            # its lifetime is over (moved into the past rather than waited out: on a slow machine a
            # lifetime short enough to wait for could end before the first request)
            with write_session(server.ctx.sessions) as s:
                device = s.get(Device, signed_in["device_id"])
                assert device is not None
                device.access_expires = datetime.now(UTC) - timedelta(seconds=1)
            with unchanged(server):
                for method, path, body in (
                    ("POST", "/api/v1/papers", {"name": "zu spät"}),
                    ("PATCH", f"/api/v1/papers/{world.ids['public_paper']}", {"name": "zu spät"}),
                    ("DELETE", f"/api/v1/papers/{world.ids['public_paper']}", None),
                    ("POST", "/api/v1/blobs", None),
                ):
                    r = c.request(method, path, json=body, headers={"If-Match": "*"})
                    error = assert_error(r, 401, "unauthenticated")
                    assert "expired" in error["message"], error
                    assert r.headers["www-authenticate"] == "Bearer"


# ----------------------------------------------------------------------------------------- idempotency


def test_same_idempotency_key_creates_once(
    world_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]
) -> None:
    server, _ = world_server
    clerk = clients["clerk"]
    body = {"name": "Einmalige Vorlage", "reference": "24-0777", "public": False}
    before = snapshot(server)
    first = clerk.post("/api/v1/papers", json=body, headers={"Idempotency-Key": "outbox-0001"})
    assert first.status_code == 201
    after_first = snapshot(server)
    assert after_first["paper"] == before["paper"] + 1
    assert after_first["idempotency_record"] == before["idempotency_record"] + 1
    with unchanged(server):
        again = clerk.post("/api/v1/papers", json=body, headers={"Idempotency-Key": "outbox-0001"})
        reordered = clerk.post(
            "/api/v1/papers",
            content=json.dumps(dict(reversed(body.items()))).encode(),
            headers={"Idempotency-Key": "outbox-0001", "Content-Type": "application/json"},
        )
    for replay in (again, reordered):
        assert replay.status_code == 201
        assert replay.content == first.content
    with server.ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Paper).where(Paper.reference == "24-0777")) == 1
    # the same key with another body, or on another endpoint: a conflict, nothing written
    with unchanged(server):
        error = assert_error(
            clerk.post(
                "/api/v1/papers",
                json={**body, "name": "Andere Vorlage"},
                headers={"Idempotency-Key": "outbox-0001"},
            ),
            409,
            "conflict",
        )
        assert "Idempotency-Key" in error["message"]
        assert_error(
            clerk.post(
                "/api/v1/efiles",
                json={"reference_number": "AZ-77", "title": "x"},
                headers={"Idempotency-Key": "outbox-0001"},
            ),
            409,
            "conflict",
        )
        assert_error(
            clerk.post("/api/v1/papers", json=body, headers={"Idempotency-Key": "k" * 101}), 422, "invalid"
        )
    # keys belong to their user: another clerk's identical key is a new request
    other = clients["foreign_clerk"].post(
        "/api/v1/papers", json=body, headers={"Idempotency-Key": "outbox-0001"}
    )
    assert other.status_code == 201
    assert other.json()["id"] != first.json()["id"]


def test_refused_request_does_not_use_up_its_key(
    world_server: tuple[LiveServer, World], clerk: httpx.Client
) -> None:
    """A refused create records nothing: the corrected request with the same key goes through."""
    server, world = world_server
    body = {**valid_payloads(world)["meetings"], "start": "2030-05-01T17:00:00"}
    with unchanged(server):
        assert_error(
            clerk.post("/api/v1/meetings", json=body, headers={"Idempotency-Key": "outbox-0002"}), 422
        )
    body["start"] += "+02:00"
    r = clerk.post("/api/v1/meetings", json=body, headers={"Idempotency-Key": "outbox-0002"})
    assert r.status_code == 201, r.text


# --------------------------------------------------------------------------------------- server errors


def test_internal_error_leaks_nothing(fresh_server: tuple[LiveServer, World]) -> None:
    """A table the endpoint needs is dropped behind the server's back: a 500 with a reference, no details."""
    server, _ = fresh_server
    token = server.token("clerk")
    engine = create_engine(server.ctx.settings.effective_database_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE idempotency_record")
    finally:
        engine.dispose()

    def counts() -> tuple[int, int]:
        with server.ctx.sessions() as s:
            return last_seq(s), int(s.scalar(select(func.count()).select_from(Paper)) or 0)

    before = counts()
    with server.client(token) as c:
        for given in ("ref-4711", None):
            headers = {"Idempotency-Key": "outbox-9"} | ({"X-Request-Id": given} if given else {})
            r = c.post("/api/v1/papers", json={"name": "Vorlage"}, headers=headers)
            error = assert_error(r, 500, "internal")
            rid = r.headers["x-request-id"]
            if given:
                assert rid == given
            assert rid and rid in error["message"]
            assert error["message"].endswith(f"Reference: {rid}")
            assert set(error) == {"code", "title", "message"}
        # the connection stays usable: the next request on the same client gets its answer
        assert c.get("/api/v1/me").status_code == 200
        assert counts() == before  # the failed requests wrote nothing
        ok = c.post("/api/v1/papers", json={"name": "ohne Schlüssel"})
        assert ok.status_code == 201
    seq, papers = counts()
    assert seq > before[0] and papers == before[1] + 1


# ------------------------------------------------------------------------------------- operational


def test_health_and_openapi(world_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]) -> None:
    c = clients["anonymous"]
    health = c.get("/health")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert health.headers["x-request-id"]
    spec = c.get("/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    for plural in WRITABLE:
        assert "post" in paths[f"/api/v1/{plural}"]
        assert {"patch", "delete"} <= set(paths[f"/api/v1/{plural}/{{obj_id}}"])
    assert "post" in paths["/api/v1/blobs"]


@pytest.mark.parametrize(
    "path",
    [
        "/nothing",
        "/api/v1/nothing",
        "/api/v2/papers",
        "/api/v1/papers/1/extra",
        "/api/v1/files/1/content/x",
        "/api/v1/papers/abc",
    ],
)
def test_unknown_routes_give_json_404(
    world_server: tuple[LiveServer, World], clients: dict[str, httpx.Client], path: str
) -> None:
    server, _ = world_server
    with unchanged(server):
        r = clients["clerk"].get(path)
        if path.endswith("/abc"):  # a route that exists, with an id that is not a number
            assert_error(r, 422, "invalid")
        else:
            assert_error(r, 404, "not_found")
        assert_error(clients["clerk"].post(path, json={}), (404, 405, 422))


def test_wrong_method_gives_json_405(
    world_server: tuple[LiveServer, World], clients: dict[str, httpx.Client]
) -> None:
    server, world = world_server
    c = clients["clerk"]
    with unchanged(server):
        for method, path in (
            ("PUT", f"/api/v1/papers/{world.ids['public_paper']}"),
            ("DELETE", "/api/v1/papers"),
            ("POST", "/health"),
            ("PUT", "/api/v1/blobs"),
        ):
            r = c.request(method, path, json={"name": "x"})
            assert_error(r, 405, "method_not_allowed")
            assert r.headers["allow"]
