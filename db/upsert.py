"""Inserts that several seats may run at the same moment (the one dialect-specific spot for them)."""
from __future__ import annotations

from sqlalchemy import Table, text
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


# Keys of the transaction-scoped locks of PostgreSQL (pg_advisory_xact_lock): one per kind of shared step.
LANDLORD_CREATION_LOCK = 770011


def serialise_step(session: Session, lock_key: int) -> None:
    """Make the seats running this step queue, until the caller's transaction ends (PostgreSQL).

    For create-or-match steps on values without a unique key (a landlord's name, matched accents and case
    ignored): the second seat reads after the first one's commit, so it matches instead of duplicating.
    On SQLite, a write transaction (BEGIN IMMEDIATE) already excludes every other writer.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key})
