"""The table pages' rows and models, fed with query results built by hand: no database."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt

from core.queries.agenda import VisitCaseLine, VisitLine
from core.queries.commissions import CommissionAgenda, CommissionItemLine, CommissionLine
from core.queries.case_tabs import ProposalLine
from core.queries.relocation import RelocationLine
from core.queries.tasks import TaskLine
from gui.agenda_page import AgendaPage, visit_row
from gui.commissions_page import CommissionsPage, agenda_rows, commission_row
from gui.relocation_page import DUE, RelocationPage, proposal_row, relocation_row
from gui.rows_model import RowsModel
from gui.tasks_page import OVERDUE, TasksPage, task_row

TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True)
def application(qapp):
    """The marks of coloured rows are pixmaps: they need the QApplication (no window, no database)."""
    return qapp


def shown(columns, rows) -> RowsModel:
    model = RowsModel(columns)
    model.set_rows(rows)
    return model


def cell(model: RowsModel, row: int, key: str, role=Qt.DisplayRole):
    column = [k for k, _title in model.columns].index(key)
    return model.data(model.index(row, column), role)


def test_relocation_rows_say_the_stage_in_french_and_flag_a_renewal_due_in_words_and_colour():
    due = RelocationLine(7, 70, "2026-00070", "MARTIN Lucie", "Habitat indigne", "recherche", "T3", "059112",
                         date(2026, 12, 10), True, None, 0)
    later = RelocationLine(8, 80, "2026-00080", "DURAND Paul", "Suroccupation", "a_constituer", "", "",
                           None, False, date(2026, 3, 2), 2)
    model = shown(RelocationPage.COLUMNS, [relocation_row(due), relocation_row(later)])
    assert cell(model, 0, "stage") == "En recherche de logement"
    assert cell(model, 1, "stage") == "Demande SNE à constituer"
    assert cell(model, 0, "renewal") == "10/12/2026" and cell(model, 1, "renewal") == ""
    assert cell(model, 1, "dalo") == "02/03/2026" and cell(model, 1, "proposals") == "2"
    # the renewal due is said in words (tooltip, screen reader) and marked, not by colour alone
    assert cell(model, 0, "renewal", Qt.ToolTipRole) == "Demande de logement social à renouveler bientôt"
    assert cell(model, 0, "renewal", Qt.AccessibleDescriptionRole) == "demande de logement social à renouveler bientôt"
    assert cell(model, 0, "renewal", Qt.DecorationRole) is not None
    assert cell(model, 0, "renewal", Qt.ForegroundRole).color() == DUE
    assert cell(model, 0, "renewal", Qt.FontRole).bold()
    assert cell(model, 0, "household", Qt.ForegroundRole) is None
    assert cell(model, 1, "renewal", Qt.ForegroundRole) is None and cell(model, 1, "renewal", Qt.ToolTipRole) is None
    assert cell(model, 1, "renewal", Qt.DecorationRole) is None
    assert model.row(0)["_case_id"] == 70


def test_proposal_rows():
    line = ProposalLine(3, date(2026, 10, 1), "Vilogia", "12 rue des Lilas, 2e étage", "T3", 452.5,
                        None, None, "en_attente", "")
    model = shown(RelocationPage.PROPOSAL_COLUMNS, [proposal_row(line)])
    assert [cell(model, 0, k) for k in ("proposed_on", "landlord", "rent", "cal", "household")] == [
        "01/10/2026", "Vilogia", "452,50", "en attente", "En attente de réponse"]


def test_task_rows_say_how_late_in_words_and_mark_the_late_ones():
    lines = [TaskLine(1, 10, "2026-00010", "MARTIN Lucie", "Relancer le bailleur", date(2026, 11, 20), "saisine",
                      "Sabrina Haddad"),
             TaskLine(2, None, "", "", "Préparer la commission", date(2026, 11, 26), "manuelle", "Sabrina Haddad"),
             TaskLine(3, 12, "2026-00012", "DURAND Paul", "Renouveler la demande", TODAY, "sne", "Marc Lefebvre")]
    model = shown(TasksPage.COLUMNS, [task_row(line, TODAY) for line in lines])
    assert [cell(model, r, "when") for r in range(3)] == ["en retard de 5 j", "demain", "aujourd'hui"]
    assert [cell(model, r, "rule") for r in range(3)] == [
        "Saisine sans réponse", "Échéance manuelle", "Renouvellement de la demande SNE"]
    assert cell(model, 0, "due", Qt.ForegroundRole).color() == OVERDUE and cell(model, 0, "due", Qt.FontRole).bold()
    assert cell(model, 0, "when", Qt.AccessibleDescriptionRole) == "en retard"  # the colour's words
    assert cell(model, 0, "title", Qt.ToolTipRole) == "En retard\nRelancer le bailleur"
    assert cell(model, 0, "title", Qt.FontRole) is None and cell(model, 1, "due", Qt.ForegroundRole) is None
    assert model.row(1)["_case_id"] is None and cell(model, 2, "assignee") == "Marc Lefebvre"


def test_agenda_rows_place_a_home_visit_at_its_address_and_a_walk_in_its_neighbourhood():
    home = VisitLine(5, datetime(2026, 11, 24, 9, 30), "Visite de constat", False, "planifiee", "Planifiée", None,
                     (VisitCaseLine(50, "2026-00050", "MARTIN Lucie", "3 rue Pierre Legrand, 59000 Lille"),), ("Sabrina",))
    walk = VisitLine(6, None, "Diagnostic en marchant", True, "conclusion_a_renseigner", "Conclusion à renseigner",
                     "Fives", tuple(VisitCaseLine(i, f"2026-0000{i}", "X", "a") for i in range(1, 7)), ("A", "B"))
    model = shown(AgendaPage.COLUMNS, [visit_row(home), visit_row(walk)])
    assert [cell(model, 0, k) for k in ("day", "hour", "place", "cases")] == [
        "mardi 24/11", "09:30", "3 rue Pierre Legrand, 59000 Lille", "2026-00050"]
    assert [cell(model, 1, k) for k in ("day", "hour", "place", "agents")] == ["à fixer", "", "Quartier Fives", "A, B"]
    assert cell(model, 1, "cases").endswith("…") and cell(model, 1, "cases").count(",") == 3
    assert model.row(0)["_case_id"] == 50 and model.row(1)["_case_id"] is None  # several cases: no single one
    assert model.row(1)["_case_ids"] == frozenset(range(1, 7))  # which writes concern the agenda
    assert cell(model, 1, "status", Qt.ForegroundRole) is not None and cell(model, 0, "status", Qt.ForegroundRole) is None
    assert cell(model, 1, "status", Qt.ToolTipRole) == "Conclusion à renseigner"  # not the raw status code


def test_commission_rows_and_agenda():
    line = CommissionLine(9, date(2026, 12, 3), "Commission relogement", "Relogement", "Maison du projet",
                          "Ville, bailleurs", 4)
    model = shown(CommissionsPage.COLUMNS, [commission_row(line)])
    assert [cell(model, 0, k) for k in ("held_on", "kind", "items")] == ["03/12/2026", "Commission relogement", "4"]
    assert cell(model, 0, "title", Qt.ToolTipRole) == "Ville, bailleurs"
    agenda = CommissionAgenda(9, date(2026, 12, 3), (
        CommissionItemLine(1, 70, 1, "2026-00070", "MARTIN Lucie", "Situation", ""),
        CommissionItemLine(2, 80, 2, "2026-00080", "DURAND Paul", "", "Relogement prioritaire accordé")))
    items = shown(CommissionsPage.ITEM_COLUMNS, agenda_rows(agenda))
    assert [cell(items, r, "decision") for r in range(2)] == ["à décider", "Relogement prioritaire accordé"]
    assert items.row(1)["_case_id"] == 80 and items.row(1)["_commission_id"] == 9
