"""The clerk workspace's reasons in the user's language: the preflight's findings and the clerk errors'
specific messages, by their codes (gremalda.pdf.preflight.TEXTS, gremalda.core.clerk.errors.REASONS),
with their parameters filled in. A server refusal with a known server error code (sync/server/errors.py)
gets a sentence of ours; an unknown one keeps the server's text. The operating system's reasons (a file
that cannot be read, a hot folder that cannot be watched) are gremalda.ui.os_texts' phrases.

Each function returns None when there is no translation (the English UI): the caller then shows the
English text the core wrote, which says exactly the same (and for server refusals, the server's own)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QLocale, QObject

from gremalda.core.clerk.errors import ClerkError
from gremalda.os_reasons import READ, WATCH, params_reason
from gremalda.pdf.preflight import Finding, page_list
from gremalda.pdf.workerstart import START_TIMEOUT
from gremalda.ui.os_texts import fill, reason_text, translated_reason

CONTEXT = "ClerkText"


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:  # noqa: N802 (pyside6-lupdate finds it by name)
    """Marks ``source`` for translation in ``context`` (translated where it is shown)."""
    return source


def _t(source: str, n: int = -1) -> str | None:
    """The translation of ``source``; None when there is none (it is the source itself)."""
    text = QCoreApplication.translate(CONTEXT, source, None, n)
    return None if text == source else text


def _number(value: Any) -> str:
    return QLocale().toString(float(value), "g", 6) if isinstance(value, float) else str(value)


def _size(value: Any) -> str:
    """A size as the preflight says it ("2 GiB", "1,5 GiB" in German)."""
    n = int(value)
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= factor:
            return f"{QLocale().toString(n / factor, 'g', 3)} {unit}"
    return f"{n} B"


def _pages(params: Mapping[str, Any]) -> str:
    return page_list([int(p) for p in params.get("pages_found") or []])


def _os_error(params: Mapping[str, Any], access: str = READ) -> str:
    """The operating system's reason the params name (by their reason code or errno), in the user's
    language (gremalda.ui.os_texts); in English the core's own phrase (``error``)."""
    reason = params_reason(dict(params), access)
    return translated_reason(reason) or str(params.get("error") or "") or reason_text(reason)


# --- the preflight's findings ------------------------------------------------------------------------------

Values = Callable[[Mapping[str, Any]], tuple[object, ...]]


def _none(_params: Mapping[str, Any]) -> tuple[object, ...]:
    return ()


# finding code -> (English source, its %1… values from the params)
FINDINGS: dict[str, tuple[str, Values]] = {
    "unreadable": (
        QT_TRANSLATE_NOOP("ClerkText", "The file cannot be read: %1."),
        lambda p: (_os_error(p),),
    ),
    "empty": (QT_TRANSLATE_NOOP("ClerkText", "The file is empty."), _none),
    "too_large": (
        QT_TRANSLATE_NOOP(
            "ClerkText", "The file is larger than the server accepts (%1); it cannot be attached."
        ),
        lambda p: (_size(p.get("limit", 0)),),
    ),
    "not_pdf": (QT_TRANSLATE_NOOP("ClerkText", "The file is not a readable PDF."), _none),
    "locked": (
        QT_TRANSLATE_NOOP(
            "ClerkText",
            "The PDF is protected by a password; members' devices could not open it. Save a copy without "
            "password protection and attach that.",
        ),
        _none,
    ),
    "wrong_password": (
        QT_TRANSLATE_NOOP(
            "ClerkText", "The PDF is protected by a password, and the password given is wrong."
        ),
        _none,
    ),
    "no_pages": (QT_TRANSLATE_NOOP("ClerkText", "The PDF has no pages (it is probably damaged)."), _none),
    "truncated": (
        QT_TRANSLATE_NOOP(
            "ClerkText",
            "The PDF is damaged: no page can be read (it may be incomplete, e.g. a download or copy that "
            "did not finish).",
        ),
        _none,
    ),
    "damaged_pages": (
        QT_TRANSLATE_NOOP("ClerkText", "The PDF is damaged: %1 of %2 pages cannot be read (page %3)."),
        lambda p: (p.get("count"), p.get("pages"), _pages(p)),
    ),
    "worker_died": (
        QT_TRANSLATE_NOOP(
            "ClerkText", "Reading the PDF crashed the reader (the file is probably damaged or hostile)."
        ),
        _none,
    ),
    "out_of_memory": (
        QT_TRANSLATE_NOOP(
            "ClerkText", "Reading the PDF needed too much memory (the file is probably damaged or hostile)."
        ),
        _none,
    ),
    "timeout": (
        QT_TRANSLATE_NOOP(
            "ClerkText",
            "Reading the PDF took longer than %1 s and was stopped after %2 s (the file is probably "
            "damaged).",
        ),
        lambda p: (_number(p.get("seconds", 0)), _number(p.get("ran", p.get("seconds", 0)))),
    ),
    "worker_start": (
        QT_TRANSLATE_NOOP(
            "ClerkText",
            "The PDF could not be checked: the checking process did not start within %1 s (the computer "
            "is very busy). Try again later; the file itself may well be fine.",
        ),
        lambda p: (_number(p.get("seconds", START_TIMEOUT)),),
    ),
    "repaired": (
        QT_TRANSLATE_NOOP(
            "ClerkText",
            "The PDF was damaged and had to be repaired while reading it; it can be read here, but check "
            "it, other programs may not read it.",
        ),
        _none,
    ),
    "encrypted": (
        QT_TRANSLATE_NOOP(
            "ClerkText", "The PDF is encrypted (with restrictions, no password needed to open it)."
        ),
        _none,
    ),
}


