"""OParl over HTTP as real servers serve it: lenient JSON, fetchable URLs, list paging (no sockets: an
httpx MockTransport plays the server)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from sync.client.errors import InsecureServerUrl, NotFound, ServerError
from sync.engine import RetryPolicy
from sync.oparl.http import BrokenJson, NotJson, OParlHttp, UrlMap, decode_json, with_params
from sync.oparl.lists import ListWalk
from sync.oparl.repairs import RepairLog

BASE = "http://127.0.0.1:9/oparl/"
QUICK = RetryPolicy(attempts=3, base=0.001, cap=0.002)


def _http(handler: Callable[[httpx.Request], httpx.Response], log: RepairLog | None = None) -> OParlHttp:
    return OParlHttp(
        BASE + "system",
        log=log or RepairLog(),
        transport=httpx.MockTransport(handler),
        retry=QUICK,
        trust_env=False,
    )


def _json(data: Any, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=data)


# --- JSON ------------------------------------------------------------------------------------------------


def test_raw_and_escaped_control_characters_are_removed() -> None:
    log = RepairLog()
    raw = b'{"name": "Rat\x01\x1f", "other": "a\\u000bb", "ok": "tab\\there"}'
    assert decode_json(raw, "x", log) == {"name": "Rat", "other": "ab", "ok": "tab\there"}
    assert log.count("control-characters") >= 1


def test_bom_and_windows_1252_are_read() -> None:
    log = RepairLog()
    assert decode_json(b'\xef\xbb\xbf{"a": 1}', "x", log) == {"a": 1}
    assert decode_json('{"name": "Hürtgenwald"}'.encode("cp1252"), "x", log) == {"name": "Hürtgenwald"}
    assert log.count("not-utf8") == 1


def test_html_and_garbage_are_not_json() -> None:
    with pytest.raises(NotJson):
        decode_json(b"<!DOCTYPE html><html><body>Fehler</body></html>", "x", RepairLog())
    with pytest.raises(BrokenJson):
        decode_json(b'{"data": [', "x", RepairLog())
    assert decode_json(b'{"a": 1}', "x", RepairLog(), "text/html") == {"a": 1}  # JSON sent as text/html


# --- URLs ------------------------------------------------------------------------------------------------


def test_ids_of_an_internal_host_are_made_fetchable() -> None:
    log = RepairLog()
    urls = UrlMap("http://127.0.0.1:8000/rim/oparl/v1.0/system", log)
    urls.learn("http://127.0.0.1:8000/rim/oparl/v1.0/system", "https://ris-intern:8443/rim/oparl/v1.0/system")
    assert urls.fetchable("https://ris-intern:8443/rim/oparl/v1.0/body/1/meeting?page=2") == (
        "http://127.0.0.1:8000/rim/oparl/v1.0/body/1/meeting?page=2"
    )
    assert urls.fetchable("https://ris-intern:8443-other/x") == "https://ris-intern:8443-other/x"
    assert urls.same(
        "https://ris-intern:8443/rim/oparl/v1.0/body/1", "http://127.0.0.1:8000/rim/oparl/v1.0/body/1/"
    )
    assert log.count("foreign-id") >= 1


def test_a_different_path_prefix_is_learnt_too() -> None:
    urls = UrlMap("https://ris.example.de/oparl/system", RepairLog())
    urls.learn("https://ris.example.de/oparl/system", "http://10.1.2.3:8080/app/webservice/oparl/system")
    assert (
        urls.fetchable("http://10.1.2.3:8080/app/webservice/oparl/body/1")
        == "https://ris.example.de/oparl/body/1"
    )


def test_plain_http_is_upgraded_except_on_this_computer() -> None:
    log = RepairLog()
    urls = UrlMap("https://ris.example.de/oparl/system", log)
    assert urls.fetchable("http://ris.example.de/oparl/body/1") == "https://ris.example.de/oparl/body/1"
    assert urls.fetchable("http://127.0.0.1:8000/x") == "http://127.0.0.1:8000/x"
    assert log.count("insecure-link") == 1


def test_no_plain_http_to_another_computer() -> None:
    with pytest.raises(InsecureServerUrl):
        OParlHttp("http://ris.example.de/oparl/system", log=RepairLog())


def test_with_params_replaces_and_adds() -> None:
    url = with_params(
        "https://x/papers.asp?body=2387&page=3", {"modified_since": "2020-01-01T00:00:00+01:00"}
    )
    parts = urlsplit(url)
    assert dict(parse_qsl(parts.query)) == {
        "body": "2387",
        "page": "3",
        "modified_since": "2020-01-01T00:00:00+01:00",
    }
    assert "%2B01%3A00" in url  # the offset's "+" is escaped
    assert dict(parse_qsl(urlsplit(with_params(url, {"page": "4"})).query))["page"] == "4"


# --- retries ---------------------------------------------------------------------------------------------


def test_an_html_page_with_status_200_is_asked_again() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url)
        if len(calls) == 1:
            return httpx.Response(200, html="<html><body>Wartungsarbeiten</body></html>")
        return _json({"id": BASE + "system", "type": "System"})

    log = RepairLog()
    with _http(handler, log) as http:
        assert http.get_json(BASE + "system")["type"] == "System"
        assert http.requests == 2
    assert log.count("html-200") == 1


def test_server_errors_are_retried_then_raised_and_404_is_not_retried() -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(503 if request.url.path.endswith("busy") else 404)

    with _http(handler) as http:
        with pytest.raises(ServerError):
            http.get_json(BASE + "busy")
        with pytest.raises(NotFound):
            http.get_json(BASE + "gone")
    assert calls.count("/oparl/busy") == QUICK.attempts and calls.count("/oparl/gone") == 1


# --- lists -----------------------------------------------------------------------------------------------


def _objects(n: int) -> list[dict[str, Any]]:
    return [
        {"id": f"{BASE}meeting/{i}", "type": "Meeting", "modified": "2020-01-01T00:00:00+01:00"}
        for i in range(n)
    ]


class _ListServer:
    """A paged list of objects with switchable misbehaviour."""

    def __init__(self, objects: list[dict[str, Any]], per_page: int = 3, **quirks: bool) -> None:
        self.objects = objects
        self.per_page = per_page
        self.quirks = quirks
        self.requests: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(str(request.url))
        query = dict(parse_qsl(request.url.query.decode()))
        filters = {k: v for k, v in query.items() if k != "page"}
        page = int(query.get("page", "1"))
        selected = [] if filters.get("modified_since", "").startswith("2030") else self.objects
        if filters and not selected:
            if self.quirks.get("empty_404"):
                return httpx.Response(404, html="<h1>Not found</h1>")
            if self.quirks.get("empty_bare"):
                return _json([])
        pages = max(1, -(-len(selected) // self.per_page))
        shown = min(page, pages) if self.quirks.get("loop") else page
        data = selected[(shown - 1) * self.per_page : shown * self.per_page]
        links: dict[str, str] = {}
        if page < pages or self.quirks.get("loop"):
            keep = {} if self.quirks.get("drop_filter") else filters
            links["next"] = with_params(BASE + "meeting", {**keep, "page": str(page + 1)})
        if self.quirks.get("next_to_first") and page == pages:
            links["next"] = with_params(BASE + "meeting", {**filters, "page": "1"})
        return _json({"data": data, "pagination": {"totalPages": pages}, "links": links})


def _walk(
    server: Callable[[httpx.Request], httpx.Response], filters: dict[str, str] | None = None
) -> tuple[list[str], ListWalk, RepairLog]:
    log = RepairLog()
    with _http(server, log) as http:
        walk = ListWalk(http, BASE + "meeting", filters)
        ids = [o["id"] for page in walk.pages() for o in page]
    return ids, walk, log


def test_a_list_is_read_page_by_page() -> None:
    server = _ListServer(_objects(10))
    ids, walk, log = _walk(server)
    assert ids == [o["id"] for o in server.objects] and walk.complete and len(server.requests) == 4
    assert log.incidents() == []


def test_a_next_link_without_the_filter_gets_it_back() -> None:
    server = _ListServer(_objects(7), drop_filter=True)
    since = {"modified_since": "2019-01-01T00:00:00+01:00"}
    ids, walk, log = _walk(server, since)
    assert len(ids) == 7 and walk.complete
    assert all("modified_since=2019-01-01T00%3A00%3A00%2B01%3A00" in url for url in server.requests)
    assert log.count("next-drops-filter") == 2


@pytest.mark.parametrize("quirk", ["loop", "next_to_first"])
def test_the_same_page_served_forever_ends_the_list(quirk: str) -> None:
    server = _ListServer(_objects(7), **{quirk: True})
    ids, walk, log = _walk(server)
    assert ids == [o["id"] for o in server.objects] and walk.complete
    assert log.count("page-loop") == 1 and len(server.requests) <= 4


@pytest.mark.parametrize("quirk", ["empty_404", "empty_bare", None])
def test_an_empty_filtered_list_in_any_form_is_empty(quirk: str | None) -> None:
    server = _ListServer(_objects(7), **({quirk: True} if quirk else {}))
    ids, walk, log = _walk(server, {"modified_since": "2030-01-01T00:00:00+01:00"})
    assert ids == [] and walk.complete and len(server.requests) == 1
    assert log.count(
        {"empty_404": "empty-list-404", "empty_bare": "empty-list-bare"}.get(quirk or "", "x")
    ) == (1 if quirk else 0)


def test_an_unfiltered_list_that_answers_404_is_incomplete() -> None:
    ids, walk, _ = _walk(_ListServer([]))
    assert ids == [] and walk.complete  # an empty list is fine ...

    def gone(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404)

    log = RepairLog()
    with _http(gone, log) as http:
        walk = ListWalk(http, BASE + "organization/1-3/meeting")
        assert [p for p in walk.pages()] == [] and not walk.complete  # ... a missing one is not
    assert log.count("list-404") == 1


def test_a_page_that_stays_broken_ends_the_list_incomplete() -> None:
    objects = _objects(9)

    def handler(request: httpx.Request) -> httpx.Response:
        if "page=2" in str(request.url):
            return httpx.Response(200, html="<html>Fehler</html>")
        return _json({"data": objects[:3], "links": {"next": BASE + "meeting?page=2"}})

    log = RepairLog()
    with _http(handler, log) as http:
        walk = ListWalk(http, BASE + "meeting")
        assert sum(len(p) for p in walk.pages()) == 3
    assert not walk.complete and log.count("bad-page") == 1 and log.count("html-200") == QUICK.attempts


def test_a_bare_array_is_a_list() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=json.dumps(_objects(2)).encode(), headers={"content-type": "text/html"}
        )

    ids, walk, log = _walk(handler)
    assert len(ids) == 2 and walk.complete and log.count("empty-list-bare") == 1
