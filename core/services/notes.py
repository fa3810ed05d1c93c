"""Journal notes: internal, or shareable with the household (shown in letters to it)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from core import validation as v
from core.access import authorize
from core.actor import Actor
from core.services.base import Changes, action
from core.services.common import finish, get, journal
from db import models as m
from db.base import now

NOTE_KINDS = {"note": "Note", "appel": "Appel", "courrier": "Courrier"}


@action("journal.add", "case.edit", case_arg="case_id")
def add_note(session: Session, actor: Actor, case_id: int, text: str, kind: str = "note", shareable: bool = False,
             occurred_at: datetime | None = None) -> Changes:
    """A note, call or letter in the case's journal; `shareable` lets the household see it."""
    get(session, m.Case, case_id)
    text = v.text(text, "text", "Texte de la note", 20000, required=True)
    kind = v.choice(kind, "kind", "Type d'entrée", NOTE_KINDS)
    occurred_at = v.a_datetime(occurred_at or now(), "occurred_at", "Date")
    v.not_after(occurred_at, now(), "occurred_at", "Une note ne peut pas être datée dans le futur.")
    entry = journal(session, actor, case_id, kind, text, shareable=v.boolean(shareable, "shareable", "Partageable"),
                    occurred_at=occurred_at)
    session.flush()
    finish(session, [case_id])
    return Changes("journal_entry", entry.id, {case_id}, ["journal"], created=True, result=entry.id)


@action("journal.set_shareable", "case.edit")
def set_note_shareable(session: Session, actor: Actor, entry_id: int, shareable: bool) -> Changes:
    entry = get(session, m.JournalEntry, entry_id)
    authorize(session, actor, "case.edit", entry.case_id)
    entry.shareable = v.boolean(shareable, "shareable", "Partageable")
    finish(session, [entry.case_id], touch=False)
    return Changes("journal_entry", entry.id, {entry.case_id}, ["shareable"])
