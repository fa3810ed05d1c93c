"""Reads of « Mes échéances »: the actor's queue, or the team's, within the actor's scope."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.access import case_scope_condition
from core.actor import Actor
from core.queries import query
from db import models as m


@dataclass(frozen=True)
class TaskLine:
    task_id: int
    case_id: int | None
    reference: str
    household: str
    title: str
    due_on: date
    rule: str  # the rule's key (core.reminders.RULES), « manuelle » for a task written by hand
    assignee: str


@query("tasks.queue")
def task_queue(session: Session, actor: Actor, today: date, horizon_days: int,
               whole_team: bool = False) -> tuple[TaskLine, ...]:
    """Open échéances due within the horizon (and every late one), the most urgent first.

    Without `whole_team`, those assigned to the actor. With it, everyone's, limited for an agent to the
    cases of her scope and to the tasks without a case that are her own.
    """
    statement = (
        select(m.Task.id, m.Task.case_id, m.Case.reference, m.Household.last_name, m.Household.first_name,
               m.Task.title, m.Task.due_on, m.Task.rule_key, m.User.full_name)
        .outerjoin(m.Case, m.Case.id == m.Task.case_id)
        .outerjoin(m.Household, m.Household.id == m.Case.household_id)
        .outerjoin(m.User, m.User.id == m.Task.assignee_id)
        .where(m.Task.done_on.is_(None), m.Task.due_on <= today + timedelta(days=horizon_days))
        .order_by(m.Task.due_on, m.Task.id).limit(5000))
    if not whole_team:
        statement = statement.where(m.Task.assignee_id == actor.user_id)
    scope = case_scope_condition(actor)
    if scope is not None:
        own_without_case = (m.Task.case_id.is_(None)) & (m.Task.assignee_id == actor.user_id)
        statement = statement.where(or_(scope, own_without_case))
    return tuple(TaskLine(task_id, case_id, reference or "", f"{(last or '').upper()} {first or ''}".strip(), title,
                          due, (rule_key or "").split(":", 1)[0] or "manuelle", who or "")
                 for task_id, case_id, reference, last, first, title, due, rule_key, who in session.execute(statement))
