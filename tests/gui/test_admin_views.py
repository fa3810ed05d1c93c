"""The window refreshes only the views a write concerns; administration views filled from query results."""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import func, select

from core.actor import Actor
from core.queries.admin import AuditRow, UserRow, session_lock_minutes
from core.queries.reference import (
    AgentRow,
    CommuneRow,
    GridRow,
    LineRow,
    NeighbourhoodRow,
    ObjectiveRow,
    PartnerRow,
    ReferenceTables,
    VocabularyRow,
)
from core.services.base import Changes
from db import models as m
from gui.view_refresh import shown_case_ids, view_concerned
from tests.core.trade_helpers import make_user

VIEWS = ("tableau-de-bord", "dossiers", "agenda", "relogement", "commissions", "echeances", "referentiels")


def _concerned(entity, case_ids=(), shown=None) -> set[str]:
    return {view for view in VIEWS if view_concerned(view, entity, case_ids, shown)}


def test_a_new_visit_concerns_the_agenda_the_list_and_the_figures_not_the_other_boards():
    assert _concerned("visit", {7}, shown=frozenset({1, 2})) == {"agenda", "dossiers", "tableau-de-bord"}


def test_a_renamed_household_concerns_only_the_views_that_show_its_case():
    assert _concerned("household", {7}, shown=frozenset({1, 2})) == {"dossiers", "tableau-de-bord"}
    assert _concerned("household", {2}, shown=frozenset({1, 2})) == set(VIEWS) - {"referentiels"}
    # a view that cannot tell which cases it shows reloads
    assert "agenda" in _concerned("household", {7}, shown=None)


def test_settings_concern_no_view_and_accounts_the_list_and_the_agents_tab():
    assert _concerned("setting") == set()
    assert _concerned("user") == {"dossiers", "referentiels"}


def test_reference_data_and_undescribed_writes():
    assert _concerned("neighbourhood") == set(VIEWS)  # its name is shown everywhere
    assert _concerned("", {3}) == set(VIEWS) - {"referentiels"}  # the window's older cases_changed()


def test_shown_cases_come_from_the_rows_or_are_unknown():
    page = SimpleNamespace(model=SimpleNamespace(rows=[{"_case_id": 4}, {"_case_id": 9}]))
    assert shown_case_ids(page) == {4, 9}
    page.model.rows.append({"_case_id": None})  # a visit of several cases
    assert shown_case_ids(page) is None
    assert shown_case_ids(SimpleNamespace()) is None


def test_the_window_marks_stale_only_the_views_a_change_concerns(qtbot, demo_db):
    from gui.main_window import MainWindow

    window = MainWindow(demo_db)
    qtbot.addWidget(window)
    marked = []
    pages = {key: window.pages[key] for key in ("agenda", "relogement", "echeances", "referentiels")}
    pages["dossiers"] = window.case_list
    for key in ("agenda", "relogement"):
        pages[key].refresh_now()
    for key, page in pages.items():
        page.mark_stale = lambda key=key: marked.append(key)
    on_board = shown_case_ids(pages["relogement"])
    in_agenda = shown_case_ids(pages["agenda"]) or frozenset()
    elsewhere = next(case_id for case_id in range(1, 201) if case_id not in on_board and case_id not in in_agenda)

    window.apply_changes(Changes("household", 1, {next(iter(on_board))}))
    assert "relogement" in marked and "dossiers" in marked and "referentiels" not in marked
    marked.clear()
    window.apply_changes(Changes("household", 1, {elsewhere}))
    assert set(marked) <= {"dossiers", "agenda", "echeances"} and "relogement" not in marked
    marked.clear()
    window.apply_changes(Changes("setting", "session_lock_minutes"))
    assert marked == []
    window.cases_changed({elsewhere})  # the other views' callers: every view showing cases
    assert set(marked) == {"dossiers", "agenda", "relogement", "echeances"}


