"""Our backend speaks OParl 1.1: a crawler walks the whole system from `/oparl/v1.1/system`, following
every link like a real OParl client, and checks every object and list against the OParl 1.1 JSON
schemas (tests/data/oparl-1.1-schema); anonymous callers see nothing that is not public; a member
sees the non-public items of their committee with the vendor marker; `modified_since` answers what
changed and tombstones of what was deleted or left the caller's sight; pages chain correctly."""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource

from sync.server.api.write import delete_tree
from sync.server.db import write_session
from sync.server.models import Meeting, MeetingState, Paper
from tests.integration.live import LiveServer
from tests.integration.world import World

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "data" / "oparl-1.1-schema"
SCHEMA_BASE = "https://schema.oparl.org/1.1/"
ROOT = "/oparl/v1.1/system"
VENDOR_PUBLIC = "gremalda:public"
# a tombstone keeps id, type, created and modified, and what its schema requires
TOMBSTONE_FIELDS = {"id", "type", "created", "modified", "deleted", "order", "accessUrl"}

# what no anonymous caller may ever read: names and file names of the world's non-public objects
NON_PUBLIC_TEXT = [
    "Grundstücksgeheimnis",
    "Geheime Vorlage",
    "Entwurfsvorlage",
    "Sitzung A Entwurf",
    "Entwurfspunkt",
    "private_file",
    "private_item_file",
    "draft_file",
    "shared_efile_file",
    "unshared_efile_file",
    "Geteilte Akte",
    "Verschlossene Akte",
    "Geheimer Ort",
    VENDOR_PUBLIC,
]
NON_PUBLIC_OBJECTS = {
    "private_item": "agenda-items",
    "draft_item": "agenda-items",
    "private_paper": "papers",
    "draft_paper": "papers",
    "draft_meeting": "meetings",
    "private_file": "files",
    "private_item_file": "files",
    "draft_file": "files",
    "shared_efile_file": "files",
    "unshared_efile_file": "files",
}


# -- the schemas ------------------------------------------------------------------------------------

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
_checker = FormatChecker()


@_checker.checks("url")
def _is_url(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@_checker.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        raise ValueError(f"{value!r} is no RFC 3339 date-time with an offset")
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@_checker.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if isinstance(value, str):
        date.fromisoformat(value)
    return True


def _validators() -> dict[str, Draft7Validator]:
    schemas = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMA_DIR.glob("*.json")}
    registry: Registry[Any] = Registry()
    for name, schema in schemas.items():
        resource = Resource.from_contents(schema)
        # the schemas refer to each other as "File.json" (and once as "Organization") relative to their $id
        registry = registry.with_resources(
            [(SCHEMA_BASE + name, resource), (SCHEMA_BASE + name + ".json", resource)]
        )
    return {
        name: Draft7Validator(schema, registry=registry, format_checker=_checker)
        for name, schema in schemas.items()
    }


VALIDATORS = _validators()


def schema_errors(obj: dict[str, Any]) -> list[str]:
    name = str(obj.get("type", "")).removeprefix(SCHEMA_BASE)
    if name not in VALIDATORS:
        return [f"{obj.get('id')}: unknown type {obj.get('type')!r}"]
    return [
        f"{obj.get('id')}: {'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in VALIDATORS[name].iter_errors(obj)
    ]


def test_the_vendored_schemas_are_the_oparl_1_1_schemas() -> None:
    assert sorted(VALIDATORS) == sorted(
        [
            "AgendaItem",
            "Body",
            "Consultation",
            "File",
            "LegislativeTerm",
            "Location",
            "Meeting",
            "Membership",
            "Organization",
            "Paper",
            "Person",
            "System",
        ]
    )
    for name, validator in VALIDATORS.items():
        Draft7Validator.check_schema(validator.schema)
        assert validator.schema["properties"]["type"]["const"] == SCHEMA_BASE + name
    # the checks bite: an agenda item without its order, a file without accessUrl, an offset-less time
    assert schema_errors({"id": "https://x.org/a/1", "type": SCHEMA_BASE + "AgendaItem"})
    bad_time = {"id": "https://x.org/m/1", "type": SCHEMA_BASE + "Meeting", "start": "2024-01-01T10:00:00"}
    assert schema_errors(bad_time)
    embedded_file = {"id": "https://x.org/m/1", "type": SCHEMA_BASE + "Meeting", "invitation": {"id": "x"}}
    assert len(schema_errors(embedded_file)) >= 2


