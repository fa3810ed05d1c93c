"""Saved filters of the case list, per user (table saved_filters): the writes. Reads are queries
(core.queries.case_list.saved_filter_names / saved_filter).

A saved filter is a personal view preference, like a column width: it is not case data, so it is
stored without an audited action, and each user reaches only her own.
"""
from __future__ import annotations

from sqlalchemy import delete as sql_delete, select

from core.actor import Actor
from core.queries.case_list import saved_filter_owner
from db import models as m


def save(database, actor: Actor, name: str, definition: str) -> None:
    """Keep the filter under this name (replacing the actor's filter of the same name)."""
    with database.write() as session:
        row = session.scalar(select(m.SavedFilter).where(saved_filter_owner(actor), m.SavedFilter.name == name))
        if row is None:
            session.add(m.SavedFilter(user_id=actor.user_id, name=name, definition=definition))
        else:
            row.definition = definition


def delete(database, actor: Actor, name: str) -> None:
    with database.write() as session:
        session.execute(sql_delete(m.SavedFilter).where(saved_filter_owner(actor), m.SavedFilter.name == name))
