"""Visites, Saisines and Échéances tabs of the case file: a list and its actions."""
from __future__ import annotations

from datetime import date

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from db import models as m
from db.vocab import REFERRAL_STATUSES, VISIT_STATUSES, label
from gui.rows_model import RowsModel
from gui.widgets import DataTable, EmptyState

LATE = QColor("#b3261e")


class ListTab(QWidget):
    COLUMNS: list = []
    WIDTHS: tuple = ()
    EMPTY = ""
    ACTIONS: tuple = ()

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.database = page.database
        self.model = RowsModel(self.COLUMNS, self)
        self.table = DataTable(self.model)
        self.table.set_widths(self.WIDTHS)
        self.table.remember(type(self).__name__)
        self.table.activated_row.connect(self.activate)
        self.empty = EmptyState(self.EMPTY)
        buttons = QHBoxLayout()
        for text, method in self.ACTIONS:
            button = QPushButton(text)
            button.clicked.connect(getattr(self, method))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)

    def load(self, session, case: m.Case) -> None:
        rows = self.rows(session, case)
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))

    def rows(self, session, case) -> list[dict]:
        raise NotImplementedError

    def selected(self) -> dict | None:
        return self.model.row(self.table.current_row())

    def activate(self, row: int) -> None:
        pass

    def run_dialog(self, dialog) -> None:
        if dialog.exec():
            self.page.changed()


class VisitsTab(ListTab):
    COLUMNS = [("when", "Date"), ("type", "Type"), ("status", "Statut"), ("agents", "Agents"),
               ("procedures", "Conclusion"), ("next_steps", "Suites")]
    WIDTHS = (120, 250, 150, 170, 260)
    EMPTY = "Aucune visite pour ce dossier. Planifiez-en une avec « Planifier une visite… »."
    ACTIONS = (("Planifier une visite…", "schedule"), ("Reprogrammer…", "reschedule"),
               ("Conclure la visite…", "conclude"))

    def rows(self, session, case) -> list[dict]:
        visits = session.scalars(
            select(m.Visit).join(m.VisitCase).where(m.VisitCase.case_id == case.id)
            .options(selectinload(m.Visit.type), selectinload(m.Visit.agents),
                     selectinload(m.Visit.procedures).selectinload(m.VisitProcedure.procedure))
            .order_by(m.Visit.scheduled_at.desc()))
        return [{"_id": v.id, "_status": v.status, "when": v.done_at or v.scheduled_at, "type": v.type.label,
                 "status": label(VISIT_STATUSES, v.status), "agents": ", ".join(a.full_name for a in v.agents),
                 "procedures": ", ".join(p.procedure.label for p in v.procedures if p.case_id == case.id),
                 "next_steps": v.next_steps, "_tooltip": v.observations or v.next_steps,
                 "_colour": LATE if v.status == "conclusion_a_renseigner" else None} for v in visits]

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
    COLUMNS = [("sent_on", "Envoyée le"), ("partner", "Partenaire"), ("subject", "Objet"), ("status", "Statut"),
               ("expected", "Réponse attendue le"), ("answer", "Réponse")]
    WIDTHS = (95, 210, 260, 90, 140)
    EMPTY = "Aucune saisine de partenaire pour ce dossier."
    ACTIONS = (("Nouvelle saisine…", "new_referral"), ("Enregistrer la réponse…", "record_answer"))

    def rows(self, session, case) -> list[dict]:
        today = date.today()
        referrals = session.scalars(select(m.Referral).options(selectinload(m.Referral.partner))
                                    .where(m.Referral.case_id == case.id).order_by(m.Referral.sent_on.desc()))
        rows = []
        for r in referrals:
            late = r.status in ("nouvelle", "en_cours") and r.expected_answer_on and r.expected_answer_on < today
            rows.append({"_id": r.id, "sent_on": r.sent_on, "partner": r.partner.name, "subject": r.subject,
                         "status": label(REFERRAL_STATUSES, r.status), "expected": r.expected_answer_on,
                         "answer": r.answer, "_colour": LATE if late else None,
                         "_tooltip": "Réponse attendue dépassée" if late else r.answer})
        return rows

    def new_referral(self) -> None:
        from gui.case_file.case_dialogs import ReferralDialog

        self.run_dialog(ReferralDialog(self.page, parent=self))

    def record_answer(self) -> None:
        from gui.case_file.case_dialogs import ReferralAnswerDialog

        row = self.selected()
        if row:
            self.run_dialog(ReferralAnswerDialog(self.page, row["_id"], parent=self))


class TasksTab(ListTab):
    COLUMNS = [("due", "Échéance"), ("title", "À faire"), ("assignee", "Pour"), ("done", "Faite le")]
    WIDTHS = (100, 420, 180)
    EMPTY = "Aucune échéance pour ce dossier."
    ACTIONS = (("Nouvelle échéance…", "new_task"), ("Marquer comme faite", "mark_done"))

    def rows(self, session, case) -> list[dict]:
        today = date.today()
        tasks = session.execute(select(m.Task, m.User.full_name).outerjoin(m.User, m.User.id == m.Task.assignee_id)
                                .where(m.Task.case_id == case.id)
                                .order_by(m.Task.done_on.is_not(None), m.Task.due_on))
        return [{"_id": t.id, "due": t.due_on, "title": t.title, "assignee": who or "", "done": t.done_on,
                 "_colour": LATE if t.done_on is None and t.due_on < today else None} for t, who in tasks]

    def new_task(self) -> None:
        from gui.case_file.case_dialogs import TaskDialog

        self.run_dialog(TaskDialog(self.page, parent=self))

    def mark_done(self) -> None:
        from core.services.tasks import complete_task
        from gui.services import call_service

        row = self.selected()
        if row and call_service(self, complete_task, self.database, self.page.actor,
                                                         row["_id"]) is not None:
            self.page.changed()
