"""Tableau de bord: figures per objective and neighbourhood, and a click opens the cases behind them."""
from __future__ import annotations

import os
from datetime import date

from PySide6.QtCore import QDate, Qt

from core.pdf.bilan_data import Scope, case_ids_behind, counts
from gui import pdf_actions
from gui.main_window import MainWindow

START, END = date(2025, 1, 1), date(2026, 11, 25)


def open_dashboard(qtbot, database):
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    window.show_view("tableau-de-bord")
    page = window.pages["tableau-de-bord"]
    page.start_edit.setDate(QDate(START.year, START.month, START.day))
    page.end_edit.setDate(QDate(END.year, END.month, END.day))
    page.data = None
    page.refresh()
    qtbot.waitUntil(lambda: page.data is not None and page.data.start == START, timeout=20000)
    return window, page


def drilled(qtbot, page, click):
    """Click a figure or a bar; the cases behind it are read in the background, then listed in a dialog."""
    before = page.last_dialog
    click()
    qtbot.waitUntil(lambda: page.last_dialog is not before, timeout=10000)
    return page.last_dialog


def test_figures_match_the_core_and_clicks_open_the_cases(qtbot, demo_db, tmp_path):
    window, page = open_dashboard(qtbot, demo_db)
    if os.environ.get("DASHBOARD_PNG"):  # to look at it: DASHBOARD_PNG=/tmp/dash.png pytest …
        window.resize(1400, 900)
        window.grab().save(os.environ["DASHBOARD_PNG"])
    with demo_db.session() as session:
        expected = counts(session, Scope(START, END), "objective")
    model = page.objective_model
    assert model.rowCount() == 7
    suivis_column = next(i for i in range(model.columnCount()) if model.horizontalHeaderItem(i).text() == "Suivis")
    for row in range(model.rowCount()):
        objective_id = model.item(row, 0).data(Qt.UserRole)
        assert model.item(row, suivis_column).text() == str(expected.get(objective_id, {}).get("suivis", 0))
    assert "dossiers suivis" in page.summary.text()

    # a click on a figure of the table
    row = max(range(model.rowCount()), key=lambda r: int(model.item(r, suivis_column).text()))
    dialog = drilled(qtbot, page, lambda: page.objective_table.clicked.emit(model.index(row, suivis_column)))
    assert dialog is not None and dialog.model.rowCount() == int(model.item(row, suivis_column).text()) > 0

    # a click on a bar of the chart: the "Dossiers clos" set, first objective
    clos_set = next(s for s in page.bar_sets if s.label() == "Dossiers clos")
    drilled(qtbot, page, lambda: clos_set.clicked.emit(0))
    objective_id = page.data.objectives[0][0]
    with demo_db.session() as session:
        ids = case_ids_behind(session, Scope(START, END), "clos", "objective", objective_id)
    assert page.last_dialog.model.rowCount() == len(ids)
    assert "Dossiers clos — O1" in page.last_dialog.windowTitle()

    # double-click in the list opens the case file
    if ids:
        page.last_dialog.table.activated_row.emit(0)
        assert window.case_page is not None and window.case_page.case_id == page.last_dialog.model.case_id_at(0)

    # per neighbourhood
    neighbourhoods = page.neighbourhood_model
    assert neighbourhoods.rowCount() > 5
    total = sum(int(neighbourhoods.item(r, 2).text()) for r in range(neighbourhoods.rowCount()))
    assert total == page.data.totals["suivis"]
    drilled(qtbot, page, lambda: page.neighbourhood_table.clicked.emit(neighbourhoods.index(0, 2)))
    assert page.last_dialog.model.rowCount() == int(neighbourhoods.item(0, 2).text())
    top = page.neighbourhood_set.count() - 1  # the chart lists the largest neighbourhood at the top
    drilled(qtbot, page, lambda: page.neighbourhood_set.clicked.emit(top))
    assert page.last_dialog.model.rowCount() == int(page.neighbourhood_set.at(top)) == int(neighbourhoods.item(0, 2).text())


def test_bilan_button_builds_the_pdf_in_the_background(qtbot, demo_db, monkeypatch):
    window, page = open_dashboard(qtbot, demo_db)
    opened = []
    monkeypatch.setattr(pdf_actions, "open_file", lambda path: opened.append(path) or True)
    page.print_bilan()
    qtbot.waitUntil(lambda: bool(opened), timeout=30000)
    assert opened[0].read_bytes().startswith(b"%PDF") and opened[0].name.startswith("bilan_2025-01-01")


def test_the_keyboard_opens_the_cases_behind_a_figure_and_behind_a_bar(qtbot, demo_db):
    from PySide6.QtTest import QTest

    window, page = open_dashboard(qtbot, demo_db)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    model = page.objective_model
    clos = next(i for i in range(model.columnCount()) if model.horizontalHeaderItem(i).text() == "Clos")
    table = page.objective_table
    table.setFocus()
    table.setCurrentIndex(model.index(0, 0))
    for _step in range(clos):
        QTest.keyClick(table, Qt.Key_Right)  # the arrows choose a figure, not a whole row
    assert table.currentIndex().column() == clos
    dialog = drilled(qtbot, page, lambda: QTest.keyClick(table, Qt.Key_Return))
    assert dialog.model.rowCount() == int(model.item(0, clos).text())
    assert dialog.windowTitle().startswith("Dossiers clos — O1")
    dialog.close()
    drilled(qtbot, page, lambda: QTest.keyClick(table, Qt.Key_Space)).close()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)

    # the chart's bars: Enter on the chart goes to the table of the same figures, on the first figure
    page.tabs.setCurrentIndex(1)
    chart, figures = page.neighbourhood_chart, page.neighbourhood_table
    chart.setFocus()
    QTest.keyClick(chart, Qt.Key_Return)
    qtbot.waitUntil(figures.hasFocus, timeout=1000)
    assert figures.currentIndex() == page.neighbourhood_model.index(0, 2)  # « Suivis » of the largest quartier
    dialog = drilled(qtbot, page, lambda: QTest.keyClick(figures, Qt.Key_Enter))
    assert dialog.model.rowCount() == int(page.neighbourhood_set.at(page.neighbourhood_set.count() - 1))


def test_figures_over_a_thousand_are_written_the_french_way(qtbot, db):
    from core.demo import build_demo
    from tests.conftest import DEMO_TODAY

    build_demo(db, cases=1500, seed=11, today=DEMO_TODAY)
    window, page = open_dashboard(qtbot, db)
    followed = page.data.totals["suivis"]
    assert followed >= 1000
    thousands, rest = divmod(followed, 1000)
    written = f"{thousands}\u00a0{rest:03d}"  # « 1 234 »: Babel's no-break space, never « 1234 » nor « 1,234 »
    assert f"{written}\u00a0dossiers suivis" in page.summary.text()
    column = next(i for i in range(page.neighbourhood_model.columnCount())
                  if page.neighbourhood_model.horizontalHeaderItem(i).text() == "Suivis")
    figures = [page.neighbourhood_model.item(r, column).text() for r in range(page.neighbourhood_model.rowCount())]
    assert all(text.replace("\u00a0", "").isdigit() for text in figures)
    window.show_view("dossiers")
    window.case_list.load_now()
    qtbot.waitUntil(lambda: window.case_list.model.complete, timeout=20000)
    assert "\u00a0" in window.count_label.text() and "dossiers" in window.count_label.text()
