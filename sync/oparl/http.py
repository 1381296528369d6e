"""HTTP for OParl servers: GET with retries and backoff, strict TLS, JSON that survives real servers.

One :class:`OParlHttp` wraps one ``httpx.Client`` (thread-safe; the importer fetches referenced objects
and files on a few threads). Failures become the errors of :mod:`sync.client.errors` (``Offline``,
``ServerError``, ``NotFound``, ...); retryable ones are retried with ``backoff_delays`` (at least the
server's ``Retry-After``). The spec covers public data only: there is no authentication.

What real servers send and how it is read (each noted in the :class:`RepairLog`):

- an HTML page with status 200 (an error page of the web server or a portal): :class:`NotJson`,
  retryable — asked again, then given up;
- raw control characters inside JSON strings (invalid JSON) and escaped ones (valid JSON, no text):
  parsed leniently and removed from every string;
- a body that is not UTF-8: read as Windows-1252; a byte order mark is dropped;
- ids and links that are not the fetchable URL (the server's internal host name behind a proxy): the
  claimed prefix is learnt from the System object's ``id`` and rewritten to the address the user gave
  (:class:`UrlMap`); ``http://`` links are fetched as ``https://`` (plain http only to this computer).
"""

from __future__ import annotations

import json
import re
import ssl
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import httpx

from sync.client.connection import check_server_url, is_loopback, what_failed
from sync.client.errors import (
    CertificateError,
    Forbidden,
    InsecureServerUrl,
    NotFound,
    Offline,
    RequestRejected,
    ServerError,
    ServerProtocolError,
    SyncClientError,
)
from sync.client.responses import read_limited, retry_after
from sync.client.transfer import certificate_error
from sync.engine.engine import Cancelled, RetryPolicy
from sync.oparl.repairs import RepairLog

_T = TypeVar("_T")

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=30.0, pool=60.0)
MAX_JSON_BYTES = 128 << 20  # one list page or object larger than this is refused
DEFAULT_RETRY = RetryPolicy(attempts=4, base=0.5, cap=20.0)
USER_AGENT = "gremalda-oparl/1 (+https://github.com/gremalda)"

_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ESCAPED_CONTROL = re.compile(r"\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])")


class NotJson(ServerProtocolError):
    """The server answered with something that is not JSON (an HTML error page with status 200)."""

    retryable = True


class BrokenJson(ServerProtocolError):
    """The answer does not parse as JSON even leniently (cut short, a server bug); asked again."""

    retryable = True


def with_params(url: str, params: Mapping[str, str]) -> str:
    """``url`` with the query parameters ``params`` set (replacing those of the same name)."""
    if not params:
        return url
    parts = urlsplit(url)
    kept = [
        pair
        for pair in (p.split("=", 1) for p in parts.query.split("&") if p)
        if pair[0] not in params and not (len(pair) == 1 and pair[0] in params)
    ]
    query = "&".join("=".join(pair) for pair in kept)
    added = urlencode(params)
    query = f"{query}&{added}" if query else added
    return parts._replace(query=query).geturl()


# --- reading JSON the way real servers send it -------------------------------------------------------


def _scrub(value: Any) -> tuple[Any, int]:
    """``value`` with control characters removed from every string (keys too); how many strings."""
    changed = 0

    def walk(item: Any) -> Any:
        nonlocal changed
        if isinstance(item, str):
            if _RAW_CONTROL.search(item):
                changed += 1
                return _RAW_CONTROL.sub("", item)
            return item
        if isinstance(item, dict):
            return {walk(k): walk(v) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v) for v in item]
        return item

    return walk(value), changed


