"""Mes échéances: the agent's queue (tasks made by people and by the reminder rules)."""
from __future__ import annotations

from datetime import date

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox
from sqlalchemy import select

from db import models as m
from core.services.tasks import complete_task
from gui.services import call_service, service
from gui.widgets import TablePage

OVERDUE = QColor("#b3261e")


class TasksPage(TablePage):
    TITLE = "Mes échéances"
    COLUMNS = [("due", "Échéance"), ("when", "Délai"), ("title", "À faire"), ("reference", "Dossier"),
               ("household", "Ménage"), ("assignee", "Pour")]
    WIDTHS = (100, 130, 380, 110, 200)
    EMPTY_TEXT = "Aucune échéance en attente : tout est à jour."

    def __init__(self, window, parent=None):
        super().__init__(window, parent)
        self.all_check = QCheckBox("Toute l'équipe")
        self.all_check.setToolTip("Afficher aussi les échéances des autres agents")
        self.all_check.toggled.connect(lambda _on: self.refresh())
        self.tools.addWidget(self.all_check)
        self.done_button = self.button("Marquer comme fait", self.mark_done, "Marquer l'échéance choisie comme faite")
        self.open_button = self.button("Ouvrir le dossier", self.open_selected)
        self.finish_layout()

    def today(self) -> date:
        return date.today()

    def load_rows(self) -> list[dict]:
        self._refresh_reminders()
        statement = (
            select(m.Task.id, m.Task.title, m.Task.due_on, m.Task.case_id, m.Case.reference, m.Household.last_name,
                   m.Household.first_name, m.User.full_name)
            .outerjoin(m.Case, m.Case.id == m.Task.case_id)
            .outerjoin(m.Household, m.Household.id == m.Case.household_id)
            .outerjoin(m.User, m.User.id == m.Task.assignee_id)
            .where(m.Task.done_on.is_(None))
            .order_by(m.Task.due_on, m.Task.id)
        )
        mine_only = not self.all_check.isChecked() and self.actor.user_id is not None
        if mine_only:
            statement = statement.where(m.Task.assignee_id == self.actor.user_id)
        today = self.today()
        rows = []
        with self.database.session() as session:
            for task_id, title, due, case_id, reference, last, first, assignee in session.execute(statement.limit(2000)):
                late = (today - due).days
                rows.append({
                    "_id": task_id, "_case_id": case_id, "due": due, "title": title, "reference": reference or "",
                    "household": f"{(last or '').upper()} {first or ''}".strip(), "assignee": assignee or "",
                    "when": _delay_text(late), "_colour": OVERDUE if late > 0 else None, "_bold": late > 0,
                })
        return rows

    def _refresh_reminders(self) -> None:
        """Let the reminder rules make the échéances they imply, when the engine exists."""
        refresh = service("reminders", "refresh_reminders")
        if refresh is not None:
            call_service(self, refresh, self.database, self.actor, quiet=True)

    def count_text(self) -> str:
        late = sum(1 for row in self.model.rows if row.get("_bold"))
        total = self.model.rowCount()
        return f"{total} échéance{'s' if total > 1 else ''}, dont {late} en retard" if total else ""

    def mark_done(self) -> None:
        row = self.selected()
        if row is None:
            return
        if call_service(self, complete_task, self.database, self.actor, row["_id"]) is not None:
            self.window.cases_changed({row["_case_id"]} if row["_case_id"] else set())
            self.refresh()

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
