"""A layout that lines its widgets up left to right and wraps them into further rows when the width
runs out (a row of buttons in a narrow dock): every widget stays visible, so its Alt key works at any
width, and the minimum width is that of the widest widget, not of the whole row."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QStyle, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = -1) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    # --- QLayout's interface

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 (Qt's name)
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt's name)
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 (Qt's name)
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 (Qt's name)
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 (Qt's name)
        return self._lay_out(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 (Qt's name)
        super().setGeometry(rect)
        self._lay_out(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """All in one row."""
        width = height = 0
        for item in self._items:
            hint = item.sizeHint()
            width += hint.width() + (self._gap(item, horizontal=True) if width else 0)
            height = max(height, hint.height())
        margins = self.contentsMargins()
        return QSize(width + margins.left() + margins.right(), height + margins.top() + margins.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 (Qt's name)
        """The widest widget (each on a row of its own)."""
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    # --- machinery

    def _gap(self, item: QLayoutItem, *, horizontal: bool) -> int:
        if self._spacing >= 0:
            return self._spacing
        widget = item.widget()
        if widget is None:
            return 6
        orientation = Qt.Orientation.Horizontal if horizontal else Qt.Orientation.Vertical
        return widget.style().layoutSpacing(
            QSizePolicy.ControlType.PushButton, QSizePolicy.ControlType.PushButton, orientation
        ) or widget.style().pixelMetric(
            QStyle.PixelMetric.PM_LayoutHorizontalSpacing
            if horizontal
            else QStyle.PixelMetric.PM_LayoutVerticalSpacing
        )

    def _lay_out(self, rect: QRect, *, move: bool) -> int:
        """Place the items in rows within ``rect`` (only measure unless ``move``); returns the height."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, row_height = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            gap_x = self._gap(item, horizontal=True)
            if x > area.x() and x + hint.width() > area.right() + 1:
                x = area.x()
                y += row_height + self._gap(item, horizontal=False)
                row_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap_x
            row_height = max(row_height, hint.height())
        return y + row_height - rect.y() + margins.bottom()
