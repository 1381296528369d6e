"""Every reason a clerk can be shown has a German text: each preflight finding code, each clerk error
code (with every kind of object and every server error code a clerk's change can run into), each clerk
error class's title and default message; in English the core's English text is shown as it is (a server
refusal: the server's own words). The compiled translations of gremalda/resources/i18n, no window."""

from __future__ import annotations

import errno
import inspect
from typing import Any

import pytest

from gremalda.core.clerk import errors as clerk_errors
from gremalda.core.clerk.errors import REASONS, ClerkError, FileRefused, NotInReplica, RequestRefused
from gremalda.core.clerk.hotfolder import HotFolderUnusable
from gremalda.core.clerk.local import KIND_NAMES
from gremalda.pdf.preflight import REFUSAL_CODES, TEXTS, WARNING_CODES, Finding
from gremalda.ui.clerk_texts import (
    CLERK_REASONS,
    COMPOSED,
    FINDINGS,
    SERVER_REFUSALS,
    clerk_message,
    fill,
    finding_text,
    server_refusal,
    translated_finding,
)
from gremalda.ui.error_texts import error_text
from sync.server import errors as server_errors

SAMPLE_PARAMS: dict[str, dict[str, Any]] = {
    "unreadable": {"error": "Permission denied", "errno": errno.EACCES},
    "too_large": {"limit": 3 << 29},
    "damaged_pages": {"count": 2, "pages": 9, "pages_found": [4, 5]},
    "timeout": {"seconds": 60.0},
    "scanned": {"count": 3, "pages_found": [1, 2, 7]},
}
CLERK_PARAMS: dict[str, dict[str, Any]] = {
    "server_refused": {"server_code": "invalid", "server_message": "The organization 9 does not exist."},
    "not_in_replica": {"what": "meeting", "kind": "meeting", "id": "17"},
    "file_unreadable": {"name": "Plan.pdf", "error": "No such file or directory", "errno": errno.ENOENT},
    "hot_folder_missing": {"folder": "/srv/scans"},
    "hot_folder_unwatchable": {"folder": "/srv/scans", "error": "Too many open files", "errno": errno.EMFILE},
}


def _finding(code: str) -> Finding:
    return Finding(code, SAMPLE_PARAMS.get(code, {}))


def _clerk_error(code: str) -> ClerkError:
    if code == "preflight":
        return FileRefused.by_preflight("Plan.pdf", _finding("locked"))
    return RequestRefused.because(code, **CLERK_PARAMS.get(code, {}))


def _refusal_codes() -> list[str]:
    """The server's error codes a clerk's change gets back as a refusal (4xx, but not sign-in, not
    allowed, not found, changed meanwhile: those have error classes of their own)."""
    own = {401, 403, 404, 412}
    codes = [
        cls.code
        for cls in vars(server_errors).values()
        if inspect.isclass(cls) and issubclass(cls, server_errors.ApiError) and cls.status not in own
    ]
    return [*codes, "precondition_required", "upload_busy"]  # write.py's 428, the upload's busy 409


def test_the_codes_are_all_known_to_the_window() -> None:
    assert set(TEXTS) == set(REFUSAL_CODES) | set(WARNING_CODES)
    assert set(FINDINGS) | {"scanned"} == set(TEXTS)
    assert set(CLERK_REASONS) | set(COMPOSED) == set(REASONS)
    assert set(_refusal_codes()) <= set(SERVER_REFUSALS)


def test_the_window_sources_say_in_english_what_the_preflight_says() -> None:
    # one wording: the source the German is translated from is the preflight's English text
    for code, (source, values) in FINDINGS.items():
        finding = _finding(code)
        assert fill(source, *values(finding.params)) == finding.text, code


def test_a_preflight_refusal_keeps_its_english_reason_and_the_finding_code() -> None:
    error = FileRefused.by_preflight("Plan.pdf", _finding("locked"))
    assert error.params["finding_code"] == "locked"
    assert REASONS["preflight"].format(**error.params) == error.message  # as every coded error
    assert error.message == "Plan.pdf: " + _finding("locked").text


@pytest.mark.usefixtures("german")
def test_every_preflight_finding_has_a_german_text() -> None:
    for code in TEXTS:
        finding = _finding(code)
        german = translated_finding(finding)
        assert german is not None and german != finding.text, code
        assert "%" not in german, (code, german)  # every placeholder filled
    assert finding_text(_finding("damaged_pages")) == (
        "Das PDF ist beschädigt: nicht lesbare Seiten: 2 von 9 (Seite 4–5)."
    )
    assert finding_text(_finding("too_large")) == (
        "Die Datei ist größer, als der Server annimmt (1,5 GiB); sie kann nicht angehängt werden."
    )
    assert finding_text(_finding("unreadable")) == (
        "Die Datei kann nicht gelesen werden: keine Berechtigung, sie zu lesen."
    )
    assert finding_text(_finding("scanned")).startswith("3 Seiten ohne Text, nur mit Bildern")
    one = Finding("scanned", {"count": 1, "pages_found": [2]})
    assert finding_text(one).startswith("1 Seite ohne Text") and finding_text(one).endswith("Seite 2.")
    detail = Finding("not_pdf", {"detail": "ValueError: bad xref"})
    assert finding_text(detail) == "Die Datei ist kein lesbares PDF. (ValueError: bad xref)"


@pytest.mark.usefixtures("german")
def test_every_clerk_error_code_has_a_german_text() -> None:
    for code in REASONS:
        error = _clerk_error(code)
        german = clerk_message(error)
        assert german is not None and german != error.message, code
        assert "%" not in german, (code, german)
        assert error_text(error)[1] == german
    for kind in KIND_NAMES:
        error = NotInReplica.because("not_in_replica", what=KIND_NAMES[kind], kind=kind, id="5")
        german = clerk_message(error)
        assert german is not None and "(5)" in german and "Offline-Kopie" in german, kind
    for server_code in _refusal_codes():
        sentence = server_refusal(server_code)
        assert sentence is not None and sentence != SERVER_REFUSALS[server_code], server_code
    unknown = RequestRefused.because("server_refused", server_code="teapot", server_message="I am a teapot.")
    assert error_text(unknown) == (
        "Änderung abgelehnt",
        "Der Server hat die Änderung abgelehnt: I am a teapot.",
    )
    assert error_text(_clerk_error("preflight"))[1].startswith(
        "Plan.pdf: Das PDF ist durch ein Passwort geschützt;"
    )


@pytest.mark.usefixtures("german")
def test_every_clerk_error_class_has_a_german_title_and_default_message() -> None:
    classes = [
        cls
        for cls in [*vars(clerk_errors).values(), HotFolderUnusable]
        if inspect.isclass(cls) and issubclass(cls, ClerkError)
    ]
    assert len(classes) >= 11
    for cls in classes:
        title, message = error_text(cls())
        assert title != cls.title or title == "Offline", cls.__name__  # the same word in German
        assert message != cls.default_message, cls.__name__


def test_in_english_the_core_text_is_shown_as_it_is(qapp: Any) -> None:
    for code in TEXTS:
        finding = _finding(code)
        if code != "scanned":  # the one with a plural form: English has its own forms
            assert finding_text(finding) == finding.text, code
    refused = RequestRefused.because(
        "server_refused", server_code="conflict", server_message="This organization still has meetings."
    )
    assert error_text(refused) == (
        "Change refused",
        "The server refused the change: This organization still has meetings.",
    )
    for code in REASONS:
        error = _clerk_error(code)
        assert error_text(error)[1] == error.message, code
