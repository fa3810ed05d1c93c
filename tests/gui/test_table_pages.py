"""The four table pages (échéances, agenda, relogement, commissions) load their rows off the GUI thread.

Each test drives a real MainWindow on the 200-case demo database. `fetch_rows` is wrapped only to
record the thread it ran on, or to hold an older request back until a newer one is shown.
"""
from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtCore import QThreadPool
from sqlalchemy import delete, func, select

from db import models as m
from gui.agenda_page import AgendaPage, week_start
from gui.commissions_page import CommissionsPage
from gui.main_window import MainWindow
from gui.relocation_page import RelocationPage
from gui.tasks_page import TasksPage
from tests.conftest import DEMO_TODAY

PAGES = {"echeances": TasksPage, "agenda": AgendaPage, "relogement": RelocationPage, "commissions": CommissionsPage}


def record_threads(monkeypatch, page_class) -> list[threading.Thread]:
    """Wrap page_class.fetch_rows to note the thread of each call; returns that list."""
    threads: list[threading.Thread] = []
    original = page_class.fetch_rows

    def recording(database, actor, params):
        threads.append(threading.current_thread())
        return original(database, actor, params)

    monkeypatch.setattr(page_class, "fetch_rows", staticmethod(recording))
    return threads


def hold_back(monkeypatch, page_class, held) -> tuple[threading.Event, threading.Event]:
    """Requests whose params satisfy held(params) wait for `release`; `finished` is set when one returns."""
    release, finished = threading.Event(), threading.Event()
    original = page_class.fetch_rows

    def slow(database, actor, params):
        if held(params):
            release.wait(10)
            rows = original(database, actor, params)
            finished.set()
            return rows
        return original(database, actor, params)

    monkeypatch.setattr(page_class, "fetch_rows", staticmethod(slow))
    return release, finished


def make_window(qtbot, database) -> MainWindow:
    window = MainWindow(database)
    qtbot.addWidget(window)
    window.pages["agenda"].week = week_start(DEMO_TODAY)  # the demo visits are around DEMO_TODAY
    return window


def expected_rows(page) -> list[dict]:
    return type(page).fetch_rows(page.database, page.actor, page.load_params())


def wait_shown(qtbot, page) -> None:
    qtbot.waitUntil(lambda: not page.loading and not page._stale, timeout=5000)


def settle(qtbot, page) -> None:
    """Nothing left in the pool (the reminder refresh of « Mes échéances » included), the rows shown."""
    def idle():
        return QThreadPool.globalInstance().activeThreadCount() == 0 and not page.loading and not page._stale

    qtbot.waitUntil(idle, timeout=10000)
    qtbot.wait(20)  # a last answer queued for the GUI thread
    qtbot.waitUntil(idle, timeout=10000)


@pytest.mark.parametrize("key", list(PAGES))
def test_each_page_fills_its_rows_in_the_background(qtbot, demo_db, monkeypatch, key):
    threads = record_threads(monkeypatch, PAGES[key])
    window = make_window(qtbot, demo_db)
    page = window.pages[key]
    window.show()
    window.show_view(key)
    # Requested, not read yet: the GUI thread went on with an empty table and a loading sentence.
    assert page.loading
    assert page.model.rowCount() == 0
    assert page.empty.isVisible() and page.empty.text() == page.LOADING_TEXT
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    assert not page.loading
    settle(qtbot, page)  # « Mes échéances » reloads once its reminder refresh is done
    assert threads and all(thread is not threading.main_thread() for thread in threads)
    assert page.model.rows == expected_rows(page)
    assert page.table.isVisible() and not page.empty.isVisible()
    assert page.empty.text() == page.EMPTY_TEXT
    assert window.count_label.text() == page.count_text() != ""


def test_refresh_now_loads_on_the_spot(qtbot, demo_db):
    window = make_window(qtbot, demo_db)
    page = window.pages["relogement"]
    assert page.model.rowCount() == 0  # hidden: nothing loaded
    page.refresh_now()
    assert page.model.rows == expected_rows(page) != []
    assert page.table.current_row() == 0


