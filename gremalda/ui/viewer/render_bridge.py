"""`RenderBridge`: the application's one `Renderer`, its futures turned into queued Qt signals.

Futures of `gremalda.pdf.render.Renderer` resolve on its dispatcher thread. Their callbacks here do the
thread-safe part there (raw RGB samples → a `QImage` that owns a copy of its pixels) and emit an internal
signal; a queued connection delivers it on the GUI thread, which stores the image in the tile cache and
emits the public signals. So the cache is only ever touched on the GUI thread, and the GUI thread never
calls ``future.result()``.
"""

from __future__ import annotations

import itertools
from concurrent.futures import Future

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QImage

from gremalda.pdf.render import DocumentInfo, FindHits, PageWords, RenderedImage, Renderer, RenderError
from gremalda.pdf.tilecache import DEFAULT_BUDGET, TileCache, TileKey

__all__ = ["RenderBridge"]


class RenderBridge(QObject):
    """One per application; every `DocumentView` shares it (and so the workers and the cache budget).

    Signals (all on the GUI thread):

    * ``documentOpened(key, DocumentInfo)`` after `open_document` / `authenticate`;
    * ``imageReady(TileKey)``: the image is now in `cache`;
    * ``imageFailed(TileKey, message)``: a sentence for people (the page is damaged, …);
    * ``imageDropped(TileKey)``: the request was cancelled (stale generation, closed document);
    * ``findFinished(key, request_id, hits_or_message)``: `FindHits`, or a str when the search failed;
    * ``wordsReady(key, page)``: the page's `PageWords` are now in `words` (cached per page);
    * ``wordsFailed(key, page, message)``.
    """

    documentOpened = Signal(str, object)  # noqa: N815 (Qt's naming)
    imageReady = Signal(object)  # noqa: N815 (Qt's naming)
    imageFailed = Signal(object, str)  # noqa: N815 (Qt's naming)
    imageDropped = Signal(object)  # noqa: N815 (Qt's naming)
    findFinished = Signal(str, int, object)  # noqa: N815 (Qt's naming)
    wordsReady = Signal(str, int)  # noqa: N815 (Qt's naming)
    wordsFailed = Signal(str, int, str)  # noqa: N815 (Qt's naming)

    _opened = Signal(str, object)
    _arrived = Signal(
        object, object, object
    )  # TileKey, QImage | None, error message | None (both None: dropped)
    _found = Signal(str, int, object)
    _worded = Signal(str, int, object)  # key, page, PageWords | error message

    def __init__(
        self,
        *,
        workers: int = 2,
        cache_budget: int = DEFAULT_BUDGET,
        renderer: Renderer | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.renderer = renderer if renderer is not None else Renderer(workers=workers)
        self.cache: TileCache[QImage] = TileCache(cache_budget)
        self._find_ids = itertools.count(1)
        self._open: set[str] = set()
        self._closed = False
        queued = Qt.ConnectionType.QueuedConnection
        self._opened.connect(self._deliver_opened, queued)
        self._arrived.connect(self._deliver_image, queued)
        self._found.connect(self._deliver_found, queued)
        self._worded.connect(self._deliver_words, queued)
        self._words: dict[tuple[str, int], PageWords] = {}
        self._words_pending: set[tuple[str, int]] = set()

    # -- documents -------------------------------------------------------------------------------------

    def open_document(self, key: str, data: bytes, password: str | None = None) -> None:
        """Register the decrypted ``data`` under ``key``; ``documentOpened`` follows."""
        self.cache.discard_document(key)
        self._open.add(key)
        self._watch_info(key, self.renderer.open(key, data, password))

    def authenticate(self, key: str, password: str) -> None:
        """Try ``password`` on the locked document ``key``; ``documentOpened`` follows."""
        self._watch_info(key, self.renderer.authenticate(key, password))

    def close_document(self, key: str) -> None:
        if self._closed:
            return
        self._open.discard(key)
        self.renderer.close_document(key)
        self.cache.discard_document(key)
        self._words = {k: v for k, v in self._words.items() if k[0] != key}
        self._words_pending = {k for k in self._words_pending if k[0] != key}

    # -- images ----------------------------------------------------------------------------------------

    def request(
        self, key: TileKey, *, priority: int = 0, generation: int | None = 0
    ) -> Future[RenderedImage]:
        """Queue the image ``key``; its answer comes as ``imageReady`` / ``imageFailed`` / ``imageDropped``.

        The returned future may be cancelled by the caller (then ``imageDropped`` follows); never wait on it.
        """
        future = self.renderer.render(
            key.doc,
            key.page,
            key.scale,
            clip=key.clip,
            night=key.night,
            priority=priority,
            generation=generation,
        )
        future.add_done_callback(lambda done: self._image_done(key, done))
        return future

    def set_generation(self, doc: str, generation: int) -> None:
        self.renderer.set_generation(doc, generation)

    def find(self, doc: str, query: str) -> int:
        """Search ``doc``; returns the request id that ``findFinished`` will carry."""
        request_id = next(self._find_ids)
        future = self.renderer.find(doc, query)
        future.add_done_callback(lambda done: self._find_done(doc, request_id, done))
        return request_id

    def words(self, doc: str, page: int) -> PageWords | None:
        """The words of a page when they are here (see `request_words`), else None."""
        return self._words.get((doc, page))

    def request_words(self, doc: str, page: int) -> None:
        """Ask for the words of a page (once: they are cached until the document closes); ``wordsReady``
        or ``wordsFailed`` follows, unless they are here already or on their way."""
        if (doc, page) in self._words or (doc, page) in self._words_pending or doc not in self._open:
            return
        self._words_pending.add((doc, page))
        future = self.renderer.words(doc, page)
        future.add_done_callback(lambda done: self._words_done(doc, page, done))

    def close(self) -> None:
        """Stop the workers (the application is quitting). Blocks until they are gone."""
        if self._closed:
            return
        self._closed = True
        self.renderer.close()
        self.cache.clear()

    # -- callbacks: dispatcher thread --------------------------------------------------------------------

    def _watch_info(self, key: str, future: Future[DocumentInfo]) -> None:
        def done(future: Future[DocumentInfo]) -> None:
            if future.cancelled():
                return
            error = future.exception()
            if error is None:
                info = future.result()
            else:
                message = error.message if isinstance(error, RenderError) else str(error)
                info = DocumentInfo(key, 0, (), (), "", False, message)
            self._opened.emit(key, info)

        future.add_done_callback(done)

    def _image_done(self, key: TileKey, future: Future[RenderedImage]) -> None:
        if future.cancelled():
            self._arrived.emit(key, None, None)
            return
        error = future.exception()
        if error is not None:
            self._arrived.emit(key, None, error.message if isinstance(error, RenderError) else str(error))
            return
        rendered = future.result()
        image = QImage(
            rendered.samples, rendered.width, rendered.height, rendered.stride, QImage.Format.Format_RGB888
        ).copy()  # owns its pixels: `samples` may go
        self._arrived.emit(key, image, None)

    def _find_done(self, doc: str, request_id: int, future: Future[FindHits]) -> None:
        if future.cancelled():
            self._found.emit(doc, request_id, "cancelled")
            return
        error = future.exception()
        if error is not None:
            self._found.emit(doc, request_id, error.message if isinstance(error, RenderError) else str(error))
        else:
            self._found.emit(doc, request_id, future.result())

    def _words_done(self, doc: str, page: int, future: Future[PageWords]) -> None:
        if future.cancelled():
            self._worded.emit(doc, page, "cancelled")
            return
        error = future.exception()
        if error is not None:
            self._worded.emit(doc, page, error.message if isinstance(error, RenderError) else str(error))
        else:
            self._worded.emit(doc, page, future.result())

    # -- delivery: GUI thread ----------------------------------------------------------------------------

    @Slot(str, object)
    def _deliver_opened(self, key: str, info: DocumentInfo) -> None:
        if not self._closed:
            self.documentOpened.emit(key, info)

    @Slot(object, object, object)
    def _deliver_image(self, key: TileKey, image: QImage | None, error: str | None) -> None:
        if self._closed:
            return
        if image is not None:
            if key.doc not in self._open:
                return  # rendered while its document was being closed
            self.cache.put(key, image, image.sizeInBytes())
            self.imageReady.emit(key)
        elif error is not None:
            self.imageFailed.emit(key, error)
        else:
            self.imageDropped.emit(key)

    @Slot(str, int, object)
    def _deliver_found(self, doc: str, request_id: int, hits: object) -> None:
        if not self._closed:
            self.findFinished.emit(doc, request_id, hits)

    @Slot(str, int, object)
    def _deliver_words(self, doc: str, page: int, words: object) -> None:
        if self._closed or (doc, page) not in self._words_pending:
            return  # closed meanwhile
        self._words_pending.discard((doc, page))
        if isinstance(words, PageWords):
            self._words[(doc, page)] = words
            self.wordsReady.emit(doc, page)
        else:
            self.wordsFailed.emit(doc, page, str(words))
