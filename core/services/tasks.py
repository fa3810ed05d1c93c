"""Tasks (échéances) made by people; the reminder rules make theirs in core/reminders.py."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from core import validation as v
from core.access import authorize
from core.actor import Actor
from core.errors import PermissionDenied, ValidationError, WorkflowError
from core.services.base import Changes, action
from core.services.common import finish, get, journal, today
from db import models as m


@action("task.create", "case.edit", case_arg="case_id")
def create_task(session: Session, actor: Actor, title: str, due_on: date, case_id: int | None = None,
                assignee_id: int | None = None) -> Changes:
    title = v.text(title, "title", "Intitulé de l'échéance", 300, required=True)
    due_on = v.a_date(due_on, "due_on", "Date d'échéance")
    if case_id is not None:
        get(session, m.Case, case_id, "case_id")
    if assignee_id is not None:
        user = session.get(m.User, assignee_id)
        if user is None or not user.active:
            raise ValidationError("Personne assignée inconnue ou désactivée.", field="assignee_id")
    task = m.Task(case_id=case_id, title=title, due_on=due_on, assignee_id=assignee_id or actor.user_id,
                  created_by_id=actor.user_id)
    session.add(task)
    session.flush()
    if case_id is not None:
        journal(session, actor, case_id, "echeance", f"Échéance au {v.fr_date(due_on)} : {title}")
        finish(session, [case_id])
    return Changes("task", task.id, {case_id} if case_id else set(), ["title", "due_on"], created=True,
                   result=task.id)


@action("task.complete", "case.edit")
def complete_task(session: Session, actor: Actor, task_id: int, done_on: date | None = None) -> Changes:
    task = get(session, m.Task, task_id)
    if task.case_id is not None:
        authorize(session, actor, "case.edit", task.case_id)
    elif task.assignee_id not in (None, actor.user_id) and actor.role == "agent":
        raise PermissionDenied("Cette échéance est assignée à quelqu'un d'autre.", field="task_id")
    if task.done_on is not None:
        raise WorkflowError(f"Cette échéance est déjà faite (le {v.fr_date(task.done_on)}).", field="done_on")
    task.done_on = v.a_date(done_on or today(), "done_on", "Date de réalisation")
    v.not_after(task.done_on, today(), "done_on", "La date de réalisation ne peut pas être dans le futur.")
    if task.case_id is not None:
        journal(session, actor, task.case_id, "echeance", f"Échéance faite : {task.title}")
        finish(session, [task.case_id])
    return Changes("task", task.id, {task.case_id} if task.case_id else set(), ["done_on"])
