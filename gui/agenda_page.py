"""Agenda des visites: the week's visits by agent; schedule, reschedule, conclude, walks."""
from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import QComboBox, QLabel, QPushButton
from core.queries.agenda import WEEK, VisitLine, active_agents, agenda_visits
from core.formatting import fr_count
from gui.palette import status_colour
from gui.tool_row import ToolRow
from gui.widgets import TablePage, compact

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
TO_CONCLUDE = status_colour("to_conclude")


def long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def visit_row(visit: VisitLine) -> dict:
    """A row of the agenda from a line of core.queries.agenda.agenda_visits."""
    when, cases = visit.scheduled_at, visit.cases
    if visit.neighbourhood is not None and (visit.collective or not cases):
        place = f"Quartier {visit.neighbourhood}"
    else:
        place = cases[0].address if cases else ""
    return {
        "_id": visit.visit_id, "_case_id": cases[0].case_id if len(cases) == 1 else None,
        "_case_ids": frozenset(c.case_id for c in cases),
        "day": f"{DAYS[when.weekday()]} {when:%d/%m}" if when else "à fixer",
        "hour": f"{when:%H:%M}" if when else "", "type": visit.type_label, "status": visit.status_label,
        "cases": ", ".join(c.reference for c in cases[:4]) + ("…" if len(cases) > 4 else ""),
        "place": place, "agents": ", ".join(visit.agents),
        "_colour": TO_CONCLUDE if visit.status == "conclusion_a_renseigner" else None,
        "_visit_status": visit.status,  # (« _status » is the words of the row's colour: gui/rows_model.py)
    }


class AgendaPage(TablePage):
    TITLE = "Agenda des visites"
    COLUMNS = [("day", "Jour"), ("hour", "Heure"), ("type", "Type"), ("status", "Statut"), ("cases", "Dossiers"),
               ("place", "Adresse ou quartier"), ("agents", "Agents")]
    WIDTHS = (120, 55, 265, 165, 170, 330)
    FLEXIBLE = {"place": 0.4, "type": 0.6, "cases": 0.8}
    EMPTY_TEXT = "Aucune visite cette semaine pour cet agent. Planifiez-en une avec « Planifier une visite… »."

    def __init__(self, window, parent=None):
        super().__init__(window, parent)
        self.week = week_start(date.today())
        self.previous_button = QPushButton("◀")
        self.previous_button.setToolTip("Semaine précédente (Alt+Gauche)")
        self.previous_button.setShortcut("Alt+Left")
        self.previous_button.clicked.connect(lambda: self.move_week(-1))
        self.week_label = QLabel()
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip("Semaine suivante (Alt+Droite)")
        self.next_button.setShortcut("Alt+Right")
        self.next_button.clicked.connect(lambda: self.move_week(1))
        today_button = QPushButton("Cette semaine")
        today_button.clicked.connect(self.this_week)
        self.agent_combo = QComboBox()
        self.agent_combo.setAccessibleName("Agent")
        self.scope_combo = QComboBox()
        self.scope_combo.setAccessibleName("Visites affichées")
        self.scope_combo.addItem("Visites de la semaine", WEEK)
        self.scope_combo.addItem("À planifier", "a_planifier")
        self.scope_combo.addItem("Conclusions à renseigner", "conclusion_a_renseigner")
        agent_label = QLabel("A&gent :")
        agent_label.setBuddy(self.agent_combo)
        self.tools.addWidget(agent_label)
        self.tools.addWidget(compact(self.agent_combo, 14))
        self.tools.addWidget(compact(self.scope_combo, 14))
        week = ToolRow(reserved="g")  # rows that wrap on a narrow window or with large text; Alt+G is « Agent »
        for widget in (self.previous_button, self.week_label, self.next_button, today_button):
            week.addWidget(widget)
        self.layout_.addLayout(week)
        actions = ToolRow(reserved="gc")  # Alt+C is « Cette semaine »
        for text, slot in (("Planifier une visite…", self.schedule), ("Reprogrammer ou annuler…", self.reschedule),
                           ("Conclure la visite…", self.conclude), ("Diagnostic en marchant…", self.walk),
                           ("Ouvrir le dossier", self.open_selected)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            actions.addWidget(button)
        self.layout_.addLayout(actions)
        self.finish_layout()
        self._fill_agents()
        self.agent_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.scope_combo.currentIndexChanged.connect(lambda _i: self.refresh())

    def _fill_agents(self) -> None:
        self.agent_combo.addItem("Tous les agents", None)
        for user_id, name in active_agents(self.database, self.actor):
            self.agent_combo.addItem(name, user_id)
        if self.actor.role == "agent" and self.actor.user_id is not None:
            self.agent_combo.setCurrentIndex(max(0, self.agent_combo.findData(self.actor.user_id)))

    def move_week(self, step: int) -> None:
        self.week += timedelta(days=7 * step)
        self.refresh()

    def this_week(self) -> None:
        self.week = week_start(date.today())
        self.refresh()

    def load_params(self) -> tuple:
        end = self.week + timedelta(days=6)
        self.week_label.setText(f"Semaine du {long_date(self.week)} au {long_date(end)}")
        return self.week, self.scope_combo.currentData(), self.agent_combo.currentData()

    @staticmethod
    def fetch_rows(database, actor, params) -> list[dict]:
        week, scope, agent_id = params
        return [visit_row(visit) for visit in agenda_visits(database, actor, week, scope, agent_id)]

    def shown_case_ids(self) -> frozenset[int]:
        """Every case of the visits listed (gui.view_refresh: which writes concern this view)."""
        return frozenset().union(*(row["_case_ids"] for row in self.model.rows))

    def count_text(self) -> str:
        total = self.model.rowCount()
        return fr_count(total, "visite") if total else ""

    def print_current(self) -> None:
        """Ctrl+P: the report of the chosen visit (PDF)."""
        from gui import pdf_actions

        row = self.selected()
        if row is not None:
            pdf_actions.print_visit(self.window, row["_id"])
        else:
            self.window.statusBar().showMessage("Choisissez d'abord une visite dans la liste.", 4000)

    def open_selected(self) -> None:
        self.activate_row(self.table.current_row())

    def activate_row(self, row: int) -> None:
        data = self.model.row(row)
        if data is None:
            return
        if data["_visit_status"] in ("planifiee", "conclusion_a_renseigner"):
            self.conclude()
        elif data["_case_id"]:
            self.window.open_case(data["_case_id"], deferred=True)

    # -- actions (dialogs call the visit services) ----------------------------------------
    def schedule(self) -> None:
        from gui.visit_dialogs import ScheduleVisitDialog

        dialog = ScheduleVisitDialog(self.window, case_id=None, parent=self)
        if dialog.exec():
            self.reload_after(dialog.result_changes)

    def reschedule(self) -> None:
        from gui.visit_dialogs import RescheduleVisitDialog

        row = self.selected()
        if row is None:
            return
        dialog = RescheduleVisitDialog(self.window, row["_id"], parent=self)
        if dialog.exec():
            self.reload_after(dialog.result_changes)

    def conclude(self) -> None:
        from gui.visit_dialogs import ConcludeVisitDialog

        row = self.selected()
        if row is None:
            return
        dialog = ConcludeVisitDialog(self.window, row["_id"], parent=self)
        if dialog.exec():
            self.reload_after(dialog.result_changes)

    def walk(self) -> None:
        from gui.visit_dialogs import WalkDialog

        dialog = WalkDialog(self.window, parent=self)
        if dialog.exec():
            self.reload_after(dialog.result_changes)
