"""Who sees an annotation (its ``visibility``: only me, the faction, the committee) in the UI: the names,
icons and explanations, the menu entries (`add_visibility_actions`, for the context menus), the choice in
the note editor (`VisibilityBox`) and the annotation tool bar's button for the default of new annotations
(`VisibilityPicker`). A choice the document or the user's memberships do not allow is shown disabled with
its reason (`gremalda.core.annotations.sharing.refusal`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QRectF, Qt, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QIcon,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QStandardItemModel,
)
from PySide6.QtWidgets import QApplication, QComboBox, QMenu, QToolButton, QWidget

from gremalda.core.annotations.records import Visibility
from gremalda.core.annotations.sharing import Refusal, Sharing, refusal

if TYPE_CHECKING:
    from gremalda.ui.annotations.model import AnnotationModel
    from gremalda.ui.annotations.tools import AnnotationTools

__all__ = [
    "VisibilityBox",
    "VisibilityPicker",
    "add_visibility_actions",
    "refusal_text",
    "visibility_description",
    "visibility_entry",
    "visibility_header_icon",
    "visibility_icon",
    "visibility_line",
    "visibility_name",
]

translate = QCoreApplication.translate


def visibility_name(visibility: Visibility) -> str:
    """The choice's name in menus and lists."""
    return {
        Visibility.PRIVATE: translate("VisibilityPicker", "Only me"),
        Visibility.FACTION: translate("VisibilityPicker", "Faction"),
        Visibility.COMMITTEE: translate("VisibilityPicker", "Committee"),
    }[visibility]


def visibility_entry(visibility: Visibility) -> str:
    """The choice's name as a menu entry, with its accelerator (unique among the three)."""
    return {
        Visibility.PRIVATE: translate("VisibilityPicker", "&Only me"),
        Visibility.FACTION: translate("VisibilityPicker", "&Faction"),
        Visibility.COMMITTEE: translate("VisibilityPicker", "&Committee"),
    }[visibility]


def visibility_line(visibility: Visibility) -> str:
    """The whole phrase (the tool bar's button, tooltips)."""
    return {
        Visibility.PRIVATE: translate("VisibilityPicker", "Visible to: Only me"),
        Visibility.FACTION: translate("VisibilityPicker", "Visible to: Faction"),
        Visibility.COMMITTEE: translate("VisibilityPicker", "Visible to: Committee"),
    }[visibility]


def visibility_description(visibility: Visibility, factions: tuple[str, ...] = ()) -> str:
    if visibility is Visibility.PRIVATE:
        return translate("VisibilityPicker", "Only you, on all your devices")
    if visibility is Visibility.FACTION:
        text = translate("VisibilityPicker", "You and the members of your faction who may see the document")
        return text + (f" ({', '.join(factions)})" if factions else "")
    return translate("VisibilityPicker", "Everyone who may see the document (the committee's members)")


def refusal_text(reason: Refusal) -> str:
    if reason == "kept":
        return translate(
            "VisibilityPicker", "A private copy stays on this device: it is not shared with anyone."
        )
    if reason == "local":
        return translate(
            "VisibilityPicker", "Annotations on documents of an OParl source stay private on this device."
        )
    return translate("VisibilityPicker", "You are in no faction.")


def visibility_icon(visibility: Visibility) -> QIcon:
    """A small picture: a padlock (only me), two people (faction), three people (committee); the lock's
    shackle in the palette's text colour (readable on dark and high-contrast themes)."""
    palette = QApplication.palette()
    return _visibility_icon(visibility, palette.color(palette.ColorRole.Text).name())


def visibility_header_icon() -> QIcon:
    """A neutral picture for the column of who sees each annotation (an eye, in the palette's text
    colour): none of the three choices' pictures, which would read as the column's value."""
    palette = QApplication.palette()
    return _eye_icon(palette.color(palette.ColorRole.Text).name())


@cache
def _eye_icon(ink_colour: str) -> QIcon:
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    ink = QColor(ink_colour)
    painter.setPen(QPen(ink, 1.4))
    eye = QPainterPath()
    eye.moveTo(1.5, 8)
    eye.quadTo(8, 0.5, 14.5, 8)
    eye.quadTo(8, 15.5, 1.5, 8)
    painter.drawPath(eye)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(ink)
    painter.drawEllipse(QRectF(5.5, 5.5, 5, 5))
    painter.end()
    return QIcon(pixmap)


@cache
def _visibility_icon(visibility: Visibility, ink_colour: str) -> QIcon:
    size = 16
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    ink = QColor(ink_colour)
    if visibility is Visibility.PRIVATE:
        painter.setPen(QPen(ink, 1.6))
        painter.drawArc(QRectF(4.5, 1.5, 7, 8), 0, 180 * 16)
        painter.drawLine(4, 5, 4, 7)
        painter.drawLine(12, 5, 12, 7)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#c0a000"))
        painter.drawRoundedRect(QRectF(2.5, 7, 11, 8), 1.5, 1.5)
    else:
        colour = QColor("#1c71d8") if visibility is Visibility.FACTION else QColor("#2e8540")
        xs = (4.5, 11.5) if visibility is Visibility.FACTION else (3.0, 8.0, 13.0)
        radius = 2.3 if visibility is Visibility.FACTION else 1.9
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        for x in xs:
            painter.drawEllipse(QRectF(x - radius, 3, 2 * radius, 2 * radius))
            body = QPainterPath()
            body.addRoundedRect(QRectF(x - radius - 1, 3 + 2 * radius + 1, 2 * radius + 2, 6), 2, 2)
            painter.drawPath(body)
    painter.end()
    return QIcon(pixmap)