def decode_json(raw: bytes, where: str, log: RepairLog, content_type: str = "") -> Any:
    """The JSON value of an answer body, read leniently (see the module docstring)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
        log.repaired("not-utf8", where)
    head = text.lstrip()[:1]
    if head not in ("{", "["):
        if head == "<" or "html" in content_type:
            raise NotJson(f"The OParl server answered {where} with an HTML page instead of JSON.")
        raise BrokenJson(f"The OParl server answered {where} with something that is not JSON.")
    scrub = False
    try:
        value = json.loads(text)
    except ValueError:
        scrub = True
        try:
            value = json.loads(text, strict=False)  # raw control characters inside strings
        except ValueError:
            try:
                value = json.loads(_RAW_CONTROL.sub("", text))  # ... or between the tokens
            except (ValueError, RecursionError) as exc:
                raise BrokenJson(f"The OParl server sent broken JSON for {where}: {exc}") from None
    except RecursionError as exc:
        raise BrokenJson(f"The OParl server sent JSON nested too deep for {where}: {exc}") from None
    if scrub or _ESCAPED_CONTROL.search(text):
        value, changed = _scrub(value)
        log.repaired("control-characters", where, max(changed, 1) if scrub else changed)
    return value


# --- ids that are not the fetchable URL ----------------------------------------------------------------


class UrlMap:
    """Turns the URLs a server names (ids, list links, next links, file links) into ones to fetch.

    The System object's ``id`` tells the prefix the server believes it has; when the System was fetched
    at another address, the differing prefix (everything before the common trailing path) is rewritten
    to the fetched one. ``http://`` to any host but this computer becomes ``https://``."""

    def __init__(self, base: str, log: RepairLog) -> None:
        self.base = base
        self._log = log
        self._pairs: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return list(self._pairs)

    def learn(self, fetched: str, claimed: str) -> None:
        """``claimed`` (an object's id) was fetched at ``fetched``: remember how its prefix maps."""
        f, c = urlsplit(fetched.rstrip("/")), urlsplit(claimed.rstrip("/"))
        if not c.scheme or not c.netloc or (f.scheme, f.netloc, f.path) == (c.scheme, c.netloc, c.path):
            return
        fs, cs = f.path.split("/"), c.path.split("/")
        common = 0
        while common < min(len(fs), len(cs)) and fs[-1 - common] == cs[-1 - common]:
            common += 1
        if common == 0:
            return
        claimed_prefix = f"{c.scheme}://{c.netloc}" + "/".join(cs[: len(cs) - common])
        real_prefix = f"{f.scheme}://{f.netloc}" + "/".join(fs[: len(fs) - common])
        self.learn_pair(claimed_prefix, real_prefix)

    def learn_pair(self, claimed_prefix: str, real_prefix: str) -> None:
        """Remember a mapping learnt in an earlier pass (see :attr:`pairs`)."""
        with self._lock:
            if claimed_prefix != real_prefix and (claimed_prefix, real_prefix) not in self._pairs:
                self._pairs.append((claimed_prefix, real_prefix))

    def fetchable(self, url: str) -> str:
        for claimed, real in self._pairs:
            if url.startswith(claimed) and url[len(claimed) : len(claimed) + 1] in ("", "/", "?", "#"):
                self._log.repaired("foreign-id", url)
                url = real + url[len(claimed) :]
                break
        if url[:7].lower() == "http://":
            host = urlsplit(url).hostname or ""
            if not is_loopback(host):
                self._log.repaired("insecure-link", url)
                url = "https://" + url[7:]
        return url

    def same(self, a: str, b: str) -> bool:
        """Whether two URLs name the same object once made fetchable."""
        return self.fetchable(a).rstrip("/") == self.fetchable(b).rstrip("/")


# --- the client -------------------------------------------------------------------------------------


def _transport_error(exc: httpx.TransportError, url: str) -> SyncClientError:
    certificate = certificate_error(exc)
    if certificate is not None:
        return CertificateError(f"{certificate.message} ({url})")
    what = what_failed(exc)
    return Offline(f"The OParl server {what} ({url}). Check the network connection. ({exc})")


def status_error(response: httpx.Response, url: str) -> SyncClientError:
    status = response.status_code
    if status in (404, 410):
        return NotFound(f"{url} answers {status}.", status=status)
    if status in (408, 429) or status >= 500:
        return ServerError(
            f"The OParl server had a problem (HTTP {status}) with {url}.",
            status=status,
            retry_after=retry_after(response),
        )
    if status in (401, 403):
        return Forbidden(
            f"The OParl server refuses {url} (HTTP {status}); OParl data is public.", status=status
        )
    if 400 <= status < 500:
        return RequestRejected(f"The OParl server refused {url} (HTTP {status}).", status=status)
    return ServerProtocolError(f"The OParl server answered {url} with HTTP {status}.", status=status)


