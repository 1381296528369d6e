"""Limits of what a client may push, shared by the server (which refuses more) and the client (which
checks them when the user saves, so that the refusal comes at once and not at the next sync)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

MAX_ANNOTATION_BYTES = 64 * 1024  # one annotation record as compact UTF-8 JSON
MAX_INK_STROKES = 100  # strokes in one ink record
MAX_STROKE_POINTS = 1000  # points in one stroke (the client simplifies or splits longer ones)


def annotation_record_bytes(record: Mapping[str, Any]) -> int:
    """The size of an annotation record as the server measures it: compact JSON, UTF-8, key order
    and non-ASCII characters as they come (a string that is not valid Unicode raises
    :class:`UnicodeEncodeError`)."""
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return len(text.encode("utf-8"))
