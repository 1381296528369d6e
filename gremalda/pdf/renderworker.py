# mypy: disable-error-code="no-untyped-call"
# (PyMuPDF is only partly annotated; calling its unannotated methods is unavoidable here.)
"""The render worker process: PyMuPDF opens documents from memory and renders pages (DESIGN §3).

`worker_main` runs in a ``spawn``-ed process owned by `gremalda.pdf.render.Renderer`. It keeps every
document it was sent open (with a few recently used display lists, so that the sharp render after the quick
one, and the tiles of one page, do not interpret the page again) and answers one request at a time over a
`multiprocessing` connection. It speaks in plain tuples and bytes; the client side builds the public
dataclasses, so this module imports nothing of Gremalda but `gremalda.pdf.words` and
`gremalda.pdf.workerstart` (themselves without imports of ours), and PyMuPDF only once the worker has started.

Protocol (client → worker), one message at a time, the next request only after the answer:

* ``("load", key, password)`` followed by ``send_bytes(pdf)``: open (or replace) a document; answered
  only by ``("started",)``, as every request is before its answer (the worker's first message is
  ``("ready",)``: it has started).
* ``("close", key)``: forget a document; no answer.
* ``("info", key)`` → ``("ok", info_tuple)``, see `_info`.
* ``("render", key, page, scale, clip, night)`` → ``("image", (width, height, stride, clip))`` followed by
  ``send_bytes(samples)`` (RGB, 3 bytes per pixel), or ``("err", sentence)``.
* ``("find", key, query)`` → ``("ok", [(page, [(x0, y0, x1, y1), ...]), ...])``.
* ``("words", key, page)`` → ``("ok", (text, [(x0, y0, x1, y1, word, block, line, start, end), ...]))``:
  the page text as the indexer stores it (`gremalda.pdf.words.page_words`) and PyMuPDF's words in order, with
  ``text[start:end]`` the word (``start == end`` for a word not found there), boxes in points as PyMuPDF
  reports them (unrotated page; `_info` gives the rotation matrix to the shown page), or ``("err", ...)``.
* ``("call", fn, args)`` → ``("ok", fn(*args))`` (tests inject faults this way).
* ``("quit",)``: leave.
"""

from __future__ import annotations

import collections
import contextlib
import os
import signal
import sys
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from gremalda.pdf.words import page_words
from gremalda.pdf.workerstart import delay_start_for_tests

if TYPE_CHECKING:
    import pymupdf

ERR_EMPTY = "This file is empty, so it cannot be shown."
ERR_NOT_A_PDF = "This file is not a readable PDF: it is damaged or of another type."
ERR_NO_PAGES = "This PDF has no pages that can be shown (it is probably damaged)."
ERR_WRONG_PASSWORD = "The password for this PDF is wrong."  # noqa: S105 (a message, not a secret)
ERR_LOCKED = "This PDF is protected by a password."
ERR_PAGE = "This page could not be displayed (the PDF is probably damaged)."
ERR_TOO_LARGE = "This page is too large to be displayed at this zoom."

_OPTIONAL_PYMUPDF_ADDONS = ("pymupdf.layout", "pymupdf4llm")
_MAX_PIXELS = 64 * 1024 * 1024  # per request; the viewer renders tiles long before this
_MAX_DISPLAY_LISTS = 12  # per worker, over all documents
_MAX_HITS = 10_000
_NICENESS = 10
_CONTROL = dict.fromkeys([*range(0x00, 0x20), 0x7F])
IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

Rect = tuple[float, float, float, float]
PixelRect = tuple[int, int, int, int]


@dataclass(eq=False)
class _Doc:
    """One document as the worker holds it."""

    doc: pymupdf.Document | None
    error: str | None = None
    locked: bool = False
    wrong_password: bool = False
    image_rects: dict[int, list[Rect]] = field(default_factory=dict)


def worker_main(conn: Connection) -> None:
    """Entry point of a render worker process: serve requests from ``conn`` until it closes.

    It says ``("ready",)`` once started, and ``("started",)`` whenever it starts loading a document or
    working on a request: the parent's time limits count from these (gremalda.pdf.workerstart)."""
    _prepare_process()
    try:
        conn.send(("ready",))
    except (OSError, EOFError):
        return
    docs: dict[str, _Doc] = {}
    lists: collections.OrderedDict[tuple[str, int], Any] = collections.OrderedDict()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        kind = message[0]
        if kind == "quit":
            return
        if kind == "load":
            _, key, password = message
            data = conn.recv_bytes()
            try:
                conn.send(("started",))
            except (OSError, EOFError):
                return
            _forget(docs, lists, key)
            docs[key] = _load(data, password)
            continue
        if kind == "close":
            _forget(docs, lists, message[1])
            continue
        try:
            conn.send(("started",))
            if kind == "render":
                _, key, page, scale, clip, night = message
                answer = _render(docs.get(key), lists, key, page, scale, clip, night)
                if isinstance(answer, str):
                    conn.send(("err", answer))
                else:
                    header, pixmap = answer
                    conn.send(("image", header))
                    conn.send_bytes(pixmap.samples_mv)
                continue
            if kind == "info":
                conn.send(("ok", _info(message[1], docs.get(message[1]))))
            elif kind == "find":
                conn.send(_find(docs.get(message[1]), message[2]))
            elif kind == "words":
                conn.send(_words(docs.get(message[1]), message[2]))
            elif kind == "call":
                conn.send(("ok", message[1](*message[2])))
            else:
                conn.send(("err", f"unknown request {kind!r}"))
        except (BrokenPipeError, EOFError, ConnectionResetError):
            return


