"""prepare asks any Checker (the Protocol, not only KnownReports) once for the report of the version of
the file it has just read, and tells it that version; without one it checks the file itself. The upload
is refused when the report is, and an unreadable file is refused with the system's reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pymupdf
import pytest

from gremalda.core.clerk.attach import Checker, Fingerprint, KnownReports, fingerprint, prepare
from gremalda.core.clerk.errors import FileRefused
from gremalda.pdf.preflight import Preflighter, PreflightReport


def _pdf(pages: int) -> bytes:
    document = pymupdf.open()
    for number in range(pages):
        document.new_page().insert_text((72, 72), f"Seite {number + 1}")
    data: bytes = document.tobytes()
    document.close()
    return data


class LoggingChecker:
    """A checker of its own (a real preflight) that logs what prepare asked of it."""

    def __init__(self, preflighter: Preflighter) -> None:
        self.preflighter = preflighter
        self.asked: list[tuple[Path, Fingerprint | None]] = []

    def report_for(self, path: Path, version: Fingerprint | None) -> PreflightReport:
        self.asked.append((path, version))
        return self.preflighter.check(path)


@pytest.fixture
def preflighter() -> Iterator[Preflighter]:
    with Preflighter() as checker:
        yield checker


def test_any_checker_is_asked_once_with_the_version_read(preflighter: Preflighter, tmp_path: Path) -> None:
    path = tmp_path / "Vorlage.pdf"
    path.write_bytes(_pdf(2))
    checker = LoggingChecker(preflighter)
    as_checker: Checker = checker  # the Protocol: any class with report_for
    source = prepare(path, as_checker)
    assert checker.asked == [(path, fingerprint(path))]
    assert source.report.pages == 2 and source.size == path.stat().st_size


def test_a_refusal_of_the_checker_refuses_the_file(preflighter: Preflighter, tmp_path: Path) -> None:
    path = tmp_path / "halb.pdf"
    path.write_bytes(_pdf(1)[:300])
    checker = LoggingChecker(preflighter)
    with pytest.raises(FileRefused) as caught:
        prepare(path, checker)
    assert caught.value.code == "preflight" and caught.value.finding is not None
    assert len(checker.asked) == 1


def test_without_a_checker_prepare_checks_the_file_itself(tmp_path: Path) -> None:
    path = tmp_path / "Antrag.pdf"
    path.write_bytes(_pdf(3))
    assert prepare(path).report.pages == 3


def test_known_reports_is_a_checker_that_keeps_the_version_read(tmp_path: Path) -> None:
    path = tmp_path / "Anlage.pdf"
    path.write_bytes(_pdf(1))
    known = KnownReports()
    try:
        as_checker: Checker = known
        prepare(path, as_checker)
        assert known.prepared(path) == fingerprint(path)
        assert known.prepared(path) is None  # told once
    finally:
        known.close()


def test_an_unreadable_file_is_refused_with_the_systems_reason(tmp_path: Path) -> None:
    known = KnownReports()
    try:
        with pytest.raises(FileRefused) as caught:
            prepare(tmp_path / "fehlt.pdf", known)
        assert known.prepared(tmp_path / "fehlt.pdf") is None  # nothing read, the checker not asked
    finally:
        known.close()
    error = caught.value
    assert error.code == "file_unreadable" and error.params["reason"] == "no_file"
    assert error.message == "fehlt.pdf: the file cannot be read (the file does not exist)."
    assert error.detail is not None and "[Errno 2]" in error.detail