class ClerkText(QObject):
    """The texts with a plural form (pyside6-lupdate marks only ``self.tr`` calls as such)."""

    def scanned(self, count: int, pages: str) -> str:
        text = self.tr(
            "%n page(s) without text, only images (a scan without text recognition: not searchable): "
            "page %1.",
            "",
            count,
        )
        return fill(text, pages)


def translated_finding(finding: Finding) -> str | None:
    """The finding in the user's language; None when there is no translation (show ``finding.text``)."""
    if finding.code == "scanned":
        return ClerkText().scanned(int(finding.params.get("count", 0)), _pages(finding.params))
    known = FINDINGS.get(finding.code)
    if known is None:
        return None
    source, values = known
    template = _t(source)
    if template is None:
        return None
    text = fill(template, *values(finding.params))
    detail = finding.params.get("detail")
    return f"{text} ({detail})" if detail else text


def finding_text(finding: Finding) -> str:
    """The finding for the window: translated, or the preflight's English text."""
    return translated_finding(finding) or finding.text


# --- the clerk errors' specific messages -------------------------------------------------------------------

# agenda kind -> "This … is not in the offline copy" (each with its own article in German)
NOT_IN_REPLICA: dict[str, str] = {
    "meeting": QT_TRANSLATE_NOOP(
        "ClerkText", "This meeting (%1) is not in the offline copy (yet). Synchronise, then try again."
    ),
    "agenda_item": QT_TRANSLATE_NOOP(
        "ClerkText", "This agenda item (%1) is not in the offline copy (yet). Synchronise, then try again."
    ),
    "paper": QT_TRANSLATE_NOOP(
        "ClerkText", "This paper (%1) is not in the offline copy (yet). Synchronise, then try again."
    ),
    "file": QT_TRANSLATE_NOOP(
        "ClerkText", "This document (%1) is not in the offline copy (yet). Synchronise, then try again."
    ),
    "body": QT_TRANSLATE_NOOP(
        "ClerkText", "This body (%1) is not in the offline copy (yet). Synchronise, then try again."
    ),
    "organization": QT_TRANSLATE_NOOP(
        "ClerkText", "This committee (%1) is not in the offline copy (yet). Synchronise, then try again."
    ),
    "consultation": QT_TRANSLATE_NOOP(
        "ClerkText", "This consultation (%1) is not in the offline copy (yet). Synchronise, then try again."
    ),
    "": QT_TRANSLATE_NOOP(
        "ClerkText", "This (%1) is not in the offline copy (yet). Synchronise, then try again."
    ),
}

