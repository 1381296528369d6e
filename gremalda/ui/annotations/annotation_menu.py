"""The context menu of one annotation, shared by the Select tool on the page and the annotation panel:
who sees it (a submenu of the three choices; one's own only, an undoable edit through the
`AnnotationModel`; a private copy kept on this device offers only "Only me", the others say why), and the
entries the caller adds (edit the text, delete, show)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMenu

from gremalda.core.annotations.records import Annotation, Visibility
from gremalda.ui.annotations.visibility_picker import (
    add_visibility_actions,
    visibility_icon,
    visibility_line,
)

if TYPE_CHECKING:
    from gremalda.ui.annotations.model import AnnotationModel

__all__ = ["add_visibility_menu"]

translate = QCoreApplication.translate


def add_visibility_menu(menu: QMenu, model: AnnotationModel, record: Annotation) -> QMenu:
    """Add the submenu "Visible to" for ``record`` to ``menu``: its choices when it is the user's (the
    current one checked), else disabled (only its author can change who sees it)."""
    sub = menu.addMenu(visibility_icon(record.visibility), translate("AnnotationMenu", "&Visible to"))
    sub.setObjectName("annotationVisibilitySubmenu")
    sub.setAccessibleName(translate("AnnotationMenu", "Who sees this annotation"))
    sub.setToolTipsVisible(True)

    def choose(visibility: Visibility) -> None:
        current = model.get(record.id)
        if current is not None and current.alive and current.visibility != visibility:
            model.set_visibility(record.id, visibility)

    add_visibility_actions(sub, model.sharing(record.file_id, record.id), record.visibility, choose)
    if not model.is_mine(record):
        sub.setEnabled(False)
        sub.menuAction().setToolTip(
            visibility_line(record.visibility)
            + " — "
            + translate("AnnotationMenu", "only its author can change who sees it")
        )
    return sub
