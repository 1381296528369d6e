# mypy: disable-error-code="no-untyped-call"
# (PyMuPDF is only partly annotated; calling its unannotated methods is unavoidable here.)
"""A page's words with their boxes and their offsets into the page text exactly as the indexer stores it
(`gremalda.pdf.extract`: PyMuPDF's plain text without C0 controls but tab and newline, DEL).

Used by the render worker (``words`` requests, for text selection and annotation quotes) and in-process
by re-anchoring (:class:`DocumentWords`: the quads of a span of the indexed page text in a new version of
a document). Imports nothing of Gremalda and PyMuPDF only when called, so the render worker stays light.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pymupdf

# what gremalda.pdf.extract removes from page texts (C0 controls but tab and newline, DEL)
TEXT_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])

# x0, y0, x1, y1 (points, unrotated page), word, block, line, start, end (offsets into the page text)
WordTuple = tuple[float, float, float, float, str, int, int, int, int]


def page_text(page: pymupdf.Page) -> str:
    """The page's text as the indexer stores it."""
    return str(page.get_text("text")).translate(TEXT_CONTROL).replace("\x00", " ")


def page_words(page: pymupdf.Page) -> tuple[str, list[WordTuple]]:
    """The page text (see :func:`page_text`) and PyMuPDF's words in its order, each with its place in
    that text: ``text[start:end]`` is the word (``start == end`` for a word not found there)."""
    text = page_text(page)
    words: list[WordTuple] = []
    position = 0
    for x0, y0, x1, y1, word, block, line, _ in page.get_text("words"):
        word = str(word).translate(TEXT_CONTROL)
        if not word.strip():
            continue
        at = text.find(word, position)
        if at < 0:
            start = end = position
        else:
            start, end = at, at + len(word)
            position = end
        words.append((float(x0), float(y0), float(x1), float(y1), word, int(block), int(line), start, end))
    return text, words


class DocumentWords:
    """A PDF opened in this process from bytes in memory (never a file), giving the words of its pages
    (0-based) on demand, each page read once. A context manager; ``error`` is set (and every page has
    no words) when the bytes are not a readable PDF."""

    def __init__(self, data: bytes | bytearray) -> None:
        import pymupdf

        self.error: str | None = None
        self._doc: pymupdf.Document | None = None
        self._pages: dict[int, tuple[str, list[WordTuple]] | None] = {}
        try:
            doc = pymupdf.open(stream=data, filetype="pdf")
        except Exception as exc:  # damaged bytes may fail anywhere inside MuPDF
            self.error = f"not a readable PDF ({type(exc).__name__}: {exc})"
            return
        if doc.needs_pass:
            doc.close()
            self.error = "the PDF is protected by a password"
            return
        self._doc = doc

    def words(self, page_no: int) -> tuple[str, list[WordTuple]] | None:
        """The page text and words of page ``page_no`` (0-based), or ``None`` when it cannot be read."""
        if page_no not in self._pages:
            self._pages[page_no] = self._read(page_no)
        return self._pages[page_no]

    def _read(self, page_no: int) -> tuple[str, list[WordTuple]] | None:
        doc = self._doc
        if doc is None or not 0 <= page_no < doc.page_count:
            return None
        try:
            return page_words(doc.load_page(page_no))
        except Exception:  # a damaged page has no words
            return None

    def close(self) -> None:
        if self._doc is not None:
            self._doc.close()
            self._doc = None
        self._pages.clear()

    def __enter__(self) -> DocumentWords:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