def _refuse_plain_http(request: httpx.Request) -> None:
    """Event hook: no request in clear text to another computer (also not after a redirect)."""
    if request.url.scheme != "https" and not is_loopback(request.url.host):
        raise InsecureServerUrl(f"Refusing to fetch {request.url} without TLS.")


class OParlHttp:
    """GETs JSON and file bytes from one OParl server. Thread-safe; close it (or use ``with``)."""

    def __init__(
        self,
        system_url: str,
        *,
        log: RepairLog,
        verify: bool | str = True,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        stop: threading.Event | None = None,
        trust_env: bool = True,
    ) -> None:
        """``verify``: True (the system's CA store) or the path of a CA bundle (False only in tests)."""
        self.system_url = str(check_server_url(system_url))
        self.log = log
        self.urls = UrlMap(self.system_url, log)
        self.retry = retry or DEFAULT_RETRY
        self.stop = stop or threading.Event()
        tls: bool | ssl.SSLContext = (
            ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify
        )
        self._client = httpx.Client(
            verify=tls,
            timeout=timeout,
            transport=transport,
            trust_env=trust_env,
            follow_redirects=True,
            max_redirects=5,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=8),
            event_hooks={"request": [_refuse_plain_http]},
        )
        self._lock = threading.Lock()
        self._requests = 0

    def __enter__(self) -> OParlHttp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    @property
    def requests(self) -> int:
        """HTTP requests sent so far (retries included)."""
        with self._lock:
            return self._requests

    def _count(self) -> None:
        with self._lock:
            self._requests += 1

    # ------------------------------------------------------------------------------------ retrying

    def retrying(self, call: Callable[[], _T], where: str) -> _T:
        """``call()``, retried with backoff while it raises a retryable error. Raises the last error,
        or Cancelled when the stop event is set while waiting."""
        delays = self.retry.delays()
        for attempt in range(self.retry.attempts):
            if self.stop.is_set():
                raise Cancelled()
            try:
                return call()
            except SyncClientError as exc:
                if isinstance(exc, NotJson):
                    self.log.repaired("html-200", where)
                elif isinstance(exc, BrokenJson):
                    self.log.repaired("broken-json", where)
                if not exc.retryable or attempt + 1 >= self.retry.attempts:
                    raise
                delay = max(next(delays), min(exc.retry_after or 0.0, self.retry.cap))
                if self.stop.wait(delay):
                    raise Cancelled() from None
        raise AssertionError("unreachable")  # pragma: no cover

    # ---------------------------------------------------------------------------------------- JSON

    def get_json(self, url: str, params: Mapping[str, str] | None = None) -> Any:
        """The JSON at ``url`` (a URL as the server names it: made fetchable here)."""
        target = with_params(self.urls.fetchable(url), params or {})
        return self.retrying(lambda: self._get_json_once(target), target)

    def _get_json_once(self, url: str) -> Any:
        self._count()
        try:
            with self._client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise status_error(response, url)
                raw = read_limited(response, MAX_JSON_BYTES, f"The answer for {url}", BrokenJson)
                ctype = response.headers.get("content-type", "").lower()
        except httpx.TransportError as exc:
            raise _transport_error(exc, url) from None
        return decode_json(raw, url, self.log, ctype)

    # --------------------------------------------------------------------------------------- bytes

    @contextmanager
    def stream(self, url: str) -> Iterator[httpx.Response]:
        """A streamed GET of file bytes at ``url`` (already fetchable) answered 200, else the error."""
        self._count()
        try:
            with self._client.stream("GET", url, headers={"Accept": "*/*"}) as response:
                if response.status_code != 200:
                    raise status_error(response, url)
                yield response
        except httpx.TransportError as exc:
            raise _transport_error(exc, url) from None
