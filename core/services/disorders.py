"""Reported disorders of a case (items of the grid); visits confirm them (see visits.py)."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import validation as v
from core.actor import Actor
from core.errors import ValidationError
from core.services.base import Changes, action
from core.services.common import finish, get, journal, today
from db import models as m


def _items(session: Session, item_ids: Iterable[int]) -> list[m.DisorderItem]:
    items = []
    for item_id in dict.fromkeys(item_ids):
        item = session.get(m.DisorderItem, item_id)
        if item is None:
            raise ValidationError(f"Désordre n° {item_id} inconnu dans la grille.", field="item_ids")
        items.append(item)
    return items


def add_reported(session: Session, case: m.Case, items: list[m.DisorderItem], reported_on: date, comment: str = "",
                 state: str = "signale", visit_id: int | None = None) -> list[m.DisorderItem]:
    """Add the items not yet on the case; returns the ones added.

    A line an administrator withdrew from the grid cannot be added any more; where a
    case already has it, it stays (the finding is history).
    """
    present = set(session.scalars(select(m.CaseDisorder.item_id).where(m.CaseDisorder.case_id == case.id)))
    added = [item for item in items if item.id not in present]
    withdrawn = [item.label for item in added if not item.active]
    if withdrawn:
        raise ValidationError("Désordre retiré de la grille, il ne peut plus être signalé : " + " ; ".join(withdrawn)
                              + ".", field="item_ids")
    session.add_all([m.CaseDisorder(case_id=case.id, item_id=item.id, state=state, reported_on=reported_on,
                                    comment=comment, visit_id=visit_id) for item in added])
    return added


@action("disorder.report", "case.edit", case_arg="case_id")
def report_disorders(session: Session, actor: Actor, case_id: int, item_ids: Iterable[int],
                     reported_on: date | None = None, comment: str = "") -> Changes:
    """Tick items of the grid as reported on the case (items already there are kept as they are)."""
    case = get(session, m.Case, case_id)
    reported_on = v.a_date(reported_on or today(), "reported_on", "Date du signalement")
    v.not_after(reported_on, today(), "reported_on", "La date du signalement ne peut pas être dans le futur.")
    comment = v.text(comment, "comment", "Commentaire", 5000)
    added = add_reported(session, case, _items(session, item_ids), reported_on, comment)
    if added:
        journal(session, actor, case.id, "desordre",
                "Désordres signalés : " + " ; ".join(item.label for item in added) + ".")
    finish(session, [case.id])
    return Changes("case", case.id, {case.id}, ["disorders"], created=bool(added), result=[i.id for i in added])


@action("disorder.withdraw", "case.edit", case_arg="case_id")
def withdraw_disorder(session: Session, actor: Actor, case_id: int, item_id: int) -> Changes:
    """Untick a reported disorder. One that a visit has confirmed or not stays (the finding is history)."""
    case = get(session, m.Case, case_id)
    row = session.scalar(select(m.CaseDisorder).where(m.CaseDisorder.case_id == case_id,
                                                      m.CaseDisorder.item_id == item_id))
    if row is None:
        raise ValidationError("Ce désordre n'est pas signalé sur le dossier.", field="item_ids")
    if row.state != "signale":
        raise ValidationError(
            f"« {row.item.label} » a été constaté lors d'une visite : il ne peut plus être retiré.", field="item_ids")
    label = row.item.label
    session.delete(row)
    journal(session, actor, case.id, "desordre", f"Désordre retiré : {label}.")
    finish(session, [case.id])
    return Changes("case", case.id, {case.id}, ["disorders"], deleted=True)


@action("disorder.set", "case.edit", case_arg="case_id")
def set_reported_disorders(session: Session, actor: Actor, case_id: int, item_ids: Iterable[int],
                           reported_on: date | None = None) -> Changes:
    """Make the ticked grid items match `item_ids` (what a checkbox grid saves in one go).

    New items are added as reported; unticked items still only reported are removed;
    items a visit has already ruled on are kept.
    """
    case = get(session, m.Case, case_id)
    reported_on = v.a_date(reported_on or today(), "reported_on", "Date du signalement")
    v.not_after(reported_on, today(), "reported_on", "La date du signalement ne peut pas être dans le futur.")
    wanted = _items(session, item_ids)
    wanted_ids = {item.id for item in wanted}
    removed = []
    for row in session.scalars(select(m.CaseDisorder).where(m.CaseDisorder.case_id == case_id)):
        if row.item_id not in wanted_ids and row.state == "signale":
            removed.append(row.item.label)
            session.delete(row)
    added = add_reported(session, case, wanted, reported_on)
    if added:
        journal(session, actor, case.id, "desordre",
                "Désordres signalés : " + " ; ".join(item.label for item in added) + ".")
    if removed:
        journal(session, actor, case.id, "desordre", "Désordres retirés : " + " ; ".join(removed) + ".")
    finish(session, [case.id])
    return Changes("case", case.id, {case.id}, ["disorders"])
