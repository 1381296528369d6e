"""Proof of delivery reports (POST /api/v1/deliveries): what a member's device tells the server, and the
server's answer per report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sync.client.errors import ServerProtocolError
from sync.client.session import Session

MAX_DELIVERY_ITEMS = 500  # per request, as the server accepts
EVENTS = ("complete", "opened")
STATUSES = ("ok", "stale", "rejected")


@dataclass(frozen=True)
class DeliveryReport:
    """``complete``: the device holds all of the published meeting's current files (``files``: their
    sha256, sorted); ``opened``: the member opened a document of it. ``at`` is the device's time (ISO)."""

    idempotency_key: str
    meeting_id: int
    event: str
    at: str
    files: tuple[str, ...] = ()

    def wire(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "idempotency_key": self.idempotency_key,
            "meeting_id": self.meeting_id,
            "event": self.event,
            "at": self.at,
        }
        if self.event == "complete":
            item["files"] = list(self.files)
        return item


@dataclass(frozen=True)
class DeliveryAnswer:
    """``ok``; ``stale`` (the folder changed on the server: report again after the next sync);
    ``rejected`` (``message`` says why, for people)."""

    status: str
    message: str = ""


def check_reports(items: Sequence[DeliveryReport]) -> None:
    if len(items) > MAX_DELIVERY_ITEMS:
        raise ValueError(f"at most {MAX_DELIVERY_ITEMS} delivery reports per request")
    for item in items:
        if item.event not in EVENTS:
            raise ValueError(f"unknown delivery event {item.event!r}")


def parse_delivery_answers(data: Any, count: int) -> list[DeliveryAnswer]:
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise ServerProtocolError("The server answered delivery reports without a list of results.")
    results = data["results"]
    if len(results) != count:
        raise ServerProtocolError(f"The server answered {len(results)} results for {count} delivery reports.")
    answers = []
    for raw in results:
        status = raw.get("status") if isinstance(raw, dict) else None
        if status not in STATUSES:
            raise ServerProtocolError(f"The server answered a delivery report with the status {status!r}.")
        message = raw.get("message")
        answers.append(DeliveryAnswer(status, message.strip()[:500] if isinstance(message, str) else ""))
    return answers


class DeliveryRoutes(Session):
    def report_deliveries(self, items: Sequence[DeliveryReport]) -> list[DeliveryAnswer]:
        """Report delivery events (at most 500), one answer per item in order; the same items sent again
        (same keys) are not counted twice."""
        if not items:
            return []
        check_reports(items)
        body = {"items": [item.wire() for item in items]}
        return parse_delivery_answers(self._json("POST", "api/v1/deliveries", json_body=body), len(items))
