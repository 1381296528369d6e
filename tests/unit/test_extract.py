"""Text extraction in a worker process (gremalda.pdf.extract) with real PDFs and injected faults."""

from __future__ import annotations

import multiprocessing
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gremalda.pdf.extract import (
    ERR_NO_PAGES,
    ERR_NOT_A_PDF,
    ERR_WORKER_DIED,
    ERR_WRONG_PASSWORD,
    ExtractResult,
    TextExtractor,
    extract_in_process,
)

PDF_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pdf"
# The time limit of the tests that are not about it: no document reaches it, also on a CI machine 30x slower
# than usual (it counts from the worker's start on the document; the start has a limit of its own).
LIMIT = 600.0  # s
WAIT = 300.0  # s: how long a test waits for a result; a result comes at once when things work

needs_pdfs = pytest.mark.skipif(
    not PDF_DIR.is_dir(), reason=f"sample PDF folder {PDF_DIR} is absent (shared test data not installed)"
)


def _pdf(name: str) -> bytes:
    return (PDF_DIR / name).read_bytes()


# -- fault hooks, run inside the worker (module-level so that they pickle by reference) -------------------


def _die() -> ExtractResult:
    os._exit(1)


def _hang(seconds: float) -> ExtractResult:
    time.sleep(seconds)
    return ExtractResult(error="should have been stopped")


def _hang_marked(marker: str, seconds: float) -> ExtractResult:
    """Say (the file ``marker``) that the worker runs this, then hang."""
    Path(marker).write_text("running")
    time.sleep(seconds)
    return ExtractResult(error="should have been stopped")


def _hang_first_time(marker: str) -> ExtractResult:
    path = Path(marker)
    if not path.exists():
        path.write_text("ran")
        time.sleep(60)
    return ExtractResult(page_count=1, pages=[(1, "second run")])


