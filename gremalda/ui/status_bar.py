"""The window's status bar: online or offline, the last sync, pending work and progress, how many
documents are not on this device yet, and a button while annotations are orphaned or flagged. A notice
too long for the room left of them ends in "…" (Qt cut it mid-word), whole in the tooltip.

While a pass waits for the server (:meth:`StatusBar.awaiting_server`: it began, or the server's last
answer came) and no answer comes for :attr:`StatusBar.waiting_after_ms`, the connection reads "Server
not answering…" instead of "Online" (a hung server: a request stalls up to the client's read timeout);
the next answer (:meth:`StatusBar.server_answered`) shows "Online" again, and the end of the pass
(:meth:`StatusBar.sync_stopped`) what it found. A quick push (after a save, or the probe while changes
wait) waits the same way (:meth:`StatusBar.awaiting_push` until :meth:`StatusBar.push_ended`), on a timer
of its own: a push's wait and a pass's never end or restart each other."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QEvent, QLocale, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from gremalda.core.records import ReplicaStatus
from gremalda.ui.palette_colours import WINDOW, warned_colour
from gremalda.ui.sync_bridge import IndexProgress
from sync.engine import Progress
from sync.engine.report import Phase

NOTICE_MS = 15000
WAITING_AFTER_MS = 5000  # a pass without an answer of the server this long: "Server not answering…"


def local_time_text(when: datetime) -> str:
    """ "14:03" today, else the short date and time, in the user's locale."""
    moment = QDateTime.fromSecsSinceEpoch(int(when.timestamp())).toLocalTime()
    locale = QLocale()
    if moment.date() == QDateTime.currentDateTime().date():
        return locale.toString(moment.time(), QLocale.FormatType.ShortFormat)
    return locale.toString(moment, QLocale.FormatType.ShortFormat)


