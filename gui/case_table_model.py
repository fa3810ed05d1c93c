"""Table model over a list of case ids; rows are fetched page by page on demand (core.queries.case_list).

Rows handed to set_ids() are shown as they are: a model fed from query results needs no database.
"""
from __future__ import annotations

import dataclasses
from functools import lru_cache

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QFont, QIcon, QPainter, QPixmap

from core.case_list import COLUMNS, CaseQuery, CaseRow
from core.queries.case_list import case_list_ids, case_list_rows
from db.vocab import PRIORITIES, label
from gui.palette import qcolor
from gui.rows_model import RolesInOneCall

PAGE_SIZE = 200
MAX_CELLS_KEPT = 20_000  # a few thousand rows' worth of painted cells (a long scroll starts again)
_UNKNOWN = object()
PRIORITY_COLOURS = {"urgente": qcolor("danger"), "haute": qcolor("warning")}


OVERDUE_COLOUR = qcolor("danger")
PRIORITY_BRUSHES = {code: QBrush(colour) for code, colour in PRIORITY_COLOURS.items()}
_DISPLAY, _FOREGROUND, _FONT, _DECORATION, _TOOLTIP, _SPOKEN = (int(r.value) for r in (
    Qt.DisplayRole, Qt.ForegroundRole, Qt.FontRole, Qt.DecorationRole, Qt.ToolTipRole, Qt.AccessibleDescriptionRole))
_ROLES = frozenset({_DISPLAY, _FOREGROUND, _FONT, _DECORATION, _TOOLTIP, _SPOKEN})
OVERDUE_WORDS = "en retard"
# After the columns of core.case_list: who has the case out on a field laptop (words, with a tooltip).
CHECKOUT_COLUMN, CHECKOUT_HEADER = len(COLUMNS), "Portable"
TWO_LINE_HEADINGS = {"last_activity"}
FULL_TEXT_TIPS = frozenset({"household", "address", "kinds", "neighbourhood"})


@lru_cache(maxsize=1)
def bold_font() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


@lru_cache(maxsize=8)
def marker_icon(priority: str, overdue: bool) -> QIcon:
    """A dot coloured by priority (haute, urgente) with a red ring when the case is late."""
    pixmap = QPixmap(14, 14)
    pixmap.fill(Qt.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.Antialiasing)
    if overdue:
        painter.setPen(OVERDUE_COLOUR)
        painter.setBrush(Qt.NoBrush)
        painter.drawEllipse(1, 1, 12, 12)
    painter.setPen(Qt.NoPen)
    painter.setBrush(PRIORITY_COLOURS.get(priority, qcolor("neutral_mark")))
    painter.drawEllipse(4, 4, 6, 6)
    painter.end()
    return QIcon(pixmap)


def checkout_data(row: CaseRow, role: int):
    """« emporté par Sabrina H. le 12/03 », and in the tooltip the whole name, the day and what it means."""
    if not row.checked_out_by or role not in (_DISPLAY, _TOOLTIP):
        return None
    if role == _DISPLAY:
        return row.checkout_note
    when = f" le {row.checked_out_on:%d/%m/%Y à %H:%M}" if row.checked_out_on else ""
    return (f"Emporté sur un portable de terrain par {row.checked_out_by}{when}. Le dossier reste modifiable "
            "ici ; au retour du portable, les deux versions sont rapprochées et les différences listées.")


