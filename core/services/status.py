"""The status workflow of a case, as data: which changes are allowed and what each needs.

nouveau -> en_cours -> en_attente <-> en_cours -> clos; a new or waiting case may be
closed too (a duplicate, out of scope, no answer); a closed case is reopened to
en_cours, and the reopening records why.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from core import validation as v
from core.actor import Actor
from core.errors import ValidationError, WorkflowError
from core.services.base import Changes, action
from core.services.common import finish, get, journal, today
from db import models as m
from db.vocab import CASE_STATUSES

TRANSITIONS: dict[str, frozenset[str]] = {
    "nouveau": frozenset({"en_cours", "clos"}),
    "en_cours": frozenset({"en_attente", "clos"}),
    "en_attente": frozenset({"en_cours", "clos"}),
    "clos": frozenset({"en_cours"}),
}


def allowed_transitions(status: str) -> list[str]:
    """The statuses a case in this status can move to, in workflow order (for menus)."""
    return [s for s in CASE_STATUSES if s in TRANSITIONS.get(status, ())]


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, ())


@action("case.change_status", "case.edit", case_arg="case_id")
def change_status(session: Session, actor: Actor, case_id: int, status: str, *, closure_reason: str | None = None,
                  closed_on: date | None = None, reason: str = "") -> Changes:
    """Move a case along an allowed transition.

    Closing needs `closure_reason` (a reference code) and takes `closed_on` (today by
    default); reopening a closed case needs `reason`, written in the journal.
    """
    case = get(session, m.Case, case_id)
    v.choice(status, "status", "Statut", CASE_STATUSES)
    if not can_transition(case.status, status):
        allowed = ", ".join(CASE_STATUSES[s] for s in allowed_transitions(case.status)) or "aucun"
        raise WorkflowError(
            f"Un dossier « {CASE_STATUSES[case.status]} » ne peut pas passer à « {CASE_STATUSES[status]} » "
            f"(possible : {allowed}).", field="status")
    previous = case.status
    if status == "clos":
        _close(session, case, closure_reason, closed_on)
        text = f"Dossier clos : {session.get(m.ClosureReason, case.closure_reason).label}."
        if reason.strip():
            text += f" {reason.strip()}"
    elif previous == "clos":
        reason = v.text(reason, "reason", "Motif de réouverture", 2000, required=True)
        case.closed_on = None
        case.closure_reason = None
        case.status = status
        text = f"Dossier rouvert : {reason}"
    else:
        case.status = status
        text = f"Statut : {CASE_STATUSES[previous]} → {CASE_STATUSES[status]}."
        if reason.strip():
            text += f" {reason.strip()}"
    journal(session, actor, case.id, "statut", text, shareable=True)
    finish(session, [case.id])
    return Changes("case", case.id, {case.id}, ["status"], result=status)


def _close(session: Session, case: m.Case, closure_reason: str | None, closed_on: date | None) -> None:
    if not closure_reason:
        raise ValidationError("Pour clore le dossier, indiquez le motif de clôture.", field="closure_reason")
    if session.get(m.ClosureReason, closure_reason) is None:
        raise ValidationError(f"Motif de clôture « {closure_reason} » inconnu.", field="closure_reason")
    closed_on = v.a_date(closed_on or today(), "closed_on", "Date de clôture")
    v.not_after(closed_on, today(), "closed_on",
                f"La date de clôture ({v.fr_date(closed_on)}) ne peut pas être dans le futur.")
    v.not_before(closed_on, case.opened_on, "closed_on",
                 f"La date de clôture ({v.fr_date(closed_on)}) précède le signalement ({v.fr_date(case.opened_on)}).")
    case.status = "clos"
    case.closed_on = closed_on
    case.closure_reason = closure_reason


def close_case(database, actor: Actor, case_id: int, closure_reason: str, closed_on: date | None = None,
               comment: str = "") -> Changes:
    """Shortcut for change_status(..., 'clos')."""
    return change_status(database, actor, case_id, "clos", closure_reason=closure_reason, closed_on=closed_on,
                         reason=comment)


def reopen_case(database, actor: Actor, case_id: int, reason: str) -> Changes:
    """Shortcut for change_status(..., 'en_cours', reason=...) on a closed case."""
    return change_status(database, actor, case_id, "en_cours", reason=reason)
