"""Mes échéances: the agent's queue from the reminders engine, opened at start.

The reminder rules run once in the background after start-up (MainWindow.refresh_reminders,
core.reminders.refresh_reminders), which then reloads this page; the queue is
core.queries.tasks.task_queue: the actor's échéances, or with « Toute l'équipe » every open échéance
of the cases within the actor's scope.
"""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QCheckBox, QComboBox
from core.queries.tasks import TaskLine, task_queue
from core.reminders import RULES
from core.services.tasks import complete_task
from core.formatting import fr_count, fr_number
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
    FLEXIBLE = {"rule": 0.5, "title": 0.4, "household": 0.7}
    EMPTY_TEXT = "Aucune échéance dans cette période : tout est à jour."

    def __init__(self, window, parent=None):
        super().__init__(window, parent)
        self.horizon_combo = QComboBox()
        self.horizon_combo.setAccessibleName("Période des échéances")
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
        whole_team = self.all_check.isChecked() or self.actor.user_id is None
        return self.today(), self.horizon_combo.currentData(), whole_team

    @staticmethod
    def fetch_rows(database, actor, params) -> list[dict]:
        today, horizon, whole_team = params
        return [task_row(line, today) for line in task_queue(database, actor, today, horizon, whole_team)]

    def count_text(self) -> str:
        late = sum(1 for row in self.model.rows if row.get("_bold"))
        total = self.model.rowCount()
        return f"{fr_count(total, 'échéance')}, dont {fr_number(late)} en retard" if total else ""

    def mark_done(self) -> None:
        row = self.selected()
        if row is None:
            return
        changes = call_service(self, complete_task, self.database, self.actor, row["_id"])
        if changes is not None:
            current = self.table.current_row()
            self.reload_after(changes, then=lambda: self._select_near(current))

    def _select_near(self, row: int) -> None:
        """After an échéance is done, the one now at its place is selected."""
        if self.model.rowCount():
            self.table.selectRow(min(row, self.model.rowCount() - 1))

    def open_selected(self) -> None:
        self.activate_row(self.table.current_row())


def task_row(line: TaskLine, today: date) -> dict:
    """A row of the page from a line of core.queries.tasks.task_queue."""
    late = (today - line.due_on).days
    return {"_id": line.task_id, "_case_id": line.case_id, "due": line.due_on, "title": line.title,
            "reference": line.reference, "household": line.household, "assignee": line.assignee,
            "when": _delay_text(late), "rule": RULES.get(line.rule, "Échéance manuelle"),
            "_colour": OVERDUE if late > 0 else None, "_bold": late > 0, "_colour_keys": ("due", "when"),
            "_tooltip": line.title}


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
