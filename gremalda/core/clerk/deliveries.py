# mypy: disable-error-code="no-untyped-call"
"""The proof-of-delivery table of a meeting (issue 6): per member and deputy, when a device had the
published folder complete and when the member first opened it, and the notice-period (Ladungsfrist)
check; exportable as CSV and PDF with the dialog's headings. Times are shown in the body's time zone (the
server's ``time_zone``), where the notice period counts days, not in this machine's.

CSV choice: German Excel opens a double-clicked ``.csv`` with the system's list separator, which is
the semicolon in German locales, and reads it as UTF-8 only with a byte order mark. So :meth:`to_csv`
writes semicolon-separated values with a leading UTF-8 BOM (``\\ufeff``; encode the text as UTF-8),
``\\r\\n`` line ends, German headings by default, and times as ISO 8601 in the body's time zone with
its offset (``2026-12-01T18:04:05+01:00``): unambiguous, sortable, and read as text, not reformatted.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from gremalda.core.clerk.errors import ServerTrouble
from gremalda.core.library import parse_time
from sync.protocol.notice import DEFAULT_TIME_ZONE, body_zone, notice_deadline

STATUSES = ("on_time", "late", "missing", "pending", "no_account")
# the dialog's default order (its Status column's): what needs the clerk's attention first; the exports
# keep the server's order (members before deputies, by name)
STATUS_ORDER = {"missing": 0, "late": 1, "pending": 2, "no_account": 3, "on_time": 4}
LABELS: dict[str, dict[str, str]] = {
    "de": {
        # the headings as the dialog shows them (DeliveryDialog's German translation)
        "name": "Mitglied",
        "role": "Funktion",
        "deputy": "Stellvertretung",
        "first_complete_at": "Einladung vollständig",
        "current_complete_at": "Aktueller Stand vollständig",
        "first_opened_at": "Erstmals geöffnet",
        "status": "Status",
        "yes": "ja",
        "no": "nein",
        "on_time": "fristgerecht",
        "late": "verspätet",
        "missing": "nicht zugestellt",
        "pending": "ausstehend",
        "no_account": "kein Zugang",
        "title": "Zustellnachweis",
        "meeting": "Sitzung",
        "start": "Beginn",
        "published": "Veröffentlicht",
        "deadline": "Frist: Zugang bis",  # the end of the last local day (server: notice_deadline)
        "notice": "Frist (Tage)",
        "made": "Erstellt",
        "summary": "{on_time} von {total} fristgerecht, {late} verspätet, {missing} nicht zugestellt, "
        "{pending} ausstehend, {no_account} ohne Zugang",
    },
    "en": {
        "name": "Member",
        "role": "Role",
        "deputy": "Deputy",
        "first_complete_at": "Invitation complete",
        "current_complete_at": "Current folder complete",
        "first_opened_at": "First opened",
        "status": "Status",
        "yes": "yes",
        "no": "no",
        "on_time": "on time",
        "late": "late",
        "missing": "missing",
        "pending": "pending",
        "no_account": "no account",
        "title": "Proof of delivery",
        "meeting": "Meeting",
        "start": "Start",
        "published": "Published",
        "deadline": "Deadline: received by",
        "notice": "Notice (days)",
        "made": "Made",
        "summary": "{on_time} of {total} on time, {late} late, {missing} missing, {pending} pending, "
        "{no_account} without account",
    },
}
COLUMNS = ("name", "role", "deputy", "first_complete_at", "current_complete_at", "first_opened_at", "status")


def _local(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).isoformat(timespec="seconds") if value is not None else ""


def _readable(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%d.%m.%Y %H:%M") if value is not None else "–"


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    person_id: int
    name: str
    role: str
    deputy: bool
    user_id: int | None
    first_complete_at: datetime | None
    current_complete_at: datetime | None
    first_opened_at: datetime | None
    status: str

    @property
    def flagged(self) -> bool:
        """Late or missing (not pending: its deadline has not passed yet): highlighted in the table."""
        return self.status in ("late", "missing")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(cell: str) -> str:
    """A cell a spreadsheet does not run as a formula (a name like "=HYPERLINK(...)" or "-Fraktion"):
    such cells start with an apostrophe, which spreadsheets show as text and do not display."""
    return f"'{cell}" if cell.startswith(FORMULA_START) else cell


@dataclass(frozen=True, slots=True)
class DeliveryTable:
    meeting_id: int
    meeting_name: str
    start: datetime | None
    published_at: datetime | None
    notice_days: int
    deadline: datetime | None
    rows: tuple[DeliveryRow, ...]
    time_zone: str = DEFAULT_TIME_ZONE  # the body's (IANA name): the notice period counts days there

    @property
    def zone(self) -> ZoneInfo:
        return body_zone(self.time_zone)

    @classmethod
    def from_json(cls, data: Any) -> DeliveryTable:
        """The table from ``GET /api/v1/meetings/{id}/deliveries``; ServerTrouble when it is malformed."""
        try:
            meeting = data["meeting"]
            rows = tuple(
                DeliveryRow(
                    person_id=int(row["person_id"]),
                    name=str(row.get("name") or ""),
                    role=str(row.get("role") or ""),
                    deputy=bool(row.get("deputy")),
                    user_id=int(row["user_id"]) if row.get("user_id") is not None else None,
                    first_complete_at=parse_time(row.get("first_complete_at")),
                    current_complete_at=parse_time(row.get("current_complete_at")),
                    first_opened_at=parse_time(row.get("first_opened_at")),
                    status=str(row["status"]) if row.get("status") in STATUSES else "missing",
                )
                for row in data["rows"]
            )
            start = parse_time(meeting.get("start"))
            notice = int(meeting.get("notice_days") or 0)
            deadline = parse_time(meeting.get("deadline"))
            zone = body_zone(meeting.get("time_zone"))
            if deadline is None and start is not None:  # an older server: the same rule
                deadline = notice_deadline(start, notice, zone).shown
            return cls(
                meeting_id=int(meeting["id"]),
                meeting_name=str(meeting.get("name") or ""),
                start=start,
                published_at=parse_time(meeting.get("published_at")),
                notice_days=notice,
                deadline=deadline,
                rows=rows,
                time_zone=zone.key,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ServerTrouble.because("bad_delivery_table", detail=repr(exc)) from None

    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(STATUSES, 0)
        for row in self.rows:
            found[row.status] += 1
        return found

    def cells(self, row: DeliveryRow, language: str = "de", *, readable: bool = False) -> list[str]:
        labels = LABELS[language]
        show = _readable if readable else _local
        zone = self.zone
        return [
            row.name,
            row.role,
            labels["yes"] if row.deputy else labels["no"],
            show(row.first_complete_at, zone),
            show(row.current_complete_at, zone),
            show(row.first_opened_at, zone),
            labels[row.status],
        ]

    def to_csv(self, language: str = "de") -> str:
        """Semicolon-separated, UTF-8 BOM first, local ISO times (see the module docstring)."""
        labels = LABELS[language]
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([labels[c] for c in COLUMNS])
        for row in self.rows:
            writer.writerow([_csv_safe(cell) for cell in self.cells(row, language)])
        return out.getvalue()

    def to_html(self, language: str = "de") -> str:
        labels = LABELS[language]
        esc = html.escape
        counts = self.counts()
        head = "".join(f"<th>{esc(labels[c])}</th>" for c in COLUMNS)
        body = []
        for row in self.rows:
            cls = f' class="{row.status}"' if row.flagged else ""
            cells = "".join(f"<td>{esc(c)}</td>" for c in self.cells(row, language, readable=True))
            body.append(f"<tr{cls}>{cells}</tr>")
        zone = self.zone
        facts = [
            (labels["start"], _readable(self.start, zone)),
            (labels["published"], _readable(self.published_at, zone)),
            (labels["notice"], str(self.notice_days)),
            (labels["deadline"], f"{_readable(self.deadline, zone)} ({zone.key})"),
            (labels["made"], _readable(datetime.now(zone), zone)),
        ]
        summary = labels["summary"].format(total=len(self.rows), **counts)
        return (
            f"<h1>{esc(labels['title'])}</h1>"
            f"<h2>{esc(labels['meeting'])}: {esc(self.meeting_name)}</h2>"
            "<p>" + "<br/>".join(f"<b>{esc(k)}:</b> {esc(v)}" for k, v in facts) + "</p>"
            f"<p>{esc(summary)}</p>"
            f"<table><tr>{head}</tr>{''.join(body)}</table>"
        )

    def to_pdf(self, language: str = "de") -> bytes:
        """An A4 landscape PDF: heading with the meeting, its start and the deadline; late and missing
        rows highlighted."""
        import pymupdf

        css = (
            "* {font-family: sans-serif; font-size: 9pt;}"
            "h1 {font-size: 16pt; margin: 0 0 4pt 0;} h2 {font-size: 12pt; margin: 0 0 6pt 0;}"
            "table {border-collapse: collapse; width: 100%;}"
            "th {background-color: #dddddd; text-align: left; border: 1px solid #888888; padding: 3pt;}"
            "td {border: 1px solid #888888; padding: 3pt;}"
            "tr.late td {background-color: #ffe08a;} tr.missing td {background-color: #ffb3b3;}"
        )
        story = pymupdf.Story(html=self.to_html(language), user_css=css)
        buffer = io.BytesIO()
        writer = pymupdf.DocumentWriter(buffer)
        page = pymupdf.paper_rect("a4-l")
        where = pymupdf.Rect(page.x0 + 36, page.y0 + 36, page.x1 - 36, page.y1 - 36)
        more = 1
        while more:
            device = writer.begin_page(page)
            more, _filled = story.place(where)
            story.draw(device)
            writer.end_page()
        writer.close()
        return buffer.getvalue()
