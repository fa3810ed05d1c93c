"""Settings an administrator changes from a dialog: the idle-lock delay and the audit trail's retention.

Each is an action like any other write: permission checked in core, validated with a French message
naming the field, audited with the new value.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from core.actor import Actor
from core.audit import (
    AUDIT_RETENTION_KEY,
    MIN_AUDIT_MONTHS,
    delete_expired_events,
    write_setting,
)
from core.errors import ValidationError
from core.services.base import Changes, action

LOCK_SETTING = "session_lock_minutes"
DEFAULT_LOCK_MINUTES = 10
MAX_LOCK_MINUTES = 120
MAX_AUDIT_MONTHS = 120


def _whole_number(value, field: str, what: str, lowest: int, highest: int, unit: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{what} doit être un nombre entier de {unit}.", field=field) from None
    if not lowest <= number <= highest:
        raise ValidationError(f"{what} doit être compris entre {lowest} et {highest} {unit}.", field=field)
    return number


@action("parametre.verrouillage_session", "user.manage")
def set_session_lock_minutes(session: Session, actor: Actor, minutes: int) -> Changes:
    """Idle time after which a session locks (taken into account at the next login)."""
    minutes = _whole_number(minutes, "session_lock_minutes", "Le délai de verrouillage", 1, MAX_LOCK_MINUTES,
                            "minutes")
    write_setting(session, LOCK_SETTING, minutes)
    return Changes("setting", LOCK_SETTING, fields=[LOCK_SETTING], details={"valeur": minutes})


@action("parametre.conservation_journal", "retention.manage")
def set_audit_retention(session: Session, actor: Actor, months: int) -> Changes:
    """Keep the audit trail this many months, and delete at once the events now past that period.

    Changes.result is the number of events deleted; the audit event of this action (written after the
    deletion) says how many."""
    months = _whole_number(months, AUDIT_RETENTION_KEY, "La durée de conservation du journal", MIN_AUDIT_MONTHS,
                           MAX_AUDIT_MONTHS, "mois")
    write_setting(session, AUDIT_RETENTION_KEY, months)
    session.flush()  # the deletion reads the new period
    removed = delete_expired_events(session, actor)  # writes the purge witness
    return Changes("setting", AUDIT_RETENTION_KEY, fields=[AUDIT_RETENTION_KEY], result=removed,
                   details={"valeur": months, "supprimes": removed})