def _ended(pid: int) -> bool:
    """Whether the process ``pid`` has ended and been reaped (waits for it: a killed worker is reaped by a
    join that a loaded machine can make wait a few seconds, else by the pool's own thread later)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        multiprocessing.active_children()  # reaps our children that have ended
        time.sleep(0.02)
    return False


@pytest.fixture(scope="module")
def extractor() -> Iterator[TextExtractor]:
    with TextExtractor(max_workers=1, timeout_s=LIMIT) as ex:
        yield ex


# -- direct (in-process) extraction ------------------------------------------------------------------


@needs_pdfs
def test_german_text_with_umlauts() -> None:
    data = _pdf("GeoTopo-komprimiert.pdf")
    start = time.perf_counter()
    result = extract_in_process(data)
    elapsed = time.perf_counter() - start
    rate = result.page_count / elapsed
    print(f"GeoTopo in-process: {result.page_count} pages in {elapsed:.3f} s = {rate:.0f} pages/s")
    assert result.error is None
    assert result.page_count == 117
    assert [n for n, _ in result.pages] == list(range(1, 118))
    text = "".join(t for _, t in result.pages)
    assert any(ch in text for ch in "äöüÄÖÜß")
    assert result.scanned_pages == 0
    assert not result.encrypted
    assert not result.needs_password


@needs_pdfs
def test_multicolumn_and_arabic() -> None:
    multi = extract_in_process(_pdf("multicolumn.pdf"))
    assert multi.error is None
    assert multi.page_count == 3
    assert "Two-Column Document" in multi.pages[0][1]
    arabic = extract_in_process(_pdf("habibi.pdf"))
    assert arabic.error is None
    assert "habibi" in arabic.pages[0][1]
    assert "حَبيبي" in arabic.pages[0][1]
    assert not any(ord(c) < 32 and c not in "\n\t" for _, t in arabic.pages for c in t)


@needs_pdfs
def test_password_protected() -> None:
    data = _pdf("libreoffice-writer-password.pdf")
    locked = extract_in_process(data)
    assert locked.needs_password and locked.encrypted
    assert locked.pages == []
    assert locked.error is None
    wrong = extract_in_process(data, password="nope")
    assert wrong.needs_password
    assert wrong.error == ERR_WRONG_PASSWORD
    assert wrong.pages == []
    opened = extract_in_process(data, password="openpassword")
    assert opened.error is None
    assert not opened.needs_password
    assert opened.encrypted
    assert "Lorem ipsum" in opened.pages[0][1]


@needs_pdfs
def test_pdf_without_pages() -> None:
    result = extract_in_process(_pdf("unreadablemetadata.pdf"))
    assert result.error == ERR_NO_PAGES
    assert result.pages == []


@needs_pdfs
def test_truncated_pdf() -> None:
    data = _pdf("GeoTopo-komprimiert.pdf")
    result = extract_in_process(data[: len(data) // 2])
    assert result.error is not None
    assert result.error in (ERR_NO_PAGES, ERR_NOT_A_PDF) or "could not be read" in result.error


def test_random_bytes_and_empty_input() -> None:
    noise = os.urandom(64 * 1024)
    assert extract_in_process(noise).error == ERR_NOT_A_PDF
    assert extract_in_process(b"").error == ERR_NOT_A_PDF
    assert extract_in_process(b"%PDF-1.7\n" + noise).error is not None


def test_scanned_pages_are_counted() -> None:
    from sync.server.demo.pdfgen import scanned_pdf

    result = extract_in_process(scanned_pdf(title="Eingabe zur Baumschutzsatzung", seed=7, pages=3))
    assert result.error is None
    assert result.page_count == 3
    assert result.scanned_pages == 3
    assert all(not text.strip() for _, text in result.pages)


# -- through the worker pool ---------------------------------------------------------------------------


@needs_pdfs
def test_worker_extracts_and_reports_speed(extractor: TextExtractor) -> None:
    data = _pdf("GeoTopo-komprimiert.pdf")
    extractor.extract(_pdf("minimal-document.pdf"))  # warm up: the worker is spawned on first use
    start = time.perf_counter()
    result = extractor.extract(data)
    elapsed = time.perf_counter() - start
    rate = result.page_count / elapsed
    print(f"GeoTopo via worker: {result.page_count} pages in {elapsed:.3f} s = {rate:.0f} pages/s")
    assert result == extract_in_process(data)
    futures = [extractor.submit(_pdf(name)) for name in ("multicolumn.pdf", "habibi.pdf", "pdfkit.pdf")]
    results = [f.result(timeout=WAIT) for f in futures]
    assert [r.error for r in results] == [None, None, None]
    assert results[0].page_count == 3


@needs_pdfs
def test_bad_input_through_the_worker(extractor: TextExtractor) -> None:
    assert extractor.extract(os.urandom(4096)).error == ERR_NOT_A_PDF
    assert extractor.extract(_pdf("unreadablemetadata.pdf")).error == ERR_NO_PAGES
    data = _pdf("libreoffice-writer-password.pdf")
    assert extractor.extract(data).needs_password
    assert extractor.extract(data, password="x").error == ERR_WRONG_PASSWORD
    assert "Lorem ipsum" in extractor.extract(data, password="openpassword").pages[0][1]


def test_worker_crash_is_reported_and_pool_recovers() -> None:
    from sync.server.demo.pdfgen import scanned_pdf

    scan = scanned_pdf(title="Scan", seed=1, pages=1)
    with TextExtractor(timeout_s=LIMIT) as ex:
        crashed = ex._submit_call(_die).result(timeout=WAIT)
        assert crashed.error == ERR_WORKER_DIED
        assert ex.extract(scan).scanned_pages == 1
        assert ex._submit_call(_die).result(timeout=WAIT).error == ERR_WORKER_DIED
        assert ex.extract(scan).error is None


def test_killed_worker_is_reported_and_pool_recovers(tmp_path: Path) -> None:
    marker = tmp_path / "running"
    with TextExtractor(timeout_s=LIMIT) as ex:
        future = ex._submit_call(_hang_marked, str(marker), LIMIT)
        deadline = time.monotonic() + WAIT
        while not marker.exists() and time.monotonic() < deadline:  # the worker is in the document
            time.sleep(0.02)
        (pid,) = ex.worker_pids()
        os.kill(pid, signal.SIGKILL)
        assert future.result(timeout=WAIT).error == ERR_WORKER_DIED
        assert ex.extract(b"not a pdf").error == ERR_NOT_A_PDF
        assert pid not in ex.worker_pids()


def test_timeout_terminates_the_stuck_worker() -> None:
    with TextExtractor(timeout_s=LIMIT) as ex:
        ex.extract(b"warm up")  # the worker's start, under the generous limit
        (pid,) = ex.worker_pids()
        ex.timeout_s = 2  # the limit of the documents handed over from now on
        # stopped by the limit: the hang would end only long after the wait for the result gave up
        result = ex._submit_call(_hang, 10 * WAIT).result(timeout=WAIT)
        assert result.error is not None and "longer than 2 s" in result.error
        ex.timeout_s = LIMIT  # the next worker's start under the generous limit again
        assert _ended(pid)
        assert ex.extract(b"still not a pdf").error == ERR_NOT_A_PDF


def test_timeout_resubmits_innocent_documents(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    with TextExtractor(max_workers=2, timeout_s=LIMIT) as ex:
        ex.extract(b"warm up")
        bystander = ex._submit_call(_hang_first_time, str(marker))  # under the generous limit
        deadline = time.monotonic() + WAIT
        while not marker.exists() and time.monotonic() < deadline:  # it runs in a worker now
            time.sleep(0.02)
        # a short limit for the stuck document only (a document's limit is set when it is handed over); the
        # lock keeps the watchdog from stopping it before the limit is back for the bystander's second run
        # (and its new worker's start)
        with ex._cond:
            ex.timeout_s = 1
            stuck = ex._submit_call(_hang, 10 * WAIT)
            ex.timeout_s = LIMIT
        assert "longer than" in (stuck.result(timeout=WAIT).error or "")
        assert bystander.result(timeout=WAIT).pages == [(1, "second run")]


def test_closed_extractor_refuses_and_cancels() -> None:
    ex = TextExtractor(timeout_s=60)
    running = ex._submit_call(_hang, 60)
    queued = ex.submit(b"x")
    ex.close()
    assert running.result(timeout=5).error is not None
    assert queued.cancelled()
    with pytest.raises(RuntimeError):
        ex.submit(b"x")
    ex.close()  # idempotent


@needs_pdfs
def test_no_file_is_written_to_the_temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(private_tmp))  # inherited by the spawned worker
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    temp_dir = Path(tempfile.gettempdir())
    assert temp_dir == private_tmp
    before = sorted(p.name for p in temp_dir.iterdir())
    with TextExtractor(timeout_s=LIMIT) as ex:
        assert ex.extract(_pdf("GeoTopo-komprimiert.pdf")).page_count == 117
        assert ex.extract(_pdf("libreoffice-writer-password.pdf"), password="openpassword").error is None
        assert ex.extract(os.urandom(1000)).error == ERR_NOT_A_PDF
        during = sorted(p.name for p in temp_dir.iterdir())
    assert before == during == sorted(p.name for p in temp_dir.iterdir()) == []


@needs_pdfs
def test_all_samples_in_parallel_match_in_process_results() -> None:
    samples = {p.name: p.read_bytes() for p in sorted(PDF_DIR.glob("*.pdf"))}
    with TextExtractor(max_workers=2, timeout_s=LIMIT) as ex:
        futures = {name: ex.submit(data) for name, data in samples.items()}
        results = {name: f.result(timeout=WAIT) for name, f in futures.items()}
    for name, data in samples.items():
        assert results[name] == extract_in_process(data), name
    assert results["imagemagick-images.pdf"].scanned_pages == results["imagemagick-images.pdf"].page_count
    assert results["libreoffice-writer-password.pdf"].needs_password
    assert [n for n, r in results.items() if r.error] == ["unreadablemetadata.pdf"]


def test_close_leaves_no_worker_processes_or_threads() -> None:
    import multiprocessing
    import threading

    threads_before = set(threading.enumerate())
    children_before = set(multiprocessing.active_children())  # e.g. the module-scoped extractor's
    with TextExtractor(timeout_s=LIMIT) as ex:
        assert ex._submit_call(_die).result(timeout=WAIT).error == ERR_WORKER_DIED
        ex.timeout_s = 2  # the stuck document's limit
        assert "longer than" in (ex._submit_call(_hang, 10 * WAIT).result(timeout=WAIT).error or "")
        ex.timeout_s = LIMIT
        assert ex.extract(b"%PDF").error is not None
    assert set(multiprocessing.active_children()) <= children_before
    assert set(threading.enumerate()) <= threads_before
