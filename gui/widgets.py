"""Small shared widgets: empty states, section titles, table views set up alike."""
from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from gui.palette import style
from gui.tool_row import ToolRow  # noqa: F401 - pages build their tool rows from here

SAVE_WIDTHS_AFTER_MS = 300

# Pixel widths in the code were chosen for the 9-point default font, 14 px high: they grow with the font.
DESIGN_FONT_HEIGHT = 14


def relative_font(widget: QWidget, scale: float, bold: bool = False) -> None:
    """The application's font times `scale`: titles grow with the user's text size instead of fixed points."""
    font = QApplication.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    widget.setFont(font)


def scaled(widget: QWidget, pixels: int) -> int:
    """A width designed at the default font, grown in proportion to the widget's font."""
    return round(pixels * max(1.0, widget.fontMetrics().height() / DESIGN_FONT_HEIGHT))


def keyboard_table(view: QAbstractItemView, name: str) -> QAbstractItemView:
    """A table a keyboard user can leave with Tab (arrows move inside) and a screen reader can name."""
    view.setTabKeyNavigation(False)
    view.setAccessibleName(name)
    return view


def resize_within_screen(window: QWidget, width: int, height: int) -> None:
    """The preferred size, but never larger than the screen (zoomed displays, small laptops)."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is not None:
        available = screen.availableGeometry()
        width, height = min(width, int(available.width() * 0.95)), min(height, int(available.height() * 0.9))
    window.resize(width, height)


class EmptyState(QLabel):
    """A sentence shown where a list has nothing to show, so no view is ever blank."""

    def __init__(self, text: str, parent=None):
        super().__init__(text, parent)
        self.setAlignment(Qt.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet(style("muted") + " padding: 24px;")
        relative_font(self, 1.2)
        self.setMinimumWidth(scaled(self, 200))  # wraps instead of widening the window


def compact(combo, characters: int = 12):
    """A combo as wide as `characters`, so toolbars fit small screens; the list shows full texts."""
    from PySide6.QtWidgets import QComboBox

    combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(characters)
    return combo


def title_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("padding: 4px 0;")
    relative_font(label, 1.55, bold=True)
    label.setAccessibleName(text)
    # One line: a wrapped label in a tool row was given too little width and lost its last letter
    # (« Relogemen », « Tableau de / bord »); the row itself wraps on a narrow window.
    label.setWordWrap(False)
    return label


class DataTable(QTableView):
    """A read-only table: row selection, Enter or double-click emits `activated_row`.

    Tab and Maj+Tab leave the table (arrows move inside it): with Qt's default, Tab walked every cell and
    a keyboard user could not get out of a long list. `name` is what a screen reader says for the table.
    """

    activated_row = Signal(int)

    def __init__(self, model=None, parent=None, name: str = ""):
        super().__init__(parent)
        if model is not None:
            self.setModel(model)
        self.setTabKeyNavigation(False)
        if name:
            self.setAccessibleName(name)
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
            self.setColumnWidth(column, scaled(self, width))

    def remember(self, key: str) -> None:
        """Restore the column widths saved under `key` (QSettings) and save them when changed."""
        from PySide6.QtCore import QSettings

        header = self.horizontalHeader()
        key = f"tables/{key}/{header.count()}"  # a version with other columns starts from the defaults
        state = QSettings().value(key)
        if state is not None:
            header.restoreState(state)
        # Once the widths settle: fitting the columns resizes each of them, and saving at every one cost the
        # GUI thread ~30 ms per search at 100,000 cases.
        self._save_widths_now = lambda: QSettings().setValue(key, header.saveState())
        self._save_widths = QTimer(self, singleShot=True, interval=SAVE_WIDTHS_AFTER_MS,
                                   timeout=self._save_widths_now)
        header.sectionResized.connect(lambda *_a: self._save_widths.start())

    def hideEvent(self, event):  # noqa: N802 - Qt API
        save = getattr(self, "_save_widths", None)
        if save is not None and save.isActive():  # the window closes: the last widths now, not never
            save.stop()
            self._save_widths_now()
        super().hideEvent(event)


class TablePage(QWidget):
    """A page made of a title, a tool row, a table and an empty state, loaded off the GUI thread.

    Subclasses set COLUMNS, EMPTY_TEXT and implement:
    - `load_params()`, on the GUI thread: the plain values the query needs, read from the widgets;
    - `fetch_rows(database, actor, params)`, a static method run in a pool thread: the rows (list of dicts),
      from core.queries called as that actor with those values only (never a widget, never a session);
    - optionally `rows_loaded(previous)`, on the GUI thread once the rows are shown (`previous` is the row
      that was selected before): selection, detail pane.
    `refresh()` loads in the background and shows only the latest request; `refresh_now()` loads at once.
    A hidden page does not load: it is marked stale and loads when shown.
    """

    COLUMNS: list[tuple[str, str]] = []
    EMPTY_TEXT = "Rien à afficher."
    LOADING_TEXT = "Chargement en cours…"
    FAILED_TEXT = "La liste n'a pas pu être chargée."
    TITLE = ""
    WIDTHS: tuple[int, ...] = ()
    # Columns that may be narrower than their text when the window is too narrow, in the order they give up
    # width, with the share of their text they keep (gui.column_fit); the others are never cut.
    FLEXIBLE: dict[str, float] = {}

    def __init__(self, window, parent=None):
        from gui.rows_model import RowsModel

        super().__init__(parent)
        self.window = window
        self.database = window.database
        self.actor = window.actor
        self.model = RowsModel(self.COLUMNS, self)
        self.table = DataTable(self.model, name=self.TITLE)
        self.table.set_widths(self.WIDTHS)
        self.table.remember(type(self).__name__)
        from gui.column_fit import ColumnFitter

        keys = [key for key, _heading in self.COLUMNS]
        self.column_fit = ColumnFitter(self.table, {keys.index(k): keep for k, keep in self.FLEXIBLE.items()})
        self.table.activated_row.connect(self.activate_row)
        self.empty = EmptyState(self.EMPTY_TEXT)
        self.tools = ToolRow()
        self.tools.addWidget(title_label(self.TITLE))
        self.tools.addStretch(1)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.tools)
        self._stale = True
        self._generation = 0
        self._then: list = []
        self.loading = False  # a background load is on its way

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.table, 1)
        self.layout_.addWidget(self.empty)

    # -- loading -------------------------------------------------------------------
    def load_params(self):
        """The values `fetch_rows` needs, read from the widgets (GUI thread)."""
        return None

    @staticmethod
    def fetch_rows(database, actor, params) -> list[dict]:
        """The rows, from core queries called as `actor` with `params` only: runs in a pool thread."""
        raise NotImplementedError

    def rows_loaded(self, previous: dict | None) -> None:
        """Called on the GUI thread once new rows are shown; `previous` was the selected row."""

    def refresh(self, then=None) -> None:
        """Reload in the background; `then()` runs once the rows of the latest request are shown."""
        from gui.workers import run_in_background

        if then is not None:
            self._then.append(then)
        if not self.isVisible():
            self._stale = True  # loaded when shown
            return
        self._stale = False
        self._generation += 1
        generation, params, database, actor = self._generation, self.load_params(), self.database, self.actor
        fetch = self.fetch_rows
        self.loading = True
        if self.model.rowCount() == 0:
            self.empty.setText(self.LOADING_TEXT)
            self.empty.setVisible(True)
            self.table.setVisible(False)

        def done(rows):
            if alive(self) and generation == self._generation:
                self._show_rows(rows)

        def failed(info):
            if alive(self) and generation == self._generation:
                self.loading = False
                self._then.clear()  # steps meant for rows that did not come
                self.empty.setText(self.FAILED_TEXT)
                sys.excepthook(*info)  # the French error dialog

        window = self.window

        def busy(on: bool) -> None:
            if alive(window):
                window.set_busy(on)

        run_in_background(lambda: fetch(database, actor, params), done, busy=busy, on_error=failed)

    def refresh_now(self) -> None:
        """Load at once on the calling thread (tests, screenshots, code that needs the rows now)."""
        self._stale = False
        self._generation += 1  # a load still on its way is not shown over these rows
        self._show_rows(self.fetch_rows(self.database, self.actor, self.load_params()))

    def _show_rows(self, rows: list[dict]) -> None:
        previous = self.selected()
        self.loading = False
        self.model.set_rows(rows)
        self.empty.setText(self.EMPTY_TEXT)
        self.empty.setVisible(self.model.rowCount() == 0)
        self.table.setVisible(self.model.rowCount() > 0)
        self.rows_loaded(previous)
        then, self._then = self._then, []
        for action in then:
            action()
        if self.window.current_page() is self:
            self.window.count_label.setText(self.count_text())

    def reload_after(self, changes, then=None) -> None:
        """After a write made from this page: the window reloads the views its Changes concern, this one
        included; `then()` runs once this page's rows are back (selection, detail pane)."""
        apply_changes = getattr(self.window, "apply_changes", None)
        if apply_changes is not None and changes is not None:
            apply_changes(changes)
        if not self.loading:  # the window's rule left this page alone: the write came from here, reload it
            self.refresh(then)
        elif then is not None:
            self._then.append(then)

    def mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event):  # noqa: N802 - Qt API
        super().showEvent(event)
        # A load deferred while hidden happens now; after the current event, so that a refresh()
        # called by the window right after showing the page does not load twice.
        QTimer.singleShot(0, self, self._refresh_if_stale)

    def _refresh_if_stale(self) -> None:
        if self._stale and self.isVisible():
            self.refresh()

    def select_id(self, wanted) -> bool:
        """Select the row whose `_id` is `wanted`; False when it is not listed."""
        for index, row in enumerate(self.model.rows):
            if row.get("_id") == wanted:
                self.table.selectRow(index)
                return True
        return False

    # -- page protocol ---------------------------------------------------------------
    def count_text(self) -> str:
        return ""

    def activate_row(self, row: int) -> None:
        data = self.model.row(row)
        if data and data.get("_case_id"):
            self.window.open_case(data["_case_id"], deferred=True)

    def selected(self) -> dict | None:
        return self.model.row(self.table.current_row())

    def button(self, text: str, slot, tooltip: str = ""):
        from PySide6.QtWidgets import QPushButton

        button = QPushButton(text)
        button.clicked.connect(slot)
        if tooltip:
            button.setToolTip(tooltip)
            button.setAccessibleDescription(tooltip)
        self.tools.addWidget(button)
        return button


