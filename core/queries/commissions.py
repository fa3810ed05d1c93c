"""Reads of the Commissions page and its dialogs: meetings, their agenda, suggested cases.

An agent sees every meeting (date, type, place: no personal data) but, of its agenda, only the cases of
her scope; the number of cases shown is that of those she sees.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.access import restrict_cases
from core.actor import Actor
from core.errors import NotFound
from core.queries import query
from core.services.commissions import agenda_candidates
from db import models as m
from db.vocab import COMMISSION_KINDS, label

COMMISSION_LIMIT = 500


@dataclass(frozen=True)
class CommissionLine:
    commission_id: int
    held_on: date
    kind: str  # in French
    title: str
    place: str
    participants: str
    items: int  # cases on its agenda that the actor may see


@dataclass(frozen=True)
class CommissionItemLine:
    item_id: int
    case_id: int
    position: int
    reference: str
    household: str
    presentation: str
    decision: str


@dataclass(frozen=True)
class CommissionAgenda:
    commission_id: int
    held_on: date
    items: tuple[CommissionItemLine, ...]


def _visible_items(actor: Actor):
    return restrict_cases(select(m.CommissionItem.id).join(m.Case, m.Case.id == m.CommissionItem.case_id), actor)


@query("commissions.list")
def commission_list(session: Session, actor: Actor) -> tuple[CommissionLine, ...]:
    """The meetings, the latest first."""
    counts = (select(m.CommissionItem.commission_id, func.count().label("n"))
              .where(m.CommissionItem.id.in_(_visible_items(actor)))
              .group_by(m.CommissionItem.commission_id).subquery())
    rows = session.execute(
        select(m.Commission.id, m.Commission.held_on, m.Commission.kind, m.Commission.title, m.Commission.place,
               m.Commission.participants, counts.c.n)
        .outerjoin(counts, counts.c.commission_id == m.Commission.id)
        .order_by(m.Commission.held_on.desc(), m.Commission.id.desc()).limit(COMMISSION_LIMIT))
    return tuple(CommissionLine(cid, held, label(COMMISSION_KINDS, kind), title or "", place or "", participants or "",
                                n or 0) for cid, held, kind, title, place, participants, n in rows)


@query("commissions.agenda")
def commission_agenda(session: Session, actor: Actor, commission_id: int) -> CommissionAgenda:
    """The agenda of one meeting, in its order, with the decision taken on each case."""
    held_on = session.scalar(select(m.Commission.held_on).where(m.Commission.id == commission_id))
    if held_on is None:
        raise NotFound("Cette commission n'existe plus.")
    rows = session.execute(
        restrict_cases(select(m.CommissionItem.id, m.CommissionItem.case_id, m.CommissionItem.position, m.Case.reference,
                              m.Household.last_name, m.Household.first_name, m.CommissionItem.presentation,
                              m.CommissionItem.decision)
                       .join(m.Case, m.Case.id == m.CommissionItem.case_id)
                       .join(m.Household, m.Household.id == m.Case.household_id)
                       .where(m.CommissionItem.commission_id == commission_id), actor)
        .order_by(m.CommissionItem.position, m.CommissionItem.id))
    return CommissionAgenda(commission_id, held_on, tuple(
        CommissionItemLine(item_id, case_id, position, reference, f"{last.upper()} {first}".strip(), presentation or "",
                           decision or "")
        for item_id, case_id, position, reference, last, first, presentation, decision in rows))


@query("commissions.candidates")
def commission_candidates(session: Session, actor: Actor, kind: str, limit: int = 20) -> tuple[int, ...]:
    """Ids of the cases a commission of this kind would usually discuss, within the actor's scope."""
    return tuple(agenda_candidates(session, kind, limit=limit, actor=actor))
