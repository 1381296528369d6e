"""Errors of the core services, for the user (see :mod:`gremalda.errors` for the hierarchy)."""

from __future__ import annotations

from collections.abc import Sequence

from gremalda.errors import GremaldaError


class DocumentNotFound(GremaldaError):
    """No file of the offline copy answers to what the user named."""

    title = "Document not found"
    default_message = (
        "No such document is in the offline copy. Give a file id or a file name as `gremalda ls` "
        "lists them, or synchronise first."
    )


class DocumentAmbiguous(GremaldaError):
    """Several files answer to what the user named; ``candidates`` holds their ids."""

    title = "Several documents match"
    default_message = "Several documents match that name. Give the id of the one you mean."

    def __init__(
        self, message: str | None = None, *, candidates: Sequence[str] = (), detail: str | None = None
    ) -> None:
        super().__init__(message, detail=detail)
        self.candidates = tuple(candidates)
