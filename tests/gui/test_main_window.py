"""The first main window lists the cases of the database."""
from PySide6.QtCore import Qt

from core.case_list import COLUMNS
from db.search import fold
from core.auth import first_administrator
from gui.case_table_model import CaseTableModel
from gui.main_window import MainWindow
from tests.gui.typing import type_text


def open_list(qtbot, database):
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    window.show_view("dossiers")
    page = window.case_list
    page.status_combo.setCurrentIndex(1)  # all statuses
    page.load_now()
    return window, page


def test_main_window_lists_demo_cases(qtbot, demo_db):
    window, page = open_list(qtbot, demo_db)
    window.model = page.model
    assert window.model.rowCount() == 200
    assert "200\u00a0dossiers" in window.count_label.text()
    assert demo_db.describe() in " ".join(w.text() for w in window.statusBar().findChildren(type(window.count_label)))
    headers = [window.model.headerData(i, Qt.Horizontal).replace("\n", " ") for i in range(window.model.columnCount())]
    assert headers == [title for _key, title in COLUMNS] + ["Portable"]  # who took the case on a laptop
    first = window.model.index(0, 0).data()
    assert first and first[:2] == "20"
    assert "Médiation Habitat" in window.windowTitle()


def test_search_as_you_type_ignores_accents(qtbot, demo_db):
    window, window = open_list(qtbot, demo_db)
    households = [window.model.row_at(r).household for r in range(200)]
    household = next(name for name in households if "É" in name.split()[0] or "È" in name.split()[0])
    plain = fold(household.split()[0])
    assert plain.isascii()
    qtbot.keyClicks(window.search_edit, plain)
    qtbot.waitUntil(lambda: 0 < window.model.rowCount() < 200, timeout=2000)
    shown = {window.model.row_at(r).household for r in range(window.model.rowCount())}
    assert household in shown


def test_typing_accented_letters_in_search(qtbot, demo_db):
    window, window = open_list(qtbot, demo_db)
    households = [window.model.row_at(r).household for r in range(200)]
    word = next(w for name in households for w in name.split()[1:] if not w.isascii() and w[0].isupper())
    typed = word.lower()
    type_text(qtbot, window.search_edit, typed)
    assert window.search_edit.text() == typed
    qtbot.waitUntil(lambda: 0 < window.model.rowCount() < 200, timeout=2000)
    shown = [window.model.row_at(r).household for r in range(window.model.rowCount())]
    assert all(fold(word) in fold(name) for name in shown), shown


def test_empty_database_says_so(qtbot, db):
    _window, window = open_list(qtbot, db)
    assert window.model.rowCount() == 0
    assert window.empty_label.isVisible()
    assert "Aucun dossier" in window.empty_label.text()
    assert "Ctrl+N" in window.empty_label.text() and "uv run" not in window.empty_label.text()  # words for a user


def test_case_table_model_passes_qt_model_tester(qtmodeltester, demo_db):
    model = CaseTableModel(demo_db, actor=first_administrator(demo_db))
    model.reload()
    qtmodeltester.check(model)


def test_sorting_is_done_by_the_core(demo_db):
    model = CaseTableModel(demo_db, actor=first_administrator(demo_db))
    model.reload()
    reference_column = [key for key, _ in COLUMNS].index("reference")
    model.sort(reference_column, Qt.AscendingOrder)
    references = [model.row_at(r).reference for r in range(model.rowCount())]
    assert references == sorted(references)
    model.sort(reference_column, Qt.DescendingOrder)
    assert model.row_at(0).reference == references[-1]


def test_views_are_built_when_first_shown_and_a_change_does_not_build_the_others(qtbot, demo_db):
    from gui.main_window import START_VIEW

    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    window.show()
    assert set(window.pages.built()) == {START_VIEW, "dossiers"}  # start-up builds the first view and the list
    assert window.current_page() is window.pages.built()[START_VIEW]
    window.show_view("relogement")
    relocation = window.pages.built()["relogement"]
    assert window.current_page() is relocation
    window.cases_changed()
    window.close()  # saving the window state builds nothing either
    assert set(window.pages.built()) == {START_VIEW, "dossiers", "relogement"}
    window.show_view("agenda")
    assert window.current_page() is window.pages["agenda"] and len(window.pages.built()) == 4
    assert window.pages["relogement"] is relocation  # built once


def test_a_case_opened_from_the_list_appears_at_once_and_fills_its_tabs_on_the_next_turn(qtbot, demo_db):
    from sqlalchemy import func, select

    from db import models as m

    window, page = open_list(qtbot, demo_db)
    page.table.setFocus()
    page.table.selectRow(3)
    reference = page.model.row_at(3).reference
    qtbot.keyClick(page.table, Qt.Key_Return)
    case_page = window.case_page
    assert window.current_page() is case_page
    assert case_page.title.text() == "Chargement du dossier…" and not case_page.loaded
    assert not case_page.ready_for_input()  # nothing can be typed into the forms before their data is there
    assert not case_page.tabs.isVisible() and case_page.waiting.isVisible()
    assert not case_page.has_unsaved_changes() and case_page.save()  # nothing to write before the data is there
    qtbot.waitUntil(lambda: case_page.loaded)
    assert case_page.title.text().startswith(reference) and case_page.ready_for_input()
    assert window.count_label.text() == reference
    assert case_page.journal.model.rowCount() > 0  # every tab has its data, not only the one on screen
    with demo_db.session() as session:
        openings = session.scalar(select(func.count(m.AuditEvent.id)).where(
            m.AuditEvent.action == "dossier.consultation"))
    assert openings == 1


def test_a_case_replaced_while_filling_shows_only_the_second_case(qtbot, demo_db):
    window, page = open_list(qtbot, demo_db)
    window.open_case(page.model.case_id_at(0), deferred=True)
    case_page = window.case_page
    qtbot.wait(1)  # the first steps may have run: another case is opened in the middle
    window.open_case(page.model.case_id_at(1), deferred=True)
    assert window.case_page is case_page  # the same widgets, now for the second case
    qtbot.waitUntil(lambda: case_page.loaded)
    qtbot.wait(100)  # the first case's late reads, if any, arrive and are dropped
    second = page.model.row_at(1).reference
    assert case_page.title.text().startswith(second) and case_page.case.reference == second
