"""The operating system's reasons in the window's language (gremalda.ui.os_texts): every reason code and
every message made from an OSError has a German text and the core's English as its source; an errno
not known here reads as a German generic phrase with the system's words only in the details; the
clerk's texts (preflight, files, hot folder) use the same phrases. End to end: the window in German
exporting XFDF where a folder is a file, and onto a full disk (a real tmpfs; skipped where mounting is
not allowed), shows the German sentence in its error dialog."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QFileDialog, QWidget

from gremalda.core.clerk.errors import FileRefused
from gremalda.core.clerk.hotfolder import HotFolderUnusable
from gremalda.errors import DataDirUnusable
from gremalda.files import FileNotRead, FileNotSaved
from gremalda.os_reasons import ACTIONS as CORE_ACTIONS
from gremalda.os_reasons import READ, UNKNOWN, WATCH, WRITE, OsReason, action_message
from gremalda.os_reasons import REASONS as CORE_REASONS
from gremalda.paths import DataPaths
from gremalda.pdf.preflight import Finding
from gremalda.store.vault import VaultStorageError
from gremalda.ui import error_reporter
from gremalda.ui.clerk_texts import clerk_message, finding_text
from gremalda.ui.document_area import DocumentTab
from gremalda.ui.error_texts import error_text
from gremalda.ui.i18n import install_translations
from gremalda.ui.main_window import MainWindow
from gremalda.ui.os_texts import ACTIONS, REASONS, fill, os_message, reason_text
from gremalda.ui.preferences import Preferences
from tests.gui.conftest import FakeDocumentView, GuiWorld, show_in_clerk_editor
from tests.harness.tmpfs import fill_up, small_tmpfs

WAIT = 120_000  # ms; the waits return as soon as it happened; generous for a loaded CI machine
UNKNOWN_ERRNO = errno.EREMCHG  # "Remote address changed": no words of ours for it


def _os_error(number: int, path: str = "/srv/x") -> OSError:
    return OSError(number, os.strerror(number), path)


def test_the_window_sources_are_the_cores_english() -> None:
    assert REASONS == CORE_REASONS
    assert set(ACTIONS) == set(CORE_ACTIONS)
    reason = OsReason("disk_full")
    for action, template in ACTIONS.items():
        assert fill(template, "/p/a.pdf", reason.text) == action_message(action, reason, "/p/a.pdf"), action


def test_the_english_window_shows_the_cores_english_message() -> None:
    error = FileNotSaved.os_failure(_os_error(errno.ENOSPC), "save_file", "/media/stick/a.xfdf")
    assert error_text(error) == ("File not saved", error.message)
    assert (
        error.message
        == "“/media/stick/a.xfdf” could not be saved: the disk is full. Choose another folder or name."
    )
    assert os_message(error) == error.message
    assert reason_text(OsReason(UNKNOWN)) == CORE_REASONS[UNKNOWN]
    assert os_message(FileNotSaved("written by hand")) is None


@pytest.mark.usefixtures("german")
def test_every_reason_and_every_message_has_a_german_text() -> None:
    for code, source in REASONS.items():
        german = reason_text(code)
        assert german and german != source and "%" not in german, code
    assert reason_text("no_such_code") == reason_text(UNKNOWN)
    reason = OsReason("read_only", errno.EROFS, "OSError: [Errno 30] Read-only file system")
    for action in ACTIONS:
        error = DataDirUnusable.os_failure(reason, action, "/daten/x")
        german = os_message(error)
        assert german is not None and german != error.message and "%" not in german, action
        assert "das Laufwerk ist schreibgeschützt" in german, action
        assert "Read-only" not in german and "read-only" not in german, action


@pytest.mark.usefixtures("german")
@pytest.mark.parametrize(
    ("number", "access", "phrase"),
    [
        (errno.ENOSPC, WRITE, "der Datenträger ist voll"),
        (errno.EDQUOT, WRITE, "Ihr Speicherkontingent auf diesem Laufwerk ist aufgebraucht"),
        (errno.EROFS, WRITE, "das Laufwerk ist schreibgeschützt"),
        (errno.ENAMETOOLONG, WRITE, "der Dateiname oder der Pfad ist zu lang"),
        (errno.EMFILE, WRITE, "zu viele Dateien sind geöffnet"),
        (errno.EIO, WRITE, "das Laufwerk meldet einen Lese- oder Schreibfehler"),
        (errno.ENOTDIR, WRITE, "ein Teil des Pfads ist eine Datei, kein Ordner"),
        (errno.EEXIST, WRITE, "eine Datei oder ein Ordner dieses Namens existiert bereits"),
        (errno.EXDEV, WRITE, "nicht direkt auf ein anderes Laufwerk verschoben"),
        (errno.ENODEV, WRITE, "das Laufwerk ist nicht verfügbar"),
        (errno.EBUSY, WRITE, "wird von einem anderen Programm verwendet"),
        (errno.EPERM, WRITE, "keine Berechtigung, dort zu schreiben"),
        (errno.EACCES, READ, "keine Berechtigung, sie zu lesen"),
        (errno.ENOENT, WRITE, "der Ordner existiert nicht"),
        (errno.ENOENT, READ, "die Datei existiert nicht"),
        (errno.EPIPE, "", "die Verbindung zum anderen Programm ist abgebrochen"),
        (errno.ECONNREFUSED, "", "das andere Programm hat die Verbindung abgelehnt"),
    ],
)
def test_a_saved_file_refused_by_the_system_in_german(number: int, access: str, phrase: str) -> None:
    exc = _os_error(number, "/media/stick/.a.xfdf.x1.part")
    error = FileNotSaved.os_failure(OsReason.of(exc, access), "save_file", "/media/stick/a.xfdf")
    title, message = error_text(error)
    assert title == "Datei nicht gespeichert"
    assert message.startswith("„/media/stick/a.xfdf“ konnte nicht gespeichert werden: ")
    assert phrase in message and message.endswith("Wählen Sie einen anderen Ordner oder Namen.")
    assert os.strerror(number) not in message and os.strerror(number) in (error.detail or "")


@pytest.mark.usefixtures("german")
def test_an_unknown_errno_reads_as_a_german_generic_phrase_with_the_systems_words_in_the_details() -> None:
    system = os.strerror(UNKNOWN_ERRNO)
    error = FileNotRead.os_failure(_os_error(UNKNOWN_ERRNO), "read_file", "/srv/x")
    assert error_text(error) == (
        "Datei nicht gelesen",
        "„/srv/x“ konnte nicht gelesen werden: das Betriebssystem hat einen unerwarteten Fehler gemeldet; "
        "siehe Details.",
    )
    assert error.detail == f"OSError: [Errno {UNKNOWN_ERRNO}] {system}: '/srv/x'"
    # the vault's writes: the action in the details, the reason in German
    vault = VaultStorageError.os_failure(
        _os_error(errno.ENOSPC), "store_documents", detail="Could not store a document"
    )
    assert error_text(vault) == (
        "Dokumente können nicht gespeichert werden",
        "Die Dokumente konnten nicht auf diesem Gerät gespeichert werden: der Datenträger ist voll.",
    )


@pytest.mark.usefixtures("german")
def test_the_clerks_files_and_hot_folder_say_the_reason_in_german() -> None:
    full = OsReason.of(_os_error(errno.EIO), READ)
    error = FileRefused.because("file_unreadable", name="Plan.pdf", **full.params())
    assert clerk_message(error) == (
        "Plan.pdf: Die Datei kann nicht gelesen werden (das Laufwerk meldet einen Lese- oder Schreibfehler; "
        "vielleicht ist es beschädigt oder nicht mehr verbunden)."
    )
    assert "Input/output" not in (clerk_message(error) or "")
    unknown = OsReason.of(_os_error(UNKNOWN_ERRNO), READ)
    message = clerk_message(FileRefused.because("file_unreadable", name="Plan.pdf", **unknown.params()))
    assert message is not None and "unerwarteten Fehler" in message
    assert os.strerror(UNKNOWN_ERRNO) not in message
    limit = OsReason.of(OSError(errno.ENOSPC, "inotify watch limit reached"), WATCH)
    hot = HotFolderUnusable.because("hot_folder_unwatchable", folder="/srv/scans", **limit.params())
    assert clerk_message(hot) == (
        "Der Eingangsordner /srv/scans kann nicht überwacht werden: die Höchstzahl überwachter Ordner des "
        "Systems ist erreicht; schließen Sie Programme, die viele Ordner überwachen."
    )
    # the preflight's refusal: a known reason in German; an unknown one with the system's words after it
    quota = Finding("unreadable", OsReason.of(_os_error(errno.EDQUOT), READ).params())
    assert finding_text(quota) == (
        "Die Datei kann nicht gelesen werden: Ihr Speicherkontingent auf diesem Laufwerk ist aufgebraucht."
    )
    odd = OsReason.of(_os_error(UNKNOWN_ERRNO), READ)
    finding = Finding("unreadable", {**odd.params(), "detail": odd.system})
    assert finding_text(finding) == (
        "Die Datei kann nicht gelesen werden: das Betriebssystem hat einen unerwarteten Fehler gemeldet; "
        f"siehe Details. ({odd.system})"
    )


# --- the window in German, end to end --------------------------------------------------------------------


@pytest.fixture
def german_window(
    qtbot: Any,
    fake_views: Callable[[QWidget], FakeDocumentView],
    preferences: Preferences,
    gui_world: GuiWorld,
    tmp_path: Path,
) -> Iterator[MainWindow]:
    paths: DataPaths = gui_world.replica(tmp_path / "replica")
    assert install_translations(None, QLocale("de_DE")) == "de"
    window: MainWindow | None = None
    try:
        window = MainWindow(paths, preferences=preferences, view_factory=fake_views, sync=False)
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        with qtbot.waitExposed(window, timeout=WAIT):
            window.show()
        with qtbot.waitSignal(window.folderShown, timeout=WAIT):
            window.start()
        qtbot.waitUntil(lambda: window.annotations.model.ready, timeout=WAIT)
        yield window
    finally:
        error_reporter.reporter().close_all()
        if window is not None:
            window.shutdown()
        assert install_translations("en") == "en"


def _open_rich_file(qtbot: Any, window: MainWindow, gui_world: GuiWorld) -> str:
    file_id = str(gui_world.ids["rich_file"])
    entry = next(e for e in window.agenda.files() if e.id == file_id)
    with qtbot.waitSignal(window.documentOpened, timeout=WAIT) as blocker:
        window.open_file(entry)
    assert isinstance(blocker.args[0], DocumentTab)
    return file_id


def test_the_german_window_says_why_an_export_was_not_saved_where_a_folder_is_a_file(
    german_window: MainWindow, gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    file_id = _open_rich_file(qtbot, german_window, gui_world)
    plain = tmp_path / "Sitzung.txt"
    plain.write_text("eine Datei, kein Ordner")
    target = plain / "Anmerkungen.xfdf"
    reporter = error_reporter.reporter()
    with qtbot.waitSignal(reporter.reported, timeout=WAIT) as reported:
        german_window.annotations.export_xfdf(file_id, target)
    error = reported.args[0]
    assert isinstance(error, FileNotSaved) and error.os_reason is not None
    box = reporter.dialogs[FileNotSaved]
    assert box.windowTitle() == "Datei nicht gespeichert"
    assert box.text() == (
        f"„{target}“ konnte nicht gespeichert werden: ein Teil des Pfads ist eine Datei, kein Ordner. "
        "Wählen Sie einen anderen Ordner oder Namen."
    )
    assert "Not a directory" in box.detailedText()
    assert not target.exists()


def test_the_german_window_says_the_disk_is_full_when_an_export_does_not_fit(
    german_window: MainWindow, gui_world: GuiWorld, qtbot: Any, tmp_path: Path
) -> None:
    file_id = _open_rich_file(qtbot, german_window, gui_world)
    with small_tmpfs(tmp_path / "stick") as stick:
        fill_up(stick)
        # through the menu and its file dialog, as a person would
        german_window.actions_["export_xfdf"].trigger()
        dialog = german_window.findChild(QFileDialog, "annotationFileDialog")
        assert dialog is not None and dialog.isVisible()
        target = stick / "Anmerkungen.xfdf"
        reporter = error_reporter.reporter()
        with qtbot.waitSignal(reporter.reported, timeout=WAIT) as reported:
            dialog.selectFile(str(target))
            dialog.accept()
        error = reported.args[0]
        assert isinstance(error, FileNotSaved), error
        assert error.os_reason is not None and error.os_reason.code == "disk_full"
        box = reporter.dialogs[FileNotSaved]
        assert box.text() == (
            f"„{target}“ konnte nicht gespeichert werden: der Datenträger ist voll. Wählen Sie einen anderen "
            "Ordner oder Namen."
        )
        assert "No space left on device" in box.detailedText()
        reporter.close_all()
        assert sorted(p.name for p in stick.iterdir()) == ["filler"]  # no half-written file left
        assert file_id


def test_a_german_clerk_reads_why_a_file_cannot_be_attached(
    qtbot: Any,
    fake_views: Callable[[QWidget], FakeDocumentView],
    preferences: Preferences,
    gui_world: GuiWorld,
    tmp_path: Path,
) -> None:
    """The preflight of a file that cannot be read (a file where its folder should be): the upload list
    says why in German, nothing is uploaded."""
    ids = gui_world.world.ids
    assert install_translations(None, QLocale("de_DE")) == "de"
    window: MainWindow | None = None
    try:
        window = MainWindow(
            gui_world.replica(tmp_path, "clerk"), preferences=preferences, view_factory=fake_views, sync=False
        )
        qtbot.addWidget(window, before_close_func=lambda w: w.shutdown())
        with qtbot.waitExposed(window, timeout=WAIT):
            window.show()
        with qtbot.waitSignal(window.navigationLoaded, timeout=WAIT):
            window.start()
        ws = window.clerk
        qtbot.waitUntil(lambda: ws.clerk, timeout=WAIT)
        meeting_id, item_id = str(ids["published_meeting"]), str(ids["public_item"])
        show_in_clerk_editor(qtbot, window, meeting_id, timeout=WAIT)
        plain = tmp_path / "Scans"
        plain.write_text("eine Datei, kein Ordner")
        with qtbot.waitSignal(ws.editor.uploads.refused, timeout=WAIT) as refused:
            ws.editor.attach("agenda_item", item_id, [plain / "Plan.pdf"])
        reason = "Die Datei kann nicht gelesen werden: ein Teil des Pfads ist eine Datei, kein Ordner."
        assert refused.args[1] == reason
        uploads = ws.editor.uploads.list
        assert uploads.item(uploads.count() - 1).text() == f"Plan.pdf: abgelehnt — {reason}"
    finally:
        error_reporter.reporter().close_all()
        if window is not None:
            window.shutdown()
        assert install_translations("en") == "en"
