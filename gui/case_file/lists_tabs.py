"""Visites, Saisines and Échéances tabs of the case file: a list and its actions."""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget
from core.queries.case_tabs import ReferralLine, TaskLine, VisitLine
from db.vocab import REFERRAL_STATUSES, VISIT_STATUSES, label
from gui.palette import status_colour
from gui.rows_model import RowsModel
from gui.case_file.page import TAB_MNEMONICS
from gui.tool_row import ToolRow
from gui.widgets import DataTable, EmptyState

LATE = status_colour("late")


class ListTab(QWidget):
    COLUMNS: list = []
    NAME = ""  # what a screen reader says for the table
    WIDTHS: tuple = ()
    EMPTY = ""
    ACTIONS: tuple = ()
    PART = ""

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.database = page.database
        self.model = RowsModel(self.COLUMNS, self)
        self.table = DataTable(self.model, name=self.NAME)
        self.table.set_widths(self.WIDTHS)
        self.table.remember(type(self).__name__)
        self.table.activated_row.connect(self.activate)
        self.empty = EmptyState(self.EMPTY)
        buttons = ToolRow(reserved=TAB_MNEMONICS)  # wraps on a narrow or zoomed window; each button gets an Alt+letter
        for text, method in self.ACTIONS:
            button = QPushButton(text)
            button.clicked.connect(getattr(self, method))
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)

    def show_data(self, lines: tuple) -> None:
        rows = [self.row(line) for line in lines]
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))

    def forget(self) -> None:
        """Another case is opened in this page: its list starts at the top."""
        self.table.scrollToTop()

    @staticmethod
    def row(line) -> dict:
        """One line of the core read as the table shows it."""
        raise NotImplementedError

    def selected(self) -> dict | None:
        return self.model.row(self.table.current_row())

    def activate(self, row: int) -> None:
        pass

    def run_dialog(self, dialog) -> None:
        if dialog.exec():
            self.page.changed(getattr(dialog, "result_changes", None))


class VisitsTab(ListTab):
    PART = "visits"
    NAME = "Visites du dossier"
    COLUMNS = [("when", "Date"), ("type", "Type"), ("status", "Statut"), ("agents", "Agents"),
               ("procedures", "Conclusion"), ("next_steps", "Suites")]
    WIDTHS = (120, 250, 150, 170, 260)
    EMPTY = "Aucune visite pour ce dossier. Planifiez-en une avec « Planifier une visite… »."
    ACTIONS = (("Planifier une visite…", "schedule"), ("Reprogrammer…", "reschedule"),
               ("Conclure la visite…", "conclude"))

    @staticmethod
    def row(v: VisitLine) -> dict:
        return {"_id": v.id, "_status": v.status, "when": v.when, "type": v.type_label,
                "status": label(VISIT_STATUSES, v.status), "agents": ", ".join(v.agents),
                "procedures": ", ".join(v.conclusions), "next_steps": v.next_steps,
                "_tooltip": v.observations or v.next_steps,
                "_colour": LATE if v.status == "conclusion_a_renseigner" else None}

    def activate(self, row: int) -> None:
        data = self.model.row(row)
        if data and data["_status"] in ("a_planifier", "planifiee", "conclusion_a_renseigner"):
            self.conclude()

    def schedule(self) -> None:
        from gui.visit_dialogs import ScheduleVisitDialog

        self.run_dialog(ScheduleVisitDialog(self.page.window, case_id=self.page.case_id, parent=self))

    def reschedule(self) -> None:
        from gui.visit_dialogs import RescheduleVisitDialog

        row = self.selected()
        if row:
            self.run_dialog(RescheduleVisitDialog(self.page.window, row["_id"], parent=self))

    def conclude(self) -> None:
        from gui.visit_dialogs import ConcludeVisitDialog

        row = self.selected()
        if row:
            self.run_dialog(ConcludeVisitDialog(self.page.window, row["_id"], parent=self))


class ReferralsTab(ListTab):
    PART = "referrals"
    NAME = "Saisines des partenaires"
    COLUMNS = [("sent_on", "Envoyée le"), ("partner", "Partenaire"), ("subject", "Objet"), ("status", "Statut"),
               ("expected", "Réponse attendue le"), ("answer", "Réponse")]
    WIDTHS = (95, 210, 260, 90, 140)
    EMPTY = "Aucune saisine de partenaire pour ce dossier."
    ACTIONS = (("Nouvelle saisine…", "new_referral"), ("Enregistrer la réponse…", "record_answer"))

    @staticmethod
    def row(r: ReferralLine) -> dict:
        late = r.is_late(date.today())
        return {"_id": r.id, "sent_on": r.sent_on, "partner": r.partner, "subject": r.subject,
                "status": label(REFERRAL_STATUSES, r.status), "expected": r.expected_answer_on,
                "answer": r.answer, "_colour": LATE if late else None,
                "_tooltip": "Réponse attendue dépassée" if late else r.answer}

    def new_referral(self) -> None:
        from gui.case_file.case_dialogs import ReferralDialog

        self.run_dialog(ReferralDialog(self.page, parent=self))

    def record_answer(self) -> None:
        from gui.case_file.case_dialogs import ReferralAnswerDialog

        row = self.selected()
        if row:
            self.run_dialog(ReferralAnswerDialog(self.page, row["_id"], parent=self))


class TasksTab(ListTab):
    PART = "tasks"
    NAME = "Échéances du dossier"
    COLUMNS = [("due", "Échéance"), ("title", "À faire"), ("assignee", "Pour"), ("done", "Faite le")]
    WIDTHS = (100, 420, 180)
    EMPTY = "Aucune échéance pour ce dossier."
    ACTIONS = (("Nouvelle échéance…", "new_task"), ("Marquer comme faite", "mark_done"))

    @staticmethod
    def row(t: TaskLine) -> dict:
        return {"_id": t.id, "due": t.due_on, "title": t.title, "assignee": t.assignee, "done": t.done_on,
                "_colour": LATE if t.is_late(date.today()) else None}

    def new_task(self) -> None:
        from gui.case_file.case_dialogs import TaskDialog

        self.run_dialog(TaskDialog(self.page, parent=self))

    def mark_done(self) -> None:
        from core.services.tasks import complete_task
        from gui.services import call_service

        row = self.selected()
        changes = call_service(self, complete_task, self.database, self.page.actor, row["_id"]) if row else None
        if changes is not None:
            self.page.changed(changes)
