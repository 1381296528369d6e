# mypy: disable-error-code="no-untyped-call"
"""The proof-of-delivery table of a meeting (issue 6): per member and deputy, when a device had the
published folder complete and when the member first opened it, and the notice-period (Ladungsfrist)
check; exportable as CSV and PDF.

CSV choice: German Excel opens a double-clicked ``.csv`` with the system's list separator, which is
the semicolon in German locales, and reads it as UTF-8 only with a byte order mark. So :meth:`to_csv`
writes semicolon-separated values with a leading UTF-8 BOM (``\\ufeff``; encode the text as UTF-8),
``\\r\\n`` line ends, German headings by default, and times as ISO 8601 in the local time zone with
its offset (``2026-12-01T18:04:05+01:00``): unambiguous, sortable, and read as text, not reformatted.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from gremalda.core.clerk.errors import ServerTrouble
from gremalda.core.library import parse_time

STATUSES = ("on_time", "late", "missing", "no_account")
LABELS: dict[str, dict[str, str]] = {
    "de": {
        "name": "Name",
        "role": "Funktion",
        "deputy": "Stellvertretung",
        "first_complete_at": "Vollständig erhalten (erstmals)",
        "current_complete_at": "Vollständig (aktueller Stand)",
        "first_opened_at": "Erstmals geöffnet",
        "status": "Ladungsfrist",
        "yes": "ja",
        "no": "nein",
        "on_time": "fristgerecht",
        "late": "verspätet",
        "missing": "nicht zugestellt",
        "no_account": "kein Zugang",
        "title": "Zustellnachweis",
        "meeting": "Sitzung",
        "start": "Beginn",
        "published": "Veröffentlicht",
        "deadline": "Frist: Zugang bis",  # the end of the last local day (server: notice_deadline)
        "notice": "Frist (Tage)",
        "made": "Erstellt",
        "summary": "{on_time} von {total} fristgerecht, {late} verspätet, {missing} nicht zugestellt, "
        "{no_account} ohne Zugang",
    },
    "en": {
        "name": "Name",
        "role": "Role",
        "deputy": "Deputy",
        "first_complete_at": "First complete",
        "current_complete_at": "Complete (current folder)",
        "first_opened_at": "First opened",
        "status": "Notice period",
        "yes": "yes",
        "no": "no",
        "on_time": "on time",
        "late": "late",
        "missing": "not delivered",
        "no_account": "no account",
        "title": "Proof of delivery",
        "meeting": "Meeting",
        "start": "Start",
        "published": "Published",
        "deadline": "Deadline: received by",
        "notice": "Notice (days)",
        "made": "Made",
        "summary": "{on_time} of {total} on time, {late} late, {missing} not delivered, "
        "{no_account} without account",
    },
}
COLUMNS = ("name", "role", "deputy", "first_complete_at", "current_complete_at", "first_opened_at", "status")


def _local(value: datetime | None) -> str:
    return value.astimezone().isoformat(timespec="seconds") if value is not None else ""


def _readable(value: datetime | None) -> str:
    return value.astimezone().strftime("%d.%m.%Y %H:%M") if value is not None else "–"


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
        """Late or missing: highlighted in the table."""
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
            if deadline is None and start is not None:
                deadline = start - timedelta(days=notice)
            return cls(
                meeting_id=int(meeting["id"]),
                meeting_name=str(meeting.get("name") or ""),
                start=start,
                published_at=parse_time(meeting.get("published_at")),
                notice_days=notice,
                deadline=deadline,
                rows=rows,
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
        return [
            row.name,
            row.role,
            labels["yes"] if row.deputy else labels["no"],
            show(row.first_complete_at),
            show(row.current_complete_at),
            show(row.first_opened_at),
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
        facts = [
            (labels["start"], _readable(self.start)),
            (labels["published"], _readable(self.published_at)),
            (labels["notice"], str(self.notice_days)),
            (labels["deadline"], _readable(self.deadline)),
            (labels["made"], _readable(datetime.now().astimezone())),
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
