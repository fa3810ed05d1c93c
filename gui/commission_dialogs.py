"""Commission dialogs: a new commission with its agenda, more cases, the decision per case."""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLabel, QPushButton

from core.errors import DomainError
from core.queries.commissions import commission_candidates
from core.services import commissions as services
from db.vocab import COMMISSION_KINDS
from gui.case_picker import CasePicker
from gui.forms import FormDialog
from gui.widgets import resize_within_screen, scaled


class CommissionDialog(FormDialog):
    def __init__(self, window, parent=None):
        super().__init__("Nouvelle commission", parent, ok_text="Créer la commission")
        self.window = window
        form = self.form
        self.kind = form.add_choice("kind", "Type", COMMISSION_KINDS)
        form.add_date("held_on", "Date", date.today())
        form.add_text("title", "Intitulé", placeholder="par défaut : le type de commission")
        form.add_text("place", "Lieu", placeholder="Maison du projet…")
        form.add_long_text("participants", "Participants")
        self.picker = CasePicker(window.database, actor=window.actor)
        self.picker.setMinimumHeight(scaled(self.picker, 220))
        suggest = QPushButton("Proposer les dossiers habituels")
        suggest.setToolTip("Relogements en cours, situations critiques ou propositions en attente de CAL, selon le type")
        suggest.clicked.connect(self.suggest)
        form.layout_.addRow(QLabel("<b>Ordre du jour</b>"), suggest)
        form.add("case_ids", "Dossiers", self.picker)
        resize_within_screen(self, scaled(self, 720), scaled(self, 640))  # the form scrolls on a small screen

    def suggest(self) -> None:
        ids = commission_candidates(self.window.database, self.window.actor, self.form.value("kind"), limit=20)
        self.picker.set_candidates(ids)

    def perform(self):
        values = {n: self.form.value(n) for n in self.form.fields if n != "case_ids"}
        database, actor = self.window.database, self.window.actor
        changes = services.create_commission(database, actor, values["kind"], values["held_on"], values["title"],
                                             values["place"], values["participants"])
        if self.picker.chosen_ids():
            try:
                added = services.add_to_agenda(database, actor, changes.result, self.picker.chosen_ids())
            except DomainError as error:
                raise DomainError(f"Commission créée, mais l'ordre du jour n'a pas pu être rempli : {error.message}",
                                  field="case_ids") from error
            changes.case_ids |= added.case_ids
        return changes


class AddCasesDialog(FormDialog):
    def __init__(self, window, commission_id: int, parent=None):
        super().__init__("Ajouter des dossiers à l'ordre du jour", parent, ok_text="Ajouter")
        self.window, self.commission_id = window, commission_id
        self.picker = CasePicker(window.database, actor=window.actor)
        self.form.add("case_ids", "Dossiers", self.picker)
        self.form.add_long_text("presentation", "Présentation")
        resize_within_screen(self, scaled(self, 700), scaled(self, 520))

    def perform(self):
        if not self.picker.chosen_ids():
            raise DomainError("Cochez au moins un dossier.", field="case_ids")
        return services.add_to_agenda(self.window.database, self.window.actor, self.commission_id,
                                      self.picker.chosen_ids(), self.form.value("presentation"))


class DecisionDialog(FormDialog):
    def __init__(self, window, item: dict, parent=None):
        super().__init__(f"Décision — {item['reference']} {item['household']}", parent)
        self.window, self.item = window, item
        if item.get("presentation"):
            self.form.layout_.addRow("Présentation :", QLabel(item["presentation"]))
        decision = item["decision"] if item["decision"] != "à décider" else ""
        self.form.add_long_text("decision", "Décision prise", decision)

    def perform(self):
        commission_id = self.item["_commission_id"]
        return services.record_commission_decision(self.window.database, self.window.actor, commission_id,
                                                   self.item["_case_id"], self.form.value("decision"))