# -- the crawler -------------------------------------------------------------------------------------


@dataclass
class Crawl:
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> object (embedded ones too)
    fetched: dict[str, int] = field(default_factory=dict)  # URL -> status
    texts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    file_urls: set[str] = field(default_factory=set)


def _walk_values(value: Any, base: str, found: set[str], embedded: list[dict[str, Any]]) -> None:
    if isinstance(value, dict):
        if "id" in value and "type" in value:
            embedded.append(value)
        for key, inner in value.items():
            if key in ("id", "accessUrl", "downloadUrl"):
                continue
            _walk_values(inner, base, found, embedded)
    elif isinstance(value, list):
        for inner in value:
            _walk_values(inner, base, found, embedded)
    elif isinstance(value, str) and value.startswith(base):
        found.add(value)


def _check_object(crawl: Crawl, obj: dict[str, Any], base: str, embedded: bool = False) -> None:
    crawl.errors += schema_errors(obj)
    if not str(obj.get("id", "")).startswith(base):
        crawl.errors.append(f"{obj.get('id')}: the id is not an absolute URL of this server")
    if not obj.get("deleted") and not ("created" in obj and "modified" in obj):
        crawl.errors.append(f"{obj.get('id')}: created or modified missing")
    if obj.get("deleted") and set(obj) - TOMBSTONE_FIELDS:
        crawl.errors.append(f"{obj.get('id')}: a tombstone keeps content: {sorted(obj)}")
    if embedded:
        crawl.objects.setdefault(obj["id"], obj)
    else:  # an object answered under its id or in a list has its back-references
        crawl.objects[obj["id"]] = obj
    for key in ("accessUrl", "downloadUrl"):
        if key in obj:
            crawl.file_urls.add(obj[key])


def crawl(server: LiveServer, token: str | None = None, start: str = ROOT) -> Crawl:
    """Fetches everything reachable from `start`, checking each answer on the way."""
    out = Crawl()
    base = server.url + "/oparl/v1.1/"
    queue = deque([server.url + start])
    with server.client(token) as client:
        while queue:
            url = queue.popleft()
            if url in out.fetched:
                continue
            r = client.get(url)
            out.fetched[url] = r.status_code
            out.texts.append(r.text)
            if r.status_code != 200:
                out.errors.append(f"{url}: status {r.status_code}")
                continue
            body = r.json()
            links: set[str] = set()
            embedded: list[dict[str, Any]] = []
            if "data" in body and "pagination" in body:
                out.errors += _list_errors(url, body)
                for item in body["data"]:
                    _walk_values(item, base, links, embedded)
                    _check_object(out, item, base)
                    links.add(item["id"])  # every listed object answers under its id
                if "next" in body["links"]:
                    links.add(body["links"]["next"])
            else:
                if body.get("id") != url.split("?")[0]:
                    out.errors.append(f"{url}: answers an object with id {body.get('id')}")
                _walk_values(body, base, links, embedded)
                _check_object(out, body, base)
            for inner in embedded:
                _check_object(out, inner, base, embedded=True)
                links.add(inner["id"])
            queue.extend(sorted(links - set(out.fetched)))
    return out


def _list_errors(url: str, body: dict[str, Any]) -> list[str]:
    errors = []
    if not isinstance(body["data"], list):
        errors.append(f"{url}: data is no array")
    pagination = body["pagination"]
    for key in ("totalElements", "elementsPerPage", "currentPage", "totalPages"):
        if not isinstance(pagination.get(key), int):
            errors.append(f"{url}: pagination.{key} missing")
    links = body["links"]
    if pagination.get("currentPage", 0) < pagination.get("totalPages", 0) and "next" not in links:
        errors.append(f"{url}: no next link before the last page")
    for key, value in links.items():
        if not _is_url(value):
            errors.append(f"{url}: links.{key} is no URL")
    return errors


def _assert_clean(result: Crawl) -> None:
    assert not result.errors, "\n".join(result.errors[:40])


