"""A small read-only table model over a list of dicts, for the lists that stay short.

Each row is a dict; columns name the key to show. Optional keys per row:
`_id` (the entity id), `_tooltip`, `_colour` (a QColor for the whole row),
`_bold` (bool), `_colour_keys` (limit colour and bold to these columns), `_status` (the words for what the
colour means; a status colour from gui/palette.py brings its own). A row with a status shows a mark in its
last coloured cell and gives the words to screen readers (AccessibleDescriptionRole) and tooltips: the
colour is never the only sign.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap, QPolygonF
from core.formatting import fr_number


def show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if (value.hour or value.minute) else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return fr_number(value, 2).removesuffix(",00")
    return str(value)


_BOLD: list[QFont] = []
LONG_CELL = 24  # characters past which a cell's text is repeated whole in its tooltip


def bold_font() -> QFont:
    """One bold font for every cell (a QFont per call would be slow)."""
    if not _BOLD:
        font = QFont()
        font.setBold(True)
        _BOLD.append(font)
    return _BOLD[0]


_MARKS: dict[str, QIcon] = {}


def status_mark(colour: QColor) -> QIcon:
    """A small triangle in the status colour: a shape beside the text, seen without a mouse and in grey."""
    from PySide6.QtCore import QPointF

    if colour.name() not in _MARKS:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(Qt.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(QPolygonF([QPointF(6, 1), QPointF(11.5, 11), QPointF(0.5, 11)]))
        painter.end()
        _MARKS[colour.name()] = QIcon(pixmap)
    return _MARKS[colour.name()]


def row_status(row: dict) -> str:
    """The words for what the row's colour says ("" when the row is not coloured)."""
    if row.get("_colour") is None:
        return ""
    return row.get("_status") or getattr(row["_colour"], "meaning", "")


class RolesInOneCall:
    """Every role a cell is painted with, in one call from Qt into Python (`multiData`) instead of one per role.

    Qt's delegate asks for about eight roles per cell, and each call from C++ into Python must take the
    interpreter lock, which a busy background read may hold for a switch interval: 3,000 calls per repaint
    of the case list made a 10 ms repaint last 270 ms while the list's ids loaded (gui.app sets the interval
    short as well)."""

    def multiData(self, index: QModelIndex, roles) -> None:  # noqa: N802 - Qt API
        for position in range(len(roles)):
            wanted = roles[position]
            wanted.setData(self.data(index, wanted.role()))


class RowsModel(RolesInOneCall, QAbstractTableModel):
    def __init__(self, columns: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.columns = columns
        self.rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> dict | None:
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def id_at(self, index: int):
        row = self.row(index)
        return row.get("_id") if row else None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(self.columns):
            return self.columns[section][1]
        return None

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key = self.columns[index.column()][0]
        if role == Qt.DisplayRole:
            return show(row.get(key))
        status = row_status(row)
        if role == Qt.ToolTipRole:
            tooltip = row.get("_tooltip") or ""
            text = show(row.get(key))
            whole = text if len(text) > LONG_CELL and text not in tooltip else ""  # a narrow column cuts it
            return "\n".join(part for part in (status.capitalize(), tooltip, whole) if part) or None
        if role == Qt.AccessibleDescriptionRole:
            return status or None
        only = row.get("_colour_keys")
        # the mark goes in the last coloured column, usually the one that says how late (« en retard de 3 j »)
        if role == Qt.DecorationRole and status and key == (only[-1] if only else self.columns[0][0]):
            return status_mark(row["_colour"])
        if role == Qt.ForegroundRole and row.get("_colour") is not None and (only is None or key in only):
            return QBrush(row["_colour"])
        if role == Qt.FontRole and row.get("_bold") and (only is None or key in only):
            return bold_font()
        return None
