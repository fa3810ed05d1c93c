"""Lists sized to the window: short columns and headings whole, the sort shown, nothing clipped above."""
from __future__ import annotations

from PySide6.QtCore import Qt

from core.case_list import COLUMNS
from gui.case_list_page import FLEXIBLE_COLUMNS
from gui.main_window import MainWindow


def shown_list(qtbot, database, width, height):
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    window.show_view("dossiers")
    page = window.case_list
    page.load_now()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=15000)
    page.column_fit.fit()
    return window, page


def test_at_1280_by_800_every_column_is_visible_and_the_short_ones_whole(qtbot, demo_db, tmp_path):
    window, page = shown_list(qtbot, demo_db, 1280, 800)
    table, header = page.table, page.table.horizontalHeader()
    assert header.length() <= table.viewport().width()  # no sideways scrolling: « Agent » and the date in view
    for column, (key, heading) in enumerate(COLUMNS):
        if column not in FLEXIBLE_COLUMNS:  # reference, status, priority, agent, date: never « Sabrina Had… »
            assert header.sectionSize(column) >= table.sizeHintForColumn(column), heading
        assert header.sectionSize(column) >= header.sectionSizeHint(column), heading  # headings whole
    assert header.isSortIndicatorShown()
    sorted_by = [key for key, _h in COLUMNS].index(page.model.query.sort)  # the order the list really has…
    shown = Qt.DescendingOrder if page.model.query.descending else Qt.AscendingOrder
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (sorted_by, shown)  # …is the one shown
    assert header.sectionSize(sorted_by) >= header.sectionSizeHint(sorted_by)  # with room for the arrow
    assert page.saved_button.width() >= page.saved_button.sizeHint().width()  # « Filtres enregistrés » whole
    window.grab().save(str(tmp_path / "dossiers-1280.png"))


def test_a_column_resized_by_hand_keeps_its_width(qtbot, demo_db):
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    window, page = shown_list(qtbot, demo_db, 1280, 800)
    header = page.table.horizontalHeader()
    address = [key for key, _h in COLUMNS].index("address")
    edge = header.sectionViewportPosition(address) + header.sectionSize(address) - 1
    y = header.height() // 2
    QTest.mousePress(header.viewport(), Qt.LeftButton, Qt.NoModifier, QPoint(edge, y))
    QTest.mouseMove(header.viewport(), QPoint(edge + 60, y))
    QTest.mouseRelease(header.viewport(), Qt.LeftButton, Qt.NoModifier, QPoint(edge + 60, y))
    dragged = header.sectionSize(address)
    window.resize(1180, 800)
    qtbot.wait(100)
    assert page.column_fit.by_hand and header.sectionSize(address) == dragged


def test_a_cut_address_can_be_read_whole_in_its_tooltip(qtbot, demo_db):
    window, page = shown_list(qtbot, demo_db, 1280, 800)
    address = [key for key, _h in COLUMNS].index("address")
    index = page.model.index(0, address)
    assert page.model.data(index, Qt.ToolTipRole) == page.model.data(index, Qt.DisplayRole) != ""


def test_the_relocation_list_shows_its_headings_whole_at_1280(qtbot, demo_db):
    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.show_view("relogement")
    page = window.current_page()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=15000)
    page.column_fit.fit()
    header = page.table.horizontalHeader()
    assert header.length() <= page.table.viewport().width()  # « Renouvellement SNE », « Propositions » in view
    for column in range(page.model.columnCount()):  # no « Renouvellement SN… », no « Moti… »
        assert header.sectionSize(column) >= header.sectionSizeHint(column), page.model.headerData(column, Qt.Horizontal)


def test_a_list_first_appears_with_its_columns_fitted_and_no_sideways_bar_coming_and_going(qtbot, demo_db):
    """The first rows are painted at the widths fitted for them, room kept for the vertical scroll bar they
    bring: no horizontal bar shown for a moment and then hidden (each time, the whole list painted again)."""
    from PySide6.QtCore import QEvent, QObject

    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    page = window.case_list
    table, header = page.table, page.table.horizontalHeader()
    seen = []

    class Watch(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 - Qt API
            if not page.model.rowCount():
                return False
            if event.type() == QEvent.Paint and watched is table.viewport():
                seen.append(("paint", header.length() <= table.viewport().width()
                             and not table.horizontalScrollBar().isVisible()))
            elif event.type() in (QEvent.Show, QEvent.Hide) and watched is table.horizontalScrollBar():
                seen.append(("sideways bar", event.type() == QEvent.Show))
            return False

    watch = Watch()
    table.viewport().installEventFilter(watch)
    table.horizontalScrollBar().installEventFilter(watch)
    window.show()
    window.show_view("dossiers")
    qtbot.waitUntil(lambda: page.model.complete and page.model.rowCount() > 0 and bool(seen), timeout=15000)
    qtbot.wait(200)  # the fit's timer and the scroll bar's arrival, had they come later
    paints = [fitted for what, fitted in seen if what == "paint"]
    assert paints[0], seen  # the first paint with rows: fitted already, no sideways bar…
    assert ("sideways bar", True) not in seen, seen  # …nor one shown afterwards
    assert table.verticalScrollBar().isVisible() and header.length() <= table.viewport().width()
