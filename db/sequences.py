"""Numbers given out under concurrency: PostgreSQL sequences after bulk inserts, case references by year."""
from __future__ import annotations

from sqlalchemy import func, text
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


def take_reference_number(session: Session, year: int, at_least: int = 0) -> int:
    """Give out the next case number of `year`, atomically, inside the caller's write transaction.

    One upsert on the year's counter row: on PostgreSQL the row stays locked until the creating
    transaction ends, so simultaneous creations queue (milliseconds) instead of colliding; on SQLite
    writes are serialised already. `at_least` is the highest number already used by a reference
    written without the counter (an import, the demo): the counter never gives it out again.
    """
    from db.models import ReferenceCounter

    table = ReferenceCounter.__table__
    dialect = session.get_bind().dialect.name
    # Each dialect's module is imported when first needed: PostgreSQL's took 48 ms of every start-up.
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert

        greatest = func.greatest
    else:
        from sqlalchemy.dialects.sqlite import insert

        greatest = func.max  # SQLite's scalar max(a, b)
    statement = insert(table).values(year=year, last_number=at_least + 1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.year],
        set_={"last_number": greatest(table.c.last_number, at_least) + 1},
    ).returning(table.c.last_number)
    return session.execute(statement).scalar_one()
