"""Long lists of ids (the case list's 100,000) read without holding Python's interpreter lock.

SQLAlchemy builds a result row object per row in Python, and even the driver's own fetch takes the
interpreter lock back after each row SQLite steps to; the window, which needs that lock for every cell
it paints, then waited at each hand-over (a repaint of the case list took 70 ms instead of 15 while a
sort's 100,000 ids were read). On SQLite the ids come back as one text, built by SQLite while the lock is
free, then split in one go: 40-72 ms for 100,000 ids, against 54-94 ms row by row and 106-211 ms through
SQLAlchemy's rows. Other databases (PostgreSQL) fetch rows with their driver. The statement is still
compiled and executed by SQLAlchemy (its caching, its dialects).
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def fetch_ids(session: Session, statement) -> list[int]:
    """The first column (integer ids) of every row of a Core `select`, in its order."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        # SQLite keeps a FROM subquery's ORDER BY under an aggregate outer query (its query flattener's rule
        # for group_concat, ticket #2942); 3.40 has no ORDER BY inside aggregates (3.44 has).
        # tests/core/test_case_list.py compares the ids in every sort order with the paged query's.
        listed = statement.subquery()
        text = connection.execute(select(func.group_concat(listed.c[0], ","))).scalar()
        return list(map(int, text.split(","))) if text else []
    result = connection.execute(statement)
    try:
        return [value for value, *_rest in result.cursor.fetchall()]
    finally:
        result.close()


def fetch_plain_rows(session: Session, statement, parameters=None) -> list[tuple]:
    """Every row as the driver gives it (plain tuples, values as stored): for the long reads that only
    count or group values (a year's bilan reads ~800,000 pairs), where building a SQLAlchemy row for each
    cost ~0.8 s. No type conversion: not for dates or decimals on SQLite."""
    result = session.execute(statement, parameters or {})
    try:
        return result.cursor.fetchall()
    finally:
        result.close()
