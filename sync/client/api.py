"""The synchronous HTTP layer of the sync engine: sign-in, the change feed, file downloads and pushing
changes made on the device (annotations).

One `ServerApi` wraps one `httpx.Client` and may be shared by the engine's threads. It never
returns raw HTTP: answers are checked and parsed into dataclasses, and every failure becomes one of
the errors in `sync.client.errors` (nothing else escapes, in particular no KeyError or TypeError
from a strange answer).

Tokens: `login` (and each refresh) stores the new tokens and hands them to the `on_tokens` callback,
which must persist them: the server rotates the refresh token on every refresh, so a lost new refresh
token means signing in again. A request answered with 401 is retried once after a refresh. The tokens
live in a `TokenHolder` (`sync.client.token_holder`), which several `ServerApi` of the same device
share (pass `holder=`): refreshes are serialised across all of them, a client that finds the tokens
already renewed by another just retries, and stored tokens another process refreshed are adopted
instead of refreshing again, because sending a used refresh token again makes the server revoke the
device.

File content (`download`) takes a leaner path than httpx where it can: `http.client` on pooled
keep-alive connections, the body read straight into a reusable buffer (see `sync.client.transfer`,
which says why). It falls back to httpx when the environment configures a proxy for the server
(`trust_env`) or a custom `transport` was given (the tests' `httpx.MockTransport`). Both paths trust
the same certificates: one SSL context built from `verify`.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import re
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

import httpx

from sync.client.deliveries import (
    DeliveryAnswer as DeliveryAnswer,
)
from sync.client.deliveries import (
    DeliveryReport as DeliveryReport,
)
from sync.client.deliveries import (
    check_reports,
    parse_delivery_answers,
)
from sync.client.errors import (
    BadCredentials,
    ChecksumMismatch,
    Conflict,
    Forbidden,
    InsecureServerUrl,
    NotFound,
    Offline,
    PreconditionFailed,
    RequestRejected,
    ServerError,
    ServerProtocolError,
    SignInRequired,
    SyncClientError,
    TransferCancelled,
    TransferIncomplete,
)
from sync.client.sse import ServerEvent as ServerEvent
from sync.client.sse import SseParser
from sync.client.token_holder import TokenHolder
from sync.client.transfer import (
    Answer,
    BodyCut,
    DirectClient,
    HttpxAnswer,
    certificate_error,
    env_proxy_applies,
)
from sync.client.uploads import CHUNK_SIZE, run_upload
from sync.client.uploads import UploadResult as UploadResult
from sync.protocol.kinds import Kind

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=30.0)
MAX_JSON_BYTES = 256 << 20  # a change page or an error body larger than this is refused
_MAX_ERROR_BYTES = 64 << 10
_WIRE_KINDS = frozenset(k.wire for k in Kind)
# C0 controls other than tab, newline and carriage return, DEL, and lone surrogates (valid JSON escapes,
# but no text: they would fail later when stored as UTF-8)
_BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
_UNSATISFIED_RANGE = re.compile(r"^bytes \*/(\d+)$")


# ----------------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Tokens:
    """The tokens of this device; persist all of them (the refresh token changes on each refresh)."""

    device_id: int
    access_token: str
    refresh_token: str
    expires_in: int  # seconds the access token was valid for when issued


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    body_id: int | None
    person_id: int | None


@dataclass(frozen=True)
class SignIn:
    tokens: Tokens
    user: Account


@dataclass(frozen=True)
class Change:
    """One change feed entry: `upsert` carries the object's state in `data`; `remove` has data None."""

    op: str  # "upsert" or "remove"
    seq: int
    kind: str  # wire name, e.g. "meeting", see sync.protocol.kinds
    id: int
    data: dict[str, Any] | None


@dataclass(frozen=True)
class ChangePage:
    cursor: str  # keep it: the next call continues from here
    has_more: bool  # True: call again at once with `cursor`
    entries: list[Change]


@dataclass(frozen=True)
class DownloadResult:
    size: int  # bytes the sink holds now (the whole file)
    sha256: str | None  # hex digest of the whole file, None when it could not be computed (see download)
    etag: str | None  # keep it with a partial download to resume it
    restarted: bool  # the server sent the whole file although a resume was asked for; the sink was reset
    transferred: int  # bytes received by this call


class Sink(Protocol):
    """Where downloaded bytes go (e.g. the encrypting vault writer)."""

    def write(self, data: bytes | memoryview) -> None:
        """Take `data` (a view of the download buffer: copy what you keep, do not hold on to it)."""

    def reset(self) -> None:
        """Forget everything written so far: the server is sending the file again from its start."""


@dataclass(frozen=True)
class PushItem:
    """One change to push: the whole record, the version it builds on (None: a create) and the key that
    makes a repeated push of it do nothing twice."""

    idempotency_key: str
    base_version: int | None
    record: Mapping[str, Any]  # its "id" is the annotation's UUID


@dataclass(frozen=True)
class PushAnswer:
    """The server's answer to one pushed change: ``ok`` (taken as ``version``), ``conflict`` (the server
    holds ``current`` as ``current_version``) or ``rejected`` (``message`` says why, for people)."""

    uuid: str
    status: str
    version: int | None = None
    server_id: int | None = None
    current: dict[str, Any] | None = None
    current_version: int | None = None
    message: str = ""


