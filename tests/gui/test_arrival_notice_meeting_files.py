"""The notice of a new version of the meeting's own document (its invitation) names the document and the
clerk's note, not the meeting's whole label as if it were a place within the meeting (the real server on a
loopback port, real SQLCipher replica, keys in the OS keyring: run under `.ci/with-keyring`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from gremalda.paths import DataPaths
from gremalda.ui.main_window import MainWindow
from tests.gui.conftest import GuiWorld
from tests.gui.test_document_versions import WAIT, Clerk, clerk, make_window, sync  # noqa: F401
from tests.unit.test_annotations_reanchoring import NEW, make_pdf


def test_the_notice_of_a_replaced_invitation_names_no_place(
    qtbot: Any,
    gui_world: GuiWorld,
    clerk: Clerk,  # noqa: F811
    make_window: Callable[[DataPaths], MainWindow],  # noqa: F811
    tmp_path: Path,
) -> None:
    window = make_window(gui_world.replica(tmp_path))
    ids = gui_world.world.ids
    clerk.file(
        make_pdf(NEW),
        "Einladung (neue Fassung)",
        meeting_id=ids["published_meeting"],
        role="invitation",
        supersedes_id=ids["invitation_file"],
        change_note="Beginn 17:00 Uhr",
    )
    sync(qtbot, window)
    qtbot.waitUntil(lambda: window.notice.action_button.isVisible(), timeout=WAIT)
    assert window.notice.text() == (
        "1 changed document arrived. New version: Einladung (neue Fassung) — Beginn 17:00 Uhr"
    )


def test_the_meeting_s_own_documents_have_no_place_and_items_and_papers_keep_theirs(qapp: Any) -> None:
    from gremalda.core.records import FileEntry
    from gremalda.ui.arrival_notice import ArrivalNotice

    def file(role: str, context: str) -> FileEntry:
        return FileEntry(
            id="1", name="Einladung 3. Sitzung", file_name="e.pdf", mime_type="application/pdf", size=1,
            sha256=None, role=role, state="complete", stored=True, vault_version=1, pages_indexed=0,
            context=context, superseded=False, supersedes_id=None, change_note="Ort geändert",
        )  # fmt: skip

    texts = ArrivalNotice()
    meeting = "3. Sitzung Bezirksversammlung Elbhausen 2026 03.12.2026"
    name = "Einladung 3. Sitzung — Ort geändert"
    assert texts.describe(file("invitation", meeting), True) == f"New version: {name}"
    assert texts.describe(file("minutes", meeting), False) == f"New document: {name}"
    assert texts.describe(file("main", f"TOP 5 · {meeting}"), True) == (
        "New version for TOP 5: Einladung 3. Sitzung — Ort geändert"
    )
