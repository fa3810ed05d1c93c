"""Ordre du jour and relevé de décisions of a commission (one document, two parts:
the agenda before the meeting, the decisions once they are recorded)."""
from __future__ import annotations

import os

from reportlab.lib.units import mm
from sqlalchemy.orm import Session

from core.actor import Actor
from core.formatting import fr_date
from core.pdf.common import CONTENT_WIDTH, fields, para, table
from core.pdf.documents import Composed, find_by_id, produce
from db import models as m
from db.base import now
from db.engine import Database
from db.vocab import COMMISSION_KINDS, label


def build_commission(database: Database, actor: Actor, commission_id, target: str | os.PathLike | None = None) -> bytes:
    def compose(session: Session):
        commission = find_by_id(session, m.Commission, commission_id, "commission")
        return None, lambda: Composed(_title(commission), commission_story(commission), "commission", commission.id,
                                      {"points": len(commission.items)})

    return produce(database, actor, permission="commission.manage", document="commission", compose=compose,
                   target=target)


def _title(commission: m.Commission) -> str:
    return f"{label(COMMISSION_KINDS, commission.kind)} du {fr_date(commission.held_on)}"


def commission_story(commission: m.Commission) -> list:
    decided = any(item.decision.strip() for item in commission.items)
    held = commission.held_on <= now().date()
    story = [
        para(_title(commission), "title"),
        para(commission.title, "subtitle"),
        fields([("Date", fr_date(commission.held_on, "long")), ("Lieu", commission.place),
                ("Instance", label(COMMISSION_KINDS, commission.kind)), ("Points", len(commission.items)),
                ("Participants", commission.participants)]),
        para("Ordre du jour", "h1"),
    ]
    agenda = [["N°", "Dossier", "Ménage", "Adresse", "Présentation"]]
    for number, item in enumerate(commission.items, start=1):
        case = item.case
        agenda.append([number, case.reference, case.household.display_name, case.dwelling.full_address,
                       item.presentation])
    if len(agenda) == 1:
        story.append(para("Aucun dossier inscrit.", "muted"))
    else:
        story.append(table(agenda, [9 * mm, 22 * mm, 38 * mm, 60 * mm, CONTENT_WIDTH - 129 * mm]))
    story.append(para("Relevé de décisions", "h1"))
    if not decided:
        story.append(para("Décisions à prendre en séance." if not held else "Aucune décision enregistrée.", "muted"))
        return story
    decisions = [["N°", "Dossier", "Ménage", "Décision"]]
    for number, item in enumerate(commission.items, start=1):
        decisions.append([number, item.case.reference, item.case.household.display_name,
                          item.decision or "Pas de décision enregistrée."])
    story.append(table(decisions, [9 * mm, 22 * mm, 38 * mm, CONTENT_WIDTH - 69 * mm]))
    return story
