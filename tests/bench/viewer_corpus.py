"""Helpers of the viewer benchmark (``bench_viewer.py``).

* The documents: the demo's budget plan, a council's worth of generated papers and older budget plans, the
  real PDFs of shared/data/pdf, and an encrypted replica whose full-text index holds all their pages (for
  the search figures). Everything is generated in-process with the demo's own generators
  (``sync.server.demo.pdfgen``), written as plain files into the benchmark's temp dir (``pdfgrep`` reads the
  same files) and removed with it.
* The memory child (`memory_main`): a fresh process that pages through the budget plan in a `DocumentView`
  and reports its peak memory. It is started with ``python -c`` and this module imports nothing heavy at
  the top, so that the process holds what the viewer needs and nothing of the benchmark (no PyMuPDF,
  QtPdf or SQLCipher in the GUI process; ``spawn``-ed render workers re-import no benchmark script).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gremalda.store.database import ReplicaDatabase

ROOT = Path(__file__).resolve().parents[2]
SHARED_PDFS = ROOT.parent / "shared" / "data" / "pdf"
GEOTOPO = SHARED_PDFS / "GeoTopo-komprimiert.pdf"
BUDGET_PAGES = 820  # sync.server.demo.seed.SeedOptions.budget_pages

Log = Callable[[str], None]


def budget_year(today: date | None = None) -> int:
    """The year of the demo's budget plan (the seed takes next year's)."""
    return (today or date.today()).year + 1


def budget_plan(cache: Path) -> Path:
    """The demo's Haushaltsplan (820 pages), generated as the seed does it, cached in ``cache``."""
    from sync.server.demo import names, pdfgen

    year = budget_year()
    path = cache / f"Haushaltsplan-{year}.pdf"
    if not path.exists():
        data = pdfgen.budget_plan_pdf(body_name=names.BODY_NAME, year=year, pages=BUDGET_PAGES)
        path.write_bytes(data)
    return path


# --- the search corpus ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusFile:
    path: Path
    title: str
    kind: str  # "budget", "paper", "shared"
    paper_type: str
    committee: int  # index into names.COMMITTEES
    day: date
    public: bool


def _older_budget(args: tuple[int, int]) -> bytes:
    from sync.server.demo import names, pdfgen

    year, seed = args
    return pdfgen.budget_plan_pdf(body_name=names.BODY_NAME, year=year, pages=BUDGET_PAGES, seed=seed)


def _paper(n: int) -> bytes:
    from sync.server.demo import names, pdfgen

    topic = names.PUBLIC_TOPICS[n % len(names.PUBLIC_TOPICS)]
    paper_type = names.PAPER_TYPES[n % len(names.PAPER_TYPES)]
    return pdfgen.paper_pdf(
        title=topic,
        reference=f"22-{n:04d}",
        paper_type=paper_type,
        body_name=names.BODY_NAME,
        seed=n,
        pages=2 + n % 9,
    )


def build_corpus(
    directory: Path, budget: Path, *, older_budgets: int, papers: int, log: Log
) -> list[CorpusFile]:
    """Writes the corpus into ``directory``: the budget plan (a copy), ``older_budgets`` budget plans of
    past years, ``papers`` Drucksachen (2-10 pages) and the PDFs of shared/data/pdf. Two ``spawn``-ed
    processes generate them (the caller runs Qt: no fork)."""
    from sync.server.demo import names

    directory.mkdir(parents=True, exist_ok=True)
    year = budget_year()
    first_day = date(year - 1 - older_budgets, 1, 15)
    files: list[CorpusFile] = []
    started = time.perf_counter()
    target = directory / budget.name
    target.write_bytes(budget.read_bytes())
    files.append(CorpusFile(target, f"Haushaltsplan-Entwurf {year}/{year + 1}", "budget", "Beschlussvorlage",
                            0, date(year - 1, 11, 20), True))  # fmt: skip
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        plans = [(year - 1 - k, 100 + k) for k in range(older_budgets)]
        for (plan_year, _), data in zip(plans, pool.map(_older_budget, plans), strict=True):
            path = directory / f"Haushaltsplan-{plan_year}.pdf"
            path.write_bytes(data)
            files.append(CorpusFile(path, f"Haushaltsplan {plan_year}/{plan_year + 1}", "budget",
                                    "Beschlussvorlage", 0, date(plan_year - 1, 11, 20), True))  # fmt: skip
        log(f"  {older_budgets} older budget plans in {time.perf_counter() - started:.1f} s")
        span = max(1, (date(year, 6, 1) - first_day).days)
        for n, data in enumerate(pool.map(_paper, range(1, papers + 1), chunksize=8), start=1):
            path = directory / f"22-{n:04d}.pdf"
            path.write_bytes(data)
            files.append(CorpusFile(
                path,
                names.PUBLIC_TOPICS[n % len(names.PUBLIC_TOPICS)],
                "paper",
                names.PAPER_TYPES[n % len(names.PAPER_TYPES)],
                1 + n % (len(names.COMMITTEES) - 1),
                first_day + timedelta(days=(n * 7919) % span),
                n % 11 != 0,
            ))  # fmt: skip
    log(f"  {papers} papers in {time.perf_counter() - started:.1f} s (all generated)")
    if SHARED_PDFS.is_dir():
        for n, source in enumerate(sorted(SHARED_PDFS.glob("*.pdf"))):
            path = directory / source.name
            path.write_bytes(source.read_bytes())
            files.append(CorpusFile(path, source.stem, "shared", "Anlage", n % len(names.COMMITTEES),
                                    first_day + timedelta(days=30 * n), True))  # fmt: skip
    return files


