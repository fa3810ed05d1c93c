"""Tombstones: every travelling record deleted through the ORM leaves its table, uuid, time and author.

A check-in learns deletions from the snapshot already (a record taken out and absent from the laptop);
the tombstone says who deleted it and when, in the report and beside a conflict, and stays auditable.
"""
from __future__ import annotations

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from db.base import Travelling, now
from db.models import Tombstone


@event.listens_for(Session, "before_flush")
def _bury(session: Session, _context, _instances) -> None:
    deleted = [row for row in session.deleted if isinstance(row, Travelling) and row.uuid]
    if not deleted:
        return
    actor = session.info.get("actor")
    login = getattr(actor, "login", "") or ""
    for row in deleted:
        session.add(Tombstone(table_name=row.__tablename__, record_uuid=row.uuid, deleted_at=now(),
                              deleted_by=login[:60]))


def tombstones(session: Session, table_name: str) -> dict[str, tuple[str, object]]:
    """uuid -> (who, when) of the records of a table deleted in this base."""
    rows = session.execute(select(Tombstone.record_uuid, Tombstone.deleted_by, Tombstone.deleted_at)
                           .where(Tombstone.table_name == table_name))
    return {uuid: (who, when) for uuid, who, when in rows}
