"""The lines of the annotation panel (:mod:`gremalda.ui.annotation_panel`): the cells of one annotation
(page, kind, text, author, date, who sees it; the tooltip says it all) and the line of a document that
holds its annotations' lines in the meeting scope; the columns and the item roles the panel reads.

Its strings keep the translation context "AnnotationPanel" (they were the panel's)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QStandardItem

from gremalda.core.annotations.records import Annotation
from gremalda.ui.annotation_format import annotation_text, date_text, kind_icon, kind_name
from gremalda.ui.annotations.visibility_picker import visibility_icon, visibility_line, visibility_name

translate = QCoreApplication.translate

ID_ROLE = Qt.ItemDataRole.UserRole + 1
FILE_ROLE = Qt.ItemDataRole.UserRole + 2
PAGE_ROLE = Qt.ItemDataRole.UserRole + 3
SORT_ROLE = Qt.ItemDataRole.UserRole + 4
MINE_ROLE = Qt.ItemDataRole.UserRole + 5

COLUMNS = ("page", "kind", "text", "author", "date", "visibility")
PAGE, KIND, TEXT, AUTHOR, DATE, VISIBILITY = range(len(COLUMNS))
TEXT_LENGTH = 200  # characters of a quote or note shown in the list (all of it in the tooltip)
VISIBILITY_ROLE = Qt.ItemDataRole.UserRole + 6  # who sees it, as a name (the column shows an icon)


def document_items(title: str, file_id: str, order: int) -> list[QStandardItem]:
    """The line of a document (meeting scope) that holds its annotations' lines."""
    items = []
    for _column in COLUMNS:
        item = QStandardItem()
        item.setData(_sort_value((order,)), SORT_ROLE)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        items.append(item)
    first = items[PAGE]
    first.setText(title)
    first.setToolTip(title)
    font = first.font()
    font.setBold(True)
    first.setFont(font)
    first.setData(file_id, FILE_ROLE)
    return items


def annotation_items(a: Annotation, position: int, mine: bool) -> list[QStandardItem]:
    """The cells of an annotation's line (``position``: its place in the order listed, which keeps
    equal sort keys in that order; ``mine``: it is the user's, else it is read-only)."""
    author = a.author_name or a.author_id
    text = annotation_text(a)
    when = a.created  # when it was written (re-anchoring in a new version changes `modified`)
    cells = [
        (str(a.page + 1), (a.page, position)),
        (kind_name(a.kind), (kind_name(a.kind), position)),
        (
            text if len(text) <= TEXT_LENGTH else text[: TEXT_LENGTH - 1] + "…",
            (text.casefold(), position),
        ),
        (
            author if mine else translate("AnnotationPanel", "%1 (read-only)").replace("%1", author),
            (author.casefold(), position),
        ),
        (date_text(when, compact=True), (when, position)),
        ("", (a.visibility.value, position)),
    ]
    if mine:
        tip = (
            translate("AnnotationPanel", "Page %1 · %2 · by you")
            .replace("%1", str(a.page + 1))
            .replace("%2", kind_name(a.kind))
        )
    else:
        tip = (
            translate("AnnotationPanel", "Page %1 · %2 · by %3; read-only: only its author can change it.")
            .replace("%1", str(a.page + 1))
            .replace("%2", kind_name(a.kind))
            .replace("%3", author)
        )
    tip += "\n" + visibility_line(a.visibility)
    if a.attention:
        tip += "\n" + translate(
            "AnnotationPanel", "Not found again in the new version of the document: please check it."
        )
    if when:
        tip += "\n" + date_text(when)
    if text:
        tip += "\n" + text
    items = []
    for shown, sort_key in cells:
        item = QStandardItem(shown)
        item.setData(_sort_value(sort_key), SORT_ROLE)
        item.setToolTip(tip)
        item.setEditable(False)
        if not mine:
            font = item.font()
            font.setItalic(True)
            item.setFont(font)
        items.append(item)
    items[PAGE].setData(a.id, ID_ROLE)
    items[PAGE].setData(a.file_id, FILE_ROLE)
    items[PAGE].setData(a.page, PAGE_ROLE)
    items[PAGE].setData(mine, MINE_ROLE)
    items[KIND].setIcon(kind_icon(a.kind, a.colour))
    items[KIND].setData(kind_name(a.kind), Qt.ItemDataRole.AccessibleTextRole)  # shown as icon when narrow
    items[VISIBILITY].setIcon(visibility_icon(a.visibility))
    items[VISIBILITY].setData(visibility_name(a.visibility), VISIBILITY_ROLE)
    items[VISIBILITY].setData(visibility_line(a.visibility), Qt.ItemDataRole.AccessibleTextRole)
    if a.attention:
        items[TEXT].setText("⚠ " + items[TEXT].text())
    return items


def _sort_value(key: tuple[object, ...]) -> str:
    """A sort key the item model compares as text: numbers padded, parts joined."""
    parts = []
    for part in key:
        parts.append(f"{part:010d}" if isinstance(part, int) else str(part))
    return "\x1f".join(parts)
