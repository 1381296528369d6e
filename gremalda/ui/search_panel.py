"""The search panel: offline full-text search over the whole replica while you type, with filters
(committee, date range, public or non-public, document kind), hits with their context and a snippet
with the words found in bold. Activating a hit (Enter, double click) emits :attr:`SearchPanel.openHit`.

Queries run on one worker thread of the panel's own, with its own store (a SQLCipher connection
belongs to one thread), opened there by the factory the panel is given. The worker always runs the
latest request and drops those it has not started; a reply to an older request is dropped here. The
GUI thread never waits on it.

Keyboard: Down moves from the query to the hits, Up on the first hit goes back; Enter on a hit opens
it, Enter in the query searches at once (or opens the first hit when they are shown already); Escape
clears the query."""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QEvent,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QKeyEvent,
    QPainter,
    QPalette,
    QStandardItem,
    QStandardItemModel,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gremalda.core.search import (
    NO_FILTERS,
    SearchFacets,
    SearchFilters,
    SearchHit,
    SearchResults,
    SearchService,
    Visibility,
)
from gremalda.errors import GremaldaError
from gremalda.paths import DataPaths
from gremalda.store.replica import Store, open_store
from gremalda.ui import error_reporter
from gremalda.ui.formatting import role_text
from gremalda.ui.palette_colours import refused_colour

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

HIT_ROLE = Qt.ItemDataRole.UserRole + 1
DEBOUNCE_MS = 150
_BUSY_MS = 300  # "Searching…" only when a reply takes longer than this
StoreFactory = Callable[[], Store]


# --- the worker --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Request:
    generation: int
    query: str
    filters: SearchFilters
    limit: int


@dataclass(frozen=True)
class _Reply:
    generation: int
    results: SearchResults | None = None
    facets: SearchFacets | None = None
    error: BaseException | None = None


class _Replies(QObject):
    """Carries the worker's replies to the GUI thread (a queued connection)."""

    arrived = Signal(object)


class _SearchWorker:
    """One thread with one store and one :class:`SearchService`. It runs the latest request only;
    ``refresh`` re-reads the facets (the filters' choices) first."""

    def __init__(self, factory: StoreFactory, replies: _Replies) -> None:
        self._factory = factory
        self._replies = replies
        self._wake = threading.Condition()
        self._request: _Request | None = None
        self._refresh = True  # the filter choices, at start
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="search-worker", daemon=True)
        self._thread.start()

    def submit(self, request: _Request) -> None:
        with self._wake:
            self._request = request
            self._wake.notify()

    def refresh(self) -> None:
        with self._wake:
            self._refresh = True
            self._wake.notify()

    def stop(self, timeout: float = 5.0) -> None:
        with self._wake:
            self._stopping = True
            self._request = None
            self._wake.notify()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        store: Store | None = None
        service: SearchService | None = None
        try:
            while True:
                with self._wake:
                    while not (self._stopping or self._refresh or self._request is not None):
                        self._wake.wait()
                    if self._stopping:
                        return
                    request, self._request = self._request, None
                    refresh, self._refresh = self._refresh, False
                generation = request.generation if request is not None else -1
                try:
                    if service is None:
                        store = self._factory()
                        service = SearchService(store.db.conn, store.db.path)
                    if refresh:
                        service.invalidate()
                        self._send(_Reply(generation, facets=service.facets()))
                    if request is not None:
                        results = service.search(request.query, request.filters, request.limit)
                        self._send(_Reply(request.generation, results=results))
                except Exception as exc:  # delivered to the GUI thread, which shows it
                    self._send(_Reply(generation, error=exc))
        finally:
            if store is not None:
                store.close()

    def _send(self, reply: _Reply) -> None:
        try:
            self._replies.arrived.emit(reply)
        except RuntimeError:  # the panel is gone (the application is closing)
            log.debug("search reply after the panel was deleted")


# --- showing hits ------------------------------------------------------------------------------------------


def _date_text(day: date | None) -> str:
    if day is None:
        return ""
    return QLocale().toString(QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat)


def hit_details(hit: SearchHit) -> list[str]:
    """Where a hit belongs, as the panel lists it: context, committee, date, kind (without the mark of
    non-public documents)."""
    parts = [hit.context]
    if hit.committee and hit.committee not in hit.context:
        parts.append(hit.committee)
    when = _date_text(hit.meeting_date)
    if when and when not in hit.context:
        parts.append(when)
    parts.append(hit.paper_type or role_text(hit.role))
    return [part for part in parts if part]


