"""Item text that wraps in a tree view (Qt's delegate does not know the column width, so long agenda titles
would be elided): the text wraps between words, and inside a word only when the word alone is wider than
the column ("Parkraumbewirtschaftung" in a narrow dock); the row height follows the text at the column's
width, the painting lays the text out the same way, and the rows are laid out again when the column width
changes."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QSize, QTimer
from PySide6.QtGui import QFont, QPainter, QPalette, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTreeView

_MARGIN = 8  # room left and right of the text
_PAD = 3  # above and below it


def wrapped_layout(text: str, font: QFont, width: int) -> tuple[QTextLayout, float]:
    """``text`` laid out in ``width`` px: broken between words, inside a word only where one alone does
    not fit; the layout and its height."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    layout.beginLayout()
    height = 0.0
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(max(width, 1))
        line.setPosition(QPointF(0, height))
        height += line.height()
    layout.endLayout()
    return layout, height


class WrapDelegate(QStyledItemDelegate):
    def __init__(self, tree: QTreeView) -> None:
        super().__init__(tree)
        self.tree = tree
        tree.setWordWrap(True)
        tree.setUniformRowHeights(False)
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(tree.doItemsLayout)
        tree.header().sectionResized.connect(lambda *_args: self._relayout.start())

    def _text_width(self, opt: QStyleOptionViewItem, cell_width: int) -> int:
        """The width the text wraps in, for a cell ``cell_width`` px wide (the same for size and paint)."""
        width = cell_width - _MARGIN
        if not opt.icon.isNull():
            width -= opt.decorationSize.width() + 6
        return width

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802 (Qt's name)
        base = super().sizeHint(option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        cell = self.tree.columnWidth(index.column())
        if index.column() == 0:
            depth, parent = 1, index.parent()
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            cell -= self.tree.indentation() * (depth if self.tree.rootIsDecorated() else depth - 1)
        width = self._text_width(opt, cell)
        if width <= 20 or not opt.text:
            return base
        _layout, height = wrapped_layout(opt.text, opt.font, width)
        return QSize(base.width(), max(base.height(), int(height + 0.999) + 2 * _PAD))

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = self._text_width(opt, opt.rect.width())
        if width <= 20 or not opt.text:
            super().paint(painter, option, index)
            return
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        text = opt.text
        opt.text = ""  # the background, selection, focus and icon as the style draws them; the text here
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        layout, height = wrapped_layout(text, opt.font, width)
        group = (
            QPalette.ColorGroup.Normal
            if opt.state & QStyle.StateFlag.State_Enabled
            else QPalette.ColorGroup.Disabled
        )
        if group == QPalette.ColorGroup.Normal and not opt.state & QStyle.StateFlag.State_Active:
            group = QPalette.ColorGroup.Inactive
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(opt.palette.color(group, role))
        painter.setClipRect(opt.rect)
        left = text_rect.left() + style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        top = opt.rect.top() + max((opt.rect.height() - height) / 2, _PAD)
        layout.draw(painter, QPointF(left, top))
        painter.restore()