# the server's error codes a clerk's change can run into (sync/server/errors.py, the upload routes)
SERVER_REFUSALS: dict[str, str] = {
    "bad_request": QT_TRANSLATE_NOOP(
        "ClerkText", "The server refused the change as invalid. Synchronise, then check what you entered."
    ),
    "invalid": QT_TRANSLATE_NOOP(
        "ClerkText", "The server refused the change as invalid. Synchronise, then check what you entered."
    ),
    "conflict": QT_TRANSLATE_NOOP(
        "ClerkText",
        "The server refused the change: it does not fit the current state (for example, something is still "
        "in use). Synchronise, then try again.",
    ),
    "precondition_required": QT_TRANSLATE_NOOP(
        "ClerkText",
        "The server refused the change without the version it was made on. Synchronise, then try again.",
    ),
    "payload_too_large": QT_TRANSLATE_NOOP(
        "ClerkText", "The document is larger than the server accepts; it cannot be attached."
    ),
    "unsupported_media_type": QT_TRANSLATE_NOOP(
        "ClerkText", "The server does not accept this kind of file; attach a PDF."
    ),
    "range_not_satisfiable": QT_TRANSLATE_NOOP(
        "ClerkText", "The upload did not match what the server has received. Attach the document again."
    ),
    "too_many_requests": QT_TRANSLATE_NOOP(
        "ClerkText", "Too many requests in a short time. Wait a moment, then try again."
    ),
    "upload_busy": QT_TRANSLATE_NOOP(
        "ClerkText",
        "This document is being uploaded already (in another window or from another device). Wait until "
        "that has finished.",
    ),
}

# clerk error code -> (English source, its %1… values from the params); not_in_replica, server_refused
# and preflight are composed below
CLERK_REASONS: dict[str, tuple[str, Values]] = {
    "no_time_zone": (QT_TRANSLATE_NOOP("ClerkText", "A date and time needs a time zone."), _none),
    "bad_order": (
        QT_TRANSLATE_NOOP(
            "ClerkText",
            "The new order does not name every agenda item of the meeting exactly once. Reload "
            "(synchronise) and try again.",
        ),
        _none,
    ),
    "not_replaceable": (
        QT_TRANSLATE_NOOP(
            "ClerkText", "Only documents of meetings, agenda items and papers can be replaced here."
        ),
        _none,
    ),
    "notice_days": (
        QT_TRANSLATE_NOOP("ClerkText", "The notice period must be a whole number of days from 0 to 60."),
        _none,
    ),
    "server_forbidden": (
        QT_TRANSLATE_NOOP(
            "ClerkText",
            "The server does not allow this account to change this (only clerks of the body may).",
        ),
        _none,
    ),
    "file_unreadable": (
        QT_TRANSLATE_NOOP("ClerkText", "%1: the file cannot be read (%2)."),
        lambda p: (p.get("name"), _os_error(p)),
    ),
    "bad_delivery_table": (
        QT_TRANSLATE_NOOP("ClerkText", "The server sent a delivery table that cannot be read."),
        _none,
    ),
    "hot_folder_missing": (
        QT_TRANSLATE_NOOP("ClerkText", "The hot folder %1 does not exist or is not a folder."),
        lambda p: (p.get("folder"),),
    ),
    "hot_folder_unwatchable": (
        QT_TRANSLATE_NOOP("ClerkText", "The hot folder %1 cannot be watched: %2."),
        lambda p: (p.get("folder"), _os_error(p, WATCH)),
    ),
}
COMPOSED = ("not_in_replica", "server_refused", "preflight")


def server_refusal(code: str) -> str | None:
    """Our sentence for a known server error code, in the user's language; None otherwise."""
    source = SERVER_REFUSALS.get(code)
    return None if source is None else _t(source)


def clerk_message(error: ClerkError) -> str | None:
    """The clerk error's specific message in the user's language; None when it has no code, the code is
    not known here or there is no translation (show ``error.message``)."""
    params = error.params
    if error.code == "preflight":
        finding = getattr(error, "finding", None)
        reason = translated_finding(finding) if isinstance(finding, Finding) else None
        return None if reason is None else f"{params.get('name')}: {reason}"
    if error.code == "not_in_replica":
        source = NOT_IN_REPLICA.get(str(params.get("kind")), NOT_IN_REPLICA[""])
        template = _t(source)
        return None if template is None else fill(template, params.get("id"))
    if error.code == "server_refused":
        sentence = server_refusal(str(params.get("server_code") or ""))
        if sentence is not None:
            return sentence
        template = _t(QT_TRANSLATE_NOOP("ClerkText", "The server refused the change: %1"))
        return None if template is None else fill(template, params.get("server_message", ""))
    known = CLERK_REASONS.get(error.code)
    if known is None:
        return None
    source, values = known
    template = _t(source)
    return None if template is None else fill(template, *values(params))