# --- the replica -------------------------------------------------------------------------------------------


def _put(db: ReplicaDatabase, kind: str, object_id: int, /, **fields: Any) -> None:
    """One object as the server's change feed sends it (as tests/unit/test_search.py does)."""
    data = {"type": kind, "id": object_id, **fields, "version": 1, "modified": "2026-01-05T09:00:00+00:00"}
    db.conn.execute(
        "INSERT INTO object (type, id, data, version, modified) VALUES (?, ?, ?, 1, ?)",
        (kind, str(object_id), json.dumps(data, ensure_ascii=False), data["modified"]),
    )


@dataclass(frozen=True)
class Replica:
    db: ReplicaDatabase
    pages: int
    files: int
    skipped: list[str]
    extract_seconds: float
    index_seconds: float


def build_replica(path: Path, files: list[CorpusFile], log: Log) -> Replica:
    """An SQLCipher replica (random key, no keyring) holding the objects of a council -- committees,
    a meeting per paper, agenda items, papers, consultations, files -- and the page texts of ``files``
    (extracted by two `TextExtractor` workers, indexed with `TextIndex.add_pages` as the client does)."""
    from gremalda.pdf.extract import TextExtractor
    from gremalda.store.database import open_database
    from gremalda.store.textindex import TextIndex
    from sync.server.demo import names

    db = open_database(path, os.urandom(32), create=True)
    conn = db.conn
    conn.execute("BEGIN")
    _put(db, "body", 1, name=names.BODY_NAME)
    for k, (name, _) in enumerate(names.COMMITTEES):
        _put(db, "organization", 10 + k, body_id=1, name=name, kind="committee")
    for n, item in enumerate(files, start=1):
        meeting, agenda, paper, consultation, file_id = 1000 + n, 20000 + n, 40000 + n, 60000 + n, 80000 + n
        start = f"{item.day.isoformat()}T16:00:00+00:00"
        _put(db, "meeting", meeting, organization_id=10 + item.committee,
             name=f"Sitzung {names.COMMITTEES[item.committee][0]}", start=start)  # fmt: skip
        _put(db, "agenda_item", agenda, meeting_id=meeting, number=str(1 + n % 20), order=1 + n % 20,
             name=item.title, public=item.public)  # fmt: skip
        _put(db, "paper", paper, body_id=1, reference=f"22-{n:04d}", name=item.title,
             paper_type=item.paper_type, date=(item.day - timedelta(days=14)).isoformat(),
             public=item.public)  # fmt: skip
        _put(db, "consultation", consultation, paper_id=paper, agenda_item_id=agenda, role="Beratung")
        _put(db, "file", file_id, body_id=1, name=item.title, file_name=item.path.name,
             mime_type="application/pdf", size=item.path.stat().st_size, sha256=None, role="main",
             change_note="", paper_id=paper, agenda_item_id=None, meeting_id=None, document_id=None,
             supersedes_id=None)  # fmt: skip
        conn.execute("INSERT INTO file (id) VALUES (?)", (str(file_id),))
    conn.execute("COMMIT")
    index = TextIndex(conn)
    pages = 0
    skipped: list[str] = []
    extract_seconds = index_seconds = 0.0
    started = time.perf_counter()
    with TextExtractor(max_workers=2) as extractor:
        futures = [
            (n, item, extractor.submit(item.path.read_bytes())) for n, item in enumerate(files, start=1)
        ]
        for n, item, future in futures:
            waited = time.perf_counter()
            result = future.result()
            extract_seconds += time.perf_counter() - waited
            if not result.pages:
                skipped.append(item.path.name)
                continue
            indexed = time.perf_counter()
            pages += index.add_pages(str(80000 + n), result.pages)
            index_seconds += time.perf_counter() - indexed
            if n % 200 == 0:
                log(
                    f"  indexed {n}/{len(files)} files, {pages} pages ({time.perf_counter() - started:.0f} s)"
                )
    return Replica(db, pages, len(files) - len(skipped), skipped, extract_seconds, index_seconds)