class CaseTableModel(RolesInOneCall, QAbstractTableModel):
    def __init__(self, database, parent=None, actor=None):
        """database may be None when every row is handed to set_ids (tests, fixed lists)."""
        super().__init__(parent)
        self.database = database
        self.actor = actor  # ids and rows, like every read, stay within an agent's scope (core.queries)
        self.query = CaseQuery()
        self.ids: list[int] = []
        self.cache: dict[int, CaseRow] = {}
        self.cells: dict[tuple[int, int], dict[int, object]] = {}  # (case id, column) -> role -> what is shown
        self.overdue: set[int] = set()  # ids of cases with a late task, referral or visit
        self.complete = True  # False while only the first page of a longer list is known
        self.loader = None  # set by the case list: runs sorting queries off the GUI thread
        self._sorting: CaseQuery | None = None

    # -- loading -----------------------------------------------------------
    def set_ids(self, ids: list[int], query: CaseQuery | None = None, overdue: set[int] | None = None,
                rows: dict[int, CaseRow] | None = None, complete: bool = True) -> None:
        """Show these ids (rows, when given, are already fetched: nothing to read on the GUI thread)."""
        self.beginResetModel()
        self.ids = ids
        if query is not None:
            self.query = query
        self.cache.clear()
        self.cells.clear()
        if rows:
            self.cache.update(rows)
        if overdue is not None:
            self.overdue = overdue
        self.complete = complete
        self.endResetModel()

    def complete_ids(self, ids: list[int], overdue: set[int]) -> None:
        """The whole list after its first page: appended below it, so the view keeps its scroll and selection."""
        shown = len(self.ids)
        if ids[:shown] != self.ids:  # the data changed in between: show the new list from the top
            self.set_ids(ids, overdue=overdue)
            return
        # Only the cells whose late marker changes are worked out again (usually none: the first page knew them).
        was_late = self.overdue
        for key in [key for key in self.cells if (key[0] in was_late) != (key[0] in overdue)]:
            del self.cells[key]
        self.overdue = overdue
        self.complete = True
        if len(ids) > shown:
            self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
            self.ids = ids
            self.endInsertRows()

    def reload(self, query: CaseQuery | None = None) -> None:
        """Read the whole list now (synchronously: tests and the dashboard's short lists)."""
        query = query or self.query
        whole = case_list_ids(self.database, self.actor, query)
        self.set_ids(list(whole.ids), query, set(whole.overdue))

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
        if self.database is not None:
            self.cache.update(case_list_rows(self.database, self.actor, page))

    def case_id_at(self, row: int) -> int | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    # -- Qt model API --------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(COLUMNS) + 1

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802 - Qt API
        if orientation == Qt.Horizontal and role == Qt.DisplayRole and 0 <= section < len(COLUMNS):
            key, heading = COLUMNS[section]
            # On two lines: the column then is as narrow as its dates, which leaves the room to the names.
            return heading.replace(" ", "\n", 1) if key in TWO_LINE_HEADINGS else heading
        if orientation == Qt.Horizontal and section == CHECKOUT_COLUMN:
            if role == Qt.DisplayRole:
                return CHECKOUT_HEADER
            if role == Qt.ToolTipRole:
                return "Dossiers emportés sur un ordinateur portable de terrain et pas encore rapportés"
        return None

    def multiData(self, index: QModelIndex, roles) -> None:  # noqa: N802 - Qt API
        """Each cell's roles worked out at its first paint, then kept: a repaint (the rest of a long list
        arriving, the columns fitted, a scroll back) costs look-ups, not the formatting of every cell again
        (half of a repaint's 10-20 ms, two or three repaints per search)."""
        row = index.row()
        case_id = self.ids[row] if 0 <= row < len(self.ids) else None
        if case_id not in self.cache:  # not read yet: nothing worth keeping
            return super().multiData(index, roles)
        if len(self.cells) > MAX_CELLS_KEPT:
            self.cells.clear()
        cell = self.cells.setdefault((case_id, index.column()), {})
        for position in range(len(roles)):
            wanted = roles[position]
            role = wanted.role()
            value = cell.get(role, _UNKNOWN)
            if value is _UNKNOWN:
                value = cell[role] = self.data(index, role)
            wanted.setData(value)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        # Roles compared as ints: PySide6 enum comparisons cost more than the rest of this method.
        role = int(role) if not isinstance(role, int) else role
        if role not in _ROLES or not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        if index.column() == CHECKOUT_COLUMN:
            return checkout_data(row, role)
        column = COLUMNS[index.column()][0]
        if role == _DISPLAY:
            return row.display(column)
        if role == _FOREGROUND:
            if column == "priority" and row.priority in PRIORITY_COLOURS:
                return PRIORITY_BRUSHES[row.priority]
            return None
        if role == _FONT:
            if column == "reference" or (column == "priority" and row.priority == "urgente"):
                return bold_font()
            return None
        if role == _DECORATION:
            if column == "reference" and (row.id in self.overdue or row.priority in PRIORITY_COLOURS):
                return marker_icon(row.priority, row.id in self.overdue)
            return None
        if role == _SPOKEN:  # what the dot, the ring and the colour say, for screen readers
            return self._spoken(row, column)
        if column == "neighbourhood" and row.is_qpv:
            return "Quartier prioritaire de la politique de la ville (QPV)"
        if column in FULL_TEXT_TIPS:  # the whole text of a cell a narrow window cuts (gui.column_fit)
            return row.display(column) or None
        if column == "reference":
            notes = []
            if row.priority in PRIORITY_COLOURS:
                notes.append(f"Priorité {label(PRIORITIES, row.priority).lower()}")
            if row.id in self.overdue:
                notes.append("En retard : échéance, réponse de saisine ou conclusion de visite dépassée")
            return " — ".join(notes) or None
        return None

    def _spoken(self, row: CaseRow, column: str) -> str | None:
        priority = f"priorité {label(PRIORITIES, row.priority).lower()}" if row.priority in PRIORITY_COLOURS else ""
        if column == "priority":
            return priority or None
        if column == "reference":
            return ", ".join(words for words in (priority, OVERDUE_WORDS if row.id in self.overdue else "")
                             if words) or None
        return None

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        query = dataclasses.replace(self.query, sort=COLUMNS[column][0], descending=order == Qt.DescendingOrder)
        if query == self._sorting:  # QTableView.sortByColumn sorts twice (sortIndicatorChanged, then itself)
            return
        self._sorting = query
        QTimer.singleShot(0, lambda: setattr(self, "_sorting", None))  # the same sort asked again later: done again
        if self.loader is not None:
            self.loader(query)
        else:
            self.reload(query)
