"""Typing a search and opening a case run no SQL on the GUI thread: every statement goes through the pool
(an SQLAlchemy event records the thread of each statement)."""
from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from sqlalchemy import event, select

from core.auth import actor_for
from db import models as m
from gui.main_window import MainWindow


def test_search_and_case_opening_send_no_statement_from_the_gui_thread(qtbot, demo_db):
    with demo_db.session() as session:
        manager = actor_for(session.scalars(select(m.User).where(m.User.role == "manager")).first())
    window = MainWindow(demo_db, manager)
    qtbot.addWidget(window)
    window.show()
    window.show_view("dossiers")
    page = window.case_list
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and page.model.complete, timeout=10_000)
    qtbot.waitUntil(lambda: window.form_choices is not None, timeout=10_000)  # read in the pool at start-up
    on_gui_thread: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        if threading.current_thread() is threading.main_thread():
            on_gui_thread.append(statement.split("\n", 1)[0][:120])

    event.listen(demo_db.engine, "before_cursor_execute", record)
    try:
        before = page.model.rowCount()
        page.search_edit.setText("rue")
        qtbot.waitUntil(lambda: page.model.complete and page.model.rowCount() != before, timeout=10_000)
        page.table.setFocus()
        page.table.selectRow(0)
        qtbot.keyClick(page.table, Qt.Key_Return)
        qtbot.waitUntil(lambda: window.case_page is not None and window.case_page.loaded, timeout=10_000)
        qtbot.wait(50)
    finally:
        event.remove(demo_db.engine, "before_cursor_execute", record)
    assert window.case_page.case is not None
    assert on_gui_thread == [], "\n".join(on_gui_thread)
