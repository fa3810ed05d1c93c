"""Reads of the visit agenda and of the visit dialogs (schedule, reschedule, conclude).

An agent sees a visit when one of its cases lies within her scope, or when it concerns no case at all
(a collective visit of a neighbourhood); of a visit's cases she sees only those of her scope.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session, selectinload

from core.access import restrict_cases
from core.actor import Actor
from core.errors import NotFound, PermissionDenied
from core.queries import query
from db import models as m
from db.vocab import VISIT_STATUSES, label

AGENDA_LIMIT = 1000
WEEK = "week"  # the agenda's scope: the visits of one week; otherwise a visit status


@dataclass(frozen=True)
class VisitCaseLine:
    case_id: int
    reference: str
    household: str
    address: str


@dataclass(frozen=True)
class VisitLine:
    visit_id: int
    scheduled_at: datetime | None
    type_label: str
    collective: bool
    status: str
    status_label: str
    neighbourhood: str | None
    cases: tuple[VisitCaseLine, ...]
    agents: tuple[str, ...]
    version: int = 0  # sent back with a save: a save from an older version is refused


def visible_visits(actor: Actor):
    """SQL condition on Visit: the visits the actor may see (None for everything)."""
    if actor.role != "agent":
        return None
    in_scope = restrict_cases(select(m.VisitCase.visit_id).join(m.Case, m.Case.id == m.VisitCase.case_id), actor)
    without_case = ~exists().where(m.VisitCase.visit_id == m.Visit.id)
    return or_(m.Visit.id.in_(in_scope), without_case)


def _reachable_case_ids(session: Session, actor: Actor, case_ids) -> set[int]:
    """Those of `case_ids` within the actor's scope."""
    case_ids = set(case_ids)
    if actor.role != "agent" or not case_ids:
        return case_ids
    return set(session.scalars(restrict_cases(select(m.Case.id).where(m.Case.id.in_(case_ids)), actor)))


def _visit(session: Session, actor: Actor, visit_id: int, *options) -> m.Visit:
    condition = visible_visits(actor)
    visit = session.get(m.Visit, visit_id, options=list(options))
    if visit is None:
        raise NotFound("Cette visite n'existe plus.")
    if condition is not None and session.scalar(select(m.Visit.id).where(m.Visit.id == visit_id, condition)) is None:
        raise PermissionDenied("Cette visite ne concerne aucun dossier de vos secteurs ni attribué à vous.")
    return visit


def _line(visit: m.Visit, seen: set[int]) -> VisitLine:
    """A visit with those of its cases that are in `seen` (the ones the actor may see)."""
    cases = tuple(VisitCaseLine(c.id, c.reference, c.household.display_name, c.dwelling.full_address)
                  for c in visit.cases if c.id in seen)
    return VisitLine(visit.id, visit.scheduled_at, visit.type.label, bool(visit.type.collective), visit.status,
                     label(VISIT_STATUSES, visit.status), visit.neighbourhood.name if visit.neighbourhood else None,
                     cases, tuple(a.full_name for a in visit.agents), visit.version)


def _one_line(session: Session, actor: Actor, visit: m.Visit) -> VisitLine:
    return _line(visit, _reachable_case_ids(session, actor, (c.id for c in visit.cases)))


@query("agenda.visits")
def agenda_visits(session: Session, actor: Actor, week: date, scope: str = WEEK,
                  agent_id: int | None = None) -> tuple[VisitLine, ...]:
    """The visits of the week starting on `week` (scope WEEK), or those of one status; of one agent or all."""
    statement = select(m.Visit).options(
        selectinload(m.Visit.cases).selectinload(m.Case.dwelling).selectinload(m.Dwelling.commune),
        selectinload(m.Visit.cases).selectinload(m.Case.household),
        selectinload(m.Visit.agents), selectinload(m.Visit.type), selectinload(m.Visit.neighbourhood))
    if scope == WEEK:
        start = datetime.combine(week, time())
        statement = statement.where(m.Visit.scheduled_at >= start, m.Visit.scheduled_at < start + timedelta(days=7))
    else:
        statement = statement.where(m.Visit.status == scope)
    if agent_id is not None:
        statement = statement.where(m.Visit.id.in_(select(m.VisitAgent.visit_id).where(m.VisitAgent.user_id == agent_id)))
    condition = visible_visits(actor)
    if condition is not None:
        statement = statement.where(condition)
    statement = statement.order_by(m.Visit.scheduled_at.is_(None), m.Visit.scheduled_at, m.Visit.id).limit(AGENDA_LIMIT)
    visits = session.scalars(statement).all()
    seen = _reachable_case_ids(session, actor, {c.id for v in visits for c in v.cases})
    return tuple(_line(visit, seen) for visit in visits)


