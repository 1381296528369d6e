"""The server's address and the secure connection to it: which addresses are allowed (https anywhere,
plain http only to this computer), the TLS context (shared per `verify`), and what a broken connection
means for the user (`offline`)."""

from __future__ import annotations

import ipaddress
import ssl
import threading

import httpx

from sync.client.errors import InsecureServerUrl, Offline, SyncClientError
from sync.client.transfer import certificate_error


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


def what_failed(exc: httpx.TransportError) -> str:
    """What the server did, for a message: "did not answer in time", "could not be reached", ..."""
    if isinstance(exc, httpx.TimeoutException):
        return "did not answer in time"
    if isinstance(exc, httpx.ConnectError):
        return "could not be reached"
    return "closed the connection"


def offline(exc: httpx.TransportError) -> SyncClientError:
    """The error for a request that failed on the way (a certificate problem, or the network)."""
    certificate = certificate_error(exc)
    if certificate is not None:
        return certificate
    what = what_failed(exc)
    return Offline(f"The server {what}. Check the network connection; sync will try again. ({exc})")


_TLS_LOCK = threading.Lock()
_TLS_CONTEXTS: dict[bool | str, ssl.SSLContext] = {}


def ssl_context(verify: bool | str, scheme: str = "https") -> ssl.SSLContext:
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
