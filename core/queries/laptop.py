"""Reads of the field-laptop merge (core.laptop): the conflicts left by check-ins, within the actor's scope."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import restrict_cases
from core.actor import Actor
from core.queries import query
from db import models as m


@query("portable.conflits")
def list_conflicts(session: Session, actor: Actor, open_only: bool = True) -> tuple:
    """The conflicts on cases the actor may see (an agent: her own scope), oldest first (ConflictView)."""
    from core.laptop.conflicts import view_of

    visible = restrict_cases(select(m.Case.uuid), actor)
    statement = select(m.MergeConflict).where(m.MergeConflict.case_uuid.in_(visible)).order_by(m.MergeConflict.id)
    if open_only:
        statement = statement.where(m.MergeConflict.status == "ouvert")
    return tuple(view_of(row) for row in session.scalars(statement))