@dataclass(frozen=True)
class AnnotationState:
    """An annotation as the server holds it."""

    uuid: str
    server_id: int
    version: int
    record: dict[str, Any]


MAX_PUSH_ITEMS = 500  # per request, as the server accepts
_MAX_MESSAGE = 500


# ------------------------------------------------------------------------------------------- helpers


def check_server_url(url: str) -> httpx.URL:
    """The server address as a URL, or InsecureServerUrl: https anywhere, plain http only to loopback."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise InsecureServerUrl(f"{url!r} is not a valid server address.") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InsecureServerUrl(f"{url!r} is not a valid server address; it must start with https://.")
    if parsed.userinfo:
        raise InsecureServerUrl("Do not put a user name or password into the server address.")
    if parsed.scheme == "http" and not is_loopback(parsed.host):
        raise InsecureServerUrl(
            f"The server address {url} is not encrypted. Use https:// (plain http:// is only allowed "
            "for a server on this computer)."
        )
    return parsed


def is_loopback(host: str) -> bool:
    """Whether `host` names this computer (plain http is allowed only there)."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _offline(exc: httpx.TransportError) -> SyncClientError:
    certificate = certificate_error(exc)
    if certificate is not None:
        return certificate
    if isinstance(exc, httpx.TimeoutException):
        what = "did not answer in time"
    elif isinstance(exc, httpx.ConnectError):
        what = "could not be reached"
    else:
        what = "closed the connection"
    return Offline(f"The server {what}. Check the network connection; sync will try again. ({exc})")


_TLS_LOCK = threading.Lock()
_TLS_CONTEXTS: dict[bool | str, ssl.SSLContext] = {}


def _ssl_context(verify: bool | str, scheme: str = "https") -> ssl.SSLContext:
    """True: the system's CA store; a path: the CA bundle in that file; False: no check (tests).

    Loading the system's CA store costs about 17 ms, so a context is made once per `verify` in the
    process and shared (an SSLContext may serve many connections and threads; a CA bundle file changed
    meanwhile takes effect after a restart). Plain http (loopback only) never uses TLS: a bare context."""
    if scheme != "https":
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    with _TLS_LOCK:
        context = _TLS_CONTEXTS.get(verify)
        if context is None:
            context = _TLS_CONTEXTS[verify] = _new_ssl_context(verify)
        return context


