"""Small dialogs of the case file: a referral, its answer, a task."""
from __future__ import annotations

from datetime import date, timedelta

from core.queries.case_file import agent_choices, partner_choices
from core.queries.case_tabs import case_referrals
from core.services.referrals import ANSWER_STATUSES, record_referral_answer, send_referral
from core.services.tasks import create_task
from db.vocab import REFERRAL_STATUSES
from gui.forms import FormDialog


class ReferralDialog(FormDialog):
    def __init__(self, page, parent=None):
        super().__init__("Nouvelle saisine d'un partenaire", parent, ok_text="Enregistrer la saisine")
        self.page = page
        partners = partner_choices(page.database, page.actor)
        form = self.form
        form.add_choice("partner_id", "Partenaire *", partners, empty="— choisir —")
        form.add_text("subject", "Objet *", placeholder="ex. : demande de visite SCHS")
        form.add_date("sent_on", "Envoyée le", date.today())
        form.add_date("expected_answer_on", "Réponse attendue le", date.today() + timedelta(days=30), optional=True)

    def perform(self):
        values = self.form.values()
        return send_referral(self.page.database, self.page.actor, self.page.case_id, values["partner_id"],
                             values["subject"], values["sent_on"], values["expected_answer_on"])


class ReferralAnswerDialog(FormDialog):
    def __init__(self, page, referral_id: int, parent=None):
        super().__init__("Réponse du partenaire", parent)
        self.page, self.referral_id = page, referral_id
        self.load()
        form = self.form
        form.add_long_text("answer", "Réponse *")
        form.add_date("answered_on", "Reçue le", date.today())
        form.add_choice("status", "La saisine est", [(s, REFERRAL_STATUSES[s]) for s in ANSWER_STATUSES], "close")

    def load(self) -> None:
        lines = case_referrals(self.page.database, self.page.actor, self.page.case_id)
        self.version = next((line.version for line in lines if line.id == self.referral_id), None)

    def perform(self):
        values = self.form.values()
        return record_referral_answer(self.page.database, self.page.actor, self.referral_id, values["answer"],
                                      values["answered_on"], values["status"], expected_version=self.version)


class TaskDialog(FormDialog):
    def __init__(self, page, parent=None):
        super().__init__("Nouvelle échéance", parent, ok_text="Créer l'échéance")
        self.page = page
        agents = agent_choices(page.database, page.actor)
        form = self.form
        form.add_text("title", "À faire *", placeholder="ex. : rappeler le bailleur")
        form.add_date("due_on", "Pour le", date.today() + timedelta(days=7))
        current = page.case.agent_id if page.case is not None else None
        form.add_choice("assignee_id", "Pour qui", agents, current or page.actor.user_id, empty="— moi —")

    def perform(self):
        values = self.form.values()
        return create_task(self.page.database, self.page.actor, values["title"], values["due_on"],
                           case_id=self.page.case_id, assignee_id=values["assignee_id"])
