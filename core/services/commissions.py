"""Commissions: build the agenda from cases and record the decision taken for each."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from core import validation as v
from core.access import restrict_cases
from core.actor import Actor
from core.errors import ValidationError
from core.services.base import Changes, action
from core.services.common import finish, get, journal
from db import models as m
from db.vocab import COMMISSION_KINDS

CRITICAL_THRESHOLD = 30  # the national platform's upper band: criticality over 30


@action("commission.create", "commission.manage")
def create_commission(session: Session, actor: Actor, kind: str, held_on: date, title: str = "", place: str = "",
                      participants: str = "") -> Changes:
    commission = m.Commission(
        kind=v.choice(kind, "kind", "Type de commission", COMMISSION_KINDS),
        held_on=v.a_date(held_on, "held_on", "Date de la commission"),
        title=v.text(title, "title", "Intitulé", 200) or COMMISSION_KINDS[kind],
        place=v.text(place, "place", "Lieu", 200), participants=v.text(participants, "participants", "Participants", 5000))
    session.add(commission)
    session.flush()
    return Changes("commission", commission.id, set(), ["kind", "held_on"], created=True, result=commission.id)


def agenda_candidates(session: Session, kind: str, limit: int = 50, actor: Actor | None = None) -> list[int]:
    """Cases a commission of this kind would usually discuss, most pressing first (within the actor's scope).

    relogement: open relocation follow-ups, oldest first; veille_habitat_indigne: open
    cases with a danger disorder or a criticality over 30, highest first;
    preparation_cal: open follow-ups with a proposal not yet decided by a CAL.
    """
    open_case = m.Case.status != "clos"
    if kind == "relogement":
        statement = (select(m.Case.id).join(m.Relocation, m.Relocation.case_id == m.Case.id)
                     .where(open_case, m.Relocation.status == "en_cours").order_by(m.Relocation.opened_on, m.Case.id))
    elif kind == "veille_habitat_indigne":
        danger = exists().where(m.CaseDisorder.case_id == m.Case.id, m.CaseDisorder.state.in_(("signale", "confirme")),
                                m.DisorderItem.id == m.CaseDisorder.item_id, m.DisorderItem.is_danger)
        statement = (select(m.Case.id).where(open_case, (m.Case.criticality > CRITICAL_THRESHOLD) | danger)
                     .order_by(m.Case.criticality.desc(), m.Case.id))
    elif kind == "preparation_cal":
        pending = (select(m.Relocation.case_id).join(m.Proposal, m.Proposal.relocation_id == m.Relocation.id)
                   .where(m.Relocation.status == "en_cours", m.Proposal.cal_decision.is_(None)))
        statement = select(m.Case.id).where(open_case, m.Case.id.in_(pending)).order_by(m.Case.opened_on, m.Case.id)
    else:
        raise ValidationError(f"Type de commission « {kind} » inconnu.", field="kind")
    return list(session.scalars(restrict_cases(statement, actor).limit(limit)))


@action("commission.add_cases", "commission.manage")
def add_to_agenda(session: Session, actor: Actor, commission_id: int, case_ids: Iterable[int],
                  presentation: str = "") -> Changes:
    commission = get(session, m.Commission, commission_id)
    present = set(session.scalars(select(m.CommissionItem.case_id).where(m.CommissionItem.commission_id == commission_id)))
    position = session.scalar(select(func.coalesce(func.max(m.CommissionItem.position), 0))
                              .where(m.CommissionItem.commission_id == commission_id))
    added = []
    for case_id in dict.fromkeys(case_ids):
        get(session, m.Case, case_id, "case_ids")
        if case_id in present:
            continue
        position += 1
        session.add(m.CommissionItem(commission_id=commission.id, case_id=case_id, position=position,
                                     presentation=v.text(presentation, "presentation", "Présentation", 5000)))
        journal(session, actor, case_id, "commission",
                f"Inscrit à l'ordre du jour : {commission.title} du {v.fr_date(commission.held_on)}.")
        added.append(case_id)
    finish(session, added)
    return Changes("commission", commission.id, set(added), ["items"], result=added)


@action("commission.remove_case", "commission.manage")
def remove_from_agenda(session: Session, actor: Actor, commission_id: int, case_id: int) -> Changes:
    commission = get(session, m.Commission, commission_id)
    item = session.scalar(select(m.CommissionItem).where(m.CommissionItem.commission_id == commission_id,
                                                         m.CommissionItem.case_id == case_id))
    if item is None:
        raise ValidationError("Ce dossier n'est pas à l'ordre du jour.", field="case_id")
    session.delete(item)
    journal(session, actor, case_id, "commission", f"Retiré de l'ordre du jour : {commission.title}.")
    finish(session, [case_id])
    return Changes("commission", commission.id, {case_id}, ["items"], deleted=True)


@action("commission.decide", "commission.manage")
def record_commission_decision(session: Session, actor: Actor, commission_id: int, case_id: int,
                               decision: str) -> Changes:
    commission = get(session, m.Commission, commission_id)
    item = session.scalar(select(m.CommissionItem).where(m.CommissionItem.commission_id == commission_id,
                                                         m.CommissionItem.case_id == case_id))
    if item is None:
        raise ValidationError("Ce dossier n'est pas à l'ordre du jour de cette commission.", field="case_id")
    item.decision = v.text(decision, "decision", "Décision", 5000, required=True)
    journal(session, actor, case_id, "commission",
            f"{commission.title} du {v.fr_date(commission.held_on)} : {item.decision}")
    finish(session, [case_id])
    return Changes("commission", commission.id, {case_id}, ["decision"])


@dataclass
class AgendaLine:
    position: int
    case_id: int
    reference: str
    household: str
    presentation: str
    decision: str


def agenda(session: Session, commission_id: int) -> list[AgendaLine]:
    rows = session.execute(
        select(m.CommissionItem.position, m.Case.id, m.Case.reference, m.Household.last_name, m.Household.first_name,
               m.CommissionItem.presentation, m.CommissionItem.decision)
        .join(m.Case, m.Case.id == m.CommissionItem.case_id).join(m.Household, m.Household.id == m.Case.household_id)
        .where(m.CommissionItem.commission_id == commission_id).order_by(m.CommissionItem.position)
    )
    return [AgendaLine(r[0], r[1], r[2], f"{r[3].upper()} {r[4]}".strip(), r[5], r[6]) for r in rows]