def _new_ssl_context(verify: bool | str) -> ssl.SSLContext:
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _check_text(value: Any, where: str) -> None:
    """Refuses control characters and lone surrogates anywhere in a parsed JSON value (keys too)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _BAD_TEXT.search(item):
                raise ServerProtocolError(f"The server sent {where} containing control characters.")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


def parse_json(raw: bytes, response: httpx.Response | None, where: str) -> Any:
    """Strict JSON (no NaN/Infinity, no raw control characters, UTF-8) or ServerProtocolError."""
    if response is not None:
        ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/json":
            hint = " (an HTML page: is the address right, or is a login page of the network in the way?)"
            raise ServerProtocolError(
                f"The server answered {where} with {ctype or 'no content type'} instead of JSON"
                + (hint if "html" in ctype else "")
                + "."
            )
    try:
        value = json.loads(raw.decode("utf-8"), parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ServerProtocolError(f"The server sent broken JSON for {where}: {exc}") from None
    _check_text(value, where)
    return value


def _int(value: Any, what: str) -> int:
    if type(value) is not int:
        raise ServerProtocolError(f"The server sent {what} that is not an integer.")
    return value


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ServerProtocolError(f"The server sent {what} that is not text.")
    return value


def _opt_int(value: Any, what: str) -> int | None:
    return None if value is None else _int(value, what)


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ServerProtocolError(f"The server sent {what} that is not a JSON object.")
    return value


def _field(obj: Mapping[str, Any], key: str, what: str) -> Any:
    if key not in obj:
        raise ServerProtocolError(f"The server sent {what} without {key!r}.")
    return obj[key]


def _parse_tokens(data: Any) -> Tokens:
    obj = _object(data, "a sign-in answer")
    tokens = Tokens(
        device_id=_int(_field(obj, "device_id", "a sign-in answer"), "a device id"),
        access_token=_str(_field(obj, "access_token", "a sign-in answer"), "an access token"),
        refresh_token=_str(_field(obj, "refresh_token", "a sign-in answer"), "a refresh token"),
        expires_in=_int(_field(obj, "expires_in", "a sign-in answer"), "a token lifetime"),
    )
    if not tokens.access_token or not tokens.refresh_token:
        raise ServerProtocolError("The server sent empty tokens.")
    return tokens


def _parse_account(data: Any) -> Account:
    obj = _object(data, "a user")
    return Account(
        id=_int(_field(obj, "id", "a user"), "a user id"),
        username=_str(_field(obj, "username", "a user"), "a user name"),
        role=_str(_field(obj, "role", "a user"), "a role"),
        body_id=_opt_int(obj.get("body_id"), "a body id"),
        person_id=_opt_int(obj.get("person_id"), "a person id"),
    )


def _parse_change(raw: Any) -> Change:
    entry = _object(raw, "a change entry")
    op = _field(entry, "op", "a change entry")
    seq = _int(_field(entry, "seq", "a change entry"), "a change sequence number")
    if seq < 0:
        raise ServerProtocolError("The server sent a negative change sequence number.")
    if op == "upsert":
        data = _object(_field(entry, "data", "an upsert entry"), "an object")
        kind = _str(_field(data, "type", "an object"), "an object type")
        obj_id = _int(_field(data, "id", "an object"), "an object id")
    elif op == "remove":
        data = None
        kind = _str(_field(entry, "type", "a remove entry"), "an object type")
        obj_id = _int(_field(entry, "id", "a remove entry"), "an object id")
    else:
        raise ServerProtocolError(f"The server sent a change entry with the unknown operation {op!r}.")
    if kind not in _WIRE_KINDS:
        raise ServerProtocolError(f"The server sent an object of the unknown type {kind!r}.")
    return Change(op, seq, kind, obj_id, data)


def parse_change_page(data: Any) -> ChangePage:
    page = _object(data, "a change page")
    cursor = _str(_field(page, "cursor", "a change page"), "a cursor")
    has_more = _field(page, "has_more", "a change page")
    changes = _field(page, "changes", "a change page")
    if not cursor:
        raise ServerProtocolError("The server sent an empty sync cursor.")
    if not isinstance(has_more, bool):
        raise ServerProtocolError("The server sent 'has_more' that is not true or false.")
    if not isinstance(changes, list):
        raise ServerProtocolError("The server sent 'changes' that is not a list.")
    return ChangePage(cursor, has_more, [_parse_change(c) for c in changes])


def _positive(value: Any, what: str) -> int:
    number = _int(value, what)
    if number < 1:
        raise ServerProtocolError(f"The server sent {what} that is not positive.")
    return number


def _record_of(value: Any, expected: str, what: str) -> dict[str, Any]:
    record = _object(value, what)
    if record.get("id") != expected:
        raise ServerProtocolError(f"The server sent {what} of another annotation than {expected}.")
    return record


def _parse_push_answer(raw: Any, expected: str) -> PushAnswer:
    what = "an answer to a pushed change"
    obj = _object(raw, what)
    got = _str(_field(obj, "uuid", what), "an annotation id")
    if got != expected:
        raise ServerProtocolError(
            f"The server answered for annotation {got[:40]!r} where {expected} was pushed (order mixed up)."
        )
    status = _field(obj, "status", what)
    if status == "ok":
        return PushAnswer(
            got,
            status,
            version=_positive(_field(obj, "version", what), "a version"),
            server_id=_positive(_field(obj, "server_id", what), "an annotation's server id"),
        )
    if status == "conflict":
        return PushAnswer(
            got,
            status,
            server_id=_positive(_field(obj, "server_id", what), "an annotation's server id"),
            current=_record_of(_field(obj, "current", what), got, "the current record"),
            current_version=_positive(_field(obj, "current_version", what), "a version"),
        )
    if status == "rejected":
        message = _str(obj.get("message", ""), "a message").strip()[:_MAX_MESSAGE]
        return PushAnswer(got, status, message=message or "The server refused the change.")
    raise ServerProtocolError(f"The server answered a pushed change with the unknown status {status!r}.")


def parse_push_answers(data: Any, expected: Sequence[str]) -> list[PushAnswer]:
    """The answers to a push of the records ``expected`` (their ids, in order), or ServerProtocolError."""
    obj = _object(data, "an answer to pushed changes")
    results = _field(obj, "results", "an answer to pushed changes")
    if not isinstance(results, list):
        raise ServerProtocolError("The server sent 'results' that is not a list.")
    if len(results) != len(expected):
        raise ServerProtocolError(
            f"The server answered {len(results)} results for {len(expected)} pushed changes."
        )
    return [_parse_push_answer(raw, uid) for raw, uid in zip(results, expected, strict=True)]


def parse_annotation_state(data: Any, expected: str) -> AnnotationState:
    what = "an annotation"
    obj = _object(data, what)
    got = _str(_field(obj, "uuid", what), "an annotation id")
    if got != expected:
        raise ServerProtocolError(f"The server sent annotation {got[:40]!r} when {expected} was asked for.")
    return AnnotationState(
        got,
        _positive(_field(obj, "server_id", what), "an annotation's server id"),
        _positive(_field(obj, "version", what), "a version"),
        _record_of(_field(obj, "record", what), got, "an annotation record"),
    )


def _check_uuid(value: str) -> str:
    try:
        if str(uuid.UUID(value)) == value:
            return value
    except (ValueError, TypeError, AttributeError):
        pass
    raise ValueError(f"{value!r} is not a lowercase UUID")


def _read_capped(response: httpx.Response, limit: int) -> bytes:
    """The whole (decoded) body, at most `limit` bytes; transport errors become Offline."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ServerProtocolError(f"The server's answer is too large ({declared} bytes).")
    parts, total = [], 0
    try:
        for data in response.iter_bytes():
            total += len(data)
            if total > limit:
                raise ServerProtocolError(f"The server's answer is larger than {limit} bytes.")
            parts.append(data)
    except httpx.DecodingError as exc:
        raise ServerProtocolError(f"The server's answer could not be decoded: {exc}") from None
    except httpx.TransportError as exc:
        raise _offline(exc) from None
    return b"".join(parts)


