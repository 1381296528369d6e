"""A minimal feed consumer for tests: applies change pages to an in-memory replica."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

PLURAL = {
    "body": "bodies",
    "organization": "organizations",
    "person": "persons",
    "membership": "memberships",
    "meeting": "meetings",
    "agenda_item": "agenda-items",
    "paper": "papers",
    "consultation": "consultations",
    "efile": "efiles",
    "process": "processes",
    "document": "documents",
    "file": "files",
}


@dataclass
class Replica:
    objects: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    cursor: str | None = None
    requests: int = 0
    seqs: list[int] = field(default_factory=list)

    def apply(self, entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            self.seqs.append(entry["seq"])
            if entry["op"] == "upsert":
                data = entry["data"]
                self.objects[(data["type"], data["id"])] = data
            else:
                assert entry["op"] == "remove"
                self.objects.pop((entry["type"], entry["id"]), None)

    def sync(self, client: httpx.Client, limit: int | None = None) -> list[dict[str, Any]]:
        """Pulls until the feed has no more; returns every entry received."""
        received: list[dict[str, Any]] = []
        while True:
            params: dict[str, Any] = {}
            if self.cursor:
                params["cursor"] = self.cursor
            if limit:
                params["limit"] = limit
            r = client.get("/api/v1/changes", params=params)
            self.requests += 1
            assert r.status_code == 200, r.text
            page = r.json()
            self.apply(page["changes"])
            received += page["changes"]
            self.cursor = page["cursor"]
            if not page["has_more"]:
                return received

    def keys(self, kind: str) -> set[int]:
        return {i for (k, i) in self.objects if k == kind}


def server_view(client: httpx.Client) -> dict[tuple[str, int], dict[str, Any]]:
    """Everything the read API lists for this caller."""
    out: dict[tuple[str, int], dict[str, Any]] = {}
    for kind, plural in PLURAL.items():
        after = 0
        while True:
            r = client.get(f"/api/v1/{plural}", params={"after": after, "limit": 1000})
            assert r.status_code == 200, r.text
            for obj in r.json()["data"]:
                out[(kind, obj["id"])] = obj
            if r.json()["next_after"] is None:
                break
            after = r.json()["next_after"]
    return out
