# mypy: disable-error-code="no-untyped-call"
"""Page rendering in worker processes (gremalda.pdf.render) and the tile cache, with real PDFs."""

from __future__ import annotations

import multiprocessing
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import CancelledError, Future
from pathlib import Path

import pytest

from gremalda.pdf.render import (
    ERR_EMPTY,
    ERR_NO_PAGES,
    ERR_NOT_A_PDF,
    ERR_NOT_OPEN,
    ERR_TIMEOUT,
    ERR_WORKER_DIED,
    ERR_WRONG_PASSWORD,
    RenderedImage,
    Renderer,
    RenderError,
)
from gremalda.pdf.tilecache import TileCache, TileKey

PDF_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pdf"
PASSWORD = "openpassword"  # from the sample collection's files.json, see shared/data/README.md
WAIT = 300  # seconds; generous for a loaded CI machine, never reached when things work

needs_pdfs = pytest.mark.skipif(
    not PDF_DIR.is_dir(), reason=f"sample PDF folder {PDF_DIR} is absent (shared test data not installed)"
)


def _pdf(name: str) -> bytes:
    return (PDF_DIR / name).read_bytes()


def _pixel(image: RenderedImage, x: int, y: int) -> tuple[int, int, int]:
    at = y * image.stride + 3 * x
    r, g, b = image.samples[at : at + 3]
    return r, g, b


def _brightness(image: RenderedImage, box: tuple[float, float, float, float], scale: float) -> float:
    """Mean of (r + g + b) / 3 over a rectangle given in points."""
    x0, y0, x1, y1 = (int(v * scale) for v in box)
    values = [sum(_pixel(image, x, y)) / 3 for y in range(y0, y1) for x in range(x0, x1)]
    return sum(values) / len(values)


# -- fault hooks, run inside a worker (module-level so that they pickle by reference) -------------------


def _die() -> None:
    os._exit(1)


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def _hold(busy: str, gate: str) -> str:
    """Keep a worker busy: say so (the file ``busy``), then wait until the file ``gate`` exists."""
    Path(busy).touch()
    deadline = time.monotonic() + 2 * WAIT
    while not os.path.exists(gate) and time.monotonic() < deadline:
        time.sleep(0.01)
    return "held"


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        assert time.monotonic() < deadline, f"no {path.name}"
        time.sleep(0.01)


def _ended(pid: int) -> bool:
    """Whether the process ``pid`` has ended and been reaped (waits for it: a killed worker is reaped by a
    join that a loaded machine can make wait a few seconds, else when multiprocessing next looks)."""
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
def renderer() -> Iterator[Renderer]:
    with Renderer(workers=2) as r:
        yield r


# -- documents -----------------------------------------------------------------------------------------


@needs_pdfs
def test_open_reports_pages_labels_outline_and_title(renderer: Renderer) -> None:
    start = time.perf_counter()
    info = renderer.open("geo", _pdf("GeoTopo-komprimiert.pdf")).result(WAIT)
    print(f"GeoTopo info: {time.perf_counter() - start:.3f} s")
    assert info.ok and info.error is None and not info.needs_password
    assert info.key == "geo"
    assert info.page_count == 117 == len(info.pages)
    assert info.title == "Geometrie und Topologie"
    assert info.pages[0].label == "i"
    assert info.pages[3].label == "1"  # roman front matter, then arabic
    assert round(info.pages[0].width) == 595 and round(info.pages[0].height) == 842
    assert info.outline[0].title == "1 Topologische Grundbegriffe"
    assert info.outline[0].level == 1 and info.outline[1].level == 2
    assert all(0 <= entry.page < 117 for entry in info.outline)

    outline = renderer.open("outline", _pdf("pdflatex-outline.pdf")).result(WAIT)
    assert outline.page_count == 4
    assert [e.title for e in outline.outline][:3] == ["Foo", "Bar", "Baz"]
    assert all(e.page == 1 for e in outline.outline[:3])


