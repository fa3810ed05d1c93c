"""Audit trail: append-only, hash-chained events of who did what and when.

Each event's hash covers its content and the previous event's hash, so a
changed or removed row breaks the chain from that point on.
"""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.actor import Actor
from db.base import now
from db.models import AuditEvent


def event_digest(prev_hash: str, occurred_at, user_id, user_login, action, entity, entity_id, details) -> str:
    payload = json.dumps(
        [prev_hash, occurred_at.isoformat(sep=" ") if occurred_at else "", user_id, user_login, action,
         entity, str(entity_id), details],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record_event(session: Session, actor: Actor, action: str, entity: str = "", entity_id=None,
                 details: dict | str | None = None) -> AuditEvent:
    """Append one event to the trail, chained to the last one, in the caller's transaction."""
    if isinstance(details, dict):
        details = json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)
    details = details or ""
    prev_hash = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or ""
    occurred_at = now()
    entity_id = "" if entity_id is None else str(entity_id)
    event = AuditEvent(
        occurred_at=occurred_at, user_id=actor.user_id, user_login=actor.login, action=action, entity=entity,
        entity_id=entity_id, details=details, prev_hash=prev_hash,
        hash=event_digest(prev_hash, occurred_at, actor.user_id, actor.login, action, entity, entity_id, details),
    )
    session.add(event)
    session.flush()
    return event
