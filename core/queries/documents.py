"""Reads the print menus need: a case's reference (for the file name) and the visits of a case."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.actor import Actor
from core.errors import NotFound
from core.queries import query
from db import models as m


@query("documents.case_reference", case_arg="case_id")
def case_reference(session: Session, actor: Actor, case_id: int) -> str:
    reference = session.scalar(select(m.Case.reference).where(m.Case.id == case_id))
    if reference is None:
        raise NotFound("Ce dossier n'existe plus.")
    return reference


@dataclass(frozen=True)
class VisitChoice:
    visit_id: int
    scheduled_at: datetime | None
    type_label: str


@query("documents.case_visits", case_arg="case_id")
def case_visit_choices(session: Session, actor: Actor, case_id: int) -> tuple[VisitChoice, ...]:
    """The visits of a case, the oldest first, to choose the one whose report to print."""
    return tuple(VisitChoice(*row) for row in session.execute(
        select(m.Visit.id, m.Visit.scheduled_at, m.VisitType.label).join(m.VisitType)
        .join(m.VisitCase, m.VisitCase.visit_id == m.Visit.id)
        .where(m.VisitCase.case_id == case_id).order_by(m.Visit.scheduled_at, m.Visit.id)))
