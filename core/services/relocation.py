"""Relocation follow-up (suivi de relogement): open, proposals, CAL and household decisions, close."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import validation as v
from core.actor import Actor
from core.errors import ValidationError, WorkflowError
from core.services.base import Changes, action
from core.services.common import assign_changed, authorize_cases, check_version, finish, get, journal, today
from core.services.fields import Checker, clean
from db import models as m
from db.vocab import CAL_DECISIONS, HOUSEHOLD_DECISIONS, TYPOLOGIES

RELOCATION_FIELDS: dict[str, Checker] = {
    "reason": lambda x: v.text(x, "reason", "Motif du relogement", 40, required=True),
    "opened_on": lambda x: v.a_date(x, "opened_on", "Date d'ouverture du suivi"),
    "sne_number": lambda x: v.text(x, "sne_number", "Numéro unique SNE", 40),
    "sne_filed_on": lambda x: v.a_date(x, "sne_filed_on", "Date de dépôt de la demande", required=False),
    "dalo_recognized_on": lambda x: v.a_date(x, "dalo_recognized_on", "Date de reconnaissance DALO", required=False),
    "syplo_labelled": lambda x: v.boolean(x, "syplo_labelled", "Labellisé SYPLO"),
    "needed_typology": lambda x: v.choice(x, "needed_typology", "Typologie recherchée", TYPOLOGIES, required=False),
    "max_rent": lambda x: v.number(x, "max_rent", "Loyer maximal", 0, 100000, "€"),
    "wished_communes": lambda x: v.text(x, "wished_communes", "Communes souhaitées", 2000),
    "needs_accessibility": lambda x: v.boolean(x, "needs_accessibility", "Besoin d'accessibilité"),
    "floor_or_lift": lambda x: v.text(x, "floor_or_lift", "Étage / ascenseur", 200),
}

PROPOSAL_FIELDS: dict[str, Checker] = {
    "proposed_on": lambda x: v.a_date(x, "proposed_on", "Date de la proposition"),
    "landlord_id": lambda x: v.integer(x, "landlord_id", "Bailleur", 1, 2**62, required=False),
    "dwelling_description": lambda x: v.text(x, "dwelling_description", "Logement proposé", 300),
    "typology": lambda x: v.choice(x, "typology", "Typologie", TYPOLOGIES, required=False),
    "in_qpv": lambda x: v.boolean(x, "in_qpv", "En QPV", optional=True),
    "rent": lambda x: v.number(x, "rent", "Loyer", 0, 100000, "€"),
    "charges": lambda x: v.number(x, "charges", "Charges", 0, 100000, "€"),
    "cal_date": lambda x: v.a_date(x, "cal_date", "Date de la CAL", required=False),
    "cal_decision": lambda x: v.choice(x, "cal_decision", "Décision de la CAL", CAL_DECISIONS, required=False),
}


def _relocation(session: Session, actor: Actor, relocation_id: int, must_be_open: bool = True) -> m.Relocation:
    relocation = get(session, m.Relocation, relocation_id)
    authorize_cases(session, actor, [relocation.case_id])
    if must_be_open and relocation.status != "en_cours":
        raise WorkflowError("Ce suivi de relogement est clos.", field="status")
    return relocation


def _check_relocation(session: Session, values: dict[str, Any], collector: v.Collector) -> None:
    reason = values.get("reason")
    if isinstance(reason, str) and reason and session.get(m.RelocationReason, reason) is None:
        collector.add(ValidationError(f"Motif de relogement « {reason} » inconnu.", field="reason"))


@action("relocation.open", "case.edit", case_arg="case_id")
def open_relocation(session: Session, actor: Actor, case_id: int, values: dict[str, Any]) -> Changes:
    """Open the follow-up of a case: reason, needs, SNE number and filing date, DALO, SYPLO."""
    case = get(session, m.Case, case_id)
    if session.scalar(select(m.Relocation.id).where(m.Relocation.case_id == case_id)) is not None:
        raise ValidationError("Ce dossier a déjà un suivi de relogement.", field="case_id")
    collector = v.Collector()
    clean_values = clean({"opened_on": today(), **values}, RELOCATION_FIELDS, collector, "relocation")
    if "reason" not in values:
        collector.check("reason", lambda: RELOCATION_FIELDS["reason"](None))
    _check_relocation(session, clean_values, collector)
    collector.raise_if_any()
    v.not_after(clean_values["opened_on"], today(), "opened_on", "La date d'ouverture ne peut pas être dans le futur.")
    relocation = m.Relocation(case_id=case.id, status="en_cours", **clean_values)
    session.add(relocation)
    session.flush()
    journal(session, actor, case.id, "relogement", "Ouverture du suivi de relogement.", shareable=True)
    finish(session, [case.id])
    return Changes("relocation", relocation.id, {case.id}, sorted(clean_values), created=True, result=relocation.id)


@action("relocation.update", "case.edit")
def update_relocation(session: Session, actor: Actor, relocation_id: int, values: dict[str, Any],
                      expected_version: int | None = None) -> Changes:
    relocation = _relocation(session, actor, relocation_id, must_be_open=False)
    check_version(session, relocation, "relocation", expected_version)
    collector = v.Collector()
    clean_values = clean(values, RELOCATION_FIELDS, collector, "relocation")
    _check_relocation(session, clean_values, collector)
    collector.raise_if_any()
    changed = assign_changed(relocation, clean_values)
    finish(session, [relocation.case_id])
    return Changes("relocation", relocation.id, {relocation.case_id}, changed)


def _check_cal(values: dict[str, Any], proposed_on: date | None) -> None:
    if values.get("cal_decision") and not values.get("cal_date"):
        raise ValidationError("Indiquez la date de la CAL qui a pris cette décision.", field="cal_date")
    v.not_before(values.get("cal_date"), proposed_on, "cal_date",
                 f"La date de la CAL ({v.fr_date(values.get('cal_date'))}) ne peut pas précéder la proposition "
                 f"({v.fr_date(proposed_on)}).")


@action("relocation.add_proposal", "case.edit")
def add_proposal(session: Session, actor: Actor, relocation_id: int, values: dict[str, Any]) -> Changes:
    """A dwelling proposed to the household (the household's answer is recorded later)."""
    relocation = _relocation(session, actor, relocation_id)
    collector = v.Collector()
    clean_values = clean({"proposed_on": today(), **values}, PROPOSAL_FIELDS, collector, "proposal")
    collector.raise_if_any()
    if clean_values.get("landlord_id") and session.get(m.Partner, clean_values["landlord_id"]) is None:
        raise ValidationError("Bailleur inconnu.", field="landlord_id")
    _check_cal(clean_values, clean_values["proposed_on"])
    proposal = m.Proposal(relocation_id=relocation.id, household_decision="en_attente", **clean_values)
    session.add(proposal)
    session.flush()
    journal(session, actor, relocation.case_id, "relogement",
            f"Proposition de logement du {v.fr_date(proposal.proposed_on)} : {proposal.dwelling_description}".strip(),
            shareable=True)
    finish(session, [relocation.case_id])
    return Changes("proposal", proposal.id, {relocation.case_id}, sorted(clean_values), created=True,
                   result=proposal.id)


@action("relocation.cal_decision", "case.edit")
def record_cal_decision(session: Session, actor: Actor, proposal_id: int, cal_date: date, decision: str,
                        expected_version: int | None = None) -> Changes:
    proposal = get(session, m.Proposal, proposal_id)
    relocation = _relocation(session, actor, proposal.relocation_id)
    check_version(session, proposal, "proposal", expected_version)
    values = {"cal_date": PROPOSAL_FIELDS["cal_date"](cal_date),
              "cal_decision": v.choice(decision, "cal_decision", "Décision de la CAL", CAL_DECISIONS)}
    if values["cal_date"] is None:
        raise ValidationError("Indiquez la date de la CAL.", field="cal_date")
    _check_cal(values, proposal.proposed_on)
    proposal.cal_date, proposal.cal_decision = values["cal_date"], values["cal_decision"]
    journal(session, actor, relocation.case_id, "relogement",
            f"CAL du {v.fr_date(proposal.cal_date)} : {CAL_DECISIONS[proposal.cal_decision]}.", shareable=True)
    finish(session, [relocation.case_id])
    return Changes("proposal", proposal.id, {relocation.case_id}, ["cal_date", "cal_decision"])


@action("relocation.household_decision", "case.edit")
def record_household_decision(session: Session, actor: Actor, proposal_id: int, decision: str,
                              refusal_reason: str = "", expected_version: int | None = None) -> Changes:
    """The household accepts or refuses a proposal; a refusal records its reason."""
    proposal = get(session, m.Proposal, proposal_id)
    relocation = _relocation(session, actor, proposal.relocation_id)
    check_version(session, proposal, "proposal", expected_version)
    decision = v.choice(decision, "household_decision", "Décision du ménage", HOUSEHOLD_DECISIONS)
    refusal_reason = v.text(refusal_reason, "refusal_reason", "Motif du refus", 2000)
    if decision != "refusee" and refusal_reason:
        raise ValidationError("Un motif de refus n'a de sens que si le ménage refuse.", field="refusal_reason")
    proposal.household_decision, proposal.refusal_reason = decision, refusal_reason
    text = f"Réponse du ménage à la proposition du {v.fr_date(proposal.proposed_on)} : {HOUSEHOLD_DECISIONS[decision]}"
    journal(session, actor, relocation.case_id, "relogement",
            text + (f" ({refusal_reason})." if refusal_reason else "."), shareable=True)
    finish(session, [relocation.case_id])
    return Changes("proposal", proposal.id, {relocation.case_id}, ["household_decision", "refusal_reason"])


@action("relocation.rehoused", "case.edit")
def close_relocation_rehoused(session: Session, actor: Actor, relocation_id: int, rehoused_on: date | None,
                              new_address: str, new_in_qpv: bool | None, new_is_recent: bool | None = None,
                              charge_before: float | None = None, charge_after: float | None = None) -> Changes:
    """The household is rehoused: date, new dwelling, inside or outside a QPV, remaining charge."""
    relocation = _relocation(session, actor, relocation_id)
    if rehoused_on is None:
        raise ValidationError("Pour clore le suivi comme relogé, indiquez la date du relogement.", field="rehoused_on")
    rehoused_on = v.a_date(rehoused_on, "rehoused_on", "Date du relogement")
    v.not_after(rehoused_on, today(), "rehoused_on", "La date du relogement ne peut pas être dans le futur.")
    v.not_before(rehoused_on, relocation.opened_on, "rehoused_on",
                 "La date du relogement ne peut pas précéder l'ouverture du suivi.")
    relocation.new_address = v.text(new_address, "new_address", "Nouvelle adresse", 300, required=True)
    relocation.new_in_qpv = v.boolean(new_in_qpv, "new_in_qpv", "Nouveau logement en QPV")
    relocation.new_is_recent = v.boolean(new_is_recent, "new_is_recent", "Logement neuf ou récent", optional=True)
    relocation.charge_before = v.number(charge_before, "charge_before", "Reste à charge avant", 0, 100000, "€")
    relocation.charge_after = v.number(charge_after, "charge_after", "Reste à charge après", 0, 100000, "€")
    relocation.status, relocation.rehoused_on = "reloge", rehoused_on
    where = "en QPV" if relocation.new_in_qpv else "hors QPV"
    journal(session, actor, relocation.case_id, "relogement",
            f"Ménage relogé le {v.fr_date(rehoused_on)} ({where}) : {relocation.new_address}.", shareable=True)
    finish(session, [relocation.case_id])
    return Changes("relocation", relocation.id, {relocation.case_id}, ["status", "rehoused_on"])


@action("relocation.abandon", "case.edit")
def close_relocation_abandoned(session: Session, actor: Actor, relocation_id: int, reason: str) -> Changes:
    relocation = _relocation(session, actor, relocation_id)
    relocation.abandon_reason = v.text(reason, "abandon_reason", "Motif de l'abandon", 2000, required=True)
    relocation.status = "abandon"
    journal(session, actor, relocation.case_id, "relogement",
            f"Suivi de relogement abandonné : {relocation.abandon_reason}", shareable=True)
    finish(session, [relocation.case_id])
    return Changes("relocation", relocation.id, {relocation.case_id}, ["status", "abandon_reason"])