@needs_pdfs
def test_rotation_is_applied_to_page_sizes(renderer: Renderer) -> None:
    info = renderer.open("habibi", _pdf("habibi-rotated.pdf")).result(WAIT)
    assert info.pages[0].width > info.pages[0].height  # rotated by 90°: landscape
    assert info.pages[3].width < info.pages[3].height


@needs_pdfs
def test_password_protected_document(renderer: Renderer) -> None:
    locked = renderer.open("pw", _pdf("libreoffice-writer-password.pdf")).result(WAIT)
    assert locked.needs_password and locked.error is None and not locked.ok
    with pytest.raises(RenderError):
        renderer.render("pw", 0, 1.0).result(WAIT)
    wrong = renderer.authenticate("pw", "nope").result(WAIT)
    assert wrong.needs_password and wrong.error == ERR_WRONG_PASSWORD
    opened = renderer.authenticate("pw", PASSWORD).result(WAIT)
    assert opened.ok and opened.page_count == 1
    image = renderer.render("pw", 0, 1.0).result(WAIT)
    assert abs(image.width - opened.pages[0].width) <= 1  # MuPDF rounds the page box outwards
    assert min(image.samples) < 100  # some dark text was drawn
    renderer.close_document("pw")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("noise", ERR_NOT_A_PDF),
        ("empty", ERR_EMPTY),
        ("header-only", ERR_NOT_A_PDF),
        ("no-pages", ERR_NO_PAGES),
    ],
)
def test_broken_documents_give_a_sentence_not_an_exception(
    renderer: Renderer, name: str, expected: str
) -> None:
    data = {
        "noise": os.urandom(20_000),
        "empty": b"",
        "header-only": b"%PDF-1.7\n",
        "no-pages": _pdf("unreadablemetadata.pdf") if PDF_DIR.is_dir() else b"",
    }[name]
    if name == "no-pages" and not data:
        pytest.skip("sample PDFs absent")
    info = renderer.open(name, data).result(WAIT)
    assert info.error is not None and not info.ok
    assert info.error == expected or info.error in (ERR_NOT_A_PDF, ERR_NO_PAGES)
    assert info.page_count == 0 and info.pages == ()
    with pytest.raises(RenderError) as failed:
        renderer.render(name, 0, 1.0).result(WAIT)
    assert failed.value.message
    renderer.close_document(name)