def test_a_newer_relocation_filter_wins_over_an_older_one(qtbot, demo_db, monkeypatch):
    release, finished = hold_back(monkeypatch, RelocationPage, lambda params: params[0] == "reloge")
    window = make_window(qtbot, demo_db)
    window.show()
    window.show_view("relogement")
    page = window.pages["relogement"]
    wait_shown(qtbot, page)
    combo = page.stage_combo
    combo.setCurrentIndex(combo.findData("reloge"))  # held back: answers after the next one
    combo.setCurrentIndex(combo.findData("abandon"))
    expected = expected_rows(page)
    assert expected and {row["stage"] for row in expected} == {"Abandon"}
    qtbot.waitUntil(lambda: page.model.rows == expected, timeout=5000)
    release.set()
    assert finished.wait(5)
    qtbot.wait(100)  # the older answer reaches the GUI thread, and is dropped
    assert page.model.rows == expected
    assert not page.loading


def test_a_newer_task_filter_wins_over_an_older_one(qtbot, demo_db, monkeypatch):
    window = make_window(qtbot, demo_db)
    window.show()
    page = window.pages["echeances"]
    settle(qtbot, page)
    page.horizon_combo.setCurrentIndex(2)
    settle(qtbot, page)
    # (read before the hold: read after, it waited for the release itself, 10 s)
    seven_days = TasksPage.fetch_rows(demo_db, page.actor, (*page.load_params()[:1], 7, *page.load_params()[2:]))
    release, finished = hold_back(monkeypatch, TasksPage, lambda params: params[1] == 7)
    page.horizon_combo.setCurrentIndex(0)  # 7 days, held back
    page.horizon_combo.setCurrentIndex(1)  # 30 days
    expected = expected_rows(page)
    assert len(expected) > len(seven_days)  # the two answers differ
    qtbot.waitUntil(lambda: page.model.rows == expected and not page.loading, timeout=5000)
    release.set()
    assert finished.wait(5)
    qtbot.wait(100)
    assert page.model.rows == expected
    assert page.count_text().startswith(f"{len(expected)}\u00a0échéances")


def test_a_newer_agenda_scope_wins_over_an_older_one(qtbot, demo_db, monkeypatch):
    release, finished = hold_back(monkeypatch, AgendaPage, lambda params: params[1] == "week")
    window = make_window(qtbot, demo_db)
    window.show()
    window.show_view("agenda")  # the first load (this week) is held back
    page = window.pages["agenda"]
    page.scope_combo.setCurrentIndex(page.scope_combo.findData("conclusion_a_renseigner"))
    expected = expected_rows(page)
    assert expected and {row["_visit_status"] for row in expected} == {"conclusion_a_renseigner"}
    qtbot.waitUntil(lambda: page.model.rows == expected and not page.loading, timeout=5000)
    release.set()
    assert finished.wait(5)
    qtbot.wait(100)
    assert page.model.rows == expected


def test_relocation_selects_its_first_row_and_shows_its_proposals_once_loaded(qtbot, demo_db):
    window = make_window(qtbot, demo_db)
    window.show()
    page = window.pages["relogement"]
    page.stage_combo.setCurrentIndex(page.stage_combo.findData("proposition"))  # hidden: no load yet
    assert not page.loading
    window.show_view("relogement")
    assert page.table.current_row() == -1 and page.proposals.model.rowCount() == 0
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    assert page.table.current_row() == 0
    first = page.model.row(0)
    with demo_db.session() as session:
        proposals = session.scalar(select(func.count()).select_from(m.Proposal)
                                   .where(m.Proposal.relocation_id == first["_id"]))
    assert proposals > 0
    qtbot.waitUntil(lambda: page.proposals.model.rowCount() == proposals, timeout=5000)
    assert first["household"] in page.proposals.title.text()
    assert page.proposals.table.isVisible() and not page.proposals.empty.isVisible()


def test_commissions_select_the_latest_and_show_its_agenda_once_loaded(qtbot, demo_db):
    window = make_window(qtbot, demo_db)
    window.show()
    window.show_view("commissions")
    page = window.pages["commissions"]
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    assert page.table.current_row() == 0
    with demo_db.session() as session:
        items = session.scalar(select(func.count()).select_from(m.CommissionItem)
                               .where(m.CommissionItem.commission_id == page.model.id_at(0)))
    qtbot.waitUntil(lambda: not page.items.loading, timeout=5000)
    assert page.items.model.rowCount() == items
    # Another commission chosen, then the list reloaded: the choice is kept.
    page.table.selectRow(1)
    chosen = page.model.id_at(1)
    page.refresh()
    assert page.loading
    qtbot.waitUntil(lambda: not page.loading and not page.items.loading, timeout=5000)
    assert page.selected_commission_id() == chosen
    assert {row["_commission_id"] for row in page.items.model.rows} <= {chosen}