def _prepare_process() -> None:
    """Runs first in every worker, before PyMuPDF is imported (compare gremalda.pdf.extract).

    Blocks PyMuPDF's optional add-ons (they load onnxruntime, which writes files to ``$TMPDIR`` and
    ``~/.cache`` and slows every start), quiets MuPDF's stderr chatter, leaves Ctrl-C to the parent, and
    lowers its own CPU priority: on a two-core laptop two busy workers would otherwise delay the GUI
    thread by tens of milliseconds while scrolling fast.
    """
    delay_start_for_tests()
    for optional in _OPTIONAL_PYMUPDF_ADDONS:
        sys.modules.setdefault(optional, None)  # type: ignore[arg-type]  # None makes `import` fail
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(AttributeError, OSError):  # no nice() on Windows
        os.nice(_NICENESS)  # the GUI thread wins the CPU when the workers are busy
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)


def _forget(docs: dict[str, _Doc], lists: collections.OrderedDict[tuple[str, int], Any], key: str) -> None:
    for list_key in [k for k in lists if k[0] == key]:
        del lists[list_key]
    old = docs.pop(key, None)
    if old is not None and old.doc is not None:
        old.doc.close()


def _load(data: bytes, password: str | None) -> _Doc:
    import pymupdf

    if not data:
        return _Doc(None, error=ERR_EMPTY)
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception:
        return _Doc(None, error=ERR_NOT_A_PDF)
    if doc.needs_pass:
        if password is None:
            return _Doc(doc, locked=True)
        if not doc.authenticate(password):
            return _Doc(doc, locked=True, wrong_password=True)
    try:
        if doc.page_count == 0:
            return _Doc(doc, error=ERR_NO_PAGES)
    except Exception:
        return _Doc(doc, error=ERR_NOT_A_PDF)
    return _Doc(doc)


def _clean(text: object) -> str:
    return " ".join(str(text or "").translate(_CONTROL).split())


def _info(key: str, entry: _Doc | None) -> tuple[Any, ...]:
    """``(page_count, pages, outline, title, needs_password, error)`` with plain tuples inside.

    pages: ``(width, height, label, matrix)`` in points, rotation applied, ``matrix`` the 6 numbers of
    PyMuPDF's rotation matrix (its text and annotation coordinates to the shown page); outline:
    ``(level, title, page)``, page 0-based or -1.
    """
    if entry is None:
        return (0, (), (), "", False, ERR_NOT_A_PDF)
    if entry.locked:
        return (0, (), (), "", True, ERR_WRONG_PASSWORD if entry.wrong_password else None)
    doc = entry.doc
    if entry.error is not None or doc is None:
        return (0, (), (), "", False, entry.error or ERR_NOT_A_PDF)
    try:
        has_labels = bool(doc.get_page_labels())
    except Exception:
        has_labels = False
    pages: list[tuple[float, float, str, tuple[float, ...]]] = []
    last = (595.0, 842.0)  # A4, for a first page that cannot be read
    for number in range(doc.page_count):
        label = str(number + 1)
        matrix: tuple[float, ...] = IDENTITY
        with contextlib.suppress(Exception):  # a damaged page keeps its place; rendering reports it
            page = doc.load_page(number)
            last = (float(page.rect.width), float(page.rect.height))
            if page.rotation:
                matrix = tuple(float(v) for v in page.rotation_matrix)
            if has_labels:
                label = _clean(page.get_label()) or label
        pages.append((last[0], last[1], label, matrix))
    outline: list[tuple[int, str, int]] = []
    try:
        for level, title, page_no, *_ in doc.get_toc(simple=True):
            outline.append((int(level), _clean(title), int(page_no) - 1 if int(page_no) > 0 else -1))
    except Exception:
        outline = []
    metadata = doc.metadata or {}
    return (doc.page_count, tuple(pages), tuple(outline), _clean(metadata.get("title")), False, None)


def _document(entry: _Doc | None) -> tuple[pymupdf.Document | None, str | None]:
    if entry is None:
        return None, ERR_NOT_A_PDF
    if entry.locked:
        return None, ERR_LOCKED
    if entry.error is not None or entry.doc is None:
        return None, entry.error or ERR_NOT_A_PDF
    return entry.doc, None


