"""The base of `sync.client.api.ServerApi`: one `httpx.Client` (and, for file content, a
`sync.client.transfer.DirectClient`) to one server, the device's tokens, signing in, and authenticated
requests whose answers are checked (a non-success status raises its error; a 401 is retried once after
a token refresh). The routes live in the mixins next to it (`feed`, `downloads`, `writes`, ...), each a
subclass of `Session`.

Tokens: `login` (and each refresh) stores the new tokens and hands them to the `on_tokens` callback,
which must persist them: the server rotates the refresh token on every refresh, so a lost new refresh
token means signing in again. The tokens live in a `TokenHolder` (`sync.client.token_holder`), which
several clients of the same device share (pass `holder=`): refreshes are serialised across all of
them, a client that finds the tokens already renewed by another just retries, and stored tokens another
process refreshed are adopted instead of refreshing again, because sending a used refresh token again
makes the server revoke the device."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Self

import httpx

from sync.client.auth import SignIn, Tokens, parse_account, parse_tokens
from sync.client.connection import check_server_url, offline, ssl_context
from sync.client.errors import BadCredentials, SignInRequired
from sync.client.responses import MAX_ERROR_BYTES, error_for, read_capped
from sync.client.token_holder import TokenHolder
from sync.client.transfer import DirectClient, env_proxy_applies
from sync.client.wire import field, parse_json

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=30.0)
MAX_JSON_BYTES = 256 << 20  # a change page or an error body larger than this is refused
USER_AGENT = "gremalda-sync/1"


class Session:
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
        tls = ssl_context(verify, url.scheme)  # one context: httpx and the direct downloads trust the same
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

    def __enter__(self) -> Self:
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
        tokens = parse_tokens(data)
        signin = SignIn(tokens, parse_account(field(data, "user", "a sign-in answer")))
        self._holder.adopt(tokens)
        return signin

    def refresh(self, refresh_token: str) -> Tokens:
        """Exchanges a refresh token for new tokens (the old refresh token becomes invalid). Does not
        adopt them: the automatic refresh of authenticated calls does that. SignInRequired when the
        server refuses (expired, revoked, or reused: the server then revokes the device)."""
        data = self._json(
            "POST", "api/v1/auth/refresh", json_body={"refresh_token": refresh_token}, auth=False
        )
        return parse_tokens(data)

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
                raise offline(exc) from None
            try:
                if response.status_code == 401 and auth and attempt == 0 and used is not None:
                    response.close()
                    self._refresh_after_401(used)
                    continue
                if response.status_code not in ok:
                    raise error_for(response, read_capped(response, MAX_ERROR_BYTES))
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
            raw = read_capped(response, self._max_json)
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
            raw = read_capped(response, self._max_json)
            if response.status_code == 204 or not raw:
                return response.status_code, {}
            return response.status_code, parse_json(raw, response, f"{method} {path}")
