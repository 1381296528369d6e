"""The annotation panel's filter bar: which annotations are listed ("Annotations in:" this document or the
meeting / e-file shown), of which kind, by which author, only one's own. Narrow docks keep it whole: the
combo boxes shrink to a few characters (their full text in the open list), and "Only mine" moves from the
first row to a row of its own (beside the author filter, so the kind and the author filter get a row
each) when the first row runs out of width, so the panel can be about 220 px wide.

Its strings keep the translation context "AnnotationPanel" (they were the panel's)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QSize, Signal
from PySide6.QtGui import QResizeEvent, QStandardItemModel
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gremalda.core.annotations.records import Annotation, Kind
from gremalda.ui.annotation_format import kind_icon, kind_name

__all__ = ["AnnotationFilterBar"]

translate = QCoreApplication.translate
SHORTEST = 6  # characters a combo box keeps when the dock is narrow


def _shrinking(combo: QComboBox) -> QComboBox:
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(SHORTEST)
    combo.currentTextChanged.connect(combo.setToolTip)  # the whole choice when its text is cut short
    return combo


class AnnotationFilterBar(QWidget):
    """See the module docstring. ``scopeChanged`` when the scope was chosen, ``filtersChanged`` when the
    kind, the author or "Only mine" was."""

    scopeChanged = Signal()  # noqa: N815 (Qt's naming)
    filtersChanged = Signal()  # noqa: N815 (Qt's naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotationFilterBar")
        self.scope = _shrinking(QComboBox(self))
        self.scope.setObjectName("annotationScope")
        self.scope.setAccessibleName(translate("AnnotationPanel", "Show annotations of"))
        self.scope_label = QLabel(translate("AnnotationPanel", "Annotations &in:"), self)
        self.scope_label.setBuddy(self.scope)
        self.scope.addItem(translate("AnnotationPanel", "This document"), "document")
        self.scope.addItem(translate("AnnotationPanel", "This meeting"), "folder")
        self.kind_filter = _shrinking(QComboBox(self))
        self.kind_filter.setObjectName("annotationKindFilter")
        self.kind_filter.setAccessibleName(translate("AnnotationPanel", "Annotation kind filter"))
        self.kind_filter.addItem(translate("AnnotationPanel", "All kinds"), None)
        for kind in Kind:
            self.kind_filter.addItem(kind_icon(kind), kind_name(kind), kind.value)
        self.author_filter = _shrinking(QComboBox(self))
        self.author_filter.setObjectName("annotationAuthorFilter")
        self.author_filter.setAccessibleName(translate("AnnotationPanel", "Author filter"))
        self.author_filter.addItem(translate("AnnotationPanel", "All authors"), None)
        self.mine_only = QCheckBox(translate("AnnotationPanel", "Only &mine"), self)
        self.mine_only.setObjectName("annotationMineOnly")
        self.mine_only.setAccessibleName(translate("AnnotationPanel", "Only my annotations"))
        for combo in (self.scope, self.kind_filter, self.author_filter):  # the whole text while choosing
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)

        self.top = QHBoxLayout()
        self.top.setContentsMargins(0, 0, 0, 0)
        self.top.addWidget(self.scope_label)
        self.top.addWidget(self.scope, 1)
        self.top.addWidget(self.mine_only)
        self.filters_row = filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.kind_filter, 1)
        filters.addWidget(self.author_filter, 1)
        # the author filter and "Only mine" when the first row is too narrow for "Only mine": the kind
        # and author boxes get a row each, wide enough to read their choice
        self.own_row = QHBoxLayout()
        self.own_row.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.top)
        layout.addLayout(filters)
        layout.addLayout(self.own_row)

        self.scope.currentIndexChanged.connect(lambda _index: self.scopeChanged.emit())
        self.kind_filter.currentIndexChanged.connect(lambda _index: self.filtersChanged.emit())
        self.author_filter.currentIndexChanged.connect(lambda _index: self.filtersChanged.emit())
        self.mine_only.toggled.connect(lambda _on: self.filtersChanged.emit())

    # --- what is chosen

    def current_scope(self) -> str:
        return str(self.scope.currentData())

    def shows(self, annotation: Annotation, mine: bool) -> bool:
        """Whether ``annotation`` passes the kind, author and "Only mine" filters (``mine``: it is the
        user's)."""
        kind, author = self.kind_filter.currentData(), self.author_filter.currentData()
        return (
            (kind is None or annotation.kind.value == kind)
            and (author is None or (annotation.author_name or annotation.author_id) == author)
            and (mine or not self.mine_only.isChecked())
        )

    def set_folder_kind(self, folder_kind: str | None) -> None:
        """The second scope names the folder shown ("This meeting" / "This e-file"); without one it is
        disabled (and "This document" chosen)."""
        index = self.scope.findData("folder")
        if folder_kind == "efile":
            text = translate("AnnotationPanel", "This e-file")
        else:
            text = translate("AnnotationPanel", "This meeting")
        self.scope.setItemText(index, text)
        enabled = folder_kind is not None
        choices = self.scope.model()
        if isinstance(choices, QStandardItemModel):
            choices.item(index).setEnabled(enabled)
        if not enabled and self.current_scope() == "folder":
            self.scope.setCurrentIndex(self.scope.findData("document"))

    def update_authors(self, annotations: Sequence[Annotation]) -> None:
        """The author filter offers the authors of ``annotations`` (keeping the one chosen)."""
        box = self.author_filter
        chosen = box.currentData()
        authors = sorted({a.author_name or a.author_id for a in annotations}, key=str.casefold)
        if chosen is not None and chosen not in authors:
            authors.append(chosen)  # keep the choice while its annotations are gone from view
        present = [box.itemData(i) for i in range(1, box.count())]
        if present == authors:
            return
        box.blockSignals(True)
        while box.count() > 1:
            box.removeItem(1)
        for name in authors:
            box.addItem(name, name)
        box.setCurrentIndex(max(0, box.findData(chosen)) if chosen else 0)
        box.view().setMinimumWidth(box.view().sizeHintForColumn(0) + 24)
        box.blockSignals(False)

    # --- narrow docks

    def _first_row_width(self) -> int:
        """The width the first row needs with "Only mine" in it (the scope at its shortest)."""
        spacing = max(self.top.spacing(), 0)
        parts = (self.scope_label.sizeHint(), self.scope.minimumSizeHint(), self.mine_only.sizeHint())
        return sum(p.width() for p in parts) + 2 * spacing

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """As narrow as the widest row without "Only mine" beside the scope (it moves below then)."""
        spacing = max(self.top.spacing(), 0)
        first = self.scope_label.sizeHint().width() + spacing + self.scope.minimumSizeHint().width()
        second = (
            self.kind_filter.minimumSizeHint().width()
            + spacing
            + self.author_filter.minimumSizeHint().width()
        )
        widest = max(first, second, self.mine_only.sizeHint().width())
        return QSize(widest, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def _arrange(self, width: int) -> None:
        beside = width >= self._first_row_width()
        if beside == (self.top.indexOf(self.mine_only) >= 0):
            return
        (self.own_row if beside else self.top).removeWidget(self.mine_only)
        (self.own_row if beside else self.filters_row).removeWidget(self.author_filter)
        if beside:
            self.filters_row.addWidget(self.author_filter, 1)
            self.top.addWidget(self.mine_only)
        else:
            self.own_row.addWidget(self.author_filter, 1)
            self.own_row.addWidget(self.mine_only)
        self.updateGeometry()
