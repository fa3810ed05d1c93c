"""Referrals (saisines): send a case to a partner, record the answer, list what is overdue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import validation as v
from core.actor import Actor
from core.errors import ValidationError, WorkflowError
from core.services.base import Changes, action
from core.services.common import authorize_cases, check_version, finish, get, journal, today
from db import models as m
from db.vocab import REFERRAL_STATUSES

OPEN_STATUSES = ("nouvelle", "en_cours")
ANSWER_STATUSES = ("en_cours", "refusee", "close")


@action("referral.send", "case.edit", case_arg="case_id")
def send_referral(session: Session, actor: Actor, case_id: int, partner_id: int, subject: str,
                  sent_on: date | None = None, expected_answer_on: date | None = None) -> Changes:
    case = get(session, m.Case, case_id)
    partner = session.get(m.Partner, partner_id) if partner_id is not None else None
    if partner is None:
        raise ValidationError("Choisissez le partenaire saisi.", field="partner_id")
    collector = v.Collector()
    collector.check("subject", lambda: v.text(subject, "subject", "Objet de la saisine", 300, required=True))
    collector.check("sent_on", lambda: v.a_date(sent_on or today(), "sent_on", "Date d'envoi"))
    collector.check("expected_answer_on", lambda: v.a_date(expected_answer_on, "expected_answer_on",
                                                           "Date de réponse attendue", required=False))
    collector.raise_if_any()
    values = collector.values
    v.not_before(values["expected_answer_on"], values["sent_on"], "expected_answer_on",
                 "La date de réponse attendue ne peut pas précéder l'envoi de la saisine.")
    referral = m.Referral(case_id=case.id, partner_id=partner.id, status="nouvelle", **values)
    session.add(referral)
    session.flush()
    due = f", réponse attendue le {v.fr_date(values['expected_answer_on'])}" if values["expected_answer_on"] else ""
    journal(session, actor, case.id, "saisine", f"Saisine de {partner.name} : {values['subject']}{due}.")
    finish(session, [case.id])
    return Changes("referral", referral.id, {case.id}, ["referrals"], created=True, result=referral.id)


@action("referral.answer", "case.edit")
def record_referral_answer(session: Session, actor: Actor, referral_id: int, answer: str,
                           answered_on: date | None = None, status: str = "close",
                           expected_version: int | None = None) -> Changes:
    """Record the partner's answer; status 'close' (answered), 'refusee' or 'en_cours' (partial answer)."""
    referral = get(session, m.Referral, referral_id)
    authorize_cases(session, actor, [referral.case_id])
    check_version(session, referral, "referral", expected_version)
    if referral.status not in OPEN_STATUSES:
        raise WorkflowError(f"Cette saisine est déjà « {REFERRAL_STATUSES[referral.status]} ».", field="status")
    status = v.choice(status, "status", "Statut de la saisine", ANSWER_STATUSES)
    answer = v.text(answer, "answer", "Réponse", 20000, required=True)
    answered_on = v.a_date(answered_on or today(), "answered_on", "Date de la réponse")
    v.not_after(answered_on, today(), "answered_on", "La date de la réponse ne peut pas être dans le futur.")
    v.not_before(answered_on, referral.sent_on, "answered_on",
                 f"La réponse ({v.fr_date(answered_on)}) ne peut pas précéder l'envoi ({v.fr_date(referral.sent_on)}).")
    referral.answer, referral.answered_on, referral.status = answer, answered_on, status
    journal(session, actor, referral.case_id, "saisine",
            f"Réponse de {referral.partner.name} ({REFERRAL_STATUSES[status].lower()}) : {answer}")
    finish(session, [referral.case_id])
    return Changes("referral", referral.id, {referral.case_id}, ["answer", "status"])


@dataclass
class OverdueReferral:
    referral_id: int
    case_id: int
    reference: str
    partner: str
    subject: str
    sent_on: date
    expected_answer_on: date
    days_late: int
    agent_id: int | None


def overdue_referrals(session: Session, on: date | None = None, agent_id: int | None = None) -> list[OverdueReferral]:
    """Referrals still without answer after their expected date, the latest first."""
    on = on or today()
    statement = (
        select(m.Referral.id, m.Case.id, m.Case.reference, m.Partner.name, m.Referral.subject, m.Referral.sent_on,
               m.Referral.expected_answer_on, m.Case.agent_id)
        .join(m.Case, m.Case.id == m.Referral.case_id).join(m.Partner, m.Partner.id == m.Referral.partner_id)
        .where(m.Referral.status.in_(OPEN_STATUSES), m.Referral.expected_answer_on < on)
        .order_by(m.Referral.expected_answer_on, m.Referral.id)
    )
    if agent_id is not None:
        statement = statement.where(m.Case.agent_id == agent_id)
    return [OverdueReferral(r[0], r[1], r[2], r[3], r[4], r[5], r[6], (on - r[6]).days, r[7])
            for r in session.execute(statement)]
