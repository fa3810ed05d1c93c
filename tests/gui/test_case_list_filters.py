"""The filter bar, saved filters, markers, keyboard opening and remembered window state."""
from __future__ import annotations

from PySide6.QtCore import Qt

from gui.case_list_page import index_of
from gui.main_window import MainWindow


def list_page(qtbot, database):
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.show()
    window.show_view("dossiers")
    return window, window.case_list


def test_filters_are_applied_by_the_core_and_can_be_saved(qtbot, demo_db, monkeypatch):
    window, page = list_page(qtbot, demo_db)
    page.status_combo.setCurrentIndex(1)  # every status
    page.load_now()
    everything = page.model.rowCount()
    page.priority_combo.setCurrentIndex(index_of(page.priority_combo, ("urgente",)))
    page.load_now()
    urgent = page.model.rowCount()
    assert 0 < urgent < everything
    assert {page.model.row_at(r).priority for r in range(urgent)} == {"urgente"}
    assert f"{urgent} / {everything}" in page.count_text()

    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Urgences", True))
    page.save_current_filter()
    page.set_filter_values({"statuses": ()})
    page.load_now()
    assert page.model.rowCount() == everything
    page._fill_saved_menu()
    assert "Urgences" in [a.text() for a in page.saved_menu.actions()]
    page.apply_saved("Urgences")
    page.load_now()
    assert page.model.rowCount() == urgent


def test_overdue_filter_and_marker(qtbot, demo_db):
    window, page = list_page(qtbot, demo_db)
    page.overdue_check.setChecked(True)
    page.load_now()
    assert page.model.rowCount() > 0
    tip = page.model.index(0, 0).data(Qt.ToolTipRole)
    assert "En retard" in tip
    assert page.model.index(0, 0).data(Qt.DecorationRole) is not None


def test_enter_opens_the_selected_case(qtbot, demo_db):
    window, page = list_page(qtbot, demo_db)
    page.load_now()
    page.table.setFocus()
    page.table.selectRow(2)
    qtbot.keyClick(page.table, Qt.Key_Return)
    assert window.current_page() is window.case_page
    assert window.case_page.case_id == page.model.case_id_at(2)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window.case_page.tabs, Qt.Key_W, Qt.ControlModifier)  # Ctrl+W closes the case
    assert window.current_page() is page


def test_column_widths_and_window_size_are_remembered(qtbot, demo_db):
    window, page = list_page(qtbot, demo_db)
    from PySide6.QtCore import QSettings

    page.table.setColumnWidth(1, 333)
    window.splitter.setSizes([230, 900])
    splitter_state = window.splitter.saveState()
    window.close()
    assert QSettings().value("main_window/geometry") == window.saveGeometry()
    assert QSettings().value("main_window/splitter") == splitter_state
    again, again_page = list_page(qtbot, demo_db)
    assert again_page.table.columnWidth(1) == 333


def test_a_long_list_shows_its_sorted_first_page_then_the_rest_below_it(qtbot, db):
    from core.case_list import case_ids
    from core.demo import build_demo
    from tests.conftest import DEMO_TODAY

    build_demo(db, cases=900, seed=3, today=DEMO_TODAY)  # more than 200 open cases (old demo cases are mostly closed)
    window, page = list_page(qtbot, db)
    qtbot.waitUntil(lambda: page.model.complete and page.model.rowCount() > 200)
    events = []
    first_page = []
    page.model.modelReset.connect(lambda: (first_page.extend(page.model.ids), events.append(
        ("reset", page.model.rowCount(), page.model.complete, len(page.model.cache), page.count_text()))))
    page.model.rowsInserted.connect(lambda *_: events.append(("inserted", page.model.rowCount(), page.model.complete)))

    page.table.sortByColumn(1, Qt.AscendingOrder)  # Ménage
    qtbot.waitUntil(lambda: len(events) == 2)

    with db.session() as session:
        expected = case_ids(session, page.model.query, window.actor)
    assert len(expected) > 200
    # First the first 200 sorted cases, read in the background with the rows of a screenful and more, with a
    # word saying more is coming…
    from gui.case_list_page import FIRST_ROWS

    assert events[0] == ("reset", 200, False, FIRST_ROWS,
                         "200 premiers dossiers affichés, suite en cours de chargement…")
    # …then the rest appended below them, not a second reset that would lose the scroll position, with the
    # rows of the whole first page: scrolling through it reads nothing on the GUI thread.
    assert events[1] == ("inserted", len(expected), True)
    assert first_page == expected[:200] and page.model.ids == expected
    assert all(case_id in page.model.cache for case_id in expected[:200])
    assert "premiers" not in page.count_text()


def test_a_case_list_closed_while_loading_drops_its_late_rows(qtbot, demo_db, monkeypatch):
    import threading

    import shiboken6

    import gui.case_list_page as case_list_page

    release, finished = threading.Event(), threading.Event()
    real_first_page = case_list_page.case_list_first_page

    def held_back(*args, **kwargs):
        release.wait(5)
        try:
            return real_first_page(*args, **kwargs)
        finally:
            finished.set()

    monkeypatch.setattr(case_list_page, "case_list_first_page", held_back)
    window = MainWindow(demo_db)
    window.show()
    window.show_view("dossiers")
    page = window.case_list
    window.close()
    window.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(page), timeout=5000)
    release.set()
    assert finished.wait(5)
    qtbot.wait(200)  # an exception in the slot (a deleted window's list or status bar) would fail this test


