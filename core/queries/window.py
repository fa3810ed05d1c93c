"""Reads of the main window itself (its views read through their own modules)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import restrict_cases
from core.actor import Actor
from core.queries import query
from db.models import Case


@query("fenetre.dossier_par_reference")
def case_id_by_reference(session: Session, actor: Actor, reference: str) -> int | None:
    """The id of the case with this reference (`--view case:REF`), None when unknown or outside the actor's scope."""
    wanted = (reference or "").strip()
    if not wanted:
        return None
    return session.scalar(restrict_cases(select(Case.id).where(Case.reference == wanted), actor))