@needs_pdfs
def test_truncated_pdf_never_raises_into_the_caller(renderer: Renderer) -> None:
    data = _pdf("GeoTopo-komprimiert.pdf")
    info = renderer.open("half", data[: len(data) // 2]).result(WAIT)
    if info.ok:  # MuPDF repairs what it can: the pages it cannot read fail one by one
        outcomes = [renderer.render("half", n, 0.3) for n in range(info.page_count)]
        for future in outcomes:
            try:
                future.result(WAIT)
            except RenderError as exc:
                assert exc.message
    else:
        assert info.error
    renderer.close_document("half")


# -- rendering -----------------------------------------------------------------------------------------


@needs_pdfs
def test_render_page_and_tiles(renderer: Renderer) -> None:
    info = renderer.open("geo", _pdf("GeoTopo-komprimiert.pdf")).result(WAIT)
    scale = 1.5
    start = time.perf_counter()
    page = renderer.render("geo", 10, scale).result(WAIT)
    print(f"GeoTopo page 11 at {scale}: {1000 * (time.perf_counter() - start):.1f} ms")
    assert (page.key, page.page, page.scale, page.clip, page.night) == ("geo", 10, scale, None, False)
    assert abs(page.width - info.pages[10].width * scale) <= 1
    assert abs(page.height - info.pages[10].height * scale) <= 1
    assert page.stride >= 3 * page.width and len(page.samples) == page.stride * page.height
    assert _pixel(page, 2, 2) == (255, 255, 255)  # white margin
    assert min(page.samples) < 60  # black text

    clip = (128, 256, 384, 512)
    tile = renderer.render("geo", 10, scale, clip=clip).result(WAIT)
    assert tile.clip == clip and (tile.width, tile.height) == (256, 256)
    for y in range(0, 256, 17):
        row = page.samples[(256 + y) * page.stride + 3 * 128 : (256 + y) * page.stride + 3 * 384]
        assert tile.samples[y * tile.stride : y * tile.stride + 3 * 256] == row

    edge = renderer.render("geo", 10, scale, clip=(page.width - 100, 0, page.width + 400, 100)).result(WAIT)
    assert edge.clip == (page.width - 100, 0, page.width, 100)  # cut to the page
    with pytest.raises(RenderError):
        renderer.render("geo", 117, scale).result(WAIT)
    with pytest.raises(RenderError):
        renderer.render("nothing-open", 0, scale).result(WAIT)


@needs_pdfs
def test_whole_document_throughput(renderer: Renderer) -> None:
    info = renderer.open("geo", _pdf("GeoTopo-komprimiert.pdf")).result(WAIT)
    start = time.perf_counter()
    futures = [renderer.render("geo", n, 1.0) for n in range(info.page_count)]
    images = [f.result(WAIT) for f in futures]
    elapsed = time.perf_counter() - start
    print(f"GeoTopo {info.page_count} pages at 1.0 with 2 workers: {elapsed:.2f} s")
    assert [image.page for image in images] == list(range(info.page_count))
    assert all(docs == ["geo"] or "geo" in docs for docs in renderer.documents_in_workers())


@needs_pdfs
def test_find_returns_rects_per_page(renderer: Renderer) -> None:
    renderer.open("geo", _pdf("GeoTopo-komprimiert.pdf")).result(WAIT)
    hits = renderer.find("geo", "topologisch").result(WAIT)
    assert len(hits) > 10, "GeoTopo talks about topological spaces throughout"
    pages = [page for page, _ in hits]
    assert pages == sorted(set(pages))
    for _, rects in hits:
        for x0, y0, x1, y1 in rects:
            assert 0 <= x0 < x1 <= 596 and 0 <= y0 < y1 <= 842
    assert renderer.find("geo", "zzzqqqxxx").result(WAIT) == []
    assert renderer.find("geo", "   ").result(WAIT) == []


@needs_pdfs
def test_night_mode_inverts_text_but_keeps_images(renderer: Renderer) -> None:
    import pymupdf

    source = pymupdf.open(stream=_pdf("pdflatex-image.pdf"), filetype="pdf")
    image_box = source[0].get_image_info()[0]["bbox"]
    source.close()
    renderer.open("img", _pdf("pdflatex-image.pdf")).result(WAIT)
    ((_, text_rects),) = [hit for hit in renderer.find("img", "Lorem").result(WAIT) if hit[0] == 0]
    scale = 1.0
    day = renderer.render("img", 0, scale).result(WAIT)
    night = renderer.render("img", 0, scale, night=True).result(WAIT)
    assert night.night and not day.night
    assert _pixel(day, 3, 3) == (255, 255, 255) and max(_pixel(night, 3, 3)) < 10
    text = text_rects[0]
    assert _brightness(day, text, scale) > 150 > _brightness(night, text, scale)  # dark text → light
    x0, y0, x1, y1 = (int(v * scale) for v in image_box)
    inside = [(x, y) for x in range(x0 + 2, x1 - 2, 7) for y in range(y0 + 2, y1 - 2, 7)]
    assert all(_pixel(day, x, y) == _pixel(night, x, y) for x, y in inside)  # true colours
    assert len({_pixel(day, x, y) for x, y in inside}) > 20  # and it is a real photo, not a flat area

    # the same on a tile, and on a page rotated by 90° (image boxes must follow the rotation)
    tile = renderer.render("img", 0, scale, clip=(x0 - 20, y0 - 20, x0 + 60, y0 + 60), night=True).result(
        WAIT
    )
    assert max(_pixel(tile, 5, 5)) < 10
    assert _pixel(tile, 40, 40) == _pixel(day, x0 + 20, y0 + 20)
    rotated = pymupdf.open(stream=_pdf("pdflatex-image.pdf"), filetype="pdf")
    rotated[0].set_rotation(90)
    renderer.open("img90", rotated.tobytes()).result(WAIT)
    rotated.close()
    day90 = renderer.render("img90", 0, scale).result(WAIT)
    night90 = renderer.render("img90", 0, scale, night=True).result(WAIT)
    assert day90.width > day90.height
    middle = ((day90.width - int((y0 + y1) / 2)), int((x0 + x1) / 2))  # (x, y) of the image centre, turned
    assert _pixel(day90, *middle) == _pixel(night90, *middle)
    assert max(_pixel(night90, *middle)) > 30  # inside the photo, not dark paper
    for key in ("img", "img90"):
        renderer.close_document(key)


@needs_pdfs
def test_cmyk_image_keeps_colours_at_night(renderer: Renderer) -> None:
    renderer.open("cmyk", _pdf("cmyk-image.pdf")).result(WAIT)
    day = renderer.render("cmyk", 0, 0.5).result(WAIT)
    night = renderer.render("cmyk", 0, 0.5, night=True).result(WAIT)
    assert _pixel(day, 150, 200) == _pixel(night, 150, 200)  # inside the image (72..540 × 72..696 pt)
    assert max(_pixel(night, 5, 5)) < 10
    renderer.close_document("cmyk")


@needs_pdfs
def test_night_mode_keeps_the_hue_of_coloured_text(renderer: Renderer) -> None:
    renderer.open("geo", _pdf("GeoTopo-komprimiert.pdf")).result(WAIT)
    hits = dict(renderer.find("geo", "Stetigkeit").result(WAIT))
    page = min(hits)  # the table of contents, in red
    x0, y0, x1, y1 = (int(v * 2.0) for v in hits[page][0])
    day = renderer.render("geo", page, 2.0).result(WAIT)
    night = renderer.render("geo", page, 2.0, night=True).result(WAIT)
    box = [(x, y) for x in range(x0, x1) for y in range(y0, y1)]

    def red(image: RenderedImage) -> int:
        return sum(1 for x, y in box if (p := _pixel(image, x, y))[0] > p[1] + 80 and p[0] > p[2] + 80)

    assert red(day) > 50
    assert red(night) > 50  # still red (plain inversion would make it cyan)
    assert sum(sum(_pixel(night, x, y)) for x, y in box) < sum(sum(_pixel(day, x, y)) for x, y in box)


# -- scheduling, cancellation, faults -------------------------------------------------------------------


@needs_pdfs
def test_stale_generations_are_dropped(renderer: Renderer, tmp_path: Path) -> None:
    renderer.open("geo", _pdf("GeoTopo-komprimiert.pdf")).result(WAIT)
    gate = tmp_path / "gate"
    busy = [tmp_path / f"busy-{n}" for n in range(2)]
    blockers = [renderer._submit_call(_hold, str(b), str(gate), priority=-100) for b in busy]
    for path in busy:  # both workers busy until the gate opens: what follows waits in the queue
        _wait_for(path)
    old = [renderer.render("geo", n, 1.0, generation=1) for n in range(20)]
    unaffected = renderer.render("geo", 0, 0.2, generation=None)  # thumbnails never go stale
    renderer.set_generation("geo", 2)
    assert all(f.cancelled() for f in old)
    late = renderer.render("geo", 30, 1.0, generation=1)  # made stale already
    assert late.cancelled()
    new = [renderer.render("geo", n, 1.0, generation=2) for n in (40, 41)]
    gate.touch()
    assert [f.result(WAIT).page for f in new] == [40, 41]
    assert unaffected.result(WAIT).page == 0
    assert [b.result(WAIT) for b in blockers] == ["held", "held"]
    with pytest.raises(CancelledError):
        old[0].result(0)
    renderer.set_generation("geo", 1)  # lowering is ignored
    assert renderer.render("geo", 1, 0.2, generation=1).cancelled()


@needs_pdfs
def test_priority_orders_the_queue(tmp_path: Path) -> None:
    with Renderer(workers=1) as renderer:  # one worker: completion order is dispatch order
        renderer.open("geo", _pdf("GeoTopo-komprimiert.pdf")).result(WAIT)
        gate = tmp_path / "gate"
        blocker = renderer._submit_call(_hold, str(tmp_path / "busy"), str(gate), priority=-100)
        _wait_for(tmp_path / "busy")  # the worker is busy until all four wait in the queue
        order: list[int] = []

        def note(future: Future[RenderedImage]) -> None:
            order.append(future.result().page)

        futures = []
        for page, priority in [(1, 9), (2, 5), (3, 1), (4, 5)]:
            future = renderer.render("geo", page, 0.3, priority=priority)
            future.add_done_callback(note)
            futures.append(future)
        gate.touch()
        for f in [*futures, blocker]:
            f.result(WAIT)
        assert order == [3, 2, 4, 1]  # lower first, equal ones first come first served


@needs_pdfs
def test_killed_worker_is_restarted_and_documents_sent_again(renderer: Renderer) -> None:
    renderer.open("geo", _pdf("GeoTopo-komprimiert.pdf")).result(WAIT)
    futures = [renderer.render("geo", n, 2.0, generation=None) for n in range(40)]
    time.sleep(0.05)
    victims = renderer.worker_pids()
    os.kill(victims[0], signal.SIGKILL)
    assert [f.result(WAIT).page for f in futures] == list(range(40))  # the one in flight was retried
    deadline = time.monotonic() + WAIT
    while len(renderer.worker_pids()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    pids = renderer.worker_pids()
    assert len(pids) == 2 and victims[0] not in pids
    for pid in pids:  # kill them all while idle: the next renders still work
        os.kill(pid, signal.SIGKILL)
    again = [renderer.render("geo", n, 0.5, generation=None) for n in range(6)]
    assert [f.result(WAIT).page for f in again] == list(range(6))
    assert any("geo" in docs for docs in renderer.documents_in_workers())


def test_a_request_that_always_crashes_fails_clearly(renderer: Renderer) -> None:
    future = renderer._submit_call(_die)
    with pytest.raises(RenderError) as failed:
        future.result(WAIT)
    assert failed.value.message == ERR_WORKER_DIED
    assert renderer._submit_call(_sleep, 0).result(WAIT) == "slept"


def test_a_stuck_worker_is_stopped_after_the_timeout() -> None:
    with Renderer(workers=1, timeout_s=WAIT) as r:
        # the worker starts under a generous limit (its start has a limit of its own, start_timeout_s)
        assert r._submit_call(_sleep, 0).result(WAIT) == "slept"
        r.timeout_s = 1.0  # the limit of the requests handed over from now on
        with pytest.raises(RenderError) as failed:  # stopped by the limit: the sleep outlasts the wait
            r._submit_call(_sleep, 10 * WAIT).result(WAIT)
        assert failed.value.message == ERR_TIMEOUT
        r.timeout_s = WAIT  # the new worker starts under the generous limit again
        assert r._submit_call(_sleep, 0).result(WAIT) == "slept"


@needs_pdfs
def test_close_document_and_close(tmp_path: Path) -> None:
    r = Renderer(workers=1)
    r.open("geo", _pdf("GeoTopo-komprimiert.pdf")).result(WAIT)
    r.render("geo", 0, 0.2).result(WAIT)
    assert r.documents_in_workers() == [["geo"]]
    gate = tmp_path / "gate"
    blocker = r._submit_call(_hold, str(tmp_path / "busy"), str(gate), priority=-100)
    _wait_for(tmp_path / "busy")  # the worker is busy until the gate opens: the renders wait in the queue
    queued = [r.render("geo", n, 0.2) for n in range(5)]
    r.close_document("geo")
    assert all(f.cancelled() for f in queued)
    with pytest.raises(RenderError) as failed:
        r.render("geo", 0, 0.2).result(WAIT)
    assert failed.value.message == ERR_NOT_OPEN
    gate.touch()
    blocker.result(WAIT)
    deadline = time.monotonic() + WAIT
    while r.documents_in_workers() != [[]] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert r.documents_in_workers() == [[]]

    r.open("geo", _pdf("GeoTopo-komprimiert.pdf")).result(WAIT)
    running = r._submit_call(_hold, str(tmp_path / "busy-again"), str(tmp_path / "never"), priority=-100)
    waiting = r.render("geo", 1, 0.2)
    _wait_for(tmp_path / "busy-again")  # in the worker (not only queued) when the renderer closes
    pids = r.worker_pids()
    r.close()
    assert waiting.cancelled()
    with pytest.raises(RenderError):
        running.result(WAIT)
    with pytest.raises(RuntimeError):
        r.render("geo", 0, 1.0)
    assert all(_ended(pid) for pid in pids)
    r.close()  # twice is fine


@needs_pdfs
def test_no_files_in_the_temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", None)
    with Renderer(workers=2) as r:
        assert r.open("geo", _pdf("GeoTopo-komprimiert.pdf")).result(WAIT).ok
        assert r.open("pw", _pdf("libreoffice-writer-password.pdf"), PASSWORD).result(WAIT).ok
        assert r.open("img", _pdf("pdflatex-image.pdf")).result(WAIT).ok
        assert r.open("bad", b"%PDF-1.4 broken").result(WAIT).error
        jobs = [r.render("geo", n, 1.0, night=n % 2 == 0) for n in range(0, 117, 9)]
        jobs += [r.render("pw", 0, 1.0), r.render("img", 0, 2.0, night=True)]
        jobs += [r.render("geo", 5, 6.0, clip=(0, 0, 512, 512))]
        for job in jobs:
            job.result(WAIT)
        r.find("geo", "Raum").result(WAIT)
        os.kill(r.worker_pids()[0], signal.SIGKILL)  # a restart must not leave files either
        r.render("geo", 3, 1.0).result(WAIT)
    assert sorted(p.name for p in tmp.rglob("*")) == []


# -- tile cache ----------------------------------------------------------------------------------------


def test_tile_cache_evicts_least_recently_used_by_bytes() -> None:
    cache: TileCache[str] = TileCache(budget=100)
    keys = [TileKey("a", n, 1.0, None, False) for n in range(5)]
    for key in keys[:4]:
        cache.put(key, f"page {key.page}", 30)
    assert len(cache) == 3 and cache.bytes_used == 90
    assert cache.get(keys[0]) is None  # the oldest went
    assert cache.get(keys[1]) == "page 1"  # now the most recent
    cache.put(keys[4], "page 4", 30)
    assert keys[2] not in cache and keys[1] in cache and keys[3] in cache
    cache.put(TileKey("a", 9, 1.0, None, False), "huge", 500)  # bigger than the budget: kept alone
    assert len(cache) == 1 and cache.bytes_used == 500
    with pytest.raises(ValueError):
        TileCache(0)


def test_tile_cache_page_index_and_documents() -> None:
    cache: TileCache[str] = TileCache(budget=10_000)
    low = TileKey("a", 3, 0.5, None, False)
    tile = TileKey("a", 3, 2.0, (0, 0, 512, 512), False)
    dark = TileKey("a", 3, 2.0, None, True)
    other = TileKey("b", 3, 2.0, None, False)
    for key in (low, tile, dark, other):
        cache.put(key, key.doc, 10)
    cache.put(low, "again", 20)  # replacing re-weighs
    assert cache.bytes_used == 50
    assert sorted(k.scale for k, _ in cache.page_images("a", 3, False)) == [0.5, 2.0]
    assert [k for k, _ in cache.page_images("a", 3, True)] == [dark]
    assert list(cache.page_images("a", 4, False)) == []
    cache.discard_document("a")
    assert len(cache) == 1 and other in cache and cache.bytes_used == 10
    assert list(cache.page_images("a", 3, False)) == []
    cache.clear()
    assert len(cache) == 0 and cache.bytes_used == 0
