"""Mes échéances: the agent's queue from the reminders engine, opened at start.

The reminder rules run once in the background after start-up (MainWindow.refresh_reminders,
core.reminders.refresh_reminders), which then reloads this page; the queue is
core.reminders.my_queue, or every open échéance of the team with « Toute l'équipe ».
"""
from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QCheckBox, QComboBox
from sqlalchemy import select

from core.reminders import RULES, my_queue
from core.services.tasks import complete_task
from db import models as m
from gui.palette import status_colour
from gui.services import call_service
from gui.widgets import TablePage

OVERDUE = status_colour("late")
HORIZONS = [(7, "dans les 7 jours"), (30, "dans les 30 jours"), (3650, "toutes")]


class TasksPage(TablePage):
    TITLE = "Mes échéances"
    COLUMNS = [("due", "Échéance"), ("when", "Délai"), ("title", "À faire"), ("rule", "Origine"),
               ("reference", "Dossier"), ("household", "Ménage"), ("assignee", "Pour")]
    WIDTHS = (90, 150, 430, 230, 95, 190)
    EMPTY_TEXT = "Aucune échéance dans cette période : tout est à jour."

    def __init__(self, window, parent=None):
        super().__init__(window, parent)
        self.horizon_combo = QComboBox()
        for days, text in HORIZONS:
            self.horizon_combo.addItem(f"Échéances {text}", days)
        self.horizon_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.all_check = QCheckBox("Toute l'équipe")
        self.all_check.setToolTip("Afficher aussi les échéances des autres agents")
        self.all_check.setChecked(self.actor.role != "agent" or self.actor.user_id is None)
        self.all_check.toggled.connect(lambda _on: self.refresh())
        self.tools.addWidget(self.horizon_combo)
        self.tools.addWidget(self.all_check)
        self.done_button = self.button("Marquer comme faite", self.mark_done, "Marquer l'échéance choisie comme faite")
        self.open_button = self.button("Ouvrir le dossier", self.open_selected)
        self.finish_layout()

    def today(self) -> date:
        return date.today()

    def load_params(self) -> tuple:
        mine = not self.all_check.isChecked() and self.actor.user_id is not None
        return self.today(), self.horizon_combo.currentData(), mine, self.actor.user_id, self.actor.full_name

    @staticmethod
    def fetch_rows(database, params) -> list[dict]:
        today, horizon, mine, user_id, full_name = params
        _row = TasksPage._row
        with database.session() as session:
            if mine:
                items = my_queue(session, user_id, today, horizon_days=horizon)
                return [_row(i.task_id, i.case_id, i.reference, i.household, i.title, i.due_on, i.rule, full_name,
                             today) for i in items]
            statement = (
                select(m.Task.id, m.Task.case_id, m.Case.reference, m.Household.last_name, m.Household.first_name,
                       m.Task.title, m.Task.due_on, m.Task.rule_key, m.User.full_name)
                .outerjoin(m.Case, m.Case.id == m.Task.case_id)
                .outerjoin(m.Household, m.Household.id == m.Case.household_id)
                .outerjoin(m.User, m.User.id == m.Task.assignee_id)
                .where(m.Task.done_on.is_(None), m.Task.due_on <= today + timedelta(days=horizon))
                .order_by(m.Task.due_on, m.Task.id).limit(5000))
            return [_row(task_id, case_id, reference or "", f"{(last or '').upper()} {first or ''}".strip(),
                         title, due, (rule_key or "").split(":", 1)[0] or "manuelle", who or "", today)
                    for task_id, case_id, reference, last, first, title, due, rule_key, who in session.execute(statement)]

    @staticmethod
    def _row(task_id, case_id, reference, household, title, due, rule, assignee, today) -> dict:
        late = (today - due).days
        return {"_id": task_id, "_case_id": case_id, "due": due, "title": title, "reference": reference,
                "household": household, "assignee": assignee, "when": _delay_text(late),
                "rule": RULES.get(rule, "Échéance manuelle"), "_colour": OVERDUE if late > 0 else None,
                "_bold": late > 0, "_colour_keys": ("due", "when"), "_tooltip": title}

    def count_text(self) -> str:
        late = sum(1 for row in self.model.rows if row.get("_bold"))
        total = self.model.rowCount()
        return f"{total} échéance{'s' if total > 1 else ''}, dont {late} en retard" if total else ""

    def mark_done(self) -> None:
        row = self.selected()
        if row is None:
            return
        if call_service(self, complete_task, self.database, self.actor, row["_id"]) is not None:
            current = self.table.current_row()
            self.window.cases_changed({row["_case_id"]} if row["_case_id"] else set())
            self.refresh(then=lambda: self._select_near(current))

    def _select_near(self, row: int) -> None:
        """After an échéance is done, the one now at its place is selected."""
        if self.model.rowCount():
            self.table.selectRow(min(row, self.model.rowCount() - 1))

    def open_selected(self) -> None:
        self.activate_row(self.table.current_row())


def _delay_text(late_days: int) -> str:
    if late_days > 1:
        return f"en retard de {late_days} j"
    if late_days == 1:
        return "en retard d'1 jour"
    if late_days == 0:
        return "aujourd'hui"
    if late_days == -1:
        return "demain"
    return f"dans {-late_days} j"
