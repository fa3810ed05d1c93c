"""Sabrina, an agent of the demo base, opens Relogement, Mes échéances (« Toute l'équipe ») and the Tableau de
bord: she sees the households and figures of her sectors and assignments, and no one else's."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from sqlalchemy import select

from core.access import agent_can_reach_case
from core.auth import actor_for
from db import models as m
from gui.main_window import MainWindow
from tests.conftest import DEMO_TODAY


def sabrina_window(qtbot, database) -> tuple[MainWindow, set[int], set[str]]:
    with database.session() as session:
        actor = actor_for(session.scalars(select(m.User).where(m.User.login == "sabrina")).one())
        rows = session.execute(select(m.Case.id, m.Household.last_name)
                               .join(m.Household, m.Household.id == m.Case.household_id)).all()
        reachable = {case_id for case_id, _name in rows if agent_can_reach_case(session, actor, case_id)}
    inside_names = {name.upper() for case_id, name in rows if case_id in reachable}
    outside_names = {name.upper() for case_id, name in rows if case_id not in reachable} - inside_names
    window = MainWindow(database, actor)
    qtbot.addWidget(window)
    window.show()
    return window, reachable, outside_names


def test_relocation_page_lists_only_her_households(qtbot, demo_db):
    window, reachable, outside_names = sabrina_window(qtbot, demo_db)
    window.show_view("relogement")
    page = window.pages["relogement"]
    page.refresh_now()
    rows = page.model.rows
    assert rows and all(row["_case_id"] in reachable for row in rows)
    shown = {row["household"].split()[0] for row in rows}
    assert not shown & outside_names
    with demo_db.session() as session:
        under_way = session.scalar(select(m.Relocation.id).where(m.Relocation.status == "en_cours").limit(1))
        all_under_way = len(session.scalars(select(m.Relocation.id).where(m.Relocation.status == "en_cours")).all())
    assert under_way is not None and len(rows) < all_under_way


def test_the_whole_team_box_shows_only_tasks_of_her_scope(qtbot, demo_db):
    window, reachable, _outside = sabrina_window(qtbot, demo_db)
    page = window.pages["echeances"]
    assert not page.all_check.isChecked()  # an agent starts on her own queue
    page.all_check.setChecked(True)
    page.horizon_combo.setCurrentIndex(page.horizon_combo.count() - 1)
    page.refresh_now()
    team = page.model.rows
    assert team and all(row["_case_id"] in reachable for row in team if row["_case_id"])
    page.all_check.setChecked(False)
    page.refresh_now()
    assert {row["assignee"] for row in page.model.rows} <= {window.actor.full_name}
    assert len(page.model.rows) < len(team)


def test_dashboard_counts_her_cases_and_leaves_the_bilan_to_managers(qtbot, demo_db):
    window, reachable, _outside = sabrina_window(qtbot, demo_db)
    window.show_view("tableau-de-bord")
    page = window.pages["tableau-de-bord"]
    assert not page.bilan_button.isEnabled()
    assert "responsables" in page.bilan_button.toolTip()
    page.start_edit.setDate(QDate(2025, 1, 1))
    page.end_edit.setDate(QDate(DEMO_TODAY.year, DEMO_TODAY.month, DEMO_TODAY.day))
    page.data = None
    page.refresh()
    qtbot.waitUntil(lambda: page.data is not None and page.data.start == date(2025, 1, 1), timeout=20000)
    assert page.summary.text().startswith("Vos dossiers (secteurs et attributions) — ")
    model = page.objective_model
    column = next(i for i in range(model.columnCount()) if model.horizontalHeaderItem(i).text() == "Suivis")
    row = max(range(model.rowCount()), key=lambda r: int(model.item(r, column).text()))
    page.objective_table.clicked.emit(model.index(row, column))
    qtbot.waitUntil(lambda: page.last_dialog is not None, timeout=10000)
    dialog = page.last_dialog
    ids = [dialog.model.case_id_at(r) for r in range(dialog.model.rowCount())]
    assert ids and len(ids) == int(model.item(row, column).text()) and set(ids) <= reachable
    assert dialog.windowTitle().startswith("Dossiers suivis — ")
    assert model.item(row, 0).data(Qt.UserRole) is not None


def test_commissions_show_her_cases_and_leave_the_meetings_to_managers(qtbot, demo_db):
    window, reachable, _outside = sabrina_window(qtbot, demo_db)
    window.show_view("commissions")
    page = window.pages["commissions"]
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and not page.items.loading, timeout=5000)
    new, add, decide, open_case = page.tools.itemAt(page.tools.count() - 1).widget(), *page.items.buttons
    assert not new.isEnabled() and not add.isEnabled() and not decide.isEnabled() and open_case.isEnabled()
    assert add.toolTip() == "Réservé aux responsables et aux administrateurs."
    seen = 0
    for row in range(page.model.rowCount()):
        page.table.selectRow(row)
        qtbot.waitUntil(lambda: not page.items.loading, timeout=5000)
        assert all(item["_case_id"] in reachable for item in page.items.model.rows)
        assert len(page.items.model.rows) == page.model.row(row)["items"]
        seen += len(page.items.model.rows)
    assert seen > 0
    if not page.items.model.rows:
        assert "vos secteurs" in page.items.empty.text()
