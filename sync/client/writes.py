"""The clerk's writes to the server's resources (POST, PATCH, PUT, DELETE with If-Match and
Idempotency-Key) and authenticated reads of any JSON route."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.client.errors import ServerProtocolError
from sync.client.session import Session


class WriteRoutes(Session):
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