# -- read-only tests on the shared world ------------------------------------------------------------


@pytest.fixture(scope="module")
def placed(world_server: tuple[LiveServer, World]) -> tuple[LiveServer, World]:
    """The world's meetings with places (OParl Location objects), the draft's a secret one."""
    server, world = world_server
    with write_session(server.ctx.sessions) as s:
        for key, place in (("published_meeting", "Rathaus, Raum 101"), ("draft_meeting", "Geheimer Ort")):
            meeting = s.get(Meeting, world.ids[key])
            assert meeting is not None
            meeting.location = place
    return world_server


@pytest.fixture(scope="module")
def anonymous_crawl(placed: tuple[LiveServer, World]) -> Crawl:
    server, _ = placed
    return crawl(server)


@pytest.fixture(scope="module")
def member_crawl(placed: tuple[LiveServer, World]) -> Crawl:
    server, _ = placed
    return crawl(server, server.token("member"))


@pytest.fixture(scope="module")
def clerk_crawl(placed: tuple[LiveServer, World]) -> Crawl:
    server, _ = placed
    return crawl(server, server.token("clerk"))


def _url(server: LiveServer, plural: str, obj_id: int) -> str:
    return f"{server.url}/oparl/v1.1/{plural}/{obj_id}"


def test_the_whole_system_validates_against_the_oparl_schemas(
    world_server: tuple[LiveServer, World], anonymous_crawl: Crawl, member_crawl: Crawl, clerk_crawl: Crawl
) -> None:
    server, world = world_server
    for result in (anonymous_crawl, member_crawl, clerk_crawl):
        _assert_clean(result)
        types = {str(o["type"]).removeprefix(SCHEMA_BASE) for o in result.objects.values()}
        assert types == {
            "System",
            "Body",
            "Organization",
            "Person",
            "Membership",
            "Meeting",
            "AgendaItem",
            "Paper",
            "Consultation",
            "File",
            "Location",
        }, types
    system = anonymous_crawl.objects[server.url + ROOT]
    assert system["oparlVersion"] == SCHEMA_BASE
    # the crawler reached every public object of the world
    for key, plural in (
        ("published_meeting", "meetings"),
        ("cancelled_meeting", "meetings"),
        ("public_item", "agenda-items"),
        ("public_paper", "papers"),
        ("public_file", "files"),
        ("invitation_file", "files"),
        ("committee_a", "organizations"),
        ("person_member", "persons"),
        ("other_body", "bodies"),
    ):
        assert _url(server, plural, world.ids[key]) in anonymous_crawl.objects, key


def test_anonymous_callers_see_nothing_that_is_not_public(
    world_server: tuple[LiveServer, World], anonymous_crawl: Crawl
) -> None:
    server, world = world_server
    everything = "\n".join(anonymous_crawl.texts)
    for text in NON_PUBLIC_TEXT:
        assert text not in everything, f"anonymous OParl output shows {text!r}"
    for key, plural in NON_PUBLIC_OBJECTS.items():
        url = _url(server, plural, world.ids[key])
        assert url not in everything, f"anonymous OParl output links {key}"
        with server.client() as c:
            assert c.get(url).status_code == 404
            assert c.get(url + "/access").status_code == 404
            assert c.get(url + "/download").status_code == 404
    published = anonymous_crawl.objects[_url(server, "meetings", world.ids["published_meeting"])]
    assert [i["name"] for i in published["agendaItem"]] == ["Öffentlicher Punkt"]
    place = anonymous_crawl.objects[published["location"]["id"]]
    assert place["description"] == "Rathaus, Raum 101" and place["meetings"] == [published["id"]]
    with server.client() as c:
        draft_place = _url(server, "meetings", world.ids["draft_meeting"]) + "/location"
        assert c.get(draft_place).status_code == 404
        no_place = _url(server, "meetings", world.ids["cancelled_meeting"]) + "/location"
        assert c.get(no_place).status_code == 404