def test_a_hidden_page_does_not_load_until_shown(qtbot, demo_db, monkeypatch):
    threads = record_threads(monkeypatch, RelocationPage)
    task_threads = record_threads(monkeypatch, TasksPage)
    window = make_window(qtbot, demo_db)
    tasks = window.pages["echeances"]
    qtbot.wait(50)
    # Built on « Mes échéances » but not shown: no load yet.
    assert not task_threads and not tasks.loading
    window.show()
    qtbot.waitUntil(lambda: tasks.model.rowCount() > 0, timeout=5000)
    window.cases_changed()  # every page is stale; only the one on screen reloads
    wait_shown(qtbot, tasks)
    assert not threads
    page = window.pages["relogement"]
    assert page._stale and page.model.rowCount() == 0
    window.show_view("relogement")
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    qtbot.wait(50)
    assert len(threads) == 1  # shown once, loaded once


def test_marking_a_task_done_reloads_and_selects_the_next_one(qtbot, demo_db):
    window = make_window(qtbot, demo_db)
    window.show()
    page = window.pages["echeances"]
    settle(qtbot, page)
    assert page.model.rowCount() > 3
    page.table.selectRow(2)
    done = page.selected()
    following = page.model.row(3)
    page.mark_done()
    qtbot.waitUntil(lambda: not page.loading and all(row["_id"] != done["_id"] for row in page.model.rows),
                    timeout=5000)
    assert page.selected()["_id"] == following["_id"]
    with demo_db.session() as session:
        assert session.get(m.Task, done["_id"]).done_on is not None


def test_rows_arriving_after_the_window_is_gone_are_dropped(qtbot, demo_db, monkeypatch):
    release, finished = hold_back(monkeypatch, CommissionsPage, lambda params: True)
    window = MainWindow(demo_db)
    window.show()
    window.show_view("commissions")
    page = window.pages["commissions"]
    assert page.loading
    window.close()
    window.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(page), timeout=5000)
    release.set()
    assert finished.wait(5)
    qtbot.wait(100)  # an exception in the slot would fail this test (pytest-qt)


@pytest.mark.qt_no_exception_capture
def test_a_failed_load_says_so_and_reports_the_error(qtbot, demo_db, monkeypatch):
    import sys

    reported = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: reported.append(info))

    def broken(database, actor, params):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr(CommissionsPage, "fetch_rows", staticmethod(broken))
    window = make_window(qtbot, demo_db)
    window.show()
    window.show_view("commissions")
    page = window.pages["commissions"]
    qtbot.waitUntil(lambda: not page.loading, timeout=5000)
    assert page.empty.isVisible() and page.empty.text() == page.FAILED_TEXT
    assert len(reported) == 1 and str(reported[0][1]) == "base indisponible"


def test_the_reminder_rules_run_after_start_up_and_the_queue_shows_their_tasks(qtbot, demo_db, monkeypatch):
    import gc

    import gui.main_window

    monkeypatch.setattr(gc, "freeze", lambda: None)  # the application's start-up tweak, not for the test process
    with demo_db.write() as session:
        session.execute(delete(m.Task).where(m.Task.rule_key.is_not(None)))
    monkeypatch.setattr(gui.main_window, "QUIET_MS", 10)
    window = make_window(qtbot, demo_db)
    window.show()
    tasks = window.pages["echeances"]
    tasks.all_check.setChecked(True)
    tasks.horizon_combo.setCurrentIndex(tasks.horizon_combo.count() - 1)  # every échéance

    def derived() -> int:
        with demo_db.session() as session:
            return session.scalar(select(func.count()).select_from(m.Task).where(m.Task.rule_key.is_not(None)))

    qtbot.waitUntil(lambda: derived() > 0, timeout=10000)
    # The page on screen reloads by itself once the rules have run.
    qtbot.waitUntil(lambda: not tasks.loading and any(row["rule"] != "Échéance manuelle"
                                                      for row in tasks.model.rows), timeout=10000)


