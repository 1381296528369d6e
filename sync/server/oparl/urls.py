"""Object URLs (the OParl ids): absolute, under the base URL the request came in on."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request

from sync.protocol.kinds import Kind

PREFIX = "/oparl/v1.1"
SCHEMA = "https://schema.oparl.org/1.1/"

# path segment and OParl type name of every kind served here
PLURAL: dict[Kind, str] = {
    Kind.BODY: "bodies",
    Kind.ORGANIZATION: "organizations",
    Kind.PERSON: "persons",
    Kind.MEMBERSHIP: "memberships",
    Kind.MEETING: "meetings",
    Kind.AGENDA_ITEM: "agenda-items",
    Kind.PAPER: "papers",
    Kind.CONSULTATION: "consultations",
    Kind.FILE: "files",
}
KIND_OF_PLURAL = {v: k for k, v in PLURAL.items()}
TYPE_NAME: dict[Kind, str] = {
    Kind.BODY: "Body",
    Kind.ORGANIZATION: "Organization",
    Kind.PERSON: "Person",
    Kind.MEMBERSHIP: "Membership",
    Kind.MEETING: "Meeting",
    Kind.AGENDA_ITEM: "AgendaItem",
    Kind.PAPER: "Paper",
    Kind.CONSULTATION: "Consultation",
    Kind.FILE: "File",
}


def oparl_type(name: str) -> str:
    return SCHEMA + name


class Urls:
    def __init__(self, request: Request) -> None:
        self.base = str(request.base_url).rstrip("/") + PREFIX

    def system(self) -> str:
        return f"{self.base}/system"

    def bodies(self) -> str:
        return f"{self.base}/bodies"

    def obj(self, kind: Kind, obj_id: int) -> str:
        return f"{self.base}/{PLURAL[kind]}/{obj_id}"

    def body_list(self, body_id: int, kind: Kind) -> str:
        return f"{self.base}/bodies/{body_id}/{PLURAL[kind]}"

    def location(self, meeting_id: int) -> str:
        return f"{self.base}/meetings/{meeting_id}/location"

    def file_access(self, file_id: int) -> str:
        return f"{self.base}/files/{file_id}/access"

    def file_download(self, file_id: int) -> str:
        return f"{self.base}/files/{file_id}/download"


def with_query(url: str, params: dict[str, str]) -> str:
    return f"{url}?{urlencode(params)}" if params else url