class _AfterPaint(QObject):
    """Calls back once, just after the widget's next paint, or after at_most_ms when nothing paints it (a
    hidden or closed widget): the callback always runs, so what it releases is always released.

    Python owns it from start to end (no parent, no deleteLater): kept in `waiting` until called, then let go
    on the GUI thread once its timers are done with it."""

    waiting: set = set()

    def __init__(self, widget: QWidget, callback, at_most_ms: int):
        super().__init__()
        self.callback, self.widget = callback, widget
        _AfterPaint.waiting.add(self)
        widget.installEventFilter(self)
        QTimer.singleShot(at_most_ms, self, self._call)

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Paint and self.callback is not None:
            QTimer.singleShot(0, self, self._call)  # posted now, run once this paint is done
        return False

    def _call(self) -> None:
        callback, self.callback = self.callback, None
        if callback is None:
            return
        widget, self.widget = self.widget, None
        if alive(widget):
            widget.removeEventFilter(self)
        _AfterPaint.waiting.discard(self)
        callback()


def after_next_paint(widget: QWidget, callback, at_most_ms: int = 150) -> None:
    """Run callback() on the GUI thread once the widget has painted what was just given to it: background
    work started then does not share the interpreter with that paint (every painted cell calls Python)."""
    _AfterPaint(widget, callback, at_most_ms)


def alive(widget) -> bool:
    """False once Qt has deleted the widget (a window closed while its rows were loading)."""
    import shiboken6

    return shiboken6.isValid(widget)


class StaysOpenWhileRunning:
    """Mixin for a dialog whose background work must be seen to its end: while it runs, neither Échap nor
    « Annuler » closes the dialog. The dialog has `self.buttons` (a QDialogButtonBox with a Cancel button)."""

    running = False

    def set_running(self, running: bool) -> None:
        from PySide6.QtWidgets import QDialogButtonBox

        self.running = running
        self.buttons.button(QDialogButtonBox.Cancel).setEnabled(not running)

    def reject(self) -> None:
        if not self.running:
            super().reject()
