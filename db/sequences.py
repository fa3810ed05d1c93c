"""Keep PostgreSQL sequences in step after bulk inserts with explicit ids."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.base import Base


def sync_sequences(session: Session) -> None:
    """On PostgreSQL, move each serial sequence past the highest id (no-op on SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.primary_key:
            continue
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
        ))
