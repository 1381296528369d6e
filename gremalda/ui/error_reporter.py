"""One place for every error: ``sys.excepthook`` and ``threading.excepthook`` route uncaught exceptions
here, from any thread; background jobs report theirs here too. A :class:`GremaldaError` is shown as a
dialog with its title and message (one dialog per error type: the same error again, while its dialog is
open, only counts); anything else is a bug, shown as an :class:`InternalError` with the trace in the
details. Everything is also logged."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from gremalda.errors import GremaldaError, InternalError
from gremalda.ui.error_texts import error_text

log = logging.getLogger(__name__)


def as_gremalda_error(exc: BaseException) -> GremaldaError:
    if isinstance(exc, GremaldaError):
        return exc
    trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return InternalError(detail=trace.strip())


class ErrorReporter(QObject):
    """Shows errors as dialogs, on the GUI thread, whichever thread reported them."""

    reported = Signal(object)  # the GremaldaError shown (or counted)
    _incoming = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialogs: dict[type[GremaldaError], QMessageBox] = {}
        self.repeats: dict[type[GremaldaError], int] = {}
        self.sink: Callable[[GremaldaError], None] | None = None  # instead of dialogs (smoke test)
        self._hooks: tuple[object, object] | None = None
        self._incoming.connect(self._show, Qt.ConnectionType.QueuedConnection)

    # --- reporting (any thread)

    def report(self, exc: BaseException) -> None:
        error = as_gremalda_error(exc)
        if error.environment:
            log.warning("%s: %s (%s)", error.title, error.message, error.detail or "")
        else:
            log.error("%s: %s\n%s", error.title, error.message, error.detail or "")
        self._incoming.emit(error)

    def install(self) -> None:
        """Route uncaught exceptions of every thread here."""
        if self._hooks is None:
            self._hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._excepthook
        threading.excepthook = self._threading_excepthook

    def uninstall(self) -> None:
        if self._hooks is not None:
            sys.excepthook, threading.excepthook = self._hooks  # type: ignore[assignment]
            self._hooks = None

    def _excepthook(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, KeyboardInterrupt):
            QApplication.quit()
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        self.report(exc)

    def _threading_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.report(args.exc_value)

    # --- showing (GUI thread)

    @Slot(object)
    def _show(self, error: GremaldaError) -> None:
        kind = type(error)
        if self.sink is not None:
            self.sink(error)
            self.reported.emit(error)
            return
        if kind in self.dialogs:
            self.repeats[kind] = self.repeats.get(kind, 0) + 1
            box = self.dialogs[kind]
            box.setInformativeText(self.tr("This happened %n more time(s).", "", self.repeats[kind]))
            self.reported.emit(error)
            return
        title, message = error_text(error)
        parent: QWidget | None = QApplication.activeWindow()
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning if error.environment else QMessageBox.Icon.Critical)
        box.setWindowTitle(title)
        box.setText(message)
        box.setAccessibleName(title)
        if error.detail:
            box.setDetailedText(error.detail)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.WindowModal if parent else Qt.WindowModality.ApplicationModal)
        box.finished.connect(lambda _result, kind=kind: self._closed(kind))
        self.dialogs[kind] = box
        self.repeats[kind] = 0
        box.open()
        self.reported.emit(error)

    def _closed(self, kind: type[GremaldaError]) -> None:
        self.dialogs.pop(kind, None)
        self.repeats.pop(kind, None)

    def close_all(self) -> None:
        for box in list(self.dialogs.values()):
            box.done(0)
        self.dialogs.clear()
        self.repeats.clear()


_reporter: ErrorReporter | None = None


def reporter() -> ErrorReporter:
    """The application's reporter (created on first use, on the GUI thread)."""
    global _reporter
    if _reporter is None:
        _reporter = ErrorReporter(QApplication.instance())
    return _reporter


def report(exc: BaseException) -> None:
    """Report an error from any thread (the reporter must exist: see :func:`reporter`)."""
    if _reporter is None:  # no window yet: at least log it
        log.error("%s", as_gremalda_error(exc))
        return
    _reporter.report(exc)
