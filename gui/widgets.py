"""Small shared widgets: empty states, section titles, table views set up alike."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget


class EmptyState(QLabel):
    """A sentence shown where a list has nothing to show, so no view is ever blank."""

    def __init__(self, text: str, parent=None):
        super().__init__(text, parent)
        self.setAlignment(Qt.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("color: #5f6368; padding: 24px; font-size: 11pt;")
        self.setMinimumWidth(240)  # wraps instead of widening the window


class PlaceholderPage(QWidget):
    """A page slot another part of the application fills; says in French what will be here."""

    def __init__(self, title: str, text: str, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(title_label(title))
        layout.addWidget(EmptyState(text), 1)


def compact(combo, characters: int = 12):
    """A combo as wide as `characters`, so toolbars fit small screens; the list shows full texts."""
    from PySide6.QtWidgets import QComboBox

    combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo


def title_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-size: 14pt; font-weight: 600; padding: 4px 0;")
    return label


class DataTable(QTableView):
    """A read-only table: row selection, Enter or double-click emits `activated_row`."""

    activated_row = Signal(int)

    def __init__(self, model=None, parent=None):
        super().__init__(parent)
        if model is not None:
            self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.horizontalHeader().setStretchLastSection(True)
        self.doubleClicked.connect(lambda index: self.activated_row.emit(index.row()))

    def keyPressEvent(self, event):  # noqa: N802 - Qt API
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)

    def current_row(self) -> int:
        index = self.currentIndex()
        return index.row() if index.isValid() else -1

    def set_widths(self, widths) -> None:
        for column, width in enumerate(widths):
            self.setColumnWidth(column, width)

    def remember(self, key: str) -> None:
        """Restore the column widths saved under `key` (QSettings) and save them when changed."""
        from PySide6.QtCore import QSettings

        header = self.horizontalHeader()
        state = QSettings().value(f"tables/{key}")
        if state is not None:
            header.restoreState(state)
        header.sectionResized.connect(lambda *_a: QSettings().setValue(f"tables/{key}", header.saveState()))


class TablePage(QWidget):
    """A page made of a title, a tool row, a table and an empty state.

    Subclasses set COLUMNS, EMPTY_TEXT and implement `load_rows()` -> list of dicts.
    """

    COLUMNS: list[tuple[str, str]] = []
    EMPTY_TEXT = "Rien à afficher."
    TITLE = ""
    WIDTHS: tuple[int, ...] = ()

    def __init__(self, window, parent=None):
        from PySide6.QtWidgets import QHBoxLayout

        from gui.rows_model import RowsModel

        super().__init__(parent)
        self.window = window
        self.database = window.database
        self.actor = window.actor
        self.model = RowsModel(self.COLUMNS, self)
        self.table = DataTable(self.model)
        self.table.set_widths(self.WIDTHS)
        self.table.remember(type(self).__name__)
        self.table.activated_row.connect(self.activate_row)
        self.empty = EmptyState(self.EMPTY_TEXT)
        self.tools = QHBoxLayout()
        self.tools.addWidget(title_label(self.TITLE))
        self.tools.addStretch(1)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.tools)
        self._stale = True

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.table, 1)
        self.layout_.addWidget(self.empty)

    def load_rows(self) -> list[dict]:
        raise NotImplementedError

    def refresh(self) -> None:
        self.model.set_rows(self.load_rows())
        self.empty.setVisible(self.model.rowCount() == 0)
        self.table.setVisible(self.model.rowCount() > 0)
        self._stale = False
        if self.window.current_page() is self:
            self.window.count_label.setText(self.count_text())

    def mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def count_text(self) -> str:
        return ""

    def activate_row(self, row: int) -> None:
        data = self.model.row(row)
        if data and data.get("_case_id"):
            self.window.open_case(data["_case_id"])

    def selected(self) -> dict | None:
        return self.model.row(self.table.current_row())

    def button(self, text: str, slot, tooltip: str = ""):
        from PySide6.QtWidgets import QPushButton

        button = QPushButton(text)
        button.clicked.connect(slot)
        if tooltip:
            button.setToolTip(tooltip)
        self.tools.addWidget(button)
        return button


def remember_splitter(splitter, key: str) -> None:
    """Restore a splitter's sizes saved under `key` (QSettings) and save them when moved."""
    from PySide6.QtCore import QSettings

    state = QSettings().value(f"splitters/{key}")
    if state is not None:
        splitter.restoreState(state)
    splitter.splitterMoved.connect(lambda *_a: QSettings().setValue(f"splitters/{key}", splitter.saveState()))
