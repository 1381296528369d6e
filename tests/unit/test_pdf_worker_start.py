# mypy: disable-error-code="no-untyped-call"
"""The time limits of the PDF workers (preflight, text extraction, rendering) count from the moment a worker
has started on a document, not from the request: a worker whose start is slow (a busy machine; here real
worker processes delayed by ``GREMALDA_TEST_WORKER_START_DELAY``) still gives each document its full limit,
a stuck document is still stopped (saying how long it ran), and a start beyond the start limit is reported
as the worker not starting, not as a damaged file.

The delays only ever make a worker slower than the limits under test, so a slower machine cannot make these
tests fail: a limit that counted the start would be exceeded all the more."""

from __future__ import annotations

import re
import time

import pymupdf
import pytest

from gremalda.pdf.extract import ERR_WORKER_START as EXTRACT_START
from gremalda.pdf.extract import ExtractResult, TextExtractor
from gremalda.pdf.preflight import Preflighter
from gremalda.pdf.render import ERR_TIMEOUT, Renderer, RenderError
from gremalda.pdf.render import ERR_WORKER_START as RENDER_START
from gremalda.pdf.workerstart import START_DELAY_ENV

WAIT = 600  # seconds: a guard against hangs, never reached when things work
SLOW_START = 12.0  # s: the delayed start of every worker in a test ...
# ... is longer than the per-document limit, which must not count it. The limit is also the time the healthy
# documents here (a few small pages: a fraction of a second of work) must be read in, on a CI machine that
# is 20-30x slower at moments: 4 s left too little room for that
LIMIT = 10.0  # s


def pdf(pages: int = 1) -> bytes:
    doc = pymupdf.open()
    for number in range(1, pages + 1):
        page = doc.new_page()
        for line in range(40):
            page.insert_text((50, 60 + 18 * line), f"Seite {number}, Zeile {line}: Haushaltssatzung 2027")
    data: bytes = doc.tobytes()
    doc.close()
    return data


def _hang(seconds: float) -> ExtractResult:
    time.sleep(seconds)
    return ExtractResult(error="should have been stopped")


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def slow_start(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    monkeypatch.setenv(START_DELAY_ENV, str(seconds))  # inherited by the workers spawned from now on


# -- preflight -------------------------------------------------------------------------------------------


def test_preflight_a_slow_worker_start_does_not_count_against_the_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_start(monkeypatch, SLOW_START)
    with Preflighter(timeout_s=LIMIT) as checker:
        report = checker.check(pdf())
    assert report.ok, report.refused_reason
    assert report.pages == 1 and report.text_pages == [1]


def test_preflight_a_document_over_its_limit_is_stopped_and_says_how_long_it_ran(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_start(monkeypatch, SLOW_START)
    with Preflighter(timeout_s=0.05) as checker:
        report = checker.check(pdf(pages=400))  # far more than 0.05 s of reading on any machine
    assert report.refusal is not None and report.refusal.code == "timeout"
    ran = report.refusal.params["ran"]
    assert ran < SLOW_START  # counted from the worker's start on the document, not from the request
    assert report.refused_reason == (
        f"Reading the PDF took longer than 0.05 s and was stopped after {ran:g} s (the file is probably "
        "damaged)."
    )


def test_preflight_a_worker_that_does_not_start_in_time_is_reported_as_such(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_start(monkeypatch, SLOW_START)
    with Preflighter(timeout_s=WAIT, start_timeout_s=1) as checker:
        report = checker.check(pdf())
        assert report.refusal is not None and report.refusal.code == "worker_start"
        assert "did not start within 1 s" in (report.refused_reason or "")
        assert "damaged" not in (report.refused_reason or "")
        assert checker._pool is None  # the worker was given up
    monkeypatch.delenv(START_DELAY_ENV)
    with Preflighter(timeout_s=WAIT) as checker:
        assert checker.check(pdf()).ok


# -- text extraction -------------------------------------------------------------------------------------


def test_extraction_a_slow_worker_start_does_not_count_against_the_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_start(monkeypatch, SLOW_START)
    with TextExtractor(max_workers=2, timeout_s=LIMIT) as ex:
        futures = [ex.submit(pdf(pages=2)) for _ in range(3)]
        results = [f.result(timeout=WAIT) for f in futures]
    for result in results:
        assert result.ok, result.error
        assert [n for n, _ in result.pages] == [1, 2] and "Haushaltssatzung" in result.pages[0][1]


def test_extraction_a_stuck_document_is_stopped_and_says_how_long_it_ran(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_start(monkeypatch, SLOW_START)
    with TextExtractor(timeout_s=1) as ex:
        result = ex._submit_call(_hang, 10 * WAIT).result(timeout=WAIT)
        error = result.error or ""
        pattern = r"Reading this PDF took longer than 1 s and was stopped after ([\d.]+) s\."
        found = re.fullmatch(pattern, error)
        assert found is not None, error
        assert 1 <= float(found.group(1)) < SLOW_START  # its own time, not the worker's start
        ex.timeout_s = LIMIT
        assert ex.extract(pdf()).ok  # on a fresh worker, itself slow to start


def test_extraction_a_worker_that_does_not_start_in_time_is_reported_as_such(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_start(monkeypatch, SLOW_START)
    with TextExtractor(timeout_s=WAIT, start_timeout_s=1) as ex:
        result = ex.extract(pdf())
    assert result.error == EXTRACT_START.format(seconds=1)
    assert "did not start within 1 s" in result.error


# -- rendering -------------------------------------------------------------------------------------------


def test_rendering_a_slow_worker_start_and_document_load_do_not_count_against_the_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_start(monkeypatch, SLOW_START)
    with Renderer(workers=1, timeout_s=LIMIT) as r:
        info = r.open("doc", pdf(pages=3)).result(WAIT)
        assert info.ok and info.page_count == 3
        image = r.render("doc", 2, 1.0).result(WAIT)
        assert image.page == 2 and image.width > 0
        r.timeout_s = 1.0
        with pytest.raises(RenderError) as failed:  # a stuck request is still stopped by its limit
            r._submit_call(_sleep, 10 * WAIT).result(WAIT)
        assert failed.value.message == ERR_TIMEOUT
        r.timeout_s = LIMIT  # the replacing worker is slow to start as well: its first request succeeds
        assert r._submit_call(_sleep, 0).result(WAIT) == "slept"


def test_rendering_a_worker_that_does_not_start_in_time_is_reported_as_such(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slow_start(monkeypatch, SLOW_START)
    with Renderer(workers=1, timeout_s=WAIT, start_timeout_s=1) as r:
        with pytest.raises(RenderError) as failed:
            r._submit_call(_sleep, 0).result(WAIT)
        assert failed.value.message == RENDER_START
