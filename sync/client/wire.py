"""Reading the server's JSON strictly: no NaN/Infinity, no control characters or lone surrogates in any
text, UTF-8 only; and typed access to its fields. Whatever does not fit raises ServerProtocolError
with a message for people (never a KeyError or TypeError from a strange answer)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import httpx

from sync.client.errors import ServerProtocolError

# C0 controls other than tab, newline and carriage return, DEL, and lone surrogates (valid JSON escapes,
# but no text: they would fail later when stored as UTF-8)
BAD_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _check_text(value: Any, where: str) -> None:
    """Refuses control characters and lone surrogates anywhere in a parsed JSON value (keys too)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if BAD_TEXT.search(item):
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


def int_(value: Any, what: str) -> int:
    if type(value) is not int:
        raise ServerProtocolError(f"The server sent {what} that is not an integer.")
    return value


def str_(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ServerProtocolError(f"The server sent {what} that is not text.")
    return value


def opt_int(value: Any, what: str) -> int | None:
    return None if value is None else int_(value, what)


def positive(value: Any, what: str) -> int:
    number = int_(value, what)
    if number < 1:
        raise ServerProtocolError(f"The server sent {what} that is not positive.")
    return number


def object_(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ServerProtocolError(f"The server sent {what} that is not a JSON object.")
    return value


def field(obj: Mapping[str, Any], key: str, what: str) -> Any:
    if key not in obj:
        raise ServerProtocolError(f"The server sent {what} without {key!r}.")
    return obj[key]
