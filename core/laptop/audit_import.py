"""Audit events made on a laptop join the office trail, in their order, marked with their origin.

Each is sealed again with the office key and chained to the office trail (core.audit), keeping who,
when and what; its details say it came from a laptop (« origine ») and carry its number there. The ids
it names are translated to the office's where the record came back (a case created on the laptop has
another id at the office).
"""
from __future__ import annotations

import json

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core.audit import ANCHOR_EVERY, details_seal, event_seal, schedule_anchor, sealing_key
from core.laptop import tables as t
from core.validation import CONTROL_CHARACTERS
from db.models import AuditEvent

ENTITY_TABLES = {"case": "cases", "visit": "visits", "attachment": "attachments", "task": "tasks",
                 "referral": "referrals", "relocation": "relocations", "proposal": "proposals",
                 "journal": "journal_entries", "household": "households", "dwelling": "dwellings"}


def lock_trail(session: Session) -> tuple[str, bytes]:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(770007)"))  # as core.audit.record_event
    return sealing_key(session)


def _office_id(entity_table: str | None, laptop_id, laptop_uuids: dict, office_ids: t.UuidMap):
    if entity_table is None or not str(laptop_id).isdigit():
        return None
    uuid = laptop_uuids.get(entity_table, {}).get(int(laptop_id))
    if uuid is None:
        return None
    office_ids.load_uuids(entity_table, [uuid])
    return office_ids.id_of.get(entity_table, {}).get(uuid)


def _details(event: dict, origin: str, laptop_uuids: dict, office_ids: t.UuidMap) -> str:
    try:
        details = json.loads(event["details"] or "{}")
    except ValueError:
        details = None
    if not isinstance(details, dict):
        details = {"texte": event["details"]}
    if isinstance(details.get("dossiers"), list):
        details["dossiers"] = [_office_id("cases", i, laptop_uuids, office_ids) or f"portable:{i}"
                               for i in details["dossiers"]]
    details.update(origine=origin, evenement_portable=event["id"])
    return CONTROL_CHARACTERS.sub("", json.dumps(details, ensure_ascii=False, sort_keys=True, default=str))


def append_laptop_events(session: Session, events: list[dict], origin: str, laptop_uuids: dict,
                         office_ids: t.UuidMap) -> int:
    """Append the laptop's events after the office's last one; how many were appended."""
    if not events:
        return 0
    key_id, key = lock_trail(session)
    prev_hash = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or ""
    for event in events:
        table = ENTITY_TABLES.get(event["entity"])
        office_id = _office_id(table, event["entity_id"], laptop_uuids, office_ids)
        entity_id = str(office_id) if office_id is not None else (
            f"portable:{event['entity_id']}" if event["entity_id"] and table else str(event["entity_id"] or ""))
        details = _details(event, origin, laptop_uuids, office_ids)
        digest = details_seal(key, details)
        row = AuditEvent(occurred_at=event["occurred_at"], user_id=event["user_id"], user_login=event["user_login"],
                         action=event["action"], entity=event["entity"], entity_id=entity_id[:40], details=details,
                         prev_hash=prev_hash, details_digest=digest, key_id=key_id,
                         hash=event_seal(key, prev_hash, event["occurred_at"], event["user_id"], event["user_login"],
                                         event["action"], event["entity"], entity_id[:40], digest, key_id))
        session.add(row)
        session.flush()
        if row.id % ANCHOR_EVERY == 0:
            schedule_anchor(session, row.id, row.hash, key_id)
        prev_hash = row.hash
    return len(events)