def test_a_member_sees_the_non_public_items_of_their_committee_marked(
    world_server: tuple[LiveServer, World], member_crawl: Crawl
) -> None:
    server, world = world_server
    seen = member_crawl.objects
    for key, plural in (
        ("private_item", "agenda-items"),
        ("private_paper", "papers"),
        ("private_file", "files"),
        ("private_item_file", "files"),
    ):
        obj = seen[_url(server, plural, world.ids[key])]
        assert obj[VENDOR_PUBLIC] is False, key
    assert seen[_url(server, "agenda-items", world.ids["private_item"])]["public"] is False
    for key, plural in (
        ("public_item", "agenda-items"),
        ("public_paper", "papers"),
        ("public_file", "files"),
    ):
        assert VENDOR_PUBLIC not in seen[_url(server, plural, world.ids[key])], key
    meeting = seen[_url(server, "meetings", world.ids["published_meeting"])]
    assert [i["name"] for i in meeting["agendaItem"]] == ["Öffentlicher Punkt", "Grundstücksgeheimnis"]
    assert [i["order"] for i in meeting["agendaItem"]] == [1, 2]
    # drafts are the clerks', e-files have no place in OParl
    everything = "\n".join(member_crawl.texts)
    for text in ("Sitzung A Entwurf", "Entwurfspunkt", "Entwurfsvorlage", "draft_file", "shared_efile_file"):
        assert text not in everything, text


def test_a_clerk_sees_drafts_marked(world_server: tuple[LiveServer, World], clerk_crawl: Crawl) -> None:
    server, world = world_server
    draft = clerk_crawl.objects[_url(server, "meetings", world.ids["draft_meeting"])]
    assert draft[VENDOR_PUBLIC] is False
    assert draft["gremalda:state"] == "draft"
    assert [i["name"] for i in draft["agendaItem"]] == ["Entwurfspunkt"]
    assert clerk_crawl.objects[_url(server, "papers", world.ids["draft_paper"])][VENDOR_PUBLIC] is False


def test_file_urls_serve_the_bytes(world_server: tuple[LiveServer, World], anonymous_crawl: Crawl) -> None:
    server, world = world_server
    assert anonymous_crawl.file_urls
    file_url = _url(server, "files", world.ids["public_file"])
    with server.client() as c:
        for url in sorted(anonymous_crawl.file_urls):
            r = c.get(url)
            assert r.status_code == 200 and r.content == world.pdf, url
        access = c.get(file_url + "/access")
        download = c.get(file_url + "/download")
        ranged = c.get(file_url + "/access", headers={"Range": "bytes=0-3"})
        head = c.head(file_url + "/download")
    assert not access.headers["content-disposition"].startswith("attachment")
    assert download.headers["content-disposition"].startswith('attachment; filename="public_file.pdf"')
    assert download.headers["content-type"] == "application/pdf"
    assert ranged.status_code == 206 and ranged.content == world.pdf[:4]
    assert head.status_code == 200 and head.headers["content-length"] == str(len(world.pdf))
    with server.client(server.token("member")) as c:
        private = c.get(_url(server, "files", world.ids["private_file"]) + "/access")
        efile = c.get(_url(server, "files", world.ids["shared_efile_file"]) + "/access")
    assert private.status_code == 200 and private.content == world.pdf
    assert efile.status_code == 404


@pytest.mark.parametrize("auth", ["Bearer ga_forged-token", "Basic dXNlcjpwdw==", "Bearer"])
def test_a_bad_token_is_refused_not_ignored(world_server: tuple[LiveServer, World], auth: str) -> None:
    server, _ = world_server
    with server.client() as c:
        r = c.get(ROOT, headers={"Authorization": auth})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"


