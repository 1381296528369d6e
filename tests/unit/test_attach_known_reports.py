"""Attaching a file that the inbox checked when it arrived: the arrival's passing report is reused when
the file is the same version (size, modification time, sha256), not when it changed since; and the
version that was read for the upload is kept for the caller (the inbox files away only that version)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pymupdf
import pytest

from gremalda.core.clerk.attach import KnownReports, fingerprint, prepare
from gremalda.pdf.preflight import Preflighter


def _pdf(pages: int) -> bytes:
    document = pymupdf.open()
    for number in range(pages):
        document.new_page().insert_text((72, 72), f"Seite {number + 1}")
    data: bytes = document.tobytes()
    document.close()
    return data


@pytest.fixture
def checkers() -> Iterator[tuple[Preflighter, KnownReports]]:
    arrivals, known = Preflighter(), KnownReports()
    try:
        yield arrivals, known
    finally:
        arrivals.close()
        known.close()


def test_the_arrivals_report_is_reused_for_the_same_version_only(
    checkers: tuple[Preflighter, KnownReports], tmp_path: Path
) -> None:
    arrivals, known = checkers
    path = tmp_path / "Vorlage.pdf"
    path.write_bytes(_pdf(2))
    version = fingerprint(path)
    assert version is not None
    report = arrivals.check(path)  # as the inbox checks an arrival
    known.remember(path, version, report)

    source = prepare(path, known)
    assert source.report is report  # not checked a second time
    assert known.prepared(path) == version
    assert known.prepared(path) is None  # told once

    path.write_bytes(_pdf(3))  # written again
    os.utime(path, ns=(version.mtime_ns + 10**9, version.mtime_ns + 10**9))
    again = prepare(path, known)
    assert again.report is not report and again.report.pages == 3
    assert known.prepared(path) == fingerprint(path) != version


def test_a_refused_report_is_not_reused(checkers: tuple[Preflighter, KnownReports], tmp_path: Path) -> None:
    arrivals, known = checkers
    path = tmp_path / "halb.pdf"
    path.write_bytes(_pdf(1)[:300])  # half written when it arrived
    version = fingerprint(path)
    assert version is not None
    refused = arrivals.check(path)
    assert refused.refusal is not None
    known.remember(path, version, refused)
    assert known.known(path, version) is None


def test_a_check_before_the_upload_is_remembered_for_the_upload(
    checkers: tuple[Preflighter, KnownReports], tmp_path: Path
) -> None:
    """The window checks a dropped file before it queues the upload; the upload reuses that report (the
    file was checked twice), and a check on the arrivals' own checker is remembered the same way."""
    arrivals, known = checkers
    dropped = tmp_path / "Antrag.pdf"
    dropped.write_bytes(_pdf(2))
    report = known.check_remembered(dropped)
    assert known.check_remembered(dropped) is report
    assert prepare(dropped, known).report is report

    arrived = tmp_path / "Anlage.pdf"
    arrived.write_bytes(_pdf(1))
    checked = known.check_remembered(arrived, arrivals)
    version = fingerprint(arrived)
    assert version is not None and known.known(arrived, version) is checked