def hit_page(hit: SearchHit) -> str:
    text = translate("SearchPanel", "page %1").replace("%1", str(hit.page + 1))
    others = hit.file_pages_matched - 1
    if others > 0:
        if others == 1:  # two messages: lupdate finds no plural form (%n) outside a QObject's tr()
            text += " " + translate("SearchPanel", "(1 more page with hits)")
        else:
            text += " " + translate("SearchPanel", "(%1 more pages with hits)").replace("%1", str(others))
    return text


def hit_text(hit: SearchHit) -> str:
    """The hit as plain text: what screen readers read and what the tests look for."""
    details = hit_details(hit) + ([translate("SearchPanel", "non-public")] if not hit.public else [])
    snippet = "".join(text for text, _ in hit.parts)
    return f"{hit.name}, {hit_page(hit)}\n{' · '.join(details)}\n{snippet}"


def hit_html(hit: SearchHit, palette: QPalette | None = None, *, selected: bool = False) -> str:
    """The hit as rich text: the name in bold, the details muted, the words found in bold. Colours come
    from ``palette`` (none when ``selected``: the selection's text colour is used throughout)."""
    muted = warn = ""
    if palette is not None and not selected:
        text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
        red, green, blue = (round(0.72 * a + 0.28 * b) for a, b in (
            (text.red(), base.red()), (text.green(), base.green()), (text.blue(), base.blue())))  # fmt: skip
        muted = f' style="color:#{red:02x}{green:02x}{blue:02x}"'
        warn = f' style="color:{refused_colour(palette).name()}"'
    details = html.escape(" · ".join(hit_details(hit)))
    if not hit.public:
        mark = html.escape(translate("SearchPanel", "non-public"))
        details += f" · <span{warn}><b>{mark}</b></span>"
    snippet = "".join(
        f"<b>{html.escape(text)}</b>" if matched else html.escape(text) for text, matched in hit.parts
    )
    return (
        f"<div><b>{html.escape(hit.name)}</b> <span{muted}>· {html.escape(hit_page(hit))}</span></div>"
        f"<div{muted}>{details}</div>"
        f"<div>{snippet}</div>"
    )


