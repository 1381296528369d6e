"""Starting the desktop client: the QApplication, translations, the error reporter, sign-in on the first
run, the main window (or the smoke test)."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from gremalda import __version__
from gremalda.errors import GremaldaError, NotSignedIn, ReplicaMissing
from gremalda.paths import DataPaths, data_paths
from gremalda.store.replica import open_store
from gremalda.ui import error_reporter
from gremalda.ui.error_texts import error_text
from gremalda.ui.i18n import install_translations
from gremalda.ui.icons import icon
from gremalda.ui.preferences import APPLICATION, ORGANIZATION, Preferences

log = logging.getLogger(__name__)


class NoDisplay(GremaldaError):
    """There is no screen for the window (a server, an SSH session)."""

    title = "No display"
    default_message = (
        "There is no display to open the window on. Start Gremalda in a desktop session, or on a virtual "
        "display: xvfb-run -a gremalda gui (or set QT_QPA_PLATFORM=offscreen)."
    )


def check_display() -> None:
    """Qt aborts the process when it cannot reach a display; say so first, in a sentence."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        raise NoDisplay()


def application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    check_display()
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication(argv or [sys.argv[0]])
    app.setApplicationDisplayName("Gremalda")
    app.setDesktopFileName("gremalda")
    app.setWindowIcon(icon("gremalda"))
    return app


def signed_in(paths: DataPaths) -> bool:
    """Whether the data directory holds a replica bound to an account (raises the store's errors,
    e.g. no keyring, other than a missing replica)."""
    try:
        with open_store(paths) as store:
            return store.state("server_url") is not None and store.state("tokens") is not None
    except ReplicaMissing:
        return False


def has_oparl_sources(paths: DataPaths) -> bool:
    """Whether the replica holds OParl sources (such a replica opens without a sign-in)."""
    from gremalda.store import oparl_replica

    try:
        with open_store(paths) as store:
            return bool(oparl_replica.sources(store))
    except ReplicaMissing:
        return False


def show_fatal(error: GremaldaError) -> None:
    title, message = error_text(error)
    box = QMessageBox(QMessageBox.Icon.Critical, title, message)
    if error.detail:
        box.setDetailedText(error.detail)
    box.exec()


def run(
    data_dir: str | None = None,
    *,
    smoke_test: Path | None = None,
    language: str | None = None,
    timeout: float = 60.0,
) -> int:
    """Run the desktop client until its window closes; returns the exit status."""
    app = application()
    preferences = Preferences()
    install_translations(language or preferences.language or None)
    reporter = error_reporter.reporter()
    reporter.install()
    try:
        paths = data_paths(data_dir)
        if smoke_test is not None:
            return _smoke(paths, preferences, smoke_test, timeout)
        try:
            ready = signed_in(paths) or has_oparl_sources(paths)
        except GremaldaError as exc:
            show_fatal(exc)
            return 1
        if not ready:
            from gremalda.ui.login_dialog import LoginDialog

            dialog = LoginDialog(paths)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return 0
        from gremalda.ui.main_window import MainWindow

        window = MainWindow(paths, preferences=preferences)
        window.show()
        window.start()
        code = app.exec()
        window.shutdown()
        return code
    finally:
        reporter.close_all()
        reporter.uninstall()


def _smoke(paths: DataPaths, preferences: Preferences, output: Path, timeout: float) -> int:
    from gremalda.ui.main_window import MainWindow
    from gremalda.ui.smoke import SmokeTest

    try:
        if not signed_in(paths):
            raise NotSignedIn(f"No signed-in offline copy in {paths.root}.")
    except GremaldaError as exc:
        print(f"gremalda: smoke test failed: {exc.title}: {exc.message}", file=sys.stderr)
        return 1
    settings_dir = tempfile.TemporaryDirectory(prefix="gremalda-smoke-")
    # the user's window layout and night mode must not change the picture, nor the run change them
    preferences = Preferences(
        QSettings(str(Path(settings_dir.name) / "settings.ini"), QSettings.Format.IniFormat)
    )
    window = MainWindow(paths, preferences=preferences, sync=False)
    smoke = SmokeTest(window, output, timeout, error_reporter.reporter())
    window.resize(1400, 900)
    window.show()
    window.start()
    code = QApplication.instance().exec() if smoke.code is None else smoke.code  # type: ignore[union-attr]
    window.shutdown()
    window.deleteLater()
    settings_dir.cleanup()
    return int(code)