def _tables() -> ReferenceTables:
    line = LineRow(11, 1, "O1.1", "Repérer les logements indignes", 1, True)
    return ReferenceTables(
        objectives=(ObjectiveRow(1, "O1", "Lutter contre l'habitat indigne", "", True, (line,)),),
        grid=(GridRow(5, "logement", "Humidité", "Moisissures étendues", 30, True, ("ars",),
                      ("Signalement ARS", "Arrêté"), True),),
        partners=(PartnerRow(3, "Vilogia", "bailleur_social", "Bailleur social", "Roubaix", "", "03 20 00 00 00",
                             "", "", False),),
        neighbourhoods=(NeighbourhoodRow(8, 2, "Roubaix", "L'Épeule", True, "QN05901M"),),
        communes=(CommuneRow(2, "Roubaix", "59512", "59100"),),
        vocabularies=(VocabularyRow("closure_reasons", "Motifs de clôture", "relogement", "Relogement", 1, True),),
        agents=(AgentRow(6, "Sabrina Haddouche", "sabrina", "agent", ("L'Épeule", "Alma"), "", True),),
    )


def test_the_reference_page_shows_query_rows_without_a_database(qtbot):
    from gui.reference_page import ReferencePage

    page = ReferencePage(SimpleNamespace(database=None, actor=Actor(6, "sabrina", "agent")))
    qtbot.addWidget(page)
    page.show_tables(_tables())
    grid = page.models["grid"].row(0)
    assert (grid["zone"], grid["danger"], grid["procedures"]) == ("Logement", "danger", "Signalement ARS, Arrêté")
    assert page.models["agents"].row(0)["role"] == "Agent de proximité"
    assert page.models["agents"].row(0)["sectors"] == "L'Épeule, Alma"
    assert page.models["vocabularies"].row(0)["_id"] == "closure_reasons:relogement"
    assert page.models["partners"].index(0, 6).data() == "non"
    objective = page.objectives.topLevelItem(0)
    assert objective.text(0) == "O1" and objective.child(0).text(1) == "Repérer les logements indignes"


def test_the_accounts_table_says_locked_and_disabled_in_french(qtbot, db, tmp_path):
    from gui.users_dialog import UsersDialog

    dialog = UsersDialog(db, make_user(db, login="adm", role="admin"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.loading and dialog.lock_spin.isEnabled())
    dialog.show_rows((UserRow(1, "camille", "Camille Martin", "manager", True, True, (), True),
                      UserRow(2, "paul", "Paul Leroy", "agent", False, False, ("Alma", "L'Épeule"), False)))
    cells = [[dialog.table.item(r, c).text() for c in range(6)] for r in range(2)]
    assert cells[0][2:5] == ["Responsable", "actif (bloqué après des échecs)", "défini"]
    assert cells[1][2:] == ["Agent de proximité", "désactivé", "aucun", "Alma, L'Épeule"]
    dialog.resize(900, 420)
    dialog.grab().save(str(tmp_path / "comptes.png"))


def test_the_audit_table_shows_query_rows(qtbot, db):
    from gui.audit_viewer import AuditViewer

    viewer = AuditViewer(db, make_user(db, login="adm", role="admin"))
    qtbot.addWidget(viewer)
    qtbot.waitUntil(lambda: not viewer.loading)
    viewer.show_events((AuditRow(42, datetime(2026, 11, 3, 9, 5, 7), "sabrina", "dossier.consultation", "case",
                                 "17", ""),))
    assert [viewer.table.item(0, c).text() for c in range(5)] == ["42", "03/11/2026 09:05:07", "sabrina",
                                                                  "dossier.consultation", "case 17"]
    assert viewer.count_label.text() == "1\u00a0événement"  # « 1 événement », no « (s) »


def test_the_lock_delay_is_saved_once_the_spin_box_rests(qtbot, db):
    from gui.users_dialog import UsersDialog

    admin = make_user(db, login="adm", role="admin")
    dialog = UsersDialog(db, admin)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.lock_spin.isEnabled())
    for value in (12, 9, 7):  # three steps, one save
        dialog.lock_spin.setValue(value)
    qtbot.waitUntil(lambda: "enregistré" in dialog.lock_status.text(), timeout=3000)
    assert session_lock_minutes(db, admin) == 7
    with db.session() as s:
        assert s.scalar(select(func.count()).where(m.AuditEvent.action == "parametre.verrouillage_session")) == 1