class StatusBar(QStatusBar):
    """See the module docstring. ``orphansRequested``: the orphaned annotations' button was clicked."""

    orphansRequested = Signal()  # noqa: N815 (Qt's naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.connection = self._label("connection")
        self.last_sync = self._label("lastSync")
        self.pending = self._label("pending")
        self.missing = self._label("missing")
        self.progress_bar = QProgressBar(self)
        self.progress_bar.setObjectName("syncProgress")
        self.progress_bar.setMaximumWidth(160)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setAccessibleName(self.tr("Synchronisation progress"))
        self.progress_bar.hide()
        self.activity = self._label("activity")
        self.orphans = QToolButton(self)  # lasting while annotations lost their place or need a look
        self.orphans.setObjectName("orphans")
        self.orphans.setAutoRaise(True)
        self._tint_orphans()
        self.orphans.setToolTip(
            self.tr("Annotations kept without their place, or to be checked in a new version: show them")
        )
        self.orphans.clicked.connect(self.orphansRequested)
        self.orphans.hide()
        self._orphans = 0
        self._permanent: tuple[QWidget, ...] = (
            self.activity,
            self.progress_bar,
            self.orphans,
            self.pending,
            self.missing,
            self.last_sync,
            self.connection,
        )
        for widget in self._permanent:
            self.addPermanentWidget(widget)
        self.messageChanged.connect(lambda _text: self._update_message_tip())
        self._online: bool | None = None
        self._sync_off = False
        self.waiting_after_ms = WAITING_AFTER_MS  # a test sets 0
        self._silence = QTimer(self)  # runs while a pass waits for the server's next answer
        self._silence.setSingleShot(True)
        self._silence.timeout.connect(self._server_silent)
        self._awaiting = False  # a pass waits for the server's next answer (the timer may have fired)
        self._push_silence = QTimer(self)  # runs while a quick push waits for the server's answer
        self._push_silence.setSingleShot(True)
        self._push_silence.timeout.connect(self._server_silent)
        self._push_awaiting = False  # a quick push waits for the server's answer (the timer may have fired)
        self._waiting = False  # the connection says that the server is not answering
        self._pending = 0
        self.pending.hide()
        self.set_online(None)
        self.last_sync.setText(self.tr("Not synchronised yet"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._tint_orphans()

    def _tint_orphans(self) -> None:
        """The attention button in the amber of a warning, readable on this palette's window colour."""
        amber = warned_colour(self.palette(), WINDOW).name()
        self.orphans.setStyleSheet(f"#orphans {{ color: {amber}; font-weight: bold; }}")

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        return label

    def set_online(self, online: bool | None) -> None:
        """``None``: not known yet (no pass has finished). Ends the text that the server is not
        answering (a pass's end or an answer says what holds now)."""
        self._online = online
        self._waiting = False
        if online is None:
            text = self.tr("Connecting…")
        else:
            text = self.tr("Online") if online else self.tr("Offline")
        self._show_connection(text)

    def set_sync_off(self) -> None:
        """This window does not synchronise (e.g. the smoke test): say so rather than "Offline"."""
        self._online = None
        self._sync_off = True
        self._awaiting = self._push_awaiting = self._waiting = False
        self._silence.stop()
        self._push_silence.stop()
        self._show_connection(self.tr("Synchronisation off"))

    def _show_connection(self, text: str, tip: str = "") -> None:
        self.connection.setText(text)
        self.connection.setToolTip(tip)
        self.connection.setAccessibleName(self.tr("Connection: %1").replace("%1", text))

    @property
    def online(self) -> bool | None:
        """The state the last pass (or answer) found; see :attr:`waiting` for a server not answering."""
        return self._online

    @property
    def waiting(self) -> bool:
        """The connection says that the server has not answered for :attr:`waiting_after_ms`."""
        return self._waiting

    # --- a pass waiting for the server

    def awaiting_server(self) -> None:
        """A pass waits for the server's answer from now on (it began, or the last answer came and
        it goes on): unless one comes within :attr:`waiting_after_ms`, the connection says that the
        server is not answering."""
        if not self._sync_off:
            self._awaiting = True
            self._silence.start(max(self.waiting_after_ms, 0))

    def server_answered(self, *, more: bool = True) -> None:
        """The server answered the running pass: "Online" again if the connection said it was not
        answering; ``more``: the pass asks it more (the wait starts again), else not (its own
        server's part is done, e.g. while it indexes)."""
        if self._waiting:
            self.set_online(True)
        if more and self._awaiting:
            self.awaiting_server()
        elif not more:
            self._awaiting = False
            self._silence.stop()

    def awaiting_push(self) -> None:
        """A quick push sends what waits and waits for the server's answer: unless it ends within
        :attr:`waiting_after_ms`, the connection says that the server is not answering. A pass's wait
        (before, or beside it) goes on as it was."""
        if not self._sync_off:
            self._push_awaiting = True
            self._push_silence.start(max(self.waiting_after_ms, 0))

    def push_ended(self) -> None:
        """The quick push ended, answered or not: it waits no more. If its wait made the connection
        say that the server is not answering (and no pass's wait did), the state before it again (an
        answered push then says "Online"); does nothing when no push waits."""
        if not self._push_awaiting:
            return
        self._push_awaiting = False
        self._push_silence.stop()
        if self._waiting and not self._pass_silent():
            self.set_online(self._online)

    def _pass_silent(self) -> bool:
        """A pass waits for the server and its wait ran out."""
        return self._awaiting and not self._silence.isActive()

    def _push_silent(self) -> bool:
        """A quick push waits for the server and its wait ran out."""
        return self._push_awaiting and not self._push_silence.isActive()

    def _server_silent(self) -> None:
        self._waiting = True
        self._show_connection(
            self.tr("Server not answering…"),
            self.tr(
                "The server has not answered yet. Your documents stay readable, and your changes are "
                "kept until they can be sent."
            ),
        )

    def show_status(self, status: ReplicaStatus) -> None:
        if status.last_sync is not None:
            self.last_sync.setText(self.tr("Last sync: %1").replace("%1", local_time_text(status.last_sync)))
        else:
            self.last_sync.setText(self.tr("Not synchronised yet"))
        missing = status.files_missing + status.files_partial
        self.missing.setText(self.tr("%n document(s) not downloaded yet", "", missing) if missing else "")
        self.missing.setVisible(bool(missing))

    def set_pending(self, count: int) -> None:
        """How many changes (annotations) wait to be sent to the server; hidden when none. The window's
        one count: the annotation model's ``pendingChanged`` (not :meth:`show_status`, whose outbox rows
        count every stored change)."""
        self._pending = count
        self.pending.setText(self.tr("%n change(s) waiting to be sent", "", count) if count else "")
        self.pending.setAccessibleName(self.pending.text())
        self.pending.setVisible(bool(count))

    def set_orphans(self, count: int) -> None:
        """How many of the user's annotations are orphaned or flagged (see Annotations → Orphaned
        annotations): a button that opens them, shown while there are any. Its words do not call them
        orphaned: a flagged one (moved to a new version, to be checked) is not lost."""
        self._orphans = count
        text = self.tr("%n annotation(s) need attention", "", count) if count else ""
        self.orphans.setText("⚠ " + text if text else "")
        self.orphans.setAccessibleName(text)
        self.orphans.setVisible(bool(count))

    @property
    def orphan_count(self) -> int:
        return self._orphans

    @property
    def pending_count(self) -> int:
        return self._pending

    def sync_started(self) -> None:
        self.activity.setText(self.tr("Synchronising…"))
        self.activity.show()
        self.progress_bar.setRange(0, 0)
        self.progress_bar.show()

    def show_progress(self, progress: Progress | IndexProgress) -> None:
        if isinstance(progress, IndexProgress):
            self.activity.setText(
                self.tr("Indexing documents: %1 of %2")
                .replace("%1", str(progress.done))
                .replace("%2", str(progress.total))
            )
            self._bar(progress.done, progress.total)
        elif progress.phase is Phase.FILES and progress.files_total:
            self.activity.setText(
                self.tr("Downloading documents: %1 of %2")
                .replace("%1", str(progress.files_done))
                .replace("%2", str(progress.files_total))
            )
            self._bar(progress.files_done, progress.files_total)
        else:
            self.activity.setText(self.tr("Fetching changes: %n", "", progress.changes))
            self.progress_bar.setRange(0, 0)
        self.activity.show()
        self.progress_bar.show()

    def _bar(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(min(done, total))

    def sync_stopped(self) -> None:
        """The pass ended: it waits for the server no more (the caller then says what it found; an
        error other than the server's absence leaves the connection as it was before the wait)."""
        self._awaiting = False
        self._silence.stop()
        if self._waiting and not self._push_silent():
            self.set_online(self._online)
        self.activity.clear()
        self.activity.hide()
        self.progress_bar.hide()

    def notice(self, text: str) -> None:
        self.showMessage(text, NOTICE_MS)

    # --- a notice too long for its room: elided, whole in the tooltip

    def message_rect(self) -> QRect:
        """Where the notice is drawn: left of the permanent widgets shown (as QStatusBar places it)."""
        left, right = 6, self.width() - 12
        shown = [w for w in self._permanent if w.isVisible()]
        if shown and self.layoutDirection() == Qt.LayoutDirection.RightToLeft:
            left = max(left, max(w.geometry().right() + 1 for w in shown) + 2)
        elif shown:
            right = min(right, min(w.x() for w in shown) - 2)
        return QRect(left, 0, max(right - left, 0), self.height())

    def shown_message(self) -> str:
        """The notice as it is drawn: whole, or cut at a character with "…" when it does not fit."""
        message = self.currentMessage()
        if not message:
            return ""
        width = self.message_rect().width()
        return self.fontMetrics().elidedText(message, Qt.TextElideMode.ElideRight, width)

    def _update_message_tip(self) -> None:
        message = self.currentMessage()
        self.setToolTip(message if message and self.shown_message() != message else "")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._update_message_tip()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        super().paintEvent(event)  # the frames, and a notice that fits
        message, shown = self.currentMessage(), self.shown_message()
        self._update_message_tip()  # the room changes as the permanent widgets show and hide
        if shown == message:
            return
        rect = self.message_rect()  # Qt drew the notice cut at the edge: drawn again, elided
        painter = QPainter(self)
        painter.fillRect(rect, self.palette().window())
        painter.setPen(self.palette().windowText().color())
        flags = Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
        painter.drawText(rect, int(flags), shown)
        painter.end()
