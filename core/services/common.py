"""Helpers shared by the services: lookups, journal, and the derived data kept fresh."""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, TypeVar

from sqlalchemy import update
from sqlalchemy.orm import Session

from core.access import authorize
from core.actor import Actor
from core.errors import ConflictError, NotFound
from core.scoring import raise_priority_for_flags, recompute_criticality
from db import models as m
from db.base import now
from db.search import reindex_cases

T = TypeVar("T")

_WHAT = {
    m.Case: "Dossier", m.Visit: "Visite", m.Referral: "Saisine", m.Relocation: "Suivi de relogement",
    m.Proposal: "Proposition", m.Commission: "Commission", m.Task: "Échéance", m.Partner: "Partenaire",
    m.User: "Utilisateur", m.DisorderItem: "Désordre", m.CaseDisorder: "Désordre du dossier",
    m.JournalEntry: "Entrée du journal",
}


def assign_changed(row, values: dict) -> list[str]:
    """Set on row the values that differ from what it has; returns their names (the fields changed)."""
    changed = []
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed


def today() -> date:
    return date.today()


def get(session: Session, model: type[T], ident: int | None, field: str | None = None) -> T:
    """The row, or NotFound with a French message."""
    row = session.get(model, ident) if ident is not None else None
    if row is None:
        raise NotFound(f"{_WHAT.get(model, model.__name__)} introuvable (n° {ident}).", field=field)
    return row


def authorize_cases(session: Session, actor: Actor, case_ids: Iterable[int], permission: str = "case.edit") -> None:
    """For actions named by a visit, proposal... : check every case they concern."""
    for case_id in sorted(set(case_ids)):
        authorize(session, actor, permission, case_id)


def journal(session: Session, actor: Actor, case_id: int, kind: str, text: str, shareable: bool = False,
            occurred_at: datetime | None = None) -> m.JournalEntry:
    entry = m.JournalEntry(case_id=case_id, kind=kind, text=text, author_id=actor.user_id, shareable=shareable,
                           occurred_at=occurred_at or now())
    session.add(entry)
    return entry


def finish(session: Session, case_ids: Iterable[int], touch: bool = True) -> None:
    """After a change: last activity, criticality and search documents of the touched cases."""
    ids = sorted({i for i in case_ids if i is not None})
    if not ids:
        return
    session.flush()
    if touch:
        table = m.Case.__table__
        session.execute(update(table).where(table.c.id.in_(ids)).values(last_activity_at=now()))
    recompute_criticality(session, ids)
    raise_priority_for_flags(session, ids)
    reindex_cases(session, ids)
    # ORM objects loaded earlier must not keep stale derived values.
    for case in [o for o in session.identity_map.values() if isinstance(o, m.Case) and o.id in ids]:
        session.expire(case, ["last_activity_at", "criticality", "priority"])


_ENTITY_WORDS = {"case": "le dossier", "household": "le ménage", "dwelling": "le logement",
                 "relocation": "le suivi de relogement", "proposal": "la proposition", "visit": "la visite",
                 "referral": "la saisine"}


def check_version(session: Session, row, entity: str, expected_version: int | None) -> None:
    """Refuse a save made from an older version of `row`, saying who saved it meanwhile, when and what."""
    if expected_version is None or row.version == expected_version:
        return
    raise conflict_error(session, entity, row.id)


def conflict_error(session: Session, entity: str, entity_id: int | None) -> ConflictError:
    from sqlalchemy import select

    what = _ENTITY_WORDS.get(entity, "cette fiche")
    feminine = what.startswith(("la ", "cette "))
    changed, pronoun = ("modifiée", "la") if feminine else ("modifié", "le")
    event = None
    if entity_id is not None:
        event = session.execute(
            select(m.AuditEvent.user_login, m.AuditEvent.occurred_at, m.AuditEvent.details, m.User.full_name)
            .outerjoin(m.User, m.User.id == m.AuditEvent.user_id)
            .where(m.AuditEvent.entity == entity, m.AuditEvent.entity_id == str(entity_id))
            .order_by(m.AuditEvent.id.desc()).limit(1)).first()
    if event is None:
        return ConflictError(f"Enregistrement refusé : {what} a été {changed} entre-temps par quelqu'un d'autre. "
                             f"Rechargez-{pronoun} pour voir ces modifications ; ce que vous avez saisi reste affiché.")
    who = event.full_name or event.user_login
    when = event.occurred_at.strftime("le %d/%m/%Y à %H h %M")
    fields = _changed_fields(event.details)
    return ConflictError(f"Enregistrement refusé : {what} a été {changed} entre-temps par {who} {when}"
                         f"{f' ({fields})' if fields else ''}. Rechargez-{pronoun} pour voir ces modifications ; "
                         "ce que vous avez saisi reste affiché.")


def _changed_fields(details: str) -> str:
    import json

    try:
        names = json.loads(details or "{}").get("champs") or []
    except (ValueError, AttributeError):
        return ""
    from core.fields import BY_KEY  # the labels of the forms (one declaration per field)

    # Only the fields users know by a label: a raw column name would mean nothing to them.
    return ", ".join(BY_KEY[name].label.lower() for name in names if name in BY_KEY)