class HitDelegate(QStyledItemDelegate):
    """Draws a hit as rich text that wraps at the list's width."""

    MARGIN = 6

    def _document(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QTextDocument:
        hit = index.data(HIT_ROLE)
        document = QTextDocument()
        document.setDocumentMargin(self.MARGIN)
        document.setDefaultFont(option.font)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if isinstance(hit, SearchHit):
            document.setHtml(hit_html(hit, option.palette, selected=selected))
        else:
            document.setPlainText(str(index.data(Qt.ItemDataRole.DisplayRole) or ""))
        width = option.rect.width()
        view = option.widget
        if width <= 0 and isinstance(view, QAbstractItemView):
            width = view.viewport().width()
        document.setTextWidth(max(80, width))
        return document

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        document = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, option.rect.width(), option.rect.height()))
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802 (Qt's name)
        document = self._document(option, index)
        return QSize(int(document.idealWidth()), int(document.size().height()) + 2)


# --- the panel ---------------------------------------------------------------------------------------------


class SearchPanel(QWidget):
    """Search all documents of the replica; see the module docstring."""

    openHit = Signal(str, int, str)  # file id, page (0-based), query  # noqa: N815 (Qt's naming)
    searchFinished = Signal(object)  # SearchResults shown  # noqa: N815 (Qt's naming)
    facetsLoaded = Signal(object)  # SearchFacets offered  # noqa: N815 (Qt's naming)

    def __init__(
        self,
        source: DataPaths | StoreFactory,
        parent: QWidget | None = None,
        *,
        limit: int = 50,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self.limit = limit
        factory: StoreFactory = (lambda: open_store(source)) if isinstance(source, DataPaths) else source
        self._generation = 0
        self._shown: SearchResults | None = None
        self._shown_request: tuple[str, SearchFilters] | None = None
        self._pending: tuple[str, SearchFilters] | None = None
        self._facets: SearchFacets | None = None

        # the query
        self.query_edit = QLineEdit(self)
        self.query_edit.setObjectName("searchQuery")
        self.query_edit.setPlaceholderText(self.tr("Search all documents"))
        self.query_edit.setAccessibleName(self.tr("Search query"))
        self.query_edit.setAccessibleDescription(
            self.tr("Words to find in all documents; Down moves to the hits, Enter opens the first one")
        )
        self.query_edit.setClearButtonEnabled(True)
        self.filters_button = QToolButton(self)
        self.filters_button.setText(self.tr("Filters"))
        self.filters_button.setAccessibleName(self.tr("Show filters"))
        self.filters_button.setCheckable(True)
        self.filters_button.setChecked(True)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.query_edit, 1)
        top.addWidget(self.filters_button)

        # the filters
        self.filter_box = QWidget(self)
        self.filter_box.setAccessibleName(self.tr("Search filters"))
        form = QFormLayout(self.filter_box)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # the dock may be narrow
        self.committee_combo = self._combo(self.tr("Committee filter"))
        self.kind_combo = self._combo(self.tr("Document kind filter"))
        self.visibility_combo = self._combo(self.tr("Public or non-public filter"))
        for text, value in (
            (self.tr("Public and non-public"), "all"),
            (self.tr("Public only"), "public"),
            (self.tr("Non-public only"), "nonpublic"),
        ):
            self.visibility_combo.addItem(text, value)
        self.from_edit = self._date_edit(self.tr("From date"))
        self.to_edit = self._date_edit(self.tr("To date"))
        dates = QHBoxLayout()
        dates.setContentsMargins(0, 0, 0, 0)
        dates.addWidget(self.from_edit, 1)
        dates.addWidget(QLabel("–", self.filter_box))
        dates.addWidget(self.to_edit, 1)
        self.reset_button = QPushButton(self.tr("Reset filters"), self.filter_box)
        self.reset_button.setAccessibleName(self.tr("Reset filters"))
        for text, field in (
            (self.tr("&Committee:"), self.committee_combo),
            (self.tr("&Kind:"), self.kind_combo),
            (self.tr("&Visibility:"), self.visibility_combo),
        ):
            form.addRow(self._buddy(text, field), field)
        date_label = self._buddy(self.tr("&Dates:"), self.from_edit)
        form.addRow(date_label, dates)
        form.addRow("", self.reset_button)
        self._reset_choices()

        # the hits
        self.status_label = QLabel(self)
        self.status_label.setObjectName("searchStatus")
        self.status_label.setAccessibleName(self.tr("Search status"))
        self.status_label.setWordWrap(True)
        self.model = QStandardItemModel(self)
        self.results_view = QListView(self)
        self.results_view.setObjectName("searchResults")
        self.results_view.setAccessibleName(self.tr("Search results"))
        self.results_view.setModel(self.model)
        self.results_view.setItemDelegate(HitDelegate(self.results_view))
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setUniformItemSizes(False)
        self.results_view.setWordWrap(True)
        self.results_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.status_label)
        layout.addWidget(self.results_view, 1)
        self.setFocusProxy(self.query_edit)
        self._set_status(self.tr("Type words to search all documents."))

        # timing
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._submit)
        self._busy = QTimer(self)
        self._busy.setSingleShot(True)
        self._busy.setInterval(_BUSY_MS)
        self._busy.timeout.connect(lambda: self._set_status(self.tr("Searching…")))

        # wiring
        self.query_edit.textChanged.connect(lambda _text: self._debounce.start())
        self.query_edit.installEventFilter(self)
        self.results_view.installEventFilter(self)
        self.results_view.activated.connect(self._open)
        self.filters_button.toggled.connect(self.filter_box.setVisible)
        for combo in (self.committee_combo, self.kind_combo, self.visibility_combo):
            combo.currentIndexChanged.connect(self._filters_changed)
        for edit in (self.from_edit, self.to_edit):
            edit.dateChanged.connect(self._filters_changed)
        self.reset_button.clicked.connect(self.reset_filters)

        self._replies = _Replies(self)
        self._replies.arrived.connect(self._arrived, Qt.ConnectionType.QueuedConnection)
        self._worker = _SearchWorker(factory, self._replies)
        worker = self._worker
        self.destroyed.connect(lambda *_args: worker.stop(timeout=0))

    # --- construction helpers

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox(self.filter_box)
        combo.setAccessibleName(name)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
        return combo

    def _date_edit(self, name: str) -> QDateEdit:
        edit = QDateEdit(self.filter_box)
        edit.setAccessibleName(name)
        edit.setCalendarPopup(True)
        edit.setSpecialValueText(self.tr("any"))  # shown for the minimum date: no bound
        return edit

    def _buddy(self, text: str, field: QWidget) -> QLabel:
        label = QLabel(text, self.filter_box)
        label.setBuddy(field)
        return label

    # --- public

    def focus_query(self) -> None:
        """Put the keyboard focus in the query, its text selected (Ctrl+F / Ctrl+Shift+F)."""
        self.query_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query_edit.selectAll()

    def set_query(self, text: str) -> None:
        """Search for ``text`` (at once)."""
        self.query_edit.setText(text)
        self._submit()

    def query(self) -> str:
        return self.query_edit.text()

    def filters(self) -> SearchFilters:
        """The filters as the controls are set."""
        committee = self.committee_combo.currentData()
        kind = self.kind_combo.currentData()
        visibility: Visibility = self.visibility_combo.currentData() or "all"
        return SearchFilters(
            committee_ids=frozenset({committee}) if isinstance(committee, str) else None,
            date_from=self._date(self.from_edit),
            date_to=self._date(self.to_edit),
            visibility=visibility,
            kinds=frozenset({kind}) if isinstance(kind, str) else None,
        )

    def results(self) -> SearchResults | None:
        """The results shown (``None``: none yet, or the query is empty)."""
        return self._shown

    def reset_filters(self) -> None:
        self._reset_choices()
        self._filters_changed()

    @Slot()
    def refresh(self) -> None:
        """The replica changed (after a sync): read the filters' choices again and search again."""
        self._worker.refresh()
        if self.query_edit.text().strip():
            # search again even when the same search is under way: it may have begun before the sync
            # wrote, and its results would be the replica as it was (the worker refreshes, then searches)
            self._pending = None
            self._submit()

    def shutdown(self) -> None:
        """Stop the worker and close its store (the main window calls this when it closes)."""
        self._debounce.stop()
        self._busy.stop()
        self._worker.stop()

    # --- filters

    def _reset_choices(self) -> None:
        for combo in (self.committee_combo, self.kind_combo, self.visibility_combo):
            combo.blockSignals(True)
        self.committee_combo.clear()
        self.committee_combo.addItem(self.tr("All committees"), None)
        self.kind_combo.clear()
        self.kind_combo.addItem(self.tr("All kinds of documents"), None)
        facets = self._facets
        if facets is not None:
            for committee in facets.committees:
                self.committee_combo.addItem(committee.name or committee.id, committee.id)
            roles = [k for k in facets.kinds if k.dimension == "role"]
            types = [k for k in facets.kinds if k.dimension == "type"]
            for kind in roles:
                self.kind_combo.addItem(role_text(kind.value), kind.key)
            if roles and types:
                self.kind_combo.insertSeparator(self.kind_combo.count())
            for kind in types:
                self.kind_combo.addItem(kind.value, kind.key)
        self.visibility_combo.setCurrentIndex(0)
        first = (
            facets.first_date if facets is not None and facets.first_date else date.today() - timedelta(3650)
        )
        last = facets.last_date if facets is not None and facets.last_date else date.today()
        for edit in (self.from_edit, self.to_edit):
            edit.blockSignals(True)
            edit.setDateRange(
                _qdate(first - timedelta(days=1)), _qdate(max(last, date.today()) + timedelta(3650))
            )
            edit.setDate(edit.minimumDate())
            edit.blockSignals(False)
        for combo in (self.committee_combo, self.kind_combo, self.visibility_combo):
            combo.blockSignals(False)

    def _apply_facets(self, facets: SearchFacets) -> None:
        """New choices for the filters, keeping what is chosen where it is still offered."""
        chosen = (
            self.committee_combo.currentData(),
            self.kind_combo.currentData(),
            self.visibility_combo.currentIndex(),
            self._date(self.from_edit),
            self._date(self.to_edit),
        )
        before = self.filters()
        self._facets = facets
        self._reset_choices()
        for combo, data in ((self.committee_combo, chosen[0]), (self.kind_combo, chosen[1])):
            found = combo.findData(data) if data is not None else -1
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, found))
            combo.blockSignals(False)
        self.visibility_combo.blockSignals(True)
        self.visibility_combo.setCurrentIndex(chosen[2])
        self.visibility_combo.blockSignals(False)
        for edit, day in ((self.from_edit, chosen[3]), (self.to_edit, chosen[4])):
            if day is not None:
                edit.blockSignals(True)
                edit.setDate(_qdate(day))
                edit.blockSignals(False)
        self.facetsLoaded.emit(facets)
        if self.filters() != before:
            self._filters_changed()

    @staticmethod
    def _date(edit: QDateEdit) -> date | None:
        chosen = edit.date()
        if chosen == edit.minimumDate():
            return None
        return date(chosen.year(), chosen.month(), chosen.day())

    def _filters_changed(self) -> None:
        self._submit()

    # --- searching

    def _submit(self) -> None:
        self._debounce.stop()
        query = self.query_edit.text()
        filters = self.filters()
        if (query, filters) == self._pending:
            return
        self._generation += 1
        if not query.strip():
            self._pending = None
            self._busy.stop()
            self._show(None, ("", filters))
            return
        self._pending = (query, filters)
        self._worker.submit(_Request(self._generation, query, filters, self.limit))
        if not self._busy.isActive():
            self._busy.start()

    @Slot(object)
    def _arrived(self, reply: _Reply) -> None:
        if reply.facets is not None:
            self._apply_facets(reply.facets)
            return
        if reply.generation != self._generation or self._pending is None:
            return  # an older request's (or only facets)
        request, self._pending = self._pending, None
        self._busy.stop()
        if reply.error is not None:
            self._show_error(reply.error)
        elif reply.results is not None:
            self._show(reply.results, request)

    def _show(self, results: SearchResults | None, request: tuple[str, SearchFilters]) -> None:
        focus_in_list = self.results_view.hasFocus()
        self._shown = results
        self._shown_request = request if results is not None else None
        self.model.clear()
        for hit in results.hits if results is not None else ():
            item = QStandardItem(hit_text(hit))
            item.setData(hit, HIT_ROLE)
            item.setToolTip(hit_text(hit))
            item.setEditable(False)
            self.model.appendRow(item)
        if results is None:
            self._set_status(self.tr("Type words to search all documents."))
        elif not results.hits:
            if results.pages_matched_unfiltered and request[1] != NO_FILTERS:
                self._set_status(
                    self.tr(
                        "No hits with these filters; %n page(s) without them.",
                        "",
                        results.pages_matched_unfiltered,
                    )
                )
            else:
                self._set_status(self.tr("No document contains these words."))
        else:
            pages = self.tr("%n page(s)", "", results.total_pages_matched)
            files = self.tr("%n document(s)", "", results.total_files_matched)
            text = self.tr("%1 in %2").replace("%1", pages).replace("%2", files)
            if len(results.hits) < results.total_pages_matched:
                text += " " + self.tr("(the best %1 shown)").replace("%1", str(len(results.hits)))
            self._set_status(text)
        if results is not None and results.hits and focus_in_list:
            self.results_view.setCurrentIndex(self.model.index(0, 0))
        if results is not None:
            self.searchFinished.emit(results)

    def _show_error(self, error: BaseException) -> None:
        self.model.clear()
        self._shown = None
        self._shown_request = None
        if isinstance(error, GremaldaError):
            log.warning("search failed: %s (%s)", error.message, error.detail or "")
            self._set_status(self.tr("Search failed: %1").replace("%1", error.message))
        else:
            self._set_status(self.tr("Search failed."))
            error_reporter.report(error)

    def _set_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setAccessibleDescription(text)

    # --- opening hits and the keyboard

    def _open(self, index: QModelIndex | QPersistentModelIndex) -> None:
        hit = index.data(HIT_ROLE)
        if isinstance(hit, SearchHit) and self._shown is not None:
            self.openHit.emit(hit.file_id, hit.page, self._shown.query)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            if watched is self.query_edit and plain:
                return self._query_key(key)
            if watched is self.results_view and plain:
                current = self.results_view.currentIndex()
                if key == Qt.Key.Key_Escape or (
                    key == Qt.Key.Key_Up and (not current.isValid() or current.row() == 0)
                ):
                    self.focus_query()
                    return True
        return super().eventFilter(watched, event)

    def _query_key(self, key: int) -> bool:
        if key == Qt.Key.Key_Down and self.model.rowCount():
            current = self.results_view.currentIndex()
            self.results_view.setCurrentIndex(current if current.isValid() else self.model.index(0, 0))
            self.results_view.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._shown_request == (self.query_edit.text(), self.filters()) and self.model.rowCount():
                current = self.results_view.currentIndex()
                self._open(current if current.isValid() else self.model.index(0, 0))
            else:
                self._submit()
            return True
        if key == Qt.Key.Key_Escape and self.query_edit.text():
            self.query_edit.clear()
            return True
        return False


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)
