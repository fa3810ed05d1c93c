"""Inserts that several seats may run at the same moment (the one dialect-specific spot for them)."""
from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.orm import Session


def insert_new_only(session: Session, table: Table, rows: list[dict], key: str) -> set:
    """Insert the rows whose `key` (a unique column) is not taken yet, silently skipping the others, even
    when another seat inserts the same keys concurrently (ON CONFLICT DO NOTHING); returns the keys inserted."""
    if not rows:
        return set()
    if session.get_bind().dialect.name == "postgresql":  # (the dialect modules load when first needed)
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).on_conflict_do_nothing(index_elements=[table.c[key]]).returning(table.c[key])
    return set(session.scalars(statement, rows))
