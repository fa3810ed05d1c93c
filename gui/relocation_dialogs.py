"""Relocation dialogs: open a follow-up, needs, proposals, CAL and household decisions, outcome."""
from __future__ import annotations

from datetime import date

from core.queries.case_tabs import case_relocation
from core.queries.relocation import RelocationNeeds, landlord_choices, relocation_needs, relocation_reasons
from core.services import relocation as services
from db.vocab import CAL_DECISIONS, HOUSEHOLD_DECISIONS, TYPOLOGIES
from gui.forms import FormDialog

TRI_STATE = [(None, "— non précisé —"), (True, "oui"), (False, "non")]


def _needs_fields(form, relocation: RelocationNeeds | None, reasons) -> None:
    get = (lambda name, default=None: getattr(relocation, name)) if relocation else (lambda name, default=None: default)
    form.add_choice("reason", "Motif *", reasons, get("reason"))
    form.add_text("sne_number", "Numéro unique SNE", get("sne_number", ""))
    form.add_date("sne_filed_on", "Demande déposée le", get("sne_filed_on"), optional=True)
    form.add_date("dalo_recognized_on", "DALO reconnu le", get("dalo_recognized_on"), optional=True)
    form.add_check("syplo_labelled", "Labellisé SYPLO", get("syplo_labelled", False))
    form.add_choice("needed_typology", "Typologie recherchée", TYPOLOGIES, get("needed_typology"), empty="—")
    form.add_amount("max_rent", "Loyer maximal", get("max_rent"))
    form.add_text("wished_communes", "Communes souhaitées", get("wished_communes", ""))
    form.add_check("needs_accessibility", "Besoin d'un logement accessible", get("needs_accessibility", False))
    form.add_text("floor_or_lift", "Étage / ascenseur", get("floor_or_lift", ""))


class OpenRelocationDialog(FormDialog):
    def __init__(self, window, case_id: int, parent=None):
        super().__init__("Ouvrir un suivi de relogement", parent, ok_text="Ouvrir le suivi")
        self.window, self.case_id = window, case_id
        _needs_fields(self.form, None, relocation_reasons(window.database, window.actor))

    def perform(self):
        return services.open_relocation(self.window.database, self.window.actor, self.case_id, self.form.values())


class NeedsDialog(FormDialog):
    def __init__(self, window, case_id: int, relocation_id: int, parent=None):
        super().__init__("Besoins et demande de logement", parent)
        self.window, self.relocation_id = window, relocation_id
        needs = relocation_needs(window.database, window.actor, relocation_id)
        self.version = needs.version
        _needs_fields(self.form, needs, relocation_reasons(window.database, window.actor))

    def load(self) -> None:
        needs = relocation_needs(self.window.database, self.window.actor, self.relocation_id)
        self.version = needs.version
        for name in self.form.fields:
            self.form.set_value(name, getattr(needs, name))

    def perform(self):
        return services.update_relocation(self.window.database, self.window.actor, self.relocation_id,
                                          self.form.values(), expected_version=self.version)


class ProposalDialog(FormDialog):
    def __init__(self, window, case_id: int, relocation_id: int, parent=None):
        super().__init__("Nouvelle proposition de logement", parent, ok_text="Ajouter la proposition")
        self.window, self.relocation_id = window, relocation_id
        form = self.form
        form.add_date("proposed_on", "Proposée le", date.today())
        form.add_choice("landlord_id", "Bailleur", landlord_choices(window.database, window.actor), empty="— choisir —")
        form.add_text("dwelling_description", "Logement proposé", placeholder="adresse, étage, particularités")
        form.add_choice("typology", "Typologie", TYPOLOGIES, empty="—")
        form.add_choice("in_qpv", "En QPV", TRI_STATE)
        form.add_amount("rent", "Loyer")
        form.add_amount("charges", "Charges")

    def perform(self):
        return services.add_proposal(self.window.database, self.window.actor, self.relocation_id, self.form.values())


class ProposalDecisionDialog(FormDialog):
    """A decision on a proposal, sent with the version of the proposal it was opened on."""

    def __init__(self, title: str, window, case_id: int, proposal_id: int, parent=None):
        super().__init__(title, parent)
        self.window, self.case_id, self.proposal_id = window, case_id, proposal_id
        self.load()

    def load(self) -> None:
        relocation = case_relocation(self.window.database, self.window.actor, self.case_id)
        proposals = relocation.proposals if relocation else ()
        self.version = next((p.version for p in proposals if p.id == self.proposal_id), None)


class CalDecisionDialog(ProposalDecisionDialog):
    def __init__(self, window, case_id: int, proposal_id: int, parent=None):
        super().__init__("Décision de la commission d'attribution (CAL)", window, case_id, proposal_id, parent)
        self.form.add_date("cal_date", "Date de la CAL", date.today())
        self.form.add_choice("cal_decision", "Décision", CAL_DECISIONS)

    def perform(self):
        values = self.form.values()
        return services.record_cal_decision(self.window.database, self.window.actor, self.proposal_id,
                                            values["cal_date"], values["cal_decision"], expected_version=self.version)


class HouseholdDecisionDialog(ProposalDecisionDialog):
    def __init__(self, window, case_id: int, proposal_id: int, parent=None):
        super().__init__("Réponse du ménage à la proposition", window, case_id, proposal_id, parent)
        self.form.add_choice("household_decision", "Réponse", [(k, v) for k, v in HOUSEHOLD_DECISIONS.items()
                                                                 if k != "en_attente"])
        self.form.add_long_text("refusal_reason", "Motif du refus")

    def perform(self):
        values = self.form.values()
        return services.record_household_decision(self.window.database, self.window.actor, self.proposal_id,
                                                  values["household_decision"], values["refusal_reason"],
                                                  expected_version=self.version)


class OutcomeDialog(FormDialog):
    def __init__(self, window, case_id: int, relocation_id: int, parent=None):
        super().__init__("Fin du suivi de relogement", parent, ok_text="Clore le suivi")
        self.window, self.relocation_id = window, relocation_id
        form = self.form
        form.add_choice("outcome", "Issue", [("reloge", "Ménage relogé"), ("abandon", "Abandon du relogement")])
        form.add_date("rehoused_on", "Relogé le", date.today())
        form.add_text("new_address", "Nouvelle adresse")
        form.add_choice("new_in_qpv", "Nouveau logement en QPV", TRI_STATE)
        form.add_choice("new_is_recent", "Logement neuf ou récent", TRI_STATE)
        form.add_amount("charge_before", "Reste à charge avant")
        form.add_amount("charge_after", "Reste à charge après")
        form.add_long_text("abandon_reason", "Motif de l'abandon")

    def perform(self):
        values = self.form.values()
        database, actor = self.window.database, self.window.actor
        if values["outcome"] == "abandon":
            return services.close_relocation_abandoned(database, actor, self.relocation_id, values["abandon_reason"])
        return services.close_relocation_rehoused(
            database, actor, self.relocation_id, values["rehoused_on"], values["new_address"], values["new_in_qpv"],
            values["new_is_recent"], values["charge_before"], values["charge_after"])