def test_the_start_up_reminder_run_waits_for_a_quiet_window(qtbot, demo_db, monkeypatch):
    import gc
    import time

    import gui.main_window
    from gui.workers import run_in_background

    monkeypatch.setattr(gc, "freeze", lambda: None)
    monkeypatch.setattr(gui.main_window, "QUIET_MS", 400)
    runs = []
    monkeypatch.setattr(MainWindow, "refresh_reminders", lambda self: runs.append(time.perf_counter()))
    window = make_window(qtbot, demo_db)
    window.show()
    busy_until = time.perf_counter() + 1.2
    while time.perf_counter() < busy_until:  # the user keeps the window busy: a background load every 100 ms
        run_in_background(lambda: None, lambda _result: None)
        qtbot.wait(100)
    assert not runs
    qtbot.waitUntil(lambda: bool(runs), timeout=3000)
    assert runs[0] - busy_until >= 0.25  # it started only once things had been quiet a while
    qtbot.wait(600)
    assert len(runs) == 1  # once per start, the latest-time timer adds nothing


def test_the_start_up_reminder_run_happens_at_the_latest_time_even_if_never_quiet(qtbot, demo_db, monkeypatch):
    import gc

    import gui.main_window
    from gui.workers import run_in_background

    monkeypatch.setattr(gc, "freeze", lambda: None)
    monkeypatch.setattr(gui.main_window, "QUIET_MS", 400)
    monkeypatch.setattr(gui.main_window, "LATEST_MS", 800)
    runs = []
    monkeypatch.setattr(MainWindow, "refresh_reminders", lambda self: runs.append(True))
    window = make_window(qtbot, demo_db)
    window.show()
    for _ in range(15):
        run_in_background(lambda: None, lambda _result: None)
        qtbot.wait(100)
    assert runs == [True]


def test_a_proposal_added_from_the_page_reloads_it_keeps_the_household_and_leaves_unconcerned_views(
        qtbot, demo_db, monkeypatch):
    from gui.relocation_dialogs import ProposalDialog

    def fill_and_save(dialog) -> int:
        dialog.form.fields["dwelling_description"].setText("T3, 1er étage, Hellemmes")
        dialog.submit()
        return int(dialog.result_changes is not None)

    monkeypatch.setattr(ProposalDialog, "exec", fill_and_save)
    window = make_window(qtbot, demo_db)
    window.show()
    window.show_view("agenda")
    agenda = window.pages["agenda"]
    wait_shown(qtbot, agenda)
    window.show_view("relogement")
    page = window.pages["relogement"]
    qtbot.waitUntil(lambda: page.model.rowCount() > 3 and not page.proposals.loading, timeout=5000)
    page.table.selectRow(2)
    chosen = page.selected()
    qtbot.waitUntil(lambda: not page.proposals.loading, timeout=5000)
    before = page.proposals.model.rowCount()
    page.add_proposal()
    assert page.loading  # the page a write came from reloads
    qtbot.waitUntil(lambda: not page.loading and not page.proposals.loading
                    and page.proposals.model.rowCount() == before + 1, timeout=5000)
    assert page.selected()["_id"] == chosen["_id"]
    assert page.model.row(page.table.current_row())["proposals"] == before + 1
    assert any(row["dwelling"] == "T3, 1er étage, Hellemmes" for row in page.proposals.model.rows)
    assert not agenda._stale  # a proposal is not a visit, and the agenda does not show that case


def test_idle_work_waits_for_a_job_started_between_the_last_ones_end_and_its_turn(qtbot):
    """Start-up's idle work (the case file's warm-up) runs only when no read runs: a search typed in the
    instant after the last read ended must not find the warm-up sharing the interpreter with it."""
    import threading

    from gui.workers import run_in_background, when_idle

    order = []
    release = threading.Event()

    def first_read_done(_result) -> None:  # its end has woken the idle work, for the next turn of the loop…
        order.append("first read done")
        run_in_background(lambda: release.wait(5), lambda _result: order.append("search done"))  # …typed now

    run_in_background(lambda: None, first_read_done)
    when_idle(lambda: order.append("idle work"))
    qtbot.waitUntil(lambda: order == ["first read done"], timeout=5000)
    qtbot.wait(100)
    assert order == ["first read done"]
    release.set()
    qtbot.waitUntil(lambda: order == ["first read done", "search done", "idle work"], timeout=5000)