def _follow(client: httpx.Client, url: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """All objects of a list by following `next`, and every page's body."""
    objects: list[dict[str, Any]] = []
    pages: list[dict[str, Any]] = []
    seen_urls = set()
    while url:
        assert url not in seen_urls, f"page loop at {url}"
        seen_urls.add(url)
        r = client.get(url)
        assert r.status_code == 200, r.text
        pages.append(r.json())
        objects += r.json()["data"]
        url = r.json()["links"].get("next")
    return objects, pages


@pytest.mark.parametrize("plural", ["persons", "memberships", "organizations", "files", "agenda-items"])
def test_following_next_yields_every_object_exactly_once(
    world_server: tuple[LiveServer, World], plural: str
) -> None:
    server, world = world_server
    url = f"{server.url}/oparl/v1.1/bodies/{world.ids['body']}/{plural}"
    with server.client(server.token("clerk")) as c:
        whole, _ = _follow(c, url)
        paged, pages = _follow(c, url + "?elementsPerPage=2")
    ids = [o["id"] for o in paged]
    assert len(ids) == len(set(ids)), "an object came twice"
    assert ids == [o["id"] for o in whole] and len(ids) >= 3
    assert len(pages) == pages[0]["pagination"]["totalPages"] == -(-len(ids) // 2)
    for number, page in enumerate(pages, 1):
        p, links = page["pagination"], page["links"]
        assert p["currentPage"] == number and p["totalElements"] == len(ids) and p["elementsPerPage"] == 2
        assert links["first"] == pages[0]["links"]["self"]
        assert links["last"] == pages[-1]["links"]["self"]
        assert ("prev" in links) == (number > 1) and ("next" in links) == (number < len(pages))
        if number > 1:
            assert links["prev"] == pages[number - 2]["links"]["self"]


def test_omit_internal_leaves_out_embedded_objects(world_server: tuple[LiveServer, World]) -> None:
    server, world = world_server
    with server.client() as c:
        r = c.get(f"/oparl/v1.1/bodies/{world.ids['body']}/meetings", params={"omit_internal": "true"})
    meetings = r.json()["data"]
    assert meetings and all("agendaItem" not in m and "invitation" not in m for m in meetings)
    assert not [e for m in meetings for e in schema_errors(m)]
    assert "omit_internal=true" in r.json()["links"]["self"]


def test_bad_filters_are_refused(world_server: tuple[LiveServer, World]) -> None:
    server, world = world_server
    url = f"/oparl/v1.1/bodies/{world.ids['body']}/papers"
    with server.client() as c:
        assert c.get(url, params={"modified_since": "yesterday"}).status_code == 422
        assert c.get(url, params={"page": "0"}).status_code == 422
        assert c.get(url, params={"elementsPerPage": "-1"}).status_code == 422
        assert c.get(f"/oparl/v1.1/bodies/{world.ids['body'] + 1000}/papers").status_code == 404


# -- changes: modified_since, created_since and tombstones -------------------------------------------


def _list(
    client: httpx.Client, server: LiveServer, body: int, plural: str, **params: str
) -> list[dict[str, Any]]:
    url = str(httpx.URL(f"{server.url}/oparl/v1.1/bodies/{body}/{plural}", params=params))
    objects, pages = _follow(client, url)
    for page in pages:
        for key in ("first", "self", "last", "next", "prev"):
            if key in page["links"]:
                query = parse_qs(urlsplit(page["links"][key]).query)
                for name, value in params.items():
                    if name != "elementsPerPage":
                        assert name in query, f"links.{key} dropped {name}"
                        assert datetime.fromisoformat(query[name][0]) == datetime.fromisoformat(value)
    for obj in objects:
        assert not schema_errors(obj), schema_errors(obj)
    return objects


def _a_moment_after_every_write() -> datetime:
    """A time later than every time written so far (the server runs in this process, on this clock) and
    not later than any written from now on: the clock is read until it has moved on by a microsecond.
    (A margin back from "now" would take in the world's last writes when the test starts within it.)"""
    first = datetime.now(UTC)
    while (now := datetime.now(UTC)) <= first:
        pass
    return now


def test_modified_since_answers_changes_and_tombstones(fresh_server: tuple[LiveServer, World]) -> None:
    server, world = fresh_server
    ids = world.ids
    body = ids["body"]
    since = _a_moment_after_every_write()
    stamp = since.isoformat()
    anonymous = server.client()
    clerk = server.client(server.token("clerk"))
    assert _list(anonymous, server, body, "papers", modified_since=stamp) == []

    with write_session(server.ctx.sessions) as s:
        paper = s.get(Paper, ids["public_paper"])
        assert paper is not None
        paper.name = "Öffentliche Vorlage, neu gefasst"
        s.add(Paper(body_id=body, reference="22-0009", name="Neue Vorlage"))
        for key in ("cancelled_meeting", "draft_paper"):
            model = Meeting if key.endswith("meeting") else Paper
            delete_tree(s, s.get(model, ids[key]))
        published = s.get(Meeting, ids["published_meeting"])
        assert published is not None
        published.state = MeetingState.DRAFT  # withdrawn: anonymous callers must drop it

    # the changed and the new paper; the deleted draft paper was never public: no tombstone
    papers = _list(anonymous, server, body, "papers", modified_since=stamp, elementsPerPage="1")
    assert sorted(p["name"] for p in papers) == ["Neue Vorlage", "Öffentliche Vorlage, neu gefasst"]
    created = _list(anonymous, server, body, "papers", created_since=stamp)
    assert [p["name"] for p in created] == ["Neue Vorlage"]
    # the deleted meeting and the withdrawn one are tombstones, and only with modified_since
    meetings = _list(anonymous, server, body, "meetings", modified_since=stamp, elementsPerPage="1")
    assert all(m.get("deleted") is True for m in meetings)
    assert {m["id"] for m in meetings} == {
        _url(server, "meetings", ids["cancelled_meeting"]),
        _url(server, "meetings", ids["published_meeting"]),
    }
    assert not [m for m in _list(anonymous, server, body, "meetings") if m.get("deleted")]
    items = _list(anonymous, server, body, "agenda-items", modified_since=stamp)
    assert {i["id"] for i in items if i.get("deleted")} == {
        _url(server, "agenda-items", ids["cancelled_item"]),
        _url(server, "agenda-items", ids["public_item"]),
    }
    files = _list(anonymous, server, body, "files", modified_since=stamp)
    assert {f["id"] for f in files if f.get("deleted")} == {_url(server, "files", ids["invitation_file"])}
    # a tombstone answers under its URL too, to whoever could see the object
    gone = anonymous.get(_url(server, "meetings", ids["cancelled_meeting"])).json()
    assert gone["deleted"] is True and not schema_errors(gone)
    assert anonymous.get(_url(server, "meetings", ids["published_meeting"])).json()["deleted"] is True
    assert anonymous.get(_url(server, "papers", ids["draft_paper"])).status_code == 404
    assert clerk.get(_url(server, "papers", ids["draft_paper"])).json()["deleted"] is True
    # the clerk still sees the withdrawn meeting, now a draft
    withdrawn = clerk.get(_url(server, "meetings", ids["published_meeting"])).json()
    assert withdrawn["gremalda:state"] == "draft" and withdrawn[VENDOR_PUBLIC] is False
    clerk_meetings = _list(clerk, server, body, "meetings", modified_since=stamp)
    assert {m["id"] for m in clerk_meetings if m.get("deleted")} == {
        _url(server, "meetings", ids["cancelled_meeting"])
    }
    # modified_until and a later modified_since see none of it
    later = (datetime.now(UTC) + timedelta(seconds=5)).isoformat()
    assert _list(anonymous, server, body, "meetings", modified_since=later) == []
    assert _list(anonymous, server, body, "papers", modified_until=stamp, modified_since=stamp) == []
    whole = crawl(server)
    _assert_clean(whole)
    assert "Sitzung A öffentlich" not in "\n".join(whole.texts)


def test_times_with_offsets_filter_by_their_instant(fresh_server: tuple[LiveServer, World]) -> None:
    server, world = fresh_server
    body = world.ids["body"]
    since = _a_moment_after_every_write()
    with write_session(server.ctx.sessions) as s:
        s.add(Paper(body_id=body, reference="22-0010", name="Nach der Zeit"))
    plus_one = since.astimezone(timezone(timedelta(hours=1))).isoformat()  # the same instant
    an_hour_later = since.replace(tzinfo=timezone(timedelta(hours=-1))).isoformat()
    with server.client() as c:
        for given in (since.isoformat(), plus_one, since.isoformat().replace("+00:00", "Z")):
            names = [p["name"] for p in _list(c, server, body, "papers", modified_since=given)]
            assert names == ["Nach der Zeit"], given
        assert _list(c, server, body, "papers", modified_since=an_hour_later) == []
        # an unencoded "+" of the offset arrives as a space, and still means the offset
        raw = c.get(f"{server.url}/oparl/v1.1/bodies/{body}/papers?modified_since={plus_one}")
        assert [p["name"] for p in raw.json()["data"]] == ["Nach der Zeit"]