def retry_after(response: httpx.Response) -> float | None:
    """The pause a 429/503 asks for (`Retry-After` in seconds, at most an hour), or None."""
    value = response.headers.get("retry-after", "")
    return float(min(int(value), 3600)) if value.isdigit() else None


def _error_for(response: httpx.Response, body: bytes) -> SyncClientError:
    """The error for a non-2xx answer, with the server's own message when it sent one."""
    status = response.status_code
    message, code = None, None
    try:
        data = json.loads(body.decode("utf-8"))
        err = data["error"]
        if isinstance(err.get("message"), str) and not _BAD_TEXT.search(err["message"]):
            message = err["message"][:500]
        code = err.get("code") if isinstance(err.get("code"), str) else None
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        pass  # a proxy's HTML page or an empty body: the status alone decides
    kwargs: dict[str, Any] = {"status": status, "code": code, "retry_after": retry_after(response)}
    if status == 401:
        return SignInRequired(message or "The sign-in has ended. Please sign in again.", **kwargs)
    if status == 403:
        return Forbidden(message or "This account may not do that.", **kwargs)
    if status in (404, 410):
        return NotFound(message or "That is not (or no longer) available on the server.", **kwargs)
    if status == 412:
        return PreconditionFailed(message or "This was changed in the meantime. Reload and retry.", **kwargs)
    if status == 409:
        return Conflict(message or "The request does not fit the server's current state.", **kwargs)
    if status in (408, 429) or status >= 500:
        what = "is busy" if status in (429, 503) else "had a problem"
        return ServerError(f"The server {what} (HTTP {status}); sync will try again.", **kwargs)
    if 400 <= status < 500:
        return RequestRejected(message or f"The server refused the request (HTTP {status}).", **kwargs)
    if 300 <= status < 400 and response.headers.get("location"):
        return ServerProtocolError(
            f"The server redirects to {response.headers['location'][:200]!r} (HTTP {status}); "
            "check the server address.",
            **kwargs,
        )
    return ServerProtocolError(f"The server sent an unexpected answer (HTTP {status}).", **kwargs)


# ----------------------------------------------------------------------------------------------- api


USER_AGENT = "gremalda-sync/1"
MIN_RATE = 1024.0  # bytes per second a download must reach ...
RATE_WINDOW = 60.0  # ... over this many seconds


class _TooSlow(Exception):
    def __init__(self, rate: float) -> None:
        self.rate = rate


class _Pace:
    """Watches one download: the caller's stop request, and a server that trickles."""

    def __init__(self, should_stop: Callable[[], bool] | None, min_rate: float, window: float) -> None:
        self.should_stop = should_stop
        self.min_rate = min_rate
        self.window = window
        self.mark_time = time.monotonic()
        self.mark_bytes: int | None = None

    def stop_or_slow(self, position: int) -> bool:
        """True to stop now; raises _TooSlow when the last window brought too few bytes."""
        if self.should_stop is not None and self.should_stop():
            return True
        now = time.monotonic()
        if self.mark_bytes is None:
            self.mark_bytes = position
        elif now - self.mark_time >= self.window:
            rate = (position - self.mark_bytes) / (now - self.mark_time)
            if rate < self.min_rate:
                raise _TooSlow(rate)
            self.mark_time, self.mark_bytes = now, position
        return False


EVENTS_READ_TIMEOUT = 45.0  # the server pings every 15 s: this long without a byte means a dead connection