def add_visibility_actions(
    menu: QMenu, sharing: Sharing, current: Visibility | None, choose: Callable[[Visibility], None]
) -> QActionGroup:
    """The three choices as checkable entries of ``menu`` (``current`` checked); one not allowed is
    disabled and says why (in its text, its tooltip and status tip). Choosing one calls ``choose``."""
    menu.setToolTipsVisible(True)
    group = QActionGroup(menu)
    group.setExclusive(True)
    for visibility in Visibility:
        reason = refusal(sharing, visibility)
        action = QAction(visibility_icon(visibility), visibility_entry(visibility), menu)
        action.setCheckable(True)
        action.setChecked(visibility is current)
        action.setData(visibility.value)
        tip = visibility_description(visibility, sharing.factions)
        if reason is not None:
            action.setEnabled(False)
            action.setText(
                translate("VisibilityPicker", "%1 (not possible: %2)")
                .replace("%1", visibility_entry(visibility))
                .replace("%2", refusal_text(reason).replace("&", "&&"))
            )
            tip = refusal_text(reason)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        action.triggered.connect(partial(choose, visibility))
        group.addAction(action)
        menu.addAction(action)
    return group


class VisibilityBox(QComboBox):
    """The choice in the note editor: the three choices, those not allowed disabled with their reason."""

    def __init__(self, sharing: Sharing, current: Visibility, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationVisibilityBox")
        self.setAccessibleName(self.tr("Visible to"))
        for index, visibility in enumerate(Visibility):
            self.addItem(visibility_icon(visibility), visibility_name(visibility), visibility.value)
            reason = refusal(sharing, visibility)
            tip = visibility_description(visibility, sharing.factions)
            if reason is not None:
                tip = refusal_text(reason)
                choices = self.model()
                if isinstance(choices, QStandardItemModel):
                    choices.item(index).setEnabled(False)
            self.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        self.setCurrentIndex(max(0, self.findData(current.value)))
        self.setToolTip(self.tr("Who sees this annotation"))

    def visibility(self) -> Visibility:
        return Visibility(str(self.currentData()))

    def allowed(self, visibility: Visibility) -> bool:
        index = self.findData(visibility.value)
        flags = self.model().flags(self.model().index(index, 0))
        return bool(flags & Qt.ItemFlag.ItemIsEnabled)


class VisibilityPicker(QToolButton):
    """The annotation tool bar's button: who sees the new annotations (the model's default, remembered
    per user); its menu shows the three choices (not allowed ones disabled, with the reason)."""

    def __init__(self, tools: AnnotationTools, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tools = tools
        self.setObjectName("annotationVisibilityPicker")
        self.setAccessibleName(self.tr("Visible to (new annotations)"))
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setStyleSheet("QToolButton { padding-right: 12px; }")  # the text clear of the menu's arrow
        self.menu_ = QMenu(self)
        self.menu_.setObjectName("annotationVisibilityMenu")
        self.menu_.setAccessibleName(self.tr("Who sees new annotations"))
        self.menu_.aboutToShow.connect(self.fill_menu)
        self.setMenu(self.menu_)
        self._model: AnnotationModel | None = None
        tools.documentChanged.connect(self._document_changed)
        self._document_changed()

    def _sharing(self) -> Sharing:
        model = self.tools.model
        return model.sharing(self.tools.file_id) if model is not None else Sharing()

    @Slot()
    def fill_menu(self) -> None:
        """The menu's entries, as the document and the user's memberships allow now."""
        self.menu_.clear()
        model = self.tools.model
        current = model.default_visibility() if model is not None else None
        add_visibility_actions(self.menu_, self._sharing(), current, self.choose)

    def choose(self, visibility: Visibility) -> None:
        model = self.tools.model
        if model is not None:
            model.set_default_visibility(visibility)

    @Slot()
    def _document_changed(self) -> None:
        model = self.tools.model
        if model is not self._model:
            if self._model is not None:
                self._model.sharingChanged.disconnect(self.update_text)
            if model is not None:
                model.sharingChanged.connect(self.update_text)
            self._model = model
        self.update_text()

    @Slot()
    def update_text(self) -> None:
        model = self.tools.model
        self.setEnabled(model is not None and bool(self.tools.file_id))
        if model is None:
            self.setText(visibility_line(Visibility.PRIVATE))
            self.setIcon(visibility_icon(Visibility.PRIVATE))
            return
        chosen = model.default_visibility()
        shown = model.visibility_for(self.tools.file_id)
        self.setText(visibility_line(shown))
        self.setIcon(visibility_icon(shown))
        tip = self.tr("Who sees your new annotations: %1").replace(
            "%1", visibility_description(shown, self._sharing().factions)
        )
        reason = refusal(self._sharing(), chosen)
        if reason is not None:
            tip += "\n" + refusal_text(reason)
        self.setToolTip(tip)
