"""An annotation the user kept as a private copy (the orphan dialog's "Keep as private copy" for a change
the server refused) is never sent again, so its "Visible to" menu offers only "Only me": the shared choices
are disabled and say why (in German too), and the model refuses to share it. A real server on loopback, a
real SQLCipher replica, the real orphan dialog and context menu. Offscreen."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMenu

from gremalda.cli.syncing import sync as cli_sync
from gremalda.core.annotations import merge
from gremalda.core.annotations.errors import InvalidAnnotation
from gremalda.core.annotations.records import Kind, Visibility
from gremalda.core.annotations.store import AnnotationStore
from gremalda.paths import DataPaths
from gremalda.store.replica import open_store
from gremalda.ui.annotations.annotation_menu import add_visibility_menu
from gremalda.ui.annotations.model import AnnotationModel
from gremalda.ui.annotations.visibility_picker import VisibilityBox
from gremalda.ui.i18n import install_translations
from gremalda.ui.orphan_dialog import OrphanDialog
from tests.gui.conftest import GuiWorld

WAIT = 120_000  # ms; reached only when something is broken (generous for a loaded CI machine)


@pytest.fixture
def replica(gui_world: GuiWorld, tmp_path: Path) -> DataPaths:
    return gui_world.replica(tmp_path)


def _choices(model: AnnotationModel, annotation_id: str) -> dict[Visibility, tuple[bool, str, str]]:
    """Visibility -> (enabled, text, tooltip) of the entries of the annotation's "Visible to" menu."""
    record = model.get(annotation_id)
    assert record is not None
    menu = QMenu()
    sub = add_visibility_menu(menu, model, record)
    return {
        Visibility(str(a.data())): (a.isEnabled(), a.text(), a.toolTip())
        for a in sub.actions()
        if not a.isSeparator() and a.data()
    }


def test_a_kept_private_copy_cannot_be_shared(qtbot: Any, model: AnnotationModel, replica: DataPaths) -> None:
    with open_store(replica) as store:
        user = str(json.loads(store.state("account") or "{}")["id"])
    # notes on a document the server does not have: it refuses them; one is kept, the other not (yet)
    records = [
        merge.create(
            model.device,
            file_id="999999",
            kind=Kind.NOTE,
            page=0,
            author_id=user,
            rect=(1.0, 1.0, 9.0, 9.0),
            text=t,
        )
        for t in ("behalten", "offen")
    ]
    with open_store(replica) as store:
        notes = AnnotationStore(store.db, user_id=user)
        for r in records:
            notes.save(r)
    args = argparse.Namespace(data_dir=str(replica.root), quiet=True, workers=1, no_index=True)
    assert cli_sync(args) == 0
    dialog = OrphanDialog(model, model._writer)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: len(dialog.orphans()) == 2, timeout=WAIT)
    kept, other = records
    dialog.choose([kept.id])
    with qtbot.waitSignal(dialog.kept, timeout=WAIT):
        dialog.keep_button.click()
    # the model reads the private copies again after the keep; a sharingChanged alone could be another
    # read's (the factions, read just before): wait for exactly what is checked below
    qtbot.waitUntil(lambda: model.sharing("999999", kept.id).kept, timeout=WAIT)
    model.load("999999")
    qtbot.waitUntil(lambda: model.get(kept.id) is not None and model.get(other.id) is not None, timeout=WAIT)

    choices = _choices(model, kept.id)
    assert choices[Visibility.PRIVATE][0]
    reason = "A private copy stays on this device: it is not shared with anyone."
    for shared in (Visibility.FACTION, Visibility.COMMITTEE):
        enabled, text, tip = choices[shared]
        assert not enabled and reason in text and tip == reason, (shared, choices[shared])
    box = VisibilityBox(model.sharing("999999", kept.id), Visibility.PRIVATE)  # the note editor's choice
    assert box.allowed(Visibility.PRIVATE) and not box.allowed(Visibility.COMMITTEE)
    with pytest.raises(InvalidAnnotation):
        model.set_visibility(kept.id, Visibility.COMMITTEE)
    # an annotation not kept (its change still listed as refused) can still be shared with the committee
    assert _choices(model, other.id)[Visibility.COMMITTEE][0]

    try:
        assert install_translations("de") == "de"
        german = _choices(model, kept.id)
        enabled, text, tip = german[Visibility.COMMITTEE]
        assert (
            not enabled
            and tip == "Eine private Kopie bleibt auf diesem Gerät und wird mit niemandem geteilt."
        )
    finally:
        assert install_translations("en") == "en"