class _StopWatch:
    """While open, shuts the event stream's socket down as soon as `stop` is set, so that a read
    waiting for the next event ends at once (closing alone does not wake a blocked read)."""

    def __init__(self, response: httpx.Response, stop: threading.Event) -> None:
        self._stop = stop
        self._done = threading.Event()
        self._socket: Any = None
        stream = response.extensions.get("network_stream")
        if stream is not None:
            with suppress(Exception):
                self._socket = stream.get_extra_info("socket")
        self._thread: threading.Thread | None = None

    def __enter__(self) -> _StopWatch:
        if self._socket is not None:
            self._thread = threading.Thread(target=self._watch, name="sync-events-stop", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()

    def _watch(self) -> None:
        while not self._done.is_set():
            if self._stop.wait(0.2):
                if not self._done.is_set():
                    with suppress(OSError):
                        self._socket.shutdown(socket.SHUT_RDWR)
                return


class ServerApi:
    """Talks to one Gremalda server. Thread-safe; close it (or use `with`) when done."""

    def __init__(
        self,
        base_url: str,
        *,
        verify: bool | str = True,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        tokens: Tokens | None = None,
        on_tokens: Callable[[Tokens], None] | None = None,
        holder: TokenHolder | None = None,
        trust_env: bool = True,
        max_json_bytes: int = MAX_JSON_BYTES,
    ) -> None:
        """`verify`: True (system CA store), or the path of a CA bundle; False only for tests.
        `on_tokens` is called with new tokens after login and after each refresh, to persist them.
        `holder` instead of `tokens` and `on_tokens`: the tokens shared with the other clients of the
        same device (it saves them itself).

        Downloads connect directly (`sync.client.transfer`) unless `transport` is given or, with
        `trust_env`, the environment routes the server's address through a proxy: then they use
        httpx like every other request."""
        url = check_server_url(base_url)
        self.base_url = str(url)
        if holder is not None and (tokens is not None or on_tokens is not None):
            raise ValueError("pass either a token holder or tokens and on_tokens, not both")
        self._holder = holder if holder is not None else TokenHolder(tokens, save=on_tokens)
        self._max_json = max_json_bytes
        tls = _ssl_context(verify, url.scheme)  # one context: httpx and the direct downloads trust the same
        self._client = httpx.Client(
            base_url=url,
            verify=tls,
            timeout=timeout,
            transport=transport,
            trust_env=trust_env,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )
        self._direct: DirectClient | None = None
        if transport is None and not (trust_env and env_proxy_applies(url)):
            self._direct = DirectClient(self._client.base_url, context=tls, timeout=httpx.Timeout(timeout))

    def __enter__(self) -> ServerApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()
        if self._direct is not None:
            self._direct.close()

    @property
    def tokens(self) -> Tokens | None:
        return self._holder.tokens

    def set_tokens(self, tokens: Tokens | None) -> None:
        """Uses stored tokens (e.g. loaded from the replica); does not call `on_tokens`."""
        self._holder.set(tokens)

    # ------------------------------------------------------------------------------------ accounts

    def login(self, username: str, password: str, device_name: str) -> SignIn:
        """Signs this device in; the tokens are adopted and handed to `on_tokens`.
        Raises BadCredentials for a wrong name or password."""
        body = {"username": username, "password": password, "device_name": device_name}
        try:
            data = self._json("POST", "api/v1/auth/login", json_body=body, auth=False)
        except SignInRequired as exc:
            raise BadCredentials(exc.message, status=exc.status, code=exc.code) from None
        tokens = _parse_tokens(data)
        signin = SignIn(tokens, _parse_account(_field(data, "user", "a sign-in answer")))
        self._holder.adopt(tokens)
        return signin

    def refresh(self, refresh_token: str) -> Tokens:
        """Exchanges a refresh token for new tokens (the old refresh token becomes invalid). Does not
        adopt them: the automatic refresh of authenticated calls does that. SignInRequired when the
        server refuses (expired, revoked, or reused: the server then revokes the device)."""
        data = self._json(
            "POST", "api/v1/auth/refresh", json_body={"refresh_token": refresh_token}, auth=False
        )
        return _parse_tokens(data)

    def _refresh_after_401(self, used: Tokens) -> None:
        self._holder.renew(used, self.refresh)

    # ----------------------------------------------------------------------------------- transport

    @contextmanager
    def _open(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
        timeout: httpx.Timeout | None = None,
    ) -> Iterator[httpx.Response]:
        """A streamed response with a status in `ok`; anything else raises the matching error."""
        for attempt in (0, 1):
            used = self._holder.tokens
            all_headers = dict(headers or {})
            if auth:
                if used is None:
                    raise SignInRequired("This device is not signed in. Please sign in.")
                all_headers["Authorization"] = f"Bearer {used.access_token}"
            try:
                request = self._client.build_request(
                    method,
                    path,
                    params=params,
                    json=json_body,
                    content=content,
                    headers=all_headers,
                    timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
                )
                response = self._client.send(request, stream=True)
            except httpx.TransportError as exc:
                raise _offline(exc) from None
            try:
                if response.status_code == 401 and auth and attempt == 0 and used is not None:
                    response.close()
                    self._refresh_after_401(used)
                    continue
                if response.status_code not in ok:
                    raise _error_for(response, _read_capped(response, _MAX_ERROR_BYTES))
                yield response
                return
            finally:
                response.close()
        raise AssertionError("unreachable")  # pragma: no cover

    def _json(
        self,
        method: str,
        path: str,
        *,
        auth: bool = True,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
    ) -> Any:
        with self._open(method, path, auth=auth, params=params, json_body=json_body) as response:
            raw = _read_capped(response, self._max_json)
            return parse_json(raw, response, f"{method} {path}")

    def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (200,),
        params: Mapping[str, Any] | None = None,
    ) -> tuple[int, Any]:
        """(status, parsed JSON body) of an authenticated request; ``{}`` for an empty body (204)."""
        with self._open(
            method, path, params=params, json_body=json_body, content=content, headers=headers, ok=ok
        ) as response:
            raw = _read_capped(response, self._max_json)
            if response.status_code == 204 or not raw:
                return response.status_code, {}
            return response.status_code, parse_json(raw, response, f"{method} {path}")

    # ------------------------------------------------------------------------------ clerk writes

    def write(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        *,
        if_match: int | None = None,
        idempotency_key: str | None = None,
    ) -> dict[str, Any]:
        """A write (POST, PATCH, PUT, DELETE) to `path` (e.g. "api/v1/meetings/3"); the answer's object
        ({} for 204). `if_match`: the version the change builds on (PreconditionFailed when the server
        holds another); `idempotency_key`: a POST sent again with it does nothing twice."""
        method = method.upper()
        if method not in ("POST", "PATCH", "PUT", "DELETE"):
            raise ValueError(f"{method} is not a write method")
        headers: dict[str, str] = {}
        if if_match is not None:
            headers["If-Match"] = f'"{int(if_match)}"'
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        _, answer = self._request(
            method,
            path.lstrip("/"),
            json_body=None if body is None else dict(body),
            headers=headers,
            ok=(200, 201, 204),
        )
        if not isinstance(answer, dict):
            raise ServerProtocolError(f"The server answered {method} {path} with something not an object.")
        return answer

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """The parsed JSON of an authenticated GET of `path` (e.g. "api/v1/meetings/3/deliveries")."""
        return self._json("GET", path.lstrip("/"), params=params)

    def upload(
        self,
        source: BinaryIO,
        size: int,
        mime_type: str,
        file_name: str,
        *,
        sha256: str | None = None,
        resume_id: str | None = None,
        chunk_size: int = CHUNK_SIZE,
        on_started: Callable[[str], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        stop: threading.Event | None = None,
    ) -> UploadResult:
        """Upload `size` bytes of `source` (seekable) resumably in chunks (see `sync.client.uploads`).
        `resume_id`: the id of an earlier, interrupted upload of the same file (`on_started` is told
        the id as soon as it is known: keep it); the upload continues at the offset the server holds.
        `on_progress(sent, size)` after each chunk. `stop` set: TransferCancelled (resumable). Network
        errors are retried a few times within the call; after that they are raised (resume later)."""
        return run_upload(
            self._request,
            source,
            size,
            mime_type,
            file_name,
            sha256=sha256,
            resume_id=resume_id,
            chunk_size=chunk_size,
            on_started=on_started,
            on_progress=on_progress,
            stop=stop,
        )

    # --------------------------------------------------------------------------- proof of delivery

    def report_deliveries(self, items: Sequence[DeliveryReport]) -> list[DeliveryAnswer]:
        """Report delivery events (at most 500), one answer per item in order; the same items sent again
        (same keys) are not counted twice."""
        if not items:
            return []
        check_reports(items)
        body = {"items": [item.wire() for item in items]}
        return parse_delivery_answers(self._json("POST", "api/v1/deliveries", json_body=body), len(items))

    # ------------------------------------------------------------------------------- push channel

    def events(
        self,
        *,
        last_event_id: str | None,
        stop: threading.Event,
        on_open: Callable[[], None] | None = None,
        read_timeout: float = EVENTS_READ_TIMEOUT,
    ) -> Iterator[ServerEvent]:
        """The server's push channel (GET api/v1/events, server-sent events) until the server ends it
        (the iterator ends: reconnect) or `stop` is set (ends within a fraction of a second). With
        `last_event_id` the server tells at once of changes after it. `on_open` is called once the
        stream is accepted. A silent connection (no ping within `read_timeout` s), a broken stream or
        lines past the limits raise Offline / ServerProtocolError; reconnecting is the caller's job."""
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
        if last_event_id:
            headers["Last-Event-ID"] = last_event_id
        timeout = httpx.Timeout(connect=10.0, read=read_timeout, write=10.0, pool=10.0)
        with self._open("GET", "api/v1/events", headers=headers, timeout=timeout) as response:
            ctype = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype != "text/event-stream":
                raise ServerProtocolError(
                    f"The server answered the push channel with {ctype or 'no content type'} "
                    "instead of an event stream."
                )
            parser = SseParser()
            if last_event_id:
                parser.last_event_id = last_event_id
            if on_open is not None:
                on_open()
            with _StopWatch(response, stop):
                try:
                    for chunk in response.iter_raw():
                        if stop.is_set():
                            return
                        yield from parser.feed(chunk)
                except httpx.TransportError as exc:
                    if stop.is_set():
                        return
                    raise _offline(exc) from None

    # ----------------------------------------------------------------------------------- the feed

    def changes(self, cursor: str | None, limit: int | None = None) -> ChangePage:
        """One page of the change feed after `cursor` (None: a full snapshot). Follow `page.cursor`
        while `page.has_more`. A cursor the server no longer accepts raises RequestRejected (status
        422): start again without one."""
        params: dict[str, Any] = {}
        if cursor:
            params["cursor"] = cursor
        if limit is not None:
            if limit < 1:
                raise ValueError("limit must be at least 1")
            params["limit"] = limit
        return parse_change_page(self._json("GET", "api/v1/changes", params=params))

    # ------------------------------------------------------------------------------ annotations

    def push_annotations(self, items: Sequence[PushItem]) -> list[PushAnswer]:
        """Push changed annotation records (at most MAX_PUSH_ITEMS), applied by the server in order in one
        transaction; one answer per item, in the same order. Pushing the same items again (same keys)
        does nothing twice: the server repeats its answers. ServerProtocolError for an answer that does
        not fit what was pushed."""
        if not items:
            return []
        if len(items) > MAX_PUSH_ITEMS:
            raise ValueError(f"at most {MAX_PUSH_ITEMS} changes per push")
        expected = [_check_uuid(str(item.record.get("id"))) for item in items]
        body = {
            "items": [
                {
                    "idempotency_key": item.idempotency_key,
                    "base_version": item.base_version,
                    "record": dict(item.record),
                }
                for item in items
            ]
        }
        return parse_push_answers(self._json("POST", "api/v1/annotations/batch", json_body=body), expected)

    def get_annotation(self, annotation_id: str) -> AnnotationState:
        """The annotation as the server holds it; NotFound when it is unknown or not visible to us."""
        uid = _check_uuid(annotation_id)
        return parse_annotation_state(self._json("GET", f"api/v1/annotations/{uid}"), uid)

    # ------------------------------------------------------------------------------------- files

    def download(
        self,
        file_id: int,
        sink: Sink,
        *,
        offset: int = 0,
        etag: str | None = None,
        expected_size: int | None = None,
        expected_sha256: str | None = None,
        hasher: Any | None = None,
        chunk: int = 1 << 20,
        hash_content: bool = True,
        should_stop: Callable[[], bool] | None = None,
        min_rate: float = MIN_RATE,
        rate_window: float = RATE_WINDOW,
    ) -> DownloadResult:
        """Streams the content of file `file_id` into `sink`, from byte `offset` on.

        Resuming (`offset` > 0) needs the `etag` of the earlier response: the server sends only the
        rest if the file is unchanged (206), else the whole file (200), and the sink is then `reset()`
        first. `hasher` is a hashlib sha256 object holding the state of the first `offset` bytes;
        this call feeds it every byte it writes (or starts a new one after a reset), so the whole
        file's digest is checked against `expected_sha256` and returned. Without a hasher a resumed
        download cannot be hashed: `sha256` is None, and `expected_sha256` raises ValueError.

        `should_stop` is asked after every network read: True ends the transfer with TransferCancelled
        (the sink keeps what arrived). A server sending fewer than `min_rate` bytes per second over a
        `rate_window` seconds raises TransferIncomplete (retryable: resume later) instead of holding the
        caller for as long as it trickles.

        `hash_content=False` skips hashing (for a sink that checks the digest itself): `sha256` is None.

        The sink gets views of exactly `chunk` bytes (the last one shorter) of a buffer that is reused
        for the next bytes: it copies what it keeps (see `Sink`).

        Raises TransferIncomplete (retryable) when the body stops early; the exception carries the
        offset, etag and hasher to resume with. ChecksumMismatch / a size mismatch
        (ServerProtocolError) mean the bytes in the sink must be discarded.
        """
        if offset < 0 or chunk < 1:
            raise ValueError("offset must be >= 0 and chunk >= 1")
        if offset > 0 and etag is None:
            raise ValueError("resuming a download needs the ETag of the first response")
        if not hash_content:
            if expected_sha256 is not None:
                raise ValueError("checking the sha256 needs hash_content")
            hasher = None
        elif offset == 0:
            hasher = hashlib.sha256()
        elif hasher is None and expected_sha256 is not None:
            raise ValueError("checking the sha256 of a resumed download needs the hasher of the first part")
        if expected_sha256 is not None:
            expected_sha256 = expected_sha256.lower()
        path = f"api/v1/files/{int(file_id)}/content"
        for _ in range(2):  # a second round only after a 416 for a range beyond the file
            headers = {"Accept": "*/*", "Accept-Encoding": "identity"}
            if offset > 0:
                headers["Range"] = f"bytes={offset}-"
                headers["If-Range"] = str(etag)
            with self._open_content(path, headers) as answer:
                if answer.status_code == 416:
                    total = self._unsatisfied_total(answer.headers)
                    if total == offset:  # everything was there already
                        return self._finish(offset, 0, hasher, etag, False, expected_size, expected_sha256)
                    sink.reset()  # we hold more than the file has: start over
                    offset, hasher = 0, hashlib.sha256()
                    continue
                return self._stream(
                    answer,
                    sink,
                    offset,
                    hasher,
                    expected_size,
                    expected_sha256,
                    chunk,
                    _Pace(should_stop, min_rate, rate_window),
                )
        raise ServerProtocolError("The server refused to send the file from its start.")

    @contextmanager
    def _open_content(self, path: str, headers: Mapping[str, str]) -> Iterator[Answer]:
        """The file-content GET with status 200, 206 or 416; another status raises its error, and a
        401 is retried once after a token refresh (as `_open` does)."""
        if self._direct is None:
            with self._open("GET", path, headers=headers, ok=(200, 206, 416)) as response:
                yield HttpxAnswer(response)
            return
        for attempt in (0, 1):
            used = self._holder.tokens
            if used is None:
                raise SignInRequired("This device is not signed in. Please sign in.")
            all_headers = {
                "User-Agent": USER_AGENT,
                **headers,
                "Authorization": f"Bearer {used.access_token}",
            }
            with self._direct.get(path, all_headers) as answer:
                status = answer.status_code
                if status != 401 or attempt == 1:
                    if status not in (200, 206, 416):
                        body = answer.read_capped(_MAX_ERROR_BYTES)
                        raise _error_for(httpx.Response(status, headers=answer.headers, content=body), body)
                    yield answer
                    return
            self._refresh_after_401(used)
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _unsatisfied_total(headers: httpx.Headers) -> int:
        match = _UNSATISFIED_RANGE.match(headers.get("content-range", "").strip())
        if match is None:
            raise ServerProtocolError("The server refused a byte range without saying the file's size.")
        return int(match.group(1))

    def _stream(
        self,
        answer: Answer,
        sink: Sink,
        offset: int,
        hasher: Any | None,
        expected_size: int | None,
        expected_sha256: str | None,
        chunk: int,
        pace: _Pace,
    ) -> DownloadResult:
        headers = answer.headers
        encoding = headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise ServerProtocolError(
                f"The server sent the file compressed ({encoding}) though asked not to."
            )
        if "html" in headers.get("content-type", "").lower():
            # documents are never HTML (the server refuses such uploads): a login page or a proxy's error
            raise ServerProtocolError(
                "The server answered with an HTML page instead of the document; "
                "is a login page of the network in the way?"
            )
        etag = headers.get("etag")
        restarted = False
        length = self._content_length(headers)
        if answer.status_code == 200:
            if offset > 0:
                sink.reset()
                offset, hasher, restarted = 0, hashlib.sha256(), True
            total = length
        else:  # 206
            match = _CONTENT_RANGE.match(headers.get("content-range", "").strip())
            if match is None:
                raise ServerProtocolError("The server sent part of a file without a valid Content-Range.")
            start, end, total = (int(g) for g in match.groups())
            if start != offset or end != total - 1 or end < start:
                raise ServerProtocolError(
                    f"The server sent bytes {start}-{end} of {total} when bytes from {offset} were asked for."
                )
            if length is not None and length != end - start + 1:
                raise ServerProtocolError("The server's Content-Length does not match its Content-Range.")
        if expected_size is not None and total is not None and total != expected_size:
            raise ServerProtocolError(
                f"The file on the server has {total} bytes, {expected_size} were expected; "
                "it may have changed: sync again."
            )
        total = total if total is not None else expected_size
        # The body is read into `view` (a reused buffer) until it holds `chunk` bytes; the sink gets
        # views of exactly `chunk` bytes (the last one shorter), flushed also before an error is raised.
        view = memoryview(answer.buffer(chunk))[:chunk]
        received = 0  # bytes handed to the sink
        fill = 0  # bytes in the buffer, not yet handed to the sink

        def flush() -> None:
            nonlocal received, fill
            if fill:
                data = view[:fill]
                sink.write(data)
                if hasher is not None:
                    hasher.update(data)
                received += fill
                fill = 0

        try:
            while True:
                n = answer.readinto(view[fill:])
                if not n:
                    break
                if total is not None and offset + received + fill + n > total:
                    raise ServerProtocolError("The server sent more bytes than the file has.")
                fill += n
                if fill == chunk:
                    flush()
                if pace.stop_or_slow(offset + received + fill):
                    flush()
                    raise TransferCancelled(f"The download was stopped after {offset + received} bytes.")
            flush()
        except _TooSlow as slow:
            flush()
            raise TransferIncomplete(
                f"The server sends too slowly ({slow.rate:.0f} bytes/s); the download will be resumed.",
                offset=offset + received,
                etag=etag,
                hasher=hasher,
            ) from None
        except BodyCut as cut:
            flush()  # keep what arrived: the resume starts after it
            raise TransferIncomplete(
                f"The download stopped after {offset + received} bytes ({cut.cause}); it will be resumed.",
                offset=offset + received,
                etag=etag,
                hasher=hasher,
            ) from None
        except httpx.TransportError as exc:
            raise _offline(exc) from None
        if total is not None and offset + received < total:
            raise TransferIncomplete(
                f"The download stopped after {offset + received} of {total} bytes; it will be resumed.",
                offset=offset + received,
                etag=etag,
                hasher=hasher,
            )
        return self._finish(
            offset + received, received, hasher, etag, restarted, expected_size, expected_sha256
        )

    @staticmethod
    def _content_length(headers: httpx.Headers) -> int | None:
        value = headers.get("content-length")
        if value is None:
            return None
        if not value.strip().isdigit():
            raise ServerProtocolError("The server sent an invalid Content-Length.")
        return int(value)

    @staticmethod
    def _finish(
        size: int,
        transferred: int,
        hasher: Any | None,
        etag: str | None,
        restarted: bool,
        expected_size: int | None,
        expected_sha256: str | None,
    ) -> DownloadResult:
        if expected_size is not None and size != expected_size:
            raise ServerProtocolError(f"The file has {size} bytes, {expected_size} were expected.")
        digest = hasher.hexdigest() if hasher is not None else None
        if expected_sha256 is not None and digest != expected_sha256:
            raise ChecksumMismatch(
                "The downloaded file is damaged (its checksum does not match); it will be downloaded again."
            )
        return DownloadResult(size, digest, etag, restarted, transferred)
