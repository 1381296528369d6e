"""Preflight (issue 6) on real PDFs of shared/data/pdf and on broken ones made from them: accepted,
warned about, refused with the reason; in a worker with a time limit; and the CLI in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gremalda.pdf.preflight import (
    REASON_EMPTY,
    REASON_LOCKED,
    REASON_NO_PAGES,
    REASON_NOT_PDF,
    REASON_TRUNCATED,
    Preflighter,
    page_list,
    preflight,
)

REPO = Path(__file__).resolve().parents[2]
PDF_DIR = REPO.parent / "shared" / "data" / "pdf"
# The per-document limit of the tests that are not about it: no sample reaches it, also on a CI machine 30x
# slower than usual (it counts from the worker's start on the document; the start has a limit of its own).
LIMIT = 600.0  # s


def real(name: str) -> Path:
    path = PDF_DIR / name
    if not path.is_file():
        pytest.skip(f"the real test PDFs are not there ({PDF_DIR}; see shared/data/README.md)")
    return path


@pytest.fixture(scope="module")
def checker() -> Iterator[Preflighter]:
    with Preflighter(timeout_s=LIMIT) as c:
        yield c


def test_good_pdfs_are_accepted_with_their_pages_and_text(checker: Preflighter) -> None:
    report = checker.check(real("GeoTopo-komprimiert.pdf"))
    assert report.ok and report.refused_reason is None
    assert report.pages == 117 and report.text_pages == list(range(1, 118))
    assert report.size == real("GeoTopo-komprimiert.pdf").stat().st_size
    assert not report.encrypted and not report.damaged and report.warnings == []
    assert report.name == "GeoTopo-komprimiert.pdf"
    four = checker.check(real("pdflatex-4-pages.pdf").read_bytes())
    assert four.ok and four.pages == 4 and four.scanned_pages == []


def test_encrypted_pdf_is_refused_even_with_its_password(checker: Preflighter) -> None:
    path = real("libreoffice-writer-password.pdf")
    report = checker.check(path)
    assert not report.ok and report.encrypted and report.needs_password
    assert report.refused_reason == REASON_LOCKED
    assert "password" in report.refused_reason
    with_password = checker.check(path, "openpassword")
    assert not with_password.ok and with_password.refused_reason == REASON_LOCKED
    wrong = checker.check(path, "not-it")
    assert not wrong.ok and "wrong" in (wrong.refused_reason or "")


def test_pdf_without_pages_is_refused(checker: Preflighter) -> None:
    report = checker.check(real("unreadablemetadata.pdf"))
    assert not report.ok and report.no_pages
    assert report.refused_reason in (REASON_NO_PAGES, REASON_TRUNCATED)


def test_truncated_pdfs_are_refused_or_flagged_as_repaired(checker: Preflighter) -> None:
    data = real("GeoTopo-komprimiert.pdf").read_bytes()
    half = checker.check(data[: len(data) // 2])
    assert not half.ok and half.repaired and half.refused_reason == REASON_TRUNCATED
    small = real("pdflatex-4-pages.pdf").read_bytes()
    tail_cut = checker.check(small[:-50])  # the cross-reference table's end is gone: MuPDF repairs it
    assert tail_cut.ok and tail_cut.repaired and tail_cut.pages == 4
    assert any("repaired" in w for w in tail_cut.warnings)


def test_scans_without_text_are_accepted_with_a_warning_naming_the_pages(checker: Preflighter) -> None:
    report = checker.check(real("imagemagick-images.pdf"))
    assert report.ok and report.pages == 6
    assert report.scanned_pages == [1, 2, 3, 4, 5, 6] and report.text_pages == []
    assert len(report.warnings) == 1 and "page 1–6" in report.warnings[0]
    fax = checker.check(real("imagemagick-CCITTFaxDecode.pdf"))
    assert fax.ok and fax.scanned_pages == [1] and "page 1." in fax.warnings[0]


def test_garbage_empty_and_unreadable_input_is_refused(checker: Preflighter, tmp_path: Path) -> None:
    assert checker.check(bytes(range(256)) * 64).refused_reason == REASON_NOT_PDF
    assert checker.check(b"%PDF-1.7\n" + b"x" * 5000).refused_reason == REASON_NOT_PDF
    assert checker.check(b"").refused_reason == REASON_EMPTY
    missing = checker.check(tmp_path / "nope.pdf")
    assert not missing.ok and "cannot be read" in (missing.refused_reason or "")
    # the worker is still usable afterwards
    assert checker.check(real("minimal-document.pdf")).ok


def test_a_document_over_its_time_limit_is_refused_and_the_worker_replaced() -> None:
    path = real("GeoTopo-komprimiert.pdf")
    with Preflighter(timeout_s=0.001) as hasty:
        report = hasty.check(path)
        assert not report.ok and "took longer" in (report.refused_reason or "")
    assert preflight(real("minimal-document.pdf"), timeout_s=LIMIT).ok


def test_page_list_folds_runs() -> None:
    assert page_list([1, 2, 3, 5, 7, 8]) == "1–3, 5, 7–8"
    assert page_list([4]) == "4"
    assert page_list(list(range(1, 60, 2)), limit=3) == "1, 3, 5, …"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gremalda.app", "preflight", "--timeout", str(LIMIT), *args],
        capture_output=True,
        text=True,
        timeout=3 * LIMIT,
        cwd=REPO,
        check=False,
    )


def test_cli_table_and_exit_codes(tmp_path: Path) -> None:
    good, scan = real("pdflatex-4-pages.pdf"), real("imagemagick-images.pdf")
    ok = run_cli(str(good), str(scan))
    assert ok.returncode == 0, ok.stderr
    lines = ok.stdout.splitlines()
    assert lines[0].split()[:5] == ["RESULT", "FILE", "PAGES", "SIZE", "TEXT"]
    assert lines[1].startswith("OK") and "pdflatex-4-pages.pdf" in lines[1]
    assert lines[2].startswith("WARN") and "page 1–6" in lines[2]
    garbage = tmp_path / "kaputt.pdf"
    garbage.write_bytes(b"\x00garbage" * 100)
    refused = run_cli(str(good), str(real("libreoffice-writer-password.pdf")), str(garbage))
    assert refused.returncode == 1
    assert "REFUSED" in refused.stdout and REASON_NOT_PDF in refused.stdout
    assert "3 checked: 1 accepted (0 with warnings), 2 refused." in refused.stdout


def test_cli_json() -> None:
    result = run_cli("--json", str(real("pdflatex-4-pages.pdf")), str(real("unreadablemetadata.pdf")))
    assert result.returncode == 1
    reports = json.loads(result.stdout)
    assert [r["ok"] for r in reports] == [True, False]
    assert reports[0]["pages"] == 4 and reports[0]["text_pages"] == [1, 2, 3, 4]
    assert reports[1]["no_pages"] is True and reports[1]["refused_reason"]


def sparse_pdf(path: Path, gap: int) -> None:
    """A valid one-page PDF with ``gap`` NUL bytes (PDF whitespace) before its cross-reference table:
    as large as that on paper, a hole on disk."""
    content = b"BT /F1 12 Tf 20 100 Td (Sitzung) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    with path.open("wb") as out:
        out.write(b"%PDF-1.4\n")
        offsets = []
        for number, body in enumerate(objects, 1):
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
        out.seek(out.tell() + gap)
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
        for offset in offsets:
            out.write(b"%010d 00000 n \n" % offset)
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))


def test_a_file_larger_than_the_workers_memory_is_read_by_the_worker_itself(tmp_path: Path) -> None:
    """The worker opens the file from its path: a PDF larger than its address-space limit is checked
    (not refused as hostile because its bytes were copied into the worker)."""
    limit = 400 << 20
    big = tmp_path / "gross.pdf"
    sparse_pdf(big, limit + (100 << 20))
    assert big.stat().st_size > limit
    with Preflighter(timeout_s=LIMIT, memory_limit=limit) as checker:
        report = checker.check(big)
    assert report.ok, report.refused_reason
    assert report.pages == 1 and report.text_pages == [1] and report.size == big.stat().st_size
    assert report.name == "gross.pdf"


def test_a_file_larger_than_the_server_accepts_is_refused_unopened(tmp_path: Path) -> None:
    pdf = real("pdflatex-4-pages.pdf")
    size = pdf.stat().st_size
    with Preflighter(timeout_s=LIMIT, max_size=size - 1) as checker:
        refused = checker.check(pdf)
        from_bytes = checker.check(pdf.read_bytes())
    assert not refused.ok and refused.size == size and refused.pages == 0
    assert refused.refused_reason is not None and "larger than the server accepts" in refused.refused_reason
    assert not from_bytes.ok and from_bytes.refused_reason == refused.refused_reason
    assert preflight(pdf, timeout_s=LIMIT, max_size=size).ok
    missing = Preflighter().check(tmp_path / "fehlt.pdf")
    assert (
        not missing.ok and missing.refused_reason is not None and "cannot be read" in missing.refused_reason
    )
