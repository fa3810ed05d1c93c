"""Columns sized to their content within the table's width.

Short columns (a reference, a status, a date, an agent's name) get the width of
their longest text, never less, so they are never cut; the long ones (a name, an
address, a list of types) share what is left, in proportion to their own
content and never below their heading. When even that does not fit (a small
window, a large zoom), the table scrolls sideways rather than cutting a short
column. Once the user drags a column edge, the widths are theirs until the
window is reopened.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QStyle, QTableView

SAMPLE_ROWS = 0  # the rows in view only: sampling further reads and measures rows on the GUI thread (519 ms per search at 100,000 cases)
PADDING = 8  # logical pixels on top of the text: the cell's margins and a little air
AUTO_KEEP = 0.5


class ColumnFitter(QObject):
    def __init__(self, table: QTableView, flexible: dict[int, float] | None):
        """`flexible`: the columns that may be narrower than their content, in the order they give up width,
        each with the share of its content it keeps at least (0.5: half). None: the widest columns give way
        first, each keeping half its width (a detail pane whose columns come from elsewhere)."""
        super().__init__(table)
        self.table, self.flexible = table, None if flexible is None else dict(flexible)
        self.by_hand = False
        self._fitting = False
        self._dragging = False
        self._fitted_rows = False  # fitted once with rows to measure
        self._timer = QTimer(self, singleShot=True, interval=30)
        self._timer.timeout.connect(self.fit)
        header = table.horizontalHeader()
        header.setResizeContentsPrecision(SAMPLE_ROWS)
        self._viewport, self._header_viewport = table.viewport(), header.viewport()
        self._header_viewport.installEventFilter(self)
        header.sectionResized.connect(self._resized)
        self._viewport.installEventFilter(self)
        model = table.model()
        # Not on rowsInserted: rows appended below a first page (the rest of a long list) are out of view,
        # and measuring again cost the GUI thread 10-27 ms at 100,000 cases for the same widths.
        for signal in (model.layoutChanged, model.dataChanged):
            signal.connect(self.schedule)
        model.modelReset.connect(self._reset)

    def _reset(self) -> None:
        """The first rows a table shows are fitted at once, before their first paint: painted at the widths
        of no content, they were painted again, with a horizontal bar come and gone in between. The next
        lists keep the widths fitted for the last one until the timer fits them (measuring every column
        before showing a search's rows cost 10 to 20 ms on a busy laptop, for widths that seldom change)."""
        if not self._fitted_rows and self.table.model().rowCount() and not self.by_hand:
            self._timer.stop()
            self.fit()
        else:
            self.schedule()

    def schedule(self, *_args) -> None:
        if not self.by_hand:
            self._timer.start()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if watched is self._viewport:
            if kind == QEvent.Resize:
                self.schedule()
        elif kind == QEvent.MouseButtonPress:
            self._dragging = True
        elif kind == QEvent.MouseButtonRelease:
            self._dragging = False
        return False

    def _resized(self, *_args) -> None:
        if self._dragging and not self._fitting:
            self.by_hand = True

    def content_widths(self) -> list[int]:
        table, header = self.table, self.table.horizontalHeader()
        padding = round(PADDING * table.logicalDpiX() / 96)
        return [max(header.sectionSizeHint(c), table.sizeHintForColumn(c) + padding)
                for c in range(table.model().columnCount())]

    def widths(self, available: int) -> list[int]:
        """Each column its content; when too wide, the flexible ones give up width in their order, each down
        to its floor; when there is room to spare, the flexible ones share it."""
        header = self.table.horizontalHeader()
        widths = self.content_widths()
        excess = sum(widths) - available
        flexible = self.flexible
        if flexible is None:
            flexible = {c: AUTO_KEEP for c in sorted(range(len(widths)), key=lambda c: -widths[c])}
        for column, keep in flexible.items():
            if excess <= 0:
                break
            floor = max(header.sectionSizeHint(column), round(widths[column] * keep))
            cut = min(excess, max(widths[column] - floor, 0))
            widths[column] -= cut
            excess -= cut
        if excess < 0 and self.flexible:  # room to spare: to the long texts (else to the last column)
            for column in self.flexible:
                widths[column] += -excess // len(self.flexible)
        return widths

    def available_width(self) -> int:
        """The viewport's width, less the vertical scroll bar's when the rows are about to need it: fitted to
        the whole width, the columns overflowed once it appeared (a horizontal bar, then a second fit and two
        more repaints of the whole list)."""
        table = self.table
        width = table.viewport().width()
        bar = table.verticalScrollBar()
        if (not bar.isVisibleTo(table) and table.verticalScrollBarPolicy() == Qt.ScrollBarAsNeeded
                and table.verticalHeader().length() > table.viewport().height()):
            width -= table.style().pixelMetric(QStyle.PM_ScrollBarExtent, None, bar)
        return width

    def fit(self) -> None:
        if self.by_hand or not self.table.isVisible():
            return
        header = self.table.horizontalHeader()
        self._fitted_rows = self._fitted_rows or self.table.model().rowCount() > 0
        self._fitting = True
        stretch = header.stretchLastSection()
        header.setStretchLastSection(False)  # the last column gets its share, not the leftover
        try:
            for column, width in enumerate(self.widths(self.available_width())):
                if not header.isSectionHidden(column):
                    header.resizeSection(column, width)
        finally:
            header.setStretchLastSection(stretch)
            self._fitting = False