@query("agenda.agents")
def active_agents(session: Session, actor: Actor) -> tuple[tuple[int, str], ...]:
    """(id, full name) of the active users, for the agent filters and the visit's team."""
    return tuple((user_id, name) for user_id, name in session.execute(
        select(m.User.id, m.User.full_name).where(m.User.active.is_(True)).order_by(m.User.full_name)))


@dataclass(frozen=True)
class VisitFormChoices:
    types: tuple[tuple[str, str, bool], ...]  # code, label, collective
    places: tuple[tuple[int, str], ...]  # neighbourhood id, « name (commune) »


@query("agenda.visit_form")
def visit_form_choices(session: Session, actor: Actor) -> VisitFormChoices:
    types = session.execute(select(m.VisitType.code, m.VisitType.label, m.VisitType.collective)
                            .where(m.VisitType.active).order_by(m.VisitType.position))
    places = session.execute(select(m.Neighbourhood.id, m.Neighbourhood.name + " (" + m.Commune.name + ")")
                             .join(m.Commune).order_by(m.Commune.name, m.Neighbourhood.name))
    return VisitFormChoices(tuple((c, text, bool(coll)) for c, text, coll in types), tuple(tuple(p) for p in places))


@query("agenda.visit")
def visit_line(session: Session, actor: Actor, visit_id: int) -> VisitLine:
    """One visit as the agenda shows it (refused for a visit outside the actor's scope)."""
    visit = _visit(session, actor, visit_id, selectinload(m.Visit.cases).selectinload(m.Case.household),
                   selectinload(m.Visit.type), selectinload(m.Visit.agents))
    return _one_line(session, actor, visit)


@dataclass(frozen=True)
class CaseFindings:
    case_id: int
    reference: str
    household: str
    disorders: tuple[tuple[int, str, str], ...]  # item id, state, label: what the case reported
    suggested_procedures: frozenset[str]  # codes linked to its disorders signalled or confirmed


@dataclass(frozen=True)
class VisitConclusionForm:
    visit: VisitLine
    done_at: datetime | None
    observations: str
    next_steps: str
    cases: tuple[CaseFindings, ...]
    procedures: tuple[tuple[str, str], ...]  # code, label of the active procedure types
    grid: tuple[tuple[int, str, str], ...]  # id, label, zone of the active disorder items


@query("agenda.conclusion_form")
def visit_conclusion_form(session: Session, actor: Actor, visit_id: int) -> VisitConclusionForm:
    """What the conclusion dialog shows: the visit, each of its cases with its disorders, the choice lists."""
    visit = _visit(session, actor, visit_id, selectinload(m.Visit.cases).selectinload(m.Case.household),
                   selectinload(m.Visit.type), selectinload(m.Visit.agents))
    line = _one_line(session, actor, visit)
    procedures = tuple(tuple(r) for r in session.execute(
        select(m.ProcedureType.code, m.ProcedureType.label).where(m.ProcedureType.active)
        .order_by(m.ProcedureType.position)))
    grid = tuple(tuple(r) for r in session.execute(
        select(m.DisorderItem.id, m.DisorderItem.label, m.DisorderItem.zone).where(m.DisorderItem.active)
        .order_by(m.DisorderItem.zone, m.DisorderItem.position)))
    return VisitConclusionForm(line, visit.done_at, visit.observations or "", visit.next_steps or "",
                               tuple(_findings(session, c) for c in line.cases), procedures, grid)


def _findings(session: Session, case: VisitCaseLine) -> CaseFindings:
    rows = session.execute(select(m.CaseDisorder.item_id, m.CaseDisorder.state, m.DisorderItem.label)
                           .join(m.DisorderItem).where(m.CaseDisorder.case_id == case.case_id)
                           .order_by(m.DisorderItem.zone, m.DisorderItem.position)).all()
    live = [item_id for item_id, state, _label in rows if state in ("signale", "confirme")]
    suggested = frozenset(session.scalars(
        select(m.ProcedureType.code).select_from(m.DisorderItem).join(m.DisorderItem.procedures)
        .where(m.DisorderItem.id.in_(live)))) if live else frozenset()
    return CaseFindings(case.case_id, case.reference, case.household, tuple(tuple(r) for r in rows), suggested)