# --- the memory child ----------------------------------------------------------------------------------


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """The kB fields of /proc/<pid>/status (VmRSS, VmHWM, ...), in bytes."""
    out: dict[str, int] = {}
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        key, _, value = line.partition(":")
        parts = value.split()
        if len(parts) == 2 and parts[1] == "kB":
            out[key] = int(parts[0]) * 1024
    return out


def memory_child(pdf: Path, pages: int, width: int, height: int) -> dict[str, Any]:
    """Page through ``pdf`` in a `DocumentView` of ``width``×``height`` (one `RenderBridge`, two workers,
    the default cache budget): ``go_to_page`` for each of the first ``pages`` pages (0: all), waiting each
    time until the page's sharp image is in the cache; then the peak RSS of this process and of the
    workers. Progress to stderr."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from gremalda.pdf.render import DocumentInfo
    from gremalda.pdf.tilecache import TileKey
    from gremalda.ui.viewer.document_view import DocumentView
    from gremalda.ui.viewer.render_bridge import RenderBridge

    def spin(done: Callable[[], bool], timeout_ms: int) -> bool:
        if done():
            return True
        loop = QEventLoop()
        poll, limit = QTimer(), QTimer()
        poll.setInterval(2)
        poll.timeout.connect(lambda: loop.quit() if done() else None)
        limit.setSingleShot(True)
        limit.timeout.connect(loop.quit)
        poll.start()
        limit.start(timeout_ms)
        loop.exec()
        poll.stop()
        limit.stop()
        return done()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    baseline = proc_status()["VmRSS"]
    bridge = RenderBridge(workers=2)
    view = DocumentView(bridge)
    view.resize(width, height)
    view.show()
    loaded: list[DocumentInfo] = []
    view.documentLoaded.connect(loaded.append)
    data = pdf.read_bytes()
    view.open_document("memory", data, pdf.name)
    del data
    if not spin(lambda: bool(loaded), 120_000):
        raise RuntimeError("the budget plan did not open")
    info = loaded[0]
    count = info.page_count if pages <= 0 else min(pages, info.page_count)
    scale = round(view.zoom_percent() / 100 * 96 / 72 * view.devicePixelRatioF(), 3)
    rss_max = cache_max = 0
    slow: list[int] = []
    started = time.perf_counter()
    for page in range(count):
        view.go_to_page(page)
        key = TileKey(info.key, page, scale, None, False)
        if not spin(lambda key=key: key in bridge.cache, 30_000):  # type: ignore[misc]
            slow.append(page)
        rss_max = max(rss_max, proc_status()["VmRSS"])
        cache_max = max(cache_max, bridge.cache.bytes_used)
        if page % 100 == 99 or page == count - 1:
            print(f"[memory child] page {page + 1}/{count}: RSS {proc_status()['VmRSS'] / 2**20:.0f} MiB",
                  file=sys.stderr, flush=True)  # fmt: skip
    seconds = time.perf_counter() - started
    workers = bridge.renderer.worker_pids()
    worker_hwm = [proc_status(pid).get("VmHWM", 0) for pid in workers]
    gui_hwm = proc_status()["VmHWM"]
    budget = bridge.cache.budget
    view.close_document()
    bridge.close()
    del app
    return {
        "pages": count,
        "seconds": round(seconds, 2),
        "not_sharp_within_30s": slow,
        "gui_hwm": gui_hwm,
        "gui_rss_max_sampled": rss_max,
        "gui_rss_before_bridge": baseline,
        "worker_hwm": worker_hwm,
        "cache_bytes_max": cache_max,
        "cache_budget": budget,
        "sharp_scale": scale,
    }


def memory_main() -> None:
    """``python -c "from tests.bench.viewer_corpus import memory_main; memory_main()" PDF PAGES W H``:
    one JSON line on stdout."""
    pdf, pages, width, height = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    print(json.dumps(memory_child(pdf, pages, width, height)), flush=True)