def test_late_markers_survive_a_short_search_made_before_the_whole_list_arrived(qtbot, demo_db, monkeypatch):
    """A search whose few cases fit one page read only their own late cases: the next list must not take
    them for every late case (the markers of all the others vanished)."""
    from core.queries import case_list as queries

    monkeypatch.setattr(queries, "OVERDUE_AMONG_AT_MOST", 20)  # the demo's open cases stand for 100,000
    window, page = list_page(qtbot, demo_db)
    qtbot.waitUntil(lambda: page.model.complete and page.model.rowCount() > 20, timeout=10000)
    every_late = set(page.model.overdue)
    assert len(every_late) > 1
    page.mark_overdue_stale()  # as after a save: late markers to read again
    late_id = next(iter(every_late))
    reference = page.model.row_at(page.model.ids.index(late_id)).reference
    page.search_edit.setText(reference)
    page.apply_filters()
    qtbot.waitUntil(lambda: page.model.complete and page.model.ids == [late_id], timeout=10000)
    page.search_edit.setText("")
    page.apply_filters()
    qtbot.waitUntil(lambda: page.model.complete and page.model.rowCount() > 20, timeout=10000)
    assert set(page.model.overdue) == every_late


def test_a_sort_reads_the_list_once(qtbot, demo_db):
    """QTableView.sortByColumn asks the model to sort twice; the list is read once (twice the work on the
    pool and the interpreter otherwise), and the same sort asked again later is read again."""
    window, page = list_page(qtbot, demo_db)
    qtbot.waitUntil(lambda: page.model.complete and page.model.rowCount() > 0, timeout=10000)
    loads = []
    load = page.model.loader
    page.model.loader = lambda query: (loads.append(query), load(query))
    page.table.sortByColumn(1, Qt.AscendingOrder)
    assert [q.sort for q in loads] == ["household"]
    qtbot.waitUntil(lambda: page.model.complete and page.model.query.sort == "household", timeout=10000)
    page.table.sortByColumn(1, Qt.DescendingOrder)
    page.table.sortByColumn(1, Qt.AscendingOrder)
    qtbot.wait(20)
    page.table.sortByColumn(1, Qt.AscendingOrder)
    assert [(q.sort, q.descending) for q in loads] == [("household", False), ("household", True),
                                                      ("household", False), ("household", False)]


def test_the_rest_of_a_long_list_is_read_once_its_first_rows_are_painted(qtbot, db, monkeypatch):
    """A search's first rows are painted before the whole list is read: that paint does not share the
    interpreter with the read. The number of cases, no longer counted at each search, still follows a case
    added meanwhile."""
    from PySide6.QtCore import QEvent, QObject
    from sqlalchemy import select

    import gui.case_list_page as case_list_page
    from core.demo import build_demo
    from core.services import cases
    from db import models as m
    from tests.conftest import DEMO_TODAY

    build_demo(db, cases=900, seed=3, today=DEMO_TODAY)
    window, page = list_page(qtbot, db)
    qtbot.waitUntil(lambda: page.model.complete and page.model.rowCount() > 200, timeout=10_000)
    shown_before = page.count_text()
    events = []

    class PaintWatch(QObject):
        def eventFilter(self, _watched, event):  # noqa: N802 - Qt API
            if event.type() == QEvent.Paint:
                events.append("paint")
            return False

    watch = PaintWatch()
    page.table.viewport().installEventFilter(watch)
    real_ids = case_list_page.case_list_ids
    monkeypatch.setattr(case_list_page, "case_list_ids", lambda *a, **k: (events.append("whole list"), real_ids(*a, **k))[1])
    page.model.modelReset.connect(lambda: events.append("first rows"))
    page.table.sortByColumn(1, Qt.AscendingOrder)  # Ménage
    qtbot.waitUntil(lambda: "whole list" in events and page.model.complete, timeout=10_000)
    since = events[events.index("first rows"):]
    assert since.index("paint") < since.index("whole list")
    assert page.count_text() == shown_before

    with db.session() as session:
        commune = session.scalar(select(m.Commune).where(m.Commune.name == "Lille"))
        commune_id, postcode = commune.id, commune.postcode
    new = cases.create_case(db, window.actor, household={"last_name": "Nouvelle"}, source="habitant",
                            dwelling={"street": "rue du Terrain", "postcode": postcode, "commune_id": commune_id,
                                      "tenure": "locataire_prive"})
    window.apply_changes(new)
    shown, total = numbers_in(shown_before)  # « 392 / 900 dossiers »: the list's open cases among all of them
    qtbot.waitUntil(lambda: page.model.complete and numbers_in(page.count_text()) == [shown + 1, total + 1],
                    timeout=10_000)


def numbers_in(text: str) -> list[int]:
    import re

    return [int(n) for n in re.findall(r"\d+", text.replace("\u202f", "").replace("\xa0", ""))]