def _render(
    entry: _Doc | None,
    lists: collections.OrderedDict[tuple[str, int], Any],
    key: str,
    page_no: int,
    scale: float,
    clip: PixelRect | None,
    night: bool,
) -> str | tuple[tuple[int, int, int, PixelRect | None], pymupdf.Pixmap]:
    import pymupdf

    doc, error = _document(entry)
    if doc is None or entry is None:
        return error or ERR_NOT_A_PDF
    if not 0 <= page_no < doc.page_count or not scale > 0:
        return ERR_PAGE
    try:
        display_list = lists.get((key, page_no))
        if display_list is None:
            display_list = doc.load_page(page_no).get_displaylist()
            lists[(key, page_no)] = display_list
            while len(lists) > _MAX_DISPLAY_LISTS:
                lists.popitem(last=False)
        else:
            lists.move_to_end((key, page_no))
        matrix = pymupdf.Matrix(scale, scale)
        area = display_list.rect * matrix
        clip_rect = None
        if clip is not None:
            x0, y0, x1, y1 = clip
            if x1 <= x0 or y1 <= y0:
                return ERR_PAGE
            clip_rect = pymupdf.Rect(x0, y0, x1, y1) / scale
            area = pymupdf.Rect(x0, y0, x1, y1) & area
        if area.width * area.height > _MAX_PIXELS:
            return ERR_TOO_LARGE
        pixmap = display_list.get_pixmap(matrix=matrix, alpha=False, clip=clip_rect)
        if night:
            _darken(pixmap, _image_rects(entry, doc, page_no), matrix)
    except Exception:
        return ERR_PAGE
    box = pixmap.irect
    header = (pixmap.width, pixmap.height, pixmap.stride, None if clip is None else tuple(box))
    return header, pixmap


def _image_rects(entry: _Doc, doc: pymupdf.Document, page_no: int) -> list[Rect]:
    """Bounding boxes (points, rotated page space) of the images on a page; cached per page."""
    import pymupdf

    rects = entry.image_rects.get(page_no)
    if rects is None:
        page = doc.load_page(page_no)
        rotation = page.rotation_matrix
        rects = []
        for image in page.get_image_info():
            box = pymupdf.Rect(image["bbox"]) * rotation  # bboxes come unrotated
            if not box.is_empty and not box.is_infinite:
                rects.append((box.x0, box.y0, box.x1, box.y1))
        entry.image_rects[page_no] = rects
    return rects


def _darken(pixmap: pymupdf.Pixmap, image_rects: list[Rect], matrix: pymupdf.Matrix) -> None:
    """Night mode: invert the luminance of the pixmap, but put back the original pixels where images are.

    MuPDF's ``fz_invert_pixmap_luminance`` keeps the hue (red text stays red, only light on dark; white
    paper becomes almost black); plain RGB inversion, which would turn red into cyan, is the fallback for
    a PyMuPDF without the low-level binding. Photos, maps and scans keep their true colours.
    """
    import pymupdf

    saved = []
    for rect in image_rects:
        box = (pymupdf.Rect(rect) * matrix).irect & pixmap.irect
        if box.is_empty:
            continue
        original = pymupdf.Pixmap(pixmap.colorspace, box, False)
        original.copy(pixmap, box)
        saved.append((original, box))
    invert_luminance = getattr(getattr(pymupdf, "mupdf", None), "fz_invert_pixmap_luminance", None)
    if invert_luminance is not None:
        invert_luminance(pixmap.this)
    else:
        pixmap.invert_irect(pixmap.irect)
    for original, box in saved:
        pixmap.copy(original, box)


def _find(entry: _Doc | None, query: str) -> tuple[str, Any]:
    doc, error = _document(entry)
    if doc is None:
        return ("err", error or ERR_NOT_A_PDF)
    hits: list[tuple[int, list[Rect]]] = []
    total = 0
    query = query.strip()
    if not query:
        return ("ok", hits)
    for number in range(doc.page_count):
        try:
            page = doc.load_page(number)
            found = page.search_for(query)
        except Exception:  # a damaged page has no hits
            found = []
        if found:
            rotation = page.rotation_matrix
            rects = []
            for rect in found:
                box = rect * rotation
                rects.append((box.x0, box.y0, box.x1, box.y1))
            hits.append((number, rects))
            total += len(rects)
            if total >= _MAX_HITS:
                break
    return ("ok", hits)


def _words(entry: _Doc | None, page_no: int) -> tuple[str, Any]:
    """The page text (as `gremalda.pdf.extract` stores it) and the words with their offsets into it."""
    doc, error = _document(entry)
    if doc is None:
        return ("err", error or ERR_NOT_A_PDF)
    if not 0 <= page_no < doc.page_count:
        return ("err", ERR_PAGE)
    try:
        return ("ok", page_words(doc.load_page(page_no)))
    except Exception:
        return ("err", ERR_PAGE)
