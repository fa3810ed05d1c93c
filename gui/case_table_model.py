"""Table model over a list of case ids; rows are fetched page by page on demand."""
from __future__ import annotations

import dataclasses
from datetime import date
from functools import lru_cache

from sqlalchemy import select

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap

from core.case_list import COLUMNS, CaseQuery, CaseRow, case_ids, case_rows, overdue_condition
from db import models as m
from db.vocab import PRIORITIES, label
from db.engine import Database

PAGE_SIZE = 200
PRIORITY_COLOURS = {"urgente": QColor("#b3261e"), "haute": QColor("#c25e00")}


OVERDUE_COLOUR = QColor("#b3261e")


@lru_cache(maxsize=8)
def marker_icon(priority: str, overdue: bool) -> QIcon | None:
    """A dot coloured by priority (haute, urgente) with a red ring when the case is late."""
    if priority not in PRIORITY_COLOURS and not overdue:
        return None
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    if overdue:
        painter.setPen(OVERDUE_COLOUR)
        painter.setBrush(Qt.NoBrush)
        painter.drawEllipse(1, 1, 12, 12)
    painter.setPen(Qt.NoPen)
    painter.setBrush(PRIORITY_COLOURS.get(priority, QColor("#9aa0a6")))
    painter.drawEllipse(4, 4, 6, 6)
    painter.end()
    return QIcon(pixmap)


class CaseTableModel(QAbstractTableModel):
    def __init__(self, database: Database, parent=None):
        super().__init__(parent)
        self.database = database
        self.query = CaseQuery()
        self.ids: list[int] = []
        self.cache: dict[int, CaseRow] = {}
        self.overdue: set[int] = set()  # ids of cached rows with a late task, referral or visit

    # -- loading -----------------------------------------------------------
    def set_ids(self, ids: list[int], query: CaseQuery | None = None) -> None:
        self.beginResetModel()
        self.ids = ids
        if query is not None:
            self.query = query
        self.cache.clear()
        self.overdue.clear()
        self.endResetModel()

    def reload(self, query: CaseQuery | None = None) -> None:
        query = query or self.query
        with self.database.session() as session:
            ids = case_ids(session, query)
        self.set_ids(ids, query)

    def row_at(self, row: int) -> CaseRow | None:
        if not 0 <= row < len(self.ids):
            return None
        case_id = self.ids[row]
        if case_id not in self.cache:
            self._load_page(row)
        return self.cache.get(case_id)

    def _load_page(self, row: int) -> None:
        start = (row // PAGE_SIZE) * PAGE_SIZE
        page = self.ids[start:start + PAGE_SIZE]
        with self.database.session() as session:
            self.cache.update(case_rows(session, page))
            self.overdue.update(session.scalars(
                select(m.Case.id).where(m.Case.id.in_(page), overdue_condition(date.today()))))

    def case_id_at(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    # -- Qt model API --------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section][1]
        return None

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        column = COLUMNS[index.column()][0]
        if role == Qt.DisplayRole:
            return row.display(column)
        if role == Qt.ToolTipRole and column == "neighbourhood" and row.is_qpv:
            return "Quartier prioritaire de la politique de la ville (QPV)"
        if role == Qt.DecorationRole and column == "reference":
            return marker_icon(row.priority, row.id in self.overdue)
        if role == Qt.ToolTipRole and column == "reference":
            notes = []
            if row.priority in PRIORITY_COLOURS:
                notes.append(f"Priorité {label(PRIORITIES, row.priority).lower()}")
            if row.id in self.overdue:
                notes.append("En retard : échéance, réponse de saisine ou conclusion de visite dépassée")
            return " — ".join(notes) or None
        if role == Qt.ForegroundRole and column == "priority" and row.priority in PRIORITY_COLOURS:
            return QBrush(PRIORITY_COLOURS[row.priority])
        if role == Qt.FontRole and (column == "reference" or (column == "priority" and row.priority == "urgente")):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        query = dataclasses.replace(self.query, sort=COLUMNS[column][0], descending=order == Qt.DescendingOrder)
        self.reload(query)
