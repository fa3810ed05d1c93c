"""Saved filters of the case list, per user (table saved_filters).

A saved filter is a personal view preference, like a column width: it is not
case data, so it is stored without an audited action.
"""
from __future__ import annotations

from sqlalchemy import delete as sql_delete, select

from core.actor import Actor
from db import models as m
from db.engine import Database


def names(database: Database, actor: Actor) -> list[str]:
    with database.session() as session:
        return list(session.scalars(select(m.SavedFilter.name).where(_owner(actor)).order_by(m.SavedFilter.name)))


def load(database: Database, actor: Actor, name: str) -> str | None:
    with database.session() as session:
        return session.scalar(select(m.SavedFilter.definition).where(_owner(actor), m.SavedFilter.name == name))


def save(database: Database, actor: Actor, name: str, definition: str) -> None:
    with database.write() as session:
        row = session.scalar(select(m.SavedFilter).where(_owner(actor), m.SavedFilter.name == name))
        if row is None:
            session.add(m.SavedFilter(user_id=actor.user_id, name=name, definition=definition))
        else:
            row.definition = definition


def delete_filter(database: Database, actor: Actor, name: str) -> None:
    with database.write() as session:
        session.execute(sql_delete(m.SavedFilter).where(_owner(actor), m.SavedFilter.name == name))


delete = delete_filter  # the name the case list uses


def _owner(actor: Actor):
    if actor.user_id is None:
        return m.SavedFilter.user_id.is_(None)
    return m.SavedFilter.user_id == actor.user_id
