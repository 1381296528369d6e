"""Walking an OParl object list page by page, as real servers serve them.

A list page is ``{data, pagination, links}`` with ``links.next`` on every page but the last. What real
servers do instead, and what the walk does about it (each noted in the :class:`RepairLog`):

- an empty filtered list answered with 404: taken as empty (an unfiltered list answering 404 is a
  missing list: skipped, and the walk is incomplete);
- a bare JSON array instead of a list page: its entries are the list;
- a ``next`` link that drops the filter: the filter is added again;
- the same page served forever (a ``next`` link back to a page already read, or pages repeating the
  same objects under new URLs, or empty pages that keep linking on): the list ends there;
- a page that stays unusable after the retries (HTML, broken JSON, 5xx): the rest of the list is not
  read, the walk is incomplete (the importer then neither advances its high-water mark nor removes
  what it did not see), and everything else goes on.

Only the network being gone (``Offline``, a certificate error) and a stop request end the walk with
an exception: then nothing else can be read either.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from sync.client.errors import CertificateError, InsecureServerUrl, NotFound, Offline, SyncClientError
from sync.oparl.http import OParlHttp, with_params

MAX_PAGES = 100_000  # a list longer than this is a server in a loop
_EMPTY_RUN = 3  # this many empty pages in a row that still link on: the server loops


def _canonical(url: str) -> str:
    parts = urlsplit(url)
    query = "&".join(f"{k}={v}" for k, v in sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}?{query}"


def _ids(objects: list[Any]) -> tuple[str, ...]:
    return tuple(str(o.get("id")) if isinstance(o, dict) else repr(o) for o in objects)


class ListWalk:
    """One walk over a list: iterate :meth:`pages` (lists of raw entries), then read :attr:`complete`."""

    def __init__(self, http: OParlHttp, url: str, filters: Mapping[str, str] | None = None) -> None:
        self.http = http
        self.url = url
        self.filters = dict(filters or {})
        self.complete = False
        self.pages_read = 0
        self.error: str | None = None

    def pages(self) -> Iterator[list[Any]]:
        log = self.http.log
        current: str | None = self.http.urls.fetchable(with_params(self.url, self.filters))
        visited: set[str] = set()
        seen_pages: set[tuple[str, ...]] = set()
        empty_run = 0
        while current is not None:
            if self.http.stop.is_set():
                return
            key = _canonical(current)
            if key in visited or len(visited) >= MAX_PAGES:
                log.repaired("page-loop", current)
                break
            visited.add(key)
            try:
                data = self.http.get_json(current)
            except NotFound:
                if self.filters:
                    log.repaired("empty-list-404", current)
                    break
                log.skipped("list-404", current)
                self.error = f"{current} answers 404"
                return
            except (Offline, CertificateError, InsecureServerUrl):
                raise
            except SyncClientError as exc:
                log.skipped("bad-page", current)
                self.error = exc.message
                return
            objects, following = self._page(data, current)
            if objects is None:
                log.skipped("bad-page", current)
                self.error = f"{current} is not a list page"
                return
            self.pages_read += 1
            if objects:
                empty_run = 0
                fingerprint = _ids(objects)
                if fingerprint in seen_pages:
                    log.repaired("page-loop", current)
                    break
                seen_pages.add(fingerprint)
                yield objects
            else:
                empty_run += 1
                if empty_run >= _EMPTY_RUN and following is not None:
                    log.repaired("page-loop", current)
                    break
            current = self._next(following)
        self.complete = True

    def _page(self, data: Any, url: str) -> tuple[list[Any] | None, str | None]:
        """(entries, next link) of a list page; (None, None) when it is no list page at all."""
        if isinstance(data, list):
            self.http.log.repaired("empty-list-bare", url)
            return data, None
        if not isinstance(data, dict):
            return None, None
        entries = data.get("data")
        if isinstance(entries, dict):
            self.http.log.repaired("object-for-array", url)
            entries = [entries]
        elif entries is None and "id" in data and "type" in data:
            entries = [data]  # a single object where a list was linked
        if not isinstance(entries, list):
            return None, None
        links = data.get("links")
        following = links.get("next") if isinstance(links, dict) else None
        if following is None:
            following = data.get("next")  # pre-1.0 servers put it at the top
        return entries, following if isinstance(following, str) and following.strip() else None

    def _next(self, following: str | None) -> str | None:
        if following is None:
            return None
        following = following.strip()
        if self.filters:
            given = dict(parse_qsl(urlsplit(following).query, keep_blank_values=True))
            if any(k not in given for k in self.filters):
                self.http.log.repaired("next-drops-filter", following)
            if any(given.get(k) != v for k, v in self.filters.items()):
                # absent, or re-written by the server (a "+" of the offset sent unescaped, ...)
                following = with_params(following, self.filters)
        return self.http.urls.fetchable(following)
