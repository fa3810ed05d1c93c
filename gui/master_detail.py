"""Master-detail pages: a table page whose chosen row shows its details in a pane beside or below it
(the relocation proposals of a household, the agenda of a commission), the pane read in the pool."""
from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gui.tool_row import ToolRow
from gui.widgets import DataTable, EmptyState, TablePage, alive


def remember_splitter(splitter, key: str) -> None:
    """Restore a splitter's sizes saved under `key` (QSettings) and save them when moved."""
    from PySide6.QtCore import QSettings

    state = QSettings().value(f"splitters/{key}")
    if state is not None:
        splitter.restoreState(state)
    splitter.splitterMoved.connect(lambda *_a: QSettings().setValue(f"splitters/{key}", splitter.saveState()))


class DetailPane(QWidget):
    """The detail side of a master-detail page: a bold title and buttons, a table, its empty state."""

    def __init__(self, title: str, columns, widths, empty_text: str, buttons=(), parent=None):
        from PySide6.QtWidgets import QPushButton

        from gui.rows_model import RowsModel

        super().__init__(parent)
        self.default_title = title
        self.title = QLabel()
        self.title.setTextFormat(Qt.RichText)
        self.set_title(None)
        self.model = RowsModel(columns, self)
        self.table = DataTable(self.model, name=title)
        self.table.set_widths(widths)
        from gui.column_fit import ColumnFitter

        self.column_fit = ColumnFitter(self.table, None)  # the widest columns give way first
        self.empty = EmptyState(empty_text)
        row = ToolRow()
        row.addWidget(self.title)
        row.addStretch(1)
        self.buttons = []
        for text, slot in buttons:
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons.append(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        self._generation = 0
        self.loading = False

    def load(self, fetch, show, then=None) -> None:
        """Run `fetch()` (core queries) in the pool, then `show(result)` on the GUI thread and `then()`.

        Only the latest request is shown: moving quickly down the master table loads each row but shows
        the last one only.
        """
        from gui.workers import run_in_background

        self._generation += 1
        generation = self._generation
        self.loading = True

        def done(result):
            if alive(self) and generation == self._generation:
                self.loading = False
                show(result)
                if then is not None:
                    then()

        def failed(info):
            if alive(self) and generation == self._generation:
                self.loading = False
                sys.excepthook(*info)  # the French error dialog

        run_in_background(fetch, done, on_error=failed)

    def clear(self) -> None:
        """Nothing chosen in the master table: no detail, and a load on its way is not shown."""
        self._generation += 1
        self.loading = False
        self.set_title(None)
        self.set_rows([])

    def set_title(self, detail: str | None) -> None:
        """« Title — detail », or the title alone."""
        from html import escape

        text = f"{self.default_title} — {detail}" if detail else self.default_title
        self.title.setText(f"<b>{escape(text)}</b>")

    def set_rows(self, rows: list[dict]) -> None:
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))

    def current(self) -> dict | None:
        return self.model.row(self.table.current_row())


def add_master_detail(page: TablePage, orientation, sizes: tuple[int, int], key: str, **detail) -> DetailPane:
    """Lay a TablePage out as master-detail and return its DetailPane (built from `detail`).

    The page's table and empty state on one side of a splitter, the detail pane on the other;
    the splitter (`pane.splitter`) remembers its sizes under `key`.
    """
    from PySide6.QtWidgets import QSplitter

    pane = DetailPane(**detail)
    master = QWidget()
    master_layout = QVBoxLayout(master)
    master_layout.setContentsMargins(0, 0, 0, 0)
    master_layout.addWidget(page.table, 1)
    master_layout.addWidget(page.empty)
    pane.splitter = QSplitter(orientation)
    pane.splitter.addWidget(master)
    pane.splitter.addWidget(pane)
    pane.splitter.setSizes(list(sizes))
    remember_splitter(pane.splitter, key)
    page.layout_.addWidget(pane.splitter, 1)
    return pane
